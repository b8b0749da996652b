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
    "awaiting_data": ("…", "データ更新待ち", "awaiting new data"),
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


# --- the data's as-of date in the user's terms, and why data are out of date -------------------------------------------

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
UPDATED = {  # frequency -> how often new data are expected, as words
    "monthly": ("毎月更新", "updated monthly"),
    "annual": ("毎年更新", "updated every year"),
    "irregular": ("不定期更新", "updated irregularly"),
}
STALE = ("古いデータ", "out of date")  # the mark beside an as-of date when assessment.is_stale


def _timestamp(value) -> pd.Timestamp | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return None
    return pd.Timestamp(value)


def _tr(ja: str, en: str, lang: str) -> str:
    return en if lang == "en" else ja


def is_fiscal_year_end(value, frequency: str | None = None) -> bool:
    """A figure for a fiscal year: period_end on 31 March, for data that are not monthly."""
    ts = _timestamp(value)
    return ts is not None and frequency != "monthly" and (ts.month, ts.day) == (3, 31)


def day_words(value, lang: str = "ja") -> str:
    """A day in words: 「2022年9月30日」 / "30 Sep 2022" ('—' when missing)."""
    ts = _timestamp(value)
    if ts is None:
        return "—"
    return f"{ts.day} {MONTHS_EN[ts.month - 1]} {ts.year}" if lang == "en" else f"{ts.year}年{ts.month}月{ts.day}日"


def period_words(value, frequency: str | None = None, lang: str = "ja") -> str:
    """The date a figure describes, in the user's terms: the fiscal year (April–March) for data that end on 31 March
    and are not monthly (2024-03-31 → 「2023年度」 / "FY2023"), else the day (「2022年9月30日」 / "30 Sep 2022")."""
    ts = _timestamp(value)
    if ts is None:
        return "—"
    if is_fiscal_year_end(ts, frequency):
        return f"FY{ts.year - 1}" if lang == "en" else f"{ts.year - 1}年度"
    return day_words(ts, lang)


def stale_reason(value, frequency: str | None, lang: str = "ja") -> str:
    """Why a figure is out of date, in words: how often it is updated and when its last data are from
    (「毎月更新の指標ですが最終データは2022年9月30日」 / "updated monthly, but the latest data are from 30 Sep 2022")."""
    how_ja, how_en = UPDATED.get(frequency or "", ("更新", "updated"))
    when = period_words(value, frequency, lang)
    if lang == "en":
        return f"{how_en}, but the latest data are {'for' if when.startswith('FY') else 'from'} {when}"
    return f"{how_ja}の指標ですが最終データは{when}"


def as_of_words(value, frequency: str | None, is_stale: bool, lang: str = "ja") -> tuple[str, str | None]:
    """(「時点 2023年度」 / "As of FY2023", the stale reason or None): what a tile and the KPI page show."""
    if _timestamp(value) is None:
        return _tr("観測値なし", "No observation yet", lang), None
    stale = False if is_stale is None or pd.isna(is_stale) else bool(is_stale)
    return (_tr("時点 ", "As of ", lang) + period_words(value, frequency, lang),
            stale_reason(value, frequency, lang) if stale else None)


ASSUMED_DATE = ("期日は仮定", "date assumed")


def target_date_words(value, date_basis: str | None, lang: str = "ja") -> str:
    """A target's date with its basis, the same on every page: 「2029年3月31日（期日は仮定）」 when the documents do not
    give it (the reason is shown beside), else the day alone; '—' when there is none."""
    words = day_words(value, lang)
    if words == "—" or date_basis != "assumption":
        return words
    return f"{words}（{ASSUMED_DATE[0]}）" if lang == "ja" else f"{words} ({ASSUMED_DATE[1]})"


NEXT_UPDATE = {"monthly": (1, "毎月", "monthly"), "annual": (12, "毎年", "yearly")}


def next_update(latest, frequency: str | None, as_of, lang: str = "ja") -> tuple[str, bool]:
    """When the next data are expected, in words, and whether that date has passed at `as_of`: a monthly source
    whose newest data are of 2022-09-30 expects 「2022年10月ごろ（毎月）」; an irregular one says so."""
    if frequency not in NEXT_UPDATE or latest is None or (not isinstance(latest, str) and pd.isna(latest)):
        return _tr("未定（不定期に公表）", "not scheduled (published irregularly)", lang), False
    months, every_ja, every_en = NEXT_UPDATE[frequency]
    due = pd.Timestamp(str(latest)[:7] + "-01") + pd.DateOffset(months=months)
    words = _tr(f"{due.year}年{due.month}月ごろ（{every_ja}）", f"around {MONTHS_EN[due.month - 1]} {due.year} "
                f"({every_en})", lang)
    return words, _timestamp(as_of) is not None and _timestamp(as_of) > due + pd.offsets.MonthEnd(0)
