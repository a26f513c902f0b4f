-- Documents as the sync engine stores them (DESIGN.md, "Server").
-- Each document keeps a compacted snapshot (Automerge's save format) that is read to
-- serve it, and every accepted change is also appended to `changes`, numbered by the
-- owner's sequence, so the history can be audited or replayed.
CREATE TABLE documents (
    id          TEXT PRIMARY KEY,           -- an entry's UUID, or 'profile:<user id>'
    owner_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    snapshot    BLOB NOT NULL,
    updated_seq INTEGER NOT NULL            -- the owner's sequence number of its last change
);
-- Catch-up reads "the owner's documents changed after N" through this index.
CREATE INDEX documents_by_owner_and_seq ON documents (owner_id, updated_seq);

CREATE TABLE changes (
    owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    doc_id   TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    hash     BLOB NOT NULL,
    actor    TEXT NOT NULL,
    bytes    BLOB NOT NULL,
    PRIMARY KEY (owner_id, seq)
);
CREATE INDEX changes_by_doc ON changes (doc_id);

-- An Automerge actor belongs to the user who first sent a change from it.
CREATE TABLE actors (
    actor   TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE
);

-- Each user's latest sequence number.
CREATE TABLE cursors (
    user_id  TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    last_seq INTEGER NOT NULL
);
