"""Probe (issue 10 security review): the upload report has no bound. Every cell outside the header (or every bad
cell) becomes a problem row in the HTML report and in the data: URI download, so a 1 MB CSV of "x,x,x,…" took 40 s,
1.4 GB of memory and answered a 130 MB page; a 580 KB .xlsx (45 MB of sheet XML, inside the zip-bomb limits)
spent 80 s just reading 2.2 million cells. A few such uploads by one editor stop a 2-core server. This test uses a
128 KB CSV so that it runs quickly."""
from __future__ import annotations

import io
import time

from test_auth import csrf, sign_in
from test_edit_security import TABLE, site  # noqa: F401 (fixture)

REPORT_LIMIT = 2 * 2**20  # a report page is for a person to read: a bounded number of problems, then "and N more"


def test_a_file_full_of_stray_cells_gets_a_bounded_report(site):
    server, settings = site
    client = server.test_client()
    sign_in(client, "editor")
    head = (settings.reference_dir / f"{TABLE}.csv").read_text(encoding="utf-8").splitlines()[0]
    row = "," * 10 + ",".join(["x"] * 500) + "\n"
    data = (head + "\n" + row * (128 * 1024 // len(row))).encode("utf-8")
    started = time.perf_counter()
    answer = client.post("/edit/upload", data={"csrf_token": csrf(client, "/edit"), "table": TABLE,
                                               "file": (io.BytesIO(data), "stray.csv")},
                         content_type="multipart/form-data")
    seconds, size = time.perf_counter() - started, len(answer.get_data())
    assert answer.status_code == 422
    assert size < REPORT_LIMIT, f"{len(data) // 1024} KB upload: {size / 2**20:.1f} MB report in {seconds:.1f} s"


def test_a_file_full_of_bad_cells_lists_the_first_problems_then_how_many_more(site):
    server, settings = site
    client = server.test_client()
    sign_in(client, "editor")
    head = (settings.reference_dir / f"{TABLE}.csv").read_text(encoding="utf-8").splitlines()[0]
    rows = "".join(f"s{i},システム,System,2024,total,x,,https://example.jp/r6,R6,1\n" for i in range(3000))
    answer = client.post("/edit/upload", data={"csrf_token": csrf(client, "/edit"), "table": TABLE,
                                               "file": (io.BytesIO(f"{head}\n{rows}".encode()), "bad.csv")},
                         content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and len(page.encode()) < REPORT_LIMIT
    assert "ほか 2,000 件の問題があります" in page or "and 2,000 more problems" in page, page[-3000:]
