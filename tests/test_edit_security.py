"""The editing pages' security on the real app (issue 10): every change checks the role on the server (403 and
nothing changes for a signed-out or wrong-role request, a crafted Dash POST changes nothing), CSRF on every POST,
uploads refused safely, and rejected, failed or abandoned submissions leave the published database as it was."""
from __future__ import annotations

import base64
import hashlib
import io
import re
import shutil
import zipfile

import pytest
from sqlalchemy import func, select

from conftest import fixture_settings
from smartcity.auth import accounts
from smartcity.state import store
from smartcity.state.schema import audit_event, publication, submission
from test_auth import csrf, sign_in

PASSWORD = "correct horse battery"
TABLE = "joint_procurement_adoption"


@pytest.fixture
def site(tmp_path, fixture_db):
    """(app server, settings) on a copy of the fixture database, with an editor, an approver and an admin."""
    from app import create_app
    settings = fixture_settings(tmp_path)
    shutil.copyfile(fixture_db, settings.db_path)
    app = create_app(settings.db_path, state_url=settings.state_url)
    app.server.config["SMARTCITY_ETL_ENV"] = {
        "SMARTCITY_MANIFEST": str(settings.manifest), "SMARTCITY_DATA_MIRROR": str(settings.mirror),
        "SMARTCITY_RAW_CACHE": str(settings.raw_cache), "SMARTCITY_OFFLINE": "1",
        "SMARTCITY_AS_OF": settings.as_of.isoformat()}
    with store.engine(settings.state_url).begin() as conn:
        for name, role, code in (("editor", "editor", None), ("approver", "approver", None),
                                 ("sakai", "editor", "27140")):
            accounts.create_account(conn, name, name, "大阪府", role, PASSWORD, municipality_code=code)
    return app.server, settings


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _counts(settings) -> tuple:
    """Submissions, publications and audited changes (signing in and out is audited too, and is not a change)."""
    with store.engine(settings.state_url).connect() as conn:
        changes = conn.execute(select(func.count()).select_from(audit_event)
                               .where(audit_event.c.action.not_in(["sign_in", "sign_out"]))).scalar()
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar()
                     for t in (submission, publication)) + (changes,)


def _csv_with_fy2024(settings, count: int = 43) -> bytes:
    text = (settings.reference_dir / f"{TABLE}.csv").read_text(encoding="utf-8")
    for p, n in (("joint", count - 5), ("own", 5), ("total", count)):
        text += f"e_application,電子申請システム,E-application system,2024,{p},{n},,https://example.jp/r6,R6,1\n"
    return text.encode("utf-8-sig")


