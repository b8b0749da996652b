#!/usr/bin/env bash
# Serve the dashboard with the production server (gunicorn, settings in gunicorn.conf.py) on an existing database.
# Development server instead: .venv/bin/python app.py
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/gunicorn -c gunicorn.conf.py wsgi:application
