"""Online procedures (/procedures): eleven procedures compared for Osaka, Japan and Tokyo; three resident services
2018 → 2022; the prefecture's own online applications. Figures transcribed from the strategy documents."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html

from smartcity import urlstate
from smartcity.components import (Col, chart_card, column_defs, grid_id, missing, no_database, page_header, radio_group,
                                  rows)
from smartcity.figures import procedures as fig
from smartcity.i18n import lang_of, tr
from smartcity.queries import procedures
from smartcity.settings import db_path

dash.register_page(__name__, path="/procedures", name="オンライン手続き / Online procedures",
                   title="オンライン手続き / Online procedures")

PREFIX = "proc"
MEASURES = ("adoption", "online")
SORTS = fig.SORTS
SERVICE_COLUMNS = [Col("service", "サービス", "Service"), Col("geo_code", "地域コード", "Code"), Col("geo", "地域", "Area"),
                   Col("rate_2018", "2018年（%）", "2018 (%)", True), Col("rate_2022", "2022年（%）", "2022 (%)", True),
                   Col("change", "変化（ポイント）", "Change (points)", True)]
PREF_COLUMNS = [Col("item", "手続き", "Procedure"), Col("value", "申請件数（約）", "Applications (approx.)", True),
                Col("approx", "概数", "Approximate")]

urlstate.sync_url(PREFIX, {"measure": (f"{PREFIX}-measure", "value"), "sort": (f"{PREFIX}-sort", "value")})


def procedure_columns(measure: str) -> list[Col]:
    """The table twin of the dot plot: the measure for the three geographies, the gap, Osaka's 済/未 counts."""
    ja, en = fig.MEASURES[measure][1], fig.MEASURES[measure][2]
    return [Col("user_type", "利用者", "Users"), Col("procedure", "手続き", "Procedure"),
            Col("osaka", f"大阪府 {ja}（%）", f"Osaka Prefecture: {en} (%)", True),
            Col("japan", f"全国 {ja}（%）", f"Japan: {en} (%)", True),
            Col("tokyo", f"東京都 {ja}（%）", f"Tokyo: {en} (%)", True),
            Col("gap", "差 大阪府−全国（ポイント）", "Gap Osaka − Japan (points)", True),
            Col("osaka_with", "大阪府 導入済（済）市町村数", "Osaka municipalities with (済)", True),
            Col("osaka_without", "大阪府 未導入（未）市町村数", "Osaka municipalities without (未)", True)]


def _doc(frame: pd.DataFrame, lang: str) -> str:
    r = frame.iloc[0]
    title = r.doc_title_en if lang == "en" and isinstance(r.doc_title_en, str) else r.doc_title_ja
    lines = sorted(frame["source_line"].dropna().astype(int).unique())
    where = f"l.{lines[0]}–{lines[-1]}" if len(lines) > 1 else f"l.{lines[0]}"
    return tr(f"大阪府「{title}」（{r.source_doc}）「{r.source_section}」{where} より転記",
              f"transcribed from Osaka Prefecture, “{title}” ({r.source_doc}), section “{r.source_section}”, {where}",
              lang)


