-- 008: full-text search over records, in the layout sqlite-utils' enable_fts(..., fts_version="FTS5",
-- create_triggers=True) makes, so `sqlite-utils search review.db records "cryo*"` and Datasette's
-- search box work on the review file as they are.
--
-- Authors, keywords and MeSH headings are JSON. An external-content FTS5 table reads its text from
-- columns of records (its 'rebuild' and 'delete' must see what was indexed), so each JSON column
-- gets a readable companion: a VIRTUAL generated column (nothing stored, nothing for the writers to
-- fill, never out of step). A generated column may not use json_each, so the JSON is made readable
-- by replace(): the key names go (a search for "name" or "major" must not find every record),
-- then the punctuation. Written as orjson writes it (compact, keys in field order); a JSON text in
-- another shape is still indexed, with some key names among its words.

ALTER TABLE records ADD COLUMN authors_text TEXT GENERATED ALWAYS AS (
    trim(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(replace(replace(authors,
            '"last_name":', ''), '"fore_name":', ''), '"initials":', ''), '"collective":', ''),
        '},{', '; '), '","', ' '), '"', ''), '[', ''), ']', ''), '{', ''), '}', ''), '  ', ' '), '  ', ' '))
) VIRTUAL;

ALTER TABLE records ADD COLUMN keywords_text TEXT GENERATED ALWAYS AS (
    trim(replace(replace(replace(replace(keywords, '","', '; '), '"', ''), '[', ''), ']', ''))
) VIRTUAL;

ALTER TABLE records ADD COLUMN mesh_text TEXT GENERATED ALWAYS AS (
    trim(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(replace(replace(replace(mesh_headings,
            '"descriptor":', ''), '"major":true,', ''), '"major":false,', ''),
            '"qualifiers":', ''), '"ui":', ''),
        '},{', '; '), '","', ' '), '"', ''), '[', ''), ']', ''), '{', ''), '}', ''), ',', ' '), '  ', ' '), '  ', ' '))
) VIRTUAL;

CREATE VIRTUAL TABLE "records_fts" USING FTS5 (
    "title", "abstract", "authors_text", "keywords_text", "mesh_text",
    content="records"
);

CREATE TRIGGER "records_ai" AFTER INSERT ON "records" BEGIN
  INSERT INTO "records_fts" (rowid, "title", "abstract", "authors_text", "keywords_text", "mesh_text")
  VALUES (new.rowid, new."title", new."abstract", new."authors_text", new."keywords_text", new."mesh_text");
END;

CREATE TRIGGER "records_ad" AFTER DELETE ON "records" BEGIN
  INSERT INTO "records_fts" ("records_fts", rowid, "title", "abstract", "authors_text", "keywords_text", "mesh_text")
  VALUES ('delete', old.rowid, old."title", old."abstract", old."authors_text", old."keywords_text", old."mesh_text");
END;

CREATE TRIGGER "records_au" AFTER UPDATE ON "records" BEGIN
  INSERT INTO "records_fts" ("records_fts", rowid, "title", "abstract", "authors_text", "keywords_text", "mesh_text")
  VALUES ('delete', old.rowid, old."title", old."abstract", old."authors_text", old."keywords_text", old."mesh_text");
  INSERT INTO "records_fts" (rowid, "title", "abstract", "authors_text", "keywords_text", "mesh_text")
  VALUES (new.rowid, new."title", new."abstract", new."authors_text", new."keywords_text", new."mesh_text");
END;

-- Records stored before this migration.
INSERT INTO "records_fts" ("records_fts") VALUES ('rebuild');
