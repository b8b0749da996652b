"""The officials' editing pages: templates, upload and its report, review, publish, history and roll back, audit.

Plain HTML forms (POST → redirect → GET). Every view checks the role (security.require_role) and every state
change is checked again by smartcity.state.workflow / publish, which also record the audit trail."""
from __future__ import annotations

import flask

from smartcity.auth import security
from smartcity.edit import service
from smartcity.edit.upload import max_bytes
from smartcity.export import ExcelLimit
from smartcity.settings import etl_settings
from smartcity.state import audit, publications, publish, workflow
from smartcity.webui import t, url

bp = flask.Blueprint("edit", __name__)


@bp.before_request
def _upload_limit() -> None:
    """An upload may carry a file up to the upload limit (plus the form around it); before the CSRF check reads
    the body (registered first)."""
    if flask.request.endpoint == "edit.upload":
        flask.request.max_content_length = max_bytes() + 64 * 1024


security.protect_csrf(bp)
security.no_store(bp)  # officials' pages never stay in a shared PC's cache after sign-out
OFFICIALS = workflow.EDITORS  # the role lists are the state functions' own: one rule, checked twice
APPROVERS = workflow.APPROVERS


@bp.errorhandler(workflow.Forbidden)
def _forbidden(exc: workflow.Forbidden):
    return flask.render_template("edit/refused.html", ja=exc.ja, en=exc.en), 403


@bp.errorhandler(workflow.Conflict)
def _conflict(exc: workflow.Conflict):
    return flask.render_template("edit/refused.html", ja=exc.ja, en=exc.en), 409


@bp.route("/edit", endpoint="index")
@security.require_role(*OFFICIALS)
def index():
    """Tables that can be updated (templates, upload) and the submissions this official may see."""
    actor = security.current_account()
    with security.state_engine().connect() as conn:
        subs = workflow.listing(conn, actor)
    return flask.render_template("edit/index.html", tables=service.tables(), submissions=subs)


@bp.route("/edit/template/<table>.<fmt>")
@security.require_role(*OFFICIALS)
def template(table: str, fmt: str):
    """The current figures of a table as an .xlsx template (data and guide sheets) or CSV (UTF-8 BOM or CP932)."""
    encoding = "cp932" if flask.request.args.get("encoding") == "cp932" else "utf-8-sig"
    try:
        body, mimetype, name = service.template(table, fmt, encoding)
    except KeyError:
        flask.abort(404)
    except ExcelLimit as exc:  # a published cell Excel cannot hold: the CSV template still works
        raise workflow.Conflict(f"この表は Excel の様式にできません（{exc}）。CSV の様式を使ってください。",
                                f"This table cannot be written as an Excel template ({exc}): use the CSV one.") from exc
    return flask.Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}", "Cache-Control": "no-store"})


@bp.route("/edit/upload", methods=["POST"])
@security.require_role(*OFFICIALS)
def upload():
    """Check an uploaded file as a whole; a file that passes is kept as an upload (nothing applied yet)."""
    actor = security.current_account()
    table = flask.request.form.get("table", "")
    file = flask.request.files.get("file")
    if file is None or not file.filename:
        flask.flash(t("ファイルを選んでください。", "Choose a file."), "danger")
        return flask.redirect(url("edit.index"))
    result = service.check_upload(etl_settings(), actor, table, file.filename, file.read())
    if not result.ok:
        return flask.render_template("edit/report.html", result=result), 422
    with security.state_engine().begin() as conn:
        sid = workflow.create(conn, actor, result.table, result.file_name, result.sha256, result.content_csv,
                              result.row_count, result.stored_report())
    return flask.redirect(url("edit.submission", submission_id=sid))


@bp.route("/edit/submission/<int:submission_id>")
@security.require_role(*OFFICIALS)
def submission(submission_id: int):
    """A submission's report and preview, and the actions its state and the official's role allow."""
    actor = security.current_account()
    with security.state_engine().connect() as conn:
        try:
            sub = workflow.get(conn, submission_id)
        except KeyError:
            flask.abort(404)
    if not workflow.may_view(actor, sub):
        raise workflow.Forbidden("この提出を見る権限がありません。", "You may not see this submission.")
    return flask.render_template("edit/submission.html", sub=sub, table=service.table_title(sub["table_name"]),
                                 actions=service.actions(actor, sub))


@bp.route("/edit/submission/<int:submission_id>/<action>", methods=["POST"])
@security.require_role(*OFFICIALS)
def act(submission_id: int, action: str):
    """submit, withdraw, reject, or approve and publish."""
    actor = security.current_account()
    comment = flask.request.form.get("comment", "")[:2000]
    engine = security.state_engine()
    if action == "publish":
        settings = etl_settings()
        if publish.busy(settings.db_path):  # say so before approving: an approval then waits for no build
            raise workflow.Conflict(*publish.BUSY)
        with engine.begin() as conn:
            if workflow.get(conn, submission_id)["status"] != "approved":  # approved earlier: publish again
                workflow.approve(conn, actor, submission_id, comment)
        pub = publish.publish(engine, settings, actor, submission_id, comment)
        _flash_publication(pub)
        return flask.redirect(url("edit.submission", submission_id=submission_id))
    steps = {"submit": workflow.submit, "withdraw": lambda c, a, s, _m: workflow.withdraw(c, a, s),
             "reject": workflow.reject}
    if action not in steps:
        flask.abort(404)
    with engine.begin() as conn:
        steps[action](conn, actor, submission_id, comment)
    flask.flash({"submit": t("承認を申請しました。", "Submitted for approval."),
                 "withdraw": t("取り下げました。", "Withdrawn."),
                 "reject": t("差し戻しました。", "Rejected.")}[action], "success")
    return flask.redirect(url("edit.submission", submission_id=submission_id))


@bp.route("/edit/publications", endpoint="publications")
@security.require_role(*OFFICIALS)
def publications_page():
    """Every published state, with who and when (officials only), and the roll-back forms for approvers."""
    with security.state_engine().connect() as conn:
        pubs = service.publication_rows(conn)
    return flask.render_template("edit/publications.html", publications=pubs)


@bp.route("/edit/publications/rollback", methods=["POST"])
@security.require_role(*APPROVERS)
def rollback():
    """Return to an earlier published state (0: the repository's files), as a new publication."""
    target = flask.request.form.get("target", "")
    if not target.isascii() or not target.isdigit() or int(target) >= 2**31:
        raise workflow.Conflict("戻す先の公開番号が正しくありません。", "Not a publication number.")
    target = int(target)
    pub = publish.rollback(security.state_engine(), etl_settings(), security.current_account(), target,
                           flask.request.form.get("comment", "")[:2000])
    _flash_publication(pub)
    return flask.redirect(url("edit.publications"))


@bp.route("/edit/audit", endpoint="audit")
@security.require_role(*APPROVERS)
def audit_page():
    """The audit trail, newest first."""
    with security.state_engine().connect() as conn:
        events = audit.events(conn)
    return flask.render_template("edit/audit.html", events=events)


def _flash_publication(pub: dict) -> None:
    if pub["status"] == "published":
        flask.flash(t(f"公開しました（公開 #{pub['id']}）。公開ページに反映されています。",
                      f"Published (publication #{pub['id']}); the public pages show it now."), "success")
    else:
        flask.flash(t(f"公開できませんでした。公開中のデータは変わっていません。理由：{pub['error']}",
                      f"Not published; the published data is unchanged. Reason: {pub['error']}"), "danger")
