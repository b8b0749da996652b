"""Benchmark (a script, not a test) of the read-only API over HTTP on loopback:
rows per second for a full CSV stream of the largest dataset (UTF-8 and CP932), time to first byte of a filtered
request, and catalog.zip (the first request builds it, later ones are served from the per-build cache).

    python benchmarks/api_benchmark.py [--repeat 5]

Uses data/smartcity.duckdb (or $SMARTCITY_DB); build it first with `python -m etl build`.
"""
from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import threading
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from common.settings import load_settings  # noqa: E402
from smartcity import catalog  # noqa: E402


def fetch(port: int, path: str) -> tuple[float, float, int]:
    """(time to first byte, total time, bytes) of one GET."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Encoding": "identity"})
    resp = conn.getresponse()
    first = resp.read(1)
    ttfb = time.perf_counter() - start
    size = len(first) + len(resp.read())
    total = time.perf_counter() - start
    conn.close()
    assert resp.status == 200, (path, resp.status)
    return ttfb, total, size


def main() -> None:
    """Serve the app in a thread and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import logging

    from werkzeug.serving import make_server
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log between the figures
    db = load_settings().db_path
    server = make_server("127.0.0.1", 0, create_app(db).server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_port
    with duckdb.connect(str(db), read_only=True) as con:
        counts = {d.id: con.execute(f'SELECT count(*) FROM "{d.id}"').fetchone()[0] for d in catalog.datasets(db)}
    largest = max(counts, key=counts.get)
    cases = {
        f"full CSV stream of {largest} ({counts[largest]:,} rows), UTF-8": f"/api/v1/datasets/{largest}.csv",
        f"full CSV stream of {largest}, CP932": f"/api/v1/datasets/{largest}.csv?encoding=cp932",
        "full CSV stream of boundary (largest in bytes)": "/api/v1/datasets/boundary.csv",
        "filtered JSON (Osaka City, 2022 snapshots)":
            "/api/v1/datasets/mynumber_issuance.json?geo_code=27100&snapshot_date__gte=2022-01-01",
        "filtered CSV (one indicator)": "/api/v1/datasets/observation.csv?indicator_id=muni_e_application_adoption",
        "catalog.zip (every dataset)": "/api/v1/catalog.zip",
    }
    print(f"database: {db}; repeats: {args.repeat}; HTTP on 127.0.0.1 (werkzeug, threaded)")
    for name, path in cases.items():
        first = fetch(port, path)[1]  # warm-up (catalog cache, page cache; builds catalog.zip)
        runs = [fetch(port, path) for _ in range(args.repeat)]
        ttfb = statistics.median(r[0] for r in runs) * 1000
        total = statistics.median(r[1] for r in runs)
        size = runs[0][2]
        line = f"{name:<58} first {first * 1000:7.1f} ms   TTFB median {ttfb:7.1f} ms   total {total * 1000:7.1f} ms" \
               f"   {size / 1e6:6.2f} MB"
        if ".csv" in path and "?" not in path.replace("?encoding=", ""):  # a full stream: rows/s
            rows = counts[path.rsplit("/", 1)[1].split(".csv")[0]]
            line += f"   {rows / total:,.0f} rows/s"
        print(line)
    server.shutdown()


if __name__ == "__main__":
    main()
