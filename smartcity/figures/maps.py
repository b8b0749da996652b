"""Choropleth maps drawn with no tiles and no network: MapLibre traces on the built-in blank style."""
from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go

from smartcity.figures.common import FONT, SEQUENTIAL

BOUNDARY_CREDIT = "出典：国土交通省国土数値情報（行政区域データ）を加工して作成"


def feature_collection(boundaries: pd.DataFrame) -> dict:
    """GeoJSON FeatureCollection from boundary rows (geo_code, geometry_geojson); id = geo_code."""
    features = [{"type": "Feature", "id": code, "properties": {}, "geometry": json.loads(geom)}
                for code, geom in zip(boundaries["geo_code"], boundaries["geometry_geojson"]) if isinstance(geom, str)]
    return {"type": "FeatureCollection", "features": features}


def _view(boundaries: pd.DataFrame, width: int, height: int) -> tuple[dict, float]:
    """Centre and zoom that fit the features' centroids into a map of the given pixel size."""
    lon, lat = boundaries["centroid_lon"].dropna(), boundaries["centroid_lat"].dropna()
    lon_span = max(lon.max() - lon.min(), 0.05) * 1.35
    lat_span = max(lat.max() - lat.min(), 0.05) * 1.35
    zoom = min(math.log2(width * 360 / (512 * lon_span)), math.log2(height * 170 / (512 * lat_span)))
    return {"lon": float((lon.max() + lon.min()) / 2), "lat": float((lat.max() + lat.min()) / 2)}, round(zoom, 2)


def choropleth(boundaries: pd.DataFrame, values: pd.DataFrame, value_label: str, hover_label: str = "label",
               zrange: tuple[float, float] | None = None, height: int = 520, width: int = 620,
               colorscale: str = SEQUENTIAL) -> go.Figure:
    """Map of `values` (geo_code, value, label) over `boundaries`; the geometry travels once in the figure."""
    merged = boundaries[["geo_code"]].merge(values, on="geo_code", how="left")
    centre, zoom = _view(boundaries, width, height)
    trace = go.Choroplethmap(
        geojson=feature_collection(boundaries), locations=merged["geo_code"], z=merged["value"],
        text=merged[hover_label], featureidkey="id", colorscale=colorscale,
        zmin=zrange[0] if zrange else None, zmax=zrange[1] if zrange else None,
        marker={"line": {"width": 0.6, "color": "#ffffff"}, "opacity": 0.9},
        colorbar={"title": {"text": value_label}, "thickness": 12},
        hovertemplate="%{text}<extra></extra>",
    )
    fig = go.Figure(trace)
    fig.update_layout(
        map={"style": "white-bg", "center": centre, "zoom": zoom}, height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0}, font={"family": FONT},
        annotations=[{"text": BOUNDARY_CREDIT, "xref": "paper", "yref": "paper", "x": 0, "y": 0,
                      "xanchor": "left", "yanchor": "bottom", "showarrow": False, "font": {"size": 10},
                      "bgcolor": "rgba(255,255,255,0.8)"}],
    )
    return fig
