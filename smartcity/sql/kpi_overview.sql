-- Every indicator with its headline assessment (latest value, target, status) for the landing page.
SELECT i.indicator_id, i.name_ja, i.name_en, i.unit, i.unit_ja, i.policy_id, i.policy_ja, i.policy_en,
       i.field_id, i.field_ja, i.field_en, i.frequency, i.definition_ja, i.definition_en, i.sort_order,
       a.geo_code, m.name_ja AS geo_name_ja, m.name_en AS geo_name_en,
       a.status, a.reason_ja, a.reason_en, a.latest_value, a.latest_period_end, a.target_value, a.target_date,
       a.trend, a.is_stale, a.n_observations, t.basis AS target_basis, t.date_basis AS target_date_basis
FROM indicator i
JOIN assessment a ON a.indicator_id = i.indicator_id AND a.geo_code = i.headline_geo_code
JOIN municipality m ON m.geo_code = a.geo_code
LEFT JOIN target_resolved t ON t.indicator_id = i.indicator_id AND t.geo_code = a.geo_code
ORDER BY i.sort_order;
