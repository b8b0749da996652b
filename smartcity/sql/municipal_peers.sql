-- Municipalities whose population at the latest snapshot lies within [low, high] times the given municipality's,
-- with their issuance rate and rank (1 = highest rate; ties share the better rank). The municipality itself is
-- included and flagged.
WITH latest AS (
    SELECT max(period_end) AS d FROM observation WHERE indicator_id = 'mynumber_card_issuance_rate'
), snap AS (
    SELECT o.geo_code, o.period_end, o.value, o.numerator, o.denominator
    FROM observation o JOIN municipality m USING (geo_code), latest
    WHERE o.indicator_id = 'mynumber_card_issuance_rate' AND o.period_end = latest.d AND m.level = 'municipality'
), me AS (SELECT denominator AS pop FROM snap WHERE geo_code = $code), band AS (
    SELECT s.* FROM snap s, me WHERE s.denominator BETWEEN me.pop * $low AND me.pop * $high
)
SELECT b.geo_code, m.name_ja, m.name_en, m.pref_name_ja, m.pref_name_en, b.period_end AS snapshot_date,
       b.denominator AS population, b.numerator AS cards_issued, b.value AS rate,
       rank() OVER (ORDER BY b.value DESC) AS rank, count(*) OVER () AS n, b.geo_code = $code AS is_self
FROM band b JOIN municipality m USING (geo_code)
ORDER BY b.value DESC, b.geo_code;
