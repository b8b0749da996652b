-- ORDEN's roadmap items by fiscal year, with the municipal participation targets, in the document's order.
SELECT r.roadmap_id, r.field_ja, r.field_en, r.item_ja, r.item_en, r.start_fiscal_year, r.end_fiscal_year,
       r.description_ja, r.municipalities_min, r.municipalities_max, r.note, r.source_doc, r.source_section,
       r.source_line
FROM orden_roadmap r
ORDER BY r.rowid;
