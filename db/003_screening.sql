-- 003: reviewers, the review's screening settings, and screening decisions as events.

CREATE TABLE reviewers (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('lead', 'reviewer')),
    password_hash TEXT NOT NULL,              -- scrypt$n$r$p$salt$hash (hex)
    created_at    TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1
);

-- One row per setting (review question, criteria, reasons, keywords, single or dual screening).
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,                 -- JSON
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);

-- Every screening decision ever made. A change is a new row; nothing is updated or deleted.
-- A reviewer's current decision on a record at a stage is their latest row; 'undo' withdraws
-- the one before it. A lead's resolution of a conflict is kind 'resolution'.
CREATE TABLE decisions (
    id        INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records (id),
    reviewer  TEXT NOT NULL,
    stage     TEXT NOT NULL CHECK (stage IN ('title_abstract', 'full_text')),
    kind      TEXT NOT NULL DEFAULT 'screening' CHECK (kind IN ('screening', 'resolution')),
    decision  TEXT NOT NULL CHECK (decision IN ('include', 'exclude', 'maybe', 'undo')),
    reason    TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT '',
    at        TEXT NOT NULL,
    source    TEXT NOT NULL DEFAULT 'app'     -- app, cli, import:<file>
);
CREATE INDEX decisions_record ON decisions (record_id, stage);
CREATE INDEX decisions_reviewer ON decisions (reviewer, stage);

-- Full texts kept with the review (an uploaded PDF), one current file per record.
CREATE TABLE full_texts (
    record_id   INTEGER PRIMARY KEY REFERENCES records (id),
    file_name   TEXT NOT NULL,
    content     BLOB NOT NULL,
    sha256      TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
