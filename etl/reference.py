"""Reference tables transcribed from the strategy documents: typed, validated against data/reference/schema.toml."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import tomllib

from etl.csvio import parse_float, parse_int, read_rows
from etl.errors import EtlError, FileReport, Problem

SQL_TYPES = {"text": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "year": "INTEGER",
             "date": "VARCHAR", "code": "VARCHAR"}
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_IDENT = re.compile(r"[a-z][a-z0-9_]*")
_DOC = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
PROVENANCE = ("source_doc", "source_section", "source_line")


@dataclass(frozen=True)
class Column:
    """One column of a reference table: type, constraints and its dictionary entry."""

    name: str
    type: str
    required: bool
    minimum: float | None
    choices: tuple[str, ...]
    unit: str | None
    ja: str
    en: str


@dataclass(frozen=True)
class TableSpec:
    """A reference table: file, titles, primary key and columns."""

    table: str
    file: str
    title_ja: str
    title_en: str
    description_ja: str
    description_en: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]


def load_specs(reference_dir: Path) -> list[TableSpec]:
    """Read schema.toml; every table name and column name must be a plain identifier (they become SQL names)."""
    with (reference_dir / "schema.toml").open("rb") as fh:
        doc = tomllib.load(fh)
    specs = []
    for table, entry in doc["tables"].items():
        cols = tuple(
            Column(name, c["type"], c.get("required", False), c.get("min"), tuple(c.get("choices", ())),
                   c.get("unit"), c["ja"], c["en"])
            for name, c in entry["columns"].items()
        )
        for ident in [table, *(c.name for c in cols)]:
            if not _IDENT.fullmatch(ident):
                raise EtlError(Problem("data/reference/schema.toml", None, ident, "not a valid identifier"))
        bad = [c for c in cols if c.type not in SQL_TYPES]
        if bad:
            raise EtlError(Problem("data/reference/schema.toml", None, bad[0].name, f"unknown type {bad[0].type}"))
        specs.append(TableSpec(table, entry["file"], entry["title_ja"], entry["title_en"], entry["description_ja"],
                               entry["description_en"], tuple(entry["primary_key"]), cols))
    return specs


def _cell(col: Column, text: str, geo_codes: set[str]):
    """Typed value of one cell, or ValueError with the reason."""
    if text == "":
        if col.required:
            raise ValueError("required value is empty")
        return None
    if col.type in ("integer", "year"):
        value = parse_int(text)
        if col.type == "year" and not 1900 <= value <= 2100:
            raise ValueError(f"not a plausible year: {value}")
    elif col.type == "number":
        value = parse_float(text)
    elif col.type == "boolean":
        if text.lower() not in ("true", "false"):
            raise ValueError(f"not true/false: {text!r}")
        value = text.lower() == "true"
    elif col.type == "date":
        if not _DATE.fullmatch(text):
            raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {text!r}")
        value = text
    elif col.type == "code":
        if text not in geo_codes:
            raise ValueError(f"unknown geographic code {text!r} (not in the municipality master)")
        value = text
    else:
        value = text
    if col.minimum is not None and value is not None and value < col.minimum:
        raise ValueError(f"{value} is below the minimum {col.minimum}")
    if col.choices and value not in col.choices:
        raise ValueError(f"{value!r} is not one of {', '.join(col.choices)}")
    return value


def load_table(spec: TableSpec, reference_dir: Path, geo_codes: set[str], sha256: str,
               label: str = "data/reference", source_id: str = "reference",
               seed_documents: bool = True) -> tuple[pd.DataFrame, FileReport]:
    """Parse and validate one reference CSV; any bad cell fails the build (these files are ours to fix).

    label: how messages name the folder (the path relative to the project root).
    seed_documents: source_doc must name a seed document (files transcribed here); officials' submissions may cite
    any document title or address instead.
    """
    name = f"{label}/{spec.file}"
    path = reference_dir / spec.file
    if not path.is_file():
        raise EtlError(Problem(name, None, None, "reference file is missing"))
    expected = [c.name for c in spec.columns]
    rows, header = read_rows(path, expected, name)
    extra = [h for h in header if h not in expected]
    problems = [Problem(name, 1, h, "column not described in data/reference/schema.toml") for h in extra]
    report = FileReport(source_id, name, sha256, "repository")
    records, keys = [], {}
    for row in rows:
        report.rows_read += 1
        record = {}
        if row.n_fields != len(header):
            problems.append(Problem(name, row.line, None, f"has {row.n_fields} fields but the header has {len(header)}"))
            continue
        for col in spec.columns:
            try:
                record[col.name] = _cell(col, row.values[col.name], geo_codes)
            except ValueError as exc:
                problems.append(Problem(name, row.line, col.name, str(exc)))
        if seed_documents and record.get("source_doc") and "source_line" in record and record["source_line"] is None:
            # a transcribed row names the line it was read from; an official's submission cites a document or page
            problems.append(Problem(name, row.line, "source_line", "required value is empty"))
        if seed_documents and record.get("source_doc") and not _DOC.fullmatch(record["source_doc"]):
            problems.append(Problem(name, row.line, "source_doc", "not a seed document file name"))
        key = tuple(record.get(k) for k in spec.primary_key)
        if key in keys:
            problems.append(Problem(name, row.line, ",".join(spec.primary_key),
                                    f"duplicate key {key} (first at row {keys[key]})"))
        keys[key] = row.line
        records.append(record)
    if problems:
        raise EtlError(problems)
    report.rows_loaded = len(records)
    frame = pd.DataFrame.from_records(records, columns=expected)
    return frame, report


def create_sql(spec: TableSpec) -> str:
    """CREATE TABLE for a reference table (identifiers come from schema.toml, checked above)."""
    cols = [f'"{c.name}" {SQL_TYPES[c.type]}{" NOT NULL" if c.required else ""}' for c in spec.columns]
    cols.append(f"PRIMARY KEY ({', '.join(chr(34) + k + chr(34) for k in spec.primary_key)})")
    return f'CREATE TABLE "{spec.table}" (\n    ' + ",\n    ".join(cols) + "\n)"
