"""Publish benchmark: an official's change end to end on the full database, as the app does it.

    python benchmarks/publish_benchmark.py              # data/smartcity.duckdb, 3 runs
    python benchmarks/publish_benchmark.py --runs 5

On a temporary copy of the database and a temporary SQLite state database: checking an upload of the
joint-procurement table with fiscal 2024 added (read, validate the whole file, difference, KPI preview on a copy of
the database), then publishing it (a full build layered with the submission, validated and swapped in) and rolling
back (another build). Prints the median and range of each step; asserts nothing.
"""
from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask  # noqa: E402

from common.settings import load_settings  # noqa: E402
from smartcity.auth import accounts  # noqa: E402
from smartcity.edit import service  # noqa: E402
from smartcity.state import publish, store, workflow  # noqa: E402

ROWS = "".join(f"e_application,電子申請システム,E-application system,2024,{p},{n},,https://example.jp/r6,R6,\n"
               for p, n in (("joint", 38), ("own", 5), ("total", 43)))


def main() -> None:
    """Run the steps `--runs` times and print their timings."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base = load_settings()
    times: dict[str, list[float]] = {"check upload (validate + preview)": [], "publish (build + swap)": [],
                                     "roll back (build + swap)": []}
    with tempfile.TemporaryDirectory() as tmp:
        settings = dataclasses.replace(base, db_path=Path(tmp) / "smartcity.duckdb",
                                       state_url=f"sqlite:///{tmp}/state.sqlite3")
        shutil.copyfile(base.db_path, settings.db_path)
        engine = store.engine(settings.state_url)
        with engine.begin() as conn:
            editor = accounts.create_account(conn, "editor", "E", "大阪府", "editor", "benchmark password 1")
            approver = accounts.create_account(conn, "approver", "A", "大阪府", "approver", "benchmark password 1")
        data = ((settings.reference_dir / "joint_procurement_adoption.csv").read_text(encoding="utf-8")
                + ROWS).encode("utf-8-sig")
        app = flask.Flask("benchmark")  # the service reads the app's settings as a request would
        app.config.update(SMARTCITY_DB=str(settings.db_path), SMARTCITY_STATE_URL=settings.state_url)
        for _ in range(args.runs):
            with app.test_request_context("/edit/upload"):
                started = time.perf_counter()
                result = service.check_upload(settings, editor, "joint_procurement_adoption", "fy2024.csv", data)
                times["check upload (validate + preview)"].append(time.perf_counter() - started)
            assert result.ok, result.problems or result.refused
            with engine.begin() as conn:
                sid = workflow.create(conn, editor, result.table, result.file_name, result.sha256,
                                      result.content_csv, result.row_count, result.stored_report())
                workflow.submit(conn, editor, sid, "")
                workflow.approve(conn, approver, sid, "")
            for label, step in (("publish (build + swap)", lambda: publish.publish(engine, settings, approver, sid)),
                                ("roll back (build + swap)", lambda: publish.rollback(engine, settings, approver, 0))):
                started = time.perf_counter()
                pub = step()
                times[label].append(time.perf_counter() - started)
                assert pub["status"] == "published", pub.get("error")
    print(f"full database {base.db_path} ({base.db_path.stat().st_size / 1e6:.0f} MB), {args.runs} runs")
    for label, values in times.items():
        print(f"{label:40s} median {statistics.median(values):6.2f} s  (min {min(values):.2f}, max {max(values):.2f})")


if __name__ == "__main__":
    main()
