"""Text formatting shared by pages: numbers, units and status words in Japanese and English."""
from __future__ import annotations

import datetime as dt

import pandas as pd

STATUS = {  # (symbol, Japanese, English): the symbol and word carry the meaning, colour only repeats it
    "achieved": ("★", "達成", "achieved"),
    "on_track": ("▲", "順調", "on track"),
    "at_risk": ("◆", "注意", "at risk"),
    "off_track": ("▼", "遅れ", "off track"),
    "regressing": ("↓", "後退", "regressing"),
    "not_assessable": ("－", "判定不可", "not assessable"),
}
TREND = {"up": "↗", "down": "↘", "flat": "→"}


def number(value: float | None, unit: str) -> str:
    """A value with sensible precision for its unit; '—' when missing."""
    if value is None or pd.isna(value):
        return "—"
    if unit == "percent":
        return f"{value:.1f}"
    return f"{value:,.0f}"


def date(value) -> str:
    """ISO date or '—'."""
    if value is None or pd.isna(value):
        return "—"
    return value.isoformat()[:10] if isinstance(value, (dt.date, dt.datetime)) else str(value)[:10]
