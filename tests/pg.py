"""A throwaway PostgreSQL server for the state-database tests (Debian's `postgresql` package: initdb and pg_ctl under
/usr/lib/postgresql/*/bin), and the `state_url` fixture that runs a test on SQLite and on PostgreSQL.

Use in a test module: `from pg import postgres_server, state_url  # noqa: F401 (fixtures)`. Without the binaries
the PostgreSQL cases are skipped, or fail when CI or SMARTCITY_REQUIRE_POSTGRES is set."""
from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

BIN_GLOB = "/usr/lib/postgresql/*/bin"
SUPERUSER = "postgres"
_database_numbers = itertools.count(1)


def required() -> bool:
    """Whether a missing PostgreSQL must fail the tests (CI, or SMARTCITY_REQUIRE_POSTGRES=1), not skip them."""
    return any(os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")
               for name in ("CI", "SMARTCITY_REQUIRE_POSTGRES"))


def bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin folder with initdb and pg_ctl (None when there is none)."""
    found = [p for p in Path("/").glob(BIN_GLOB.lstrip("/")) if (p / "initdb").is_file() and (p / "pg_ctl").is_file()]
    return max(found, key=lambda p: _version(p.parent.name), default=None)


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def unavailable(reason: str):
    """Skip the PostgreSQL tests, or fail them where PostgreSQL is required."""
    if required():
        pytest.fail(f"PostgreSQL is required here (CI / SMARTCITY_REQUIRE_POSTGRES) but {reason}. Install Debian's "
                    "`postgresql` package (scripts/test.sh does).", pytrace=False)
    pytest.skip(f"no PostgreSQL: {reason}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One PostgreSQL cluster in a temporary folder, on a free loopback port, trusted local connections only."""

    def __init__(self, binaries: Path) -> None:
        self.bin = binaries
        self.root = Path(tempfile.mkdtemp(prefix="smartcity-pg-"))  # under /tmp: the postgres user can reach it
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            try:
                owner = pwd.getpwnam(SUPERUSER)
            except KeyError:
                shutil.rmtree(self.root)
                unavailable("running as root and there is no `postgres` user to run the server as")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", SUPERUSER, "--"]

    def _run(self, *command: str) -> None:
        done = subprocess.run([*self.as_user, *command], capture_output=True, text=True, timeout=120, cwd=self.root)
        if done.returncode:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr or done.stdout}\n{tail}")

    def start(self) -> None:
        """initdb and start the server (settings for speed: nothing here needs to survive a crash)."""
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
                  "--encoding=UTF8", "--locale=C", "--no-sync")
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options,
                  "-w", "-t", "60", "start")

    def stop(self) -> None:
        """Stop the server and delete its files."""
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        import psycopg
        name = f"state_{next(_database_numbers)}"  # made here, never from input
        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def start_server() -> Server:
    """A started server, or the skip (fail where required) that says why there is none."""
    binaries = bin_dir()
    if binaries is None:
        unavailable(f"no initdb/pg_ctl under {BIN_GLOB}")
    server = Server(binaries)
    try:
        server.start()
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
        shutil.rmtree(server.root, ignore_errors=True)
        unavailable(f"the server did not start: {error}")
    return server


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for the whole test session (stopped and deleted at the end)."""
    server = start_server()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request, tmp_path):
    """The URL of an empty state database: a SQLite file, then a fresh database on the session's PostgreSQL."""
    from smartcity.state import store
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'state' / 'state.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database()
    yield url
    store.engine(url).dispose()  # close the pooled connections of a database no later test uses
