"""Publications: which submission is in force for each table, one row per published state (publish or roll back)."""
from __future__ import annotations

from sqlalchemy import Connection, select

from smartcity.state.schema import publication, submission


def latest(conn: Connection) -> dict | None:
    """The publication in force (the latest published), or None when nothing was ever published."""
    row = conn.execute(select(publication).where(publication.c.status == "published")
                       .order_by(publication.c.id.desc()).limit(1)).mappings().first()
    return dict(row) if row else None


def get(conn: Connection, publication_id: int) -> dict | None:
    """One publication."""
    row = conn.execute(select(publication).where(publication.c.id == publication_id)).mappings().first()
    return dict(row) if row else None


def current_state(conn: Connection) -> dict[str, int]:
    """Table name -> submission id in force ({}: every table as in the repository)."""
    pub = latest(conn)
    return {k: int(v) for k, v in (pub["state"] if pub else {}).items()}


def history(conn: Connection) -> list[dict]:
    """Every publication, newest first."""
    return [dict(r) for r in conn.execute(select(publication).order_by(publication.c.id.desc())).mappings()]


def layer(conn: Connection, override: dict | None = None) -> dict | None:
    """What a build layers over the reference files: the publication (override {"publication_id": n}: the one
    being built, else the one in force) and, per table, its submission's content and row provenance."""
    pub = get(conn, int(override["publication_id"])) if override else latest(conn)
    if pub is None:
        return None
    state = {k: int(v) for k, v in pub["state"].items()}
    rows = conn.execute(select(submission.c.id, submission.c.table_name, submission.c.content_csv,
                               submission.c.report).where(submission.c.id.in_(list(state.values())))).mappings()
    subs = {r["id"]: r for r in rows}
    tables = {t: {"id": sid, "content_csv": subs[sid]["content_csv"],
                  "provenance": (subs[sid]["report"] or {}).get("provenance", {})} for t, sid in state.items()}
    return {"publication": {"id": pub["id"], "kind": pub["kind"],
                            "published_at": pub["finished_at"] or pub["created_at"]}, "tables": tables,
            "log": _log(conn, pub)}


def _log(conn: Connection, pub: dict) -> list[dict]:
    """The public change log up to `pub`: every earlier published publication and `pub` itself."""
    rows = conn.execute(select(publication).where(
        publication.c.id <= pub["id"], (publication.c.status == "published") | (publication.c.id == pub["id"]))
        .order_by(publication.c.id)).mappings()
    return [{"publication_id": r["id"], "kind": r["kind"], "published_at": r["finished_at"] or r["created_at"],
             "summary_ja": (r["summary"] or {}).get("ja", ""), "summary_en": (r["summary"] or {}).get("en", "")}
            for r in rows]
