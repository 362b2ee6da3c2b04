-- 010: a pair found by deduplication is either one publication twice (kind 'duplicate', merged
-- as before) or an erratum or correction linked to the article it corrects (kind 'erratum'):
-- the notice stays a record of its own but joins the article's group, so the study is screened
-- once and the export says why (link_kind). Undoing the link works like undoing a merge.

ALTER TABLE duplicate_pairs ADD COLUMN kind TEXT NOT NULL DEFAULT 'duplicate';
ALTER TABLE duplicate_pairs ADD COLUMN notice INTEGER REFERENCES records (id);  -- erratum's id

-- How each member is linked to its group's primary: 'duplicate', or 'erratum' for a notice.
-- The primary of a group with an erratum is never the notice.
ALTER TABLE duplicate_groups ADD COLUMN kind TEXT NOT NULL DEFAULT 'duplicate';
