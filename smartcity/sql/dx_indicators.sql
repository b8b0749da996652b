-- The indicators municipalities answer, in the source's order.
SELECT indicator_key, group_ja, group_en, name_ja, name_en, value_type, sort_order, description_ja, description_en
FROM dx_indicator WHERE municipal ORDER BY sort_order;
