"""Compare (/compare): up to five of Japan's 1,741 municipalities side by side on every DX indicator and every
municipal procedure of the Digital Agency's DX dashboard; the choice lives in the address (?codes=27100,27140)."""
from __future__ import annotations

import re
from typing import NamedTuple

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, dcc, html

from smartcity import urlstate
from smartcity.components import Col, chart_card, grid_id, missing, no_database, page_header, rows
from smartcity.export import to_csv_bytes
from smartcity.figures import compare as fig
from smartcity.i18n import lang_of, tr
from smartcity.queries import compare
from smartcity.settings import db_path

dash.register_page(__name__, path="/compare", name="比較 / Compare", title="比較 / Compare")

PREFIX = "cmp"
CHART = f"{PREFIX}-chart"
DEFAULT_CODES = ("27100", "27140")  # 大阪市, 堺市
DEFAULT_PREF = "27"
CODE = re.compile(r"\d{5}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CHART_COLUMNS = [Col("indicator", "指標", "Indicator", flex=2, min_width=180, wrap=True),
                 Col("geo_code", "コード", "Code", min_width=90),
                 Col("municipality", "市区町村", "Municipality", flex=2, min_width=150, wrap=True),
                 Col("value_pct", "割合（%）", "Share (%)", True, number_format=".1~f"),
                 Col("numerator", "分子", "Numerator", True), Col("denominator", "分母", "Denominator", True),
                 Col("shown", "表示", "As shown", min_width=130, wrap=True),
                 Col("median_pct", "全国の市区町村の中央値（%）", "Japan: median of municipalities (%)", True,
                     min_width=130, number_format=".1~f"),
                 Col("n_reported", "中央値の対象団体数", "Municipalities in the median", True, min_width=130,
                     number_format=",")]

urlstate.sync_url(PREFIX, {"codes": (f"{PREFIX}-codes", "data")})


class ParsedCodes(NamedTuple):
    """Codes from the address: the ones kept, and the ones ignored with the reason."""

    codes: list[str]
    malformed: list[str]
    unknown: list[str]
    dropped: list[str]
    duplicates: list[str]
    default: bool = False


def parse_codes(raw, known: set[str]) -> ParsedCodes:
    """Parse ?codes= (comma-separated 5-digit codes; a list when repeated): keep known municipalities, in order, at
    most five; no parameter at all means the default (大阪市, 堺市)."""
    if raw is None:
        return ParsedCodes([c for c in DEFAULT_CODES if c in known], [], [], [], [], default=True)
    parts = raw if isinstance(raw, list | tuple) else [raw]
    out = ParsedCodes([], [], [], [], [])
    for part in parts:
        for token in str(part).split(","):
            token = token.strip()
            if not token:
                continue
            shown = token[:12]  # never echo long input
            if not CODE.fullmatch(token):
                out.malformed.append(shown)
            elif token not in known:
                out.unknown.append(token)
            elif token in out.codes or token in out.dropped:
                out.duplicates.append(token)
            elif len(out.codes) >= fig.MAX_CODES:
                out.dropped.append(token)
            else:
                out.codes.append(token)
    return out


def valid_release(release, releases: list[str]) -> str | None:
    """The release asked for when it exists, else the newest (None without any release)."""
    if isinstance(release, str) and DATE.fullmatch(release) and release in releases:
        return release
    return releases[0] if releases else None


def change_codes(codes: list[str], action: str, code: str | None) -> tuple[list[str], str | None]:
    """Add or remove one code; returns the new list and the reason a change was refused (None when done)."""
    codes = [c for c in (codes or []) if isinstance(c, str) and CODE.fullmatch(c)][:fig.MAX_CODES]
    if action == "remove":
        return [c for c in codes if c != code], None
    if not isinstance(code, str) or not CODE.fullmatch(code):
        return codes, "choose"
    if code in codes:
        return codes, "already"
    if len(codes) >= fig.MAX_CODES:
        return codes, "full"
    return codes + [code], None


