"""Charts that do not mislead (issue 8 §8): categorical measures drawn as categories with words in the legend,
values without a figure in grey with a legend entry of their own, one colour scale per measure on every page, the
My Number histogram fitted to its data with no label over the bars, and the map's key below the map."""
from __future__ import annotations

import json
from unittest import mock

import dash
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.colors import hex_to_rgb, sample_colorscale, unlabel_rgb

from helpers import find, layout_of
from smartcity.figures import common, maps
from smartcity.figures import dx as fdx
from smartcity.figures import municipal as fm
from smartcity.figures import mynumber as fmn

SQUARE = ('{"type": "Polygon", "coordinates": [[[135.0, 34.5], [135.1, 34.5], [135.1, 34.6], [135.0, 34.6], '
          '[135.0, 34.5]]]}')


def boundaries(codes=("27100", "27140", "27383")) -> pd.DataFrame:
    return pd.DataFrame({"geo_code": list(codes), "geometry_geojson": [SQUARE] * len(codes)})


def measures() -> pd.DataFrame:
    return pd.DataFrame({
        "geo_code": ["27100", "27140", "27383"], "name_ja": ["大阪市", "堺市", "千早赤阪村"],
        "name_en": ["Osaka City", "Sakai City", None], "mynumber": [50.26, 52.1, None],
        "snapshot_date": pd.to_datetime(["2022-09-30"] * 3), "ospf": [0, 1, None], "ai_ondemand": [4, 1, 0],
        "smart_senior": [4, 1, 0]})


def colour_at(trace, z: float) -> tuple[float, ...]:
    """The colour Plotly gives a value z on the trace's colour scale (stops interpolated, as plotly.js does)."""
    t = (z - trace.zmin) / (trace.zmax - trace.zmin)
    t = min(max(t, 0.0), 1.0)
    stops = [(float(p), c) for p, c in trace.colorscale]
    for (p0, c0), (p1, c1) in zip(stops, stops[1:]):
        if p0 <= t <= p1 and (t < p1 or p1 == 1.0):
            share = 0.0 if p1 == p0 else (t - p0) / (p1 - p0)
            a, b = rgb(c0), rgb(c1)
            return tuple(round(x + (y - x) * share, 1) for x, y in zip(a, b))
    return rgb(stops[-1][1])


def rgb(colour: str) -> tuple[float, ...]:
    return tuple(float(v) for v in (hex_to_rgb(colour) if colour.startswith("#") else unlabel_rgb(colour)))


