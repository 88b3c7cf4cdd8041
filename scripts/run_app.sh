#!/usr/bin/env bash
# Starts the SpeechXAI web app on port 7860. The first start installs SpeechXAI into .venv (a few
# minutes, its log in .venv/setup.log); later starts reuse that install, until requirements.txt or
# pyproject.toml change.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.speechxai-installed
wanted="$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
  mkdir -p .venv
  echo "Installing SpeechXAI into .venv (the first start takes a few minutes; log: .venv/setup.log)..."
  if ! bash scripts/setup.sh > .venv/setup.log 2>&1; then
    tail -n 20 .venv/setup.log >&2
    echo "The install failed; the whole log is in .venv/setup.log" >&2
    exit 1
  fi
  echo "$wanted" > "$stamp"
fi
exec .venv/bin/python app.py "$@"
