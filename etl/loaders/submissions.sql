-- Kind `submissions`: what officials published through the app (smartcity/state), layered over the reference files.
CREATE TABLE publication_info (
    publication_id INTEGER NOT NULL PRIMARY KEY,  -- the publication this build shows
    kind VARCHAR NOT NULL,                        -- publish | rollback
    published_at TIMESTAMP NOT NULL,              -- UTC
    publisher_ja VARCHAR NOT NULL,                -- 最終更新（…） names the department, never a person
    publisher_en VARCHAR NOT NULL,
    tables_replaced VARCHAR[] NOT NULL            -- tables whose content comes from a submission
);
CREATE TABLE publication_log (                   -- every publication up to this build's: the public change log
    publication_id INTEGER NOT NULL PRIMARY KEY,
    kind VARCHAR NOT NULL,                        -- publish | rollback
    published_at TIMESTAMP NOT NULL,              -- UTC
    summary_ja VARCHAR NOT NULL,                  -- what it changed (tables and rows), never who
    summary_en VARCHAR NOT NULL
);
CREATE TABLE row_provenance (
    table_name VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,                     -- the row's primary key as JSON, e.g. ["e_application",2024,"total"]
    submission_id INTEGER NOT NULL,               -- the submission that last added or changed the row
    updated_at TIMESTAMP NOT NULL,                -- when that submission was published (UTC)
    organisation VARCHAR NOT NULL,                -- the submitting official's organisation
    PRIMARY KEY (table_name, row_key)
);
