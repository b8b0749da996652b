"""Overview (/): a tile per KPI, grouped by the 2030 plan's basic policies and fields."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from smartcity.components import no_database, page_header, status_badge
from smartcity.figures.kpi import group_sentence, sparkline, value_text
from smartcity.format import STALE, STATUS, TREND, as_of_words, day_words, period_words
from smartcity.i18n import bi, lang_of, tr
from smartcity.queries import common, kpi
from smartcity.settings import db_path

dash.register_page(__name__, path="/", name="概要 / Overview", title="概要 / Overview")

PREFIX = "ov"
SUMMARY_ORDER = ["on_track", "at_risk", "off_track", "regressing", "achieved", "awaiting_data", "not_assessable"]


def layout(lang: str | None = None, status: str | None = None, **_query) -> html.Div:
    """The page, built per request from the current database; `?status=` keeps only the tiles of one status."""
    lang = lang_of(lang)
    db = db_path()
    if not db.is_file():
        return no_database(lang, PREFIX)
    tiles, series, info = kpi.overview(db), kpi.headline_series(db), common.build_info(db).iloc[0]
    fields, counts = kpi.overview_fields(db), kpi.status_counts(db)
    chosen = status if isinstance(status, str) and status in STATUS else None
    shown = tiles[tiles.status == chosen] if chosen else tiles
    return html.Div([
        page_header("大阪スマートシティ KPI ダッシュボード", "Osaka Smart City KPI Dashboard",
                    "スマートシティ戦略の指標ごとに、最新値・目標・進捗の状態を示します。各タイルから指標の詳細へ進めます。",
                    "Each indicator of the smart-city strategy with its latest value, target and status. "
                    "Open a tile for the indicator's details.", lang),
        _summary(tiles, counts, info, chosen, status, lang),
        *[_policy(pgroup, shown, series, chosen, lang) for _, pgroup in fields.groupby("policy_order", sort=True)
          if not chosen or shown.field_id.isin(pgroup.field_id).any()],
        _unplaced(tiles, shown, fields, series, lang),
        html.P([tr("状態の判定：基準値から目標への直線経路と、観測値の直線回帰を目標期日まで延ばした予測とを比べます。"
                   "※仮定 の目標は戦略文書に数値目標がないため根拠を付けて置いた仮の目標です。",
                   "Status compares a least-squares projection of the observations to the target date with the straight "
                   "path from baseline to target. Targets marked 'assumed' are not in the strategy documents; their "
                   "reason is on the indicator's page.", lang)], className="small text-body-secondary"),
    ], id=f"{PREFIX}-page")


def _href(lang: str, status: str | None = None) -> str:
    """The overview's address with the status filter (or none) and the language kept."""
    params = ([f"status={status}"] if status else []) + (["lang=en"] if lang == "en" else [])
    return "/" + ("?" + "&".join(params) if params else "")


def _summary(tiles: pd.DataFrame, counts: pd.DataFrame, info, chosen: str | None, requested, lang: str) -> html.Section:
    """How many KPIs have each status (each a filter link), the build date, the newest and oldest data and the stale
    KPIs, in words."""
    n = dict(zip(counts["status"], counts["n"]))
    links = []
    for status in SUMMARY_ORDER:
        symbol, ja, en = STATUS[status]
        label = [status_badge(status, lang), html.Span(f" {int(n.get(status, 0))}", className="fw-semibold text-body")]
        cls = "btn btn-sm me-2 mb-2 " + ("btn-light border-dark border-2 fw-bold" if status == chosen else "btn-outline-secondary")
        links.append(dcc.Link(label, href=_href(lang, status), className=cls, id=f"{PREFIX}-count-{status}",
                              title=tr(f"「{ja}」の指標だけを表示", f"Show only the indicators {en}", lang)))
    links.append(dcc.Link(tr(f"すべて {len(tiles)}", f"All {len(tiles)}", lang), href=_href(lang),
                          id=f"{PREFIX}-count-all", title=tr("絞り込みを解除", "Clear the filter", lang),
                          className="btn btn-sm mb-2 " + ("btn-outline-secondary" if chosen else
                                                          "btn-secondary text-white")))
    parts = [html.H2(tr("全体の状況", "The strategy at a glance", lang), className="h5"),
             html.P(tr(f"{len(tiles)} 指標の状態（主たる地域での判定）：", f"Status of the {len(tiles)} indicators "
                       "(assessed at their headline area):", lang), className="small mb-1"),
             html.Div(links, id=f"{PREFIX}-counts")]
    if requested not in (None, "") and not chosen:
        parts.append(dbc.Alert(tr(f"「{requested}」という状態はありません。すべての指標を表示しています。",
                                  f"There is no status '{requested}'. All indicators are shown.", lang),
                               color="warning", className="py-2 small", id=f"{PREFIX}-status-message"))
    elif chosen:
        _, ja, en = STATUS[chosen]
        parts.append(html.P(tr(f"「{ja}」の指標 {int(n.get(chosen, 0))} 件だけを表示しています。",
                               f"Showing only the {int(n.get(chosen, 0))} indicators {en}.", lang),
                            className="small fw-semibold", id=f"{PREFIX}-status-message"))
    parts.append(html.Ul(_freshness(tiles, info, lang), className="small mb-0", id=f"{PREFIX}-freshness"))
    return html.Section(parts, className="border rounded p-3 mb-3 bg-body-tertiary", id=f"{PREFIX}-summary")


