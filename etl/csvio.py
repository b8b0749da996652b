"""Decode Japanese CSV files (UTF-8 with or without BOM, CP932) and read them row by row with line numbers."""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from etl.errors import EtlError, Problem

# Dashes and minus signs that Japanese tables use for "none" or "not applicable".
DASHES = {"－", "-", "ー", "―", "‐", "—", "−", "–"}
_MAX_DIGITS = 1000  # of an integer: far past any count, well below int()'s own limit
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM optional), else CP932; return (text, encoding) or fail naming the byte."""
    if not data.strip():
        raise EtlError(Problem(name, None, None, "the file is empty"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise EtlError(Problem(name, 1, None, "the file is UTF-16 (Excel 'Unicode text'); save it as UTF-8 or CP932"))
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", name), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return data.decode("cp932"), "cp932"
    except UnicodeDecodeError:
        # Report where UTF-8 broke: a file that is neither is most often UTF-8 with a damaged or foreign byte.
        pos = utf8_error.start
        line = data[:pos].count(b"\n") + 1
        raise EtlError(Problem(name, line, None,
                               f"cannot decode: neither UTF-8 nor CP932 (Shift_JIS); first byte that is not UTF-8: "
                               f"0x{data[pos]:02x} at offset {pos}")) from None


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EtlError(Problem(name, line, None,
                               f"cannot decode as {encoding} although the file starts with a UTF-8 BOM: "
                               f"bad byte 0x{data[exc.start]:02x} at offset {exc.start + 3}")) from exc


@dataclass(frozen=True)
class Row:
    """One CSV record: its line number in the file, raw text and fields by column name."""

    line: int
    raw: str
    values: dict[str, str]
    n_fields: int


def _records(path: Path, required: list[str], name: str) -> tuple[list[str], list[tuple[int, list[str]]], list[str]]:
    """Header (stripped), records as (line number, fields) without blank lines, and the file's lines."""
    text, _ = decode(path.read_bytes(), name)
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise EtlError(Problem(name, None, None, "the file is empty")) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise EtlError([Problem(name, 1, c, f"required column is missing (header has: {', '.join(header)})")
                        for c in missing])
    records = [(reader.line_num, fields) for fields in reader if "".join(fields).strip()]
    return header, records, text.splitlines(keepends=True)


def _raw(lines: list[str], line: int, fields: list[str]) -> str:
    return lines[line - 1].rstrip("\r\n") if line - 1 < len(lines) else ",".join(fields)


def read_rows(path: Path, required: list[str], name: str | None = None) -> tuple[list[Row], list[str]]:
    """Read a CSV file; fail when a required column is missing; return rows and the header."""
    name = name or str(path)
    header, records, lines = _records(path, required, name)
    rows = []
    for line, fields in records:
        values = {h: (fields[i].strip() if i < len(fields) else "") for i, h in enumerate(header)}
        rows.append(Row(line, _raw(lines, line, fields), values, len(fields)))
    return rows, header


@dataclass(frozen=True)
class Table:
    """A CSV file read column by column: stripped text per header name ('' for a missing field), and per record its
    line number, field count and raw text (for quarantine)."""

    header: list[str]
    columns: dict[str, np.ndarray]
    lines: np.ndarray
    n_fields: np.ndarray
    records: list[tuple[int, list[str]]]
    text_lines: list[str]

    def __len__(self) -> int:
        return len(self.lines)

    def raw(self, i: int) -> str:
        """The verbatim text of record i."""
        line, fields = self.records[i]
        return _raw(self.text_lines, line, fields)


