-- The assessment of an indicator at one geography (status, reason and the figures behind it).
SELECT a.indicator_id, a.geo_code, m.name_ja AS geo_name_ja, coalesce(m.name_en, m.name_ja) AS geo_name_en,
       a.status, a.reason_ja, a.reason_en, a.n_observations, a.latest_value, a.latest_period_end, a.previous_value,
       a.trend, a.slope_per_year, a.baseline_value, a.baseline_date, a.target_value, a.target_date,
       a.path_value_at_latest, a.projected_value, a.value_target_ratio, a.progress_ratio, a.is_stale, a.as_of
FROM assessment a
JOIN municipality m ON m.geo_code = a.geo_code
WHERE a.indicator_id = $indicator_id AND a.geo_code = $geo_code;
