-- My Number card issuance: every snapshot, every geography; the rate is recomputed from its parts.
INSERT INTO observation
SELECT 'mynumber_card_issuance_rate', geo_code, snapshot_date, 100.0 * cards_issued / population,
       cards_issued, population, 'mynumbercard', source_file || ' row ' || source_row
FROM mynumber_issuance;
