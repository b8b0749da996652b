"""The state database: accounts, submissions, publications and the audit trail of officials' edits.

Separate from the built DuckDB file (read-only for the app, rebuilt from its sources): SQLite by default
(`data/state/state.sqlite3`), any SQLAlchemy URL in `SMARTCITY_STATE_URL` (e.g. `postgresql+psycopg://…`) for an
installation with several app servers."""
