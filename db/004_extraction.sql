-- 004: studies (records that report the same study), their extracted details and findings,
-- and the history of every extraction change.

-- A study: one trial or case series, reported by one or more records. 'key' studies make the
-- summary of key evidence in `position` order; 'appendix' studies go to "other relevant studies".
CREATE TABLE studies (
    id         INTEGER PRIMARY KEY,
    label      TEXT NOT NULL,                 -- "Cazzato 2016": first author and year
    role       TEXT NOT NULL DEFAULT 'undecided' CHECK (role IN ('undecided', 'key', 'appendix')),
    position   INTEGER,                       -- order among key studies, 1 first
    details    TEXT NOT NULL DEFAULT '{}',    -- JSON: the NICE study-details rows and their facts
    appendix   TEXT NOT NULL DEFAULT '{}',    -- JSON: patients/follow-up, direction, reason
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- Which records report which study. A record reports at most one study.
CREATE TABLE study_records (
    record_id INTEGER PRIMARY KEY REFERENCES records (id),
    study_id  INTEGER NOT NULL REFERENCES studies (id),
    main      INTEGER NOT NULL DEFAULT 0      -- 1: the record cited for the study
);
CREATE INDEX study_records_study ON study_records (study_id);

-- One extracted efficacy result: a measure of a key outcome at a time point. Values are kept as
-- the reviewer typed them ("6.20" stays "6.20"); the extraction module checks they are numbers.
CREATE TABLE efficacy_findings (
    id          INTEGER PRIMARY KEY,
    study_id    INTEGER NOT NULL REFERENCES studies (id),
    outcome     TEXT NOT NULL,
    measure     TEXT NOT NULL,
    timepoint   TEXT NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,   -- order of the row within the study
    analysed    INTEGER,                      -- number analysed at this time point
    value       TEXT NOT NULL DEFAULT '',     -- mean, median, proportion ...
    spread_kind TEXT NOT NULL DEFAULT '',     -- SD, SE, 95% CI, range, IQR
    spread      TEXT NOT NULL DEFAULT '',     -- "1.2" or "5.2 to 7.3"
    n           INTEGER,                      -- events or responders (n of n/N)
    total       INTEGER,                      -- N of n/N
    p_value     TEXT NOT NULL DEFAULT '',     -- "<0.0001", "0.03", "NS"
    note        TEXT NOT NULL DEFAULT '',
    UNIQUE (study_id, outcome, measure, timepoint)
);

-- One extracted safety result: an event, how often, per what unit, how severe.
CREATE TABLE safety_findings (
    id        INTEGER PRIMARY KEY,
    study_id  INTEGER NOT NULL REFERENCES studies (id),
    event     TEXT NOT NULL,
    timepoint TEXT NOT NULL DEFAULT '',
    position  INTEGER NOT NULL DEFAULT 0,
    n         INTEGER,
    total     INTEGER,
    unit      TEXT NOT NULL DEFAULT 'patient' CHECK (unit IN ('patient', 'lesion', 'procedure')),
    severity  TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT '',
    UNIQUE (study_id, event, timepoint)
);

-- Every change to a study, its records or its findings: who, when, what (the new state as JSON).
CREATE TABLE extraction_events (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    study_id INTEGER,
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT '{}',
    source   TEXT NOT NULL DEFAULT 'app'      -- app, cli, import:<file>
);
CREATE INDEX extraction_events_study ON extraction_events (study_id);