def _pref_items(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    items = frame[frame["item_type"] == "procedure"].copy()
    items["item"] = [en if lang == "en" and isinstance(en, str) else ja for ja, en in zip(items["item_ja"],
                                                                                          items["item_en"])]
    items["approx"] = tr("約（概数）", "approx.", lang)
    return items.sort_values("value", ascending=False).reset_index(drop=True)


def _summary_box(frame: pd.DataFrame, item_id: str, ja_unit: str, en_unit: str, lang: str) -> dbc.Col:
    row = frame[frame["item_id"] == item_id]
    if row.empty or pd.isna(row.iloc[0]["value"]):
        body = tr("データなし", "No data", lang)
        label = ""
    else:
        r = row.iloc[0]
        value = int(r["value"])
        body = tr(f"約{value // 10000}万{ja_unit}" if value >= 10000 else f"約{value:,}{ja_unit}",
                  f"about {value:,} {en_unit}", lang)
        label = tr(r["item_ja"], r["item_en"], lang)
    return dbc.Col(dbc.Card(dbc.CardBody([html.Div(label, className="small text-body-secondary"),
                                          html.Div(body, className="fs-4 fw-semibold")]),
                            className="h-100 shadow-sm"), xs=12, sm=6, md=4, className="mb-2")


def layout(lang: str | None = None, measure: str | None = None, sort: str | None = None, **_query) -> html.Div:
    """The page for a measure and an order (unknown values fall back to adoption, by Osaka)."""
    lang = lang_of(lang)
    db = db_path()
    if not db.is_file():
        return no_database(lang, PREFIX)
    measure = measure if measure in MEASURES else "adoption"
    sort = sort if sort in SORTS else "osaka"
    rates, services, pref = procedures.rates(db), procedures.services(db), procedures.pref_online(db)
    parts = [
        page_header("行政手続きのオンライン化", "Online administrative procedures",
                    "代表的な11手続きの市町村導入率とオンライン手続き率を大阪府・全国・東京都で比べ、住民向けサービスの2018→2022年の変化と、"
                    "府の行政オンラインシステムの申請件数を示します。",
                    "Eleven common procedures compared for Osaka, Japan and Tokyo (municipal adoption and online use), "
                    "three resident services from 2018 to 2022, and applications to the prefecture's own online "
                    "system.",
                    lang),
        dcc.Store(id=f"{PREFIX}-lang", data=lang),
        urlstate.url_sink(PREFIX),
    ]
    parts.append(_procedures_section(rates, measure, sort, lang))
    parts.append(_services_section(services, lang))
    parts.append(_pref_section(pref, lang))
    return html.Div(parts, id=f"{PREFIX}-page")


def _procedures_section(rates: pd.DataFrame, measure: str, sort: str, lang: str):
    if rates.empty:
        return missing("11手続きのデータがありません。", "No data on the eleven procedures.", lang, f"{PREFIX}-rates")
    controls = dbc.Row([
        dbc.Col(radio_group(f"{PREFIX}-measure", tr("指標", "Measure", lang), measure, [
            {"label": tr("市町村導入率", "Municipal adoption rate", lang), "value": "adoption"},
            {"label": tr("オンライン手続き率", "Online-procedure rate", lang), "value": "online"}]), xs=12, md=5),
        dbc.Col(radio_group(f"{PREFIX}-sort", tr("並べ替え", "Sort", lang), sort, [
            {"label": tr("大阪府の値", "by Osaka", lang), "value": "osaka"},
            {"label": tr("全国の値", "by Japan", lang), "value": "japan"},
            {"label": tr("差（大阪府−全国）", "by gap Osaka − Japan", lang), "value": "gap"},
            {"label": tr("手続き名", "by name", lang), "value": "name"}]), xs=12, md=7),
    ], className="mb-2 g-3")
    table = fig.procedure_table(rates, measure, sort, lang)
    source = _doc(rates, "ja")
    source_en = _doc(rates, "en")
    definitions = tr(
        "市町村導入率：全市町村のうち、その手続きのオンラインシステムを導入している団体の率。都市部比較のため東京都は島しょ部を除く。"
        "母数は基本的に全国1,741団体、東京都53団体、大阪府43団体だが、手続きが存在しない団体は数えない（大阪府の済＋未が43未満の手続きがある）。"
        "オンライン手続き率：その手続きの申請総数のうちオンラインで行われた率（残りは窓口）。記号：●大阪府 ■全国 ◆東京都。",
        "Municipal adoption rate: share of municipalities with an online system for the procedure; Tokyo excludes its "
        "island municipalities for an urban comparison. Denominators are basically 1,741 municipalities (Japan), 53 "
        "(Tokyo) and 43 (Osaka); municipalities without the procedure are not counted (so 済 + 未 can be below 43). "
        "Online-procedure rate: share of all applications for the procedure made online (the rest at the counter). "
        "Markers: ● Osaka Prefecture, ■ Japan, ◆ Tokyo.", lang)
    return html.Section([
        html.H2(tr("11手続きの比較（大阪府・全国・東京都）", "Eleven procedures: Osaka, Japan, Tokyo", lang),
                className="h5 mt-3"),
        controls,
        chart_card(f"{PREFIX}-rates", "行政手続きオンライン化の市町村導入率とオンライン手続き率",
                   "Municipal adoption and online use of eleven procedures", fig.procedure_dots(table, measure, lang),
                   table, procedure_columns(measure),
                   "内閣官房 政府CIOポータル「市町村のデジタル化の取組に関する情報について」令和３年6月更新版（表１ 市町村導入率、"
                   f"表２ オンライン手続き率）。{source}",
                   "Cabinet Secretariat, Government CIO Portal, “Information on municipalities' digitalisation” "
                   f"(updated June 2021; table 1 adoption, table 2 online rate); {source_en}", lang,
                   note=definitions),
    ], id=f"{PREFIX}-section-rates")


def _services_section(services: pd.DataFrame, lang: str):
    if services.empty:
        return missing("住民向けサービスのデータがありません。", "No data on resident services.", lang, f"{PREFIX}-services")
    table = fig.service_table(services, lang)
    return html.Section([
        html.H2(tr("住民向けサービスの市町村導入率 2018年→2022年", "Resident services: municipal adoption, 2018 → 2022",
                   lang), className="h5 mt-3"),
        chart_card(f"{PREFIX}-services", "オンライン申請・コンビニ交付・電子納付の導入率の変化",
                   "Online systems, convenience-store certificates and e-payment: change in adoption",
                   fig.service_dumbbell(table, lang), table, SERVICE_COLUMNS,
                   f"総務省「自治体DX・情報化推進概要」（2022年）の「行政サービス向上」項目より大阪府事務局作成。{_doc(services, 'ja')}",
                   "MIC, “Overview of local-government DX and computerisation” (2022), items on better public "
                   f"services, compiled by the prefecture's secretariat; {_doc(services, 'en')}", lang,
                   note=tr("率は該当サービスを導入している市町村の割合。「行政手続きのオンラインシステム化」は導入予定の数値を含む。"
                           "電子納付は pay-easy・クレジット決済等。",
                           "Rate = share of municipalities offering the service. Online systems include planned "
                           "introductions. E-payment = pay-easy, credit cards etc.", lang)),
    ], id=f"{PREFIX}-section-services")


def _pref_section(pref: pd.DataFrame, lang: str):
    if pref.empty:
        return missing("府の行政オンラインシステムのデータがありません。", "No data on the prefecture's online system.", lang,
                       f"{PREFIX}-pref")
    items = _pref_items(pref, lang)
    summary = pref[pref["item_type"] == "summary"]
    as_of = summary["period_ja"].dropna()
    as_of_ja = as_of.iloc[0] if not as_of.empty else ""
    as_of_iso = summary["as_of_date"].dropna()
    as_of_en = as_of_iso.iloc[0] if not as_of_iso.empty else ""
    return html.Section([
        html.H2(tr("大阪府行政オンラインシステム（府の手続き）", "The prefecture's online administration system", lang),
                className="h5 mt-3"),
        html.P(tr(f"2021年5月（R3年5月）導入。{as_of_ja}（{as_of_en}）の数値。数値はいずれも出典の表記どおり概数（約）です。",
                  f"Introduced in May 2021. Figures as of {as_of_en}; all are approximate (約) as the source gives "
                  f"them.", lang), className="small", id=f"{PREFIX}-pref-intro"),
        dbc.Row([_summary_box(pref, "procedures_total", "手続き", "procedures", lang),
                 _summary_box(pref, "applications_total", "件", "applications", lang)], id=f"{PREFIX}-pref-summary"),
        chart_card(f"{PREFIX}-pref", "オンライン化した主な手続きの申請件数（約）",
                   "Applications for the largest online procedures (approximate)",
                   fig.pref_online_bars(items, lang), items, PREF_COLUMNS, _doc(pref, "ja"), _doc(pref, "en"), lang,
                   note=tr("手続き別の件数は出典に期間の記載がありません（R4年8月時点までの累計と思われますが明記なし）。",
                           "The source gives no period for the per-procedure figures (presumably cumulative to "
                           "August 2022, but not stated).", lang)),
    ], id=f"{PREFIX}-section-pref")


@dash.callback(
    Output(f"{PREFIX}-rates-graph", "figure"),
    Output(grid_id(f"{PREFIX}-rates"), "rowData"),
    Output(grid_id(f"{PREFIX}-rates"), "columnDefs"),
    Input(f"{PREFIX}-measure", "value"),
    Input(f"{PREFIX}-sort", "value"),
    State(f"{PREFIX}-lang", "data"),
    prevent_initial_call=True,
)
def update(measure: str, sort: str, lang: str):
    """Redraw the dot plot and its table twin for the measure and order chosen."""
    lang = lang_of(lang)
    measure = measure if measure in MEASURES else "adoption"
    sort = sort if sort in SORTS else "osaka"
    table = fig.procedure_table(procedures.rates(db_path()), measure, sort, lang)
    columns = procedure_columns(measure)
    return fig.procedure_dots(table, measure, lang), rows(table, columns), column_defs(columns, lang)
