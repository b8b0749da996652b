"""Benchmark (a script, not a test): full build time vs DuckDB alone reading the same raw files, and the time
to add one new My Number snapshot to an existing build, as a full rebuild and incrementally (`build(...,
incremental=True)`, `python -m etl build --incremental`).

    python benchmarks/build_benchmark.py [--repeat 3]

Prints figures; reads the mirror ($SMARTCITY_DATA_MIRROR or ../shared/data/open); writes only to a temp folder.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import add_snapshot, copy_mirror, real_mirror, settings_for  # noqa: E402

from etl.build import build  # noqa: E402


def timed(fn) -> tuple[float, float]:
    """Wall and CPU time (every thread of this process, DuckDB's included) of one call, in seconds: on a shared
    machine the CPU time is the steadier figure."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def duckdb_read_only(mirror: Path) -> None:
    """DuckDB alone reading the same raw files: every CSV and both GeoJSON files as text."""
    con = duckdb.connect()
    for pattern in ("all_localgovs.csv", "all_prefectures.csv", "summary_by_types.csv"):
        con.execute(f"SELECT count(*) FROM read_csv('{mirror}/mynumbercard/*/{pattern}', union_by_name=true, "
                    "all_varchar=true)").fetchall()
    con.execute(f"SELECT count(*) FROM read_text('{mirror}/boundaries/*.json')").fetchall()
    if (mirror / "dx_dashboard").is_dir():  # wide files of varying width: read them as text
        con.execute(f"SELECT count(*) FROM read_text('{mirror}/dx_dashboard/*/*.csv')").fetchall()
    con.close()


def main() -> None:
    """Run each measurement `repeat` times and print the median and range."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    mirror = real_mirror()
    if mirror is None:
        sys.exit("no open-data mirror (../shared/data/open or $SMARTCITY_DATA_MIRROR)")
    results: dict[str, list[tuple[float, float]]] = {"full build": [], "DuckDB reading the raw files": [],
                                                     "rebuild with one new snapshot": [],
                                                     "incremental: one new snapshot": []}
    load = os.getloadavg()[0]  # other work on the machine inflates wall times
    files = sum(1 for _ in mirror.rglob("*") if _.is_file())
    size = sum(f.stat().st_size for f in mirror.rglob("*") if f.is_file()) / 1e6
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            settings = settings_for(tmp, mirror)
            results["full build"].append(timed(lambda: build(settings, log=lambda _: None)))
            results["DuckDB reading the raw files"].append(timed(lambda: duckdb_read_only(mirror)))
            copy = copy_mirror(mirror, tmp / "mirror")
            add_snapshot(copy, mirror, "20221031")
            for label, incremental in (("rebuild with one new snapshot", False),
                                       ("incremental: one new snapshot", True)):
                folder = tmp / ("incremental" if incremental else "next")
                folder.mkdir()
                shutil.copy(settings.db_path, folder / "smartcity.duckdb")
                settings2 = settings_for(folder, copy)
                summary = {}
                results[label].append(timed(lambda: summary.update(
                    build(settings2, log=lambda _: None, incremental=incremental))))
                if summary["incremental"] != incremental:
                    sys.exit(f"{label}: the build was {'not ' if incremental else ''}incremental")
    print(f"mirror: {mirror} ({files} files, {size:.1f} MB); repeats: {args.repeat}; load average before: "
          f"{load:.1f}")
    for name, runs in results.items():
        wall, cpu = [w for w, _ in runs], [c for _, c in runs]
        print(f"{name:<32} median {statistics.median(wall):6.2f} s   (min {min(wall):.2f}, max {max(wall):.2f})"
              f"   CPU median {statistics.median(cpu):6.2f} s")
    for i, what in enumerate(("wall", "CPU")):
        ratio = (statistics.median(r[i] for r in results["full build"])
                 / statistics.median(r[i] for r in results["DuckDB reading the raw files"]))
        print(f"full build / DuckDB read ({what}): {ratio:.1f}x")


if __name__ == "__main__":
    main()
