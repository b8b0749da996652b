-- How many KPIs have each status in their headline assessment (the overview's summary).
SELECT a.status, count(*) AS n
FROM indicator i
JOIN assessment a ON a.indicator_id = i.indicator_id AND a.geo_code = i.headline_geo_code
GROUP BY a.status;
