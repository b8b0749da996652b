-- The 2030 plan's basic policies and their fields (①…⑨) in the plan's own order, each with its number of KPIs
-- (0: "no indicator for this field yet"). Indicators' field_id 'f<n>' is the plan's item n. A field of the
-- indicators that the plan's list lacks follows, in the indicators' order: no KPI is ever dropped.
WITH plan AS (
    SELECT p."order" AS policy_order, p.field_id AS plan_policy_id, p.name_ja AS policy_ja, p.name_en AS policy_en,
           f."order" AS field_order, 'f' || CAST(f."order" AS VARCHAR) AS field_id,
           f.name_ja AS plan_field_ja, f.name_en AS plan_field_en
    FROM strategy_fields p
    JOIN strategy_fields f ON f.version_id = p.version_id AND f.parent_id = p.field_id AND f.level = 'item'
    WHERE p.version_id = 'osaka2030' AND p.level = 'policy'
), ind AS (
    SELECT field_id, arg_min(policy_id, sort_order) AS policy_id, arg_min(policy_ja, sort_order) AS policy_ja,
           arg_min(policy_en, sort_order) AS policy_en, arg_min(field_ja, sort_order) AS field_ja,
           arg_min(field_en, sort_order) AS field_en, count(*) AS n_indicators, min(sort_order) AS first_sort
    FROM indicator GROUP BY field_id
), plan_policy AS (  -- the indicators' own policy id for each plan policy (when it has any indicator)
    SELECT p.plan_policy_id, arg_min(i.policy_id, i.first_sort) AS policy_id
    FROM plan p JOIN ind i ON i.field_id = p.field_id GROUP BY p.plan_policy_id
)
SELECT coalesce(pp.policy_id, regexp_extract(p.plan_policy_id, '^o30_policy[0-9]+_(.*)$', 1)) AS policy_id,
       p.policy_ja, p.policy_en, p.policy_order, p.field_id,
       coalesce(i.field_ja, chr(9311 + CAST(p.field_order AS INTEGER)) || p.plan_field_ja) AS field_ja,
       coalesce(i.field_en, chr(9311 + CAST(p.field_order AS INTEGER)) || ' ' || p.plan_field_en) AS field_en,
       p.field_order, coalesce(i.n_indicators, 0) AS n_indicators
FROM plan p
LEFT JOIN ind i ON i.field_id = p.field_id
LEFT JOIN plan_policy pp ON pp.plan_policy_id = p.plan_policy_id
UNION ALL
SELECT i.policy_id, i.policy_ja, i.policy_en, 1000 + min(i.first_sort) OVER (PARTITION BY i.policy_id) AS policy_order,
       i.field_id, i.field_ja, i.field_en, i.first_sort AS field_order, i.n_indicators
FROM ind i
WHERE i.field_id NOT IN (SELECT field_id FROM plan)
ORDER BY policy_order, field_order;
