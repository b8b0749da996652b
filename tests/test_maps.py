"""The shared map view (smartcity.figures.maps.fit_view): fitted to the polygons' real extent in Web Mercator."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from smartcity.figures.maps import TILE, fit_view


def box(west: float, south: float, east: float, north: float) -> str:
    """A rectangle as GeoJSON text (the geometry_geojson column)."""
    return json.dumps({"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north],
                                                            [west, north], [west, south]]]})


def pixels(west: float, south: float, east: float, north: float, zoom: float) -> tuple[float, float]:
    """Width and height in pixels of a lon/lat box drawn at `zoom`."""
    world = TILE * 2 ** zoom
    merc = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    return world * (east - west) / 360, world * (merc(north) - merc(south)) / (2 * math.pi)


def test_fit_view_frames_the_polygons():
    square = ('{"type": "Polygon", "coordinates": '
              '[[[135.0, 34.0], [136.0, 34.0], [136.0, 35.0], [135.0, 35.0], [135.0, 34.0]]]}')
    centre, zoom = fit_view(pd.DataFrame({"geometry_geojson": [square]}), 600, 600)
    assert centre["lon"] == pytest.approx(135.5) and 34.4 < centre["lat"] < 34.6
    assert 8.0 < zoom < 9.0  # one degree is about 512 * 2**zoom / 360 px wide
    width, height = pixels(135.0, 34.0, 136.0, 35.0, zoom)
    assert width <= 600 and 0.9 * 600 < height <= 600  # fills the limiting side, crops nothing
    lower, _ = fit_view(pd.DataFrame({"geometry_geojson": [square]}), 600, 600, (16, 16, 116, 16))
    assert lower["lat"] < centre["lat"] and lower["lon"] == pytest.approx(135.5)  # room kept free at the bottom


def test_fit_zoom_is_closer_for_a_prefecture_than_for_japan():
    osaka = pd.DataFrame({"geometry_geojson": [box(135.0, 34.5, 135.1, 34.6), box(135.1, 34.5, 135.2, 34.6)]})
    japan = pd.DataFrame({"geometry_geojson": [box(123.0, 24.3, 130.0, 33.0), box(130.0, 33.0, 146.0, 45.5)]})
    assert fit_view(osaka, 600, 520)[1] > fit_view(japan, 600, 520)[1] > 2
    _, zoom = fit_view(japan, 600, 520)
    width, height = pixels(123.0, 24.3, 146.0, 45.5, zoom)
    assert max(width / 600, height / 520) > 0.9 and width <= 600 and height <= 520
