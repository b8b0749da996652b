"""Online procedures (/procedures): eleven procedures compared for Osaka, Japan and Tokyo (the strategy slides, 2021);
the same eleven in the Digital Agency's 2024 release; how Osaka's municipalities spread on the release's 52 municipal
procedures against Japan and Tokyo; three resident services 2018 → 2022; the prefecture's own online applications."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html

from smartcity import citations, urlstate
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

GROUP_ALL = "all"  # ?group=all: both groups of the release in one chart
RATE_FORMAT = ".1f"
DIST_COLUMNS = [
    Col("group", "グループ", "Group", flex=2, min_width=150, wrap=True),
    Col("procedure", "手続き", "Procedure", flex=3, min_width=180, wrap=True),
    Col("area", "地域", "Area", flex=2, min_width=120, wrap=True),
    Col("n_municipalities", "市区町村数", "Municipalities", True),
    Col("n_reported", "率を報告（団体）", "Reporting a rate", True),
    Col("n_not_reported", "取扱いなし・報告なし（団体）", "Not handled or not reported", True),
    Col("share_reported", "報告した割合（%）", "Share reporting (%)", True, number_format=RATE_FORMAT),
    Col("rate_min", "最小（%）", "Min (%)", True, number_format=RATE_FORMAT),
    Col("rate_q1", "第1四分位（%）", "Lower quartile (%)", True, number_format=RATE_FORMAT),
    Col("rate_median", "中央値（%）", "Median (%)", True, number_format=RATE_FORMAT),
    Col("rate_q3", "第3四分位（%）", "Upper quartile (%)", True, number_format=RATE_FORMAT),
    Col("rate_max", "最大（%）", "Max (%)", True, number_format=RATE_FORMAT),
    Col("rate_mean", "平均（%）", "Mean (%)", True, number_format=RATE_FORMAT),
]
SLIDE_COLUMNS = [
    Col("procedure", "手続き（スライド）", "Procedure (slides)", flex=3, min_width=160, wrap=True),
    Col("dx_procedure", "2024年の手続き", "2024 procedure", flex=3, min_width=160, wrap=True),
    Col("area", "地域", "Area", flex=2, min_width=120, wrap=True),
    Col("match_word", "対応", "Match", flex=2, min_width=120, wrap=True),
    Col("adoption_2021", "2021年 導入率（%）", "2021 adoption (%)", True, number_format=RATE_FORMAT),
    Col("reported_2024", "2024年 率を報告した割合（%）", "2024 share reporting a rate (%)", True,
        number_format=RATE_FORMAT),
    Col("n_reported", "2024年 報告（団体）", "2024 reporting", True),
    Col("n_municipalities", "2024年 市区町村数", "2024 municipalities", True),
    Col("online_2021", "2021年 オンライン手続き率（%）", "2021 online rate (%)", True, number_format=RATE_FORMAT),
    Col("median_2024", "2024年 中央値（%）", "2024 median (%)", True, number_format=RATE_FORMAT),
    Col("mean_2024", "2024年 平均（%）", "2024 mean (%)", True, number_format=RATE_FORMAT),
    Col("comparability", "比較できる範囲", "Comparability", flex=5, min_width=260, wrap=True),
]

urlstate.sync_url(PREFIX, {"measure": (f"{PREFIX}-measure", "value"), "sort": (f"{PREFIX}-sort", "value"),
                           "group": (f"{PREFIX}-group", "value")})


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
    """The strategy document and sections the figures are transcribed from (smartcity.citations)."""
    return tr(f"{citations.cite_rows(frame, 'ja')}より転記", f"transcribed from {citations.cite_rows(frame, 'en')}",
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


def layout(lang: str | None = None, measure: str | None = None, sort: str | None = None, group: str | None = None,
           **_query) -> html.Div:
    """The page for a measure, an order (both charts of procedures) and a group of the release's procedures
    (unknown values fall back to adoption, by Osaka, the first group, and the page says so)."""
    lang = lang_of(lang)
    db = db_path()
    if not db.is_file():
        return no_database(lang, PREFIX)
    unknown = [(name, value) for name, value, valid in (("measure", measure, MEASURES), ("sort", sort, SORTS))
               if value not in (None, "") and value not in valid]
    measure = measure if measure in MEASURES else "adoption"
    sort = sort if sort in SORTS else "osaka"
    release, groups = _release_and_groups(db)
    group, bad_group = _valid_group(group, groups)
    if bad_group:
        unknown.append(("group", bad_group))
    rates, services, pref = procedures.rates(db), procedures.services(db), procedures.pref_online(db)
    parts = [
        page_header("行政手続きのオンライン化", "Online administrative procedures",
                    "戦略資料の11手続き（2021年）の市町村導入率とオンライン手続き率を大阪府・全国・東京都で比べ、デジタル庁の公表"
                    "（2024年）の同じ手続きと並べます。あわせて52手続きのオンライン申請率が府内市町村でどう分布するか（全国・東京都と比較）、"
                    "住民向けサービスの2018→2022年の変化、府の行政オンラインシステムの申請件数を示します。",
                    "The strategy slides' eleven procedures (2021: municipal adoption and online use) for Osaka, Japan "
                    "and Tokyo, beside the Digital Agency's 2024 release; how the online application rates of 52 "
                    "procedures spread across Osaka's municipalities against Japan and Tokyo; three resident services "
                    "from 2018 to 2022; and applications to the prefecture's own online system.",
                    lang),
        dcc.Store(id=f"{PREFIX}-lang", data=lang),
        urlstate.url_sink(PREFIX),
    ]
    if unknown:
        parts.append(_unknown_message(unknown, lang))
    parts.append(_procedures_section(rates, measure, sort, lang))
    parts.append(_slides_section(db, release, rates, lang))
    parts.append(_distribution_section(db, release, groups, group, sort, lang))
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


# ---- the Digital Agency's release ----------------------------------------------------------------------------------

def _release_and_groups(db) -> tuple[dict | None, pd.DataFrame]:
    """The latest release (with its source) and the groups of municipal procedures; (None, empty) when the database
    has no release."""
    if not procedures.dx_available(db):
        return None, pd.DataFrame(columns=["group_key", "group_ja", "group_en", "n_procedures"])
    release = procedures.dx_release(db)
    if release.empty:
        return None, pd.DataFrame(columns=["group_key", "group_ja", "group_en", "n_procedures"])
    return release.iloc[0].to_dict(), procedures.dx_groups(db)


def _valid_group(group: str | None, groups: pd.DataFrame) -> tuple[str | None, str | None]:
    """The group to show (a group_key of the database, or `all`) and the unknown value asked for, if any."""
    keys = list(groups["group_key"])
    default = keys[0] if keys else None
    if group in (None, ""):
        return default, None
    if group in keys or (group == GROUP_ALL and keys):
        return group, None
    return default, group


def _unknown_message(unknown: list[tuple[str, str]], lang: str) -> dbc.Alert:
    """Say which address values were not understood and that the default is shown instead."""
    said = "、".join(f"{name}={str(value)[:40]}" for name, value in unknown)
    said_en = ", ".join(f"{name}={str(value)[:40]}" for name, value in unknown)
    return dbc.Alert(tr(f"アドレスの値が分かりません（{said}）。既定の表示にしています。",
                        f"Unknown value in the address ({said_en}); showing the default instead.", lang),
                     color="warning", className="small py-2 mt-2", id=f"{PREFIX}-input-message")


def _dx_source(release: dict, lang: str) -> str:
    """Source and credit of the release (smartcity.citations.dx_credit), the file used, and the licence."""
    licence = str(release.get("licence") or "")
    licence_ja, _, licence_en = licence.partition(" / ")
    return citations.dx_credit(release["release_date"], lang) + tr(
        f"「市区町村毎のDX進捗状況_行政手続のオンライン申請率」を加工して作成。利用条件：{licence_ja}",
        f" From the file of municipal online application rates, processed by this dashboard. Terms: "
        f"{licence_en or licence_ja}", lang)


def _slides_source(rates: pd.DataFrame, lang: str) -> str:
    """Source of the slides' 2021 figures: the survey they quote and the strategy document they come from."""
    if rates.empty:
        return ""
    return tr("内閣官房 政府CIOポータル「市町村のデジタル化の取組に関する情報について」令和３年6月更新版（表１ 市町村導入率、"
              f"表２ オンライン手続き率）。{_doc(rates, 'ja')}",
              "Cabinet Secretariat, Government CIO Portal, “Information on municipalities' digitalisation” (updated "
              f"June 2021; table 1 adoption, table 2 online rate); {_doc(rates, 'en')}", lang)


