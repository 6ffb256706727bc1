#!/usr/bin/env bash
# Installs the app's Python packages in .venv and starts the whole system: web app, embedded
# MQTT broker, ingest, pollers and simulators, on SQLite under data/. Prints the URL.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
exec .venv/bin/python app.py "$@"
