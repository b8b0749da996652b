"""My Number card issuance snapshots: municipalities, prefectures, national and type totals."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from etl.csvio import Row, parse_float, parse_int, read_rows
from etl.errors import EtlError, FileReport, Problem
from etl.master import NATION, Resolver, check_digit
from etl.sources import LocalFile

LOCALGOV_COLUMNS = ["算出基準日", "都道府県名", "市区町村名", "総数（人口）", "交付枚数", "人口に対する交付枚数率",
                    "人口算出基準日", "交付件数基準日", "団体コード"]
PREF_COLUMNS = ["算出基準日", "都道府県名", "総数（人口）", "交付枚数", "人口に対する交付枚数率", "人口算出基準日",
                "交付枚数算出基準日"]
TYPE_COLUMNS = ["算出基準日", "区分", "人口", "交付枚数", "人口に対する交付枚数率", "人口算出基準日",
                "交付枚数算出基準日"]
NATIONAL_LABEL = "全国"


class RowError(ValueError):
    """A row-level problem: the row goes to quarantine with column and reason."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


@dataclass
class Parsed:
    """What one snapshot file contributed: issuance rows, type totals, and the file's report."""

    issuance: list[dict]
    type_totals: list[dict]
    report: FileReport


def snapshot_date(folder: str) -> dt.date:
    """The date a snapshot folder (YYYYMMDD) describes."""
    return dt.datetime.strptime(folder, "%Y%m%d").date()


@lru_cache(maxsize=4096)
def _parse_date(text: str) -> dt.date:
    """YYYY/MM/DD (or YYYY-MM-DD) to a date, parsed once per distinct string (a few hundred in 77,000 rows)."""
    return dt.datetime.strptime(text.replace("-", "/"), "%Y/%m/%d").date()


def _date(row: Row, column: str) -> dt.date:
    text = row.values[column]
    try:
        return _parse_date(text)
    except ValueError:
        raise RowError(column, f"not a date in YYYY/MM/DD form: {text!r}") from None


def _count(row: Row, column: str) -> int:
    try:
        value = parse_int(row.values[column])
    except ValueError as exc:
        raise RowError(column, str(exc)) from None
    if value < 0:
        raise RowError(column, f"negative count: {value}")
    return value


def _rate(row: Row, column: str) -> float:
    try:
        return parse_float(row.values[column])
    except ValueError as exc:
        raise RowError(column, str(exc)) from None


def _common(row: Row, expected: dt.date, n_columns: int, pop_col: str, issued_col: str) -> dict:
    """Fields shared by the three files, checked; raises RowError."""
    if row.n_fields != n_columns:
        raise RowError("", f"has {row.n_fields} fields but the header has {n_columns} (footer or broken line)")
    date = _date(row, "算出基準日")
    if date != expected:
        raise RowError("算出基準日", f"date {date} does not match the snapshot folder {expected:%Y%m%d}")
    population, issued = _count(row, pop_col), _count(row, "交付枚数")
    if population == 0:
        raise RowError(pop_col, "population is zero: no rate can be computed")
    return {
        "snapshot_date": date,
        "population": population,
        "cards_issued": issued,
        "rate_published_pct": _rate(row, "人口に対する交付枚数率"),
        "population_date": _date(row, "人口算出基準日"),
        "issued_date": _date(row, issued_col),
    }


def _code(row: Row, resolver: Resolver) -> tuple[str, str]:
    """5-digit code from 団体コード (check digit verified) or, when <NA>, from the name; and how it was found."""
    text = row.values["団体コード"]
    pref, name = row.values["都道府県名"], row.values["市区町村名"]
    if text in ("", "<NA>", "NA"):
        code = resolver.resolve(pref, name)
        if code is None:
            raise RowError("団体コード", f"code is missing ({text or 'empty'}) and the name {pref} {name} "
                                          "does not resolve to one municipality of the master")
        return code, "name"
    if not text.isdigit() or len(text) > 6:
        raise RowError("団体コード", f"not a local-government code: {text!r}")
    full = text.zfill(6)  # the source writes the code as an integer, losing leading zeros
    if check_digit(full[:5]) != full[5]:
        raise RowError("団体コード", f"check digit of {full} is wrong (expected {check_digit(full[:5])})")
    if full[:5] not in resolver.codes:
        raise RowError("団体コード", f"unknown code {full}: not among the municipalities of the master")
    return full[:5], "code"


