-- The codes of one boundary layer that have a geometry, in the order the map's figure holds them (boundaries.sql).
SELECT b.geo_code
FROM boundary b JOIN municipality m USING (geo_code)
WHERE b.layer = $layer AND b.has_geometry
ORDER BY b.geo_code;