def _suffix(lang: str) -> str:
    return "?lang=en" if lang == "en" else ""


def _messages(parsed: ParsedCodes, release_asked, release: str, lang: str) -> list:
    """The alerts about what the address asked for and what is shown instead."""
    out = []
    if parsed.malformed:
        out.append(tr(f"5桁の数字ではないため無視しました：{'、'.join(parsed.malformed)}",
                      f"Ignored (not a 5-digit code): {', '.join(parsed.malformed)}", lang))
    if parsed.unknown:
        out.append(tr(f"該当する市区町村がないため無視しました：{'、'.join(parsed.unknown)}"
                      "（都道府県・政令指定都市の区のコードは使えません）",
                      f"Ignored (no municipality has this code): {', '.join(parsed.unknown)} (codes of prefectures and "
                      "of the wards of designated cities are not municipalities here)", lang))
    if parsed.duplicates:
        out.append(tr(f"重複したコードは1回だけ表示します：{'、'.join(dict.fromkeys(parsed.duplicates))}",
                      f"Shown once (given twice): {', '.join(dict.fromkeys(parsed.duplicates))}", lang))
    if parsed.dropped:
        out.append(tr(f"比較できるのは{fig.MAX_CODES}団体までです。最初の{fig.MAX_CODES}団体を表示し、次を除きました："
                      f"{'、'.join(parsed.dropped)}",
                      f"At most {fig.MAX_CODES} municipalities can be compared: the first {fig.MAX_CODES} are shown, "
                      f"these were left out: {', '.join(parsed.dropped)}", lang))
    if release_asked not in (None, "", release):
        shown = str(release_asked)[:12]
        out.append(tr(f"指定された公表日 {shown} のデータはないため、{release} のデータを表示しています。",
                      f"There is no release dated {shown}; showing the release of {release}.", lang))
    return [dbc.Alert(m, color="warning", className="border py-2 mb-2", id=f"{PREFIX}-alert-{i}")
            for i, m in enumerate(out)]


def _hint(parsed: ParsedCodes, lang: str):
    if parsed.default:
        return dbc.Alert(tr("大阪市と堺市を表示しています。都道府県と市区町村を選んで「追加」を押すと、最大5団体まで並べて比べられます。"
                            "選んだ団体はアドレス（?codes=27100,27140）に入るので、そのまま共有できます。",
                            "Showing Osaka City and Sakai City. Choose a prefecture and a municipality and press "
                            "“Add” to compare up to five; the choice is kept in the address (?codes=27100,27140), "
                            "so it can be bookmarked and shared.", lang),
                         color="info", className="border py-2 mb-2", id=f"{PREFIX}-default-hint")
    return None


def _announce(old: list[str], new: list[str], munis: pd.DataFrame, lang: str) -> html.Span:
    """A screen-reader announcement of what was added or removed (the removed button takes the focus with it)."""
    labels = fig.municipality_labels(munis, sorted(set(old) ^ set(new)), lang)
    added = [labels[c] for c in new if c not in old]
    removed = [labels[c] for c in old if c not in new]
    text = (tr(f"{'、'.join(added)}を追加しました。", f"Added {', '.join(added)}.", lang) if added else
            tr(f"{'、'.join(removed)}を外しました。", f"Removed {', '.join(removed)}.", lang) if removed else "")
    return html.Span(text, className="visually-hidden", id=f"{PREFIX}-announce")


def _refusal(reason: str, lang: str) -> dbc.Alert:
    text = {"choose": ("追加する市区町村を選んでください。", "Choose a municipality to add."),
            "already": ("その市区町村はすでに比較に入っています。", "That municipality is already in the comparison."),
            "full": (f"比較できるのは{fig.MAX_CODES}団体までです。追加するには、先にどれかを削除してください。",
                     f"At most {fig.MAX_CODES} municipalities: remove one before adding another.")}[reason]
    return dbc.Alert(tr(*text, lang), color="warning", className="border py-2 mb-2", id=f"{PREFIX}-refusal")


