-- Programmes, projects and pilots that name a municipality (directly, or through one of its wards) in the strategy
-- documents, and the support programmes that cover all 43 Osaka municipalities (for an Osaka municipality).
-- `kind_code` is the row's kind in its source table (ospf stage, AI on-demand kind, Smart Senior Life row kind).
WITH me AS (SELECT geo_code, is_osaka FROM municipality WHERE geo_code = $code AND level = 'municipality'),
items AS (
    SELECT 'ospf' AS kind, p.project_id AS item_id, p.title_ja, p.title_en, p.field_ja AS detail_ja,
           p.field_en AS detail_en, p.stage AS kind_code, NULL::VARCHAR AS stage_ja, NULL::VARCHAR AS stage_en,
           p.area_ja, NULL::VARCHAR AS ward_code, NULL::INTEGER AS fiscal_year, NULL::VARCHAR AS start_date,
           NULL::VARCHAR AS end_date, p.muni_code AS geo_code,
           p.source_doc, p.source_section, p.source_line
    FROM ospf_projects p WHERE p.row_kind = 'project'
    UNION ALL
    SELECT 'ai_ondemand', a.project_id, a.title_ja, a.title_en, a.operator_ja, a.operator_ja, a.kind, NULL, NULL,
           a.area_ja, a.ward_code, a.fiscal_year, a.start_date, a.end_date,
           coalesce(a.muni_code, w.parent_code), a.source_doc, a.source_section, a.source_line
    FROM ai_ondemand_transport a LEFT JOIN municipality w ON w.geo_code = a.ward_code
    UNION ALL
    SELECT 'smart_senior', s.phase_id, 'スマートシニアライフ（タブレット貸出）' || coalesce(s.phase_ja, ''),
           'Smart Senior Life (tablet lending)'
               || coalesce(', phase ' || nullif(regexp_extract(s.phase_id, '^phase(\d+)', 1), ''), ''),
           NULL, NULL, s.row_kind, NULL, NULL, s.area_ja, s.ward_code,
           NULL, s.start_date, s.end_date, coalesce(s.muni_code, w.parent_code),
           s.source_doc, s.source_section, s.source_line
    FROM smart_senior_life s LEFT JOIN municipality w ON w.geo_code = s.ward_code
    UNION ALL
    SELECT 'support_all', sp.programme_id, sp.programme_ja, sp.programme_en, sp.area_ja, sp.area_en, NULL,
           sp.stage_ja, sp.stage_en, NULL, NULL, sp.start_fiscal_year, NULL, NULL, me.geo_code,
           sp.source_doc, sp.source_section, sp.source_line
    FROM support_programmes sp, me WHERE sp.municipalities = 43 AND me.is_osaka
)
SELECT i.kind, i.item_id, i.title_ja, i.title_en, i.detail_ja, i.detail_en, i.kind_code, i.stage_ja, i.stage_en,
       i.area_ja, i.ward_code, w.name_ja AS ward_name_ja, w.name_en AS ward_name_en,
       i.fiscal_year, i.start_date, i.end_date,
       i.source_doc, d.title_ja AS doc_title_ja, d.title_en AS doc_title_en, i.source_section, i.source_line
FROM items i JOIN me ON i.geo_code = me.geo_code
LEFT JOIN municipality w ON w.geo_code = i.ward_code
LEFT JOIN documents d ON d.source_doc = i.source_doc
ORDER BY CASE i.kind WHEN 'ospf' THEN 0 WHEN 'ai_ondemand' THEN 1 WHEN 'smart_senior' THEN 2 ELSE 3 END,
         coalesce(CAST(i.fiscal_year AS VARCHAR), i.start_date) NULLS LAST, i.source_line, i.item_id;