def lightness(colour: tuple[float, ...]) -> float:
    """Relative luminance (WCAG) of an sRGB colour."""
    def lin(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = colour
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def key_entries(fig: go.Figure) -> dict[str, str]:
    """The map's legend: name -> swatch colour of every legend-only trace after the map."""
    return {t.name: t.colorscale[0][1] for t in fig.data[1:] if t.showlegend}


def count_map(measure: str = "ai_ondemand", lang: str = "ja") -> go.Figure:
    values = fm.map_values(measures(), measure, lang)
    return maps.choropleth(boundaries(), values, fm.colorbar_title(measure, lang), lang=lang,
                           scale=fm.map_scale(measure))


# --- categorical measures: categories, words, Okabe–Ito -------------------------------------------------------------


@pytest.mark.parametrize("measure", ["ospf", "ai_ondemand", "smart_senior"])
def test_counts_are_categories_with_words_in_the_legend(measure):
    fig = count_map(measure)
    trace = fig.data[0]
    assert trace.showscale is False  # no continuous colour bar for 0 / 1 / 2 or more
    entries = key_entries(fig)
    assert list(entries)[0] == "記載なし" and list(entries)[-1] == "データなし"
    assert list(entries)[1].startswith("1") and "以上" in list(entries)[2]
    assert set(entries.values()) <= {*common.OKABE_ITO, common.NONE, common.NO_DATA}
    assert fig.layout.legend.title.text  # the legend names the measure
    en = key_entries(count_map(measure, "en"))
    assert list(en)[0] == "None named" and list(en)[-1] == "No data" and "or more" in list(en)[2]


def test_none_named_is_the_lightest_colour_never_the_darkest():
    trace = count_map("ai_ondemand").data[0]
    zero, one, many = colour_at(trace, 0), colour_at(trace, 1), colour_at(trace, 4)
    assert zero == rgb(common.NONE) and many == rgb(common.BLUE) and one == rgb(common.SKY)
    assert lightness(zero) > lightness(one) > lightness(many)
    assert list(trace.z) == [4, 1, 0]  # z is the count itself: 4 falls in "2 or more"


def test_hover_says_the_category_in_words():
    values = fm.map_values(measures(), "ai_ondemand", "ja")
    assert "記載なし" in values["label"][2] and "4 件" in values["label"][0]
    assert "None named" in fm.map_values(measures(), "ai_ondemand", "en")["label"][2]


def test_yes_no_dx_items_are_two_categories_and_a_reason():
    info = mock.Mock(kind="indicator", value_type="boolean", key="cio_appointed", name_ja="CIOの任命",
                     name_en="CIO appointed")
    scale = fdx.scale(info)
    assert scale.categorical and [c.colour for c in scale.categories] == [fdx.NOT_DONE, fdx.DONE]
    assert [c.label("ja") for c in scale.categories] == ["× 未実施", "○ 実施"]
    assert scale.missing("ja") == "調査無し" and scale.missing_code == 0


# --- no figure: grey, with its own legend entry ---------------------------------------------------------------------


def test_missing_count_is_grey_with_its_own_entry():
    fig = count_map("ospf")
    trace = fig.data[0]
    z = dict(zip(trace.locations, trace.z))
    assert z["27383"] == fm.map_scale("ospf").missing_code  # not 0, not "none named"
    assert colour_at(trace, z["27383"]) == rgb(common.NO_DATA)
    assert key_entries(fig)["データなし"] == common.NO_DATA
    assert colour_at(trace, z["27100"]) == rgb(common.NONE) != rgb(common.NO_DATA)


def test_missing_rate_is_grey_below_the_continuous_scale():
    scale = common.scale("mynumber_issuance_rate")
    values = fmn.map_values(["27100", "27140", "27383"], pd.DataFrame({
        "geo_code": ["27100", "27140"], "rate_pct": [50.26, 52.11], "name_ja": ["大阪市", "堺市"],
        "name_en": ["Osaka City", None], "cards_issued": [1, 1], "population": [2, 2]}), "en")
    fig = fmn.issuance_map(boundaries(), values, "en")
    trace = fig.data[0]
    assert list(trace.z) == [50.26, 52.11, scale.missing_code]
    assert colour_at(trace, scale.missing_code) == rgb(common.NO_DATA)
    cividis = [rgb(c) for c in sample_colorscale("Cividis", [0.0, 0.5, 1.0])]
    drawn = [colour_at(trace, v) for v in (0.0, 50.0, 100.0)]
    assert all(max(abs(a - b) for a, b in zip(x, y)) <= 1.5 for x, y in zip(drawn, cividis))  # the scale itself
    assert key_entries(fig) == {"No data": common.NO_DATA}
    assert fmn.map_z([None, 40.0]) == [scale.missing_code, 40.0]


# --- one measure, one scale, on every page ----------------------------------------------------------------------------


def colour_settings(trace) -> tuple:
    return json.dumps([list(s) for s in trace.colorscale]), trace.zmin, trace.zmax


def test_issuance_rate_has_one_scale_on_mynumber_and_municipalities(dash_app):
    with dash_app.server.test_request_context("/mynumber"):
        mn = find(layout_of("mynumber"), "mn-map-graph").figure
        muni = find(layout_of("municipalities"), "muni-map-graph").figure
        japan = find(layout_of("mynumber", area="japan"), "mn-map-graph").figure
    assert colour_settings(mn.data[0]) == colour_settings(muni.data[0]) == colour_settings(japan.data[0])
    bars = [t for f in (mn, muni, japan) for t in f.data if t.showscale]
    assert len(bars) == 3 and {(b.zmin, b.zmax) for b in bars} == {(0.0, 100.0)}
    expected = maps.trace_colours(common.scale("mynumber_issuance_rate"))["colorscale"]
    assert [list(s) for s in mn.data[0].colorscale] == expected


def test_every_page_takes_the_issuance_scale_from_the_one_definition(dash_app):
    narrow = common.Scale("交付率（%）", "Issuance rate (%)", 20.0, 80.0, suffix=" %")
    with mock.patch.dict(common.SCALES, {"mynumber_issuance_rate": narrow}), \
            mock.patch.object(fmn, "ISSUANCE", narrow), \
            dash_app.server.test_request_context("/mynumber"):
        mn = find(layout_of("mynumber"), "mn-map-graph").figure
        muni = find(layout_of("municipalities"), "muni-map-graph").figure
    for fig in (mn, muni):
        bar = next(t for t in fig.data if t.showscale)
        assert (bar.zmin, bar.zmax) == (20.0, 80.0)
    assert colour_settings(mn.data[0]) == colour_settings(muni.data[0])


def test_a_dx_measure_has_the_same_scale_on_first_draw_and_after_a_change(dash_app):
    from pages.municipalities import change_measure
    with dash_app.server.test_request_context("/municipalities?measure=dx:cio_appointed"):
        drawn = find(layout_of("municipalities", measure="dx:cio_appointed"), "muni-map-graph").figure
        patch, *_ = change_measure("dx:cio_appointed", None, "osaka", "ja",
                                   {"area": "osaka", "measure": "mynumber", "keys": 2})
    ops = {tuple(op["location"]): op["params"].get("value") for op in patch.to_plotly_json()["operations"]}
    assert ops[("data", 0, "colorscale")] == [list(s) for s in drawn.data[0].colorscale]
    assert (ops[("data", 0, "zmin")], ops[("data", 0, "zmax")]) == (drawn.data[0].zmin, drawn.data[0].zmax)
    extended = next(op for op in patch.to_plotly_json()["operations"] if op["operation"] == "Extend")
    assert [t["name"] for t in extended["params"]["value"]] == [t.name for t in drawn.data[1:]]


def test_a_measure_change_sends_colours_and_key_but_no_geometry(dash_app):
    from pages.municipalities import change_measure
    with dash_app.server.test_request_context("/municipalities"):
        patch, *_ = change_measure("ai_ondemand", None, "osaka", "en",
                                   {"area": "osaka", "measure": "mynumber", "keys": 2})
    payload = patch.to_plotly_json()["operations"]
    assert "coordinates" not in json.dumps(payload)
    deleted = [op for op in payload if op["operation"] == "Delete"]
    assert [op["location"] for op in deleted] == [["data", 1], ["data", 1]]  # the old colour bar and its grey entry
    z = next(op["params"]["value"] for op in payload if op["location"] == ["data", 0, "z"])
    assert len(z) == 43 and 0 in z


# --- the My Number histogram ------------------------------------------------------------------------------------------


def refs() -> pd.DataFrame:
    return pd.DataFrame({"geo_code": ["27000", "00000"], "rate_pct": [49.73, 48.96],
                         "snapshot_date": pd.to_datetime(["2022-09-30"] * 2)})


def test_histogram_axis_is_fitted_to_the_data_and_no_label_covers_the_bars():
    rates = pd.DataFrame({"rate_pct": [41.6, 44.0, 47.5, 50.3, 63.8]})
    bins = fmn.histogram_bins(rates)
    fig = fmn.distribution_figure(bins, refs(), "ja", "大阪府内43市町村")
    low, high = fig.layout.xaxis.range
    assert 39 <= low <= 40 and 64 <= high <= 65  # not 0–70
    assert fig.layout.annotations == ()  # no text drawn over the bars: the lines are named in the legend
    lines = {s.name: s.line.dash for s in fig.layout.shapes}
    assert lines == {"大阪府 49.7 %": "solid", "全国 49.0 %": "dash"}  # named in the legend, told apart by dash
    assert all(s.showlegend for s in fig.layout.shapes)


def test_histogram_range_keeps_a_comparator_outside_the_bins_in_view():
    bins = fmn.histogram_bins(pd.DataFrame({"rate_pct": [60.0, 61.0]}))
    low, high = fmn.fitted_range(bins, refs())
    assert low <= 48.96 and high >= 62.0 and low > 40


# --- the key sits below the map ---------------------------------------------------------------------------------------


def test_the_colour_bar_is_horizontal_below_the_map():
    fig = fmn.issuance_map(boundaries(), fmn.map_values(["27100"], pd.DataFrame(
        {"geo_code": ["27100"], "rate_pct": [50.0], "name_ja": ["大阪市"], "name_en": [None], "cards_issued": [1],
         "population": [2]}), "ja"), "ja", height=600)
    bar = next(t for t in fig.data if t.showscale).colorbar
    assert bar.orientation == "h" and bar.yref == "container" and bar.yanchor == "bottom" and bar.y < 0.1
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.yref == "container"
    assert fig.layout.legend.y == 0 and fig.layout.legend.yanchor == "bottom"
    assert fig.layout.meta["fit"]["zoom"] == fig.layout.map.zoom  # what assets/46_map_fit.js refits from


def test_a_callers_own_categories_become_a_legend_in_words():
    values = pd.DataFrame({"geo_code": ["27100", "27140"], "value": [0, 1], "label": ["a", "b"]})
    fig = maps.choropleth(boundaries(("27100", "27140")), values, "区分", zrange=(-0.5, 1.5),
                          colorscale=[[0, "#EBEBEB"], [0.5, "#EBEBEB"], [0.5, "#0072B2"], [1, "#0072B2"]],
                          colorbar={"tickvals": [0, 1], "ticktext": ["な<br>し", "あり"], "title": {"text": "区分"}})
    trace = fig.data[0]
    assert list(trace.z) == [0, 1] and trace.showscale is False  # the caller's codes and colours, no bar
    assert key_entries(fig) == {"な し": "#EBEBEB", "あり": "#0072B2"}
    assert fig.layout.legend.title.text == "区分" and fig.layout.legend.yref == "container"


def test_a_continuous_map_without_a_scale_has_its_bar_below():
    values = pd.DataFrame({"geo_code": ["27100", "27140"], "value": [10.0, 20.0], "label": ["a", "b"]})
    fig = maps.choropleth(boundaries(("27100", "27140")), values, "値", zrange=(0, 30))
    assert len(fig.data) == 1 and fig.data[0].colorbar.orientation == "h"
    assert fig.data[0].colorbar.yref == "container" and fig.data[0].colorbar.y == 0


def test_the_mynumber_date_change_still_sends_only_values(dash_app):
    import pages.mynumber as page
    with dash_app.server.test_request_context("/mynumber"), \
            mock.patch.object(dash, "ctx", mock.Mock(triggered_id="mn-date")):
        out = page.update("osaka", "2021-01-01", "ja")
    ops = out[0].to_plotly_json()["operations"]
    assert [op["location"] for op in ops] == [["data", 0, "z"], ["data", 0, "text"]]
