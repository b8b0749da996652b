"""Every source and credit line the app shows, built here and nowhere else.

A strategy document is cited as an official would: publisher「title」（date）「section」, e.g.
大阪府スマートシティ戦略部「大阪府のスマートシティ戦略について」（2024年3月）「③-6 ORDENのロードマップ」. File names
and line numbers of the transcription stay in the catalog's provenance columns, never in running text. Open data is
cited by its publisher and title with the credit its licence requires; the boundary credit is the one MLIT asks for.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from smartcity.format import day_words
from smartcity.i18n import tr

SOURCE = ("出典：", "Source: ")
BOUNDARY_CREDIT_JA = "出典：国土交通省国土数値情報（行政区域データ）を加工して作成"
BOUNDARY_CREDIT_EN = "Source: MLIT National Land Numerical Information (administrative areas), processed"
DX_SOURCE = ("デジタル庁「自治体DX推進状況ダッシュボード」",
             "Digital Agency, “Local-government DX progress dashboard” (自治体DX推進状況ダッシュボード)")
DX_DATE_NOTE = ("公表ファイルには調査の基準日が記載されていないため、表示している日付は公表日（更新日）です。",
                "The published files state no survey reference date; the date shown is the publication (update) date.")
UNDATED = ("日付記載なし", "undated")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # citations spell the month out, as an official reference does
DOC_COLUMNS = ("source_doc", "title_ja", "title_en", "publisher_ja", "publisher_en", "document_date")


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == ""


def date_words(value, lang: str) -> str:
    """A document's date as precise as it is known: '2024-03' → 2024年3月 / March 2024, '2022-03-24' →
    2022年3月24日 / 24 March 2022, '2025' → 2025年 / 2025; empty → 日付記載なし / undated."""
    if _blank(value):
        return tr(*UNDATED, lang)
    text = str(value)[:10]
    if len(text) == 10:
        if lang == "ja":
            return day_words(text, lang)
        day = pd.Timestamp(text)
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    year, _, month = text.partition("-")
    if not month:
        return tr(f"{year}年", year, lang)
    return tr(f"{year}年{int(month)}月", f"{MONTHS[int(month) - 1]} {year}", lang)


def document(doc: Mapping, lang: str) -> str:
    """A strategy document as an official cites it: 大阪府「title」（2024年3月） / Osaka Prefecture, “title” (March 2024)."""
    when = date_words(doc.get("document_date"), lang)
    if lang == "en":
        return f"{doc.get('publisher_en') or doc.get('publisher_ja')}, “{doc.get('title_en') or doc.get('title_ja')}” ({when})"
    return f"{doc.get('publisher_ja')}「{doc.get('title_ja')}」（{when}）"


def section(name, lang: str) -> str:
    """A section of a document, as written in it (Japanese headings stay Japanese): 「①概要」."""
    if _blank(name):
        return ""
    text = str(name).strip()
    return tr(f"「{text}」", f", section 「{text}」", lang)


def cite(doc: Mapping, section_name, lang: str) -> str:
    """Document and section: 大阪府「…」（2024年3月）「③-6 ORDENのロードマップ」."""
    return document(doc, lang) + section(section_name, lang)


def cite_rows(frame: pd.DataFrame, lang: str) -> str:
    """One citation for many rows: each document once with its sections in order (…（2024年3月）「A」「B」；…)."""
    if frame is None or frame.empty or "doc_citation_ja" not in frame:
        return ""
    key = "doc_citation_en" if lang == "en" else "doc_citation_ja"
    parts = []
    for doc_text, rows in frame.dropna(subset=[key]).groupby(key, sort=False):
        names = [str(s).strip() for s in dict.fromkeys(rows["source_section"]) if not _blank(s)]
        quoted = [f"「{n}」" for n in names]
        parts.append(doc_text + ("".join(quoted) if lang == "ja" else
                                 (f", section{'s' if len(names) > 1 else ''} " + ", ".join(quoted) if names else "")))
    return tr("；", "; ", lang).join(parts)


def annotate(frame: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Rows that name a source document get their citation: doc_citation_ja/en (the document) and citation_ja/en
    (with the section when there is one). The gateway applies this to every query result with a source_doc."""
    docs = {r["source_doc"]: r for r in documents.to_dict("records")}
    out = frame.copy()
    sections = out["source_section"] if "source_section" in out else [None] * len(out)
    for lang in ("ja", "en"):
        cited = [_cited(docs, d, lang) for d in out["source_doc"]]
        out[f"doc_citation_{lang}"] = cited
        out[f"citation_{lang}"] = [c + section(s, lang) if c else None for c, s in zip(cited, sections)]
    return out


def _cited(docs: dict, doc, lang: str) -> str | None:
    """A seed document by title, publisher and date; a document an official cited (a title or an address) as
    written; None for none."""
    if doc in docs:
        return document(docs[doc], lang)
    return None if _blank(doc) else str(doc).strip()


def source_line(text: str, lang: str) -> str:
    """'出典：…' / 'Source: …' (empty text stays empty)."""
    return tr(*SOURCE, lang) + text if text else ""


def open_data(src, lang: str, with_credit: bool = True) -> str:
    """An open-data source. In Japanese its required credit is the citation (総務省「マイナンバーカード交付状況について」
    （Code for Japan … により CSV 化）); in English the publisher and title, then the Japanese credit the licence
    requires (unless with_credit is False)."""
    credit = src.get("attribution")
    credit = "" if _blank(credit) else str(credit).removeprefix("出典：")
    if lang == "ja":
        return credit or f"{src.get('publisher_ja')}「{src.get('title_ja')}」"
    head = f"{src.get('publisher_en')}, “{src.get('title_en')}”"
    return head + (f" (required credit: {credit})" if with_credit and credit else "")


def release_date(release, lang: str) -> str:
    """'2024年7月12日' / '12 July 2024' for a release date; '—' when there is none."""
    if release is None or (not isinstance(release, str) and pd.isna(release)):
        return "—"
    return date_words(pd.Timestamp(release).strftime("%Y-%m-%d"), lang)


def dx_release(release, lang: str) -> str:
    """The DX release as a source: デジタル庁「自治体DX推進状況ダッシュボード」（2024年7月12日更新）."""
    when = release_date(release, lang)
    return tr(f"{DX_SOURCE[0]}（{when}更新）", f"{DX_SOURCE[1]} (updated {when})", lang)


def dx_credit(release, lang: str) -> str:
    """The one credit line of the DX release wherever its figures are shown: source, update date, and the note that
    the files state no survey reference date."""
    return dx_release(release, lang) + tr("。", ". ", lang) + tr(*DX_DATE_NOTE, lang)


def boundaries(lang: str) -> str:
    """The boundary credit MLIT requires (in Japanese), with its translation beneath for English readers."""
    return BOUNDARY_CREDIT_JA if lang == "ja" else f"{BOUNDARY_CREDIT_JA}<br>{BOUNDARY_CREDIT_EN}"


def boundaries_text(lang: str) -> str:
    """The boundary credit as running text after another source: '境界：国土交通省…' / 'Boundaries: MLIT …'."""
    return tr(f"境界：{BOUNDARY_CREDIT_JA.removeprefix('出典：')}",
              f"Boundaries: {BOUNDARY_CREDIT_EN.removeprefix('Source: ')}", lang)
