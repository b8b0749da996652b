-- One boundary layer with names in both languages (the layer name is a bound parameter).
SELECT b.geo_code, b.name_ja, m.name_en, b.geometry_geojson, b.centroid_lon, b.centroid_lat, b.area_km2
FROM boundary b JOIN municipality m USING (geo_code)
WHERE b.layer = $layer AND b.has_geometry
ORDER BY b.geo_code;
