"""Probe (issue 10 security review): a session cookie captured before sign-out still works after it."""
from __future__ import annotations

from test_auth import sign_in
from test_edit_security import site  # noqa: F401 (fixture)


def test_cookie_replayed_after_sign_out_is_refused(site):
    server, _settings = site
    victim = server.test_client()
    sign_in(victim, "approver")
    stolen = victim.get_cookie("smartcity_session").value  # e.g. from a shared PC's profile or a proxy log
    page = victim.get("/edit").get_data(as_text=True)
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert victim.post("/auth/sign-out", data={"csrf_token": token}).status_code == 302
    assert victim.get("/edit").status_code == 302  # the victim's browser is signed out
    attacker = server.test_client()
    attacker.set_cookie("smartcity_session", stolen)
    # the signed-out session must be dead on the server too (OWASP ASVS 3.3.1); today it still opens /edit/audit
    assert attacker.get("/edit/audit").status_code != 200
