"""Kind `mynumbercard`: My Number card issuance snapshots, one dated folder per snapshot (discovered, not listed)."""
from __future__ import annotations

from pathlib import Path

from common.settings import Settings
from etl import mynumber
from etl.errors import FileReport
from etl.loaders import BuildContext
from etl.sources import LocalFile, SourceFile, dated_files


def plan(settings: Settings, source_id: str, entry: dict) -> list[SourceFile]:
    """Every file of every snapshot folder found in the cache, the mirror or the manifest."""
    return dated_files(settings, source_id, entry)


def load(ctx: BuildContext, source_id: str, entry: dict, files: list[LocalFile]) -> list[FileReport]:
    """Parse every snapshot file and insert issuance rows, type totals and the names as written."""
    master = ctx.require_master(source_id)
    prefs = master[master.level == "prefecture"]
    pref_codes = dict(zip(prefs.name_ja, prefs.geo_code))
    with_municipalities = set(master.loc[master.level == "municipality", "parent_code"])  # prefectures of the master
    parsed = []
    for f in files:
        name = Path(f.spec.rel_path).name
        if name == "all_localgovs.csv":
            parsed.append(mynumber.parse_localgovs(f, ctx.resolver))
        elif name == "all_prefectures.csv":
            parsed.append(mynumber.parse_prefectures(f, pref_codes, with_municipalities))
        else:
            parsed.append(mynumber.parse_types(f))
    issuance, types = mynumber.frames(parsed)
    ctx.insert("mynumber_issuance", issuance)
    ctx.insert("mynumber_type_total", types)
    _aliases(ctx, source_id)
    ctx.facts["snapshots"] = sorted({f.spec.snapshot for f in files})
    return [p.report for p in parsed]


def _aliases(ctx: BuildContext, source_id: str) -> None:
    """Every spelling of a municipality's name in the snapshots, with when it was first and last seen: derived from
    every issuance row in the database, so an incremental build that loads one new snapshot into a copy of the last
    build (etl/incremental.py) gets the same rows as a full build."""
    ctx.con.execute("DELETE FROM municipality_name WHERE source_id = ?", [source_id])
    ctx.con.execute("""INSERT INTO municipality_name (geo_code, name_ja, source_id, first_seen, last_seen)
                       SELECT geo_code, name_as_written, ?, min(snapshot_date), max(snapshot_date)
                       FROM mynumber_issuance WHERE level = 'municipality'
                       GROUP BY geo_code, name_as_written""", [source_id])
