-- Derives KPI observations from the loaded tables. Runs inside the build, after every table is loaded.
-- period_end conventions: fiscal year Y -> (Y+1)-03-31; calendar year Y -> Y-12-31; YYYY-MM -> last day of month.

CREATE TEMP MACRO period_end_of(txt) AS
    CASE WHEN length(txt) = 4 THEN make_date(CAST(txt AS INTEGER), 12, 31)
         WHEN length(txt) = 7 THEN last_day(CAST(txt || '-01' AS DATE))
         ELSE CAST(txt AS DATE) END;

CREATE TEMP MACRO osaka_municipalities() AS
    (SELECT count(*) FROM municipality WHERE level = 'municipality' AND pref_code = '27');

-- Jointly procured systems: municipalities (of 43) per fiscal year, joint + own procurement.
INSERT INTO observation
SELECT 'muni_' || CASE system_id WHEN 'line_extension' THEN 'line_extension' ELSE system_id END || '_adoption',
       '27000', make_date(year + 1, 3, 31), municipalities, municipalities, osaka_municipalities(),
       'reference:joint_procurement_adoption', source_doc || ' ' || source_section || ' (l.' || source_line || ')'
FROM joint_procurement_adoption
WHERE procurement = 'total' AND municipalities IS NOT NULL;

INSERT INTO observation
SELECT 'muni_e_application_population_coverage', '27000', make_date(year + 1, 3, 31), population_coverage_pct,
       NULL, NULL, 'reference:e_application_coverage',
       source_doc || ' ' || source_section || ' (l.' || source_line || ')'
FROM e_application_coverage;

-- Municipal adoption rates of three resident services, Osaka vs Japan vs Tokyo.
INSERT INTO observation
SELECT CASE service_id WHEN 'online_system' THEN 'muni_online_system_adoption_rate'
                       WHEN 'convenience_store_certificate' THEN 'muni_convenience_store_certificate_rate'
                       WHEN 'e_payment' THEN 'muni_e_payment_rate' END,
       geo_code, make_date(year, 12, 31), rate_pct, NULL, NULL, 'reference:municipal_service_adoption',
       source_doc || ' ' || source_section || ' (l.' || source_line || ')'
FROM municipal_service_adoption;

-- My Number card issuance: every snapshot, every geography; the rate is recomputed from its parts.
INSERT INTO observation
SELECT 'mynumber_card_issuance_rate', geo_code, snapshot_date, 100.0 * cards_issued / population,
       cards_issued, population, 'mynumbercard', source_file || ' row ' || source_row
FROM mynumber_issuance;

INSERT INTO observation
SELECT 'pref_online_applications', '27000', period_end_of(as_of_date), value, NULL, NULL,
       'reference:pref_online_applications', source_doc || ' ' || source_section || ' (l.' || source_line || ')'
FROM pref_online_applications
WHERE item_id = 'applications_total';

INSERT INTO observation
SELECT 'ospf_members', '27000', period_end_of(date), members_total, NULL, NULL, 'reference:ospf_membership',
       source_doc || ' ' || source_section || ' (l.' || source_line || ')'
FROM ospf_membership;

INSERT INTO observation
SELECT 'strategy_projects_implemented', '27000', period_end_of(as_of_date), 100.0 * implemented / projects,
       implemented, projects, 'reference:strategy_project_counts',
       source_doc || ' ' || source_section || ' (l.' || source_line || ')'
FROM strategy_project_counts
WHERE implemented IS NOT NULL;

-- Tablets lent per phase, accumulated at the end of each phase.
INSERT INTO observation
SELECT 'smart_senior_tablets_lent', '27000', period_end_of(end_date),
       sum(tablets_lent) OVER (ORDER BY end_date), NULL, NULL, 'reference:smart_senior_life',
       source_doc || ' ' || source_section || ' (l.' || source_line || ')'
FROM smart_senior_life
WHERE row_kind = 'phase_total' AND tablets_lent IS NOT NULL;
