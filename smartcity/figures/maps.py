"""Choropleth maps drawn with no tiles and no network: MapLibre traces on the built-in blank style."""
from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go
import shapely
from plotly.colors import get_colorscale

from smartcity import citations
from smartcity.figures.common import FONT, NO_DATA, SEQUENTIAL, Category, Scale, wrap_text

TILE = 512  # MapLibre's world is TILE * 2**zoom pixels wide
MAX_LAT = 85.0511  # Web Mercator's limit
MAX_ZOOM = 18.0
PADDING = 16  # pixels kept free around the polygons
CREDIT_LINE_PX = 14  # height of a line of the credit written at the map's bottom left
DEFAULT_VIEW = ({"lon": 135.5, "lat": 34.65}, 8.0)  # Osaka Prefecture, when there is no geometry to fit
# The colour bar and the legend sit below the map, in the figure's own coordinates ("container"): Plotly then
# reserves the rows they need and shrinks the map above them, so they never cover it, on a phone or a laptop.
COLORBAR = {"orientation": "h", "xref": "container", "yref": "container", "x": 0.5, "xanchor": "center", "y": 0,
            "yanchor": "bottom", "len": 0.9, "thickness": 12, "title": {"side": "top"}}
LEGEND = {"orientation": "h", "xref": "container", "yref": "container", "x": 0, "xanchor": "left", "y": 0,
          "yanchor": "bottom", "itemclick": False, "itemdoubleclick": False, "font": {"size": 12},
          "title": {"side": "top"}}
COLORBAR_PX = 64  # height of the horizontal colour bar with its title and ticks
LEGEND_ROW_PX = 24  # height of a row of the legend
KEY_LOCATION = "__key__"  # the location of the legend-only traces: no feature has it, so they draw nothing
EMPTY_GEOJSON = {"type": "FeatureCollection", "features": []}


def feature_collection(boundaries: pd.DataFrame) -> dict:
    """GeoJSON FeatureCollection from boundary rows (geo_code, geometry_geojson); id = geo_code."""
    features = [{"type": "Feature", "id": code, "properties": {}, "geometry": json.loads(geom)}
                for code, geom in zip(boundaries["geo_code"], boundaries["geometry_geojson"]) if isinstance(geom, str)]
    return {"type": "FeatureCollection", "features": features}


def extent(boundaries: pd.DataFrame) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the boundary polygons (geometry_geojson); None when there is no geometry."""
    texts = [g for g in boundaries.get("geometry_geojson", pd.Series(dtype=object)) if isinstance(g, str)]
    if not texts:
        return None
    box = [float(v) for v in shapely.total_bounds(shapely.from_geojson(texts))]
    return None if any(math.isnan(v) for v in box) else (box[0], box[1], box[2], box[3])


def _tile_xy(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator position as a share of the world (0..1 from the west and from the north)."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    return (lon + 180) / 360, (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2


def _lon_lat(x: float, y: float) -> dict:
    """The inverse of _tile_xy, as a map centre."""
    return {"lon": x * 360 - 180, "lat": math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))}


def fit_view(boundaries: pd.DataFrame, width: int, height: int,
             padding: int | tuple[int, int, int, int] = PADDING, box: tuple | None = None) -> tuple[dict, float]:
    """Centre and zoom that fit the polygons' real extent (`box`, else extent(boundaries)) into a map of width x
    height pixels, keeping `padding` pixels free (one number for every side, or top, right, bottom, left). Web
    Mercator; MapLibre's world is 512 pixels wide at zoom 0. Pure: no I/O."""
    box = box or extent(boundaries)
    if box is None:
        return dict(DEFAULT_VIEW[0]), DEFAULT_VIEW[1]
    top, right, bottom, left = (padding,) * 4 if isinstance(padding, int) else padding
    (west, north), (east, south) = _tile_xy(box[0], box[3]), _tile_xy(box[2], box[1])
    free_x, free_y = max(width - left - right, 1), max(height - top - bottom, 1)
    zoom = math.log2(min(free_x / (TILE * max(east - west, 1e-12)), free_y / (TILE * max(south - north, 1e-12))))
    zoom = math.floor(min(max(zoom, 0.0), MAX_ZOOM) * 100) / 100  # rounded down: never crops
    world = TILE * 2 ** zoom  # the extent's centre goes to the free area's centre, off the map's by unequal padding
    shift_x, shift_y = (left - right) / 2 / world, (top - bottom) / 2 / world
    return _lon_lat((west + east) / 2 - shift_x, (north + south) / 2 - shift_y), zoom


def extent_px(boundaries: pd.DataFrame, zoom: float, box: tuple | None = None) -> list[float]:
    """Width and height in pixels of the polygons' extent (`box`, else extent(boundaries)) at `zoom` (what a
    narrower screen must fit again)."""
    box = box or extent(boundaries)
    if box is None:
        return [0.0, 0.0]
    (west, north), (east, south) = _tile_xy(box[0], box[3]), _tile_xy(box[2], box[1])
    world = TILE * 2 ** zoom
    return [round(world * (east - west), 1), round(world * (south - north), 1)]


