"""Kind `boundaries`: a pinned GeoJSON file of municipal boundaries.

`layer = "japan"` (the national file) also builds the municipality master that later sources resolve codes against;
`layer = "osaka"` gives Osaka's 43 municipalities (wards dissolved) and its 31 wards.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from common.settings import Settings
from etl import boundaries
from etl.errors import EtlError, FileReport, Problem
from etl.loaders import BuildContext
from etl.master import build_master, read_csv_dicts
from etl.sources import LocalFile, SourceFile, single_file

LAYERS = ("japan", "osaka")


def plan(settings: Settings, source_id: str, entry: dict) -> list[SourceFile]:
    """The one pinned file."""
    return single_file(source_id, entry)


def load(ctx: BuildContext, source_id: str, entry: dict, files: list[LocalFile]) -> list[FileReport]:
    """Parse the file and insert its boundary layer(s); the national layer also inserts the master."""
    layer = entry.get("layer")
    if layer not in LAYERS:
        raise EtlError(Problem(str(ctx.settings.manifest), None, f"sources.{source_id}.layer",
                               f"layer must be one of {', '.join(LAYERS)}, not {layer!r}"))
    f = files[0]
    report = FileReport(source_id, f.spec.rel_path, f.sha256, f.origin)
    features = boundaries.read_features(f.path, f.spec.rel_path)
    seen = dt.date.fromisoformat(entry["describes_date"])
    if layer == "japan":
        excluded = {r["geo_code"]: r["reason"] for r in read_csv_dicts(ctx.settings.names_dir / "excluded_codes.csv")}
        japan = boundaries.japan_layer(features, excluded, report)
        ctx.master, ctx.resolver = build_master(japan, ctx.settings.names_dir)
        master = ctx.master
        ctx.insert("municipality", master)
        ctx.insert("municipality_name", _canonical(master, "municipality", source_id, seen))
        ctx.insert("boundary", boundaries.boundary_rows(japan, "japan_municipality", source_id))
        ctx.log(f"master: {int((master.level == 'municipality').sum())} municipalities, "
                f"{int((master.level == 'prefecture').sum())} prefectures, {int((master.level == 'ward').sum())} wards")
    else:
        master = ctx.require_master(source_id)
        munis, wards = boundaries.osaka_layers(features, report)
        ctx.insert("municipality_name", _canonical(master, "ward", source_id, seen))
        ctx.insert("boundary", pd.concat([boundaries.boundary_rows(munis, "osaka_municipality", source_id),
                                          boundaries.boundary_rows(wards, "osaka_ward", source_id)]))
    return [report]


def _canonical(master: pd.DataFrame, level: str, source_id: str, seen: dt.date) -> pd.DataFrame:
    """The master's canonical names of one level, as spelled in this boundary file."""
    canon = master.loc[master.level == level, ["geo_code", "name_ja"]].copy()
    canon["source_id"] = source_id
    canon["first_seen"] = canon["last_seen"] = seen
    return canon
