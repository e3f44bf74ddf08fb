#!/usr/bin/env bash
# Usage: docker-up.sh NAME [DOCKERD ARGS...]
# Docker 20.10 (Debian's docker.io) in network namespace NAME (made if missing), never touching the
# host's networking: data /var/lib/NAME, exec root /run/NAME, socket /run/NAME.sock, pid file
# /run/NAME.pid, log /var/log/NAME.log. Waits until the API answers. Stop with docker-down.sh.
# UTS_HOST=HOSTNAME gives dockerd a UTS namespace and hostname of its own (two dockerd on one
# machine need distinct node names, e.g. for serf in --cluster-store mode).
set -euo pipefail
name=${1:?usage: docker-up.sh NAME [DOCKERD ARGS...]}; shift
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
need_pkgs docker.io iproute2
ensure_netns "$name"
mkdir -p "/var/lib/$name" "/run/$name"
pre=(); [ -n "${UTS_HOST:-}" ] && pre=(unshare --uts sh -c 'hostname "$0"; exec "$@"' "$UTS_HOST")
nohup "$here/nsexec.sh" "$name" "${pre[@]}" dockerd \
  --data-root "/var/lib/$name" --exec-root "/run/$name" \
  -H "unix:///run/$name.sock" --pidfile "/run/$name.pid" \
  "$@" > "/var/log/$name.log" 2>&1 &
for _ in $(seq 1 120); do
  if docker -H "unix:///run/$name.sock" version >/dev/null 2>&1; then
    echo "dockerd $name up (pid $(cat "/run/$name.pid"))"; exit 0
  fi
  sleep 0.5
done
echo "dockerd $name did not come up within 60 s; end of /var/log/$name.log:" >&2
tail -20 "/var/log/$name.log" >&2
exit 1