# ---- controls ----------------------------------------------------------------------------------------------------

def _pref_options(munis: pd.DataFrame, lang: str) -> list[dict]:
    prefs = munis.drop_duplicates("pref_code")
    return [{"label": f"{r.pref_code} {tr(r.pref_name_ja, en if isinstance(en, str) else r.pref_name_ja, lang)}",
             "value": r.pref_code} for r in prefs.itertuples(index=False) for en in [r.pref_name_en]]


def muni_options(munis: pd.DataFrame, pref: str, lang: str) -> list[dict]:
    """The municipalities of one prefecture as options of the native select ('大阪市 27100')."""
    part = munis[munis["pref_code"] == pref]
    return [{"label": f"{tr(r.name_ja, r.name_en if isinstance(r.name_en, str) and r.name_en else r.name_ja, lang)}"
                      f" ({r.geo_code})", "value": r.geo_code} for r in part.itertuples(index=False)]


def _controls(munis: pd.DataFrame, codes: list[str], lang: str) -> html.Div:
    pref = DEFAULT_PREF
    options = muni_options(munis, pref, lang)
    value = next((o["value"] for o in options if o["value"] not in codes), options[0]["value"] if options else None)
    return html.Div([
        html.H2(tr("比べる市区町村を選ぶ", "Choose the municipalities", lang), className="h6 mb-2"),
        dbc.Row([
            dbc.Col([html.Label(tr("都道府県", "Prefecture", lang), htmlFor=f"{PREFIX}-pref",
                                className="form-label small fw-semibold mb-1"),
                     dbc.Select(id=f"{PREFIX}-pref", value=pref, options=_pref_options(munis, lang))], xs=12, sm=5,
                    md=4),
            dbc.Col([html.Label(tr("市区町村", "Municipality", lang), htmlFor=f"{PREFIX}-muni",
                                className="form-label small fw-semibold mb-1"),
                     dbc.Select(id=f"{PREFIX}-muni", value=value, options=options)], xs=12, sm=5, md=4),
            dbc.Col(dbc.Button([html.I(className="bi bi-plus-circle me-1", **{"aria-hidden": "true"}),
                                tr("追加", "Add", lang)], id=f"{PREFIX}-add", color="primary", className="w-100"),
                    xs=12, sm=2, md=2, className="d-flex align-items-end"),
        ], className="g-2 mb-2"),
        html.Div(_chosen(munis, codes, lang), id=f"{PREFIX}-chosen"),
    ], className="border rounded p-3 mb-3 bg-body-tertiary", id=f"{PREFIX}-controls")


def _chosen(munis: pd.DataFrame, codes: list[str], lang: str) -> html.Div:
    """The chosen municipalities, each with a remove button."""
    labels = fig.municipality_labels(munis, codes, lang)
    head = html.Span(tr(f"比較中（{len(codes)}/{fig.MAX_CODES}団体）：", f"Comparing ({len(codes)} of {fig.MAX_CODES}): ",
                        lang), className="small fw-semibold me-2")
    if not codes:
        return html.Div([head, html.Span(tr("まだ選ばれていません。", "none chosen yet.", lang), className="small")])
    items = [html.Li([html.Span(labels[c], className="me-1"),
                      html.Button(html.I(className="bi bi-x-lg", **{"aria-hidden": "true"}),
                                  id={"type": f"{PREFIX}-remove", "code": c}, type="button",
                                  className="btn btn-sm btn-outline-secondary py-0 px-1",
                                  title=tr(f"{labels[c]}を比較から外す", f"Remove {labels[c]}", lang),
                                  **{"aria-label": tr(f"{labels[c]}を比較から外す", f"Remove {labels[c]}", lang)})],
                     className="d-inline-flex align-items-center border rounded-pill px-2 py-1 me-2 mb-1 bg-body")
             for c in codes]
    return html.Div([head, html.Ul(items, className="list-unstyled d-inline m-0 p-0")])


# ---- content -----------------------------------------------------------------------------------------------------

