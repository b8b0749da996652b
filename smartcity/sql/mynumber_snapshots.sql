-- Every My Number snapshot date, oldest first.
SELECT DISTINCT snapshot_date FROM mynumber_issuance ORDER BY snapshot_date;
