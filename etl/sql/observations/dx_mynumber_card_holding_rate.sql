-- My Number card HOLDING rate (Digital Agency DX release): share of residents holding a card. A different measure
-- from the 2017–2022 ISSUANCE rate (mynumber_card_issuance_rate): never joined with it into one series.
-- A municipality: the published percentage (whole percent). Every prefecture (over its municipalities) and Japan:
-- the population-weighted mean of the municipalities' rates, weighted by the resident population of the latest
-- My Number snapshot (the release gives no population); municipalities without that population are left out.
INSERT INTO observation
SELECT 'dx_mynumber_card_holding_rate', geo_code, release_date, value_pct, NULL, NULL, 'dx_dashboard',
       source_file || ' row ' || source_row || ' column ' || source_column
FROM dx_municipal('mynumber_card_holding_rate')
WHERE reported;

INSERT INTO observation
WITH pop AS (
    SELECT geo_code, population, snapshot_date FROM mynumber_issuance
    WHERE level = 'municipality' AND snapshot_date = (SELECT max(snapshot_date) FROM mynumber_issuance)
)
SELECT 'dx_mynumber_card_holding_rate',
       CASE WHEN GROUPING(d.pref_code) = 1 THEN '00000' ELSE d.pref_code || '000' END, d.release_date,
       sum(d.value_pct * p.population) / sum(p.population), NULL, sum(p.population), 'dx_dashboard',
       'population-weighted mean of ' || count(*) || ' municipalities'' rates (weights: population at the My Number '
           || 'snapshot ' || any_value(p.snapshot_date) || '); ' || any_value(d.source_file)
FROM dx_municipal('mynumber_card_holding_rate') d
JOIN pop p ON p.geo_code = d.geo_code
WHERE d.reported
GROUP BY GROUPING SETS ((d.release_date, d.pref_code), (d.release_date));
