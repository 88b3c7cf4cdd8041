#!/usr/bin/env bash
# Creates .venv (if needed) and installs SpeechXAI with its runtime dependencies.
# Usage: bash scripts/setup.sh [--test]   (--test adds test tools and system packages)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# torch first and pinned: 2.13.0 is the CPU wheel on the project's machines.
.venv/bin/python -m pip install -q torch==2.13.0
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -r requirements.txt -e ".[test,asr]"
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    missing=""
    for pkg in espeak-ng libflite1 ffmpeg chromium; do
      dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
    done
    if [ -n "$missing" ]; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    fi
  fi
else
  .venv/bin/python -m pip install -q -r requirements.txt -e .
fi
