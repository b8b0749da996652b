"""Probe (issue 10 security review): an integer cell beyond 64 bits passes the cell check (Python ints are
unbounded) and then overflows pandas' Int64 in validation.validate → an unhandled OverflowError, a 500 for the
upload instead of a report naming the row and column."""
from __future__ import annotations

import io

from test_auth import csrf, sign_in
from test_edit_security import TABLE, site  # noqa: F401 (fixture)


def test_an_oversized_integer_gets_a_report_not_a_500(site):
    server, settings = site
    client = server.test_client()
    sign_in(client, "editor")
    text = (settings.reference_dir / f"{TABLE}.csv").read_text(encoding="utf-8")
    text += "e_application,電子申請システム,E-application system,2024,total,99999999999999999999999,,https://example.jp/r6,R6,1\n"
    answer = client.post("/edit/upload", data={"csrf_token": csrf(client, "/edit"), "table": TABLE,
                                               "file": (io.BytesIO(text.encode("utf-8")), "big.csv")},
                         content_type="multipart/form-data")
    assert answer.status_code == 422, answer.status_code
    assert "municipalities" in answer.get_data(as_text=True)


def test_an_oversized_rollback_target_gets_a_message_not_a_500(site):
    server, _settings = site
    client = server.test_client()
    sign_in(client, "approver")
    answer = client.post("/edit/publications/rollback",
                         data={"csrf_token": csrf(client, "/edit"), "target": "9" * 25})  # SQLite: OverflowError
    assert answer.status_code in (400, 409), answer.status_code
