-- Share of the "32 most-used procedures" a municipality handles that are online (オンライン化済), per DX release.
-- A municipality: its numerator / denominator (procedures online / procedures it handles). Every prefecture (over
-- its municipalities) and Japan: pooled, Σ numerators / Σ denominators. Municipalities handling none are left out.
INSERT INTO observation
SELECT 'dx_most_used_32_online_share', geo_code, release_date, 100.0 * numerator / denominator, numerator,
       denominator, 'dx_dashboard', source_file || ' row ' || source_row || ' column ' || source_column
FROM dx_municipal('most_used_32_online_share')
WHERE denominator > 0;

INSERT INTO observation
SELECT 'dx_most_used_32_online_share',
       CASE WHEN GROUPING(pref_code) = 1 THEN '00000' ELSE pref_code || '000' END, release_date,
       100.0 * sum(numerator) / sum(denominator), sum(numerator), sum(denominator), 'dx_dashboard',
       'pooled over ' || count(*) || ' municipalities: Σ procedures online / Σ procedures handled; '
           || any_value(source_file)
FROM dx_municipal('most_used_32_online_share')
WHERE denominator > 0
GROUP BY GROUPING SETS ((release_date, pref_code), (release_date));
