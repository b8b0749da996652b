-- Municipalities using each jointly procured system by fiscal year: joint, own and total in one row. A year the
-- source gives as '-' (not offered yet) or gives no figure for has NULL counts and says why in missing_reason.
WITH a AS (
    SELECT system_id, any_value(system_ja) AS system_ja, any_value(system_en) AS system_en, year AS fiscal_year,
           max(municipalities) FILTER (WHERE procurement = 'joint') AS joint,
           max(municipalities) FILTER (WHERE procurement = 'own') AS own,
           max(municipalities) FILTER (WHERE procurement = 'total') AS total,
           bool_or(note LIKE 'Source shows ''-''%') AS source_dash,
           any_value(source_doc) AS source_doc, any_value(source_section) AS source_section,
           min(source_line) AS source_line
    FROM joint_procurement_adoption
    GROUP BY system_id, year
)
SELECT a.system_id, a.system_ja, a.system_en, a.fiscal_year, a.joint, a.own, a.total,
       CASE WHEN a.total IS NOT NULL THEN NULL WHEN a.source_dash THEN 'not_offered' ELSE 'not_given' END
           AS missing_reason,
       a.source_doc, d.title_ja AS doc_title_ja, d.title_en AS doc_title_en, a.source_section, a.source_line
FROM a LEFT JOIN documents d USING (source_doc)
ORDER BY min(a.source_line) OVER (PARTITION BY a.system_id), a.fiscal_year;