def method_text(release: dict, lang: str) -> str:
    """How the 2024 figures beside the slides' 2021 ones are computed, and why they are not the same measure."""
    date = citations.release_date(release["release_date"], lang)
    return tr(
        "方法：2021年の数値は、戦略スライドが引用した内閣官房 政府CIOポータル（令和３年6月更新版）の表１ 市町村導入率"
        "（手続きのない団体を除いた市町村のうちオンラインシステムを導入した団体の割合）と表２ オンライン手続き率（申請総数のうち"
        f"オンラインで行われた割合）です。2024年の数値は、デジタル庁「自治体DX推進状況ダッシュボード」（{date}更新）の市区町村ごと"
        "のオンライン申請率から本ダッシュボードが計算しました。導入率に近い値として「地域の市区町村のうち率を報告した（空欄でない）"
        "団体の割合」を示します（0%と報告した団体も報告ありに数えます）。空欄は「手続きを取り扱っていない」と「オンラインの申請手段が"
        "ない・報告がない」を区別できず、2021年の母数は手続きのない団体を除いていたのに対しここでは全市区町村を母数とするため、"
        "この値は導入率の下限です。オンライン手続き率に近い値として、率を報告した市区町村のオンライン申請率の中央値（と平均）を"
        "示します。2021年の率は申請件数を合算した比率（件数の多い団体ほど重い）ですが、2024年の公表は団体ごとの率だけで件数がない"
        "ため、同じ指標ではありません。地域はスライドと同じく大阪府43市町村、全国1,741市区町村、東京都は島しょ部（団体コード13360"
        "以降の町村）を除く53市区町村です。手続きの対応は「同じ」「類似」「なし」で示し、類似は白抜きの記号と※、なしは記号を"
        "描かず文字で示します。0%は報告された値で、空欄を0%として数えることはしません。",
        "Method: the 2021 figures are those the strategy slides quote from the Cabinet Secretariat's Government CIO "
        "Portal (update of June 2021): table 1, the municipal adoption rate (share of municipalities with an online "
        "system for the procedure, municipalities without the procedure excluded), and table 2, the online-procedure "
        "rate (share of all applications made online). The 2024 figures are computed by this dashboard from the "
        f"municipal online application rates of the Digital Agency's DX progress dashboard (updated {date}). Closest "
        "to adoption is the share of the area's municipalities that report a rate at all (a reported 0 % counts as "
        "reporting). An empty cell mixes “does not handle the procedure” with “no online route or nothing "
        "reported”, and the denominator here is every municipality while the slides left out those without the "
        "procedure, so this share is a lower bound of adoption. Closest to the online-procedure rate is the median "
        "(and mean) of the online application rates of the municipalities that report one. The 2021 rate pooled "
        "the applications of all municipalities (weighted by volume), while the release gives only each "
        "municipality's rate and no counts, so it is not the same measure. The areas are those of the slides: "
        "Osaka's 43 municipalities, Japan's 1,741, and Tokyo without its islands (the towns and villages coded 13360 "
        "and above), 53. Matches are given as same, similar or none: a similar procedure has a hollow marker and ※, "
        "none has no marker but words. A 0 % is a reported value; an empty cell is never counted as 0 %.", lang)


