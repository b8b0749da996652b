-- Every indicator's id and names in display order (for links and the not-found message).
SELECT indicator_id, name_ja, name_en, sort_order FROM indicator ORDER BY sort_order;
