"""Load benchmark: page visits per second, latency per request kind, errors and worker memory for 1, 10 and 50
users replaying the page mix and a few interactions against a server on a built database.

A page visit is what a browser asks the app for when it opens a page: the HTML, `_dash-layout`,
`_dash-dependencies` and every callback the page load makes (static files are left out: browsers cache them). The
requests of each visit are recorded once from headless Chromium (the performance log); an interaction (Japan date
change, measure change, KPI area change) is its page's callback request for that control with a new value, as the
browser sends it. Everything is replayed by N threads with no think time, each user on its own keep-alive
connection, for a bounded time per level.

    python benchmarks/load_benchmark.py                     # the production server (scripts/serve.sh)
    python benchmarks/load_benchmark.py --server dev        # Flask's development server (python app.py)
    python benchmarks/load_benchmark.py --users 1,10 --seconds 15 --db data/smartcity.duckdb

The server reads a copy of the database; halfway through the last level a new build is swapped in under it as the
ETL swaps one in (a new file, then an atomic rename), so the errors of that level show whether any request was lost.

Run it on a quiet machine: the users share its cores with the server. It prints figures; it asserts nothing.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/", "/kpi/mynumber_card_issuance_rate", "/municipalities", "/mynumber", "/mynumber?area=japan"]
# interaction -> (page, marker id to wait for, JavaScript-free Selenium action described as (element id, kind, value))
# interaction -> (the control changed, the values of the callback's inputs and states after the change): the app's
# callback for that control is requested as the browser requests it when a user changes the control
INTERACTIONS = {
    "japan_date_change": ("mn-date.value", {"mn-area.value": "japan", "mn-date.value": "2021-03-01",
                                            "mn-lang.data": "ja"}),
    "measure_change": ("muni-measure.value", {"muni-measure.value": "ai_ondemand", "muni-area.value": "osaka",
                                              "muni-lang.data": "ja"}),
    "kpi_area_change": ("kpi-geo.value", {"kpi-geo.value": "27140", "kpi-indicator.data": "mynumber_card_issuance_rate",
                                          "kpi-lang.data": "ja"}),
}
MIX = ["visit /", "visit /kpi/mynumber_card_issuance_rate", "kpi_area_change", "visit /municipalities",
       "measure_change", "visit /mynumber", "visit /mynumber?area=japan", "japan_date_change"]
MARKERS = {"/kpi/": "kpi-page", "/municipalities": "muni-page", "/mynumber": "mn-page", "/": "ov-page"}
APP_PATHS = ("/_dash-layout", "/_dash-dependencies", "/_dash-update-component")


# --- the server -------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(kind: str, db: Path, port: int) -> subprocess.Popen:
    """The production server (scripts/serve.sh, gunicorn) or the development server (app.py) on `db`."""
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "SMARTCITY_DB": str(db),
           "SMARTCITY_LOGLEVEL": "warning"}
    command = ["bash", str(ROOT / "scripts" / "serve.sh")] if kind == "prod" else [sys.executable, str(ROOT / "app.py")]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    stop_server(proc)
    raise SystemExit(f"the {kind} server did not start on port {port}")


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def server_memory_mb(proc: subprocess.Popen) -> list[float]:
    """Resident memory of the server's processes (its session: master and workers), MB."""
    out = []
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit() or os.getpgid(int(entry.name)) != proc.pid:
                continue
            if not any(word in (entry / "cmdline").read_text(errors="ignore") for word in ("python", "gunicorn")):
                continue
            out.append(round(int((entry / "statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1))
        except (OSError, IndexError, ValueError):
            continue
    return sorted(out)


# --- recording the requests of a visit --------------------------------------------------------------------------------


def chromium():
    from selenium import webdriver
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,900"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options)
    driver.set_script_timeout(120)  # the Japan map keeps the page busy for seconds
    driver.set_page_load_timeout(120)
    return driver


def app_requests(driver, base: str) -> list[dict]:
    """The app requests in the performance log since it was last read: method, path and body."""
    out = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.requestWillBeSent":
            continue
        request = message["params"]["request"]
        if not request["url"].startswith(base):
            continue
        path = request["url"][len(base):] or "/"
        kind = next((p for p in APP_PATHS if path.startswith(p)), None)
        if message["params"].get("type") == "Document":
            kind = "html"
        if kind is None:
            continue
        if request["method"] == "POST" and "postData" not in request:
            raise SystemExit(f"{path}: the request body was not recorded")
        out.append({"kind": kind.strip("/_") if kind != "html" else "html", "method": request["method"],
                    "path": path, "body": request.get("postData"), "label": label(kind, request.get("postData"))})
    return out


def label(kind: str, body: str | None) -> str:
    """How a request is reported: its kind, and for a callback the first thing it updates."""
    if kind != "/_dash-update-component" or not body:
        return kind.strip("/_") if kind != "html" else "html"
    output = json.loads(body).get("output", "")
    return "callback " + output.strip(".").split("...")[0][:40]


def wait_idle(driver, marker: str) -> None:
    """Until the page's marker is there, Dash has no callback in flight and every chart is drawn."""
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, 120).until(lambda d: d.execute_script(
        f"return !!document.getElementById('{marker}')"
        " && document.querySelectorAll('[data-dash-is-loading=\"true\"]').length === 0"
        " && Array.from(document.querySelectorAll('.js-plotly-plot')).every(g => g._fullLayout)"))
    time.sleep(1.0)  # callbacks chained on the drawn page have gone out


def record(base: str) -> dict[str, list[dict]]:
    """The requests of each page visit (from Chromium) and of each interaction (derived from its page's requests)."""
    driver = chromium()
    recorded = {}
    try:
        for page in PAGES:
            driver.get_log("performance")
            driver.get(base + page)
            wait_idle(driver, next(m for p, m in MARKERS.items() if page.startswith(p)))
            recorded[f"visit {page}"] = app_requests(driver, base)
    finally:
        driver.quit()
    dependencies = json.loads(http_get(base + "/_dash-dependencies"))
    for name, (control, values) in INTERACTIONS.items():
        recorded[name] = [callback_request(dep, control, values) for dep in dependencies
                          if any(f"{i['id']}.{i['property']}" == control for i in dep.get("inputs", []))
                          and not dep.get("clientside_function")]
        if not recorded[name]:
            raise SystemExit(f"{name}: no server callback takes {control} as an input")
    return recorded


def http_get(url: str) -> str:
    from urllib.request import urlopen
    with urlopen(url, timeout=60) as response:
        return response.read().decode()


def _prop(spec: str) -> dict:
    """'mn-map-graph.figure' -> {'id': 'mn-map-graph', 'property': 'figure'} (a pattern id stays a dict)."""
    cid, prop = spec.rsplit(".", 1)
    return {"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop}


def callback_request(dep: dict, control: str, values: dict) -> dict:
    """The body Dash's renderer posts when `control` changes: the callback's outputs, its inputs and states with
    `values` (None when not given), and the changed property."""
    output = dep["output"]
    outputs = [_prop(o) for o in output[2:-2].split("...")] if output.startswith("..") else _prop(output)

    def filled(items: list[dict]) -> list[dict]:
        return [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in items]

    body = {"output": output, "outputs": outputs, "inputs": filled(dep.get("inputs", [])),
            "changedPropIds": [control], "state": filled(dep.get("state", []))}
    return {"kind": "dash-update-component", "method": "POST", "path": "/_dash-update-component",
            "body": json.dumps(body), "label": label("/_dash-update-component", json.dumps(body))}


# --- replaying --------------------------------------------------------------------------------------------------------


class User(threading.Thread):
    """Replays the scripts in turn, on one keep-alive connection, until the deadline."""

    def __init__(self, port: int, scripts: list[tuple[str, list[dict]]], start_at: int, deadline: float, sink):
        super().__init__(daemon=True)
        self.port, self.scripts, self.turn, self.deadline, self.sink = port, scripts, start_at, deadline, sink
        self.conn = None

    def send(self, req: dict) -> tuple[int, int]:
        headers = {"Accept-Encoding": "gzip"}
        body = None
        if req["body"] is not None:
            body = req["body"].encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                self.conn.request(req["method"], req["path"], body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                return response.status, len(data)
            except (OSError, http.client.HTTPException):
                self.conn = None
                if attempt == 2:
                    return 599, 0
        return 599, 0

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            name, requests = self.scripts[self.turn % len(self.scripts)]
            self.turn += 1
            started, ok = time.monotonic(), True
            for req in requests:
                t0 = time.monotonic()
                status, size = self.send(req)
                self.sink(req.get("label", req["kind"]), time.monotonic() - t0, status, size)
                ok &= status == 200
            # a visit under way at the deadline is finished and counted: the level's time runs until the last ends
            self.sink(f"= {name}", time.monotonic() - started, 200 if ok else 500, 0)


def swap_in(source: Path, live: Path) -> None:
    """Swap a new build into the served path as the ETL does: a new file written beside it, then os.replace."""
    tmp = live.with_name(".next-" + live.name)
    shutil.copyfile(source, tmp)
    os.replace(tmp, live)


def run_level(port: int, scripts: list[tuple[str, list[dict]]], users: int, seconds: float,
              swap: Callable[[], None] | None = None) -> dict:
    timings, errors, sizes = defaultdict(list), defaultdict(int), defaultdict(list)
    lock = threading.Lock()

    def sink(kind: str, seconds_taken: float, status: int, size: int) -> None:
        with lock:
            timings[kind].append(seconds_taken)
            sizes[kind].append(size)
            if status != 200:
                errors[kind] += 1

    deadline = time.monotonic() + seconds
    crowd = [User(port, scripts, i, deadline, sink) for i in range(users)]
    began = time.monotonic()
    for user in crowd:
        user.start()
    if swap:
        threading.Timer(seconds / 2, swap).start()  # a new build arrives in the middle of the level
    for user in crowd:
        user.join(seconds + 180)
    elapsed = time.monotonic() - began
    return {"timings": timings, "errors": errors, "sizes": sizes, "elapsed": elapsed}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


def report(users: int, result: dict, memory: list[float]) -> None:
    timings, errors = result["timings"], result["errors"]
    visits = sum(len(v) for k, v in timings.items() if k.startswith("= visit"))
    actions = sum(len(v) for k, v in timings.items() if k.startswith("= ") and not k.startswith("= visit"))
    print(f"\n## {users} user(s): {visits / result['elapsed']:.1f} page visits/s ({visits} visits, {actions} "
          f"interactions in {result['elapsed']:.1f} s), errors {sum(errors.values())}, "
          f"server RSS MB {memory} (sum {sum(memory):.0f})")
    print(f"{'request kind':<48}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'median kB':>11}")
    for kind in sorted(timings):
        values = timings[kind]
        size = statistics.median(result["sizes"][kind]) / 1024 if result["sizes"][kind] else 0
        print(f"{kind[:47]:<48}{len(values):>7}{pct(values, .5):>9.0f}{pct(values, .95):>9.0f}{pct(values, .99):>9.0f}"
              f"{errors.get(kind, 0):>8}{size:>11.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", choices=("prod", "dev"), default="prod")
    parser.add_argument("--users", default="1,10,50", help="comma-separated user counts")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each level")
    parser.add_argument("--db", type=Path,
                        default=Path(os.environ.get("SMARTCITY_DB", ROOT / "data" / "smartcity.duckdb")))
    parser.add_argument("--no-swap", dest="swap", action="store_false",
                        help="do not swap a new build in during the last level")
    args = parser.parse_args()
    if not args.db.is_file():
        raise SystemExit(f"{args.db}: no database; build it with `python -m etl build`")
    levels = [int(u) for u in args.users.split(",") if u.strip()]
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="load-benchmark-"))
    live = workdir / "smartcity.duckdb"  # the server reads a copy, so the benchmark can swap builds under it
    shutil.copyfile(args.db, live)
    proc = start_server(args.server, live, port)
    try:
        base = f"http://127.0.0.1:{port}"
        recorded = record(base)
        print(f"# load benchmark: {args.server} server, database {args.db}, {os.cpu_count()} cores, "
              f"{args.seconds:.0f} s a level; at the last level a new build is swapped in halfway")
        for name, requests in recorded.items():
            kinds = defaultdict(int)
            for r in requests:
                kinds[r["kind"]] += 1
            print(f"#   {name}: {len(requests)} requests {dict(kinds)}")
        # each round visits every page once and makes each interaction once, after a visit of its page
        mix = [(n, recorded[n]) for n in MIX]
        for users in levels:
            swap = (lambda: swap_in(args.db, live)) if users == levels[-1] and args.swap else None
            result = run_level(port, mix, users, args.seconds, swap)
            report(users, result, server_memory_mb(proc))
            if swap:
                print("(a new build was swapped in halfway through this level: its errors include any request lost "
                      "to the swap)")
    finally:
        stop_server(proc)
        shutil.rmtree(workdir, ignore_errors=True)

if __name__ == "__main__":
    main()
