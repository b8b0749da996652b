"""The catalog of published datasets: every table with its title, description, column dictionary, sources, licence,
required credit, the date it describes, row count and the build it comes from."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from smartcity.db import build_key, connect

ROOT = Path(__file__).resolve().parent.parent
# DuckDB type -> Frictionless table schema type
FRICTIONLESS = {"VARCHAR": "string", "BIGINT": "integer", "INTEGER": "integer", "DOUBLE": "number",
                "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "datetime"}
REFERENCE_SOURCE = "reference"


@dataclass(frozen=True)
class Column:
    """One column: name, database and Frictionless types, meaning in both languages, unit."""

    name: str
    db_type: str
    type: str
    ja: str
    en: str
    unit: str | None = None


@dataclass(frozen=True)
class Dataset:
    """A published table."""

    id: str
    kind: str
    title_ja: str
    title_en: str
    description_ja: str
    description_en: str
    sources: tuple[str, ...]
    describes: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = field(default=())

    def column(self, name: str) -> Column | None:
        """The column of that name, or None (the whitelist for every identifier in a query)."""
        return next((c for c in self.columns if c.name == name), None)


def _toml(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _db_columns(db: Path) -> dict[str, list[tuple[str, str]]]:
    with connect(db) as con:
        rows = con.execute("""SELECT table_name, column_name, data_type FROM information_schema.columns
                              WHERE table_schema = 'main' ORDER BY table_name, ordinal_position""").fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, name, dtype in rows:
        out.setdefault(table, []).append((name, dtype))
    return out


@lru_cache(maxsize=4)
def _datasets(db: str, _inode: int, _mtime: int, _size: int) -> tuple[Dataset, ...]:
    types = _db_columns(Path(db))
    found = []
    core = _toml(ROOT / "data" / "catalog.toml")["datasets"]
    for table, meta in core.items():
        kind = "kpi" if table in ("observation", "assessment") else (
            "provenance" if table in ("source", "source_file", "rejected_row", "rate_flag", "build_change") else "open_data")
        found.append(_dataset(table, kind, meta, meta["columns"], types[table], tuple(meta["sources"]),
                              meta["describes"], tuple(meta.get("primary_key", ()))))
    for folder, kind in (("kpi", "kpi"), ("reference", "reference")):
        for table, meta in _toml(ROOT / "data" / folder / "schema.toml")["tables"].items():
            found.append(_dataset(table, kind, meta, meta["columns"], types[table], (REFERENCE_SOURCE,),
                                  "行ごと（各文書の日付はデータセット documents） / per row (each document's date: dataset documents)",
                                  tuple(meta["primary_key"])))
    order = {"open_data": 0, "kpi": 1, "reference": 2, "provenance": 3}
    return tuple(sorted(found, key=lambda d: (order[d.kind], d.id)))


def _dataset(table, kind, meta, col_meta, db_cols, sources, describes, pk) -> Dataset:
    cols = tuple(Column(name, dtype, FRICTIONLESS.get(dtype, "string"), col_meta.get(name, {}).get("ja", name),
                        col_meta.get(name, {}).get("en", name), col_meta.get(name, {}).get("unit"))
                 for name, dtype in db_cols)
    return Dataset(table, kind, meta["title_ja"], meta["title_en"], meta["description_ja"], meta["description_en"],
                   sources, describes, cols, pk)


def datasets(db: Path) -> tuple[Dataset, ...]:
    """Every published dataset (cached per database file version)."""
    return _datasets(*build_key(db))


def dataset(db: Path, dataset_id: str) -> Dataset | None:
    """One dataset by id, or None."""
    return next((d for d in datasets(db) if d.id == dataset_id), None)


@lru_cache(maxsize=4)
def _facts(db: str, _inode: int, _mtime: int, _size: int) -> dict:
    ids = [d.id for d in _datasets(db, _inode, _mtime, _size)]
    with connect(Path(db)) as con:
        # fetchall, not fetchone: a request's shared cursor must not be left holding unread rows
        counts = {i: con.execute(f'SELECT count(*) FROM "{i}"').fetchall()[0][0] for i in ids}  # ids from the catalog
        build = con.execute("SELECT built_at, content_sha256, first_snapshot, last_snapshot FROM build_info"
                            ).fetchall()[0]
        sources = {r[0]: dict(zip(("source_id", "title_ja", "title_en", "publisher_ja", "publisher_en", "licence",
                                   "attribution", "url"), r))
                   for r in con.execute("""SELECT source_id, title_ja, title_en, publisher_ja, publisher_en, licence,
                                                  attribution, url FROM source""").fetchall()}
    return {"counts": counts, "built_at": build[0], "content_sha256": build[1], "snapshots": (build[2], build[3]),
            "sources": sources}


def facts(db: Path) -> dict:
    """Row counts, build time and checksum, and the sources (cached per database file version)."""
    return _facts(*build_key(db))


def describe(db: Path, d: Dataset) -> dict:
    """JSON-ready catalog entry of one dataset."""
    f = facts(db)
    describes = (f"{f['snapshots'][0]} – {f['snapshots'][1]}" if d.describes in ("snapshots",) else d.describes)
    return {
        "id": d.id, "kind": d.kind, "title": {"ja": d.title_ja, "en": d.title_en},
        "description": {"ja": d.description_ja, "en": d.description_en},
        "columns": [{"name": c.name, "type": c.type, "db_type": c.db_type, "unit": c.unit,
                     "description": {"ja": c.ja, "en": c.en}} for c in d.columns],
        "primary_key": list(d.primary_key),
        "sources": [f["sources"][s] for s in d.sources if s in f["sources"]],
        "licence": "; ".join(f["sources"][s]["licence"] for s in d.sources if s in f["sources"]) or
                   "MIT（本プロジェクトの構築メタデータ） / MIT (this project's build metadata)",
        "credit": " / ".join(f["sources"][s]["attribution"] for s in d.sources if s in f["sources"]) or None,
        "describes": describes, "rows": f["counts"][d.id],
        "build": {"built_at": f["built_at"].isoformat(timespec="seconds") + "Z", "content_sha256": f["content_sha256"]},
    }
