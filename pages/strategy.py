"""The strategy (/strategy): ver.1.0 → ver.2.0 → the 2030 plan side by side, the milestone timeline with the target
years, ORDEN's roadmap, the strategy council's meetings and the targets quoted from the documents."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html

from smartcity import citations, urlstate
from smartcity.components import Col, chart_card, grid_id, no_database, page_header, rows, table_twin
from smartcity.figures.strategy import (
    KIND_LABEL,
    KIND_ORDER,
    nest_fields,
    participation_text,
    place_date,
    placed_milestones,
    roadmap,
    roadmap_rows,
    timeline,
)
from smartcity.format import target_date_words
from smartcity.i18n import lang_of, tr
from smartcity.queries import strategy
from smartcity.settings import db_path

dash.register_page(__name__, path="/strategy", name="戦略 / Strategy", title="戦略 / Strategy")

PREFIX = "st"
TIMELINE = f"{PREFIX}-timeline"
ROADMAP = f"{PREFIX}-roadmap"
HIGHLIGHTS = {  # milestone id -> (short label ja, en, label anchor): the target years drawn as vertical lines
    "m_2025_expo": ("大阪・関西万博（2025）", "Expo 2025", "right"),
    "m_fy2025_system_standardisation": ("標準化の期限（2025年度末）", "Standardisation deadline (end FY2025)", "left"),
    "m_2030_target_year": ("目標年 2030", "Target year 2030", "right"),
}
LEVEL = {"group": ("区分", "Group"), "principle": ("理念", "Principle"), "theme_group": ("テーマ群", "Theme group"),
         "theme": ("テーマ", "Theme"), "phase": ("フェーズ", "Phase"), "field": ("分野", "Field"),
         "foundation": ("推進基盤", "Foundation"), "pillar": ("柱", "Pillar"), "policy": ("基本方針", "Basic policy"),
         "item": ("取組", "Initiative"), "co_creation": ("共創", "Co-creation"), "perspective": ("視点", "Perspective")}
PRECISION = {"day": ("日まで", "day"), "month": ("月まで", "month"), "year": ("年まで", "year"),
             "fiscal_year": ("年度まで", "fiscal year")}  # how precisely the document gives a date
TIMELINE_COLUMNS = [
    Col("date", "日付（記載どおり）", "Date (as written)", min_width=110), Col("date_precision", "日付精度", "Precision"),
    Col("placed_at", "表示位置", "Drawn at", flex=2, min_width=160, wrap=True), Col("kind_label", "種別", "Kind"),
    Col("title", "内容", "Milestone", flex=3, min_width=260, wrap=True),
    Col("citation", "出典", "Source", flex=3, min_width=220, wrap=True)]
ROADMAP_COLUMNS = [
    Col("field", "分野", "Field", wrap=True), Col("item", "項目", "Item", min_width=150, wrap=True),
    Col("start_fiscal_year", "開始年度", "From FY", True), Col("end_fiscal_year", "終了年度", "To FY", True),
    Col("description_ja", "内容（原文）", "Description (Japanese)", flex=3, min_width=240, wrap=True),
    Col("participation", "市町村参画の目標", "Municipal participation target", min_width=120, wrap=True),
    Col("citation", "出典", "Source", flex=3, min_width=220, wrap=True)]
COUNCIL_COLUMNS = [
    Col("meeting_no", "回", "No.", True, min_width=60), Col("date", "開催日", "Date", min_width=110),
    Col("agenda", "議題", "Agenda", flex=4, min_width=320, wrap=True),
    Col("citation", "出典", "Source", flex=3, min_width=220, wrap=True)]
FIELD_COLUMNS = [
    Col("version", "版", "Version", min_width=130, wrap=True), Col("level_label", "階層", "Level"),
    Col("parent", "上位項目", "Parent", flex=2, min_width=150, wrap=True),
    Col("name", "名称", "Name", flex=2, min_width=170, wrap=True),
    Col("description_ja", "説明（原文）", "Description (Japanese original)", flex=4, min_width=260, wrap=True),
    Col("citation", "出典", "Source", flex=3, min_width=220, wrap=True)]
TARGET_COLUMNS = [
    Col("topic", "テーマ", "Topic", flex=2, min_width=170, wrap=True),
    Col("quote_ja", "引用（原文）", "Quotation (Japanese original)", flex=4, min_width=300, wrap=True),
    Col("target_value", "目標値", "Target value", True), Col("target_unit", "単位", "Unit", wrap=True),
    Col("target_date_text", "期日", "Date", min_width=130, wrap=True),
    Col("date_assumption", "期日の仮定", "Assumed date: why", flex=2, min_width=160, wrap=True),
    Col("citation", "出典", "Source", flex=3, min_width=220, wrap=True)]


def parse_kinds(value: str | None) -> list[str]:
    """Milestone kinds from the URL: absent means all; unknown names are dropped; an empty value means none."""
    if value is None:
        return list(KIND_ORDER)
    wanted = {v.strip() for v in str(value).split(",")}
    return [k for k in KIND_ORDER if k in wanted]


def layout(lang: str | None = None, kind: str | None = None, **_query) -> html.Div:
    """The strategy page, built per request from the reference tables."""
    lang = lang_of(lang)
    db = db_path()
    if not db.is_file():
        return no_database(lang, PREFIX)
    kinds = parse_kinds(kind)
    docs, versions, fields = strategy.documents(db), strategy.versions(db), strategy.fields(db)
    ms = placed_milestones(strategy.milestones(db))
    dated, undated = roadmap_rows(strategy.orden_roadmap(db))
    council = _table_card(f"{PREFIX}-council", council_frame(strategy.council_meetings(db), lang), COUNCIL_COLUMNS,
                          docs, lang)
    quoted = _table_card(f"{PREFIX}-targets", targets_frame(strategy.targets(db), lang), TARGET_COLUMNS, docs, lang)
    fields_table = html.Details([
        html.Summary(tr("全項目の説明と出典（表とダウンロード）",
                        "Every item with its description and source (table and download)", lang)),
        table_twin(f"{PREFIX}-fields", fields_frame(fields, versions, lang), FIELD_COLUMNS, lang, page_size=15),
    ], className="small mb-3", id=f"{PREFIX}-fields-details")
    return html.Div([
        page_header("スマートシティ戦略の歩み", "The smart-city strategy over time",
                    "大阪スマートシティ戦略 ver.1.0（2020年）から ver.2.0（2022年）、次世代型スマートシティOSAKA（2030年目標）"
                    "までの基本方針と取組分野、節目と目標年、ORDEN のロードマップ、戦略会議の開催と文書に記された目標を示します。",
                    "The basic policies and fields of the Osaka Smart City Strategy from ver.1.0 (2020) through "
                    "ver.2.0 (2022) to the Next-Generation Smart City OSAKA plan (target year 2030), its milestones "
                    "and target years, ORDEN's roadmap, the strategy council's meetings and the targets the documents "
                    "state.", lang),
        _section("versions", "版ごとの理念・テーマ・基本方針", "Principles, themes and basic policies by version", lang, [
            html.P(tr("左から右へ：ver.1.0 → ver.2.0 → 2030年計画。各項目の階層は文書の構成どおりです。",
                      "Left to right: ver.1.0 → ver.2.0 → the 2030 plan; nesting follows each document.", lang),
                   className="small"),
            _versions(versions, fields, docs, lang), fields_table]),
        _section("timeline-section", "年表と目標年", "Timeline and target years", lang,
                 [_kind_filter(kinds, lang), _timeline_card(ms, kinds, docs, lang)]),
        _section("roadmap-section", "ORDEN（大阪広域データ連携基盤）のロードマップ",
                 "Roadmap of ORDEN (Osaka's wide-area data platform)", lang,
                 [_roadmap_card(dated, undated, docs, lang)]),
        _section("council-section", "大阪スマートシティ戦略会議の開催", "Strategy council meetings", lang,
                 [council]),
        _section("targets-section", "戦略文書に記された目標・期限（引用）", "Targets and deadlines quoted from the documents",
                 lang, [html.P(tr("引用は文書の原文（日本語）のままです。",
                                  "Quotations are in the documents' original Japanese.", lang), className="small"),
                        quoted]),
        _section("documents", "出典文書", "Source documents", lang, [_documents(docs, lang)]),
        dcc.Store(id=f"{PREFIX}-lang", data=lang),
        urlstate.url_sink(PREFIX),
    ], id=f"{PREFIX}-page")


def _section(key: str, title_ja: str, title_en: str, lang: str, body: list) -> html.Section:
    return html.Section([html.H2(tr(title_ja, title_en, lang), className="h5 mt-4 border-bottom pb-1"), *body],
                        id=f"{PREFIX}-{key}")


def _documents(docs: pd.DataFrame, lang: str) -> html.Ul:
    """The five documents as an official cites them (publisher, title, date); the catalog keeps their file names."""
    return html.Ul([html.Li(citations.document(d, lang)) for d in docs.to_dict("records")], className="small",
                   id=f"{PREFIX}-document-list")


# --- versions side by side -------------------------------------------------------------------------------------


def _versions(versions: pd.DataFrame, fields: pd.DataFrame, docs: pd.DataFrame, lang: str) -> dbc.Row:
    cols = []
    for i, v in enumerate(versions.itertuples()):
        adopted = _doc_date(v.adopted_date, lang) if isinstance(v.adopted_date, str) else tr("記載なし", "not stated", lang)
        target = (str(int(v.target_year)) if not pd.isna(v.target_year) else tr("記載なし", "not stated", lang))
        tree = nest_fields(fields, v.version_id)
        body = [
            html.H3([html.Span(f"{i + 1}. ", className="text-body-secondary"), tr(v.name_ja, v.name_en, lang)],
                    className="h6 card-title"),
            html.P(tr(f"策定 {adopted}・目標年 {target}", f"Adopted {adopted} · target year {target}", lang),
                   className="small text-body-secondary mb-1"),
            html.P(tr(v.summary_ja, v.summary_en, lang), className="small"),
            _tree(tree, lang),
            html.P(citations.source_line(tr(v.citation_ja, v.citation_en, lang), lang),
                   className="small text-body-secondary mb-0 mt-2"),
        ]
        card = dbc.Card(dbc.CardBody(body), className="h-100 shadow-sm", id=f"{PREFIX}-version-{v.version_id}")
        cols.append(dbc.Col(card, md=4, className="mb-3"))
    return dbc.Row(cols)


def _tree(nodes: list, lang: str, depth: int = 0) -> html.Ul:
    items = []
    for r, children in nodes:
        level = LEVEL.get(r["level"], (r["level"], r["level"]))
        name = r["name_en"] if lang == "en" and isinstance(r["name_en"], str) else r["name_ja"]
        head = html.Span([html.Span(tr(*level, lang), className="badge text-bg-light border me-1 fw-normal"),
                          html.Span(name, className="fw-semibold" if depth == 0 else None)])
        items.append(html.Li([head, _tree(children, lang, depth + 1) if children else None], className="mb-1"))
    return html.Ul(items, className="small ps-3 mb-1" if depth else "small ps-2 mb-1 list-unstyled")


def fields_frame(fields: pd.DataFrame, versions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every theme, field and policy with its version, level, parent and description, for the table."""
    name = fields["name_en" if lang == "en" else "name_ja"].fillna(fields["name_ja"])
    names = dict(zip(fields["version_id"] + "/" + fields["field_id"], name))
    vnames = dict(zip(versions["version_id"], versions["name_en" if lang == "en" else "name_ja"]))
    return fields.assign(
        version=fields["version_id"].map(vnames).fillna(fields["version_id"]),
        level_label=fields["level"].map(lambda v: tr(*LEVEL.get(v, (v, v)), lang)),
        parent=(fields["version_id"] + "/" + fields["parent_id"].fillna("")).map(names), name=name,
        citation=_citation(fields, lang))


