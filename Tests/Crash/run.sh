#!/usr/bin/env bash
# The long crash test: ten rounds of kill -9 while 50 simulated operators answer over HTTP.
#
# Usage (from anywhere in the repository):
#     bash Tests/Crash/run.sh          # 10 rounds
#     bash Tests/Crash/run.sh 25       # another number of rounds
#
# Each round, on one data folder that fills up round after round: 50 operators sign in with
# their badges, start a shift and loop next -> answer with idempotency keys; the server is
# killed with SIGKILL after a random number of acknowledged answers and started again on the
# same folder. Then it checks that /healthz answers within 2 s of the launch, that every
# acknowledged answer is stored exactly once (an answer cut off by the kill is sent again with
# the same key and taken once), that PRAGMA integrity_check says ok, and that each shift open
# at the kill is paid exactly from its start to its end. A copy of the folder as the kill left
# it is then started with a fast clock (`annolab serve --clock-speed 600`, a hidden option for
# tests): every microtask leased at the kill goes to someone else once its 10-minute lease has
# ended (and not before, when all its places were taken), and the shifts nobody came back to
# end close at their planned end, paid for their planned length and not a second more.
#
# It prints one line per round and a summary: rounds survived, answers acknowledged per
# round, restart-to-/healthz times (median and max) and the run's length. The ordinary test
# command runs the same test with one round (ANNOLAB_CRASH_ROUNDS unset).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-10}"
swift build --build-tests
log="$(mktemp -t annolab-crash.XXXXXX)"
start=$(date +%s)
status=0
ANNOLAB_CRASH_ROUNDS="$rounds" swift test --skip-build --filter 'CrashTests' 2>&1 | tee "$log" || status=$?
echo
echo "== summary =="
grep -E '^crash (round|test)' "$log" || echo "no round finished"
echo "crash test: $rounds rounds asked, the test command took $(( $(date +%s) - start )) s, exit status $status"
rm -f "$log"
exit "$status"
