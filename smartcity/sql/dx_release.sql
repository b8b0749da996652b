-- The latest release of the Digital Agency's municipal DX progress dashboard (NULL when none is loaded).
SELECT max(release_date) AS release_date FROM dx_indicator_value;