def _slides_section(db, release: dict | None, rates: pd.DataFrame, lang: str):
    title = tr("11手続き：2021年（スライド）と2024年（デジタル庁）", "The eleven procedures: 2021 (slides) and 2024 "
               "(Digital Agency)", lang)
    if release is None:
        return html.Section([html.H2(title, className="h5 mt-3"),
                             missing("デジタル庁の自治体DX推進状況のデータがありません（データベースを再構築してください）。",
                                     "No data from the Digital Agency's DX progress release (rebuild the database).",
                                     lang, f"{PREFIX}-slides")], id=f"{PREFIX}-section-slides")
    table = fig.dx_slide_table(procedures.dx_slides(db, release["release_date"]), lang)
    not_same = table.loc[table["match"] != "same", "procedure"].drop_duplicates().tolist()
    caution = tr(
        "※ 比較に注意：" + "、".join(not_same) + "（対応の説明は表の「比較できる範囲」）。" if not_same else "",
        "※ Compare with care: " + "; ".join(not_same) + " (see “Comparability” in the table). " if not_same else "",
        lang)
    note = tr(
        "│ 縦線＝2021年（スライド）、記号＝2024年（●大阪府 ■全国 ◆東京都、島しょ部を除く）。白抜きの記号は類似の手続き。"
        "左右どちらも同じ指標ではありません（方法を参照）：左の2024年は導入率の下限、右の2024年は市町村の率の中央値です。" + caution,
        "│ tick = 2021 (slides), marker = 2024 (● Osaka, ■ Japan, ◆ Tokyo without its islands). A hollow marker is a "
        "similar procedure. Neither panel compares the same measure (see the method): left, 2024 is a lower bound of "
        "adoption; right, 2024 is the median of municipal rates. " + caution, lang)
    return html.Section([
        html.H2(title, className="h5 mt-3"),
        html.P(method_text(release, lang), className="small", id=f"{PREFIX}-method"),
        chart_card(f"{PREFIX}-slides", "スライドの11手続き：2021年の数値と2024年の公表から計算した値",
                   "The slides' eleven procedures: the 2021 figures and values computed from the 2024 release",
                   fig.dx_slide_figure(table, lang), table, SLIDE_COLUMNS,
                   "2021年：" + _slides_source(rates, "ja") + "　2024年：" + _dx_source(release, "ja"),
                   "2021: " + _slides_source(rates, "en") + " 2024: " + _dx_source(release, "en"), lang, note=note),
    ], id=f"{PREFIX}-section-slides")


