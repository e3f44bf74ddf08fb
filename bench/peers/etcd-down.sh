#!/usr/bin/env bash
# Usage: etcd-down.sh NAME [--keep-data]
# Stops the etcd etcd-up.sh started (by its pid file) and deletes its data dir unless --keep-data.
# The namespace given to etcd-up.sh belongs to the caller and stays. Quiet and successful when
# there is nothing to stop.
set -uo pipefail
name=${1:?usage: etcd-down.sh NAME [--keep-data]}
if [ -f "/run/$name.pid" ]; then
  pid=$(cat "/run/$name.pid")
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
  rm -f "/run/$name.pid"
fi
[ "${2:-}" = --keep-data ] || rm -rf "/var/lib/$name"
true
