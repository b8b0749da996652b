-- Share of municipalities with telework_adopted = 実施 in each Digital Agency DX release: every prefecture (over its
-- municipalities) and Japan, pooled (Σ 実施 / Σ answering). Single municipalities are shown as 実施/未実施 on their
-- pages rather than as a 0 % / 100 % "share".
INSERT INTO observation
SELECT 'dx_telework_adoption_share', geo_code, period_end, value, numerator, denominator, source_id, source_ref
FROM dx_boolean_share('telework_adopted');
