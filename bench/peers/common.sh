# shellcheck shell=bash
# Sourced by the peer scripts: install missing Debian packages, make a network namespace.

# need_pkgs PKG... — apt-get installs those not installed yet. apt-get update only if the first try
# fails, so a machine that has everything never touches the network. Services are kept from
# starting on install (policy-rc.d), so no daemon ever comes up in the host's namespace.
need_pkgs() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "[peers] apt: ${missing[*]}" >&2
  local made_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  local apt=(apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}") rc=0
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" >/dev/null 2>&1 ||
    { apt-get -o DPkg::Lock::Timeout=300 update -qq && DEBIAN_FRONTEND=noninteractive "${apt[@]}" >/dev/null; } || rc=$?
  [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
  return $rc
}

# ensure_netns NAME — the namespace with loopback up, made if missing.
ensure_netns() {
  [ -e "/run/netns/$1" ] || ip netns add "$1"
  ip -n "$1" link set lo up
}

# stop_pid_file FILE SECONDS — stops the process whose pid FILE holds: SIGTERM, up to SECONDS to
# exit, then SIGKILL; removes FILE. Nothing to do if FILE is missing.
stop_pid_file() {
  [ -f "$1" ] || return 0
  local pid i
  pid=$(cat "$1")
  kill "$pid" 2>/dev/null
  for ((i = 0; i < $2 * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
  rm -f "$1"
}
