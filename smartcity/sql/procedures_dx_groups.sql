-- The groups of municipal procedures in the DX release (the whitelist of ?group=), in the release's order.
SELECT group_key, any_value(group_ja) AS group_ja, any_value(group_en) AS group_en, count(*) AS n_procedures
FROM dx_procedure
WHERE municipal
GROUP BY group_key
ORDER BY min(sort_order);
