#!/usr/bin/env bash
# Usage: aardvark-up.sh NETNS CONFIG_DIR ADDR...
# aardvark-dns 1.4 (Debian's aardvark-dns, podman's resolver) in network namespace NETNS (made if
# missing), with the addresses ADDR (the first is the resolver, as netavark uses the bridge
# gateway) on its loopback. CONFIG_DIR holds the per-network config files in the format netavark
# writes (first line the gateway, then `ID IPV4 IPV6 NAME[,ALIAS…]` per container); aardvark-dns
# writes its pid file there. Waits until it listens on ADDR:53. Stop with aardvark-down.sh.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: aardvark-up.sh NETNS CONFIG_DIR ADDR..." >&2; exit 2; }
ns=$1 dir=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
need_pkgs aardvark-dns iproute2
bin=/usr/lib/podman/aardvark-dns
ensure_netns "$ns"
for a in "$@"; do ip -n "$ns" addr replace "$a/32" dev lo; done
# It forks into the background itself; stopped by the pid file it writes into CONFIG_DIR.
ip netns exec "$ns" "$bin" --config "$dir" -p 53 run > "/var/log/$ns.log" 2>&1 &
for _ in $(seq 1 100); do
  ip netns exec "$ns" ss -lnuH "src $1 sport = :53" | grep -q . && { echo "aardvark-dns up in $ns at $1:53"; exit 0; }
  sleep 0.1
done
echo "aardvark-dns did not listen on $1:53 within 10 s; end of /var/log/$ns.log:" >&2
tail -20 "/var/log/$ns.log" >&2
exit 1
