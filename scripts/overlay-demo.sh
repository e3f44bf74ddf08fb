#!/usr/bin/env bash
# A local 3-host cluster for overlay networks: namespaces cnmdemo-a/-b/-c (the "hosts", each with
# its own cnmd, socket /run/cnmdemo-X.sock, state /var/lib/cnmdemo-X) on an underlay bridge in
# namespace cnmdemo-ul (10.240.0.0/24, MTU 1500) where etcd runs (http://10.240.0.1:2379, data
# /var/lib/cnmdemo-etcd). Nothing touches the host's own networking. Needs root, `npm run build`
# first, and etcd-server (scripts/setup.sh installs it).
#
#   scripts/overlay-demo.sh up      # start everything, run the demo (demo1..3 ping each other by name)
#   scripts/overlay-demo.sh down    # stop the daemons and etcd, delete the namespaces and state
#   cnm -H unix:///run/cnmdemo-b.sock network inspect multi    # look around while it is up
set -euo pipefail
cd "$(dirname "$0")/.."
UL=cnmdemo-ul NET=10.240.0 HOSTS=(a b c)
cnm() { local h=$1; shift; node dist/cnm.js -H "unix:///run/cnmdemo-$h.sock" "$@"; }

down() {
  for h in "${HOSTS[@]}"; do
    [ -f "/run/cnmdemo-$h.pid" ] && kill "$(cat "/run/cnmdemo-$h.pid")" 2>/dev/null || true
    rm -f "/run/cnmdemo-$h.pid"
    # The host's sandboxes and overlay namespaces: cnmd's cleanup removes what it made.
    [ -d "/var/lib/cnmdemo-$h" ] && nsenter --net="/run/netns/cnmdemo-$h" node dist/cnmd.js cleanup --state-dir "/var/lib/cnmdemo-$h" --run-dir "/run/cnmdemo-$h" >/dev/null 2>&1 || true
    ip netns delete "cnmdemo-$h" 2>/dev/null || true
    rm -rf "/var/lib/cnmdemo-$h" "/run/cnmdemo-$h" "/run/cnmdemo-$h.sock"
  done
  [ -f /run/cnmdemo-etcd.pid ] && kill "$(cat /run/cnmdemo-etcd.pid)" 2>/dev/null || true
  rm -rf /run/cnmdemo-etcd.pid /var/lib/cnmdemo-etcd
  ip netns delete "$UL" 2>/dev/null || true
  echo "overlay demo removed"
}

up() {
  [ -f dist/cnmd.js ] || { echo "run npm run build first" >&2; exit 1; }
  ip netns add "$UL"
  ip -n "$UL" link set lo up
  ip -n "$UL" link add br0 type bridge
  ip -n "$UL" addr add "$NET.1/24" dev br0
  ip -n "$UL" link set br0 up
  mkdir -p /var/lib/cnmdemo-etcd
  ip netns exec "$UL" etcd --name cnmdemo --data-dir /var/lib/cnmdemo-etcd \
    --listen-client-urls "http://$NET.1:2379" --advertise-client-urls "http://$NET.1:2379" \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster cnmdemo=http://127.0.0.1:2380 >/var/log/cnmdemo-etcd.log 2>&1 &
  echo $! >/run/cnmdemo-etcd.pid
  for _ in $(seq 50); do ip netns exec "$UL" curl -fsS "http://$NET.1:2379/health" >/dev/null 2>&1 && break; sleep 0.2; done
  local i=2
  for h in "${HOSTS[@]}"; do
    ip netns add "cnmdemo-$h"
    ip -n "cnmdemo-$h" link set lo up
    ip -n "$UL" link add "ul-$h" type veth peer name ul0 netns "cnmdemo-$h"
    ip -n "$UL" link set "ul-$h" master br0 up
    ip -n "cnmdemo-$h" addr add "$NET.$i/24" dev ul0
    ip -n "cnmdemo-$h" link set ul0 up
    mkdir -p "/var/lib/cnmdemo-$h"
    # nsenter, not `ip netns exec`: the sandbox namespaces cnmd mounts must stay visible outside.
    nsenter --net="/run/netns/cnmdemo-$h" node dist/cnmd.js --socket "/run/cnmdemo-$h.sock" \
      --state-dir "/var/lib/cnmdemo-$h" --run-dir "/run/cnmdemo-$h" \
      --cluster-store "etcd://$NET.1:2379" --cluster-advertise ul0 --cluster-name "host$h" \
      >"/var/log/cnmdemo-$h.log" 2>&1 &
    echo $! >"/run/cnmdemo-$h.pid"
    i=$((i + 1))
  done
  for h in "${HOSTS[@]}"; do
    for _ in $(seq 100); do curl -fsS --unix-socket "/run/cnmdemo-$h.sock" http://cnmd/_ping >/dev/null 2>&1 && break; sleep 0.1; done
  done
  set -x
  cnm a node ls
  cnm a network create -d overlay multi
  sleep 0.5
  cnm b network ls --filter driver=overlay
  cnm a sandbox create --net multi demo1
  cnm b sandbox create --net multi demo2
  cnm c sandbox create --net multi demo3
  cnm a exec demo1 -- ping -c1 -W2 demo2
  cnm b exec demo2 -- ping -c1 -W2 demo3
  cnm c exec demo3 -- ping -c1 -W2 demo1
  set +x
  echo "overlay demo up: cnm -H unix:///run/cnmdemo-{a,b,c}.sock …; remove with $0 down"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
