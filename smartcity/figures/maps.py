"""Choropleth maps drawn with no tiles and no network: MapLibre traces on the built-in blank style."""
from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go
import shapely

from smartcity.figures.common import FONT, SEQUENTIAL

BOUNDARY_CREDIT = "出典：国土交通省国土数値情報（行政区域データ）を加工して作成"
BOUNDARY_CREDIT_EN = "Source: MLIT National Land Numerical Information (administrative areas), processed"
TILE = 512  # MapLibre's world is TILE * 2**zoom pixels wide
MAX_LAT = 85.0511  # Web Mercator's limit
MAX_ZOOM = 18.0
COLORBAR_PX = 100  # the colour bar's width at the map's right (plotly widens the margin for it)
PADDING = 16  # pixels kept free around the polygons
CREDIT_LINE_PX = 14  # height of a line of the credit written at the map's bottom left
DEFAULT_VIEW = ({"lon": 135.5, "lat": 34.65}, 8.0)  # Osaka Prefecture, when there is no geometry to fit
COLORBAR = {"thickness": 12, "len": 0.8, "y": 0.45, "yanchor": "middle"}  # below the mode bar, clear of it


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
             padding: int | tuple[int, int, int, int] = PADDING) -> tuple[dict, float]:
    """Centre and zoom that fit the polygons' real extent into a map of width x height pixels, keeping `padding`
    pixels free (one number for every side, or top, right, bottom, left). Web Mercator; MapLibre's world is 512
    pixels wide at zoom 0. Pure: no I/O."""
    box = extent(boundaries)
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


def credit(lang: str) -> str:
    """The boundary credit: the required Japanese line, and for English readers its translation beneath."""
    return BOUNDARY_CREDIT + ("<br>" + BOUNDARY_CREDIT_EN if lang == "en" else "")


def choropleth(boundaries: pd.DataFrame, values: pd.DataFrame, value_label: str, hover_label: str = "label",
               zrange: tuple[float, float] | None = None, height: int = 520, width: int = 620,
               colorscale: str | list = SEQUENTIAL, colorbar: dict | None = None, lang: str = "ja") -> go.Figure:
    """Map of `values` (geo_code, value, label) over `boundaries`; the geometry travels once in the figure.

    The view is fitted to the polygons for a figure of width x height pixels (the colour bar's room taken off the
    width, the credit's off the height); the colour bar sits below the mode bar (`colorbar` adds to or overrides its settings); the credit line
    is written on the map, translated beneath it when `lang` is "en"."""
    merged = boundaries[["geo_code"]].merge(values, on="geo_code", how="left")
    credit_px = CREDIT_LINE_PX * (2 if lang == "en" else 1)
    centre, zoom = fit_view(boundaries, width - COLORBAR_PX, height, (PADDING, PADDING, PADDING + credit_px, PADDING))
    trace = go.Choroplethmap(
        geojson=feature_collection(boundaries), locations=merged["geo_code"], z=merged["value"],
        text=merged[hover_label], featureidkey="id", colorscale=colorscale,
        zmin=zrange[0] if zrange else None, zmax=zrange[1] if zrange else None,
        marker={"line": {"width": 0.6, "color": "#ffffff"}, "opacity": 0.9},
        colorbar={"title": {"text": value_label}, **COLORBAR, **(colorbar or {})},
        hovertemplate="%{text}<extra></extra>",
    )
    fig = go.Figure(trace)
    fig.update_layout(
        map={"style": "white-bg", "center": centre, "zoom": zoom}, height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0}, font={"family": FONT},
        annotations=[{"text": credit(lang), "xref": "paper", "yref": "paper", "x": 0, "y": 0,
                      "xanchor": "left", "yanchor": "bottom", "showarrow": False, "font": {"size": 10},
                      "align": "left", "bgcolor": "rgba(255,255,255,0.8)"}],
    )
    return fig
