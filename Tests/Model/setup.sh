#!/usr/bin/env bash
# Makes the Haar face backend's Python venv (.build/ml-backend-venv) once and prints its python.
#
# Usage: bash Tests/Model/setup.sh
# Installs Tests/Model/haar_backend/requirements.txt (label-studio-ml from PyPI and
# opencv-python-headless, which ships the Haar cascade files) into .build/ml-backend-venv when the
# venv is missing or was made from other requirements; otherwise does nothing. Progress goes to
# stderr; the only line on stdout is the venv's python path. Nothing is downloaded when the backend runs.
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=.build/ml-backend-venv
requirements=Tests/Model/haar_backend/requirements.txt

if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$venv/requirements.installed"; then
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    echo "ml-backend: installing python3-venv" >&2
    apt-get update -qq >&2 && apt-get install -y -qq python3-venv >&2
  fi
  echo "ml-backend: installing label-studio-ml and OpenCV into $venv (about half a minute)" >&2
  started=$(date +%s)
  rm -rf "$venv"
  mkdir -p .build
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >&2
  # The cascade file must come with the package: fail here, not in the test.
  "$venv/bin/python" -c 'import cv2, os, sys; f = os.path.join(cv2.data.haarcascades, "haarcascade_frontalface_default.xml"); sys.exit(0 if os.path.isfile(f) else "no Haar cascade file at " + f)' >&2
  cp "$requirements" "$venv/requirements.installed"
  echo "ml-backend: installed in $(( $(date +%s) - started )) s" >&2
fi
echo "$PWD/$venv/bin/python"
