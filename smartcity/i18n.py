"""Language: Japanese first, English second. The language lives in the URL (?lang=en); Japanese is the default."""
from __future__ import annotations

from dash import html

LANGS = ("ja", "en")


def lang_of(value: str | None) -> str:
    """A valid language code from a query parameter (anything unknown means Japanese)."""
    return value if value in LANGS else "ja"


def tr(ja: str, en: str, lang: str) -> str:
    """The text in the page's language."""
    return en if lang == "en" else ja


def bi(ja: str, en: str, lang: str, tag=html.Span) -> list:
    """Both languages: the page's language first, the other one after it, smaller."""
    first, second = (en, ja) if lang == "en" else (ja, en)
    return [first, " ", tag(second, className="en", lang="ja" if lang == "en" else "en")]


def col(frame_row, base: str, lang: str) -> str:
    """The `<base>_ja` or `<base>_en` field of a row (falls back to Japanese when English is empty)."""
    value = getattr(frame_row, f"{base}_{lang}", None) if not isinstance(frame_row, dict) else frame_row.get(
        f"{base}_{lang}")
    if value is None or value != value or value == "":
        value = getattr(frame_row, f"{base}_ja", "") if not isinstance(frame_row, dict) else frame_row.get(
            f"{base}_ja", "")
    return value
