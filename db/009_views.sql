-- 009: views for people who query the review file with SQLite's own tools (sqlite-utils,
-- Datasette, the sqlite3 shell). Nothing is stored: each view is computed from the tables when
-- read, and the app never reads them. They fold decisions exactly as review/screening/state.py
-- does; tests/store/test_views.py holds the two to the same answers.

-- The records that stand for themselves: not a duplicate of another (a group's primary, or in
-- no group), with readable companions for the opaque columns.
CREATE VIEW primary_records AS
SELECT
    r.id,
    r.title,
    (SELECT group_concat(name, ', ') FROM (
        SELECT CASE
            WHEN coalesce(json_extract(a.value, '$.last_name'), '') != '' THEN trim(
                json_extract(a.value, '$.last_name') || ' '
                || coalesce(json_extract(a.value, '$.initials'), ''))
            ELSE coalesce(json_extract(a.value, '$.collective'), '') END AS name
        FROM json_each(r.authors) a ORDER BY a.key)
    ) AS authors,
    r.year,
    r.journal,
    r.pmid,
    r.doi,
    r.kind,
    CASE
        WHEN r.origin = 'pubmed' THEN 'PubMed'
        WHEN r.origin LIKE 'import:%'
            THEN (SELECT i.file_name FROM imports i WHERE i.sha256 = substr(r.origin, 8))
        ELSE r.origin END AS origin_name,
    (SELECT group_concat(name, '; ') FROM (
        SELECT DISTINCT s.name FROM record_sources rs
        JOIN search_runs sr ON sr.id = rs.run_id JOIN searches s ON s.id = sr.search_id
        WHERE rs.record_id = r.id OR rs.record_id IN (
            SELECT g2.record_id FROM duplicate_groups g2 WHERE g2.primary_id = r.id)
        ORDER BY s.name)
    ) AS searches,
    (SELECT group_concat(file_name, '; ') FROM (
        SELECT DISTINCT i.file_name FROM record_imports ri JOIN imports i ON i.id = ri.import_id
        WHERE ri.record_id = r.id OR ri.record_id IN (
            SELECT g2.record_id FROM duplicate_groups g2 WHERE g2.primary_id = r.id)
        ORDER BY i.file_name)
    ) AS files,
    max(1, (SELECT count(*) FROM duplicate_groups g2 WHERE g2.primary_id = r.id)) AS group_size,
    EXISTS (SELECT 1 FROM screening_queue q WHERE q.record_id = r.id) AS queued,
    r.origin,
    r.origin_id,
    r.added_at
FROM records r
LEFT JOIN duplicate_groups g ON g.record_id = r.id
WHERE g.record_id IS NULL OR g.primary_id = r.id;

-- Each reviewer's standing decision per record and stage, as the library folds the events: a
-- decision counts for its record's group primary (record_id; decided_on is the record it was
-- made on); per primary, stage, reviewer and kind the events form a stack, a decision pushes,
-- an 'undo' pops (an undo with nothing to pop does nothing); the standing decision is the top.
-- In SQL: the stack's depth after each event is the running sum of +1/-1 minus its running
-- minimum (floored at 0); the top is the latest decision whose depth is the final depth.
-- kind 'resolution' rows are leads' resolutions of conflicts.
CREATE VIEW current_decisions AS
WITH events AS (
    SELECT d.id, d.record_id AS decided_on, coalesce(g.primary_id, d.record_id) AS unit,
        d.reviewer, d.stage, d.kind, d.decision, d.reason, d.note, d.at, d.source,
        CASE d.decision WHEN 'undo' THEN -1 ELSE 1 END AS step
    FROM decisions d LEFT JOIN duplicate_groups g ON g.record_id = d.record_id
),
sums AS (
    SELECT *, sum(step) OVER w AS total FROM events
    WINDOW w AS (PARTITION BY stage, unit, reviewer, kind ORDER BY id)
),
depths AS (
    SELECT *, total - min(0, min(total) OVER w) AS depth FROM sums
    WINDOW w AS (PARTITION BY stage, unit, reviewer, kind ORDER BY id)
),
ends AS (
    SELECT *, first_value(depth) OVER (
        PARTITION BY stage, unit, reviewer, kind ORDER BY id DESC) AS final_depth
    FROM depths
),
standing AS (
    SELECT *, row_number() OVER (
        PARTITION BY stage, unit, reviewer, kind ORDER BY id DESC) AS latest
    FROM ends WHERE decision != 'undo' AND final_depth > 0 AND depth = final_depth
)
SELECT stage, unit AS record_id, reviewer, kind, decision, reason, note, at, decided_on,
    id AS event_id, source