def _cell(text: str, state: str) -> html.Td:
    icon = fig.state_icon(state)
    colour = {"yes": "text-success", "no": "text-danger"}.get(state, "text-body-secondary")
    parts = [html.I(className=f"bi {icon} me-1 {colour}", **{"aria-hidden": "true"})] if icon else []
    cls = "text-nowrap" if state in ("value", "yes", "no") else "small text-body-secondary"
    return html.Td(parts + [text], className=f"cmp-cell cmp-{state} {cls}")


STICKY = {"position": "sticky", "left": 0, "zIndex": 1, "background": "var(--bs-body-bg)", "minWidth": "9.5rem",
          "maxWidth": "18rem"}
PINNED = {"position": "sticky", "left": "0.5rem", "display": "inline-block", "maxWidth": "calc(100vw - 3rem)"}
HEAD = {"position": "sticky", "top": 0, "zIndex": 2, "background": "var(--bs-body-bg)"}


def comparison_html(cells: pd.DataFrame, munis: pd.DataFrame, codes: list[str], lang: str) -> html.Div:
    """The main table: a row per indicator then per procedure (group headings between), a column per municipality."""
    if not codes or cells.empty:
        return missing("比較する市区町村を選んでください。", "Choose municipalities to compare.", lang, f"{PREFIX}-table")
    labels = munis.set_index("geo_code")
    head_cells = [html.Th(tr("項目", "Item", lang), scope="col", style=STICKY | HEAD | {"zIndex": 3})]
    for c in codes:
        r = labels.loc[c]
        name = tr(r.name_ja, r.name_en if isinstance(r.name_en, str) and r.name_en else r.name_ja, lang)
        pref = tr(r.pref_name_ja, r.pref_name_en if isinstance(r.pref_name_en, str) else r.pref_name_ja, lang)
        head_cells.append(html.Th([dcc.Link(name, href=f"/municipality/{c}{_suffix(lang)}",
                                            title=tr(f"{name}のページ", f"Page of {name}", lang)),
                                   html.Div(f"{pref} {c}", className="small fw-normal text-body-secondary")],
                                  scope="col", style=HEAD | {"minWidth": "7.5rem"}))
    body: list = []
    sections = {"indicator": tr("DX推進状況の指標（15項目）", "DX indicators (15)", lang),
                "procedure": tr("行政手続のオンライン申請率（申請のうちオンラインで行われた割合、市区町村の52手続）",
                                "Online application rate of procedures (share of applications made online; the 52 "
                                "municipal procedures)", lang)}
    n = len(codes)
    seen_section, seen_group = None, None
    for key, part in cells.groupby("row_key", sort=False):
        first = part.iloc[0]
        if first["section"] != seen_section:
            seen_section = first["section"]
            body.append(html.Tr(html.Th(html.Span(sections[seen_section], style=PINNED), colSpan=n + 1,
                                        scope="colgroup", className="table-secondary"), className="cmp-section"))
        if first["group"] != seen_group:
            seen_group = first["group"]
            body.append(html.Tr(html.Th(html.Span(seen_group, style=PINNED), colSpan=n + 1, scope="colgroup",
                                        className="small fw-semibold bg-body-tertiary ps-3"), className="cmp-group"))
        by_code = part.set_index("geo_code")
        label = html.Th(first["item"], scope="row", className="fw-normal small ps-3", style=STICKY,
                        title=first["description"] or None)
        body.append(html.Tr([label] + [_cell(by_code.at[c, "text"], by_code.at[c, "state"]) for c in codes],
                            id=f"{PREFIX}-row-{key}"))
    caption = tr("選んだ市区町村のDX推進状況とオンライン申請率", "DX progress and online application rates of the chosen "
                 "municipalities", lang)
    table = html.Table([html.Caption(caption, className="visually-hidden"),
                        html.Thead(html.Tr(head_cells), className="cmp-head"), html.Tbody(body)],
                       className="table table-sm table-bordered align-middle mb-0", id=f"{PREFIX}-table")
    return html.Div(table, className="table-responsive", style={"maxHeight": "75vh"}, tabIndex=0,
                    role="region", **{"aria-label": tr("比較表（縦・横にスクロールできます）",
                                                       "Comparison table (scrolls both ways)", lang)})


