"""Kind `dx_dashboard`: the Digital Agency's local-government DX progress release (自治体DX推進状況ダッシュボード).

Each release is a dated folder (its publication date) of four wide CSV files: rows are indicators or procedures
(group, name), columns are municipalities or prefectures named without codes. Columns are aligned to the master by
code order and every name is verified; rows are matched by their name to data/names/dx_indicators.csv and
dx_procedures.csv. Every cell is one value read: loaded (an empty cell is a row with no value and its meaning) or
quarantined with its reason (`120%`, `abc`, an unknown indicator or procedure).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from common.settings import Settings
from etl.csvio import decode, parse_date
from etl.completeness import check_rates
from etl.errors import Coverage, EtlError, FileReport, Problem
from etl.loaders import BuildContext, frame_of
from etl.master import normalise, read_csv_dicts
from etl.sources import LocalFile, SourceFile, dated_files

# file name -> (respondent, what its rows are)
FILES = {
    "市区町村毎のDX進捗状況_市区町村比較.csv": ("municipality", "indicator"),
    "市区町村毎のDX進捗状況_行政手続のオンライン申請率.csv": ("municipality", "procedure"),
    "都道府県のDX進捗状況_都道府県比較.csv": ("prefecture", "indicator"),
    "都道府県のDX進捗状況_行政手続のオンライン申請率.csv": ("prefecture", "procedure"),
}
NAME_FILES = {"indicator": "dx_indicators.csv", "procedure": "dx_procedures.csv"}
SLIDES = "dx_slide_procedures.csv"  # the strategy slides' eleven procedures (2021) matched to this source's
SPELLINGS = "spellings.csv"  # names a source writes differently from the master (e.g. 檮原町 for 梼原町)
LABEL_COLUMNS = 2  # group, name
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
BOOLEAN = {"実施": True, "未実施": False}
NOT_SURVEYED = "調査無し"
SHARE = "most_used_32_online_share"  # published beside its numerator and denominator (rows of their own)
SHARE_FORMULA = "100 × numerator / denominator (the rows most_used_32_online and most_used_32_offered)"


class CellError(ValueError):
    """A cell that cannot be loaded: it goes to quarantine with this reason."""


@dataclass(frozen=True)
class Cell:
    """A parsed cell: typed value (None when not reported) and why it is missing."""

    value: bool | float | int | None
    missing: str | None


def plan(settings: Settings, source_id: str, entry: dict) -> list[SourceFile]:
    """Every file of every release folder found in the cache, the mirror or the manifest."""
    unknown = [f for f in entry["files"] if f not in FILES]
    if unknown:
        raise EtlError(Problem(str(settings.manifest), None, f"sources.{source_id}.files",
                               f"no layout known for {', '.join(unknown)} (etl/loaders/dx_dashboard.py FILES)"))
    return dated_files(settings, source_id, entry)


def load(ctx: BuildContext, source_id: str, entry: dict, files: list[LocalFile]) -> list[FileReport]:
    """Load the name lists, then every file of every release."""
    master = ctx.require_master(source_id)
    names = {kind: _names(ctx.settings.names_dir / fname, kind) for kind, fname in NAME_FILES.items()}
    ctx.insert("dx_indicator", names["indicator"])
    ctx.insert("dx_procedure", names["procedure"])
    slides = pd.DataFrame(read_csv_dicts(ctx.settings.names_dir / SLIDES))
    ctx.insert("dx_slide_procedure", slides.assign(procedure_key=slides.procedure_key.replace("", None)))
    spellings = {(r["geo_code"], r["name_as_written"]) for r in read_csv_dicts(ctx.settings.names_dir / SPELLINGS)
                 if r["source_id"] == source_id}
    columns = {"municipality": _expected(master, "municipality"), "prefecture": _expected(master, "prefecture")}
    reports, parts = [], {"indicator": [], "procedure": []}
    for f in files:
        respondent, rows_are = FILES[Path(f.spec.rel_path).name]
        report = FileReport(source_id, f.spec.rel_path, f.sha256, f.origin)
        parts[rows_are].append(_parse(f, respondent, rows_are, columns[respondent], names[rows_are], report,
                                      spellings))
        reports.append(report)
    values = _with_fraction(frame_of(parts["indicator"]))
    _check_shares(values, {r.file: r for r in reports})
    ctx.insert("dx_indicator_value", values)
    ctx.insert("dx_application_rate", frame_of(parts["procedure"]))
    ctx.facts["dx_releases"] = sorted({f.spec.snapshot for f in files})
    return reports


def _names(path: Path, kind: str) -> pd.DataFrame:
    """A name list with its flags as booleans; a bad list stops the build (it is ours to fix)."""
    label = f"data/names/{path.name}"
    if not path.is_file():
        raise EtlError(Problem(label, None, None, "name list is missing"))
    frame = pd.DataFrame(read_csv_dicts(path))
    for col in ("municipal", "prefectural"):
        bad = frame.index[~frame[col].isin(["true", "false"])]
        if len(bad):
            raise EtlError(Problem(label, int(bad[0]) + 2, col, f"not true/false: {frame.at[bad[0], col]!r}"))
        frame[col] = frame[col].eq("true")
    frame["sort_order"] = frame["sort_order"].astype(int)
    key = f"{kind}_key"
    dup = frame[key].duplicated() | frame.duplicated(["group_ja", "name_ja"])
    if dup.any():
        raise EtlError(Problem(label, int(frame.index[dup][0]) + 2, key, "duplicate key or (group_ja, name_ja)"))
    return frame


def _expected(master: pd.DataFrame, respondent: str) -> list[tuple[str, str]]:
    """(code, name) of every column a file of this respondent must have, in code order."""
    rows = master[master.level == respondent].sort_values("geo_code")
    return list(zip(rows.geo_code, rows.name_ja))


def _read(f: LocalFile) -> list[list[str]]:
    text, _ = decode(f.path.read_bytes(), f.spec.rel_path)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise EtlError(Problem(f.spec.rel_path, None, None, "the file is empty"))
    return rows


def _align(header: list[str], expected: list[tuple[str, str]], name: str, respondent: str,
           spellings: set[tuple[str, str]]) -> int:
    """Check the header against the master (position = code order, every name verified); return the column count.

    A spelling listed in data/names/spellings.csv for that code counts as the name. A trailing column with an empty
    header is allowed (the comparison files have one); any other difference
    stops the build naming the column number, the header's name and the expected one.
    """
    cols = header[LABEL_COLUMNS:]
    while cols and cols[-1].strip() == "":
        cols = cols[:-1]
    problems = []
    for i, ((code, want), got) in enumerate(zip(expected, cols)):
        got = got.strip()
        if got != want and normalise(got) != normalise(want) and (code, got) not in spellings:
            problems.append(Problem(name, 1, f"column {i + LABEL_COLUMNS + 1}",
                                    f"header {got!r} does not match the master: expected {want!r} ({code}) at this "
                                    f"position (columns follow the local-government code order; a column may be "
                                    f"missing or shifted)"))
        if len(problems) == 5:
            break
    if not problems and len(cols) != len(expected):
        where = len(min(cols, expected, key=len)) + LABEL_COLUMNS + 1
        problems.append(Problem(name, 1, f"column {where}",
                                f"the header names {len(cols)} {respondent} columns, the master has {len(expected)}"))
    if problems:
        raise EtlError(problems)
    return len(cols)


def _parse(f: LocalFile, respondent: str, rows_are: str, expected: list[tuple[str, str]], names: pd.DataFrame,
           report: FileReport, spellings: set[tuple[str, str]]) -> dict[str, np.ndarray]:
    """The file's loaded cells as columns; bad cells and unknown rows quarantined with their reasons."""
    name, release = f.spec.rel_path, parse_date(f.spec.snapshot)
    rows = _read(f)
    n = _align(rows[0], expected, name, respondent, spellings)
    scope = "municipal" if respondent == "municipality" else "prefectural"
    known = {(g, nm): k for g, nm, k, ok in zip(names.group_ja, names.name_ja, names[f"{rows_are}_key"], names[scope])
             if ok}
    types = dict(zip(names[f"{rows_are}_key"], names["value_type"])) if rows_are == "indicator" else {}
    parts, seen = [], {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        _check_width(row, len(rows[0]), n, name, line)
        label = (row[0].strip(), row[1].strip())
        key = known.get(label)
        raw = ",".join(row[:LABEL_COLUMNS])
        report.rows_read += n
        if key is None or label in seen:
            reason = (f"duplicate {rows_are} row (first at row {seen[label]})" if label in seen else
                      f"unknown {rows_are} {label[0]} / {label[1]}: add it with its English name to "
                      f"data/names/{NAME_FILES[rows_are]} (marked {scope}) to load it")
            for i in range(n):
                report.reject(line, expected[i][1], reason, f"{raw},{row[LABEL_COLUMNS + i]}")
            continue
        seen[label] = line
        texts = np.array(row[LABEL_COLUMNS:LABEL_COLUMNS + n], dtype=object)
        parts.append(_row_cells(texts, types.get(key, "percent"), rows_are, key, line, expected, raw, report))
    cells = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]} if parts else {}
    if cells:
        m = len(cells["geo_code"])
        cells |= {"release_date": np.full(m, np.datetime64(release, "D")),
                  "respondent": np.full(m, respondent, dtype=object), "source_file": np.full(m, name, dtype=object)}
    report.rows_loaded = len(cells.get("geo_code", ()))
    # every row holds a cell in every column (checked above): a file with one data row covers every respondent
    report.coverage = Coverage(f"{respondent} columns", frozenset(c for c, _ in expected),
                               {c for c, _ in expected} if report.rows_read else set())
    return cells


