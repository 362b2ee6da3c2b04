-- 002: imported files as sources, and duplicates marked (never deleted), reversibly.

-- One imported export file: a source in the review's provenance, like a search run.
CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL,               -- the path as given
    file_name    TEXT NOT NULL,
    sha256       TEXT NOT NULL UNIQUE,        -- the same file imported again is the same import
    source       TEXT NOT NULL,               -- the database it came from: Embase, Scopus, ...
    format       TEXT NOT NULL,
    encoding     TEXT NOT NULL,
    record_count INTEGER NOT NULL,
    warnings     TEXT NOT NULL DEFAULT '[]',
    imported_at  TEXT NOT NULL,
    imported_by  TEXT NOT NULL
);

-- Where each imported record stood in its file, with the file's own identifier for it.
CREATE TABLE record_imports (
    import_id   INTEGER NOT NULL REFERENCES imports (id),
    position    INTEGER NOT NULL,
    record_id   INTEGER NOT NULL REFERENCES records (id),
    line        INTEGER NOT NULL,
    original_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (import_id, position)
) WITHOUT ROWID;
CREATE INDEX record_imports_record ON record_imports (record_id);

-- Pairs that deduplication found, with its evidence, and what became of them.
-- status: merged (automatically), pending (a reviewer decides), confirmed (a reviewer merged),
-- rejected (a reviewer kept them apart), undone (an automatic or confirmed merge taken back).
CREATE TABLE duplicate_pairs (
    a          INTEGER NOT NULL REFERENCES records (id),
    b          INTEGER NOT NULL REFERENCES records (id),
    score      REAL NOT NULL,
    verdict    TEXT NOT NULL,                 -- duplicate or possible, as the matcher saw it
    reasons    TEXT NOT NULL DEFAULT '[]',
    status     TEXT NOT NULL,
    found_at   TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    PRIMARY KEY (a, b),
    CHECK (a < b)
) WITHOUT ROWID;
CREATE INDEX duplicate_pairs_status ON duplicate_pairs (status);
CREATE INDEX duplicate_pairs_b ON duplicate_pairs (b);

-- Every change to a pair: who, when, what. Nothing here is ever updated or deleted.
CREATE TABLE duplicate_events (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,                     -- found, merged, confirmed, rejected, undone
    a      INTEGER NOT NULL,
    b      INTEGER NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);

-- The duplicate groups as they stand, derived from the merged and confirmed pairs: each member
-- points at its group's primary record (the most complete one). Records in no group are absent.
CREATE TABLE duplicate_groups (
    record_id  INTEGER PRIMARY KEY REFERENCES records (id),
    primary_id INTEGER NOT NULL REFERENCES records (id)
);
CREATE INDEX duplicate_groups_primary ON duplicate_groups (primary_id);

-- How far deduplication has looked: records above this id have not been compared yet.
CREATE TABLE dedupe_runs (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL,
    records        INTEGER NOT NULL,
    compared_from  INTEGER,                   -- NULL: all records against all
    max_record_id  INTEGER NOT NULL,
    merged         INTEGER NOT NULL,
    possible       INTEGER NOT NULL,
    seconds        REAL NOT NULL
);
