"""My Number card issuance snapshots: municipalities, prefectures, national and type totals.

Each file is checked column by column (numpy over whole columns; the few rows that fail get their reason from the scalar
parsers). A row that fails a check goes to quarantine with that check's column and reason. The checks run in the order
a reader would apply them row by row (field count, snapshot date, population, cards issued, zero population, rate,
reference dates, code, duplicate), so a row is quarantined for its first problem; the fast path accepts only what the
scalar parsers accept.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from etl.completeness import check_rates
from etl.csvio import Table, all_match, parse_date, parse_dates, parse_float, parse_int, read_table
from etl.errors import Coverage, FileReport
from etl.loaders import frame_of
from etl.master import NATION, Resolver, check_digit
from etl.sources import LocalFile

LOCALGOV_COLUMNS = ["算出基準日", "都道府県名", "市区町村名", "総数（人口）", "交付枚数", "人口に対する交付枚数率",
                    "人口算出基準日", "交付件数基準日", "団体コード"]
PREF_COLUMNS = ["算出基準日", "都道府県名", "総数（人口）", "交付枚数", "人口に対する交付枚数率", "人口算出基準日",
                "交付枚数算出基準日"]
TYPE_COLUMNS = ["算出基準日", "区分", "人口", "交付枚数", "人口に対する交付枚数率", "人口算出基準日",
                "交付枚数算出基準日"]
NATIONAL_LABEL = "全国"
RATE = "人口に対する交付枚数率"
RATE_FORMULA = "100 × 交付枚数 / 人口"
NO_CODE = ("", "<NA>", "NA")
# The fast path: plain ASCII digits that fit a BIGINT; parse_int takes the rest (or says why not).
_DIGITS = re.compile(r"[0-9]{1,18}")
MAX_COUNT = 2**63 - 1
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")


@dataclass
class Parsed:
    """What one snapshot file contributed: issuance rows and type totals (columns: name -> one value per row), and
    the file's report."""

    issuance: dict[str, np.ndarray]
    type_totals: dict[str, np.ndarray]
    report: FileReport


def snapshot_date(folder: str) -> dt.date:
    """The date a snapshot folder (YYYYMMDD) describes."""
    return parse_date(folder)


class _Checks:
    """The rows of one file while they are checked: each failed row keeps its first failing column and reason."""

    def __init__(self, table: Table):
        self.table, self.text = table, table.columns
        self.failed = np.zeros(len(table), dtype=bool)
        self.column = np.full(len(table), None, dtype=object)
        self.reason = np.full(len(table), None, dtype=object)

    def fail(self, mask: np.ndarray, column: str, reason: Callable[[int], str]) -> None:
        """Quarantine the rows of `mask` that have not failed yet; reason(i) says why for row i."""
        for i in np.flatnonzero(mask & ~self.failed):
            self.fail_one(i, column, reason(i))

    def fail_one(self, i: int, column: str, reason: str) -> None:
        """Quarantine row i (unless it has already failed)."""
        if not self.failed[i]:
            self.failed[i], self.column[i], self.reason[i] = True, column, reason

    def dates(self, column: str) -> np.ndarray:
        """A date column (each distinct string parsed once)."""
        days = parse_dates(self.text[column])
        texts = self.text[column]
        self.fail(np.isnat(days), column, lambda i: f"not a date in YYYY/MM/DD form: {texts[i]!r}")
        return days

    def counts(self, column: str) -> np.ndarray:
        """A count column: whole numbers >= 0 (full-width digits and thousands separators accepted)."""
        return self._numbers(column, _DIGITS, np.int64, parse_int, _bad_count)

    def rates(self, column: str) -> np.ndarray:
        """A decimal column."""
        return self._numbers(column, _DECIMAL, np.float64, parse_float, lambda v: None)

    def _numbers(self, column: str, fast: re.Pattern, dtype, parse, invalid) -> np.ndarray:
        texts = self.text[column]
        plain = np.ones(len(texts), dtype=bool) if all_match(fast, texts) else \
            np.array([fast.fullmatch(t) is not None for t in texts], dtype=bool)
        values = np.zeros(len(texts), dtype=dtype)
        values[plain] = texts[plain].astype(dtype)
        for i in np.flatnonzero(~plain & ~self.failed):  # the few others: the scalar parser, with its reason
            try:
                value = parse(texts[i])
            except ValueError as exc:
                self.fail_one(i, column, str(exc))
                continue
            problem = invalid(value)
            if problem:
                self.fail_one(i, column, problem)
            else:
                values[i] = value
        return values

    def first_only(self, keys: np.ndarray, column: str, label: Callable[[str], str]) -> None:
        """Reject a second row for the same key, naming the row that was loaded."""
        ok = np.flatnonzero(~self.failed)
        if not pd.Series(keys[ok], dtype=object).duplicated().any():
            return
        seen: dict[str, int] = {}
        for i in ok:
            line = seen.setdefault(keys[i], int(self.table.lines[i]))
            if line != self.table.lines[i]:
                self.fail_one(i, column, f"duplicate: {label(keys[i])} already loaded from row {line}")


