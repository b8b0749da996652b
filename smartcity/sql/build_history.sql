-- What changed at each build (etl/history.py), newest build first, the build's own row ('*') before its tables.
SELECT built_at, table_name, rows_before, rows_after, rows_added, rows_removed, rows_changed, files_changed, note
FROM build_change
ORDER BY built_at DESC, table_name = '*' DESC, table_name
LIMIT $limit;
