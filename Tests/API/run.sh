#!/usr/bin/env bash
# Fuzzes the lab's HTTP API with schemathesis, driven by the lab's own OpenAPI document, as each role.
#
# Usage: bash Tests/API/run.sh [--long] [--max-examples N] [--seed N]
#   ANNOLAB_BIN   the program to test (default .build/debug/annolab; this script builds nothing)
#   API_FUZZ_EXAMPLES  examples per operation and phase (default 50; --long: 300)
#   API_FUZZ_STATEFUL  scenarios of the stateful phase per role (default 100; --long: 300)
#   API_FUZZ_SEED      the seed (default random; printed, so that a failure can be run again)
#   API_FUZZ_REPORTS   a folder to keep each run's output and NDJSON report in (count.py --links reads them)
#
# It starts `annolab demo` on a free loopback port with a fresh data folder, signs in as two
# operators (badges OP-0001 and OP-0002, shifts started), a client, a coach and an admin, checks
# the coach's event stream, and runs schemathesis with every check against /api/v1/openapi.json:
#   signin-stateful    the stateful phase over add user -> sign in with the new badge -> me
#   public             the routes that need no sign-in, without one
#   operator           examples, coverage and fuzzing as OP-0001 (operator and signed-in routes)
#   operator-stateful  the stateful phase as OP-0002, who still has all their work ahead
#   client, coach, admin   every phase, each with that role's and the signed-in routes
# It fails on any failure, on a run that sent nothing (or nothing in its stateful phase), and on
# an unexpected failure in the server's log. The server is stopped at the end, however the
# script ends. A bounded run takes about 1.5 minutes on 2 cores; --long about 6.
set -euo pipefail
cd "$(dirname "$0")/../.."

examples="${API_FUZZ_EXAMPLES:-50}"
stateful="${API_FUZZ_STATEFUL:-100}"
seed="${API_FUZZ_SEED:-$RANDOM}"
while [ $# -gt 0 ]; do
  case "$1" in
    --long) examples="${API_FUZZ_EXAMPLES:-300}"; stateful="${API_FUZZ_STATEFUL:-300}" ;;
    --max-examples) examples="$2"; shift ;;
    --seed) seed="$2"; shift ;;
    *) echo "unknown option: $1 (use --long, --max-examples N, --seed N)" >&2; exit 2 ;;
  esac
  shift
done

bin="${ANNOLAB_BIN:-.build/debug/annolab}"
[ -x "$bin" ] || { echo "No annolab program at $bin: build it first (swift build) or set ANNOLAB_BIN." >&2; exit 1; }

# schemathesis in a venv of its own, installed once.
if [ ! -x .venv-api/bin/schemathesis ] || ! .venv-api/bin/schemathesis --version | grep -q "version 4\.32\."; then
  echo "Preparing the API fuzzing environment in .venv-api"
  python3 -m venv .venv-api
  .venv-api/bin/pip install -q --disable-pip-version-check "schemathesis==4.32.*"
fi

work=$(mktemp -d)
server_pid=""
stop() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
"$bin" demo --data "$work/lab" --port "$port" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 120); do
  curl -sf "$base/healthz" > /dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "The server did not start:"; cat "$work/server.log"; exit 1; }
  sleep 0.5
done
curl -sf "$base/healthz" > /dev/null || { echo "The server did not answer /healthz within 60 s"; exit 1; }

