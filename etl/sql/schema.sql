-- Core schema of data/smartcity.duckdb. Reference tables (data/reference/*.csv) are created from
-- data/reference/schema.toml by etl/reference.py; a source kind's own tables are declared in etl/loaders/<kind>.sql.

CREATE TABLE source (
    source_id      VARCHAR PRIMARY KEY,
    kind           VARCHAR NOT NULL,
    title_ja       VARCHAR NOT NULL,
    title_en       VARCHAR NOT NULL,
    url            VARCHAR,
    publisher_ja   VARCHAR,
    publisher_en   VARCHAR,
    licence        VARCHAR,
    attribution    VARCHAR,
    describes_date VARCHAR,
    update_frequency VARCHAR NOT NULL CHECK (update_frequency IN ('monthly', 'annual', 'irregular'))
);

CREATE TABLE source_file (
    file             VARCHAR PRIMARY KEY,
    source_id        VARCHAR NOT NULL REFERENCES source (source_id),
    snapshot_date    DATE,
    sha256           VARCHAR NOT NULL CHECK (regexp_full_match(sha256, '[0-9a-f]{64}')),
    origin           VARCHAR NOT NULL CHECK (origin IN ('cache', 'mirror', 'download', 'repository', 'state')),
    rows_read        BIGINT NOT NULL CHECK (rows_read >= 0),
    rows_loaded      BIGINT NOT NULL CHECK (rows_loaded >= 0),
    rows_quarantined BIGINT NOT NULL CHECK (rows_quarantined >= 0),
    CHECK (rows_read = rows_loaded + rows_quarantined)
);

CREATE TABLE rejected_row (
    source_id   VARCHAR NOT NULL,
    file        VARCHAR NOT NULL REFERENCES source_file (file),
    row_number  BIGINT,
    column_name VARCHAR,
    reason      VARCHAR NOT NULL,
    raw         VARCHAR NOT NULL
);

-- Rows kept but flagged: a rate the source publishes differs from the rate computed from the same row's numerator and
-- denominator by more than the rounding of the published figure (etl/completeness.py). Listed by `python -m etl status`.
CREATE TABLE rate_flag (
    source_id     VARCHAR NOT NULL REFERENCES source (source_id),
    file          VARCHAR NOT NULL REFERENCES source_file (file),
    row_number    BIGINT NOT NULL,
    column_name   VARCHAR NOT NULL,
    subject       VARCHAR NOT NULL,  -- the geo code (or the category of a type total) the row is about
    published_pct DOUBLE NOT NULL,
    computed_pct  DOUBLE,            -- NULL when the denominator is 0
    tolerance_pct DOUBLE NOT NULL CHECK (tolerance_pct > 0),
    reason        VARCHAR NOT NULL
);

CREATE TABLE municipality (
    geo_code     VARCHAR PRIMARY KEY CHECK (regexp_full_match(geo_code, '[0-9]{5}')),
    lg_code      VARCHAR NOT NULL UNIQUE CHECK (regexp_full_match(lg_code, '[0-9]{6}')),
    level        VARCHAR NOT NULL CHECK (level IN ('nation', 'prefecture', 'municipality', 'ward')),
    name_ja      VARCHAR NOT NULL,
    name_en      VARCHAR,
    pref_code    VARCHAR CHECK (pref_code IS NULL OR regexp_full_match(pref_code, '[0-9]{2}')),
    parent_code  VARCHAR,
    kind         VARCHAR NOT NULL CHECK (kind IN ('nation', 'prefecture', 'designated_city', 'special_ward', 'city',
                                                  'town', 'village', 'ward')),
    county_ja    VARCHAR,
    pref_name_ja VARCHAR,
    pref_name_en VARCHAR,
    is_osaka     BOOLEAN NOT NULL
);

CREATE TABLE municipality_name (
    geo_code   VARCHAR NOT NULL REFERENCES municipality (geo_code),
    name_ja    VARCHAR NOT NULL,
    source_id  VARCHAR NOT NULL REFERENCES source (source_id),
    first_seen DATE,
    last_seen  DATE,
    PRIMARY KEY (geo_code, name_ja, source_id)
);

CREATE TABLE mynumber_issuance (
    snapshot_date      DATE NOT NULL,
    geo_code           VARCHAR NOT NULL REFERENCES municipality (geo_code),
    level              VARCHAR NOT NULL CHECK (level IN ('nation', 'prefecture', 'municipality')),
    population         BIGINT NOT NULL CHECK (population > 0),
    cards_issued       BIGINT NOT NULL CHECK (cards_issued >= 0),
    rate_published_pct DOUBLE NOT NULL,
    population_date    DATE NOT NULL,
    issued_date        DATE NOT NULL,
    name_as_written    VARCHAR NOT NULL,
    pref_as_written    VARCHAR,
    code_resolved_by   VARCHAR NOT NULL CHECK (code_resolved_by IN ('code', 'name')),
    source_file        VARCHAR NOT NULL,  -- reconciled with source_file by etl/validate.py
    source_row         BIGINT NOT NULL,
    PRIMARY KEY (snapshot_date, geo_code)
);

CREATE TABLE mynumber_type_total (
    snapshot_date      DATE NOT NULL,
    category_ja        VARCHAR NOT NULL,
    population         BIGINT NOT NULL CHECK (population > 0),
    cards_issued       BIGINT NOT NULL CHECK (cards_issued >= 0),
    rate_published_pct DOUBLE NOT NULL,
    population_date    DATE NOT NULL,
    issued_date        DATE NOT NULL,
    source_file        VARCHAR NOT NULL,
    source_row         BIGINT NOT NULL,
    PRIMARY KEY (snapshot_date, category_ja)
);

CREATE TABLE boundary (
    layer            VARCHAR NOT NULL CHECK (layer IN ('osaka_municipality', 'osaka_ward', 'japan_municipality')),
    geo_code         VARCHAR NOT NULL REFERENCES municipality (geo_code),
    name_ja          VARCHAR NOT NULL,
    geometry_geojson VARCHAR,
    has_geometry     BOOLEAN NOT NULL,
    centroid_lon     DOUBLE,
    centroid_lat     DOUBLE,
    area_km2         DOUBLE,
    source_id        VARCHAR NOT NULL REFERENCES source (source_id),
    PRIMARY KEY (layer, geo_code),
    CHECK (has_geometry = (geometry_geojson IS NOT NULL))
);

CREATE TABLE observation (
    indicator_id VARCHAR NOT NULL,
    geo_code     VARCHAR NOT NULL REFERENCES municipality (geo_code),
    period_end   DATE NOT NULL,
    value        DOUBLE NOT NULL,
    numerator    DOUBLE,
    denominator  DOUBLE,
    source_id    VARCHAR NOT NULL,
    source_ref   VARCHAR NOT NULL,
    PRIMARY KEY (indicator_id, geo_code, period_end)
);

CREATE TABLE assessment (
    indicator_id        VARCHAR NOT NULL,
    geo_code            VARCHAR NOT NULL REFERENCES municipality (geo_code),
    status              VARCHAR NOT NULL CHECK (status IN ('achieved', 'on_track', 'at_risk', 'off_track',
                                                           'regressing', 'awaiting_data', 'not_assessable')),
    reason_ja           VARCHAR NOT NULL,
    reason_en           VARCHAR NOT NULL,
    n_observations      INTEGER NOT NULL,
    latest_value        DOUBLE,
    latest_period_end   DATE,
    previous_value      DOUBLE,
    trend               VARCHAR CHECK (trend IN ('up', 'down', 'flat')),
    slope_per_year      DOUBLE,
    baseline_value      DOUBLE,
    baseline_date       DATE,
    target_value        DOUBLE,
    target_date         DATE,
    path_value_at_latest DOUBLE,
    projected_value     DOUBLE,
    value_target_ratio  DOUBLE,
    progress_ratio      DOUBLE,
    is_stale            BOOLEAN NOT NULL,
    as_of               DATE NOT NULL,
    PRIMARY KEY (indicator_id, geo_code)
);

CREATE TABLE build_info (
    built_at          TIMESTAMP NOT NULL,
    duration_seconds  DOUBLE NOT NULL,
    as_of             DATE NOT NULL,
    etl_version       VARCHAR NOT NULL,
    snapshots         INTEGER NOT NULL,
    first_snapshot    DATE,
    last_snapshot     DATE,
    -- the build's identity: over every input file's checksum, the ETL version and the fingerprint of the ETL code,
    -- manifest and committed reference, KPI and name files (etl/incremental.py)
    content_sha256    VARCHAR NOT NULL
);

-- What changed from the build this one replaced (etl/history.py), with the history that build carried: one '*' row
-- per build (files added or removed, a note) and one row per table that is new or differs.
CREATE TABLE build_change (
    built_at      TIMESTAMP NOT NULL,
    table_name    VARCHAR NOT NULL,
    rows_before   BIGINT,
    rows_after    BIGINT,
    rows_added    BIGINT,
    rows_removed  BIGINT,
    rows_changed  BIGINT,
    files_changed VARCHAR,
    note          VARCHAR
);
