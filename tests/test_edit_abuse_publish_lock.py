"""Probe (issue 10 security review): publish and roll back wait for the publication lock with a blocking flock and
no time limit. While one build runs (or hangs), every further publish/rollback POST parks a server thread; an
approver re-clicking (or scripting) "return to this state" ties up all 2×4 gunicorn threads and the public dashboard
stops answering. A second request should be told at once that a publication is being built (409)."""
from __future__ import annotations

import fcntl
import threading

from test_auth import csrf, sign_in
from test_edit_security import site  # noqa: F401 (fixture)


def test_a_second_publication_request_does_not_wait_for_the_lock(site):
    server, settings = site
    client = server.test_client()
    sign_in(client, "approver")
    token = csrf(client, "/edit")
    lock = settings.db_path.with_name(settings.db_path.name + ".publish.lock")
    answers = []
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # a build in progress (another request, another worker)
        worker = threading.Thread(target=lambda: answers.append(client.post(
            "/edit/publications/rollback", data={"csrf_token": token, "target": "0"}).status_code), daemon=True)
        worker.start()
        worker.join(timeout=5)
        waiting = worker.is_alive()
        fcntl.flock(held, fcntl.LOCK_UN)
    worker.join(timeout=120)
    assert not waiting, "the request was still blocked on the publication lock after 5 s"
    assert answers == [409]
