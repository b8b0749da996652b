"""The registry of tables officials may update: every reference table of data/reference/schema.toml and the KPI
targets of data/kpi/schema.toml, with the upload rules their `[tables.<name>.edit]` entries declare; and each
table's published content, read from the built database."""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from common.settings import load_settings
from etl.reference import Column, TableSpec, load_specs

# Pandas dtypes of a typed table by schema type (nullable, so an empty cell stays empty); other types are objects.
DTYPES = {"integer": "Int64", "year": "Int64", "number": "float64", "boolean": "boolean"}
_EDIT_KEYS = {"editable", "observed", "fiscal_years", "periods", "at_most", "sums", "cumulative", "bounds",
              "indicator_column", "code_columns", "all_geographies", "source_when"}

Where = tuple[tuple[str, tuple], ...]  # (column, allowed typed values) pairs: a row matches when all match


@dataclass(frozen=True)
class Sum:
    """In each `group`, the row whose `by` column is `total` holds the sum of the rows whose `by` is in `parts`."""

    column: str
    by: str
    total: str
    parts: tuple[str, ...]
    group: tuple[str, ...]


@dataclass(frozen=True)
class Cumulative:
    """Counts that cannot fall as `order` grows, within each `group`, among the rows matching `where`."""

    columns: tuple[str, ...]
    group: tuple[str, ...]
    order: str
    where: Where = ()


@dataclass(frozen=True)
class Bound:
    """Values of `column` lie within an indicator's bounds: `indicator`, or the row's own indicator column."""

    column: str
    indicator: str | None
    where: Where = ()


@dataclass(frozen=True)
class EditableTable:
    """A table officials may update: its schema (etl.reference.TableSpec), folder and upload rules."""

    name: str
    spec: TableSpec
    folder: Path
    code_columns: tuple[str, ...]  # geography columns: they limit an editor tied to one municipality
    maxima: tuple[tuple[str, float], ...] = ()
    observed: tuple[str, ...] = ()  # periods of measured figures (none in the future); empty: a plan
    fiscal_years: tuple[str, ...] = ()
    periods: tuple[tuple[str, str], ...] = ()
    at_most: tuple[tuple[str, str], ...] = ()
    sums: tuple[Sum, ...] = ()
    cumulative: tuple[Cumulative, ...] = ()
    bounds: tuple[Bound, ...] = ()
    indicator_column: str | None = None
    all_geographies: str | None = None
    source_when: Where | None = None  # None: every row cites its source (when the table has source columns)
    _by_name: dict = field(default_factory=dict, compare=False, repr=False)
    _maxima: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self._by_name.update({c.name: c for c in self.spec.columns})
        self._maxima.update(self.maxima)

    @property
    def title_ja(self) -> str:
        """The table's Japanese title."""
        return self.spec.title_ja

    @property
    def title_en(self) -> str:
        """The table's English title."""
        return self.spec.title_en

    @property
    def key(self) -> tuple[str, ...]:
        """The primary key's columns."""
        return self.spec.primary_key

    @property
    def columns(self) -> list[str]:
        """Column names in schema order."""
        return [c.name for c in self.spec.columns]

    @property
    def label(self) -> str:
        """How messages name the table's folder ("data/reference")."""
        return f"data/{self.folder.name}"

    def column(self, name: str) -> Column:
        """One column's schema entry."""
        return self._by_name[name]

    def maximum(self, name: str) -> float | None:
        """The largest value an upload may hold in a column (schema key `max`), or None."""
        return self._maxima.get(name)

    def is_fiscal(self, name: str) -> bool:
        """Whether a year column holds fiscal years (April–March)."""
        return "fiscal_year" in name or name in self.fiscal_years

    @property
    def has_source(self) -> bool:
        """Whether rows cite their source (source_doc and source_section columns)."""
        return {"source_doc", "source_section"} <= set(self._by_name)


def matches(record: dict, where: Where) -> bool:
    """Whether a typed row matches every (column, allowed values) pair."""
    return all(record.get(col) in allowed for col, allowed in where)


def editable_tables(reference_dir: Path, kpi_dir: Path) -> dict[str, EditableTable]:
    """Every table of the reference schema and the KPI targets, by name, minus those declared `editable = false`."""
    tables = {}
    for folder in (reference_dir, kpi_dir):
        with (folder / "schema.toml").open("rb") as fh:
            raw = tomllib.load(fh)["tables"]
        for spec in load_specs(folder):
            entry = raw[spec.table]
            edit = entry.get("edit", {})
            if edit.get("editable", True):
                tables[spec.table] = _table(spec, folder, entry, edit)
    return tables


def registry() -> dict[str, EditableTable]:
    """The editable tables of the configured reference and KPI folders (SMARTCITY_REFERENCE_DIR)."""
    settings = load_settings()
    return editable_tables(settings.reference_dir, settings.kpi_dir)


