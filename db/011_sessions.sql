-- 011: sign-in sessions kept in the review file, so a refresh or a new tab of the app stays signed
-- in (the browser holds a random token in a cookie) and a sign-out, a password reset or a removal
-- ends them everywhere. Each row is also the record of one sign-in and how it ended.

CREATE TABLE sessions (
    id                 INTEGER PRIMARY KEY,
    token_hash         TEXT NOT NULL UNIQUE,   -- SHA-256 of the token: the file never holds one
    name               TEXT NOT NULL,          -- the reviewer signed in
    credential_version INTEGER NOT NULL,       -- the account's, when it signed in
    created_at         TEXT NOT NULL,          -- when it signed in (ISO, UTC)
    expires            REAL NOT NULL,          -- seconds since the epoch: no use after this
    revoked_at         TEXT,                   -- when it ended before expiring
    revoked_why        TEXT CHECK (revoked_why IN ('sign-out', 'password', 'remove'))
);
CREATE INDEX sessions_name ON sessions (name);
