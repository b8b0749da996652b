"""Read-only API under /api/v1: the catalog, dataset rows as CSV / JSON / Parquet, a Frictionless data package,
a zip of the whole catalog (built once per build), and the OpenAPI description. No SQL is built from request text:
dataset and column names are checked against the catalog and values are bound parameters. Every error, an unknown
/api/… path included, is JSON: {"error": "日本語 / English", "valid": [...]}. Links are relative (never built from the
request's Host header)."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import threading
import zipfile
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request

from smartcity import catalog, openapi
from smartcity.db import build_key, connect, open_read_only
from smartcity.export import ENCODINGS, REPLACED_HEADER, csv_stream, encode, replaced_header
from smartcity.settings import db_path
from smartcity.tablequery import Filter, QueryError, arrow_reader, count, execute, select

bp = Blueprint("api", __name__, url_prefix="/api/v1")
RESERVED = {"limit", "offset", "sort", "encoding", "columns"}
FORMATS = ("csv", "json", "parquet")
JSON_DEFAULT_LIMIT, JSON_MAX_LIMIT = 1000, 10_000
MAX_FILTERS, MAX_VALUES = 20, 100  # conditions in one request; values of one column=a&column=b list
MAX_NUMBER = 2 ** 62  # limit and offset (DuckDB's LIMIT takes a BIGINT)
BATCH = 65_536  # rows per Arrow batch of a streamed CSV
NON_ASCII = "[^\\x00-\\x7F]"
MIMETYPES = {"json": "application/json", "parquet": "application/vnd.apache.parquet", "zip": "application/zip"}
ENDPOINTS = ["/api/v1/datasets", "/api/v1/datasets/<id>", "/api/v1/datasets/<id>.csv|.json|.parquet",
             "/api/v1/datapackage.json", "/api/v1/catalog.zip", "/api/v1/openapi.json"]


def _db() -> Path:
    db = db_path()
    if not db.is_file():
        raise QueryError("no database: run `python -m etl build`", status=503,
                         ja="データベースがありません。python -m etl build を実行してください")
    return db


@bp.errorhandler(QueryError)
def _query_error(err: QueryError):
    return jsonify({"error": err.message, "valid": err.valid}), err.status


def _unknown_path(rest: str = ""):
    """Any other /api/… path: a JSON 404 listing the endpoints (not the dashboard's HTML page)."""
    return jsonify({"error": f"API に {request.path} はありません / unknown API path {request.path!r}",
                    "valid": ENDPOINTS}), 404


@bp.record_once
def _catch_unknown_paths(state) -> None:
    # app-level rules: the blueprint's own rules all sit under /api/v1, and Dash's "/<path:path>" would answer HTML
    for rule, endpoint in (("/api", "api_unknown_root"), ("/api/", "api_unknown_slash"),
                           ("/api/<path:rest>", "api_unknown_path")):
        state.app.add_url_rule(rule, endpoint, _unknown_path)


def _cached():
    """ETag and Last-Modified from the database build; a matching If-None-Match gets 304 before any work."""
    facts = catalog.facts(_db())
    tag = hashlib.sha256(f"{facts['content_sha256']} {facts['built_at']} {request.full_path}".encode()).hexdigest()[:32]
    return tag, facts["built_at"].replace(tzinfo=dt.timezone.utc)


def _conditional(produce):
    """Serve `produce()` with validators, or 304 when the client already has this version."""
    tag, modified = _cached()
    if tag in request.if_none_match:
        resp = Response(status=304)
    else:
        resp = produce()
    resp.set_etag(tag)
    resp.headers["Last-Modified"] = format_datetime(modified, usegmt=True)
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp


def _json(payload, status: int = 200) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False, default=_jsonable), status=status,
                    mimetype="application/json")


def _jsonable(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value)}")


@bp.get("/datasets")
def list_datasets():
    """The catalog as JSON."""
    db = _db()
    return _conditional(lambda: _json({"datasets": [catalog.describe(db, d) for d in catalog.datasets(db)]}))


def _dataset(dataset_id: str) -> catalog.Dataset:
    db = _db()
    ds = catalog.dataset(db, dataset_id)
    if ds is None:
        raise QueryError(f"unknown dataset {dataset_id!r}", [d.id for d in catalog.datasets(db)], status=404,
                         ja=f"データセット {dataset_id!r} はありません")
    return ds


