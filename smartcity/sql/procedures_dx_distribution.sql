-- How municipalities' online application rates spread, per municipal procedure of the release and area:
-- Osaka's 43 (27000), Japan's municipalities (00000) and Tokyo without its islands (13000: codes below 13360).
-- Statistics are over the municipalities that report a rate; an empty cell (not handled, or no online route
-- reported) is counted apart and never as 0 %. A municipality with no row at all (a quarantined cell) is n_missing.
-- $release: the release date; $group: a group_key, or NULL for every group.
WITH areas AS (
    SELECT '27000' AS area_code, geo_code FROM municipality WHERE level = 'municipality' AND pref_code = '27'
    UNION ALL
    SELECT '00000', geo_code FROM municipality WHERE level = 'municipality'
    UNION ALL
    SELECT '13000', geo_code FROM municipality WHERE level = 'municipality' AND pref_code = '13' AND geo_code < '13360'
), procs AS (
    SELECT * FROM dx_procedure WHERE municipal AND ($group IS NULL OR group_key = $group)
)
SELECT p.procedure_key, p.group_key, p.group_ja, p.group_en, p.name_ja, p.name_en, p.sort_order, a.area_code,
       count(*)                                                 AS n_municipalities,
       count(r.rate_pct)                                        AS n_reported,
       count(*) FILTER (WHERE r.geo_code IS NOT NULL AND r.rate_pct IS NULL) AS n_not_reported,
       count(*) FILTER (WHERE r.geo_code IS NULL)               AS n_missing,
       min(r.rate_pct)                                          AS rate_min,
       quantile_cont(r.rate_pct, 0.25)                          AS rate_q1,
       quantile_cont(r.rate_pct, 0.5)                           AS rate_median,
       quantile_cont(r.rate_pct, 0.75)                          AS rate_q3,
       max(r.rate_pct)                                          AS rate_max,
       avg(r.rate_pct)                                          AS rate_mean
FROM procs p
CROSS JOIN areas a
LEFT JOIN dx_application_rate r
       ON r.procedure_key = p.procedure_key AND r.geo_code = a.geo_code AND r.release_date = $release
      AND r.respondent = 'municipality'
GROUP BY ALL
ORDER BY p.sort_order, a.area_code;
