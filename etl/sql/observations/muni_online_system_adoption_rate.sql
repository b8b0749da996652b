-- Municipal adoption rate of a resident service, Osaka vs Japan vs Tokyo (strategy slides).
INSERT INTO observation
SELECT 'muni_online_system_adoption_rate', geo_code, make_date(year, 12, 31), rate_pct, NULL, NULL, 'reference:municipal_service_adoption',
       doc_ref(source_doc, source_section, source_line)
FROM municipal_service_adoption
WHERE service_id = 'online_system';
