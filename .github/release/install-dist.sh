#!/usr/bin/env bash
# Installs dist for .github/workflows/release.yml: the wheel pinned by hash in
# dist-requirements.txt, into a virtual environment whose scripts folder goes on PATH.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
temp=$RUNNER_TEMP
if command -v cygpath > /dev/null; then
  temp=$(cygpath -u "$temp") # Windows: Git Bash's form of the path
fi
python=$(command -v python3 || command -v python)
"$python" -m venv "$temp/dist-venv"
bin="$temp/dist-venv/bin"
[ -d "$bin" ] || bin="$temp/dist-venv/Scripts"
"$bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
  --require-hashes --requirement "$here/dist-requirements.txt"
if command -v cygpath > /dev/null; then
  cygpath -w "$bin" >> "$GITHUB_PATH"
else
  echo "$bin" >> "$GITHUB_PATH"
fi
"$bin/dist" --version
