"""The WSGI entry point of the production server: `gunicorn -c gunicorn.conf.py wsgi:application` (scripts/serve.sh).

The app is built once per process (no data is read at import: every request opens the current build file)."""
from app import create_app

application = create_app().server
