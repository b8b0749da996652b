"""The state database's tables (SQLAlchemy Core: the same definitions run on SQLite and PostgreSQL)."""
from __future__ import annotations

from sqlalchemy import (JSON, Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text)

metadata = MetaData()

ROLES = ("editor", "approver", "admin")  # a viewer is anyone signed out: no account

account = Table(
    "account", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("organisation", String(200), nullable=False),  # e.g. 大阪府スマートシティ戦略部, 堺市
    Column("role", String(16), nullable=False),
    Column("municipality_code", String(5)),  # an editor limited to one municipality's rows, else NULL
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("may_approve_own", Boolean, nullable=False, default=False),  # four-eyes waived by an admin
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("password_changed_at", DateTime, nullable=False),
)

login_event = Table(
    "login_event", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("username", String(64), nullable=False),  # as typed (never the password)
    Column("ok", Boolean, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("remote_addr", String(64)),
)

submission = Table(
    "submission", metadata,
    Column("id", Integer, primary_key=True),
    Column("table_name", String(64), nullable=False),
    # uploaded → submitted → published | rejected | failed ; uploaded → withdrawn
    Column("status", String(16), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("content_csv", Text, nullable=False),  # the whole table as validated, canonical UTF-8 CSV
    Column("row_count", Integer, nullable=False),
    Column("report", JSON, nullable=False),  # validation report and preview summary
    Column("created_by", ForeignKey("account.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("submitted_at", DateTime),
    Column("submit_comment", Text),
    Column("reviewed_by", ForeignKey("account.id")),
    Column("reviewed_at", DateTime),
    Column("review_comment", Text),
    Column("base_publication_id", Integer),  # what was published when it was uploaded
)

publication = Table(
    "publication", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # publish | rollback
    Column("status", String(16), nullable=False),  # building | published | failed
    Column("state", JSON, nullable=False),  # table name -> submission id in force (absent: the repository file)
    Column("submission_id", ForeignKey("submission.id")),  # publish: the submission it applies
    Column("rollback_to", Integer),  # rollback: the publication whose state it restores (0: repository files)
    Column("requested_by", ForeignKey("account.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("comment", Text),
    Column("build_sha256", String(64)),  # content_sha256 of the database it built
    Column("summary", JSON),  # the public change log's words: {"ja": …, "en": …} (what, never who)
    Column("changes", JSON),  # what the build changed: per table rows added / changed / removed
    Column("error", Text),
)

audit_event = Table(
    "audit_event", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(64), nullable=False),  # username, or "system" / "cli"
    Column("action", String(32), nullable=False),  # sign_in, upload, submit, approve, reject, publish, …
    Column("object_type", String(32)),
    Column("object_id", Integer),
    Column("detail", JSON, nullable=False),
)

revoked_session = Table(
    "revoked_session", metadata,
    # a signed-out session's random id: a copy of its (still validly signed) cookie is refused; rows older than a
    # session's lifetime are pruned, those sessions have expired anyway
    Column("sid", String(64), primary_key=True),
    Column("account_id", ForeignKey("account.id"), nullable=False),
    Column("revoked_at", DateTime, nullable=False, index=True),
)
