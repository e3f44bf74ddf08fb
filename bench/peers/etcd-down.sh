#!/usr/bin/env bash
# Usage: etcd-down.sh NAME [--keep-data]
# Stops the etcd etcd-up.sh started (by its pid file) and deletes its data dir unless --keep-data.
# The namespace given to etcd-up.sh belongs to the caller and stays. Quiet and successful when
# there is nothing to stop.
set -uo pipefail
name=${1:?usage: etcd-down.sh NAME [--keep-data]}
. "$(dirname "$0")/common.sh"
stop_pid_file "/run/$name.pid" 5
[ "${2:-}" = --keep-data ] || rm -rf "/var/lib/$name"
true
