"""Probe (issue 10 security review): the lock-out counts failures after checking the lock, so a burst of parallel
wrong passwords is checked in full before the first lock lands (more than 5 guesses per lock period)."""
from __future__ import annotations

import re
import threading

from smartcity.auth import accounts
from test_auth import sign_in
from test_edit_security import site  # noqa: F401 (fixture)
from smartcity.state import store

PASSWORD = "correct horse battery"


def test_parallel_guesses_are_limited_by_the_lock_out(tmp_path):
    engine = store.engine(f"sqlite:///{tmp_path}/state.sqlite3")
    with engine.begin() as conn:
        accounts.create_account(conn, "approver", "A", "大阪府", "approver", PASSWORD)
    reasons, start = [], threading.Barrier(16)

    def guess(n: int) -> None:
        start.wait()
        with engine.begin() as conn:
            reasons.append(accounts.verify_sign_in(conn, " Approver ", f"wrong guess {n:04d}", "203.0.113.9").reason)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked = reasons.count("bad_password")
    assert checked <= accounts.MAX_FAILURES, f"{checked} of 16 parallel guesses were checked: {sorted(reasons)}"


def test_the_lock_out_message_does_not_tell_which_user_names_exist(site):
    """Five wrong passwords lock a real account and its sixth answer says "locked"; an unknown name never says so:
    anyone can test whether a user name exists (and locks it while doing so)."""
    server, _settings = site
    answers = {}
    for name in ("approver", "no-such-official"):
        client = server.test_client()
        for _ in range(accounts.MAX_FAILURES + 1):
            page = sign_in(client, name, "not the password!", follow_redirects=True).get_data(as_text=True)
        answers[name] = re.search(r'<div class="alert alert-danger"[^>]*>([^<]+)</div>', page).group(1)
    assert answers["approver"] == answers["no-such-official"], answers
