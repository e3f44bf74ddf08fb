#!/usr/bin/env bash
# Usage: aardvark-down.sh NETNS CONFIG_DIR
# Stops the aardvark-dns aardvark-up.sh started (by its pid file), deletes CONFIG_DIR and the
# namespace. Quiet and successful when there is nothing to stop.
set -uo pipefail
ns=${1:?usage: aardvark-down.sh NETNS CONFIG_DIR} dir=${2:?usage: aardvark-down.sh NETNS CONFIG_DIR}
. "$(dirname "$0")/common.sh"
stop_pid_file "$dir/aardvark.pid" 5
rm -rf "$dir"
[ -e "/run/netns/$ns" ] && ip netns del "$ns"
true