def _freshness(tiles: pd.DataFrame, info, lang: str) -> list:
    """Build date, newest and oldest latest data among the headline series, and which KPIs are out of date."""
    name = "name_en" if lang == "en" else "name_ja"
    items = [html.Li(tr(f"データ構築日：{day_words(info.built_at, lang)}（評価基準日 {day_words(info.as_of, lang)}）",
                        f"Built on {day_words(info.built_at, lang)} (assessed as of {day_words(info.as_of, lang)})",
                        lang), id=f"{PREFIX}-build")]
    observed = tiles.dropna(subset=["latest_period_end"])
    if not observed.empty:
        ends = pd.to_datetime(observed["latest_period_end"])
        newest, oldest = observed.loc[ends.idxmax()], observed.loc[ends.idxmin()]
        items.append(html.Li(tr(
            f"最も新しいデータ：{period_words(newest.latest_period_end, newest.frequency, lang)}（{newest[name]}）。"
            f"最終データが最も古い指標：{period_words(oldest.latest_period_end, oldest.frequency, lang)}（{oldest[name]}）",
            f"Newest data: {period_words(newest.latest_period_end, newest.frequency, lang)} ({newest[name]}). "
            f"Oldest latest data: {period_words(oldest.latest_period_end, oldest.frequency, lang)} ({oldest[name]})",
            lang), id=f"{PREFIX}-data-range"))
    stale = tiles[tiles.is_stale.fillna(False).astype(bool)]
    if stale.empty:
        items.append(html.Li(tr("古いデータの指標はありません。", "No indicator is out of date.", lang),
                             id=f"{PREFIX}-stale"))
    else:
        entries = []
        for r in stale.itertuples():
            _, reason = as_of_words(r.latest_period_end, r.frequency, True, lang)
            entries.append(html.Li([dcc.Link(getattr(r, name), href=f"/kpi/{r.indicator_id}" + (
                "?lang=en" if lang == "en" else "")), tr(f"（{reason}）", f" ({reason})", lang)]))
        items.append(html.Li([tr(f"{STALE[0]}の指標（{len(stale)} 件、新しいデータが出るまで順調・注意とは判定しません）：",
                                 f"Out of date ({len(stale)} indicators; none is called on track or at risk until new "
                                 "data arrive):", lang),
                              html.Span(tr(" 各タイルに「古いデータ」の印があります。", " each is marked on its tile.", lang),
                                        className="print-only"),  # the list stays closed on paper
                              html.Details([html.Summary(tr("一覧を開く", "Show the list", lang)),
                                            html.Ul(entries, className="mb-0")])], id=f"{PREFIX}-stale"))
    return items


def _policy(pgroup: pd.DataFrame, tiles: pd.DataFrame, series: pd.DataFrame, chosen: str | None,
            lang: str) -> html.Section:
    """A basic policy with its fields in the plan's order; a field without any KPI says so."""
    first = pgroup.iloc[0]
    fields = []
    for f in pgroup.itertuples():
        fgroup = tiles[tiles.field_id == f.field_id]
        if chosen and fgroup.empty:
            continue
        heading = html.H3(bi(f.field_ja, f.field_en, lang), className="h6 mt-3")
        if f.n_indicators == 0:
            fields.append(html.Div([heading, html.P(tr("この分野の指標はまだありません", "No indicator for this field yet",
                                                       lang), className="small text-body-secondary fst-italic")],
                                   id=f"{PREFIX}-field-{f.field_id}"))
            continue
        fields.append(html.Div([
            heading,
            html.P(group_sentence(fgroup, series, lang), className="small", id=f"{PREFIX}-sentence-{f.field_id}"),
            dbc.Row([dbc.Col(_tile(r, series, lang), xs=12, md=6, xl=4, className="mb-3") for r in fgroup.itertuples()]),
        ], id=f"{PREFIX}-field-{f.field_id}"))
    if not fields or int(pgroup.n_indicators.sum()) == 0 and not chosen:
        fields.append(html.P(tr("この基本方針の指標はまだありません", "No indicator for this basic policy yet", lang),
                             className="small text-body-secondary mt-2"))
    return html.Section([html.H2(bi(first.policy_ja, first.policy_en, lang), className="h5 mt-4 border-bottom pb-1"),
                         *fields], id=f"{PREFIX}-policy-{first.policy_id}")


