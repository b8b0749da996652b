"""The loader registry: an unknown kind stops the build, a new kind needs only its module (and manifest entry), the
target rule is defined once (target_resolved), and an indicator needs observations or a declared reason."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURE_MANIFEST, FIXTURE_MIRROR, fixture_settings

from common.settings import PROJECT_ROOT
from etl import loaders
from etl.build import build
from etl.errors import EtlError
from etl.sources import load_manifest

DEMO_LOADER = '''
"""Kind demo_counts: one CSV of (geo_code, count) per source, as a new kind would be added."""
from etl.errors import FileReport
from etl.sources import single_file

def plan(settings, source_id, entry):
    return single_file(source_id, entry)

def load(ctx, source_id, entry, files):
    import pandas as pd
    f = files[0]
    report = FileReport(source_id, f.spec.rel_path, f.sha256, f.origin)
    frame = pd.read_csv(f.path, dtype=str)
    report.rows_read = report.rows_loaded = len(frame)
    ctx.insert("demo_count", frame.assign(n=frame.n.astype(int)))
    return [report]
'''


def manifest_with(tmp: Path, extra: str) -> Path:
    """The fixture manifest with `extra` TOML appended (also used by tests/test_completeness.py)."""
    path = tmp / "manifest.toml"
    path.write_text(FIXTURE_MANIFEST.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def test_fixture_manifest_has_the_real_sources_and_kinds():
    real, fixture = load_manifest(PROJECT_ROOT / "etl" / "manifest.toml"), load_manifest(FIXTURE_MANIFEST)
    assert {k: e["kind"] for k, e in real.items()} == {k: e["kind"] for k, e in fixture.items()}
    assert set(loaders.kinds()) >= {e["kind"] for e in real.values()}


def test_an_unknown_kind_stops_the_build(tmp_path):
    manifest = manifest_with(tmp_path, '\n[sources.extra]\nkind = "ftp_dump"\ntitle_ja = "x"\ntitle_en = "x"\n')
    settings = fixture_settings(tmp_path, SMARTCITY_MANIFEST=str(manifest))
    with pytest.raises(EtlError, match=r"sources.extra.kind.*unknown source kind 'ftp_dump': there is no loader "
                                       r"module etl/loaders/ftp_dump.py \(known kinds: boundaries, dx_dashboard"):
        build(settings, log=lambda _: None)
    assert not settings.db_path.exists()


def test_a_new_kind_is_its_module_and_a_manifest_entry(tmp_path, monkeypatch):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "demo_counts.py").write_text(DEMO_LOADER, encoding="utf-8")
    (plugins / "demo_counts.sql").write_text("CREATE TABLE demo_count (geo_code VARCHAR, n INTEGER);",
                                            encoding="utf-8")
    monkeypatch.setattr(loaders, "__path__", [*loaders.__path__, str(plugins)])
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for top in FIXTURE_MIRROR.iterdir():
        (mirror / top.name).symlink_to(top, target_is_directory=top.is_dir())
    (mirror / "demo.csv").write_text("geo_code,n\n27100,3\n27140,4\n", encoding="utf-8")
    import hashlib
    digest = hashlib.sha256((mirror / "demo.csv").read_bytes()).hexdigest()
    manifest = manifest_with(tmp_path, f'''
[sources.demo]
kind = "demo_counts"
title_ja = "デモ"
title_en = "Demo"
path = "demo.csv"
url = ""
sha256 = "{digest}"
''')
    settings = fixture_settings(tmp_path, mirror, SMARTCITY_MANIFEST=str(manifest))
    build(settings, log=lambda _: None)
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        assert con.execute("SELECT sum(n) FROM demo_count").fetchone() == (7,)
        assert con.execute("SELECT rows_read, rows_loaded FROM source_file WHERE source_id = 'demo'").fetchone() == (2, 2)


def _copy_build(tmp_path: Path, project: Path):
    settings = fixture_settings(tmp_path, SMARTCITY_PROJECT_ROOT=str(project),
                                SMARTCITY_REFERENCE_DIR=str(project / "data" / "reference"))
    build(settings, log=lambda _: None)
    return settings.db_path


def test_a_geography_target_beside_the_star_target_gives_one_tile(tmp_path, project_copy):
    targets = project_copy / "data/kpi/targets.csv"
    with targets.open("a", encoding="utf-8") as fh:
        fh.write("muni_e_application_adoption,27000,,,40,2025-03-31,assumption,assumption,,試験：府の目標,"
                 "test: Osaka's own target,,,,,\n")
    db = _copy_build(tmp_path, project_copy)
    from smartcity.db import query
    overview = query(db, "kpi_overview")
    tiles = overview[overview.indicator_id == "muni_e_application_adoption"]
    assert len(tiles) == 1
    assert tiles.iloc[0].target_value == 40
    target = query(db, "kpi_target", {"indicator_id": "muni_e_application_adoption", "geo_code": "27000"})
    assert list(target.geo_code) == ["27000"]
    assert query(db, "kpi_target", {"indicator_id": "muni_chat_tool_adoption", "geo_code": "27000"}).geo_code.tolist() \
        == ["*"]


def test_an_indicator_without_observations_needs_a_reason(tmp_path, project_copy):
    path = project_copy / "data/kpi/indicators.csv"
    text = path.read_text(encoding="utf-8")
    start = text.index("orden_municipalities,")
    line = text[start:text.index("\n", start)]
    fields = line.rsplit(",", 4)  # ..., no_observation_reason_ja, _en, aggregate_method_ja, _en
    path.write_text(text.replace(line, ",".join([fields[0], "", "", fields[3], fields[4]])), encoding="utf-8")
    with pytest.raises(EtlError, match=r"indicator orden_municipalities.*has no observation and no declared reason"):
        _copy_build(tmp_path, project_copy)


def test_every_observation_file_names_its_indicator():
    folder = PROJECT_ROOT / "etl" / "sql" / "observations"
    ids = {line.split(",")[0] for line in (PROJECT_ROOT / "data/kpi/indicators.csv").read_text().splitlines()[1:]}
    for path in folder.glob("*.sql"):
        assert path.stem in ids
        assert f"'{path.stem}'" in path.read_text(encoding="utf-8")  # grep for an id finds its derivation
