-- When the database was built and which My Number snapshots it holds.
SELECT built_at, as_of, snapshots, first_snapshot, last_snapshot FROM build_info;
