#!/usr/bin/env bash
# Install everything, build the database when it is missing, and serve the dashboard at http://127.0.0.1:8050
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
.venv/bin/python -m etl ensure
exec bash scripts/serve.sh  # the production server (gunicorn.conf.py); for development: .venv/bin/python app.py
