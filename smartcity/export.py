"""CSV export shared by every download: UTF-8 with a BOM by default (Excel on Japanese Windows), CP932 on request,
codes kept as zero-padded text, and text cells that could run as a formula in Excel neutralised. Also the file names
of the downloads (an ASCII stem saying what the file holds, and the date of its data)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pandas as pd

ENCODINGS = {"utf-8-sig": "utf-8-sig", "utf-8": "utf-8", "cp932": "cp932"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SOURCE_SHEET = "出典・Source"  # Excel forbids "/" in a sheet's name
STEM_LENGTH = 60  # characters of the title kept in a file name (whole words)


def neutralise(value):
    """A text cell starting like a formula gets a leading apostrophe; numbers and other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv_bytes(frame: pd.DataFrame, encoding: str = "utf-8-sig") -> bytes:
    """CSV bytes of a DataFrame; text columns neutralised, characters CP932 lacks replaced by '?'."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; valid: {', '.join(ENCODINGS)}")
    safe = frame.copy()
    for name in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[name]):
            safe[name] = safe[name].map(neutralise)
    text = safe.to_csv(index=False, lineterminator="\r\n")
    return text.encode(ENCODINGS[encoding], errors="replace")


def csv_chunks(header: list[str], batches, encoding: str = "utf-8-sig"):
    """Stream CSV bytes: the header, then each batch of rows (tuples), text cells neutralised.

    The BOM (for utf-8-sig) is written once, at the start.
    """
    import csv
    import io
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; valid: {', '.join(ENCODINGS)}")
    codec = "utf-8" if encoding == "utf-8-sig" else encoding

    def encode(rows: list) -> bytes:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerows([[_cell(v) for v in row] for row in rows])
        return buf.getvalue().encode(codec, errors="replace")

    yield (b"\xef\xbb\xbf" if encoding == "utf-8-sig" else b"") + encode([header])
    for batch in batches:
        yield encode(batch)


def _cell(value):
    """A CSV cell: ISO dates, 'true'/'false', neutralised text, empty for NULL."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return neutralise(value)


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "data", about: list[tuple[str, object]] | None = None) -> bytes:
    """An Excel workbook of a DataFrame: numbers stay numbers, codes stay text, formula-like text neutralised;
    `about` adds a second sheet 「出典・Source」 of (label, value) rows: title, source, dates."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append([neutralise(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False):
        ws.append([_xlsx_cell(v) for v in row])
    _as_text(ws)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    if about:
        side = book.create_sheet(SOURCE_SHEET)
        for label, value in about:
            side.append([neutralise(label), _xlsx_cell(value)])
        _as_text(side)
        side.column_dimensions["A"].width, side.column_dimensions["B"].width = 34, 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _as_text(ws) -> None:
    """Text cells get Excel's text format (@), so a code like 01100 stays text when someone edits the cell."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.number_format = "@"


def _xlsx_cell(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar -> Python
        value = value.item()
    if isinstance(value, str):
        return neutralise(value)
    if hasattr(value, "isoformat") and not isinstance(value, (int, float)):
        return value.isoformat()
    return value


# --- file names -------------------------------------------------------------------------------------------------------


def slug(text: str | None, length: int = STEM_LENGTH) -> str:
    """An ASCII file-name stem of a title: lower case words joined by '_', whole words up to `length` characters
    ("My Number card issuance rate" -> "my_number_card_issuance_rate"); '' when nothing ASCII is left."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    kept: list[str] = []
    for word in words:
        if kept and len("_".join([*kept, word])) > length:
            while len(kept) > 1 and kept[-1].isdigit():  # a cut "0.5x" must not leave a bare "0"
                kept.pop()
            break
        kept.append(word[:length])
    return "_".join(kept)


def iso_day(value) -> str | None:
    """YYYY-MM-DD of a date, datetime, Timestamp or ISO text; None when it is not a date."""
    if value is None or isinstance(value, (int, float)) or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()[:10]
    match = re.match(r"\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})", str(value))
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def file_stem(title_en: str | None, as_of=None, filename: str | None = None, fallback: str = "table") -> str:
    """The stem of a download's file name: `filename` when given (made ASCII-safe), else the English title's slug,
    then `_YYYY-MM-DD` of the data's date when known ("mynumber_issuance_osaka_2022-09-30")."""
    stem = _safe(filename) if filename else slug(title_en)
    stem = stem or slug(fallback) or "table"
    day = iso_day(as_of)
    return f"{stem}_{day}" if day and not stem.endswith(day) else stem


def _safe(name: str) -> str:
    """A given stem kept as written, but ASCII letters, digits, '_' and '-' only (no path, no spaces)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_-]", "_", ascii_name)).strip("_-")[:120]
