"""Decode Japanese CSV files (UTF-8 with or without BOM, CP932) and read them row by row with line numbers."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from etl.errors import EtlError, Problem

# Dashes and minus signs that Japanese tables use for "none" or "not applicable".
DASHES = {"－", "-", "ー", "―", "‐", "—", "−", "–"}
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


def read_rows(path: Path, required: list[str], name: str | None = None) -> tuple[list[Row], list[str]]:
    """Read a CSV file; fail when a required column is missing; return rows and the header."""
    name = name or str(path)
    text, _ = decode(path.read_bytes(), name)
    lines = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise EtlError(Problem(name, None, None, "the file is empty")) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise EtlError([Problem(name, 1, c, f"required column is missing (header has: {', '.join(header)})")
                        for c in missing])
    rows = []
    for fields in reader:
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        raw = lines[line - 1].rstrip("\r\n") if line - 1 < len(lines) else ",".join(fields)
        values = {h: (fields[i].strip() if i < len(fields) else "") for i, h in enumerate(header)}
        rows.append(Row(line, raw, values, len(fields)))
    return rows, header


def parse_int(text: str) -> int:
    """Parse a count; accepts full-width digits and thousands separators; raises ValueError with the reason."""
    value = _number_text(text)
    if not re.fullmatch(r"-?\d+", value):
        raise ValueError(f"not an integer: {text!r}")
    return int(value)


def parse_float(text: str) -> float:
    """Parse a decimal number; accepts full-width digits; raises ValueError with the reason."""
    value = _number_text(text)
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None


def _number_text(text: str) -> str:
    value = text.strip().translate(_FULLWIDTH).replace(",", "")
    if value in DASHES:
        raise ValueError(f"{text!r} is a dash (Japanese tables use it for 'none' or 'not applicable'), not a number")
    if value == "":
        raise ValueError("empty value")
    return value
