-- Tables of the source kind `dx_dashboard` (デジタル庁「自治体DX推進状況ダッシュボード」), loaded by dx_dashboard.py.

-- The indicators of the comparison files (比較), with Japanese and English names (data/names/dx_indicators.csv).
CREATE TABLE dx_indicator (
    indicator_key  VARCHAR PRIMARY KEY,
    group_ja       VARCHAR NOT NULL,
    group_en       VARCHAR NOT NULL,
    name_ja        VARCHAR NOT NULL,
    name_en        VARCHAR NOT NULL,
    value_type     VARCHAR NOT NULL CHECK (value_type IN ('boolean', 'percent', 'count')),
    municipal      BOOLEAN NOT NULL,
    prefectural    BOOLEAN NOT NULL,
    sort_order     INTEGER NOT NULL,
    description_ja VARCHAR NOT NULL,
    description_en VARCHAR NOT NULL
);

-- The procedures of the online-application-rate files (data/names/dx_procedures.csv).
CREATE TABLE dx_procedure (
    procedure_key VARCHAR PRIMARY KEY,
    group_key     VARCHAR NOT NULL CHECK (group_key IN ('most_used_32', 'childcare_elderly_26')),
    group_ja      VARCHAR NOT NULL,
    group_en      VARCHAR NOT NULL,
    name_ja       VARCHAR NOT NULL,
    name_en       VARCHAR NOT NULL,
    municipal     BOOLEAN NOT NULL,
    prefectural   BOOLEAN NOT NULL,
    sort_order    INTEGER NOT NULL
);

-- One value per release, respondent (a municipality, or a prefecture's own government) and indicator.
-- An empty cell is kept as a row with no value and its meaning in not_reported_reason, never as 0 or 未実施.
CREATE TABLE dx_indicator_value (
    release_date        DATE NOT NULL,
    geo_code            VARCHAR NOT NULL REFERENCES municipality (geo_code),
    respondent          VARCHAR NOT NULL CHECK (respondent IN ('municipality', 'prefecture')),
    indicator_key       VARCHAR NOT NULL REFERENCES dx_indicator (indicator_key),
    value_bool          BOOLEAN,
    value_pct           DOUBLE CHECK (value_pct BETWEEN 0 AND 100),
    value_count         INTEGER CHECK (value_count >= 0),
    numerator           INTEGER CHECK (numerator >= 0),
    denominator         INTEGER CHECK (denominator >= 0),
    reported            BOOLEAN NOT NULL,
    not_reported_reason VARCHAR CHECK (not_reported_reason IN ('empty', 'not_surveyed', 'percent_sign_only')),
    value_as_written    VARCHAR NOT NULL,
    source_file         VARCHAR NOT NULL,
    source_row          INTEGER NOT NULL,
    source_column       INTEGER NOT NULL,
    PRIMARY KEY (release_date, geo_code, indicator_key),
    CHECK (reported = (not_reported_reason IS NULL)),
    CHECK (NOT reported OR (value_bool IS NOT NULL)::INT + (value_pct IS NOT NULL)::INT + (value_count IS NOT NULL)::INT = 1)
);

-- Online application rate (share of applications made online) per release, respondent and procedure. Empty means
-- the authority does not handle the procedure or reported no online applications for it: NULL, never 0 %.
CREATE TABLE dx_application_rate (
    release_date     DATE NOT NULL,
    geo_code         VARCHAR NOT NULL REFERENCES municipality (geo_code),
    respondent       VARCHAR NOT NULL CHECK (respondent IN ('municipality', 'prefecture')),
    procedure_key    VARCHAR NOT NULL REFERENCES dx_procedure (procedure_key),
    rate_pct         DOUBLE CHECK (rate_pct BETWEEN 0 AND 100),
    reported         BOOLEAN NOT NULL,
    value_as_written VARCHAR NOT NULL,
    source_file      VARCHAR NOT NULL,
    source_row       INTEGER NOT NULL,
    source_column    INTEGER NOT NULL,
    PRIMARY KEY (release_date, geo_code, procedure_key),
    CHECK (reported = (rate_pct IS NOT NULL))
);

-- The eleven procedures of the strategy slides' 2021 comparison (reference table `procedures`) matched to this
-- release's procedures (data/names/dx_slide_procedures.csv): same, similar (explained) or none.
CREATE TABLE dx_slide_procedure (
    slide_procedure_id VARCHAR PRIMARY KEY,
    procedure_key      VARCHAR REFERENCES dx_procedure (procedure_key),
    match              VARCHAR NOT NULL CHECK (match IN ('same', 'similar', 'none')),
    note_ja            VARCHAR NOT NULL,
    note_en            VARCHAR NOT NULL,
    CHECK ((match = 'none') = (procedure_key IS NULL))
);
