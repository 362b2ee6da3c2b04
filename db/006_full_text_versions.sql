-- 006: full texts kept as versions. Every upload is a new row with who and when; none is
-- replaced. The one file a record had under 003 becomes its version 1.

CREATE TABLE full_text_versions (
    id          INTEGER PRIMARY KEY,
    record_id   INTEGER NOT NULL REFERENCES records (id),
    version     INTEGER NOT NULL,
    file_name   TEXT NOT NULL,
    content     BLOB NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    UNIQUE (record_id, version)
);

INSERT INTO full_text_versions
    (record_id, version, file_name, content, size, sha256, uploaded_by, uploaded_at)
SELECT record_id, 1, file_name, content, length(content), sha256, uploaded_by, uploaded_at
FROM full_texts;

DROP TABLE full_texts;