def _check_width(row: list[str], width: int, n: int, name: str, line: int) -> None:
    """A row as wide as the header, with nothing beyond the last named column; else the file is broken."""
    if len(row) != width:
        raise EtlError(Problem(name, line, None, f"has {len(row)} fields but the header has {width}"))
    if any(c.strip() for c in row[LABEL_COLUMNS + n:]):
        raise EtlError(Problem(name, line, f"column {LABEL_COLUMNS + n + 1}", "a value beyond the last named column"))


def _row_cells(texts: np.ndarray, value_type: str, rows_are: str, key: str, line: int,
               expected: list[tuple[str, str]], raw: str, report: FileReport) -> dict[str, np.ndarray]:
    """One known row's cells as columns (each distinct text parsed once); bad cells quarantined."""
    codes, uniques = pd.factorize(texts)
    parsed = [_cell_or_reason(t, value_type) for t in uniques]
    value = np.array([c.value if isinstance(c, Cell) else None for c in parsed], dtype=object)[codes]
    missing = np.array([c.missing if isinstance(c, Cell) else None for c in parsed], dtype=object)[codes]
    bad = np.array([isinstance(c, str) for c in parsed], dtype=bool)[codes]
    for i in np.flatnonzero(bad):
        report.reject(line, f"{expected[i][1]} (column {LABEL_COLUMNS + i + 1})", parsed[codes[i]],
                      f"{raw},{texts[i]}")
    ok = ~bad
    m = int(ok.sum())
    out = {"geo_code": np.array([c for c, _ in expected], dtype=object)[ok],
           "value_as_written": np.array([t.strip() for t in texts[ok]], dtype=object),
           "source_row": np.full(m, line, dtype=np.int64),
           "source_column": (np.arange(len(texts)) + LABEL_COLUMNS + 1)[ok]}
    value, missing = value[ok], missing[ok]
    if rows_are == "procedure":
        return out | {"procedure_key": np.full(m, key, dtype=object),
                      "rate_pct": np.array([np.nan if v is None else v for v in value], dtype=np.float64),
                      "reported": np.array([v is not None for v in value], dtype=bool)}
    none = np.full(m, None, dtype=object)
    return out | {"indicator_key": np.full(m, key, dtype=object),
                  "reported": np.array([x is None for x in missing], dtype=bool), "not_reported_reason": missing,
                  "value_bool": value if value_type == "boolean" else none,
                  "value_pct": value if value_type == "percent" else none,
                  "value_count": value if value_type == "count" else none}


