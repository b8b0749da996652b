-- One map layer of Osaka: the wards of the cities that have wards (osaka_ward) and every other municipality
-- (osaka_municipality); ward names carry their city (大阪市北区 / Kita Ward, Osaka City).
SELECT b.geo_code, b.layer, m.parent_code,
       CASE WHEN m.level = 'ward' THEN p.name_ja || b.name_ja ELSE b.name_ja END AS name_ja,
       CASE WHEN m.level = 'ward' THEN m.name_en || ', ' || p.name_en ELSE m.name_en END AS name_en,
       b.geometry_geojson, b.centroid_lon, b.centroid_lat, b.area_km2
FROM boundary b
JOIN municipality m USING (geo_code)
LEFT JOIN municipality p ON p.geo_code = m.parent_code
WHERE b.has_geometry
  AND (b.layer = 'osaka_ward'
       OR (b.layer = 'osaka_municipality' AND b.geo_code NOT IN (
           SELECT wm.parent_code FROM boundary wb JOIN municipality wm USING (geo_code)
           WHERE wb.layer = 'osaka_ward' AND wm.parent_code IS NOT NULL)))
ORDER BY b.geo_code;