@bp.get("/datasets/<name>")
def dataset_rows(name: str):
    """/datasets/<id>: the catalog entry; /datasets/<id>.csv|.json|.parquet: the rows."""
    dataset_id, _, fmt = name.partition(".")
    ds = _dataset(dataset_id)
    if not fmt:
        return _conditional(lambda: _json(catalog.describe(_db(), ds)))
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}", list(FORMATS), status=404, ja=f"形式 {fmt!r} はありません")
    query = parse_query(ds, request.args, fmt)
    return _conditional(lambda: {"csv": _csv, "json": _rows_json, "parquet": _parquet}[fmt](ds, query))


def parse_query(ds: catalog.Dataset, args, fmt: str) -> dict:
    """Filters (column=value, repeated for IN; column__gte/lte/gt/lt/ne/contains/notcontains/startswith/endswith=
    value, column__blank=true|false), sort=a,-b, limit, offset, columns=a,b and, for CSV, encoding. Every name and
    value is checked against the dataset, and at most MAX_FILTERS conditions of at most MAX_VALUES values."""
    filters = _filters(ds, args)
    sort = [(s.lstrip("-"), s.startswith("-")) for s in args.get("sort", "").split(",") if s.strip("-")]
    columns = [c for c in args.get("columns", "").split(",") if c] or None
    limit, offset = _int(args, "limit", None), _int(args, "offset", 0)
    if fmt == "json":
        limit = JSON_DEFAULT_LIMIT if limit is None else limit
        if limit > JSON_MAX_LIMIT:
            raise QueryError(f"limit {limit} is over the JSON cap of {JSON_MAX_LIMIT} rows: page with offset, or "
                             "use .csv or .parquet for the whole result", [f"0..{JSON_MAX_LIMIT}"],
                             ja=f"JSON は 1 回 {JSON_MAX_LIMIT:,} 行までです。offset で分けるか .csv / .parquet を使ってください")
    encoding = args.get("encoding", "utf-8-sig")
    if fmt == "csv" and encoding not in ENCODINGS:
        raise QueryError(f"unknown encoding {encoding!r}", list(ENCODINGS), ja=f"文字コード {encoding!r} はありません")
    # validate every name and value now, before a streamed response has started
    select(ds, filters, sort, limit, offset, columns)
    return {"filters": filters, "sort": sort, "limit": limit, "offset": offset, "columns": columns,
            "encoding": encoding}


def _filters(ds: catalog.Dataset, args) -> list[Filter]:
    """The filter parameters as Filters, within the limits."""
    filters = []
    for key, values in args.lists():
        if key in RESERVED:
            continue
        column, _, op = key.partition("__")
        if ds.column(column) is None:
            raise QueryError(f"unknown parameter or column {key!r}", sorted(RESERVED) + [c.name for c in ds.columns],
                             ja=f"パラメータまたは列 {key!r} はありません")
        if len(values) > MAX_VALUES:
            raise QueryError(f"{key!r} has {len(values)} values: at most {MAX_VALUES} per filter",
                             [f"≤ {MAX_VALUES} values"],
                             ja=f"{key} の値が {len(values)} 個あります（1 つの絞り込みに {MAX_VALUES} 個まで）")
        op = op or "eq"
        if op == "eq" and len(values) > 1:
            filters.append(Filter(column, "in", values))
        else:
            filters.extend(Filter(column, op, v) for v in values)
    if len(filters) > MAX_FILTERS:
        raise QueryError(f"{len(filters)} filter conditions: at most {MAX_FILTERS}", [f"≤ {MAX_FILTERS} filters"],
                         ja=f"絞り込みが {len(filters)} 条件あります（{MAX_FILTERS} 条件まで）")
    return filters


def _int(args, name: str, default):
    """A whole number in ASCII digits (not '²', '1e3', '-1' or empty), at most MAX_NUMBER."""
    if name not in args:
        return default
    text = args.get(name)
    if not re.fullmatch(r"[0-9]{1,19}", text, re.ASCII) or int(text) > MAX_NUMBER:
        raise QueryError(f"{name} must be a whole number ≥ 0 written in digits 0-9, not {text[:20]!r}",
                         [f"{name}=0", f"{name}=100"], ja=f"{name} は 0 以上の整数（半角数字）で指定してください（{text[:20]!r}）")
    return int(text)


def _links(q: dict, returned: int, total: int) -> dict:
    """self, next and prev as relative links (path and query only: never the request's Host header)."""
    def link(offset: int) -> str:
        args = [(k, v) for k, vs in request.args.lists() if k not in ("offset", "limit") for v in vs]
        return f"{request.script_root}{request.path}?" + urlencode(args + [("limit", q["limit"]), ("offset", offset)])
    step = q["limit"]
    nxt = link(q["offset"] + step) if step and q["offset"] + returned < total else None
    prev = link(max(q["offset"] - step, 0)) if step and q["offset"] > 0 else None
    return {"self": link(q["offset"]), "next": nxt, "prev": prev}


