-- 012: a reviewer's unsaved extraction of a study, so that leaving the Extraction page (another
-- page, a refresh, a closed tab) loses nothing typed. One row per reviewer and study; `content`
-- holds the parts being edited: {"efficacy": {"was": [...], "rows": [...]}, "safety": {...},
-- "efficacy_form": {...}}: each table's rows as edited and the findings they were edited on
-- (a save is refused if those changed meanwhile), and the add form as filled. The row goes when
-- the reviewer saves or discards; it is never read as findings.

CREATE TABLE extraction_drafts (
    reviewer   TEXT NOT NULL,
    study_id   INTEGER NOT NULL,
    content    TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (reviewer, study_id)
);
