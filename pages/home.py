"""Landing page (/): every KPI with its latest value, target and status, read from the database."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from smartcity import queries
from smartcity.format import STATUS, TREND, date, number
from smartcity.settings import db_path

dash.register_page(__name__, path="/", name="概要 / Overview", title="大阪スマートシティ KPI ダッシュボード")

PREFIX = "home"
POLICY_ORDER = ["qol", "competitiveness", "co_creation"]  # as the 2030 plan lists its basic policies


def layout(**_query) -> html.Div:
    """The page, built per request from the current database."""
    db = db_path()
    if not db.is_file():
        return dbc.Alert([html.Strong("データベースがありません / No database. "),
                          "python -m etl build を実行してください / run python -m etl build."], color="warning",
                         id=f"{PREFIX}-no-db")
    kpis = queries.kpi_overview(db)
    info = queries.build_info(db).iloc[0]
    return html.Div([
        html.H1(["大阪スマートシティ KPI ダッシュボード", html.Br(),
                 html.Span("Osaka Smart City KPI Dashboard", className="en")], className="h3 mt-3"),
        html.P([f"データ更新 / Built: {date(info.built_at)} ・ 評価基準日 / Assessed as of: {date(info.as_of)} ・ "
                f"マイナンバーカード {info.snapshots} 時点 / My Number snapshots: "
                f"{date(info.first_snapshot)} – {date(info.last_snapshot)}"], id=f"{PREFIX}-build", className="small"),
        *[_group(policy, group) for policy, group in
          sorted(kpis.groupby("policy_id", sort=False), key=lambda pg: POLICY_ORDER.index(pg[0]))],
        html.P(["状態の判定方法 / How status is assessed: 基準値から目標への直線経路と、観測値の直線回帰による目標期日の"
                "予測を比較します。 The straight path from baseline to target is compared with a least-squares "
                "projection of the observations to the target date (docs/assessment.md)."], className="small"),
    ], id=f"{PREFIX}-page")


def _group(policy_id: str, group: pd.DataFrame) -> html.Section:
    first = group.iloc[0]
    header = html.Thead(html.Tr([html.Th(h) for h in (
        "指標 / Indicator", "最新値 / Latest", "時点 / As of", "目標 / Target", "状態 / Status", "出典 / Source")]))
    body = html.Tbody([_row(r) for r in group.itertuples()])
    return html.Section([
        html.H2([first.policy_ja, " ", html.Span(first.policy_en, className="en")], className="h5 mt-4"),
        dbc.Table([header, body], bordered=False, striped=True, size="sm", responsive=True,
                  id=f"{PREFIX}-table-{policy_id}"),
    ])


def _row(r) -> html.Tr:
    symbol, word_ja, word_en = STATUS[r.status]
    target = "—" if pd.isna(r.target_value) else f"{number(r.target_value, r.unit)} {r.unit_ja}（{date(r.target_date)}）"
    if isinstance(r.target_basis, str) and r.target_basis == "assumption":
        target += " ※仮定 / assumed"
    latest = "観測値なし / no observation yet" if pd.isna(r.latest_value) else \
        f"{number(r.latest_value, r.unit)} {r.unit_ja} {TREND.get(r.trend, '') if isinstance(r.trend, str) else ''}"
    return html.Tr([
        html.Td([r.name_ja, html.Br(), html.Span(r.name_en, className="en")]),
        html.Td(latest, className="text-end"),
        html.Td(date(r.latest_period_end)),
        html.Td(target),
        html.Td(html.Span(f"{symbol} {word_ja} / {word_en}", className=f"kpi-status status-{r.status}",
                          title=f"{r.reason_ja} / {r.reason_en}")),
        html.Td(html.Small([r.source_ja, html.Br(), html.Span(r.source_en, className="en")])),
    ], id=f"{PREFIX}-row-{r.indicator_id}")