def _group_options(groups: pd.DataFrame, lang: str) -> list[dict]:
    options = []
    for g in groups.itertuples():
        short = str(g.group_ja).removesuffix("のオンライン申請利用状況")
        options.append({"label": tr(f"{short}（うち市区町村の{g.n_procedures}手続き）",
                                    f"{g.group_en} ({g.n_procedures} municipal)", lang), "value": g.group_key})
    total = int(groups["n_procedures"].sum()) if not groups.empty else 0
    options.append({"label": tr(f"両方（{total}手続き）", f"Both ({total} procedures)", lang), "value": GROUP_ALL})
    return options


def distribution_table(db, release: dict, group: str, sort: str, lang: str) -> pd.DataFrame:
    """The table behind the spread chart for a (validated) group and order."""
    stats = procedures.dx_distribution(db, release["release_date"], None if group == GROUP_ALL else group)
    return fig.dx_distribution_table(stats, sort, lang)


def _distribution_section(db, release: dict | None, groups: pd.DataFrame, group: str | None, sort: str, lang: str):
    title = tr("52手続きのオンライン申請率：市区町村のばらつき（2024年）",
               "Online application rates of 52 procedures: how municipalities spread (2024)", lang)
    if release is None or groups.empty:
        return html.Section([html.H2(title, className="h5 mt-3"),
                             missing("デジタル庁の自治体DX推進状況のデータがありません（データベースを再構築してください）。",
                                     "No data from the Digital Agency's DX progress release (rebuild the database).",
                                     lang, f"{PREFIX}-dist")], id=f"{PREFIX}-section-dist")
    table = distribution_table(db, release, group, sort, lang)
    controls = dbc.Row([
        dbc.Col(radio_group(f"{PREFIX}-group", tr("手続きのグループ", "Group of procedures", lang), group,
                            _group_options(groups, lang)), xs=12, lg=7),
        dbc.Col(radio_group(f"{PREFIX}-dx-sort", tr("並べ替え（上の11手続きのグラフと共通）",
                                                   "Sort (shared with the eleven-procedure chart above)", lang), sort, [
            {"label": tr("大阪府の中央値", "by Osaka's median", lang), "value": "osaka"},
            {"label": tr("全国の中央値", "by Japan's median", lang), "value": "japan"},
            {"label": tr("差（大阪府−全国）", "by gap Osaka − Japan", lang), "value": "gap"},
            {"label": tr("手続き名", "by name", lang), "value": "name"}]), xs=12, lg=5),
    ], className="mb-2 g-3")
    note = tr(
        "中央値・四分位・最小〜最大・平均は、率を報告した市区町村だけで計算しています。空欄（その手続きを取り扱っていない、または"
        "オンライン申請の報告がない）は0%として数えず、右の図の「報告した市町村の割合」の外側に数えます。0%は報告された値です。"
        "記号：●大阪府（43市町村） ■全国（1,741市区町村） ◆東京都（島しょ部を除く53市区町村）。都道府県だけが扱う手続き"
        "（自動車税・道路使用許可など）は含みません。申請率は団体ごとの率で、申請件数による重み付けはしていません。",
        "Median, quartiles, min–max and mean are over the municipalities that report a rate. An empty cell (the "
        "municipality does not handle the procedure, or reported no online applications) is never counted as 0 %: "
        "it counts against the “share reporting” on the right. A 0 % is a reported value. Markers: ● Osaka "
        "Prefecture (43 municipalities), ■ Japan (1,741), ◆ Tokyo without its islands (53). Procedures only "
        "prefectures handle (automobile tax, road-use permits etc.) are left out. Rates are per municipality, not "
        "weighted by the number of applications.", lang)
    return html.Section([
        html.H2(title, className="h5 mt-3"),
        html.P(tr("大阪府の43市町村のオンライン申請率が手続きごとにどう分布するかを、全国・東京都と比べます。",
                  "How the online application rates of Osaka's 43 municipalities spread per procedure, against Japan "
                  "and Tokyo.", lang), className="small"),
        controls,
        chart_card(f"{PREFIX}-dist", "手続きごとのオンライン申請率の分布と、率を報告した市区町村の割合",
                   "Spread of online application rates per procedure, and the share of municipalities reporting one",
                   fig.dx_distribution_figure(table, lang), table, DIST_COLUMNS, _dx_source(release, "ja"),
                   _dx_source(release, "en"), lang, note=note),
    ], id=f"{PREFIX}-section-dist")