def credit(lang: str) -> str:
    """The boundary credit written on a map (smartcity.citations says it once for every page)."""
    return citations.boundaries(lang)


def trace_colours(scale: Scale) -> dict:
    """colorscale, zmin and zmax of a map drawn on `scale`: its colours (a step per category, or the continuous
    scale) with a grey slot below them for the values without a figure (z = scale.missing_code)."""
    if scale.categorical:
        codes = [scale.missing_code] + [c.code for c in scale.categories]
        colours = [NO_DATA] + [c.colour for c in scale.categories]
        lo, hi = min(codes) - 0.5, max(codes) + 0.5
        stops = []
        for code, colour in zip(codes, colours):
            stops += [[(code - 0.5 - lo) / (hi - lo), colour], [(code + 0.5 - lo) / (hi - lo), colour]]
        return {"colorscale": stops, "zmin": lo, "zmax": hi}
    lo = scale.zmin - (scale.zmax - scale.zmin) / 10
    grey = (scale.zmin - lo) / (scale.zmax - lo)
    stops = [[0.0, NO_DATA], [grey, NO_DATA]]
    stops += [[grey + float(p) * (1 - grey), c] for p, c in get_colorscale(scale.colorscale)]
    return {"colorscale": stops, "zmin": lo, "zmax": scale.zmax}


def _swatch(name: str, colour: str) -> go.Choroplethmap:
    """A legend entry with a square swatch of `colour` that draws nothing on the map."""
    return go.Choroplethmap(geojson=EMPTY_GEOJSON, locations=[KEY_LOCATION], z=[0], name=name, showlegend=True,
                            colorscale=[[0, colour], [1, colour]], showscale=False, hoverinfo="skip")


def key_traces(scale: Scale, lang: str, title: str, height: int) -> list[go.Choroplethmap]:
    """The map's key, below the map: a legend entry per category (in words, so colour is never the only carrier),
    or the horizontal colour bar of a continuous scale; and always the grey entry for 'no figure'."""
    missing = _swatch(scale.missing(lang), NO_DATA)
    if scale.categorical:
        return [_swatch(c.label(lang), c.colour) for c in scale.categories] + [missing]
    bar = go.Choroplethmap(
        geojson=EMPTY_GEOJSON, locations=[KEY_LOCATION], z=[scale.zmin], colorscale=scale.colorscale,
        zmin=scale.zmin, zmax=scale.zmax, showscale=True, showlegend=False, hoverinfo="skip",
        colorbar={**COLORBAR, "y": (LEGEND_ROW_PX + 4) / height, "title": {"text": title, "side": "top"},
                  "ticksuffix": scale.suffix, "dtick": scale.dtick})
    return [bar, missing]