def legend(lang: str) -> html.P:
    """What the words in the table mean (not reported is never a zero)."""
    return html.P(tr("実施＝実施済み、未実施＝未実施、調査無し＝その項目が調査されていない（未実施ではない）、数値なし＝値が「%」のみで"
                     "数値がない、取扱いなし・報告なし＝オンライン申請率の欄が空欄（その手続を扱っていないか、報告がない。0 %ではない）。"
                     "項目名にポインターを合わせると説明が出ます。",
                     "Yes = done, No = not done, not surveyed = the item was not surveyed (not the same as No), no "
                     "figure = the cell holds only “%”, not handled or not reported = the rate is blank in the source "
                     "(the procedure is not handled or nothing was reported; not 0 %). Hover over an item for its "
                     "description.", lang), className="small text-body-secondary mb-2", id=f"{PREFIX}-legend")


class Content(NamedTuple):
    """Everything the page shows for a set of codes (used by the layout and by the callback)."""

    table: html.Div
    figure: object
    frame: pd.DataFrame
    note: list


def content(db, munis: pd.DataFrame, codes: list[str], release: str, lang: str) -> Content:
    """Query the release for the codes and build the table, the chart and its data."""
    indicators = compare.indicators(db, release, codes)
    procedures = compare.procedures(db, release, codes)
    medians = compare.medians(db, release)
    labels = fig.municipality_labels(munis, codes, lang)
    cells = fig.comparison_cells(indicators, procedures, lang)
    frame = fig.percent_frame(indicators, medians, labels, lang, fig.short_labels(munis, codes, lang))
    return Content(comparison_html(cells, munis, codes, lang), fig.percent_chart(frame, lang), frame,
                   _chart_note(medians, lang))


def _chart_note(medians: pd.DataFrame, lang: str) -> list:
    counts = tr("、", ", ", lang).join(f"{tr(r.name_ja, r.name_en, lang)} {r.n_reported:,}"
                                        for r in medians.itertuples(index=False))
    return [tr("◆と破線＝全国中央値：その公表で数値のある全国の市区町村の中央値（団体数：", "◆ and dashed line = Japan "
               "median: the median of Japan's municipalities with a figure in the release (number of municipalities: ",
               lang), counts,
            tr("）。マイナンバーカードの保有状況は保有率で、総務省の交付率とは別の指標です。26手続・32手続は「オンラインで申請できる"
               "手続の割合」で、実際にオンラインで申請された割合ではありません。値のない団体は棒を描かず、理由を文字で示します。",
               "). The My Number Card figure is the holding rate, a different measure from MIC's issuance rate. The "
               "26 and 32 procedures are the share of procedures that CAN be applied for online, not the share of "
               "applications made online. A municipality without a figure gets no bar but the reason in words.",
               lang)]


def _source_lines(db, release: str, lang: str) -> tuple[str, str, str]:
    src = compare.source(db)
    return fig.source_text(src, release, "ja"), fig.source_text(src, release, "en"), fig.source_text(src, release,
                                                                                                     lang)


