"""The production server: `scripts/serve.sh` (what the README's run command ends in) serves the app with gunicorn,
sized by gunicorn.conf.py and the environment, and refuses a setting that is not a number."""
from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / "scripts" / "serve.sh"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise AssertionError(f"the server stopped: {proc.stdout.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not listen")


def test_the_run_command_serves_with_the_production_server(db):
    run = (ROOT / "scripts" / "run.sh").read_text()
    assert run.rstrip().splitlines()[-1].startswith("exec bash scripts/serve.sh")
    port = free_port()
    env = {**os.environ, "PORT": str(port), "SMARTCITY_DB": str(db), "SMARTCITY_WORKERS": "2",
           "SMARTCITY_THREADS": "2"}
    proc = subprocess.Popen(["bash", str(SERVE)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        wait_port(port, proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
            assert page.status == 200 and '<html lang="ja">' in page.read().decode()
            assert page.headers["Server"].startswith("gunicorn")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=30) as layout:
            assert layout.status == 200 and b"nav-footer" in layout.read()
    finally:
        os.killpg(proc.pid, 15)
        out, _ = proc.communicate(timeout=30)
    assert "Using worker: gthread" in out and out.count("Booting worker") == 2  # workers and threads as asked


@pytest.mark.parametrize("value", ["two", "0", "-1"])
def test_a_setting_that_is_not_a_count_is_refused_with_its_name(value):
    env = {**os.environ, "PORT": str(free_port()), "SMARTCITY_WORKERS": value}
    out = subprocess.run(["bash", str(SERVE)], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert f"SMARTCITY_WORKERS={value!r}: expected a whole number of at least 1" in out.stdout + out.stderr
