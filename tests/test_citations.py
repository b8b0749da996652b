"""Citations people can use: documents cited by publisher, title, date and section (smartcity.citations, the one
module that builds source and credit lines); no seed file name, repository path or line number on any page outside
the catalog's provenance columns; an assumed target date marked the same way on the KPI and strategy pages."""
from __future__ import annotations

import json

import pandas as pd
import plotly
import pytest

from helpers import PROVENANCE, find, layout_of, page_text
from smartcity import citations

DOC = {"source_doc": "002_x.txt", "title_ja": "大阪府のスマートシティ戦略について",
       "title_en": "On Osaka Prefecture's smart-city strategy", "publisher_ja": "大阪府スマートシティ戦略部",
       "publisher_en": "Osaka Prefectural Government, Smart City Strategy Department", "document_date": "2024-03"}
PAGE_ARGS = {"overview": {}, "kpi": {"indicator_id": "muni_e_application_adoption"},
             "municipalities": {}, "municipality": {"code": "27100"}, "procedures": {}, "compare": {},
             "mynumber": {}, "partnerships": {}, "strategy": {}}
KPI_IDS = ["orden_municipalities", "core_system_standardization", "mynumber_card_issuance_rate",
           "muni_online_system_adoption_rate", "ospf_members", "dx_ai_adoption_share", "strategy_projects_implemented"]


def test_a_document_is_cited_by_publisher_title_date_and_section():
    assert citations.cite(DOC, "③-6 ORDENのロードマップ", "ja") == (
        "大阪府スマートシティ戦略部「大阪府のスマートシティ戦略について」（2024年3月）「③-6 ORDENのロードマップ」")
    assert citations.cite(DOC, "③-6", "en") == ("Osaka Prefectural Government, Smart City Strategy Department, “On "
                                                 "Osaka Prefecture's smart-city strategy” (March 2024), section 「③-6」")
    assert citations.document({**DOC, "document_date": None}, "ja").endswith("（日付記載なし）")
    assert citations.date_words("2022-03-24", "ja") == "2022年3月24日" and citations.date_words("2025", "en") == "2025"


def test_rows_are_cited_each_document_once_with_its_sections_in_order():
    docs = pd.DataFrame([DOC, {**DOC, "source_doc": "000_y.txt", "publisher_ja": "大阪府", "publisher_en": "Osaka "
                               "Prefecture", "title_ja": "取組み", "title_en": "Work", "document_date": "2022-08"}])
    rows = pd.DataFrame({"source_doc": ["002_x.txt", "000_y.txt", "002_x.txt", "002_x.txt"],
                         "source_section": ["A", "B", "C", "A"], "source_line": [9, 1, 12, 10]})
    cited = citations.annotate(rows, docs)
    assert citations.cite_rows(cited, "ja") == ("大阪府スマートシティ戦略部「大阪府のスマートシティ戦略について」（2024年3月）"
                                                "「A」「C」；大阪府「取組み」（2022年8月）「B」")
    assert citations.cite_rows(cited, "en").endswith("sections 「A」, 「C」; Osaka Prefecture, “Work” (August 2022), "
                                                     "section 「B」")
    assert cited.loc[1, "citation_ja"] == "大阪府「取組み」（2022年8月）「B」"


def test_open_data_and_credits():
    src = pd.Series({"title_ja": "交付状況", "title_en": "Issuance", "publisher_ja": "総務省", "publisher_en": "MIC",
                     "attribution": "出典：総務省「マイナンバーカード交付状況について」"})
    assert citations.open_data(src, "ja") == "総務省「マイナンバーカード交付状況について」"
    assert citations.open_data(src, "en") == ("MIC, “Issuance” (required credit: 総務省「マイナンバーカード交付状況に"
                                              "ついて」)")
    assert citations.open_data(src, "en", with_credit=False) == "MIC, “Issuance”"
    assert citations.dx_credit("2024-07-12", "ja").startswith("デジタル庁「自治体DX推進状況ダッシュボード」（2024年7月12日更新）。")
    assert citations.boundaries("en").startswith(citations.BOUNDARY_CREDIT_JA)  # the required Japanese credit first


