#!/usr/bin/env bash
# Runs the Haar face backend (Label Studio's ML backend protocol) on 127.0.0.1:PORT until it is stopped.
#
# Usage: bash Tests/Model/start-backend.sh PORT
# Makes the venv first when it is missing (Tests/Model/setup.sh). Stop it with SIGTERM or SIGINT;
# it answers GET /health once it is listening. It also stops when the program that started it is
# gone (a test run that crashed), so that no backend is left holding the port and the run's output.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ $# -ne 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: bash Tests/Model/start-backend.sh PORT" >&2
  exit 2
fi
starter=$PPID
python=$(bash Tests/Model/setup.sh)
"$python" Tests/Model/haar_backend/_wsgi.py --host 127.0.0.1 --port "$1" &
backend=$!
trap 'kill "$backend" 2>/dev/null || true; wait "$backend" 2>/dev/null || true; exit 0' TERM INT
while kill -0 "$backend" 2>/dev/null; do
  if ! kill -0 "$starter" 2>/dev/null; then
    kill "$backend" 2>/dev/null || true
    break
  fi
  sleep 1 &
  wait $! || true
done
wait "$backend"