def _rows_json(ds: catalog.Dataset, q: dict) -> Response:
    sql, params = select(ds, q["filters"], q["sort"], q["limit"], q["offset"], q["columns"])
    csql, cparams = count(ds, q["filters"])
    with connect(_db()) as con:
        cur = execute(con, sql, params)
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
        total = execute(con, csql, cparams).fetchall()[0][0]
    return _json({"dataset": ds.id, "total": total, "offset": q["offset"], "limit": q["limit"],
                  **_links(q, len(rows), total), "rows": rows})


def _csv(ds: catalog.Dataset, q: dict) -> Response:
    """The rows streamed as CSV from Arrow batches; CP932 answers say in X-CP932-Replaced which characters it
    lacked and what was written for them (known before the first byte, from a scan of the same rows)."""
    sql, params = select(ds, q["filters"], q["sort"], q["limit"], q["offset"], q["columns"])
    con = open_read_only(_db())
    try:
        replaced = _cp932_replacements(con, ds, sql, params, q["columns"]) if q["encoding"] == "cp932" else None
        reader = arrow_reader(con, sql, params, BATCH)
    except BaseException:
        con.close()
        raise

    def chunks():
        try:
            yield from csv_stream(reader, reader.schema.names, q["encoding"])
        finally:
            con.close()

    charset = {"utf-8-sig": "utf-8", "utf-8": "utf-8", "cp932": "shift_jis"}[q["encoding"]]
    resp = Response(chunks(), mimetype="text/csv")
    resp.headers["Content-Type"] = f"text/csv; charset={charset}"
    resp.headers["Content-Disposition"] = f'attachment; filename="{ds.id}.csv"'
    if replaced is not None:
        resp.headers[REPLACED_HEADER] = replaced_header(replaced)
    return resp


def _cp932_replacements(con, ds: catalog.Dataset, sql: str, params: list, columns: list[str] | None) -> dict:
    """{character: written as} for the characters CP932 lacks in the rows this query returns. A column whose
    whole table has none (known once per build) is not scanned again."""
    suspects = _cp932_suspects(*build_key(_db()), ds.id)
    replaced: dict = {}
    for name in suspects:
        if columns and name not in columns:
            continue
        found = execute(con, f'SELECT DISTINCT unnest(regexp_extract_all("{name}", \'{NON_ASCII}\')) '
                             f"FROM ({sql}) AS q", params).fetchall()  # the name is the catalog's own
        encode("".join(r[0] for r in found), "cp932", replaced)
    return replaced


@lru_cache(maxsize=256)
def _cp932_suspects(db: str, _inode: int, _mtime: int, _size: int, dataset_id: str) -> tuple[str, ...]:
    """The text columns of a dataset holding a character CP932 lacks (once per build and dataset)."""
    ds = catalog.dataset(Path(db), dataset_id)
    found = []
    with connect(Path(db)) as con:
        for c in ds.columns:
            if c.db_type != "VARCHAR":
                continue
            chars = con.execute(f'SELECT DISTINCT unnest(regexp_extract_all("{c.name}", \'{NON_ASCII}\')) '
                                f'FROM "{ds.id}"').fetchall()  # names from the catalog, no request text
            replaced: dict = {}
            encode("".join(r[0] for r in chars), "cp932", replaced)
            if replaced:
                found.append(c.name)
    return tuple(found)


def _parquet(ds: catalog.Dataset, q: dict) -> Response:
    import pyarrow.parquet as pq
    sql, params = select(ds, q["filters"], q["sort"], q["limit"], q["offset"], q["columns"])
    with connect(_db()) as con:
        table = arrow_reader(con, sql, params, BATCH).read_all()
    out = io.BytesIO()
    pq.write_table(table, out)
    resp = Response(out.getvalue(), mimetype=MIMETYPES["parquet"])
    resp.headers["Content-Disposition"] = f'attachment; filename="{ds.id}.parquet"'
    return resp