def layout(lang: str | None = None, codes=None, release=None, **_query) -> html.Div:
    """The comparison for ?codes= (default 大阪市 and 堺市) in ?release= (default the newest release)."""
    lang = lang_of(lang)
    db = db_path()
    if not db.is_file():
        return no_database(lang, PREFIX)
    header = page_header("市区町村の比較", "Compare municipalities",
                         "全国1,741市区町村から最大5団体を選び、デジタル庁「自治体DX推進状況ダッシュボード」の全指標と、市区町村の52手続の"
                         "オンライン申請率を並べて比べます。",
                         "Choose up to five of Japan's 1,741 municipalities and compare them on every indicator of the "
                         "Digital Agency's local-government DX dashboard and on the online application rate of the 52 "
                         "municipal procedures.", lang)
    releases = compare.releases(db)
    release_ok = valid_release(release, releases)
    munis = compare.municipalities(db)
    if release_ok is None or munis.empty:
        return html.Div([header, missing("自治体DX推進状況ダッシュボードのデータがありません。",
                                         "No data from the local-government DX dashboard.", lang, PREFIX)],
                        id=f"{PREFIX}-page")
    parsed = parse_codes(codes, set(munis["geo_code"]))
    body = content(db, munis, parsed.codes, release_ok, lang)
    src_ja, src_en, src = _source_lines(db, release_ok, lang)
    alerts = [a for a in [_hint(parsed, lang), *_messages(parsed, release, release_ok, lang)] if a is not None]
    return html.Div([
        header,
        dcc.Store(id=f"{PREFIX}-codes", data=parsed.codes),
        dcc.Store(id=f"{PREFIX}-release", data=release_ok),
        dcc.Store(id=f"{PREFIX}-lang", data=lang),
        urlstate.url_sink(PREFIX),
        html.Div(alerts, id=f"{PREFIX}-message", role="status", **{"aria-live": "polite"}),
        _controls(munis, parsed.codes, lang),
        html.Section([
            html.H2(tr("DX推進状況と手続のオンライン申請率", "DX progress and online application rates", lang),
                     className="h5 mt-2"),
            legend(lang),
            html.Div(body.table, id=f"{PREFIX}-table-wrap"),
            html.P([html.Strong(tr("出典：", "Source: ", lang)), src], className="small text-body-secondary mt-2 mb-1",
                   id=f"{PREFIX}-source"),
            html.Div([
                dbc.Button([html.I(className="bi bi-download me-1", **{"aria-hidden": "true"}),
                            tr("表をCSVで（UTF-8, Excel 用）", "Table as CSV (UTF-8, for Excel)", lang)],
                           id=f"{PREFIX}-table-dl-utf8", size="sm", color="secondary", outline=True, className="me-2"),
                dbc.Button([html.I(className="bi bi-download me-1", **{"aria-hidden": "true"}),
                            tr("表をCSVで（Shift_JIS / CP932）", "Table as CSV (Shift_JIS / CP932)", lang)],
                           id=f"{PREFIX}-table-dl-cp932", size="sm", color="secondary", outline=True),
                dcc.Download(id=f"{PREFIX}-table-download"),
            ], className="mb-4"),
        ], id=f"{PREFIX}-section-table"),
        html.Section([
            html.H2(tr("割合の指標と全国の中央値", "Percentage indicators against Japan's median", lang),
                    className="h5 mt-3"),
            chart_card(CHART, "マイナンバーカード保有率・26手続・32手続のオンライン化状況",
                       "My Number Card holding rate and the share of the 26 and 32 procedures online",
                       body.figure, body.frame, CHART_COLUMNS, src_ja, src_en, lang, note=body.note),
        ], id=f"{PREFIX}-section-chart"),
    ], id=f"{PREFIX}-page")


# ---- callbacks ---------------------------------------------------------------------------------------------------

@dash.callback(Output(f"{PREFIX}-muni", "options"), Output(f"{PREFIX}-muni", "value"),
               Input(f"{PREFIX}-pref", "value"), State(f"{PREFIX}-codes", "data"), State(f"{PREFIX}-lang", "data"),
               prevent_initial_call=True)
def update_municipalities(pref: str, codes: list[str] | None, lang: str):
    """The municipalities of the chosen prefecture (the first one not yet compared is preselected)."""
    lang = lang_of(lang)
    options = muni_options(compare.municipalities(db_path()), pref if isinstance(pref, str) else "", lang)
    chosen = set(codes or [])
    value = next((o["value"] for o in options if o["value"] not in chosen), options[0]["value"] if options else None)
    return options, value


