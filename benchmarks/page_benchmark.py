"""Benchmark (a script, not a test): page-load times in headless Chromium and the Japan map's payload.

    python benchmarks/page_benchmark.py [--repeat 5]

For each page: time from navigation start until the page is loaded — its marker element exists, Dash has no pending
callback and every chart is drawn (tests/helpers.CHARTS_DRAWN: every graph has its Plotly plot, every map its style
and shapes) — median of runs, fresh browser cache per run; and the bytes transferred (encoded, as on the wire).
Uses data/smartcity.duckdb (or $SMARTCITY_DB).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from app import create_app  # noqa: E402
from common.settings import load_settings  # noqa: E402
from helpers import CHARTS_DRAWN  # noqa: E402

PAGES = {"/": "ov-page", "/mynumber?area=japan": "mn-page", "/mynumber": "mn-page", "/municipalities": "muni-page",
         "/municipalities?measure=proc:library_reservation": "muni-page",
         "/municipalities?measure=dx:ai_adopted&area=japan": "muni-page",
         "/municipality/27100": "mp-page", "/procedures": "proc-page", "/compare?codes=27100,27140,13101": "cmp-page"}


def browser():
    """Headless Chromium with the performance log and no cache."""
    from selenium import webdriver
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--window-size=1366,768", "--disable-application-cache"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(options=options)


def load(driver, url: str, marker: str) -> tuple[float, int, int]:
    """(seconds until rendered, bytes on the wire, bytes of the largest callback response)."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.get_log("performance")
    start = time.perf_counter()
    driver.get(url)
    while True:
        done = driver.execute_script(
            f"return !!document.getElementById('{marker}') && "
            "document.querySelectorAll('[data-dash-is-loading=\"true\"]').length === 0")
        done = done and driver.execute_script(CHARTS_DRAWN)
        if done or time.perf_counter() - start > 60:
            break
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    sizes, urls = {}, {}
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            urls[msg["params"]["requestId"]] = msg["params"]["request"]["url"]
        elif msg["method"] == "Network.loadingFinished":
            sizes[msg["params"]["requestId"]] = msg["params"]["encodedDataLength"]
    callbacks = [n for rid, n in sizes.items() if "_dash-update-component" in urls.get(rid, "")]
    return elapsed, sum(sizes.values()), max(callbacks, default=0)


def main() -> None:
    """Serve the app and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", help="measure only the paths containing this text")
    parser.add_argument("--skip", help="leave out the paths containing this text")
    args = parser.parse_args()
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, create_app(load_settings().db_path).server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    driver = browser()
    try:
        print(f"headless Chromium, 1366x768, cache cleared per run, {args.repeat} runs; compressed responses")
        for path, marker in PAGES.items():
            if (args.only and args.only not in path) or (args.skip and args.skip in path):
                continue
            load(driver, base + path, marker)  # warm the server
            runs = [load(driver, base + path, marker) for _ in range(args.repeat)]
            print(f"{path:<50} load median {statistics.median(r[0] for r in runs) * 1000:7.0f} ms"
                  f"   transferred {runs[-1][1] / 1e6:5.2f} MB   largest callback response {runs[-1][2] / 1e3:7.1f} kB")
    finally:
        driver.quit()
        server.shutdown()


if __name__ == "__main__":
    main()