# Signs in and prints the bearer token.
login() {
  curl -sf -X POST "$base/api/v1/login" -H 'Content-Type: application/json' -d "$1" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
declare -A tokens
# Two operators at work: the first for single requests, the second, with all its work still
# ahead, for the stateful phase's chains (next task -> answer), which need tasks left to serve.
tokens[operator]=$(login '{"badge":"OP-0001"}')
tokens[operator-stateful]=$(login '{"badge":"OP-0002"}')
for who in operator operator-stateful; do
  curl -sf -X POST -H "Authorization: Bearer ${tokens[$who]}" "$base/api/v1/shift/start" > /dev/null
done
tokens[client]=$(login '{"email":"client@demo.local","password":"demo-client"}')
tokens[coach]=$(login '{"email":"coach@demo.local","password":"demo-coach"}')
tokens[admin]=$(login '{"email":"admin@demo.local","password":"demo-admin"}')

# The coach's live events: a stream that stays open, so it is read for two seconds.
events=$(curl -s -i --max-time 2 -H "Authorization: Bearer ${tokens[coach]}" "$base/api/v1/coach/events" || true)
if ! grep -qi "^content-type: text/event-stream" <<< "$events" || ! grep -q "^: connected" <<< "$events"; then
  echo "!! GET /api/v1/coach/events did not answer as a text/event-stream:"; head -c 600 <<< "$events"
  exit 1
fi
config="$work/schemathesis.toml"
cp Tests/API/schemathesis.toml "$config"
printf '\n[phases.stateful.generation]\nmax-examples = %s\n' "$stateful" >> "$config"

echo "== Fuzzing $base/api/v1/openapi.json: $examples examples per operation and phase, $stateful stateful scenarios per role, seed $seed"
started=$(date +%s)
failed=0
summary=()
# First the sign-in chain (an admin adds an operator, who signs in with the new badge and uses
# the token), before fuzzing sign-ins sets off the lab's limit on failed sign-ins from this
# address. Then the public routes without a sign-in (so that fuzzing logout ends no role's
# session), then each role; the admin last, because disabling accounts is among what it may fuzz.
for run in signin-stateful public operator operator-stateful client coach admin; do
  report="$work/$run.ndjson"
  args=(--config-file "$config" run "$base/api/v1/openapi.json"
        --checks all --max-examples "$examples" --seed "$seed"
        --workers 1 --request-timeout 30 --no-color --suppress-health-check all --generation-database none
        --report ndjson --report-ndjson-path "$report")
  case "$run" in
    signin-stateful)
      args+=(--include-operation-id addUser --include-operation-id login --include-operation-id me
             --phases stateful -H "Authorization: Bearer ${tokens[admin]}") ;;
    public)
      # No links join the public routes to each other, so there is no stateful phase to run.
      args+=(--include-tag public --phases examples,coverage,fuzzing) ;;
    *)
      role=${run%-stateful}
      phases=examples,coverage,fuzzing,stateful
      [ "$run" = operator ] && phases=examples,coverage,fuzzing
      [ "$run" = operator-stateful ] && phases=stateful
      # The event stream never ends by itself; it was checked on its own above.
      args+=(--include-tag-regex "^($role|signed-in)\$" --exclude-operation-id coachEvents
             --phases "$phases" -H "Authorization: Bearer ${tokens[$run]}") ;;
  esac
  echo "== $run"
  status=0
  .venv-api/bin/schemathesis "${args[@]}" > "$work/$run.txt" 2>&1 || status=$?
  if [ "$status" -eq 0 ]; then tail -n 12 "$work/$run.txt"; else cat "$work/$run.txt"; fi
  count=$(python3 Tests/API/count.py "$report")
  [ -n "${API_FUZZ_REPORTS:-}" ] && mkdir -p "$API_FUZZ_REPORTS" && cp "$report" "$work/$run.txt" "$API_FUZZ_REPORTS/"
  summary+=("$run: $count")
  if [ "$status" -ne 0 ]; then
    echo "!! schemathesis found failures as $run (exit $status); the full output is above"
    failed=1
  fi
  check=--check-stateful
  [ "$run" = public ] || [ "$run" = operator ] && check=--check
  if ! python3 Tests/API/count.py "$check" "$report"; then
    echo "!! the $run run sent no requests (or none in the stateful phase): it tested nothing"
    failed=1
  fi
done
if grep -q "unexpected failure\|internal_error" "$work/server.log"; then
  echo "!! the server logged unexpected failures:"
  grep "unexpected failure\|internal_error" "$work/server.log" | head -20
  failed=1
fi

echo "== API fuzzing, $(( $(date +%s) - started )) s:"
printf '   %s\n' "${summary[@]}"
[ "$failed" -eq 0 ] || { echo "API fuzzing FAILED"; exit 1; }
echo "API fuzzing passed: no 5xx, every response as documented, every request that breaks the document refused"