@dash.callback(
    Output(f"{PREFIX}-codes", "data"), Output(f"{PREFIX}-chosen", "children"), Output(f"{PREFIX}-message", "children"),
    Output(f"{PREFIX}-table-wrap", "children"), Output(f"{CHART}-graph", "figure"), Output(grid_id(CHART), "rowData"),
    Output(f"{CHART}-note", "children"),
    Input(f"{PREFIX}-add", "n_clicks"), Input({"type": f"{PREFIX}-remove", "code": ALL}, "n_clicks"),
    State(f"{PREFIX}-muni", "value"), State(f"{PREFIX}-codes", "data"), State(f"{PREFIX}-release", "data"),
    State(f"{PREFIX}-lang", "data"),
    prevent_initial_call=True,
)
def update(_add, _removes, muni: str | None, codes: list[str] | None, release: str | None, lang: str | None):
    """Add or remove a municipality: new codes (written to the address), chosen list, table, chart and its twin."""
    trigger = dash.ctx.triggered_id
    clicked = any(t.get("value") for t in dash.ctx.triggered) if dash.ctx.triggered else False
    if trigger is None or not clicked:  # a remove button that has just appeared fires once without a click
        return (dash.no_update,) * 7
    return apply_change(trigger, muni, codes, release, lang)


def apply_change(trigger, muni: str | None, codes: list[str] | None, release: str | None, lang: str | None):
    """The callback's work for a trigger ('cmp-add' or a remove button's id): the seven outputs."""
    lang = lang_of(lang)
    db = db_path()
    releases = compare.releases(db)
    release = valid_release(release, releases)
    munis = compare.municipalities(db)
    known = set(munis["geo_code"])
    current = [c for c in (codes or []) if c in known]
    if isinstance(trigger, dict) and trigger.get("type") == f"{PREFIX}-remove":
        new, refused = change_codes(current, "remove", trigger.get("code"))
    else:
        new, refused = change_codes(current, "add", muni if muni in known else None)
    message = [_refusal(refused, lang)] if refused else [_announce(current, new, munis, lang)]
    if release is None:
        return (new, _chosen(munis, new, lang), message, missing("データがありません。", "No data.", lang, PREFIX),
                dash.no_update, dash.no_update, dash.no_update)
    body = content(db, munis, new, release, lang)
    return (new, _chosen(munis, new, lang), message, body.table, body.figure, rows(body.frame, CHART_COLUMNS),
            body.note)


@dash.callback(Output(f"{PREFIX}-table-download", "data"), Input(f"{PREFIX}-table-dl-utf8", "n_clicks"),
               Input(f"{PREFIX}-table-dl-cp932", "n_clicks"), State(f"{PREFIX}-codes", "data"),
               State(f"{PREFIX}-release", "data"), State(f"{PREFIX}-lang", "data"), prevent_initial_call=True)
def download_table(_utf8, _cp932, codes: list[str] | None, release: str | None, lang: str | None):
    """The comparison table as shown (words, not codes of states) in the encoding of the button pressed."""
    if not dash.ctx.triggered_id:
        return dash.no_update
    return table_csv(codes, release, lang, "cp932" if dash.ctx.triggered_id.endswith("cp932") else "utf-8-sig")


def table_csv(codes: list[str] | None, release: str | None, lang: str | None, encoding: str) -> dict:
    """The download of the comparison table for the codes and release (invalid ones dropped)."""
    lang = lang_of(lang)
    db = db_path()
    release = valid_release(release, compare.releases(db))
    munis = compare.municipalities(db)
    known = set(munis["geo_code"])
    codes = [c for c in (codes or []) if c in known][:fig.MAX_CODES]
    labels = fig.municipality_labels(munis, codes, lang)
    cells = fig.comparison_cells(compare.indicators(db, release, codes), compare.procedures(db, release, codes), lang)
    frame = fig.comparison_table(cells, labels, lang)
    suffix = "utf8" if encoding == "utf-8-sig" else "cp932"
    return dcc.send_bytes(to_csv_bytes(frame, encoding), f"{PREFIX}-table_{release}_{suffix}.csv")