FROM standing WHERE latest = 1;

-- One row per primary record and stage: each reviewer's standing vote (a JSON object), a lead's
-- resolution, the final decision and whether it is a conflict, as StageState.final() gives them.
-- final: a resolution if there is one; else under single screening the latest standing vote;
-- under dual screening the shared vote of two or more reviewers, 'conflict' when they differ,
-- NULL while fewer than two have voted. to_screen: on the stage's list (title/abstract: queued;
-- full text: queued and its title/abstract final is include or maybe).
-- The resolution is the standing one of the lead whose resolution event is the latest (the
-- library settles a record's resolution from the last lead to resolve or undo on it).
CREATE VIEW screening_status AS
WITH stages (stage) AS (VALUES ('title_abstract'), ('full_text')),
dual AS (
    SELECT coalesce((SELECT json_extract(value, '$') FROM settings WHERE key = 'dual'), 0) AS on_
),
standing AS MATERIALIZED (SELECT * FROM current_decisions),
votes AS MATERIALIZED (
    SELECT stage, record_id, count(*) AS n, count(DISTINCT decision) AS kinds,
        min(decision) AS one, json_group_object(reviewer, decision) AS votes
    FROM (SELECT * FROM standing WHERE kind = 'screening' ORDER BY stage, record_id, reviewer)
    GROUP BY stage, record_id
),
-- the latest standing vote (SQLite gives a bare column the values of the row max() picked)
latest AS MATERIALIZED (
    SELECT stage, record_id, decision, max(event_id) AS event_id
    FROM standing WHERE kind = 'screening' GROUP BY stage, record_id
),
last_resolver AS MATERIALIZED (
    SELECT d.stage, coalesce(g.primary_id, d.record_id) AS unit, d.reviewer, max(d.id) AS id
    FROM decisions d LEFT JOIN duplicate_groups g ON g.record_id = d.record_id
    WHERE d.kind = 'resolution'
    GROUP BY d.stage, coalesce(g.primary_id, d.record_id)
),
resolved AS MATERIALIZED (
    SELECT c.stage, c.record_id, c.decision, c.reviewer, c.reason
    FROM last_resolver l JOIN standing c ON c.kind = 'resolution'
        AND c.stage = l.stage AND c.record_id = l.unit AND c.reviewer = l.reviewer
),
decided AS MATERIALIZED (
    SELECT k.stage, CAST(k.record_id AS INTEGER) AS record_id, v.votes, v.n AS voters,
        r.decision AS resolution, r.reviewer AS resolved_by, r.reason AS resolution_reason,
        CASE
            WHEN r.decision IS NOT NULL THEN r.decision
            WHEN v.n IS NULL THEN NULL
            WHEN NOT (SELECT on_ FROM dual) THEN l.decision
            WHEN v.n < 2 THEN NULL
            WHEN v.kinds = 1 THEN v.one
            ELSE 'conflict' END AS final,
        (r.decision IS NULL AND coalesce(v.n, 0) >= 2 AND v.kinds > 1) AS conflict
    FROM (SELECT stage, record_id FROM votes UNION SELECT stage, record_id FROM resolved) k
    LEFT JOIN votes v ON v.stage = k.stage AND v.record_id = k.record_id
    LEFT JOIN latest l ON l.stage = k.stage AND l.record_id = k.record_id
    LEFT JOIN resolved r ON r.stage = k.stage AND r.record_id = k.record_id
)
SELECT p.id AS record_id, s.stage, p.title,
    CASE s.stage
        WHEN 'title_abstract' THEN p.queued
        ELSE p.queued AND coalesce(ta.final IN ('include', 'maybe'), 0) END AS to_screen,
    coalesce(d.votes, '{}') AS votes, coalesce(d.voters, 0) AS voters, d.final,
    coalesce(d.conflict, 0) AS conflict, d.resolution, d.resolved_by, d.resolution_reason
FROM primary_records p CROSS JOIN stages s
LEFT JOIN decided d ON d.record_id = p.id AND d.stage = s.stage
LEFT JOIN decided ta ON ta.record_id = p.id AND ta.stage = 'title_abstract'
ORDER BY p.id, s.stage = 'full_text';
