-- The change log keeps the Automerge bytes of each accepted write as they arrived,
-- one row per write, instead of one row per change re-encoded by the server:
-- re-encoding cost more than everything else the server does with a push.
DROP TABLE changes;
CREATE TABLE change_log (
    owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    doc_id   TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    bytes    BLOB NOT NULL,
    PRIMARY KEY (owner_id, seq)
);
CREATE INDEX change_log_by_doc ON change_log (doc_id);
