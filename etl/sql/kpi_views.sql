-- Runs after every source is loaded and before the observation files in observations/.

-- Build-time helpers for the observation files.
-- period_end conventions: fiscal year Y -> (Y+1)-03-31; calendar year Y -> Y-12-31; YYYY-MM -> last day of month.
CREATE TEMP MACRO period_end_of(txt) AS
    CASE WHEN length(txt) = 4 THEN make_date(CAST(txt AS INTEGER), 12, 31)
         WHEN length(txt) = 7 THEN last_day(CAST(txt || '-01' AS DATE))
         ELSE CAST(txt AS DATE) END;

CREATE TEMP MACRO osaka_municipalities() AS
    (SELECT count(*) FROM municipality WHERE level = 'municipality' AND pref_code = '27');

CREATE TEMP MACRO doc_ref(doc, section, line) AS doc || ' ' || section || coalesce(' (l.' || line || ')', '');  -- officials' rows may have no line

-- The one rule for targets: a geography's own target row, else the indicator's '*' row. The assessment and every
-- read query take targets from this view, so one indicator and geography never has two targets.
CREATE VIEW target_resolved AS
SELECT t.indicator_id, m.geo_code, t.geo_code AS target_geo_code, t.baseline_value, t.baseline_date,
       t.target_value, t.target_date, t.date_basis, t.basis, t.quote_ja, t.assumption_reason_ja, t.assumption_reason_en,
       t.date_assumption_ja, t.date_assumption_en, t.source_doc, t.source_section,
       t.source_line
FROM municipality m
JOIN target t ON t.geo_code IN (m.geo_code, '*')
QUALIFY row_number() OVER (PARTITION BY t.indicator_id, m.geo_code ORDER BY t.geo_code = '*') = 1;

-- Municipalities' answers to the DX release, with their prefecture (respondent 'municipality' only: the
-- prefecture files describe the prefectural governments themselves and never enter a municipal aggregate).
CREATE TEMP MACRO dx_municipal(key) AS TABLE
    SELECT v.*, m.pref_code
    FROM dx_indicator_value v JOIN municipality m ON m.geo_code = v.geo_code AND m.level = 'municipality'
    WHERE v.indicator_key = key AND v.respondent = 'municipality';

-- Share of municipalities answering 実施 among those that answered (調査無し and empty left out), for every
-- prefecture (over its municipalities) and Japan: a pooled count, Σ 実施 / Σ answered.
CREATE TEMP MACRO dx_boolean_share(key) AS TABLE
    SELECT CASE WHEN GROUPING(pref_code) = 1 THEN '00000' ELSE pref_code || '000' END AS geo_code,
           release_date AS period_end,
           100.0 * count(*) FILTER (WHERE value_bool) / count(value_bool) AS value,
           count(*) FILTER (WHERE value_bool) AS numerator, count(value_bool) AS denominator,
           'dx_dashboard' AS source_id,
           'pooled: ' || count(*) FILTER (WHERE value_bool) || ' of ' || count(value_bool)
               || ' municipalities answering (' || count(*) FILTER (WHERE NOT reported) || ' not surveyed or empty); '
               || any_value(source_file) || ' row ' || any_value(source_row) AS source_ref
    FROM dx_municipal(key)
    GROUP BY GROUPING SETS ((release_date, pref_code), (release_date))
    HAVING count(value_bool) > 0;
