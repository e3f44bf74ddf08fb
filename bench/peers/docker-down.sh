#!/usr/bin/env bash
# Usage: docker-down.sh NAME [--purge]
# Stops the dockerd docker-up.sh started (its containers first), unmounts what it left under
# /run/NAME and /var/lib/NAME; --purge also deletes those directories and the namespace.
# Quiet and successful when there is nothing to stop.
set -uo pipefail
name=${1:?usage: docker-down.sh NAME [--purge]}
sock="unix:///run/$name.sock"
. "$(dirname "$0")/common.sh"
if [ -f "/run/$name.pid" ]; then
  docker -H "$sock" ps -aq 2>/dev/null | xargs -r docker -H "$sock" rm -f >/dev/null 2>&1
  stop_pid_file "/run/$name.pid" 20
fi
grep -E " /(run|var/lib)/$name[/ ]" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
if [ "${2:-}" = --purge ]; then
  rm -rf "/var/lib/$name" "/run/$name" "/run/$name.sock"
  [ -e "/run/netns/$name" ] && ip netns del "$name"
fi
true
