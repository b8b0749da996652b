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
