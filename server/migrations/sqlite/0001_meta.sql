-- Facts about this database itself; /healthz reads it to prove migrations ran.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('schema', 'waymark');
