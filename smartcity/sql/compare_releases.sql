-- Releases of the Digital Agency's DX dashboard that hold municipal values, newest first.
SELECT DISTINCT strftime(release_date, '%Y-%m-%d') AS release_date
FROM dx_indicator_value
WHERE respondent = 'municipality'
ORDER BY release_date DESC;
