"""What the ETL and the app both need, so neither imports the other: settings, read-only connections, the trend line."""
