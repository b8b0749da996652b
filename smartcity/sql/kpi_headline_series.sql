-- Observations of every indicator at its headline geography, for sparklines and the overview sentences.
SELECT o.indicator_id, o.period_end, o.value
FROM observation o JOIN indicator i ON i.indicator_id = o.indicator_id AND o.geo_code = i.headline_geo_code
ORDER BY o.indicator_id, o.period_end;
