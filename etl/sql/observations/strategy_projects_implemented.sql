-- Share of the strategy's projects that reached social implementation.
INSERT INTO observation
SELECT 'strategy_projects_implemented', '27000', period_end_of(as_of_date), 100.0 * implemented / projects,
       implemented, projects, 'reference:strategy_project_counts', doc_ref(source_doc, source_section, source_line)
FROM strategy_project_counts
WHERE implemented IS NOT NULL;
