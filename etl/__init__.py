"""ETL: loads open data and the strategy's figures into one DuckDB database (see README, 'How the ETL works')."""
