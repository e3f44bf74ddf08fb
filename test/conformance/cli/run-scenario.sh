#!/usr/bin/env bash
# Usage: run-scenario.sh DOCKER_CLIENT SCENARIO  (DOCKER_HOST in the environment)
# Runs each line of SCENARIO as `DOCKER_CLIENT <line>` and prints a transcript: `$ docker <line>`,
# then what it printed on stdout and stderr, then `[exit N]` when N is not 0. The same transcript
# is made against Docker 20.10 (capture-docker.sh) and against cnmd (test/conformance/cli.test.ts).
set -uo pipefail
client=${1:?usage: run-scenario.sh DOCKER_CLIENT SCENARIO}
scenario=${2:?usage: run-scenario.sh DOCKER_CLIENT SCENARIO}
while IFS= read -r line; do
  case "$line" in '' | '#'*) continue ;; esac
  echo "\$ docker $line"
  eval "args=($line)"
  # stderr after stdout, each in full: the order of a command's two streams is not compared.
  out=$("$client" "${args[@]}" 2>/tmp/cnm-scenario-err.$$); rc=$?
  [ -n "$out" ] && printf '%s\n' "$out"
  cat /tmp/cnm-scenario-err.$$
  [ "$rc" -eq 0 ] || echo "[exit $rc]"
done < "$scenario"
rm -f /tmp/cnm-scenario-err.$$
