-- The target of an indicator for a geography (target_resolved: its own row, else the '*' row); the gateway adds the
-- quoted document's citation.
SELECT t.indicator_id, t.target_geo_code AS geo_code, t.baseline_value, t.baseline_date, t.target_value, t.target_date,
       t.basis, t.date_basis, t.quote_ja, t.assumption_reason_ja, t.assumption_reason_en, t.date_assumption_ja,
       t.date_assumption_en, t.source_doc, t.source_section, t.source_line
FROM target_resolved t
WHERE t.indicator_id = $indicator_id AND t.geo_code = $geo_code;
