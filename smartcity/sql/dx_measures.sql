-- Every measure of the municipal DX release a page may show: the municipal indicators (dx:<indicator_key>) and the
-- municipal procedures (proc:<procedure_key>), with names, group and value type. This list is the whitelist that
-- measure keys from the address are checked against.
SELECT 'dx:' || indicator_key AS measure, 'indicator' AS kind, indicator_key AS key, value_type,
       group_ja, group_en, name_ja, name_en, description_ja, description_en, NULL::VARCHAR AS group_key,
       sort_order
FROM dx_indicator WHERE municipal
UNION ALL
SELECT 'proc:' || procedure_key, 'procedure', procedure_key, 'percent', group_ja, group_en, name_ja, name_en,
       NULL, NULL, group_key, 10000 + sort_order
FROM dx_procedure WHERE municipal
ORDER BY sort_order;
