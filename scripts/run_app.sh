#!/usr/bin/env bash
# Installs SpeechXAI (first run only takes a while) and starts the web app on port 7860.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python app.py "$@"