def _unplaced(tiles: pd.DataFrame, shown: pd.DataFrame, fields: pd.DataFrame, series: pd.DataFrame, lang: str):
    """KPIs whose field is not among the plan's (never dropped silently); None when every KPI has its place."""
    rest = shown[~shown.field_id.isin(fields.field_id)]
    if rest.empty:
        return None
    return html.Section([html.H2(tr("その他の指標", "Other indicators", lang), className="h5 mt-4 border-bottom pb-1"),
                         dbc.Row([dbc.Col(_tile(r, series, lang), xs=12, md=6, xl=4, className="mb-3")
                                  for r in rest.itertuples()])], id=f"{PREFIX}-policy-other")


def _assumed(r, lang: str) -> str:
    """The mark of an assumed target, or of a quoted target whose date the documents do not give."""
    if r.target_basis == "assumption":
        return tr(" ※仮定", " (assumed)", lang)
    return tr(" ※期日は仮定", " (date assumed)", lang) if r.target_date_basis == "assumption" else ""


def _tile(r, series: pd.DataFrame, lang: str) -> dcc.Link:
    points = series[series.indicator_id == r.indicator_id]
    name = r.name_en if lang == "en" else r.name_ja
    latest = (tr("観測値なし", "No observation yet", lang) if pd.isna(r.latest_value)
              else value_text(r.latest_value, r.unit, r.unit_ja, lang))
    trend = TREND.get(r.trend, "") if isinstance(r.trend, str) else ""
    target = (tr("目標なし", "No target", lang) if pd.isna(r.target_value) else
              tr("目標 ", "Target ", lang) + value_text(r.target_value, r.unit, r.unit_ja, lang)
              + f"（{pd.Timestamp(r.target_date).year}）" + _assumed(r, lang))
    body = dbc.Card(dbc.CardBody([
        html.Div(name, className="fw-semibold small", style={"minHeight": "2.6em"}),
        html.Div([html.Span(latest, className="fs-4 me-2"), html.Span(trend, className="fs-5", title=tr(
            "前回からの変化", "change from the previous figure", lang))]),
        _as_of(r, lang),
        html.Div(target, className="small"),
        html.Div(status_badge(r.status, lang), className="mt-1"),
        html.Img(src=sparkline(points, tr(f"{name}の推移", f"Trend of {name}", lang)),
                 alt=tr(f"{name}の推移（{len(points)}時点）", f"Trend of {name} ({len(points)} observations)", lang),
                 className="ov-spark mt-1 d-block w-100", style={"height": "56px"}) if len(points) > 1 else
        html.Div(tr("推移は2時点以上で表示", "Trend shown from two observations", lang), className="small text-muted"),
    ]), className="h-100 shadow-sm")
    return dcc.Link(body, href=f"/kpi/{r.indicator_id}" + ("?lang=en" if lang == "en" else ""),
                    className="text-reset text-decoration-none", id=f"{PREFIX}-tile-{r.indicator_id}",
                    title=f"{name}: {latest}")


def _as_of(r, lang: str) -> html.Div:
    """The data's as-of date in words and, when out of date, a visible mark with its reason."""
    when, reason = as_of_words(r.latest_period_end, r.frequency, r.is_stale, lang)
    if reason is None:
        return html.Div(when, className="small text-body-secondary", id=f"{PREFIX}-asof-{r.indicator_id}")
    return html.Div([html.Span(when, className="me-1"),
                     html.Span(["⚠ ", tr(*STALE, lang)], className="badge text-bg-warning border border-dark"),
                     html.Div(reason, className="text-body-secondary")],
                    className="small", id=f"{PREFIX}-asof-{r.indicator_id}")
