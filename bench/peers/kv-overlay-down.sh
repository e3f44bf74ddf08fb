#!/usr/bin/env bash
# Usage: kv-overlay-down.sh [PREFIX]   (default peer-kvov)
# Stops what kv-overlay-up.sh started (both dockerd with their containers, etcd) and deletes its
# namespaces, data and state. Quiet and successful when there is nothing to stop.
set -uo pipefail
p=${1:-peer-kvov}
here=$(cd "$(dirname "$0")" && pwd)
"$here/docker-down.sh" "$p-A" --purge
"$here/docker-down.sh" "$p-B" --purge
"$here/etcd-down.sh" "$p-etcd"
for n in "$p-A" "$p-B"; do [ -e "/run/netns/$n" ] && ip netns del "$n"; done
true
