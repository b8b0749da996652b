-- Share of the 26 child-care and elderly-care procedures that are online, per DX release. A municipality: the
-- published percentage (the release gives no numerator). Every prefecture (over its municipalities) and Japan: the
-- unweighted MEAN of the municipalities' percentages (not pooled: the release gives no counts).
INSERT INTO observation
SELECT 'dx_childcare_26_online_share', geo_code, release_date, value_pct, NULL, NULL, 'dx_dashboard',
       source_file || ' row ' || source_row || ' column ' || source_column
FROM dx_municipal('childcare_elderly_26_online_share')
WHERE reported;

INSERT INTO observation
SELECT 'dx_childcare_26_online_share',
       CASE WHEN GROUPING(pref_code) = 1 THEN '00000' ELSE pref_code || '000' END, release_date,
       avg(value_pct), NULL, count(*), 'dx_dashboard',
       'mean of ' || count(*) || ' municipalities'' percentages (unweighted); ' || any_value(source_file)
FROM dx_municipal('childcare_elderly_26_online_share')
WHERE reported
GROUP BY GROUPING SETS ((release_date, pref_code), (release_date));
