#!/usr/bin/env bash
# Re-captures test/fixtures/docker/docker-cli-network-scenario.txt: the scenario's transcript
# against Docker 20.10 (Debian's docker.io) started in a network namespace of its own by
# bench/peers/docker-up.sh, with containers c1 and c2 (busybox, imported) on the default bridge.
# Usage: capture-docker.sh [DOCKER_CLIENT]   (default: /usr/bin/docker, Docker 20.10's CLI)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
client=${1:-/usr/bin/docker}
name=cnm-conf-docker
out="$root/test/fixtures/docker/docker-cli-network-scenario.txt"
"$root/bench/peers/docker-up.sh" "$name"
trap '"$root/bench/peers/docker-down.sh" "$name" --purge' EXIT
export DOCKER_HOST="unix:///run/$name.sock"
[ -f /var/tmp/cnm-bbox.tar ] || "$root/bench/peers/mk-bbox-rootfs.sh"
"$client" import /var/tmp/cnm-bbox.tar bbox:local >/dev/null
for c in c1 c2; do "$client" run -d --name "$c" bbox:local sleep 3600 >/dev/null; done
{
  echo "# client: $("$client" --version); daemon: $("$client" version -f '{{.Server.Version}}')"
  "$here/run-scenario.sh" "$client" "$here/scenario.txt"
} > "$out"
echo "wrote $out"
