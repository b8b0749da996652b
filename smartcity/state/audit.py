"""The audit trail: who did what, when, to which object (append-only)."""
from __future__ import annotations

from sqlalchemy import Connection, insert, select

from smartcity.state.schema import audit_event
from smartcity.state.store import now


def record(conn: Connection, actor: str, action: str, object_type: str | None = None,
           object_id: int | None = None, **detail) -> None:
    """Append one event (in the caller's transaction: the event and the change it records commit together)."""
    conn.execute(insert(audit_event).values(at=now(), actor=actor, action=action, object_type=object_type,
                                            object_id=object_id, detail=detail))


def events(conn: Connection, limit: int = 500) -> list[dict]:
    """The latest events, newest first."""
    rows = conn.execute(select(audit_event).order_by(audit_event.c.id.desc()).limit(limit)).mappings()
    return [dict(r) for r in rows]
