#!/usr/bin/env bash
# Runs the lab with a real screen reader (Orca) and checks what it says; writes Tests/ScreenReader/transcripts.
# Usage: bash Tests/ScreenReader/run.sh [--all] [--repeat N] [--keep] [SCENARIO...]
#   default: the short set, once each; --all: every scenario; --repeat N: N runs of each (every run must pass).
# Needs the annolab program built (`swift build`, or ANNOLAB_BIN) and the packages of setup.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash Tests/ScreenReader/setup.sh
exec python3 Tests/ScreenReader/harness.py "$@"
