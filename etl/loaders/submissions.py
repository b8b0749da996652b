"""Kind `submissions`: tables officials updated through the app, read from the state database (smartcity/state)
and layered over the reference files loaded before: a table named in the publication in force is replaced, as a
whole, by the submission's content, checked by the same rules as the reference files. Nothing to fetch."""
from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

import pandas as pd

from common.settings import Settings
from etl import reference
from etl.errors import EtlError, FileReport, Problem
from etl.loaders import BuildContext
from etl.sources import SourceFile


def plan(settings: Settings, source_id: str, entry: dict) -> list[SourceFile]:
    """Nothing to fetch: the state database is read at load time."""
    return []


def load(ctx: BuildContext, source_id: str, entry: dict, files) -> list[FileReport]:
    """Replace each table of the publication in force by its submission's content; record the publication."""
    layer = _layer(ctx.settings)
    if layer is None:
        ctx.log("submissions: none published (the reference files stand as they are)")
        return []
    specs = {s.table: (s, folder) for folder in (ctx.settings.reference_dir, ctx.settings.kpi_dir)
             for s in reference.load_specs(folder)}
    geo_codes = set(ctx.require_master(source_id)["geo_code"])
    reports = []
    for table, sub in sorted(layer["tables"].items()):
        if table not in specs:
            raise EtlError(Problem(f"state:submission/{sub['id']}", None, None,
                                   f"table {table!r} is not described in a schema.toml: it cannot be replaced"))
        frame, report = _load_submission(specs[table][0], sub, geo_codes, source_id)
        ctx.con.execute(f'DELETE FROM "{table}"')  # the name is one of schema.toml's checked identifiers
        ctx.insert(table, frame)
        ctx.insert("row_provenance", _provenance(table, sub, layer["publication"]["published_at"]))
        reports.append(report)
    pub = layer["publication"]
    ctx.insert("publication_info", pd.DataFrame([{
        "publication_id": pub["id"], "kind": pub["kind"], "published_at": pub["published_at"],
        "publisher_ja": entry.get("publisher_ja", ""), "publisher_en": entry.get("publisher_en", ""),
        "tables_replaced": sorted(layer["tables"])}]))
    ctx.insert("publication_log", pd.DataFrame(layer["log"]))
    ctx.log(f"submissions: publication {pub['id']}, {len(reports)} tables from submissions")
    return reports


def _load_submission(spec: reference.TableSpec, sub: dict, geo_codes: set[str],
                     source_id: str) -> tuple[pd.DataFrame, FileReport]:
    content = sub["content_csv"]
    sha = hashlib.sha256(content.encode("utf-8")).hexdigest()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / spec.file).write_text(content, encoding="utf-8")
        frame, report = reference.load_table(spec, Path(tmp), geo_codes, sha, label=f"state:submission/{sub['id']}",
                                             source_id=source_id, seed_documents=False)
    report.origin = "state"
    return frame, report


def _provenance(table: str, sub: dict, published_at) -> pd.DataFrame:
    """Who (organisation), when and which submission last added or changed each row; a row the submission itself
    added or changed is stored without submission and time (not known at upload): this one, when published."""
    rows = [{"table_name": table, "row_key": key, "submission_id": int(v[0]) if v[0] else sub["id"],
             "updated_at": pd.Timestamp(v[1] or published_at), "organisation": v[2]}
            for key, v in (sub["provenance"] or {}).items()]
    return pd.DataFrame(rows, columns=["table_name", "row_key", "submission_id", "updated_at", "organisation"])


def _layer(settings: Settings) -> dict | None:
    """The publication to build and its tables' submissions; None when nothing was ever published."""
    if not settings.state_url:
        return None
    from smartcity.state import publications, store  # only builds that have a state database need SQLAlchemy
    if not store.exists(settings.state_url):
        return None
    with store.engine(settings.state_url).connect() as conn:
        return publications.layer(conn, settings.layer)
