-- One indicator: definition, numerator and denominator, unit, direction, frequency, strategy policy and field, source.
SELECT i.indicator_id, i.name_ja, i.name_en, i.definition_ja, i.definition_en, i.unit, i.unit_ja,
       i.numerator_ja, i.numerator_en, i.denominator_ja, i.denominator_en, i.direction, i.lower_bound, i.upper_bound,
       i.frequency, i.policy_id, i.policy_ja, i.policy_en, i.field_id, i.field_ja, i.field_en, i.headline_geo_code,
       i.source_id, i.source_doc, i.source_section, i.origin_ja, i.origin_en, i.sort_order
FROM indicator i
WHERE i.indicator_id = $indicator_id;