def datapackage(db: Path) -> dict:
    """A Frictionless data package describing every dataset (resources point at the CSV downloads)."""
    facts = catalog.facts(db)
    resources = []
    for d in catalog.datasets(db):
        entry = catalog.describe(db, d)
        schema = {"fields": [{"name": c.name, "type": c.type, "title": c.ja,
                              "description": c.en + (f" [{c.unit}]" if c.unit else "")} for c in d.columns]}
        if d.primary_key:
            schema["primaryKey"] = list(d.primary_key)
        resources.append({
            "name": d.id, "path": f"datasets/{d.id}.csv", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8-sig", "title": f"{d.title_ja} / {d.title_en}",
            "description": f"{d.description_ja}\n{d.description_en}\nDescribes: {entry['describes']}. "
                           f"Required credit: {entry['credit'] or '-'}",
            "sources": [{"title": s["title_ja"] + " / " + s["title_en"], "path": s["url"] or ""}
                        for s in entry["sources"]],
            "licenses": [{"name": "see-source", "title": entry["licence"]}],
            "schema": schema,
        })
    return {"name": "osaka-smartcity-kpi", "title": "大阪スマートシティ KPI ダッシュボード / Osaka Smart City KPI Dashboard",
            "version": facts["content_sha256"][:12], "created": facts["built_at"].isoformat(timespec="seconds") + "Z",
            "licenses": [{"name": "MIT", "title": "Code and transcriptions: MIT; data: the licence of each resource"}],
            "resources": resources}


@bp.get("/datapackage.json")
def datapackage_json():
    """The Frictionless data package."""
    db = _db()
    return _conditional(lambda: _json(datapackage(db)))


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI description of these endpoints."""
    db = _db()
    return _conditional(lambda: _json(openapi.document([d.id for d in catalog.datasets(db)], base_url())))


def base_url() -> str:
    """The API's server in the OpenAPI document: SMARTCITY_BASE_URL (app config or environment) when set, else the
    app's own root as a relative URL; never the request's Host header, which a client can set to anything."""
    configured = current_app.config.get("SMARTCITY_BASE_URL") or os.environ.get("SMARTCITY_BASE_URL")
    return configured or request.script_root or "/"


@bp.get("/catalog.zip")
def catalog_zip():
    """Every dataset as CSV with datapackage.json and a README (data dictionary, licences, credits)."""
    db = _db()

    def produce() -> Response:
        resp = Response(catalog_zip_bytes(db), mimetype=MIMETYPES["zip"])
        resp.headers["Content-Disposition"] = 'attachment; filename="osaka-smartcity-kpi.zip"'
        return resp
    return _conditional(produce)


_zip_lock = threading.Lock()
_zip_cache: dict[tuple, bytes] = {}  # {build identity: zip}, the newest build only


def catalog_zip_bytes(db: Path) -> bytes:
    """The catalog zip of the current build, made once per build and process: parallel requests wait for the
    first one's zip instead of each building their own."""
    with _zip_lock:
        key = build_key(db)
        if key not in _zip_cache:
            data = build_zip(db)
            if build_key(db) == key:  # not swapped meanwhile: the zip is this build's
                _zip_cache.clear()
                _zip_cache[key] = data
            return data
        return _zip_cache[key]


def build_zip(db: Path) -> bytes:
    """The zip: datapackage.json, README.md and datasets/<id>.csv (UTF-8 with BOM), streamed from Arrow batches."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf, connect(db) as con:
        zf.writestr("datapackage.json", json.dumps(datapackage(db), ensure_ascii=False, indent=1))
        zf.writestr("README.md", readme(db))
        for d in catalog.datasets(db):
            reader = arrow_reader(con, *select(d), BATCH)
            with zf.open(f"datasets/{d.id}.csv", "w") as fh:
                for chunk in csv_stream(reader, reader.schema.names):
                    fh.write(chunk)
    return out.getvalue()


def readme(db: Path) -> str:
    """README for the zip: what each dataset is, its columns, licence and required credit."""
    facts = catalog.facts(db)
    lines = ["# 大阪スマートシティ KPI ダッシュボード データ一式 / Osaka Smart City KPI Dashboard data", "",
             f"Build {facts['built_at'].isoformat(timespec='seconds')}Z, content sha256 {facts['content_sha256']}.",
             "CSV: UTF-8 with BOM; codes are zero-padded text; text is quoted, an empty cell is NULL. "
             "`datapackage.json` describes every file (Frictionless). Text cells that could run as a formula "
             "(beginning with = + - @ once Unicode NFKC-normalised and after leading spaces, so also ＝＋－＠; or with "
             "a tab or carriage return) are prefixed with '.", ""]
    for d in catalog.datasets(db):
        e = catalog.describe(db, d)
        lines += [f"## {d.id}: {d.title_ja} / {d.title_en}", "", d.description_ja, "", d.description_en, "",
                  f"- rows: {e['rows']}", f"- describes: {e['describes']}", f"- licence: {e['licence']}",
                  f"- required credit: {e['credit'] or '-'}", "", "| column | type | 意味 | meaning |",
                  "|---|---|---|---|"]
        lines += [f"| {c.name} | {c.type} | {c.ja} | {c.en}{f' [{c.unit}]' if c.unit else ''} |" for c in d.columns]
        lines.append("")
    return "\n".join(lines)