@lru_cache(maxsize=4096)
def _cell_or_reason(text: str, value_type: str) -> Cell | str:
    """_cell, or the reason the cell is quarantined (cached: a few hundred distinct texts in 118,000 cells)."""
    try:
        return _cell(text, value_type)
    except CellError as exc:
        return str(exc)


def _cell(text: str, value_type: str) -> Cell:
    """Typed value of one cell; empty = not reported (never 0); CellError for anything else that is not valid."""
    text = text.strip()
    if text == "":
        return Cell(None, "empty")
    if value_type == "boolean":
        if text == NOT_SURVEYED:
            return Cell(None, "not_surveyed")
        if text not in BOOLEAN:
            raise CellError(f"not 実施, 未実施 or 調査無し: {text!r}")
        return Cell(BOOLEAN[text], None)
    if value_type == "count":
        if not text.isdigit():
            raise CellError(f"not a count (a whole number): {text!r}")
        return Cell(int(text), None)
    if text == "%":
        return Cell(None, "percent_sign_only")
    match = _PERCENT.fullmatch(text)
    if not match:
        raise CellError(f"not a percentage (a number followed by %): {text!r}")
    value = float(match.group(1))
    if value > 100:
        raise CellError(f"a percentage above 100: {text!r}")
    return Cell(value, None)


def _check_shares(values: pd.DataFrame, reports: dict[str, FileReport]) -> None:
    """The 32-procedure share as published against its numerator and denominator (flagged beyond its rounding)."""
    if values.empty:
        return
    shares = values[(values.indicator_key == SHARE) & values.value_pct.notna() & values.denominator.notna()]
    for file, s in shares.groupby("source_file"):
        check_rates(reports[file], s.source_row.to_numpy(), ("column " + s.source_column.astype(str)).to_numpy(),
                    s.geo_code.to_numpy(), s.value_as_written.to_numpy(), s.value_pct.to_numpy(float),
                    s.numerator.to_numpy(float), s.denominator.to_numpy(float), SHARE_FORMULA)


def _with_fraction(values: pd.DataFrame) -> pd.DataFrame:
    """The 32-procedure share's rows also carry their numerator and denominator (kept as rows of their own too)."""
    if values.empty:
        return values
    idx = ["release_date", "geo_code"]
    num = values[values.indicator_key == "most_used_32_online"].set_index(idx)["value_count"].rename("numerator")
    den = values[values.indicator_key == "most_used_32_offered"].set_index(idx)["value_count"].rename("denominator")
    values = values.join(num, on=idx).join(den, on=idx)
    share = values.indicator_key == SHARE
    values.loc[~share, ["numerator", "denominator"]] = None
    for col in ("value_count", "numerator", "denominator"):
        values[col] = values[col].astype("Int64")
    values["value_bool"] = values["value_bool"].astype("boolean")
    values["value_pct"] = values["value_pct"].astype("Float64")
    return values
