-- The 43 Osaka municipalities in the order of the osaka_municipality boundary layer (as boundaries.sql), with every
-- map measure: My Number card issuance rate at the latest snapshot, and counts of the OSPF projects, AI on-demand
-- transport entries and Smart Senior Life areas that name the municipality (or one of its wards) in the strategy
-- documents.
WITH latest AS (
    SELECT max(period_end) AS d FROM observation WHERE indicator_id = 'mynumber_card_issuance_rate'
), rate AS (
    SELECT o.geo_code, o.period_end, o.value, o.numerator, o.denominator
    FROM observation o, latest
    WHERE o.indicator_id = 'mynumber_card_issuance_rate' AND o.period_end = latest.d
), ospf AS (
    SELECT muni_code AS geo_code, count(*) AS n
    FROM ospf_projects
    WHERE row_kind = 'project' AND muni_code IS NOT NULL
    GROUP BY 1
), ai AS (
    SELECT coalesce(a.muni_code, w.parent_code) AS geo_code, count(*) AS n
    FROM ai_ondemand_transport a LEFT JOIN municipality w ON w.geo_code = a.ward_code
    WHERE coalesce(a.muni_code, w.parent_code) IS NOT NULL
    GROUP BY 1
), senior AS (
    SELECT coalesce(s.muni_code, w.parent_code) AS geo_code, count(*) AS n
    FROM smart_senior_life s LEFT JOIN municipality w ON w.geo_code = s.ward_code
    WHERE coalesce(s.muni_code, w.parent_code) IS NOT NULL
    GROUP BY 1
)
SELECT b.geo_code, m.name_ja, m.name_en,
       r.value AS mynumber, r.numerator AS cards_issued, r.denominator AS population, r.period_end AS snapshot_date,
       coalesce(ospf.n, 0) AS ospf, coalesce(ai.n, 0) AS ai_ondemand, coalesce(senior.n, 0) AS smart_senior
FROM boundary b
JOIN municipality m USING (geo_code)
LEFT JOIN rate r USING (geo_code)
LEFT JOIN ospf USING (geo_code)
LEFT JOIN ai USING (geo_code)
LEFT JOIN senior USING (geo_code)
WHERE b.layer = 'osaka_municipality' AND b.has_geometry
ORDER BY b.geo_code;
