"""Upload benchmark: time to read and validate a 1,000-row upload of joint_procurement_adoption, as .xlsx and as CSV
(UTF-8 with BOM), made by the download templates; the file sizes against the upload limit.

    python benchmarks/upload_benchmark.py                      # 1,000 rows, 5 runs, data/smartcity.duckdb
    python benchmarks/upload_benchmark.py --rows 5000 --runs 3

The master, indicators and published table come from the built database (read once, as a request would). It prints
figures (median of the runs); it asserts nothing.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smartcity.edit import template, upload  # noqa: E402
from smartcity.edit.tables import registry, typed  # noqa: E402
from smartcity.edit.validation import context_from_db, validate  # noqa: E402


def rows(n: int) -> list[dict]:
    """n rows of made-up systems: joint, own and total per fiscal year, joint never falling, total = joint + own."""
    out = []
    system = 0
    while len(out) < n:
        system += 1
        for year in range(2016, 2026):
            joint, own = min(43, system % 7 + (year - 2016)), 3
            for procurement, count in (("joint", joint), ("own", own), ("total", joint + own)):
                out.append({"system_id": f"system_{system:04d}", "system_ja": f"システム{system}",
                            "system_en": f"System {system}", "year": year, "procurement": procurement,
                            "municipalities": count, "note": "benchmark row",
                            "source_doc": "https://www.pref.osaka.lg.jp/smartcity/", "source_section": "導入状況",
                            "source_line": 1})
    return out[:n]


def timed(runs: int, fn) -> tuple[float, object]:
    """Median seconds of `runs` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "smartcity.duckdb")
    args = parser.parse_args()
    table = registry()["joint_procurement_adoption"]
    seconds, ctx = timed(1, lambda: context_from_db(args.db, table, dt.date(2026, 11, 30)))
    print(f"context (master, indicators, published table) from {args.db.name}: {seconds * 1000:.0f} ms")
    frame = typed(table, pd.DataFrame(rows(args.rows), columns=table.columns))
    files = {"xlsx": template.xlsx(table, frame), "csv": template.csv(table, frame)}
    print(f"{args.rows:,} rows; upload limit {upload.max_bytes() / 1024:,.0f} KB; median of {args.runs} runs")
    for kind, data in files.items():
        try:
            upload.read(f"upload.{kind}", data)
        except upload.Refused as exc:
            print(f"{kind:5} {len(data) / 1024:7,.0f} KB   refused: {exc.en}")
            continue
        read_s, up = timed(args.runs, lambda: upload.read(f"upload.{kind}", data))
        check_s, report = timed(args.runs, lambda: validate(table, up, ctx))
        assert report.ok, report.problems[:3]
        print(f"{kind:5} {len(data) / 1024:7,.0f} KB   read {read_s * 1000:6.0f} ms   validate {check_s * 1000:6.0f} ms"
              f"   total {(read_s + check_s) * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
