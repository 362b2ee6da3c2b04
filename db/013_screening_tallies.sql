-- 013: the Screen page asks on every view whether the screening queue or the duplicate groups
-- changed (its cached queue and decisions depend on both). Counting and summing those tables
-- each time reads every row, so a view cost more the larger the review; these running tallies,
-- kept by triggers in the same transaction as the change, make each question one row's read.
-- duplicate_groups' tally is the same count and sum the signature was computed from before.

CREATE TABLE tallies (
    name TEXT PRIMARY KEY,          -- the table tallied
    n    INTEGER NOT NULL,          -- its rows
    s    INTEGER NOT NULL DEFAULT 0 -- duplicate_groups: sum(record_id * 31 + primary_id)
);

INSERT INTO tallies (name, n) SELECT 'screening_queue', count(*) FROM screening_queue;
INSERT INTO tallies (name, n, s)
    SELECT 'duplicate_groups', count(*), coalesce(sum(record_id * 31 + primary_id), 0)
    FROM duplicate_groups;

CREATE TRIGGER screening_queue_tally_insert AFTER INSERT ON screening_queue BEGIN
    UPDATE tallies SET n = n + 1 WHERE name = 'screening_queue';
END;
CREATE TRIGGER screening_queue_tally_delete AFTER DELETE ON screening_queue BEGIN
    UPDATE tallies SET n = n - 1 WHERE name = 'screening_queue';
END;

CREATE TRIGGER duplicate_groups_tally_insert AFTER INSERT ON duplicate_groups BEGIN
    UPDATE tallies SET n = n + 1, s = s + NEW.record_id * 31 + NEW.primary_id
    WHERE name = 'duplicate_groups';
END;
CREATE TRIGGER duplicate_groups_tally_delete AFTER DELETE ON duplicate_groups BEGIN
    UPDATE tallies SET n = n - 1, s = s - (OLD.record_id * 31 + OLD.primary_id)
    WHERE name = 'duplicate_groups';
END;
CREATE TRIGGER duplicate_groups_tally_update AFTER UPDATE OF record_id, primary_id
    ON duplicate_groups BEGIN
    UPDATE tallies SET s = s - (OLD.record_id * 31 + OLD.primary_id)
                             + (NEW.record_id * 31 + NEW.primary_id)
    WHERE name = 'duplicate_groups';
END;
