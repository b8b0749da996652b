-- Per municipal indicator and procedure, the distribution over an area's municipalities at the latest release:
-- n municipalities, n reporting (for a procedure: handling it with a reported online rate), n true / false / not
-- surveyed for the yes/no items, and min, quartiles, median and max of the reported values (percent or count).
-- Areas: 'osaka' (43), 'japan' (1,741), 'tokyo' (62), 'peers' = municipalities whose population at the latest My
-- Number snapshot lies within [$low, $high] times that of $code (as municipal_peers.sql; $code itself included).
WITH rel AS (SELECT max(release_date) AS d FROM dx_indicator_value),
latest AS (SELECT max(period_end) AS d FROM observation WHERE indicator_id = 'mynumber_card_issuance_rate'),
snap AS (
    SELECT o.geo_code, o.denominator AS pop
    FROM observation o JOIN municipality m USING (geo_code), latest
    WHERE o.indicator_id = 'mynumber_card_issuance_rate' AND o.period_end = latest.d AND m.level = 'municipality'
),
me AS (SELECT pop FROM snap WHERE geo_code = $code),
area AS (
    SELECT m.geo_code FROM municipality m
    WHERE m.level = 'municipality'
      AND (($area = 'osaka' AND m.is_osaka) OR $area = 'japan' OR ($area = 'tokyo' AND m.pref_code = '13')
           OR ($area = 'peers' AND m.geo_code IN (SELECT s.geo_code FROM snap s, me
                                                  WHERE s.pop BETWEEN me.pop * $low AND me.pop * $high)))
),
vals AS (
    SELECT 'dx:' || i.indicator_key AS measure, 'indicator' AS kind, i.indicator_key AS key, i.value_type,
           i.sort_order, a.geo_code, coalesce(v.value_pct, v.value_count::DOUBLE) AS value, v.value_bool,
           coalesce(v.reported, false) AS reported, v.not_reported_reason
    FROM area a CROSS JOIN dx_indicator i CROSS JOIN rel
    LEFT JOIN dx_indicator_value v ON v.geo_code = a.geo_code AND v.indicator_key = i.indicator_key
         AND v.release_date = rel.d AND v.respondent = 'municipality'
    WHERE i.municipal
    UNION ALL
    SELECT 'proc:' || p.procedure_key, 'procedure', p.procedure_key, 'percent', 10000 + p.sort_order, a.geo_code,
           r.rate_pct, NULL, coalesce(r.reported, false), NULL
    FROM area a CROSS JOIN dx_procedure p CROSS JOIN rel
    LEFT JOIN dx_application_rate r ON r.geo_code = a.geo_code AND r.procedure_key = p.procedure_key
         AND r.release_date = rel.d AND r.respondent = 'municipality'
    WHERE p.municipal
)
SELECT CAST($area AS VARCHAR) AS area, measure, kind, key, value_type, min(sort_order) AS sort_order,
       count(*) AS n, count(*) FILTER (WHERE reported) AS n_reported,
       count(*) FILTER (WHERE value_bool) AS n_true, count(*) FILTER (WHERE NOT value_bool) AS n_false,
       count(*) FILTER (WHERE not_reported_reason = 'not_surveyed') AS n_not_surveyed,
       min(value) AS min, quantile_cont(value, 0.25) AS q1, median(value) AS median,
       quantile_cont(value, 0.75) AS q3, max(value) AS max
FROM vals
GROUP BY measure, kind, key, value_type
ORDER BY sort_order;
