"""Read side of the dashboard: the only place that opens the DuckDB database."""
