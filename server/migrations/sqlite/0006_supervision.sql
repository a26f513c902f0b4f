-- Supervision (DESIGN.md, "Access control"): who supervises whom, the one-time codes
-- that start a relationship, which documents an owner shares with whom, and each
-- reader's feed of shared documents that changed or were withdrawn.

-- A trainee and a supervisor. Ending it keeps the row (for the record) and removes
-- access at once: every access check joins on `ended_at IS NULL`.
CREATE TABLE supervision (
    id            TEXT PRIMARY KEY,
    trainee_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    supervisor_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    relation      TEXT NOT NULL,             -- shared::vocabulary::Relation code
    share_new     INTEGER NOT NULL DEFAULT 0,     -- 1: the trainee's new entries are shared with them
    started_at    INTEGER NOT NULL,               -- unix seconds
    ended_at      INTEGER,                        -- unix seconds; NULL while active
    ended_by      TEXT
);
-- One active relationship per pair; ended ones stay as history.
CREATE UNIQUE INDEX supervision_active_pair ON supervision (trainee_id, supervisor_id) WHERE ended_at IS NULL;
CREATE INDEX supervision_by_supervisor ON supervision (supervisor_id);

-- One-time invite codes. Only the SHA-256 of a code is kept, like session tokens.
CREATE TABLE invites (
    code_hash  TEXT PRIMARY KEY,
    trainee_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    relation   TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    used_by    TEXT
);
CREATE INDEX invites_by_trainee ON invites (trainee_id);

-- The users each document's `share` list names, kept in step with the document by
-- the sync store. A share grants reading only while the pair's relationship is active.
CREATE TABLE doc_shares (
    doc_id    TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    reader_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (doc_id, reader_id)
);
CREATE INDEX doc_shares_by_reader ON doc_shares (reader_id);

-- A reader's catch-up: someone else's document that changed (readable = 1) or that
-- they may no longer read (readable = 0), numbered in the reader's own sequence
-- (`cursors`), so one cursor covers both their own documents and shared ones.
CREATE TABLE reader_feed (
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    doc_id   TEXT NOT NULL,
    readable INTEGER NOT NULL,
    PRIMARY KEY (user_id, seq)
);
