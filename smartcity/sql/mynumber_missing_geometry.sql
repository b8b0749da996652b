-- Municipalities of one boundary layer without a geometry in the source.
SELECT b.geo_code, b.name_ja, m.name_en, m.pref_name_ja, m.pref_name_en
FROM boundary b JOIN municipality m USING (geo_code)
WHERE b.layer = $layer AND NOT b.has_geometry
ORDER BY b.geo_code;
