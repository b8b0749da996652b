"""Kind `reference`: the strategy's figures transcribed into this repository (data/reference) and the KPI model
(data/kpi), each table typed and checked against its schema.toml. Nothing to fetch: the files are ours."""
from __future__ import annotations

from pathlib import Path

from common.settings import Settings
from etl import reference
from etl.errors import FileReport
from etl.loaders import BuildContext
from etl.sources import LocalFile, SourceFile, sha256_of


def plan(settings: Settings, source_id: str, entry: dict) -> list[SourceFile]:
    """Nothing to fetch."""
    return []


def load(ctx: BuildContext, source_id: str, entry: dict, files: list[LocalFile]) -> list[FileReport]:
    """Create and fill one table per schema entry of the reference and KPI folders."""
    geo_codes = set(ctx.require_master(source_id)["geo_code"])
    reports = []
    for folder in (ctx.settings.reference_dir, ctx.settings.kpi_dir):
        reports += _load_folder(ctx, folder, geo_codes, source_id)
    return reports


def _load_folder(ctx: BuildContext, folder: Path, geo_codes: set[str], source_id: str) -> list[FileReport]:
    reports = []
    for spec in reference.load_specs(folder):
        path = folder / spec.file
        frame, report = reference.load_table(spec, folder, geo_codes, sha256_of(path) if path.is_file() else "0" * 64,
                                             label=f"data/{folder.name}", source_id=source_id)
        ctx.con.execute(reference.create_sql(spec))
        ctx.insert(spec.table, frame)
        reports.append(report)
    return reports
