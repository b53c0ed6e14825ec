#!/usr/bin/env bash
# Runs the Haar face backend (Label Studio's ML backend protocol) on 127.0.0.1:PORT in the foreground.
#
# Usage: bash Tests/Model/start-backend.sh PORT
# Makes the venv first when it is missing (Tests/Model/setup.sh). Stop it with SIGTERM or SIGINT;
# it answers GET /health once it is listening.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ $# -ne 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: bash Tests/Model/start-backend.sh PORT" >&2
  exit 2
fi
python=$(bash Tests/Model/setup.sh)
exec "$python" Tests/Model/haar_backend/_wsgi.py --host 127.0.0.1 --port "$1"