def _bad_count(value: int) -> str | None:
    if value < 0:
        return f"negative count: {value}"
    return f"count too large: {value}" if value > MAX_COUNT else None


def _common(checks: _Checks, expected: dt.date, n_columns: int, pop_col: str, issued_col: str) -> dict:
    """Fields shared by the three files, checked in order; failing rows are marked in `checks`."""
    n_fields = checks.table.n_fields
    checks.fail(n_fields != n_columns, "", lambda i: f"has {n_fields[i]} fields but the header has {n_columns} "
                                                     "(footer or broken line)")
    day = checks.dates("算出基準日")
    checks.fail(day != np.datetime64(expected), "算出基準日",
                lambda i: f"date {day[i]} does not match the snapshot folder {expected:%Y%m%d}")
    population = checks.counts(pop_col)
    issued = checks.counts("交付枚数")
    checks.fail(population == 0, pop_col, lambda i: "population is zero: no rate can be computed")
    rate = checks.rates(RATE)
    return {"snapshot_date": day, "population": population, "cards_issued": issued, "rate_published_pct": rate,
            "population_date": checks.dates("人口算出基準日"), "issued_date": checks.dates(issued_col)}


def _codes(checks: _Checks, resolver: Resolver) -> tuple[np.ndarray, np.ndarray]:
    """5-digit code from 団体コード (check digit verified) or, when <NA>, from the name; and how it was found."""
    text, prefs, names = (checks.text[c] for c in ("団体コード", "都道府県名", "市区町村名"))
    checked = [_check_code(t) for t in text]  # cached: the same 1,741 codes in every snapshot
    codes = np.array([code for code, _ in checked], dtype=object)
    suspect = np.flatnonzero(np.array([why is not None or code not in resolver.codes for code, why in checked]))
    for i in suspect:  # codes missing (<NA>), malformed or unknown: resolved by name, or the reason
        codes[i], why = _code(text[i], prefs[i], names[i], resolver)
        if why:
            checks.fail_one(i, "団体コード", why)
    how = np.where(np.isin(text, NO_CODE), "name", "code").astype(object)
    return codes, how


def _code(text: str, pref: str, name: str, resolver: Resolver) -> tuple[str, str | None]:
    """(5-digit code, None) or ('', why not)."""
    if text in NO_CODE:
        code = resolver.resolve(pref, name)
        if code is None:
            return "", (f"code is missing ({text or 'empty'}) and the name {pref} {name} "
                        "does not resolve to one municipality of the master")
        return code, None
    code, why = _check_code(text)
    if why is None and code not in resolver.codes:
        return "", f"unknown code {text.zfill(6)}: not among the municipalities of the master"
    return code, why


@lru_cache(maxsize=8192)
def _check_code(text: str) -> tuple[str, str | None]:
    """The code as written, checked once per distinct text (the same 1,741 codes in every snapshot)."""
    if text in NO_CODE:
        return "", "no code"  # resolved by name by _code
    if not text.isdigit() or len(text) > 6:
        return "", f"not a local-government code: {text!r}"
    full = text.zfill(6)  # the source writes the code as an integer, losing leading zeros
    if check_digit(full[:5]) != full[5]:
        return "", f"check digit of {full} is wrong (expected {check_digit(full[:5])})"
    return full[:5], None


def _report(local: LocalFile, table: Table, checks: _Checks, coverage: Coverage) -> FileReport:
    """The file's report: every row read, each failed row quarantined with its reason and verbatim text."""
    report = FileReport(local.spec.source_id, local.spec.rel_path, local.sha256, local.origin, coverage=coverage)
    report.rows_read = len(table)
    for i in np.flatnonzero(checks.failed):
        report.reject(int(table.lines[i]), checks.column[i] or None, checks.reason[i], table.raw(i))
    report.rows_loaded = int((~checks.failed).sum())
    return report


def _loaded(local: LocalFile, table: Table, checks: _Checks, fields: dict, subject: np.ndarray,
            report: FileReport) -> dict[str, np.ndarray]:
    """The rows that passed, as columns; their subjects count as present and their rates are checked."""
    ok = ~checks.failed
    n = int(ok.sum())
    rows = {k: (v[ok] if isinstance(v, np.ndarray) else np.full(n, v, dtype=object)) for k, v in fields.items()}
    rows["source_file"] = np.full(n, local.spec.rel_path, dtype=object)
    rows["source_row"] = table.lines[ok]
    report.coverage.present.update(subject[ok])
    check_rates(report, rows["source_row"], RATE, subject[ok], table.columns[RATE][ok], rows["rate_published_pct"],
                rows["cards_issued"], rows["population"], RATE_FORMULA)
    return rows


