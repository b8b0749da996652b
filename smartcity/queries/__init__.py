"""Query functions, one module per domain; each runs a named .sql file from smartcity/sql with bound parameters."""