def _parse_rows(local: LocalFile, columns: list[str], build_row) -> tuple[list[dict], FileReport]:
    """Read a file and build one record per row; a RowError sends the row to quarantine with its reason."""
    report = FileReport(local.spec.source_id, local.spec.rel_path, local.sha256, local.origin)
    rows, _ = read_rows(local.path, columns, local.spec.rel_path)
    out = []
    for row in rows:
        report.rows_read += 1
        try:
            out.append(build_row(row))
        except RowError as err:
            report.reject(row.line, err.column or None, err.reason, row.raw)
    report.rows_loaded = len(out)
    return out, report


def _first(seen: dict, key: str, line: int, column: str, label: str) -> None:
    """Reject a second row for the same key, naming the row that was loaded."""
    if key in seen:
        raise RowError(column, f"duplicate: {label} already loaded from row {seen[key]}")
    seen[key] = line


def parse_localgovs(local: LocalFile, resolver: Resolver) -> Parsed:
    """Municipality rows of one snapshot; bad rows are quarantined with file, row, column and reason."""
    expected, seen = snapshot_date(local.spec.snapshot), {}

    def build_row(row: Row) -> dict:
        record = _common(row, expected, len(LOCALGOV_COLUMNS), "総数（人口）", "交付件数基準日")
        code, how = _code(row, resolver)
        _first(seen, code, row.line, "団体コード", f"code {code}")
        return {**record, "geo_code": code, "level": "municipality", "name_as_written": row.values["市区町村名"],
                "pref_as_written": row.values["都道府県名"], "code_resolved_by": how,
                "source_file": local.spec.rel_path, "source_row": row.line}

    issuance, report = _parse_rows(local, LOCALGOV_COLUMNS, build_row)
    return Parsed(issuance, [], report)


def parse_prefectures(local: LocalFile, pref_codes: dict[str, str]) -> Parsed:
    """Prefecture totals of one snapshot."""
    expected, seen = snapshot_date(local.spec.snapshot), {}

    def build_row(row: Row) -> dict:
        record = _common(row, expected, len(PREF_COLUMNS), "総数（人口）", "交付枚数算出基準日")
        name = row.values["都道府県名"]
        code = pref_codes.get(name)
        if code is None:
            raise RowError("都道府県名", f"unknown prefecture {name!r}")
        _first(seen, code, row.line, "都道府県名", name)
        return {**record, "geo_code": code, "level": "prefecture", "name_as_written": name, "pref_as_written": name,
                "code_resolved_by": "name", "source_file": local.spec.rel_path, "source_row": row.line}

    issuance, report = _parse_rows(local, PREF_COLUMNS, build_row)
    return Parsed(issuance, [], report)


def parse_types(local: LocalFile) -> Parsed:
    """National total (全国) and totals by municipality type of one snapshot."""
    expected, seen = snapshot_date(local.spec.snapshot), {}

    def build_row(row: Row) -> dict:
        record = _common(row, expected, len(TYPE_COLUMNS), "人口", "交付枚数算出基準日")
        label = row.values["区分"]
        _first(seen, label, row.line, "区分", label)
        return {**record, "category_ja": label, "source_file": local.spec.rel_path, "source_row": row.line}

    types, report = _parse_rows(local, TYPE_COLUMNS, build_row)
    national = [{**{k: v for k, v in t.items() if k != "category_ja"}, "geo_code": NATION, "level": "nation",
                 "name_as_written": t["category_ja"], "pref_as_written": None, "code_resolved_by": "name"}
                for t in types if t["category_ja"] == NATIONAL_LABEL]
    if not national and report.rows_read:
        raise EtlError(Problem(local.spec.rel_path, None, "区分", f"no {NATIONAL_LABEL} (national total) row"))
    return Parsed(national, types, report)


def frames(parsed: list[Parsed]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Issuance and type-total tables from all parsed files."""
    issuance = pd.DataFrame([r for p in parsed for r in p.issuance])
    types = pd.DataFrame([r for p in parsed for r in p.type_totals])
    return issuance, types