def key_height(scale: Scale | None, lang: str, width: int, colorbar: dict | None = None, title_lines: int = 1) -> int:
    """Pixels the key takes below the map at `width` (to fit the view above it; Plotly reserves the real room)."""
    if scale is None:  # a continuous colour bar
        title = str(((colorbar or {}).get("title") or {}).get("text", "")).count("<br>") + 1
        return COLORBAR_PX + 14 * (title - 1)
    if not scale.categorical:
        return COLORBAR_PX + LEGEND_ROW_PX + 8
    labels = [c.label(lang) for c in scale.categories] + [scale.missing(lang)]
    item = 44 + max(_text_px(text) for text in labels)  # Plotly gives every item the widest one's width
    per_row = max(1, (width - 16) // item)
    return LEGEND_ROW_PX * math.ceil(len(labels) / per_row) + 18 * title_lines + 8


def _text_px(text: str) -> int:
    """Rough width of a line at 12 px: full-width characters 13 px, others 7 px."""
    return sum(13 if ord(ch) > 0x2E80 else 7 for ch in text)


def legend_title(text: str, lang: str) -> str:
    """The key's title in lines that fit a phone (Plotly does not wrap legend titles), broken before a bracket when
    there is one."""
    width = 24 if lang == "ja" else 44
    for mark in ("（", " ("):
        head, _, tail = text.partition(mark)
        if len(text) > width and tail and len(head) <= width:
            return head + "<br>" + wrap_text(mark.strip() + tail, width)
    return wrap_text(text, width)


def callers_categories(value_label: str, colorscale, zrange, colorbar: dict | None) -> Scale | None:
    """A caller's own stepped colour scale whose colour bar names its ticks, as categories (words, colour at each
    tick) to draw as a legend rather than as a colour bar; None when the scale is not such a one."""
    ticks = (colorbar or {}).get("tickvals"), (colorbar or {}).get("ticktext")
    if not isinstance(colorscale, list) or not zrange or not all(ticks) or len(ticks[0]) != len(ticks[1]):
        return None
    stops = [(float(p), c) for p, c in colorscale]
    categories = []
    for i, (value, text) in enumerate(zip(*ticks)):
        share = (float(value) - zrange[0]) / (zrange[1] - zrange[0])
        colour = [c for p, c in stops if p <= share][-1] if stops[0][0] <= share else stops[0][1]
        words = str(text).replace("<br>", " ")
        categories.append(Category(i, words, words, colour))
    return Scale(value_label, value_label, categories=tuple(categories))


def drawn_z(values, scale: Scale | None) -> list:
    """The z of the map's trace: the values (or category codes), the grey slot's code where there is no figure."""
    if scale is None:
        return [None if v is None or pd.isna(v) else v for v in values]
    return scale.z(values)


def _hover(merged: pd.DataFrame, name_column: str | None) -> dict:
    """The trace's hover: its text, or a name (customdata, sent once) in bold above the text."""
    if name_column is None:
        return {"hovertemplate": "%{text}<extra></extra>"}
    return {"customdata": merged[name_column].fillna(merged["geo_code"]),
            "hovertemplate": "<b>%{customdata}</b><br>%{text}<extra></extra>"}


def choropleth(boundaries: pd.DataFrame, values: pd.DataFrame, value_label: str, hover_label: str = "label",
               zrange: tuple[float, float] | None = None, height: int = 520, width: int = 620,
               colorscale: str | list = SEQUENTIAL, colorbar: dict | None = None, lang: str = "ja",
               scale: Scale | None = None, name_column: str | None = None) -> go.Figure:
    """Map of `values` (geo_code, value, label) over `boundaries`; the geometry travels once in the figure.

    With a `scale` (the measure's one scale, smartcity.figures.common.SCALES) the map draws it: categories as a
    legend in words, a continuous measure with a horizontal colour bar, and values without a figure in grey with
    their own legend entry; trace 0 is the map, the traces after it the key. Without one, `colorscale`, `zrange` and
    `colorbar` are used as given: a horizontal colour bar, or a legend when the colour bar names the steps of a
    stepped scale (a caller's own categories). The key sits below the map; the view is fitted to the
    polygons for a figure of width x height pixels less the key and the credit line, written on the map and
    translated beneath it when `lang` is "en". When `boundaries.attrs["geojson_url"]` names the layer's shapes
    (smartcity.geo), the trace names that address instead of carrying the shapes. With a `name_column` the hover
    text is that column (in bold, carried once as the trace's customdata) above the `hover_label` column, so a
    callback that changes the values patches only `z` and the shorter `text`."""
    merged = boundaries[["geo_code"]].merge(values, on="geo_code", how="left")
    own = callers_categories(value_label, colorscale, zrange, colorbar) if scale is None else None
    title = str(((colorbar or {}).get("title") or {}).get("text") or "") if own else legend_title(value_label, lang)
    pad = (PADDING, PADDING, PADDING + CREDIT_LINE_PX * (2 if lang == "en" else 1), PADDING)
    key = scale or own
    map_height = height - key_height(key, lang, width, colorbar, title.count("<br>") + 1)
    box = extent(boundaries)  # once: parsing Japan's 1,730 shapes takes about 40 ms
    centre, zoom = fit_view(boundaries, width, map_height, pad, box)
    if scale is None:  # the caller's colours as given; its categories (if any) named in a legend, not on a bar
        colours = {"colorscale": colorscale, "zmin": zrange[0] if zrange else None,
                   "zmax": zrange[1] if zrange else None, "showscale": own is None,
                   "colorbar": {**COLORBAR, "title": {"text": value_label, "side": "top"}, **(colorbar or {})}}
    else:
        colours = {**trace_colours(scale), "showscale": False}
    trace = go.Choroplethmap(
        geojson=boundaries.attrs.get("geojson_url") or feature_collection(boundaries),
        locations=merged["geo_code"], z=drawn_z(merged["value"], scale),
        text=merged[hover_label], featureidkey="id", marker={"line": {"width": 0.6, "color": "#ffffff"},
                                                             "opacity": 0.9},
        showlegend=False, **colours, **_hover(merged, name_column))
    keys = key_traces(key, lang, title, height) if key else []
    fig = go.Figure([trace, *(keys[:-1] if own else keys)])  # a caller's categories have no "no figure" value
    fig.update_layout(
        map={"style": "white-bg", "center": centre, "zoom": zoom}, height=height,
        margin={"l": 4, "r": 8, "t": 0, "b": 0}, font={"family": FONT},
        legend={**LEGEND, "title": {"text": title if key and key.categorical else "", "side": "top"}},
        meta={"fit": {"pad": list(pad), "zoom": zoom, "extent": extent_px(boundaries, zoom, box)}},  # 46_map_fit.js
        annotations=[{"text": credit(lang), "xref": "paper", "yref": "paper", "x": 0, "y": 0,
                      "xanchor": "left", "yanchor": "bottom", "showarrow": False, "font": {"size": 10},
                      "align": "left", "bgcolor": "rgba(255,255,255,0.8)"}],
    )
    return fig