# --- timeline ----------------------------------------------------------------------------------------------------


def _kind_filter(kinds: list[str], lang: str) -> html.Div:
    return html.Div([
        html.Span(tr("表示する種別：", "Kinds shown: ", lang), id=f"{PREFIX}-kind-label", className="fw-semibold me-2"),
        dbc.Checklist(id=f"{PREFIX}-kind", value=kinds, inline=True,
                      options=[{"label": tr(*KIND_LABEL[k], lang), "value": k} for k in KIND_ORDER]),
    ], role="group", **{"aria-labelledby": f"{PREFIX}-kind-label"},
        className="mb-2 d-flex flex-wrap align-items-center")


def highlights(ms: pd.DataFrame) -> pd.DataFrame:
    """The target years drawn as vertical lines: x and short labels (kept whatever kinds are shown)."""
    rows_ = []
    for mid, (ja, en, anchor) in HIGHLIGHTS.items():
        hit = ms[ms["milestone_id"] == mid]
        if len(hit):
            rows_.append({"x": hit["x"].iloc[0], "label_ja": ja, "label_en": en, "anchor": anchor})
    return pd.DataFrame(rows_, columns=["x", "label_ja", "label_en", "anchor"])


def timeline_frame(ms: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table twin of the timeline: the milestones drawn, with their date as written and where they are drawn."""
    return ms.assign(
        placed_at=ms["x"].dt.strftime("%Y-%m-%d") + ms["placed_en" if lang == "en" else "placed_ja"].map(
            lambda p: f"：{p}" if p and lang == "ja" else f" ({p})" if p else ""),
        kind_label=ms["kind"].map(lambda k: tr(*KIND_LABEL.get(k, (k, k)), lang)),
        date_precision=ms["date_precision"].map(lambda p: tr(*PRECISION.get(p, (p, p)), lang)),
        title=ms["title_en" if lang == "en" else "title_ja"], citation=_citation(ms, lang))


def _citation(frame: pd.DataFrame, lang: str) -> pd.Series:
    """Each row's source: document and section (smartcity.citations, added by the gateway)."""
    return frame["citation_en" if lang == "en" else "citation_ja"]


def _timeline_figure(ms: pd.DataFrame, kinds: list[str], docs: pd.DataFrame, lang: str):
    shown = ms[ms["kind"].isin(kinds)]
    fig = timeline(shown, highlights(ms), lang,
                   source=tr("出典：大阪府・大阪市のスマートシティ戦略関係資料（各点の出典はホバーと表）",
                             "Source: Osaka Prefecture and City strategy documents (each point's source in its hover "
                             "and the table)", lang))
    return fig, timeline_frame(shown, lang)


def _timeline_card(ms: pd.DataFrame, kinds: list[str], docs: pd.DataFrame, lang: str) -> dbc.Card:
    fig, frame = _timeline_figure(ms, kinds, docs, lang)
    return chart_card(
        TIMELINE, "戦略の年表", "Strategy timeline", fig, frame, TIMELINE_COLUMNS,
        citations.cite_rows(ms, "ja"), citations.cite_rows(ms, "en"), lang,
        note=tr("種別は縦の段と記号で区別します（● 出来事、□ 予定、★ 目標、× 期限）。日付が年・月・年度までしかない節目は、"
                "年は7月1日、月は15日、年度は10月1日（目標・期限は年度末の3月31日）に置き、ホバーにその旨を記します。"
                "点線は万博（2025年）、標準化の期限（2025年度末）、目標年（2030年）です。",
                "Kinds are told apart by row and symbol (● event, □ plan, ★ target, × deadline). Milestones dated only "
                "to the year, month or fiscal year are drawn on 1 July, the 15th, or 1 October (targets and deadlines "
                "on the fiscal year's last day, 31 March); the hover says so. Dotted lines: Expo 2025, the "
                "standardisation deadline (end of FY2025) and the target year 2030.", lang))


@dash.callback(Output(f"{TIMELINE}-graph", "figure"), Output(grid_id(TIMELINE), "rowData"),
               Input(f"{PREFIX}-kind", "value"), State(f"{PREFIX}-lang", "data"), prevent_initial_call=True)
def filter_kinds(kinds, lang):
    """Redraw the timeline and its table twin for the kinds ticked."""
    lang = lang_of(lang)
    db = db_path()
    kinds = [k for k in KIND_ORDER if k in (kinds or [])]
    ms = placed_milestones(strategy.milestones(db))
    fig, frame = _timeline_figure(ms, kinds, strategy.documents(db), lang)
    return fig, rows(frame, TIMELINE_COLUMNS)


urlstate.sync_url(PREFIX, {"kind": (f"{PREFIX}-kind", "value")})


# --- ORDEN roadmap -----------------------------------------------------------------------------------------------


def roadmap_frame(road: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table twin of the roadmap chart."""
    return road.assign(field=road["field_en" if lang == "en" else "field_ja"], citation=_citation(road, lang),
                       item=road["item_en" if lang == "en" else "item_ja"],
                       participation=[participation_text(lo, hi, lang) for lo, hi in
                                      zip(road["municipalities_min"], road["municipalities_max"])])


def _roadmap_card(dated: pd.DataFrame, undated: pd.DataFrame, docs: pd.DataFrame, lang: str) -> dbc.Card:
    fig = roadmap(dated, lang, source=citations.source_line(citations.cite_rows(dated, lang), lang))
    note = [tr("市町村参画の目標（2〜5 → 5〜10 → 10〜15 → 全43市町村）は棒の上の文字で示します。",
               "The municipal participation targets (2–5 → 5–10 → 10–15 → all 43) are written on their bars.", lang)]
    if len(undated):
        items = "、".join(undated["description_ja"].str.replace("■", "").str.strip())
        note.append(tr(f" 期間の記載がない {len(undated)} 項目（{items}）は図に描かず、ここに記します。",
                       f" {len(undated)} items without a period ({items}) are not drawn; they are listed here.", lang))
    return chart_card(
        ROADMAP, "ORDEN ロードマップ（年度別）", "ORDEN roadmap by fiscal year", fig, roadmap_frame(dated, lang),
        ROADMAP_COLUMNS, citations.cite_rows(dated, "ja"), citations.cite_rows(dated, "en"), lang, note="".join(note))


# --- tables ------------------------------------------------------------------------------------------------------


def council_frame(meetings: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Council meetings for the table: agenda in the page's language and each meeting's source."""
    return meetings.assign(agenda=meetings["agenda_en" if lang == "en" else "agenda_ja"],
                           citation=_citation(meetings, lang))


def targets_frame(targets: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Quoted targets for the table: topic and unit in the page's language, the date with its basis (a date the
    document does not give is the KPI target's assumption, marked), and the citation."""
    en = lang == "en"
    return targets.assign(
        topic=targets["topic_en" if en else "topic_ja"], target_unit=targets["target_unit_en" if en else "target_unit_ja"],
        target_date_text=[_date_text(d, b, lang) for d, b in zip(targets["target_date"], targets["date_basis"])],
        date_assumption=targets["date_assumption_en" if en else "date_assumption_ja"], citation=_citation(targets, lang))


def _date_text(value, basis: str, lang: str) -> str:
    """A quoted target's date as written (2025, 2024-08) or, when assumed, as every page shows an assumed date."""
    if not isinstance(value, str) or not value:
        return tr("記載なし", "not stated", lang)
    return target_date_words(value, basis, lang) if basis == "assumption" else _doc_date(value, lang)


def _table_card(key: str, frame: pd.DataFrame, columns: list[Col], docs: pd.DataFrame, lang: str) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.P(citations.source_line(citations.cite_rows(frame, lang), lang),
               className="small text-body-secondary mb-1", id=f"{key}-source"),
        table_twin(key, frame, columns, lang, page_size=10),
    ]), className="mb-4", id=f"{key}-card")


def _doc_date(value, lang: str) -> str:
    if not isinstance(value, str) or not value:
        return tr("日付の記載なし", "date not stated", lang)
    placed = place_date(value, "day" if len(value) >= 10 else "month" if len(value) >= 7 else "year")
    return placed["when_en" if lang == "en" else "when_ja"]