def test_the_gateway_adds_the_citation_to_every_row_with_a_document(db):
    from smartcity.queries import municipal, strategy
    versions = strategy.versions(db)
    assert versions["citation_ja"].notna().all() and not versions["citation_ja"].str.contains(r"\.txt").any()
    adoption = municipal.adoption(db)
    assert adoption["citation_ja"].str.startswith("大阪府スマートシティ戦略部「大阪府のスマートシティ戦略について」").all()


def _text(tree) -> str:
    return json.dumps(tree, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("module", list(PAGE_ARGS))
def test_no_page_shows_a_file_name_path_or_line_number(dash_app, module, lang):
    """The whole layout, figures and table rows included, in both languages."""
    query = "?lang=en" if lang == "en" else ""
    with dash_app.server.test_request_context(f"/{module}{query}"):
        text = _text(layout_of(module, lang=lang, **PAGE_ARGS[module]))
    found = {m.group(0) for m in PROVENANCE.finditer(text)}
    assert found == set(), f"{module} ({lang}) shows {sorted(found)[:5]}"


@pytest.mark.parametrize("indicator_id", KPI_IDS)
def test_no_kpi_page_shows_a_file_name_or_line_number(dash_app, indicator_id):
    for lang in ("ja", "en"):
        with dash_app.server.test_request_context(f"/kpi/{indicator_id}"):
            text = _text(layout_of("kpi", indicator_id=indicator_id, lang=lang))
        assert PROVENANCE.search(text) is None, (indicator_id, lang, PROVENANCE.search(text).group(0))


def test_kpi_sources_cite_documents_and_the_survey_they_quote(dash_app):
    with dash_app.server.test_request_context("/kpi/muni_online_system_adoption_rate"):
        page = layout_of("kpi", indicator_id="muni_online_system_adoption_rate")
    source = page_text(find(page, "kpi-ts-source"))
    assert "大阪府スマートシティ戦略部「大阪府のスマートシティ戦略について」（2024年3月）「２．行政サービスのデジタル化" in source
    assert "（原典：総務省「自治体DX・情報化推進概要」（2022年））" in source


def test_an_assumed_target_date_is_marked_the_same_way_on_both_pages(dash_app):
    with dash_app.server.test_request_context("/kpi/orden_municipalities"):
        kpi_page = page_text(layout_of("kpi", indicator_id="orden_municipalities"))
    with dash_app.server.test_request_context("/strategy"):
        strategy_page = layout_of("strategy")
    rows = {r["quote_ja"]: r for r in find(strategy_page, {"type": "twin-grid", "chart": "st-targets"}).rowData}
    orden = rows["全市町村の参画が目標"]
    assert "2029年3月31日（期日は仮定）" in kpi_page and orden["target_date_text"] == "2029年3月31日（期日は仮定）"
    assert orden["date_assumption"] in kpi_page  # the same reason, word for word
    assert rows["２～５市町村参画"]["target_date_text"] == "記載なし"  # no KPI assumes a date for it: left unsaid


def test_the_overview_marks_an_assumed_date(dash_app):
    with dash_app.server.test_request_context("/"):
        tile = find(layout_of("overview"), "ov-tile-orden_municipalities")
    assert "※期日は仮定" in page_text(tile)


def test_a_document_an_official_cited_is_shown_as_written():
    import pandas as pd
    from smartcity.citations import annotate
    documents = pd.DataFrame(columns=["source_doc", "title_ja", "title_en", "publisher_ja", "publisher_en",
                                      "document_date"])
    frame = pd.DataFrame({"source_doc": ["https://www.pref.osaka.lg.jp/r6", None],
                          "source_section": ["表1", None]})
    out = annotate(frame, documents)
    assert out["citation_ja"].tolist()[0] == "https://www.pref.osaka.lg.jp/r6「表1」"
    assert pd.isna(out["citation_ja"].tolist()[1])
    assert out["doc_citation_en"].tolist()[0] == "https://www.pref.osaka.lg.jp/r6"
