-- Themes, fields and basic policies of every version, in the documents' order (parent_id nests them).
SELECT f.version_id, f.field_id, f.parent_id, f.level, f."order" AS item_order, f.name_ja, f.name_en,
       f.description_ja, f.source_doc, f.source_section, f.source_line
FROM strategy_fields f
ORDER BY f.rowid;