@dash.callback(
    Output(f"{PREFIX}-sort", "value"),
    Output(f"{PREFIX}-dx-sort", "value"),
    Input(f"{PREFIX}-sort", "value"),
    Input(f"{PREFIX}-dx-sort", "value"),
    prevent_initial_call=True,
)
def sync_sorts(sort: str, dx_sort: str):
    """One order for the page (?sort=): a choice in either sort control is copied to the other."""
    if ctx.triggered_id == f"{PREFIX}-dx-sort":
        return (dx_sort if dx_sort in SORTS else dash.no_update), dash.no_update
    return dash.no_update, (sort if sort in SORTS else dash.no_update)


@dash.callback(
    Output(f"{PREFIX}-dist-graph", "figure"),
    Output(grid_id(f"{PREFIX}-dist"), "rowData"),
    Input(f"{PREFIX}-group", "value"),
    Input(f"{PREFIX}-dx-sort", "value"),
    State(f"{PREFIX}-lang", "data"),
    prevent_initial_call=True,
)
def update_distribution(group: str, sort: str, lang: str):
    """Redraw the spread chart and its table twin for the group (checked against the database) and order."""
    lang = lang_of(lang)
    db = db_path()
    release, groups = _release_and_groups(db)
    if release is None:
        return dash.no_update, dash.no_update
    group, _ = _valid_group(group, groups)
    sort = sort if sort in SORTS else "osaka"
    table = distribution_table(db, release, group, sort, lang)
    return fig.dx_distribution_figure(table, lang), rows(table, DIST_COLUMNS)
