"""CSV export shared by every download: UTF-8 with a BOM by default (Excel on Japanese Windows), CP932 on request,
codes kept as zero-padded text, and text cells that could run as a formula in Excel neutralised."""
from __future__ import annotations

import pandas as pd

ENCODINGS = {"utf-8-sig": "utf-8-sig", "utf-8": "utf-8", "cp932": "cp932"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """An Excel workbook of a DataFrame: numbers stay numbers, codes stay text, formula-like text neutralised."""
    import io

    from openpyxl import Workbook
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        ws.append([_xlsx_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