def read_table(path: Path, required: list[str], name: str | None = None) -> Table:
    """Read a CSV file into columns (for checks on whole columns instead of per-row Python); fail when a required
    column is missing. Blank lines are skipped, as read_rows does."""
    name = name or str(path)
    header, records, lines = _records(path, required, name)
    width = len(header)
    padded = [f if len(f) == width else (f + [""] * width)[:width] for _, f in records]
    cells = np.array(padded, dtype=object) if padded else np.empty((0, width), dtype=object)
    columns = {}
    for i, h in enumerate(header):  # a repeated header name keeps its last column, as read_rows does
        column = cells[:, i]
        columns[h] = column if _stripped(column) else np.array([v.strip() for v in column], dtype=object)
    return Table(header, columns, np.array([line for line, _ in records], dtype=np.int64),
                 np.array([len(f) for _, f in records], dtype=np.int64), records, lines)


_SPACE = re.compile(r"[^\S\n]")  # white space other than the separator


def _stripped(values) -> bool:
    """Whether no value has white space to strip, in one scan of the joined column: most columns hold no white space
    at all, and skip the per-value strip."""
    joined = "\n".join(values)
    return joined.count("\n") == len(values) - 1 and not _SPACE.search(joined)


def all_match(pattern: re.Pattern, texts: np.ndarray) -> bool:
    """Whether every text matches `pattern` whole, in one regex pass over the joined column (the pattern cannot match
    the separator, and the separator count proves no text held one)."""
    joined = "\n".join(texts)
    return joined.count("\n") == len(texts) - 1 and bool(
        re.fullmatch(f"(?:{pattern.pattern})(?:\n(?:{pattern.pattern}))*", joined)) if len(texts) else True


@lru_cache(maxsize=8192)
def parse_date(text: str) -> dt.date:
    """The ETL's one date parser: YYYY/MM/DD or YYYY-MM-DD (in the CSVs), YYYYMMDD (release folders); each distinct
    string is parsed once (a few hundred among 77,000 rows); ValueError for anything else."""
    if len(text) == 8 and text.isdigit():
        return dt.datetime.strptime(text, "%Y%m%d").date()
    return dt.datetime.strptime(text.replace("-", "/"), "%Y/%m/%d").date()


def parse_dates(texts: np.ndarray | pd.Series) -> np.ndarray:
    """parse_date over a column, once per distinct string: datetime64[D], NaT where a text is not a date."""
    codes, uniques = pd.factorize(texts)
    days = np.array([_day_or_nat(t) for t in uniques] + [np.datetime64("NaT")], dtype="datetime64[D]")
    return days[codes]  # code -1 (a missing value) takes the trailing NaT


def _day_or_nat(text: str) -> np.datetime64:
    try:
        return np.datetime64(parse_date(text))
    except ValueError:
        return np.datetime64("NaT")


def parse_int(text: str) -> int:
    """Parse a count; accepts full-width digits and thousands separators; raises ValueError with the reason."""
    value = _number_text(text)
    if not re.fullmatch(r"-?\d+", value):
        raise ValueError(f"not an integer: {text!r}")
    if len(value) > _MAX_DIGITS:  # int() itself refuses past 4,300 digits, with a message about Python
        raise ValueError(f"integer too long to store: {len(value):,} digits")
    return int(value)


def parse_float(text: str) -> float:
    """Parse a decimal number; accepts full-width digits; raises ValueError with the reason, also for inf, nan
    and values that overflow a double (1e309): float() takes them, no table or JSON can hold them."""
    value = _number_text(text)
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"not a finite number (infinity, NaN or beyond ±1.8e308): {text!r}")
    return number


def rounding_tolerance(text: str) -> float:
    """Half a unit of the last decimal written ('49.0' -> 0.05, '58%' -> 0.5): how far a rounded figure may be."""
    value = text.strip().translate(_FULLWIDTH).rstrip("%％").strip()
    decimals = len(value.split(".", 1)[1]) if "." in value else 0
    return 0.5 * 10.0 ** -decimals


def _number_text(text: str) -> str:
    value = text.strip().translate(_FULLWIDTH).replace(",", "")
    if value in DASHES:
        raise ValueError(f"{text!r} is a dash (Japanese tables use it for 'none' or 'not applicable'), not a number")
    if value == "":
        raise ValueError("empty value")
    return value