def parse_localgovs(local: LocalFile, resolver: Resolver) -> Parsed:
    """Municipality rows of one snapshot; bad rows are quarantined with file, row, column and reason; every
    municipality of the master must have a row (coverage, checked by etl/completeness.py)."""
    table = read_table(local.path, LOCALGOV_COLUMNS, local.spec.rel_path)
    checks = _Checks(table)
    fields = _common(checks, snapshot_date(local.spec.snapshot), len(LOCALGOV_COLUMNS), "総数（人口）", "交付件数基準日")
    codes, how = _codes(checks, resolver)
    checks.first_only(codes, "団体コード", lambda code: f"code {code}")
    report = _report(local, table, checks, Coverage("municipalities", frozenset(resolver.codes)))
    report.coverage.present.update(_owners(table, checks, resolver))
    fields |= {"geo_code": codes, "level": "municipality", "name_as_written": table.columns["市区町村名"],
               "pref_as_written": table.columns["都道府県名"], "code_resolved_by": how}
    return Parsed(_loaded(local, table, checks, fields, codes, report), {}, report)


def _owners(table: Table, checks: _Checks, resolver: Resolver) -> set[str]:
    """Whose the quarantined rows are: the code when valid, else the name as resolved; rows of no one are left out.
    A quarantined row still counts as its municipality's: its reason is kept."""
    failed = np.flatnonzero(checks.failed)
    text, prefs, names = (table.columns[c][failed] for c in ("団体コード", "都道府県名", "市区町村名"))
    owners = set()
    for code_text, pref, name in zip(text, prefs, names):
        code, why = _code(code_text, pref, name, resolver)
        owners.add(code if why is None else resolver.resolve(pref, name))
    return owners - {None, ""}


def parse_prefectures(local: LocalFile, pref_codes: dict[str, str], must_have: set[str] | None = None) -> Parsed:
    """Prefecture totals of one snapshot; every prefecture in `must_have` (default: all of pref_codes) needs a row."""
    table = read_table(local.path, PREF_COLUMNS, local.spec.rel_path)
    checks = _Checks(table)
    fields = _common(checks, snapshot_date(local.spec.snapshot), len(PREF_COLUMNS), "総数（人口）", "交付枚数算出基準日")
    names = table.columns["都道府県名"]
    codes = np.array([pref_codes.get(n, "") for n in names], dtype=object)
    checks.fail(codes == "", "都道府県名", lambda i: f"unknown prefecture {names[i]!r}")
    checks.first_only(names, "都道府県名", lambda name: name)
    coverage = Coverage("prefectures", frozenset(pref_codes.values() if must_have is None else must_have))
    report = _report(local, table, checks, coverage)
    report.coverage.present.update(codes[checks.failed & (codes != "")])
    fields |= {"geo_code": codes, "level": "prefecture", "name_as_written": names, "pref_as_written": names,
               "code_resolved_by": "name"}
    return Parsed(_loaded(local, table, checks, fields, codes, report), {}, report)


def parse_types(local: LocalFile) -> Parsed:
    """National total (全国, required: coverage) and totals by municipality type of one snapshot."""
    table = read_table(local.path, TYPE_COLUMNS, local.spec.rel_path)
    checks = _Checks(table)
    fields = _common(checks, snapshot_date(local.spec.snapshot), len(TYPE_COLUMNS), "人口", "交付枚数算出基準日")
    labels = table.columns["区分"]
    checks.first_only(labels, "区分", lambda label: label)
    report = _report(local, table, checks, Coverage("national total (区分 全国)", frozenset({NATIONAL_LABEL})))
    report.coverage.present.update(labels[checks.failed & (labels == NATIONAL_LABEL)])
    types = _loaded(local, table, checks, fields | {"category_ja": labels}, labels, report)
    national = types["category_ja"] == NATIONAL_LABEL
    issuance = {k: v[national] for k, v in types.items() if k != "category_ja"}
    n = int(national.sum())
    for column, value in (("geo_code", NATION), ("level", "nation"), ("name_as_written", NATIONAL_LABEL),
                          ("pref_as_written", None), ("code_resolved_by", "name")):
        issuance[column] = np.full(n, value, dtype=object)
    return Parsed(issuance, types, report)


def frames(parsed: list[Parsed]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Issuance and type-total tables from all parsed files: one frame each, built once from the joined columns."""
    return frame_of([p.issuance for p in parsed]), frame_of([p.type_totals for p in parsed])