def _upload(client, data: bytes, name: str = "fy2024.csv"):
    token = csrf(client, "/edit")
    return client.post("/edit/upload", data={"csrf_token": token, "table": TABLE,
                                             "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _uploaded(server, settings) -> int:
    client = server.test_client()
    sign_in(client, "editor")
    answer = _upload(client, _csv_with_fy2024(settings))
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    return int(answer.headers["Location"].rstrip("/").split("/")[-1].split("?")[0])


def test_signed_out_and_wrong_roles_change_nothing(site):
    server, settings = site
    sid = _uploaded(server, settings)
    checksum, counts = _sha(settings.db_path), _counts(settings)
    anonymous = server.test_client()
    assert anonymous.get("/edit").status_code == 302  # to the sign-in page
    viewer = server.test_client()
    sign_in(viewer, "editor")
    assert viewer.get(f"/edit/submission/{sid}").headers["Cache-Control"] == "no-store"  # not kept after sign-out
    for path in (f"/edit/submission/{sid}/publish", f"/edit/submission/{sid}/submit", "/edit/publications/rollback",
                 "/edit/upload"):
        assert anonymous.post(path, data={"target": "0"}).status_code in (400, 403), path
    editor = server.test_client()
    sign_in(editor, "editor")
    token = csrf(editor, "/edit")
    assert editor.post(f"/edit/submission/{sid}/publish", data={"csrf_token": token}).status_code == 403
    assert editor.post("/edit/publications/rollback", data={"csrf_token": token, "target": "0"}).status_code == 403
    assert editor.get("/edit/audit").status_code == 403
    other = server.test_client()
    sign_in(other, "sakai")  # another editor may not act on (or see) someone else's upload
    assert other.get(f"/edit/submission/{sid}").status_code == 403
    assert other.post(f"/edit/submission/{sid}/submit", data={"csrf_token": csrf(other, "/edit")}).status_code == 403
    # a crafted Dash callback POST reaches no state-changing code
    anonymous.post("/_dash-update-component", json={"output": "x.children", "outputs": {"id": "x", "property": "y"},
                                                    "inputs": [], "changedPropIds": []})
    assert _sha(settings.db_path) == checksum and _counts(settings) == counts


def test_csrf_required_on_every_post(site):
    server, settings = site
    sid = _uploaded(server, settings)
    counts = _counts(settings)
    client = server.test_client()
    sign_in(client, "editor")
    for path, data in ((f"/edit/submission/{sid}/submit", {}), ("/edit/upload", {"table": TABLE})):
        answer = client.post(path, data=data)
        assert answer.status_code == 400, path
        answer = client.post(path, data={**data, "csrf_token": "forged"})
        assert answer.status_code == 400, path
    assert _counts(settings) == counts


def test_reject_and_withdraw_leave_the_database_as_it_was(site):
    server, settings = site
    checksum = _sha(settings.db_path)
    sid = _uploaded(server, settings)
    editor, approver = server.test_client(), server.test_client()
    sign_in(editor, "editor")
    sign_in(approver, "approver")
    assert editor.post(f"/edit/submission/{sid}/submit", data={"csrf_token": csrf(editor, "/edit")}).status_code == 302
    assert approver.post(f"/edit/submission/{sid}/reject",
                         data={"csrf_token": csrf(approver, "/edit"), "comment": "出典が違います"}).status_code == 302
    second = _uploaded(server, settings)
    assert editor.post(f"/edit/submission/{second}/withdraw",
                       data={"csrf_token": csrf(editor, "/edit")}).status_code == 302
    assert _sha(settings.db_path) == checksum
    with store.engine(settings.state_url).connect() as conn:
        assert conn.execute(select(submission.c.status).order_by(submission.c.id)).scalars().all() == [
            "rejected", "withdrawn"]
        assert conn.execute(select(func.count()).select_from(publication)).scalar() == 0


def test_bad_uploads_are_refused_with_a_report(site):
    server, settings = site
    client = server.test_client()
    sign_in(client, "editor")
    counts = _counts(settings)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (60 << 20))
        z.writestr("[Content_Types].xml", b"<Types/>")
    for data, name, expected in ((b"MZ\x90\x00", "fy.exe", "xlsx"), (bomb.getvalue(), "fy.xlsx", ""),
                                 (_csv_with_fy2024(settings, 44), "fy.csv", "")):
        answer = _upload(client, data, name)
        assert answer.status_code == 422, name
        assert "受け付けられません" in answer.get_data(as_text=True)
    page = _upload(client, _csv_with_fy2024(settings, 44)).get_data(as_text=True)
    assert "id=\"report-problems\"" in page and "municipalities" in page  # 44 of 43 municipalities: row and column
    encoded = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page).group(1)
    assert "municipalities" in base64.b64decode(encoded).decode("utf-8-sig")  # the report, downloadable
    limited = server.test_client()
    sign_in(limited, "sakai")  # limited to Sakai: a prefecture-wide table's rows are not theirs
    assert _upload(limited, _csv_with_fy2024(settings)).status_code == 422
    huge = b"a" * (1100 * 1024)
    answer = _upload(client, huge, "big.csv")
    assert answer.status_code == 413 and "大きすぎます" in answer.get_data(as_text=True)
    assert _counts(settings) == counts


def test_secure_cookie_behind_a_trusted_proxy(monkeypatch, tmp_path, fixture_db):
    from app import create_app
    monkeypatch.setenv("SMARTCITY_TRUSTED_PROXIES", "1")
    settings = fixture_settings(tmp_path)
    app = create_app(fixture_db, state_url=settings.state_url)
    with store.engine(settings.state_url).begin() as conn:
        accounts.create_account(conn, "editor", "editor", "大阪府", "editor", PASSWORD)
    client = app.server.test_client()
    token = csrf(client)
    answer = client.post("/auth/sign-in", data={"username": "editor", "password": PASSWORD, "csrf_token": token},
                         headers={"X-Forwarded-Proto": "https", "Referer": "https://localhost/auth/sign-in"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    cookie = answer.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
