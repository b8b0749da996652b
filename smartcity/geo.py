"""Boundary shapes served once per build as a fingerprinted, cacheable GeoJSON file, instead of inside every map.

A map's trace names `/geo/<layer>.<fingerprint>.geojson`; Plotly fetches it once per page and the browser keeps it
for a year (the fingerprint is the hash of the content, so a new build with other shapes gets a new address). Before,
the 1,741 shapes of Japan (1.5 MB of JSON) were rebuilt and sent with every map of Japan."""
from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, jsonify, request

from smartcity.db import build_key, query
from smartcity.figures.maps import feature_collection
from smartcity.settings import db_path

bp = Blueprint("geo", __name__)
LAYERS = ("osaka_municipality", "osaka_ward", "japan_municipality")
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Shapes:
    """One layer's FeatureCollection as sent: its fingerprint, the JSON bytes and their gzip."""
    fingerprint: str
    body: bytes
    gzipped: bytes


def shapes(db: Path, layer: str) -> Shapes:
    """The layer's shapes in the build now at `db` (made once per build and process)."""
    return _shapes(build_key(db), layer)


@lru_cache(maxsize=8)
def _shapes(build: tuple, layer: str) -> Shapes:
    frame = query(Path(build[0]), "boundaries", {"layer": layer})
    body = json.dumps(feature_collection(frame), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Shapes(hashlib.sha256(body).hexdigest()[:16], body, gzip.compress(body, compresslevel=9))


def url(db: Path, layer: str) -> str:
    """The address of the layer's shapes in the current build."""
    return f"/geo/{layer}.{shapes(db, layer).fingerprint}.geojson"


@bp.get("/geo/<layer>.<fingerprint>.geojson")
def serve(layer: str, fingerprint: str) -> Response:
    """The shapes, compressed once; cached for a year when the address names the current build's content."""
    db = db_path()
    if layer not in LAYERS or not db.is_file():
        return _not_found(layer)
    found = shapes(db, layer)
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    resp = Response(found.gzipped if gzipped else found.body, mimetype="application/geo+json")
    if gzipped:
        resp.headers["Content-Encoding"] = "gzip"
    resp.headers["Vary"] = "Accept-Encoding"
    resp.headers["ETag"] = f'"{found.fingerprint}"'
    # an old address (a page opened before a new build) gets the current shapes, but not for keeps
    resp.headers["Cache-Control"] = IMMUTABLE if fingerprint == found.fingerprint else "no-cache"
    return resp


def _not_found(layer: str) -> tuple[Response, int]:
    return jsonify(error=f"境界レイヤー「{layer}」はありません / No boundary layer '{layer}'",
                   layers=list(LAYERS)), 404
