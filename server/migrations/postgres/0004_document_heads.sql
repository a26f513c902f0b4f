-- Each document's heads (concatenated 32-byte change hashes), so catch-up can say
-- what the server holds without loading the document.
ALTER TABLE documents ADD COLUMN heads BYTEA NOT NULL DEFAULT ''::bytea;
