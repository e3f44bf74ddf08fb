#!/usr/bin/env bash
# Usage: kv-overlay-up.sh [PREFIX] [--restart-b]   (default prefix peer-kvov)
# Docker 20.10's legacy overlay with an external KV store (`--cluster-store etcd://`, removed in
# Docker 23.0): etcd 3.4 with the v2 API (libnetwork's libkv speaks v2) in netns PREFIX-A on
# 10.202.0.1:2379, and two dockerd in netns PREFIX-A / PREFIX-B (own UTS names, so serf's node
# names differ) joined by a veth underlay 10.202.0.0/24 (`ul0`, MTU 1500). Creates the overlay
# network `kvov` (10.203.0.0/24) and imports the busybox image as bbox:local on both.
# --restart-b starts dockerd B again (after a benchmark killed it), so that kv-overlay-down.sh can
# remove its containers. Stop with kv-overlay-down.sh PREFIX.
set -euo pipefail
p=${1:-peer-kvov}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
store=(--cluster-store etcd://10.202.0.1:2379)
start_b() { UTS_HOST=kvhostB "$here/docker-up.sh" "$p-B" --bip 172.31.2.1/24 "${store[@]}" --cluster-advertise 10.202.0.2:2376; }
if [ "${2:-}" = --restart-b ]; then start_b; exit 0; fi
need_pkgs docker.io etcd-server iproute2
ensure_netns "$p-A"; ensure_netns "$p-B"
if ! ip -n "$p-A" link show ul0 >/dev/null 2>&1; then
  ip link add ul0 netns "$p-A" type veth peer name ul0 netns "$p-B"
  ip -n "$p-A" addr add 10.202.0.1/24 dev ul0; ip -n "$p-B" addr add 10.202.0.2/24 dev ul0
  ip -n "$p-A" link set ul0 up; ip -n "$p-B" link set ul0 up
fi
"$here/etcd-up.sh" "$p-etcd" --netns "$p-A" --ip 10.202.0.1 --enable-v2=true >/dev/null
UTS_HOST=kvhostA "$here/docker-up.sh" "$p-A" --bip 172.31.1.1/24 "${store[@]}" --cluster-advertise 10.202.0.1:2376
start_b
tar=/var/tmp/cnm-bbox.tar
[ -f "$tar" ] || "$here/mk-bbox-rootfs.sh" "$tar" >/dev/null
for h in A B; do
  d=(docker -H "unix:///run/$p-$h.sock")
  "${d[@]}" image inspect bbox:local >/dev/null 2>&1 || "${d[@]}" import -c 'CMD ["/bin/sh"]' "$tar" bbox:local >/dev/null
done
docker -H "unix:///run/$p-A.sock" network inspect kvov >/dev/null 2>&1 ||
  docker -H "unix:///run/$p-A.sock" network create -d overlay --subnet 10.203.0.0/24 kvov >/dev/null
# The network is global: B must see it through etcd.
for _ in $(seq 1 40); do docker -H "unix:///run/$p-B.sock" network inspect kvov >/dev/null 2>&1 && { echo "kv overlay up ($p)"; exit 0; }; sleep 0.25; done
echo "kv overlay: network kvov not visible on $p-B; see /var/log/$p-B.log" >&2
exit 1
