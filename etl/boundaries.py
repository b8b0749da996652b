"""Municipal boundaries: parse GeoJSON, dissolve Osaka's wards, simplify as a coverage, store as GeoJSON text."""
from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from etl.errors import EtlError, FileReport, Problem

CODE, PREF, CITY, NAME = "N03_007", "N03_001", "N03_003", "N03_004"
# Tolerances in degrees for coverage simplification (shared borders stay shared).
OSAKA_TOLERANCE = 0.0004
JAPAN_TOLERANCE = 0.003
PRECISION = 5  # decimals kept in stored coordinates (about 1 m)
DESIGNATED = {"27100": "大阪市", "27140": "堺市"}


def read_features(path: Path, name: str) -> list[dict]:
    """Read a GeoJSON FeatureCollection; a truncated or malformed file fails with its line and column."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EtlError(Problem(name, data[: exc.start].count(b"\n") + 1, None,
                               f"GeoJSON must be UTF-8: bad byte 0x{data[exc.start]:02x} at offset {exc.start}")) from exc
    if not text.strip():
        raise EtlError(Problem(name, None, None, "the file is empty"))
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EtlError(Problem(name, exc.lineno, f"character {exc.colno}",
                               f"truncated or malformed GeoJSON: {exc.msg}")) from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise EtlError(Problem(name, None, "type", "not a GeoJSON FeatureCollection"))
    for i, feat in enumerate(doc["features"], start=1):
        if not isinstance(feat.get("properties"), dict) or CODE not in feat["properties"]:
            raise EtlError(Problem(name, i, CODE, f"feature {i} has no property {CODE} (municipality code)"))
    return doc["features"]


def to_frame(features: list[dict]) -> gpd.GeoDataFrame:
    """Features to a GeoDataFrame (EPSG:4326) with the N03 properties; empty geometry stays None."""
    props = pd.DataFrame([f["properties"] for f in features], dtype=object)
    props = props.where(props.notna(), None)  # keep JSON null as None, not NaN
    geoms = [shapely.geometry.shape(f["geometry"]) if f.get("geometry") else None for f in features]
    frame = gpd.GeoDataFrame(props, geometry=geoms, crs="EPSG:4326")
    frame["feature_no"] = np.arange(1, len(frame) + 1)
    return frame


def osaka_layers(features: list[dict], report: FileReport) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Osaka's 43 municipalities (wards dissolved into 大阪市 and 堺市) and its 31 wards, simplified together."""
    frame = to_frame(features)
    report.rows_read = len(frame)
    frame["muni_code"] = [
        _parent_code(code, city) for code, city in zip(frame[CODE], frame[CITY])
    ]
    wards = frame[frame[CODE] != frame["muni_code"]].copy()
    munis = frame.dissolve(by="muni_code", as_index=False, aggfunc="first")
    munis["geometry"] = _simplify(munis.geometry, OSAKA_TOLERANCE)
    munis["name_ja"] = [DESIGNATED.get(c, n) for c, n in zip(munis["muni_code"], munis[NAME])]
    munis = munis.rename(columns={"muni_code": "geo_code"})
    wards["geometry"] = _simplify(wards.geometry, OSAKA_TOLERANCE)
    wards = wards.rename(columns={CODE: "geo_code", NAME: "name_ja"})
    report.rows_loaded = len(frame)  # every ward/municipality feature is used (wards twice: as ward and in its city)
    return munis, wards


def _parent_code(code: str, city: str | None) -> str:
    for parent, name in DESIGNATED.items():
        if city == name:
            return parent
    return code


def japan_layer(features: list[dict], excluded: dict[str, str], report: FileReport) -> gpd.GeoDataFrame:
    """Japan's municipalities; features without a code or on the excluded list are quarantined with the reason."""
    frame = to_frame(features)
    report.rows_read = len(frame)
    keep = []
    for row in frame.itertuples():
        code = getattr(row, CODE)
        raw = json.dumps({k: getattr(row, k) for k in (PREF, CITY, NAME, CODE)}, ensure_ascii=False)
        if not code:
            report.reject(row.feature_no, CODE, f"feature without a municipality code ({getattr(row, NAME)})", raw)
        elif code in excluded:
            report.reject(row.feature_no, CODE, excluded[code], raw)
        else:
            keep.append(row.Index)
    frame = frame.loc[keep].copy()
    frame["name_ja"] = [name or city for name, city in zip(frame[NAME], frame[CITY])]  # designated cities: N03_003
    frame["geometry"] = _simplify(frame.geometry, JAPAN_TOLERANCE)
    report.rows_loaded = len(frame)
    return frame.rename(columns={CODE: "geo_code"})


def _simplify(geoms: gpd.GeoSeries, tolerance: float) -> gpd.GeoSeries:
    """Coverage simplification of the non-empty geometries; empty ones stay None."""
    present = geoms.notna()
    out = geoms.copy()
    if present.any():
        simplified = geoms[present].simplify_coverage(tolerance)
        out[present] = shapely.transform(simplified.values, lambda xy: np.round(xy, PRECISION))
    return out


def boundary_rows(frame: gpd.GeoDataFrame, layer: str, source_id: str) -> pd.DataFrame:
    """Rows for the boundary table: geometry as GeoJSON text plus centroid and area for labels and sizing."""
    geoms = frame.geometry
    present = geoms.notna()
    projected = geoms[present].to_crs("EPSG:6933")  # equal-area, for km²
    cent = geoms[present].representative_point()
    out = pd.DataFrame({
        "layer": layer,
        "geo_code": frame["geo_code"].astype(str).values,
        "name_ja": frame["name_ja"].values,
        "geometry_geojson": [shapely.to_geojson(g) if g is not None else None for g in geoms],
        "has_geometry": present.values,
        "centroid_lon": np.nan,
        "centroid_lat": np.nan,
        "area_km2": np.nan,
        "source_id": source_id,
    })
    out.loc[present.values, "centroid_lon"] = np.round(cent.x.values, PRECISION)
    out.loc[present.values, "centroid_lat"] = np.round(cent.y.values, PRECISION)
    out.loc[present.values, "area_km2"] = np.round(projected.area.values / 1e6, 3)
    return out
