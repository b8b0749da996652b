"""Read-only API under /api/v1: the catalog, dataset rows as CSV / JSON / Parquet, a Frictionless data package,
a zip of the whole catalog, and the OpenAPI description. No SQL is built from request text: dataset and column
names are checked against the catalog and values are bound parameters."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from email.utils import format_datetime
from pathlib import Path

import duckdb
from flask import Blueprint, Response, jsonify, request

from smartcity import catalog, openapi
from smartcity.db import connect, open_read_only
from smartcity.export import ENCODINGS, csv_chunks
from smartcity.settings import db_path
from smartcity.tablequery import Filter, QueryError, count, select

bp = Blueprint("api", __name__, url_prefix="/api/v1")
RESERVED = {"limit", "offset", "sort", "encoding", "columns"}
FORMATS = ("csv", "json", "parquet")
JSON_DEFAULT_LIMIT, JSON_MAX_LIMIT = 1000, 10_000
BATCH = 10_000
MIMETYPES = {"json": "application/json", "parquet": "application/vnd.apache.parquet", "zip": "application/zip"}


def _db() -> Path:
    db = db_path()
    if not db.is_file():
        raise QueryError("no database: run `python -m etl build`", status=503)
    return db


@bp.errorhandler(QueryError)
def _query_error(err: QueryError):
    return jsonify({"error": err.message, "valid": err.valid}), err.status


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
        raise QueryError(f"unknown dataset {dataset_id!r}", [d.id for d in catalog.datasets(db)], status=404)
    return ds


@bp.get("/datasets/<name>")
def dataset_rows(name: str):
    """/datasets/<id>: the catalog entry; /datasets/<id>.csv|.json|.parquet: the rows."""
    dataset_id, _, fmt = name.partition(".")
    ds = _dataset(dataset_id)
    if not fmt:
        return _conditional(lambda: _json(catalog.describe(_db(), ds)))
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}", list(FORMATS), status=404)
    query = parse_query(ds, request.args, fmt)
    return _conditional(lambda: {"csv": _csv, "json": _rows_json, "parquet": _parquet}[fmt](ds, query))


def parse_query(ds: catalog.Dataset, args, fmt: str) -> dict:
    """Filters (column=value, repeated for IN; column__gte/lte/gt/lt/ne/contains/startswith=value), sort=a,-b,
    limit, offset, columns=a,b and, for CSV, encoding. Every name is checked against the dataset."""
    filters = []
    for key, values in args.lists():
        if key in RESERVED:
            continue
        column, _, op = key.partition("__")
        if ds.column(column) is None:
            raise QueryError(f"unknown parameter or column {key!r}",
                             sorted(RESERVED) + [c.name for c in ds.columns])
        op = op or "eq"
        if op == "eq" and len(values) > 1:
            filters.append(Filter(column, "in", values))
        else:
            filters.extend(Filter(column, op, v) for v in values)
    sort = [(s.lstrip("-"), s.startswith("-")) for s in args.get("sort", "").split(",") if s.strip("-")]
    columns = [c for c in args.get("columns", "").split(",") if c] or None
    limit, offset = _int(args, "limit", None), _int(args, "offset", 0) or 0
    if fmt == "json":
        limit = JSON_DEFAULT_LIMIT if limit is None else limit
        if limit > JSON_MAX_LIMIT:
            raise QueryError(f"limit {limit} is over the JSON cap of {JSON_MAX_LIMIT} rows: page with offset, or "
                             "use .csv or .parquet for the whole result", [f"0..{JSON_MAX_LIMIT}"])
    encoding = args.get("encoding", "utf-8-sig")
    if fmt == "csv" and encoding not in ENCODINGS:
        raise QueryError(f"unknown encoding {encoding!r}", list(ENCODINGS))
    # validate every name now, before a streamed response has started
    select(ds, filters, sort, limit, offset, columns)
    return {"filters": filters, "sort": sort, "limit": limit, "offset": offset, "columns": columns,
            "encoding": encoding}


def _int(args, name: str, default):
    text = args.get(name)
    if text is None or text == "":
        return default
    if not text.isdigit():
        raise QueryError(f"{name} must be a whole number ≥ 0, not {text!r}", [f"{name}=0", f"{name}=100"])
    return int(text)


def _execute(con, sql: str, params: list):
    try:
        return con.execute(sql, params)
    except (duckdb.ConversionException, duckdb.InvalidInputException, duckdb.BinderException) as exc:
        raise QueryError(f"a filter value does not fit its column's type: {str(exc).splitlines()[0]}") from exc


def _rows_json(ds: catalog.Dataset, q: dict) -> Response:
    sql, params = select(ds, q["filters"], q["sort"], q["limit"], q["offset"], q["columns"])
    csql, cparams = count(ds, q["filters"])
    with connect(_db()) as con:
        cur = _execute(con, sql, params)
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
        total = _execute(con, csql, cparams).fetchone()[0]
    nxt = None
    if q["offset"] + len(rows) < total:
        args = request.args.to_dict(flat=False)
        args.update({"offset": [str(q["offset"] + q["limit"])], "limit": [str(q["limit"])]})
        nxt = request.base_url + "?" + "&".join(f"{k}={v}" for k, vs in args.items() for v in vs)
    return _json({"dataset": ds.id, "total": total, "offset": q["offset"], "limit": q["limit"], "next": nxt,
                  "rows": rows})


def _csv(ds: catalog.Dataset, q: dict) -> Response:
    sql, params = select(ds, q["filters"], q["sort"], q["limit"], q["offset"], q["columns"])
    db = _db()
    con = open_read_only(db)
    try:
        cur = _execute(con, sql, params)
    except QueryError:
        con.close()
        raise
    header = [d[0] for d in cur.description]

    def batches():
        try:
            while rows := cur.fetchmany(BATCH):
                yield rows
        finally:
            con.close()

    charset = {"utf-8-sig": "utf-8", "utf-8": "utf-8", "cp932": "shift_jis"}[q["encoding"]]
    resp = Response(csv_chunks(header, batches(), q["encoding"]), mimetype="text/csv")
    resp.headers["Content-Type"] = f"text/csv; charset={charset}"
    resp.headers["Content-Disposition"] = f'attachment; filename="{ds.id}.csv"'
    return resp


def _parquet(ds: catalog.Dataset, q: dict) -> Response:
    import pyarrow.parquet as pq
    sql, params = select(ds, q["filters"], q["sort"], q["limit"], q["offset"], q["columns"])
    with connect(_db()) as con:
        table = _execute(con, sql, params).to_arrow_table()
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
    return _conditional(lambda: _json(openapi.document([d.id for d in catalog.datasets(db)], request.host_url)))


@bp.get("/catalog.zip")
def catalog_zip():
    """Every dataset as CSV with datapackage.json and a README (data dictionary, licences, credits)."""
    db = _db()

    def produce() -> Response:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf, connect(db) as con:
            zf.writestr("datapackage.json", json.dumps(datapackage(db), ensure_ascii=False, indent=1))
            zf.writestr("README.md", readme(db))
            for d in catalog.datasets(db):
                cur = con.execute(*select(d))
                header = [c[0] for c in cur.description]
                zf.writestr(f"datasets/{d.id}.csv", b"".join(csv_chunks(header, iter([cur.fetchall()]))))
        resp = Response(out.getvalue(), mimetype=MIMETYPES["zip"])
        resp.headers["Content-Disposition"] = 'attachment; filename="osaka-smartcity-kpi.zip"'
        return resp
    return _conditional(produce)


def readme(db: Path) -> str:
    """README for the zip: what each dataset is, its columns, licence and required credit."""
    facts = catalog.facts(db)
    lines = ["# 大阪スマートシティ KPI ダッシュボード データ一式 / Osaka Smart City KPI Dashboard data", "",
             f"Build {facts['built_at'].isoformat(timespec='seconds')}Z, content sha256 {facts['content_sha256']}.",
             "CSV: UTF-8 with BOM; codes are zero-padded text. `datapackage.json` describes every file "
             "(Frictionless). Text cells beginning with = + - @ are prefixed with ' so that they cannot run as "
             "formulas.", ""]
    for d in catalog.datasets(db):
        e = catalog.describe(db, d)
        lines += [f"## {d.id}: {d.title_ja} / {d.title_en}", "", d.description_ja, "", d.description_en, "",
                  f"- rows: {e['rows']}", f"- describes: {e['describes']}", f"- licence: {e['licence']}",
                  f"- required credit: {e['credit'] or '-'}", "", "| column | type | 意味 | meaning |",
                  "|---|---|---|---|"]
        lines += [f"| {c.name} | {c.type} | {c.ja} | {c.en}{f' [{c.unit}]' if c.unit else ''} |" for c in d.columns]
        lines.append("")
    return "\n".join(lines)
