"""Probe (issue 10 security review): one published cell longer than Excel's 32,767 characters (accepted by the
upload check, which has no length limit) makes every later .xlsx template download of the table a 500: no official
can download the template to correct it."""
from __future__ import annotations

import io

from test_auth import csrf, sign_in
from test_edit_security import TABLE, site  # noqa: F401 (fixture)


def _fy2024(settings, note: str) -> bytes:
    text = (settings.reference_dir / f"{TABLE}.csv").read_text(encoding="utf-8")
    for p, n in (("joint", 38), ("own", 5), ("total", 43)):
        text += f"e_application,電子申請システム,E-application system,2024,{p},{n},{note},https://example.jp/r6,R6,1\n"
    return text.encode("utf-8-sig")


def test_a_long_cell_is_refused_or_the_template_still_downloads(site):
    server, settings = site
    editor, approver = server.test_client(), server.test_client()
    sign_in(editor, "editor")
    sign_in(approver, "approver")
    answer = editor.post("/edit/upload", data={"csrf_token": csrf(editor, "/edit"), "table": TABLE,
                                               "file": (io.BytesIO(_fy2024(settings, "x" * 40_000)), "fy.csv")},
                         content_type="multipart/form-data")
    if answer.status_code == 422:  # refused with a reason: fine
        return
    assert answer.status_code == 302, answer.get_data(as_text=True)[:1000]
    path = answer.headers["Location"].split("?")[0]
    assert editor.post(f"{path}/submit", data={"csrf_token": csrf(editor, "/edit")}).status_code == 302
    assert approver.post(f"{path}/publish", data={"csrf_token": csrf(approver, "/edit")}).status_code == 302
    assert approver.get(f"/edit/template/{TABLE}.csv").status_code == 200
    assert approver.get(f"/edit/template/{TABLE}.xlsx").status_code == 200  # today: ExcelLimit → 500
