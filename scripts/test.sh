#!/usr/bin/env bash
# Install everything (Debian's Chromium, its driver and CJK fonts for the browser tests; Debian's PostgreSQL for the
# state-database tests; the Python packages; axe-core from the npm registry) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
fi
# PostgreSQL: the state-database tests also run on a throwaway server (tests/pg.py runs initdb/pg_ctl itself)
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
if ! command -v npm >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
fi
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
# axe-core (accessibility checks injected by the browser tests), pinned by tests/package-lock.json
(cd tests && npm ci --no-audit --no-fund --silent)
# the state tests run on SQLite and on a throwaway PostgreSQL server (tests/pg.py): here they must not be skipped
export SMARTCITY_REQUIRE_POSTGRES="${SMARTCITY_REQUIRE_POSTGRES:-1}"
exec .venv/bin/python -m pytest "$@"
