#!/usr/bin/env bash
# Annolab beside Label Studio (the operator loop) and Crowd-Kit (Dawid-Skene): one run, one table.
#
# Usage: bash Tests/Bench/side_by_side.sh [--tasks N] [--seconds S] [--runs R] [--only loop|ds]
#   --tasks N     tasks imported into Label Studio and into Annolab (default 10000)
#   --seconds S   seconds of the next + submit loop on each (default 30; Annolab may run out of work first)
#   --runs R      whole-process runs of each Dawid-Skene, the median is shown (default 3)
#   ANNOLAB_BIN   the program to measure (default .build/release/annolab, built when missing)
#
# Builds annolab in release when the program is missing, installs Tests/Bench/requirements.txt into
# .build/side-by-side-venv (once; a few minutes), then runs Tests/Bench/side_by_side.py, which starts
# `label-studio start` and `annolab serve` on free loopback ports with fresh data folders and drives
# both with the same Python client, then times `annolab aggregate --method ds` and Crowd-Kit's
# DawidSkene on the same 1,000,000 answers. The table goes to stdout, then one line of key=value
# figures; progress goes to stderr. Every server it started is stopped however the run ends.
set -euo pipefail
cd "$(dirname "$0")/../.."

args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks|--seconds|--runs|--only) [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }; args+=("$1" "$2"); shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (use --tasks N, --seconds S, --runs R, --only loop|ds)" >&2; exit 2 ;;
  esac
  shift
done

bin="${ANNOLAB_BIN:-.build/release/annolab}"
if [ ! -x "$bin" ]; then
  echo "bench: building annolab in release (a few minutes the first time)" >&2
  swift build -c release --product annolab >&2
fi

venv=.build/side-by-side-venv
requirements=Tests/Bench/requirements.txt
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  echo "bench: installing python3-venv" >&2
  apt-get update -qq >&2 && apt-get install -y -qq python3-venv >&2
fi
# The venv is (re)installed when it is missing or was made from other requirements.
if [ ! -x "$venv/bin/label-studio" ] || ! cmp -s "$requirements" "$venv/requirements.installed"; then
  echo "bench: installing Label Studio and Crowd-Kit into $venv (a few minutes the first time)" >&2
  started=$(date +%s)
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$venv/requirements.installed"
  echo "bench: installed in $(( $(date +%s) - started )) s" >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/annolab-side-by-side.XXXXXX")
pids="$work/servers.pids"
driver=""
stop() {
  status=$?
  # The driver stops its servers itself; this is for a driver that was killed or failed midway.
  if [ -n "$driver" ] && kill -0 "$driver" 2>/dev/null; then kill -TERM "$driver" 2>/dev/null || true; wait "$driver" 2>/dev/null || true; fi
  if [ -f "$pids" ]; then
    while read -r pid; do
      kill -0 "$pid" 2>/dev/null || continue
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL -- "-$pid" 2>/dev/null || true
    done < "$pids"
  fi
  if [ "$status" -eq 0 ] && [ -z "${SIDE_BY_SIDE_KEEP:-}" ]; then rm -rf "$work"; else echo "bench: logs and data kept in $work" >&2; fi
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$venv/bin/python" Tests/Bench/side_by_side.py run --annolab "$bin" --work "$work" --pid-file "$pids" "${args[@]}" < /dev/null &
driver=$!
wait "$driver"
