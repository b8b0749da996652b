"""Overview (/): a tile per KPI, grouped by the 2030 plan's basic policies and fields."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from smartcity.components import no_database, page_header, status_badge
from smartcity.figures.kpi import group_sentence, sparkline, value_text
from smartcity.format import TREND, date
from smartcity.i18n import bi, lang_of, tr
from smartcity.queries import common, kpi
from smartcity.settings import db_path

dash.register_page(__name__, path="/", name="概要 / Overview", title="概要 / Overview")

PREFIX = "ov"
POLICY_ORDER = ["qol", "competitiveness", "co_creation"]  # as the 2030 plan lists its basic policies


def layout(lang: str | None = None, **_query) -> html.Div:
    """The page, built per request from the current database."""
    lang = lang_of(lang)
    db = db_path()
    if not db.is_file():
        return no_database(lang, PREFIX)
    tiles, series, info = kpi.overview(db), kpi.headline_series(db), common.build_info(db).iloc[0]
    groups = sorted(tiles.groupby("policy_id", sort=False), key=lambda g: POLICY_ORDER.index(g[0]))
    return html.Div([
        page_header("大阪スマートシティ KPI ダッシュボード", "Osaka Smart City KPI Dashboard",
                    "スマートシティ戦略の指標ごとに、最新値・目標・進捗の状態を示します。各タイルから指標の詳細へ進めます。",
                    "Each indicator of the smart-city strategy with its latest value, target and status. "
                    "Open a tile for the indicator's details.", lang),
        html.P(tr(f"データ構築 {date(info.built_at)}・評価基準日 {date(info.as_of)}・マイナンバーカード {info.snapshots} 時点"
                  f"（{date(info.first_snapshot)}〜{date(info.last_snapshot)}）",
                  f"Built {date(info.built_at)} · assessed as of {date(info.as_of)} · My Number card: "
                  f"{info.snapshots} snapshots ({date(info.first_snapshot)} to {date(info.last_snapshot)})", lang),
               className="small", id=f"{PREFIX}-build"),
        *[_policy(pid, group, series, lang) for pid, group in groups],
        html.P([tr("状態の判定：基準値から目標への直線経路と、観測値の直線回帰を目標期日まで延ばした予測とを比べます。"
                   "※仮定 の目標は戦略文書に数値目標がないため根拠を付けて置いた仮の目標です。",
                   "Status compares a least-squares projection of the observations to the target date with the straight "
                   "path from baseline to target. Targets marked 'assumed' are not in the strategy documents; their "
                   "reason is on the indicator's page.", lang)], className="small text-body-secondary"),
    ], id=f"{PREFIX}-page")


def _policy(policy_id: str, group: pd.DataFrame, series: pd.DataFrame, lang: str) -> html.Section:
    first = group.iloc[0]
    fields = []
    for _, fgroup in group.groupby("field_id", sort=False):
        f = fgroup.iloc[0]
        fields.append(html.Div([
            html.H3(bi(f.field_ja, f.field_en, lang), className="h6 mt-3"),
            html.P(group_sentence(fgroup, series, lang), className="small", id=f"{PREFIX}-sentence-{f.field_id}"),
            dbc.Row([dbc.Col(_tile(r, series, lang), xs=12, md=6, xl=4, className="mb-3") for r in fgroup.itertuples()]),
        ]))
    return html.Section([html.H2(bi(first.policy_ja, first.policy_en, lang), className="h5 mt-4 border-bottom pb-1"),
                         *fields], id=f"{PREFIX}-policy-{policy_id}")


def _tile(r, series: pd.DataFrame, lang: str) -> dcc.Link:
    points = series[series.indicator_id == r.indicator_id]
    name = r.name_en if lang == "en" else r.name_ja
    latest = (tr("観測値なし", "No observation yet", lang) if pd.isna(r.latest_value)
              else value_text(r.latest_value, r.unit, r.unit_ja, lang))
    trend = TREND.get(r.trend, "") if isinstance(r.trend, str) else ""
    target = (tr("目標なし", "No target", lang) if pd.isna(r.target_value) else
              tr("目標 ", "Target ", lang) + value_text(r.target_value, r.unit, r.unit_ja, lang)
              + f"（{pd.Timestamp(r.target_date).year}）" + (tr(" ※仮定", " (assumed)", lang)
                                                           if r.target_basis == "assumption" else ""))
    body = dbc.Card(dbc.CardBody([
        html.Div(name, className="fw-semibold small", style={"minHeight": "2.6em"}),
        html.Div([html.Span(latest, className="fs-4 me-2"), html.Span(trend, className="fs-5", title=tr(
            "前回からの変化", "change from the previous figure", lang))]),
        html.Div(tr("時点 ", "As of ", lang) + date(r.latest_period_end), className="small text-body-secondary"),
        html.Div(target, className="small"),
        html.Div(status_badge(r.status, lang), className="mt-1"),
        dcc.Graph(figure=sparkline(points, name), config={"staticPlot": True}, className="mt-1",
                  style={"height": "56px"}) if len(points) > 1 else
        html.Div(tr("推移は2時点以上で表示", "Trend shown from two observations", lang), className="small text-muted"),
    ]), className="h-100 shadow-sm")
    return dcc.Link(body, href=f"/kpi/{r.indicator_id}" + ("?lang=en" if lang == "en" else ""),
                    className="text-reset text-decoration-none", id=f"{PREFIX}-tile-{r.indicator_id}",
                    title=f"{name}: {latest}")
