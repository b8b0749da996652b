"""Municipality profile (/municipality/<code>): any of Japan's 1,741 municipalities by its 5-digit JIS code: its My
Number card issuance rate against its prefecture and Japan, its position among municipalities of similar
population, and the programmes, projects and pilots of the strategy documents that involve it."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from smartcity import citations
from smartcity.components import Col, around_mark, chart_card, missing, no_database, table_twin, with_values, year_ends
from smartcity.figures import dx as fdx
from smartcity.figures import municipal as fm
from smartcity.format import date
from smartcity.i18n import bi, lang_of, tr
from smartcity.queries import common, dx, municipal
from smartcity.settings import db_path


def _title(code: str | None = None, **_kw) -> str:
    """Browser title: the code only when it is one (never echo arbitrary path text)."""
    return f"市町村 {code} / Municipality {code}" if municipal.valid_code(code) else "市町村 / Municipality"


dash.register_page(__name__, path_template="/municipality/<code>", name="市町村 / Municipality", title=_title)

PREFIX = "mp"
SERIES_KEY, PEERS_KEY, PROGRAMMES_KEY = f"{PREFIX}-series", f"{PREFIX}-peers", f"{PREFIX}-programmes"
DX_KEY, PROCS_KEY, HOLDING_KEY = f"{PREFIX}-dx", f"{PREFIX}-procs", f"{PREFIX}-holding"
DX_COLUMNS = [Col("group", "区分", "Group", wrap=True), Col("indicator", "項目", "Item", flex=2, wrap=True),
              Col("value", "この市町村", "This municipality", flex=2, wrap=True),
              Col("osaka", "大阪府内", "Osaka Prefecture", flex=2, wrap=True), Col("japan", "全国", "Japan", flex=2, wrap=True),
              Col("peers", "人口規模の近い団体", "Similar-size peers", flex=2, wrap=True),
              Col("description", "説明", "Description", flex=3, wrap=True)]
PROCS_COLUMNS = [Col("group", "区分", "Group", wrap=True), Col("procedure", "手続", "Procedure", flex=3, wrap=True),
                 Col("rate", "オンライン申請率（％）", "Online application rate (%)", True, wrap=True),
                 Col("shown", "表示", "Shown as", wrap=True),
                 Col("osaka_median", "大阪府内の中央値（％）", "Osaka median (%)", True, wrap=True),
                 Col("japan_median", "全国の中央値（％）", "Japan median (%)", True, wrap=True),
                 Col("peers_median", "人口規模の近い団体の中央値（％）", "Similar-size peers median (%)", True, wrap=True)]
HOLDING_COLUMNS = [Col("who", "対象", "Who", flex=2, wrap=True), Col("kind", "値の種類", "Value", flex=2, wrap=True),
                   Col("value", "保有率（％）", "Holding rate (%)", True)]
# names, dates and values first, codes last: on a phone the value is on the table's first screen
SERIES_COLUMNS = [Col("name", "地域", "Area"), Col("snapshot", "時点", "Snapshot"),
                  Col("rate", "交付率（％）", "Issuance rate (%)", True),
                  Col("cards_issued", "交付枚数", "Cards issued", True, number_format=",d"),
                  Col("population", "人口", "Population", True, number_format=",d"), Col("geo_code", "コード", "Code")]
PEER_COLUMNS = [Col("rank", "順位", "Rank", True), Col("name", "市区町村", "Municipality"),
                Col("rate", "交付率（％）", "Issuance rate (%)", True), Col("self", "この市町村", "This municipality"),
                Col("prefecture", "都道府県", "Prefecture"),
                Col("population", "人口", "Population", True, number_format=",d"), Col("geo_code", "コード", "Code")]
PROGRAMME_COLUMNS = [Col("kind", "種別", "Kind", wrap=True), Col("title", "名称", "Title", flex=3, wrap=True),
                     Col("detail", "分野・事業者など", "Field / operator", flex=2, wrap=True),
                     Col("area", "区・エリア", "Ward / area", flex=2, wrap=True),
                     Col("period", "年度・期間", "Year / period", wrap=True),
                     Col("stage", "段階・区分", "Stage / kind", wrap=True),
                     Col("source", "出典（文書・節）", "Source (document, section)", flex=4, wrap=True)]


def _link(path: str, lang: str) -> str:
    return path + ("?lang=en" if lang == "en" else "")


def _message(ja: str, en: str, lang: str, extra=None) -> html.Div:
    return html.Div([
        html.H1(tr("市町村のページ", "Municipality page", lang), className="h3 mt-3"),
        dbc.Alert([tr(ja, en, lang), *([html.Br(), extra] if extra is not None else [])], color="warning",
                  className="border", id=f"{PREFIX}-message"),
        dcc.Link(tr("← 市町村DX（地図）へ", "← Municipal DX (map)", lang), href=_link("/municipalities", lang)),
    ], id=f"{PREFIX}-page")


def layout(code: str | None = None, lang: str | None = None, **_query) -> html.Div:
    """The profile of one municipality, or a clear message when the code is not one."""
    lang = lang_of(lang)
    db = db_path()
    if not db.is_file():
        return no_database(lang, PREFIX)
    code = (code or "").strip()
    shown = code[:20]
    if not code:
        return _message("市区町村コードが指定されていません。5桁の団体コード（例：27100 大阪市）を指定してください。",
                        "No municipality code given. Use a 5-digit JIS code (e.g. 27100 for Osaka City).", lang)
    if not municipal.valid_code(code):
        return _message(f"「{shown}」は市区町村コードではありません。5桁の団体コード（例：27100 大阪市）を指定してください。",
                        f"'{shown}' is not a municipality code. Use a 5-digit JIS code (e.g. 27100 for Osaka City).",
                        lang)
    prof = municipal.profile(db, code)
    if prof.empty:
        return _message(f"コード {shown} の市区町村は見つかりません（全国 1,741 市区町村が対象です）。",
                        f"No municipality has the code {shown} (the dashboard covers Japan's 1,741 municipalities).",
                        lang)
    p = prof.iloc[0]
    if p.level == "ward":
        return _message(f"{p.name_ja}（{p.geo_code}）は{p.parent_name_ja}の行政区です。市のページをご覧ください。",
                        f"{fm.name(p, 'en')} ({p.geo_code}) is a ward of {fm.name(p, 'en', 'parent_name')}; "
                        "see the city's page.", lang,
                        dcc.Link(fm.name(p, lang, "parent_name"), href=_link(f"/municipality/{p.parent_code}", lang),
                                 id=f"{PREFIX}-parent-link"))
    if p.level != "municipality":
        return _message(f"コード {p.geo_code}（{p.name_ja}）は市区町村ではありません。",
                        f"The code {p.geo_code} ({fm.name(p, 'en')}) is not a municipality.", lang)
    code = p.geo_code
    series, peers = municipal.rate_series(db, code), municipal.peers(db, code)
    involved = municipal.involvement(db, code)
    src = common.sources(db).set_index("source_id").loc["mynumbercard"]
    mn_source_ja, mn_source_en = citations.open_data(src, "ja"), citations.open_data(src, "en")
    dx_parts = _dx_parts(db, code, p, lang)
    return html.Div([
        _header(p, lang),
        dbc.Row([dbc.Col(chart_card(SERIES_KEY, "マイナンバーカード交付率の推移（都道府県・全国との比較）",
                   "My Number card issuance rate over time, against its prefecture and Japan",
                   fm.rate_series_figure(series, lang), _series_table(series, lang), SERIES_COLUMNS,
                   mn_source_ja, mn_source_en, lang,
                   note=tr("交付率＝交付枚数÷人口（住民基本台帳）。太い実線がこの市町村、破線・点線などが比較対象です。",
                           "Rate = cards issued ÷ population (resident register). The thick solid line is this "
                           "municipality; the comparators differ by dash and marker.", lang),
                   filename=f"mynumber_issuance_{code}", as_of=_last(series, "period_end"),
                   print_rows=year_ends("snapshot", "geo_code", pivot=("rate", "name")), print_mm=62), lg=8),
                 dbc.Col(dx_parts["holding"], lg=4)]),
        _peers_card(p, peers, mn_source_ja, mn_source_en, lang),
        dx_parts["profile"],
        dx_parts["procs"],
        _programmes_card(p, involved, lang),
        dcc.Link(tr("← 市町村DX（地図）へ", "← Municipal DX (map)", lang), href=_link("/municipalities", lang),
                 id=f"{PREFIX}-back"),
    ], id=f"{PREFIX}-page")


def _header(p, lang: str) -> html.Div:
    kind = fm.KIND.get(p.kind, (p.kind, p.kind))
    has_en = isinstance(p.name_en, str) and p.name_en
    title = bi(p.name_ja, p.name_en, lang) if has_en else [p.name_ja]
    pref = fm.name(p, lang, "pref_name")
    if pd.notna(p.population):
        population = tr(f"{int(p.population):,} 人（住民基本台帳 {date(p.population_date)}、{date(p.snapshot_date)} 公表分）",
                        f"{int(p.population):,} (resident register {date(p.population_date)}, snapshot "
                        f"{date(p.snapshot_date)})", lang)
        rate = fm.pct(100 * p.cards_issued / p.population) + tr(f"（{date(p.snapshot_date)} 時点）",
                                                                 f" (as of {date(p.snapshot_date)})", lang)
    else:
        population = rate = tr("データなし", "no data", lang)
    facts = [
        (tr("都道府県", "Prefecture", lang), pref),
        (tr("種別", "Kind", lang), tr(*kind, lang) + (tr(f"（{p.county_ja}）", f" ({p.county_ja})", lang)
                                                     if isinstance(p.county_ja, str) else "")),
        (tr("団体コード（5桁・JIS）", "Code (5-digit JIS)", lang), str(p.geo_code)),
        (tr("全国地方公共団体コード（6桁）", "Local government code (6-digit)", lang), str(p.lg_code)),
        (tr("人口", "Population", lang), population),
        (tr("マイナンバーカード交付率", "My Number card issuance rate", lang), rate),
    ]
    return html.Div([
        html.H1(title, className="h3 mt-3", id=f"{PREFIX}-name"),
        html.P(tr("英語名は市区町村マスターにないため日本語名を表示しています。", "The master has no English name for this "
                  "municipality; its Japanese name is shown.", lang), className="small text-body-secondary")
        if lang == "en" and not has_en else None,
        html.Dl([item for label, value in facts for item in (html.Dt(label, className="col-sm-4 col-lg-3"),
                                                             html.Dd(value, className="col-sm-8 col-lg-9 mb-1"))],
                className="row small mb-3", id=f"{PREFIX}-facts"),
    ])


def _series_table(series: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        "name": [tr("全国", "Japan", lang) if r.role == "nation" else fm.name(r, lang) for r in series.itertuples()],
        "geo_code": series["geo_code"], "snapshot": [date(d) for d in series["period_end"]],
        "rate": series["value"].round(2), "cards_issued": series["numerator"], "population": series["denominator"],
    })


def _peers_card(p, peers: pd.DataFrame, source_ja: str, source_en: str, lang: str):
    low, high = municipal.PEER_BAND
    if peers.empty or not peers["is_self"].any():
        return missing("人口規模の近い市区町村との比較に使うデータがありません。",
                       "No data to compare with municipalities of similar population.", lang, PEERS_KEY)
    me = peers[peers["is_self"]].iloc[0]
    bounds = (f"{int(me.population * low):,}〜{int(me.population * high):,} 人",
              f"{int(me.population * low):,}–{int(me.population * high):,}")
    rank = fm.rank_text(peers, lang)
    sentence = tr(f"{date(me.snapshot_date)} 時点で人口がこの市町村の {low:g}〜{high:g} 倍（{bounds[0]}）の全国 {int(me.n)} 団体のうち、"
                  f"交付率は {fm.pct(me.rate)} で {rank}。",
                  f"As of {date(me.snapshot_date)}, among the {int(me.n)} municipalities in Japan whose population is "
                  f"{low:g}x–{high:g}x this one's ({bounds[1]}), its rate of {fm.pct(me.rate)} is {rank}.", lang)
    table = pd.DataFrame({
        "rank": peers["rank"], "geo_code": peers["geo_code"], "name": [fm.name(r, lang) for r in peers.itertuples()],
        "prefecture": [fm.name(r, lang, "pref_name") for r in peers.itertuples()], "population": peers["population"],
        "rate": peers["rate"].round(2), "self": [tr("●", "●", lang) if s else "" for s in peers["is_self"]],
    })
    return html.Div([
        html.P(sentence, className="small fw-semibold", id=f"{PREFIX}-rank"),
        chart_card(PEERS_KEY, f"人口規模の近い市区町村（人口 {low:g}〜{high:g} 倍）の中での交付率",
                   f"Issuance rate among municipalities of similar population ({low:g}x–{high:g}x)",
                   fm.peers_figure(peers, municipal.PEER_BAND, lang), table, PEER_COLUMNS, source_ja, source_en, lang,
                   note=[html.Span(tr("箱ひげ図は中央値と四分位範囲、○は各団体、★がこの市町村です。",
                                      "The box shows the median and quartiles, each circle one municipality, the star "
                                      "this one. ", lang), className="screen-only"),  # the chart is not on paper
                         tr("順位は交付率の高い順（同率は同順位）。", "Rank 1 is the highest rate (ties share a rank).", lang)],
                   filename=f"mynumber_issuance_peers_{p.geo_code}", as_of=_last(peers, "snapshot_date"),
                   print_chart=False, print_rows=around_mark("self", 4)),  # on paper: the sentence and the ranks
    ])


def _programmes_card(p, involved: pd.DataFrame, lang: str) -> dbc.Card:
    title = tr("関係する事業・プロジェクト・実証", "Programmes, projects and pilots involving it", lang)
    if not p.is_osaka:
        body = [missing("戦略文書（大阪府・大阪市）は府内の市町村の事業のみを扱っています。この市区町村に関係する記載はありません。",
                        "The strategy documents (Osaka Prefecture and Osaka City) cover Osaka's municipalities only; "
                        "they name no programme for this municipality.", lang, PROGRAMMES_KEY)]
    else:
        table = fm.involvement_table(involved, lang)
        named = table[involved["kind"].to_numpy() != "support_all"] if not table.empty else table
        intro = (tr(f"戦略文書でこの市町村（またはその区）が名指しされた事業は {len(named)} 件です。",
                    f"The strategy documents name this municipality (or one of its wards) in {len(named)} "
                    f"entr{'y' if len(named) == 1 else 'ies'}.", lang) if len(named) else
                 tr("戦略文書でこの市町村を名指しした事業・プロジェクト・実証はありません（府内全市町村が対象の支援事業のみ）。",
                    "The strategy documents name no programme, project or pilot for this municipality (only the "
                    "prefecture's support for all 43 municipalities applies).", lang))
        items = [html.Li([html.Strong(f"{r.kind}：" if lang == "ja" else f"{r.kind}: "), r.title,
                          "" if not r.area or r.area in r.title else (f"（{r.area}）" if lang == "ja" else f" ({r.area})"),
                          html.Span(f" {r.period}・{r.stage}" if lang == "ja" else f" · {r.period} · {r.stage}",
                                    className="text-body-secondary"),
                          html.Div(citations.source_line(r.source, lang), className="small text-body-secondary "
                                   "screen-only")],
                         className="mb-2")
                 for r in table.itertuples()]
        body = [html.P(intro, className="small", id=f"{PREFIX}-programmes-intro"),
                html.Ul(items, className="small", id=f"{PREFIX}-programmes-list") if items else None,
                html.P([html.Strong(tr("出典：", "Sources: ", lang)), citations.cite_rows(involved, lang)],
                       className="small text-body-secondary print-only") if items else None,  # each once on paper
                html.Details([html.Summary(tr("表とダウンロード", "Table and download", lang)),
                              table_twin(PROGRAMMES_KEY, table, PROGRAMME_COLUMNS, lang,
                                         filename=f"strategy_programmes_{p.geo_code}",
                                         title=("戦略文書に記載された事業", "Programmes named in the strategy documents"),
                                         source=(citations.cite_rows(involved, "ja"),
                                                 citations.cite_rows(involved, "en")))],
                             className="small")
                if items else None]
    return dbc.Card(dbc.CardBody([html.H3(title, className="h6 card-title"), *body]), className="mb-4",
                    id=f"{PROGRAMMES_KEY}-card")



# --- the Digital Agency's municipal DX release ------------------------------------------------------------------------


def _dx_parts(db, code: str, p, lang: str) -> dict:
    """The card holding rate (beside the issuance series), the 15 indicators in words and every procedure's online
    application rate against the Osaka, Japan and peers medians."""
    release = dx.release_date(db)
    ind = dx.municipality_indicators(db, code)
    if release is None or ind.empty or not ind["reported"].any() and (ind["not_reported_reason"] == "no_row").all():
        note = missing("この市町村の自治体DX推進状況（デジタル庁）のデータがありません。",
                       "No municipal DX figures (Digital Agency) for this municipality.", lang, DX_KEY)
        return {"holding": html.Div(), "profile": note, "procs": html.Div()}
    dists = pd.concat([dx.distributions(db, ("osaka", "japan")), dx.distribution(db, "peers", code)],
                      ignore_index=True)
    peers_n = dists.loc[dists["area"] == "peers", "n"]
    n_peers = int(peers_n.iloc[0]) if len(peers_n) else 0
    self_name = fm.name(p, lang)
    credit = citations.dx_credit(release, lang)
    low, high = municipal.PEER_BAND
    peers_text = tr(f"人口規模の近い団体＝人口がこの市町村の {low:g}〜{high:g} 倍の全国 {n_peers} 団体（この市町村を含む、"
                    "マイナンバーカード交付状況の最新時点の人口）。",
                    f"Similar-size peers = the {n_peers} municipalities in Japan whose population is {low:g}x–{high:g}x "
                    "this one's (itself included; population at the latest My Number snapshot).", lang) \
        if n_peers else tr("人口が分からないため、人口規模の近い団体との比較はありません。",
                           "The population is unknown, so there is no comparison with similar-size peers.", lang)
    # the holding rate, beside (never joined with) the issuance series
    holding = fdx.holding_rows(ind, dists, self_name, lang)
    me = holding.iloc[0]["value"]
    holding_card = dbc.Card(dbc.CardBody([
        html.H3(tr("マイナンバーカード保有率（デジタル庁）", "My Number card holding rate (Digital Agency)", lang),
                className="h6 card-title"),
        html.P([html.Span(fdx.pct(me) if me is not None else tr("報告なし", "not reported", lang),
                          className="fs-3 fw-bold me-2"),
                tr(f"（{citations.release_date(release, 'ja')}更新）", f"(updated {citations.release_date(release, 'en')})",
                   lang)],
               className="mb-1", id=f"{HOLDING_KEY}-value"),
        html.P(tr("保有率（デジタル庁、2024年）は住民のうちカードを保有している人の割合、左の交付率（総務省、2017〜2022年）は人口に"
                  "対する交付枚数の割合です。定義も時点も異なるため、二つを一本の線につなげたり差し引いたりはできません。",
                  "The holding rate (Digital Agency, 2024) is the share of residents who hold a card; the issuance "
                  "rate beside it (MIC, 2017–2022) is cards issued per population. Their definitions and dates "
                  "differ, so they are shown side by side and never joined into one series.", lang),
               className="small", id=f"{HOLDING_KEY}-why"),
        table_twin(HOLDING_KEY, holding, HOLDING_COLUMNS, lang, filename=f"mynumber_holding_rate_{code}", as_of=release,
                   title=("マイナンバーカード保有率（デジタル庁）", "My Number card holding rate (Digital Agency)"),
                   source=(citations.dx_credit(release, "ja"), citations.dx_credit(release, "en"))),
        html.P([html.Strong(tr("出典：", "Source: ", lang)), credit],
               className="small text-body-secondary mt-2 mb-0", id=f"{HOLDING_KEY}-source"),
    ]), className="mb-4", id=f"{HOLDING_KEY}-card")
    # the 15 indicators in words
    table = fdx.indicator_profile(ind, dists, lang)
    booleans = ind[ind["value_type"] == "boolean"]
    done = int((booleans["reported"] & booleans["value_bool"].fillna(False).astype(bool)).sum())
    surveyed = int(booleans["reported"].sum())
    summary = (tr(f"{self_name}は、推進体制・業務のDXの{len(booleans)}項目のうち {done} 項目を実施しています"
                  f"（回答 {surveyed} 項目）。", f"{self_name} has {done} of the {len(booleans)} set-up and "
                  f"operations items in place ({surveyed} answered).", lang))
    items = [html.Li([html.Strong(f"{r.indicator}："if lang == "ja" else f"{r.indicator}: "), r.value])
             for r in table.itertuples()]
    profile = dbc.Card(dbc.CardBody([
        html.H3(tr("自治体DXの取組状況（15項目）", "Municipal DX profile (15 items)", lang), className="h6 card-title"),
        html.P(summary, className="small fw-semibold", id=f"{DX_KEY}-summary"),
        html.Ul(items, className="small columns-lg-2", id=f"{DX_KEY}-list"),
        html.P(peers_text, className="small text-body-secondary mb-1"),
        html.Details([html.Summary(tr("表とダウンロード（大阪府内・全国・人口規模の近い団体との比較）",
                                      "Table and download (with Osaka, Japan and similar-size peers)", lang)),
                      table_twin(DX_KEY, table, DX_COLUMNS, lang, page_size=15, filename=f"municipal_dx_profile_{code}",
                                 as_of=release, title=("自治体DXの取組状況（15項目）", "Municipal DX profile (15 items)"),
                                 source=(citations.dx_credit(release, "ja"), citations.dx_credit(release, "en")))],
                     open=False, className="small"),
        html.P([html.Strong(tr("出典：", "Source: ", lang)), credit],
               className="small text-body-secondary mt-2 mb-0", id=f"{DX_KEY}-source"),
    ]), className="mb-4", id=f"{DX_KEY}-card")
    # every procedure against the medians
    comp = fdx.procedure_comparison(dx.municipality_procedures(db, code), dists)
    handled = int(comp["reported"].sum())
    procs = chart_card(
        PROCS_KEY, "行政手続のオンライン申請率（大阪府内・全国・人口規模の近い団体の中央値との比較）",
        "Online application rate of each procedure, against the Osaka, Japan and similar-size peers medians",
        fdx.procedure_comparison_figure(comp, self_name, lang, has_peers=n_peers > 0), fdx.comparison_table(comp, lang),
        PROCS_COLUMNS, citations.dx_credit(release, "ja"), citations.dx_credit(release, "en"), lang,
        note=tr(f"オンライン申請率＝申請のうちオンラインで行われたものの割合。{len(comp)} 手続のうち {handled} 手続に値があります。"
                "「⊘」の手続は取扱いなし・報告なしで、0 % ではありません（★を描きません）。中央値は値のある団体だけで計算しています。"
                + peers_text,
                f"Online application rate = share of applications made online. {handled} of the {len(comp)} "
                "procedures have a value. '⊘' marks a procedure not handled / not reported here: it is not 0 % "
                "(no star is drawn). Medians are over the municipalities with a value. " + peers_text, lang),
        filename=f"online_application_rates_{code}", as_of=release,
        print_chart=False, print_rows=with_values("rate", omit=("shown",)))  # 52 rows: a table reads better
    return {"holding": holding_card, "profile": profile, "procs": procs}


def _last(frame: pd.DataFrame, column: str):
    """The newest date in a column (None when there is none)."""
    return frame[column].max() if column in frame and len(frame) and frame[column].notna().any() else None