def _table(spec: TableSpec, folder: Path, entry: dict, edit: dict) -> EditableTable:
    """An EditableTable of one schema entry; a declaration naming an unknown key or column fails at once."""
    where = f"{folder.name}/schema.toml, table {spec.table}"
    unknown = set(edit) - _EDIT_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown edit key(s) {', '.join(sorted(unknown))}")
    names = {c.name for c in spec.columns}
    codes = tuple(c.name for c in spec.columns if c.type == "code") + tuple(edit.get("code_columns", ()))
    table = EditableTable(
        spec.table, spec, folder, codes,
        maxima=tuple((n, c["max"]) for n, c in entry["columns"].items() if "max" in c),
        observed=tuple(edit.get("observed", ())), fiscal_years=tuple(edit.get("fiscal_years", ())),
        periods=tuple(tuple(p) for p in edit.get("periods", ())),
        at_most=tuple(tuple(p) for p in edit.get("at_most", ())),
        sums=tuple(Sum(s["column"], s["by"], s["total"], tuple(s["parts"]), tuple(s["group"]))
                   for s in edit.get("sums", ())),
        cumulative=tuple(Cumulative(tuple(c["columns"]), tuple(c["group"]), c["order"], _where(c.get("where")))
                         for c in edit.get("cumulative", ())),
        bounds=tuple(Bound(b["column"], b.get("indicator"), _where(b.get("where"))) for b in edit.get("bounds", ())),
        indicator_column=edit.get("indicator_column"), all_geographies=edit.get("all_geographies"),
        source_when=_where(edit["source_when"]) if "source_when" in edit else None)
    used = {*table.code_columns, *table.observed, *table.fiscal_years, *(c for p in table.periods for c in p),
            *(c for p in table.at_most for c in p), *(b.column for b in table.bounds),
            *(c for s in table.sums for c in (s.column, s.by, *s.group)),
            *(c for k in table.cumulative for c in (*k.columns, *k.group, k.order)),
            *(c for w in [table.source_when or (), *(b.where for b in table.bounds),
                          *(k.where for k in table.cumulative)] for c, _ in w)}
    used |= {table.indicator_column} if table.indicator_column else set()
    if used - names:
        raise ValueError(f"{where}: edit rules name unknown column(s) {', '.join(sorted(used - names))}")
    if any(b.indicator is None for b in table.bounds) and not table.indicator_column:
        raise ValueError(f"{where}: a bound without `indicator` needs `indicator_column`")
    return table


def _where(raw: dict | None) -> Where:
    return tuple((col, tuple(values)) for col, values in (raw or {}).items())


def lookup(tables: dict[str, EditableTable], name: str) -> EditableTable:
    """The registry's table of that name; KeyError for any other name (names from requests are never trusted)."""
    if name not in tables:
        raise KeyError(f"not an editable table: {name!r}")
    return tables[name]


def published(db: duckdb.DuckDBPyConnection | Path | str, table: EditableTable | str,
              tables: dict[str, EditableTable] | None = None) -> pd.DataFrame:
    """The table as built (typed like an upload, rows in load order); KeyError for a name not in the registry."""
    if isinstance(table, str):
        table = lookup(tables if tables is not None else registry(), table)
    cols = ", ".join(f'"{c}"' for c in table.columns)  # identifiers checked by etl.reference.load_specs
    sql = f'SELECT {cols} FROM "{table.name}" ORDER BY rowid'
    if isinstance(db, duckdb.DuckDBPyConnection):
        rows = db.execute(sql).fetchall()
    else:
        with duckdb.connect(str(db), read_only=True) as con:
            rows = con.execute(sql).fetchall()
    return typed(table, pd.DataFrame.from_records(rows, columns=table.columns))


def plain(value):
    """A cell as a plain Python value: None for any missing value (None, NaN, NA), numpy scalars unwrapped."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def typed(table: EditableTable, frame: pd.DataFrame) -> pd.DataFrame:
    """A frame with the schema's columns in order and one dtype per schema type (Int64, float64, boolean, text)."""
    out = {}
    for col in table.spec.columns:
        values = [plain(v) for v in frame[col.name].tolist()]
        dtype = DTYPES.get(col.type)
        if dtype is None:
            out[col.name] = pd.Series([None if v is None else str(v) for v in values], dtype=object)
        else:
            out[col.name] = pd.Series(pd.array(values, dtype=dtype))
    return pd.DataFrame(out, columns=table.columns)


def records(frame: pd.DataFrame) -> list[dict]:
    """The rows of a frame as dicts of plain Python values."""
    names = list(frame.columns)
    return [{n: plain(v) for n, v in zip(names, row)} for row in frame.itertuples(index=False, name=None)]


def text_value(value) -> str:
    """A typed cell as the text a CSV holds: '' for empty, true/false, integers without '.0', numbers exact."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):  # repr is exact: float(text) gives the same number back
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)
