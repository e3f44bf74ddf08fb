#!/usr/bin/env bash
# Usage: aardvark-down.sh NETNS CONFIG_DIR
# Stops the aardvark-dns aardvark-up.sh started (by its pid file), deletes CONFIG_DIR and the
# namespace. Quiet and successful when there is nothing to stop.
set -uo pipefail
ns=${1:?usage: aardvark-down.sh NETNS CONFIG_DIR} dir=${2:?usage: aardvark-down.sh NETNS CONFIG_DIR}
if [ -f "$dir/aardvark.pid" ]; then
  pid=$(cat "$dir/aardvark.pid")
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
fi
rm -rf "$dir"
[ -e "/run/netns/$ns" ] && ip netns del "$ns"
true
