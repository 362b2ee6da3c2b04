-- 005: reviewer accounts that change: roles, password resets and removals as events, a
-- credential version that ends other sign-ins when the password changes or the account goes,
-- and the wrong-password count that slows down guessing.

-- Bumped when the password is reset or the account is removed: a browser session remembers the
-- version it signed in with and is signed out when it no longer matches.
ALTER TABLE reviewers ADD COLUMN credential_version INTEGER NOT NULL DEFAULT 0;
-- A removed reviewer keeps the row (active = 0): their decisions keep their name, and the name
-- stays reserved so nobody else signs in as the author of those decisions.
ALTER TABLE reviewers ADD COLUMN removed_at TEXT;

-- Every change to an account, by whom and when. Nothing is updated or deleted.
CREATE TABLE account_events (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('add', 'set_role', 'password', 'remove')),
    name   TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'        -- JSON: the role given, the role before
);
CREATE INDEX account_events_name ON account_events (name);

-- Accounts made before this migration: their creation, as far as it is known.
INSERT INTO account_events (at, actor, action, name, detail)
SELECT created_at, '(before account history)', 'add', name, json_object('role', role)
FROM reviewers ORDER BY created_at, name;

-- Wrong passwords in a row for a name (any name typed, so an unknown name behaves like a known
-- one). Kept in the database so the wait holds across browser sessions and app processes.
CREATE TABLE sign_in_failures (
    name           TEXT PRIMARY KEY,
    failures       INTEGER NOT NULL,
    last_failed_at REAL NOT NULL              -- seconds since the epoch
);
