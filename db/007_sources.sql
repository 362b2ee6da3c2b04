-- 007: an imported file as the search it was in another database (PRISMA-S): where and when it
-- was searched, how, with which limits. `source` keeps its meaning (the database searched);
-- '' now means "not recorded" (before 007 an unknown database was stored as the file's format,
-- "RIS" or "CSV", which the report then printed as if it were a database).

ALTER TABLE imports ADD COLUMN platform TEXT NOT NULL DEFAULT '';     -- Ovid, Embase.com, ...
ALTER TABLE imports ADD COLUMN searched_on TEXT;                      -- YYYY-MM-DD; NULL: unknown
ALTER TABLE imports ADD COLUMN strategy TEXT NOT NULL DEFAULT '';     -- line by line, as run
ALTER TABLE imports ADD COLUMN limits TEXT NOT NULL DEFAULT '';       -- limits and filters
ALTER TABLE imports ADD COLUMN coverage TEXT NOT NULL DEFAULT '';     -- "1974 to 2022 February 23"

UPDATE imports SET source = '' WHERE source = upper(format);

-- Every recording or edit of a file's search details: who, when, the values before and after.
-- Nothing here is ever updated or deleted.
CREATE TABLE import_source_events (
    id        INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports (id),
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,                  -- recorded (at import), edited
    detail    TEXT NOT NULL DEFAULT '{}'      -- {"field": [before, after], ...}
);
CREATE INDEX import_source_events_import ON import_source_events (import_id);
