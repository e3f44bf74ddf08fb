#!/usr/bin/env bash
# Usage: etcd-up.sh NAME [--netns NS] [--ip ADDR] [--port PORT] [ETCD ARGS...]
# A single-member etcd 3.4 (Debian's etcd-server) with data dir /var/lib/NAME, pid file
# /run/NAME.pid and log /var/log/NAME.log. Clients at http://ADDR:PORT (default 127.0.0.1:2379; the
# member's peer port is PORT+1 on 127.0.0.1), in namespace NS if given (made if missing; ADDR must
# be one of its addresses), else on the host's loopback. Extra ARGS go to etcd (e.g.
# --enable-v2=true). Waits until /health answers, then prints the client URL as its last line.
# Stop with etcd-down.sh NAME.
set -euo pipefail
name=${1:?usage: etcd-up.sh NAME [--netns NS] [--ip ADDR] [--port PORT] [ETCD ARGS...]}; shift
ns='' ip=127.0.0.1 port=2379
while [ $# -gt 0 ]; do
  case $1 in
    --netns) ns=$2; shift 2 ;;
    --ip) ip=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) break ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
need_pkgs etcd-server curl iproute2
if [ -f "/run/$name.pid" ] && kill -0 "$(cat "/run/$name.pid")" 2>/dev/null; then
  echo "etcd $name is already running (pid $(cat "/run/$name.pid")); stop it with etcd-down.sh $name" >&2
  exit 1
fi
in=()
if [ -n "$ns" ]; then ensure_netns "$ns"; in=(ip netns exec "$ns"); fi
url="http://$ip:$port" peer="http://127.0.0.1:$((port + 1))"
mkdir -p "/var/lib/$name"
# `ip netns exec` execs etcd in place, so $! is etcd's own pid.
nohup "${in[@]}" etcd --name "$name" --data-dir "/var/lib/$name" \
  --listen-client-urls "$url" --advertise-client-urls "$url" \
  --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" --initial-cluster "$name=$peer" \
  "$@" > "/var/log/$name.log" 2>&1 &
echo $! > "/run/$name.pid"
for _ in $(seq 1 100); do
  if "${in[@]}" curl -fsS --max-time 1 "$url/health" 2>/dev/null | grep -q '"health":"true"'; then
    echo "$url"; exit 0
  fi
  kill -0 "$(cat "/run/$name.pid")" 2>/dev/null || break
  sleep 0.2
done
echo "etcd $name did not come up at $url; end of /var/log/$name.log:" >&2
tail -20 "/var/log/$name.log" >&2
"$here/etcd-down.sh" "$name"
exit 1
