"""GeoJSON reading and the dissolve of wards into their city."""
import json

import pytest

from etl.boundaries import osaka_layers, read_features
from etl.errors import EtlError, FileReport


def square(x, y, size=0.01):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def feature(code, city, name, geom):
    return {"type": "Feature", "geometry": geom,
            "properties": {"N03_001": "大阪府", "N03_002": None, "N03_003": city, "N03_004": name, "N03_007": code}}


def write(tmp_path, features):
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
    return path


def test_truncated_geojson_names_file_line_and_character(tmp_path):
    path = tmp_path / "t.json"
    path.write_text('{"type":"FeatureCollection", "features": [\n{"type":"Feature","geometry":{"type":"Poly')
    with pytest.raises(EtlError) as err:
        read_features(path, "boundaries/t.json")
    message = str(err.value)
    assert message.startswith("boundaries/t.json, row 2, column 'character ")
    assert "truncated or malformed GeoJSON" in message


def test_feature_without_code_property_fails(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}}]}))
    with pytest.raises(EtlError, match="feature 1 has no property N03_007"):
        read_features(path, "b.json")


def test_wards_dissolve_into_their_city_and_shared_borders_stay_shared(tmp_path):
    feats = [feature("27102", "大阪市", "都島区", square(135.50, 34.70)),
             feature("27103", "大阪市", "福島区", square(135.51, 34.70)),
             feature("27202", None, "岸和田市", square(135.52, 34.70))]
    report = FileReport("boundaries_osaka", "b.json", "0" * 64, "mirror")
    munis, wards = osaka_layers(read_features(write(tmp_path, feats), "b.json"), report)
    assert sorted(munis.geo_code) == ["27100", "27202"]
    assert sorted(wards.geo_code) == ["27102", "27103"]
    osaka = munis.set_index("geo_code").geometry["27100"]
    assert osaka.geom_type == "Polygon"  # the two wards became one polygon: no gap along the shared edge
    assert osaka.area == pytest.approx(2 * 0.01 * 0.01, rel=1e-6)
    assert munis.set_index("geo_code").name_ja["27100"] == "大阪市"
