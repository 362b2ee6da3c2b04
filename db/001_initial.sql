-- 001: records with their original text, saved searches, search runs and their provenance.
-- Never edit this file once it has run on a review: add a new numbered migration instead.

CREATE TABLE records (
    id                INTEGER PRIMARY KEY,
    origin            TEXT NOT NULL,             -- where the record came from: 'pubmed', ...
    origin_id         TEXT NOT NULL,             -- its identifier there (the PMID for PubMed)
    kind              TEXT NOT NULL DEFAULT 'article',
    pmid              TEXT,
    doi               TEXT,
    pmcid             TEXT,
    title             TEXT NOT NULL DEFAULT '',
    abstract          TEXT NOT NULL DEFAULT '',
    abstract_sections TEXT NOT NULL DEFAULT '[]', -- JSON [{label, category, text}]
    authors           TEXT NOT NULL DEFAULT '[]', -- JSON [{last_name, fore_name, initials, collective}]
    journal           TEXT NOT NULL DEFAULT '',
    journal_abbrev    TEXT NOT NULL DEFAULT '',
    year              INTEGER,
    volume            TEXT NOT NULL DEFAULT '',
    issue             TEXT NOT NULL DEFAULT '',
    pages             TEXT NOT NULL DEFAULT '',
    languages         TEXT NOT NULL DEFAULT '[]',
    publication_types TEXT NOT NULL DEFAULT '[]',
    mesh_headings     TEXT NOT NULL DEFAULT '[]',
    keywords          TEXT NOT NULL DEFAULT '[]',
    dates             TEXT NOT NULL DEFAULT '[]', -- JSON [{status, date}] (PubMed history dates)
    raw               TEXT NOT NULL,             -- the record exactly as received
    raw_format        TEXT NOT NULL,             -- how to re-read raw: 'pubmed-xml', ...
    added_at          TEXT NOT NULL,
    UNIQUE (origin, origin_id)
);
CREATE INDEX records_pmid ON records (pmid);
CREATE INDEX records_doi ON records (doi);

-- A saved search: what `review update` re-runs.
CREATE TABLE searches (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    database    TEXT NOT NULL DEFAULT 'pubmed',
    query       TEXT NOT NULL,
    mindate     TEXT,
    maxdate     TEXT,
    datetype    TEXT,
    created_at  TEXT NOT NULL
);

-- One execution of a search against the database, with everything NCBI said about it.
CREATE TABLE search_runs (
    id                INTEGER PRIMARY KEY,
    search_id         INTEGER NOT NULL REFERENCES searches (id),
    kind              TEXT NOT NULL,            -- 'search' (run by hand) or 'update'
    status            TEXT NOT NULL,            -- running, complete, incomplete, failed
    phase             TEXT NOT NULL DEFAULT 'searching', -- searching, fetching, done
    started_at        TEXT NOT NULL,
    finished_at       TEXT,
    params            TEXT NOT NULL DEFAULT '{}', -- JSON: term sent, dates, endpoint, page size
    ncbi_count        INTEGER,
    retrieved         INTEGER,
    new_records       INTEGER,
    already_present   INTEGER,
    deleted           INTEGER,
    query_translation TEXT,
    warnings          TEXT NOT NULL DEFAULT '[]', -- JSON list of plain-language messages
    errors            TEXT NOT NULL DEFAULT '[]',
    message           TEXT
);
CREATE INDEX search_runs_search ON search_runs (search_id, status);

-- The date slices a run was split into to get under PubMed's 9,999-record paging cap.
CREATE TABLE search_slices (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES search_runs (id),
    edat_from   TEXT,
    edat_to     TEXT,
    count       INTEGER NOT NULL,
    webenv      TEXT,
    query_key   TEXT,
    searched_at TEXT NOT NULL,
    UNIQUE (run_id, edat_from, edat_to)
);

-- Every PMID that a run's esearch returned, fetched or not: what a resumed run still owes.
CREATE TABLE search_hits (
    run_id   INTEGER NOT NULL REFERENCES search_runs (id),
    pmid     TEXT NOT NULL,
    slice_id INTEGER REFERENCES search_slices (id),
    position INTEGER NOT NULL,
    status   TEXT NOT NULL DEFAULT 'pending', -- pending, stored, deleted
    PRIMARY KEY (run_id, pmid)
) WITHOUT ROWID;

-- Which run brought which record: one record, many runs.
CREATE TABLE record_sources (
    record_id INTEGER NOT NULL REFERENCES records (id),
    run_id    INTEGER NOT NULL REFERENCES search_runs (id),
    new       INTEGER NOT NULL,               -- 1 if this run added the record to the review
    linked_at TEXT NOT NULL,
    PRIMARY KEY (record_id, run_id)
) WITHOUT ROWID;
CREATE INDEX record_sources_run ON record_sources (run_id);

-- Records waiting for title/abstract screening, in the order they arrived.
CREATE TABLE screening_queue (
    record_id INTEGER PRIMARY KEY REFERENCES records (id),
    stage     TEXT NOT NULL DEFAULT 'title_abstract',
    queued_at TEXT NOT NULL,
    run_id    INTEGER REFERENCES search_runs (id)
);

-- What was done to the review, by whom and when.
CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
