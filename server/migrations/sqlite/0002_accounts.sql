-- Accounts and their sessions. Ids are UUID v4 text, times are unix seconds, so the
-- same queries run on SQLite and PostgreSQL.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    -- Stored trimmed and lowercase, so UNIQUE also catches case variants.
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    -- An argon2id PHC string: algorithm, parameters, salt and hash together.
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Only the SHA-256 of each token is kept: a copy of this table cannot sign anyone in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device     TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Signing out everywhere and sweeping expired sessions look sessions up by user.
CREATE INDEX sessions_user_id ON sessions (user_id);
