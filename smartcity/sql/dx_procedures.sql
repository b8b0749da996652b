-- The procedures municipalities report an online application rate for, in the source's order.
SELECT procedure_key, group_key, group_ja, group_en, name_ja, name_en, sort_order
FROM dx_procedure WHERE municipal ORDER BY sort_order;
