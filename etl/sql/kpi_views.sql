-- Runs after every source is loaded and before the observation files in observations/.

-- Build-time helpers for the observation files.
-- period_end conventions: fiscal year Y -> (Y+1)-03-31; calendar year Y -> Y-12-31; YYYY-MM -> last day of month.
CREATE TEMP MACRO period_end_of(txt) AS
    CASE WHEN length(txt) = 4 THEN make_date(CAST(txt AS INTEGER), 12, 31)
         WHEN length(txt) = 7 THEN last_day(CAST(txt || '-01' AS DATE))
         ELSE CAST(txt AS DATE) END;

CREATE TEMP MACRO osaka_municipalities() AS
    (SELECT count(*) FROM municipality WHERE level = 'municipality' AND pref_code = '27');

CREATE TEMP MACRO doc_ref(doc, section, line) AS doc || ' ' || section || ' (l.' || line || ')';

-- The one rule for targets: a geography's own target row, else the indicator's '*' row. The assessment and every
-- read query take targets from this view, so one indicator and geography never has two targets.
CREATE VIEW target_resolved AS
SELECT t.indicator_id, m.geo_code, t.geo_code AS target_geo_code, t.baseline_value, t.baseline_date,
       t.target_value, t.target_date, t.basis, t.quote_ja, t.assumption_reason, t.source_doc, t.source_section,
       t.source_line
FROM municipality m
JOIN target t ON t.geo_code IN (m.geo_code, '*')
QUALIFY row_number() OVER (PARTITION BY t.indicator_id, m.geo_code ORDER BY t.geo_code = '*') = 1;
