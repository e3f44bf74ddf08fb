#!/usr/bin/env bash
# Puts the test sources of the Docker SDK for Python (tests/ of the python3-docker version Debian
# installed) into DEST, at test time; they are never committed. Tried in order:
#   1. $CNM_DOCKER_PY_SRC: a docker-py source tree (a checkout of that version's tag, or its sdist).
#   2. Debian's source package python-docker of that version, through apt with a throwaway deb-src
#      list made from this machine's own Debian sources (the system's apt setup is not changed).
# Exit 0 with DEST/tests/integration/api_network_test.py in place; else exit 3 and say on stderr
# what was tried and why it failed (the suite then skips with that reason).
set -uo pipefail
DEST=${1:?usage: fetch-tests.sh DEST}
PY=/usr/bin/python3
want=$("$PY" -c 'import docker; print(docker.__version__)' 2>/dev/null) || { echo "python3-docker is not installed (apt-get install python3-docker)" >&2; exit 3; }
have() { [ -f "$DEST/tests/integration/api_network_test.py" ] && [ -f "$DEST/tests/helpers.py" ]; }
have && exit 0
mkdir -p "$DEST"
tried=()

if [ -n "${CNM_DOCKER_PY_SRC:-}" ]; then
  if [ -f "$CNM_DOCKER_PY_SRC/tests/integration/api_network_test.py" ]; then
    cp -r "$CNM_DOCKER_PY_SRC/tests" "$DEST/" && have && exit 0
  fi
  tried+=("CNM_DOCKER_PY_SRC=$CNM_DOCKER_PY_SRC has no tests/integration/api_network_test.py")
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/parts"
# deb-src twins of the machine's Debian sources (deb822 and one-line formats).
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] && grep -q 'debian' "$f" && sed 's/^Types: deb$/Types: deb-src/' "$f" > "$work/parts/$(basename "$f")"
done
[ -f /etc/apt/sources.list ] && grep -E '^deb .*debian' /etc/apt/sources.list | sed 's/^deb /deb-src /' > "$work/src.list"
touch "$work/src.list"
APT=(-o "Dir::Etc::SourceList=$work/src.list" -o "Dir::Etc::SourceParts=$work/parts" -o "Dir::State::Lists=$work/lists" -o "Debug::NoLocking=1")
if ! apt-get "${APT[@]}" update -qq >"$work/update.log" 2>&1; then
  tried+=("apt-get update with deb-src failed: $(tail -1 "$work/update.log")")
else
  ver=$(apt-cache "${APT[@]}" showsrc python-docker 2>/dev/null | awk '/^Version:/ {print $2}' | grep -E "^(1:)?${want//./\\.}-" | head -1)
  if [ -z "$ver" ]; then
    tried+=("Debian's sources list no python-docker $want")
  else
    (cd "$work" && apt-get "${APT[@]}" source --download-only "python-docker=$ver" >"$work/source.log" 2>&1)
    orig=$(ls "$work"/python-docker_*.orig.tar.* 2>/dev/null | head -1)
    if [ -z "$orig" ]; then
      tried+=("apt-get source python-docker=$ver: $(grep -m1 -E '^E:' "$work/source.log")")
    elif ! tar -tf "$orig" | grep -q '/tests/integration/api_network_test.py$'; then
      tried+=("$(basename "$orig") has no tests/ (an sdist without them)")
    else
      tar -xf "$orig" -C "$work" && cp -r "$work"/docker-*/tests "$DEST/" && have && exit 0
      tried+=("could not unpack $(basename "$orig")")
    fi
  fi
fi
printf 'docker-py %s test sources not obtainable: %s\n' "$want" "$(IFS=';'; echo "${tried[*]}")" >&2
exit 3
