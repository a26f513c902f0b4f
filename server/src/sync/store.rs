//! Where synced documents live in SQL, and the one task that writes them.
//!
//! Every write goes through a single writer task that takes whatever writes are
//! queued — from any connection — and commits them in one transaction. SQLite has one
//! writer anyway, and a durable commit costs an fsync, so grouping is what lets many
//! devices save at once without waiting on each other's disk flushes.

use super::access;
use crate::db::{Backend, Database, DatabaseError};
use shared::protocol::Cursor;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot};

/// The most writes committed in one transaction.
const MAX_BATCH: usize = 256;

/// A storage problem, for the logs; devices are told only that saving failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Database(#[from] DatabaseError),
    #[error("the database writer has stopped")]
    WriterStopped,
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::Database(DatabaseError::Query(error))
    }
}

/// Why a write was not committed.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// The author may not write this document or used another user's actor.
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A document as stored.
#[derive(Debug)]
pub struct StoredDoc {
    /// Who owns it.
    pub owner: String,
    /// Its compacted Automerge bytes.
    pub snapshot: Vec<u8>,
}

/// One document a device lacks changes of.
#[derive(Debug)]
pub struct ChangedDoc {
    /// The stored document id.
    pub id: String,
    /// Automerge bytes to load: changes after the cursor, or the whole document.
    pub changes: Vec<u8>,
    /// The document's heads, concatenated 32-byte hashes.
    pub heads: Vec<u8>,
}

/// Someone else's document shared with the user catching up.
#[derive(Debug)]
pub struct SharedWith {
    /// The stored document id.
    pub doc: String,
    pub owner: String,
    pub owner_name: String,
}

/// Everything a device lacks after its cursor.
#[derive(Debug)]
pub struct CatchUp {
    /// The changed documents, the user's own (oldest change first), then shared ones.
    pub docs: Vec<ChangedDoc>,
    /// Which of `docs` are other people's, shared with the user.
    pub shared: Vec<SharedWith>,
    /// Documents the user could read before the cursor and may no longer.
    pub withdrawn: Vec<String>,
    /// The owner's latest cursor.
    pub cursor: Cursor,
}

/// New changes to one document by one user, with the document as it is after them.
#[derive(Debug)]
pub struct DocWrite {
    /// The stored document id.
    pub doc_id: String,
    /// The user who sent the changes.
    pub author: String,
    /// The document's owner: the author for a new document.
    pub owner: String,
    /// The users the entry's `share` list names after the changes, when the owner
    /// changed it (or created the entry); `None` leaves the stored list as it is.
    pub shares: Option<Vec<String>>,
    /// Whether anyone besides the owner might read the document, before or after the
    /// changes; when not, the write skips looking for readers.
    pub may_have_readers: bool,
    /// The whole document after the changes (compacted, or the previous snapshot with
    /// the new bytes appended).
    pub snapshot: Vec<u8>,
    /// The document's heads after the changes, concatenated.
    pub heads: Vec<u8>,
    /// The actors of the new changes, in hex.
    pub actors: Vec<String>,
    /// Automerge bytes holding the new changes, appended to the change log.
    pub bytes: Vec<u8>,
}

struct Job {
    write: DocWrite,
    done: oneshot::Sender<Result<Committed, CommitError>>,
}

/// What a committed write changed for people other than its author.
#[derive(Debug, Default)]
pub struct Committed {
    /// The owner's cursor after the write.
    pub cursor: Cursor,
    /// Users other than the owner who may read the document now.
    pub readers: Vec<String>,
    /// Readers who could not read it before this write.
    pub granted: Vec<String>,
    /// Users who could read it before this write and no longer may.
    pub withdrawn: Vec<String>,
}

/// The synced-document store: reads from the pool, writes through the writer task.
#[derive(Clone)]
pub struct Store {
    database: Database,
    writer: mpsc::Sender<Job>,
}

impl Store {
    /// Starts the writer task; it ends when the last `Store` clone is dropped.
    pub fn start(database: Database) -> Self {
        let (writer, jobs) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(write_batches(database.clone(), jobs));
        Self { database, writer }
    }

    /// One document, if it exists.
    pub async fn load(&self, doc_id: &str) -> Result<Option<StoredDoc>, StoreError> {
        let row = sqlx::query("SELECT owner_id, snapshot FROM documents WHERE id = $1")
            .bind(doc_id)
            .fetch_optional(self.database.pool())
            .await?;
        row.map(|row| {
            Ok(StoredDoc {
                owner: row.try_get("owner_id")?,
                snapshot: row.try_get("snapshot")?,
            })
        })
        .transpose()
    }

    /// What the owner's devices lack after `cursor`: for each document changed since,
    /// the stored changes after the cursor (or the compacted snapshot, for a device
    /// that has nothing yet) and the heads they lead to, with the owner's latest
    /// cursor. Reads the `(owner, seq)` indexes, so the cost follows what changed.
    pub async fn catch_up(&self, owner: &str, cursor: Cursor) -> Result<CatchUp, StoreError> {
        let mut tx = self.database.pool().begin().await?;
        if self.database.backend() == Backend::Postgres {
            // The changes and the heads must come from the same moment.
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                .execute(&mut *tx)
                .await?;
        }
        let latest: Option<i64> =
            sqlx::query_scalar("SELECT last_seq FROM cursors WHERE user_id = $1")
                .bind(owner)
                .fetch_optional(&mut *tx)
                .await?;
        let latest = from_sql(latest.unwrap_or(0));
        let mut docs: Vec<ChangedDoc> = Vec::new();
        if latest > cursor {
            let rows = sqlx::query(
                "SELECT id, heads, snapshot FROM documents WHERE owner_id = $1 AND updated_seq > $2 ORDER BY updated_seq",
            )
            .bind(owner)
            .bind(to_sql(cursor))
            .fetch_all(&mut *tx)
            .await?;
            let mut index = HashMap::new();
            for row in rows {
                let id: String = row.try_get("id")?;
                let heads: Vec<u8> = row.try_get("heads")?;
                // A device with nothing gets the compacted document instead of history.
                let changes: Vec<u8> = if cursor == 0 {
                    row.try_get("snapshot")?
                } else {
                    Vec::new()
                };
                index.insert(id.clone(), docs.len());
                docs.push(ChangedDoc { id, changes, heads });
            }
            if cursor > 0 {
                let rows = sqlx::query(
                    "SELECT doc_id, bytes FROM change_log WHERE owner_id = $1 AND seq > $2 ORDER BY seq",
                )
                .bind(owner)
                .bind(to_sql(cursor))
                .fetch_all(&mut *tx)
                .await?;
                for row in rows {
                    let doc: String = row.try_get("doc_id")?;
                    let bytes: Vec<u8> = row.try_get("bytes")?;
                    if let Some(&at) = index.get(&doc) {
                        docs[at].changes.extend_from_slice(&bytes);
                    }
                }
            }
        }
        let (shared, withdrawn) = if latest > cursor {
            shared_since(&mut tx, owner, cursor, &mut docs).await?
        } else {
            Default::default()
        };
        tx.commit().await?;
        Ok(CatchUp {
            docs,
            shared,
            withdrawn,
            cursor: latest,
        })
    }

    /// Whether `user` may read `doc_id`, owned by someone else, now.
    pub async fn may_read(&self, doc_id: &str, user: &str) -> Result<bool, StoreError> {
        let mut tx = self.database.pool().begin().await?;
        let readers = access::readers(&mut tx, doc_id).await?;
        tx.commit().await?;
        Ok(readers.iter().any(|reader| reader == user))
    }

    /// The user's latest sequence number (0 before their first change).
    pub async fn cursor(&self, user: &str) -> Result<Cursor, StoreError> {
        let last: Option<i64> =
            sqlx::query_scalar("SELECT last_seq FROM cursors WHERE user_id = $1")
                .bind(user)
                .fetch_optional(self.database.pool())
                .await?;
        Ok(from_sql(last.unwrap_or(0)))
    }

    /// Commits a write durably; says who else it concerns.
    pub async fn commit(&self, write: DocWrite) -> Result<Committed, CommitError> {
        let (done, result) = oneshot::channel();
        self.writer
            .send(Job { write, done })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        result.await.map_err(|_| StoreError::WriterStopped)?
    }
}

/// Other people's documents in `reader`'s feed after `cursor`: each one still shared
/// is added whole to `docs` (a reader's device gets the compacted document, never a
/// history it may lack the start of); the rest are withdrawn.
async fn shared_since(
    tx: &mut Transaction<'static, Any>,
    reader: &str,
    cursor: Cursor,
    docs: &mut Vec<ChangedDoc>,
) -> Result<(Vec<SharedWith>, Vec<String>), sqlx::Error> {
    let feed: Vec<String> = sqlx::query_scalar(
        "SELECT doc_id FROM reader_feed WHERE user_id = $1 AND seq > $2 GROUP BY doc_id ORDER BY MIN(seq)",
    )
    .bind(reader)
    .bind(to_sql(cursor))
    .fetch_all(&mut **tx)
    .await?;
    let (mut shared, mut withdrawn) = (Vec::new(), Vec::new());
    for doc in feed {
        // Access is checked as it is now, whatever the feed said at the time.
        let row = sqlx::query(
            "SELECT d.owner_id, u.display_name, d.heads, d.snapshot FROM documents d \
             JOIN users u ON u.id = d.owner_id \
             JOIN doc_shares s ON s.doc_id = d.id AND s.reader_id = $2 \
             JOIN supervision v ON v.trainee_id = d.owner_id AND v.supervisor_id = $2 AND v.ended_at IS NULL \
             WHERE d.id = $1",
        )
        .bind(&doc)
        .bind(reader)
        .fetch_optional(&mut **tx)
        .await?;
        match row {
            Some(row) => {
                docs.push(ChangedDoc {
                    id: doc.clone(),
                    changes: row.try_get("snapshot")?,
                    heads: row.try_get("heads")?,
                });
                shared.push(SharedWith {
                    doc,
                    owner: row.try_get("owner_id")?,
                    owner_name: row.try_get("display_name")?,
                });
            }
            None => withdrawn.push(doc),
        }
    }
    Ok((shared, withdrawn))
}

/// Cursors are unsigned on the wire and BIGINT in SQL; they never come near 2^63.
fn to_sql(cursor: Cursor) -> i64 {
    i64::try_from(cursor).unwrap_or(i64::MAX)
}

fn from_sql(seq: i64) -> Cursor {
    Cursor::try_from(seq).unwrap_or(0)
}

async fn write_batches(database: Database, mut jobs: mpsc::Receiver<Job>) {
    // Actor bindings never change, so the writer remembers those it has seen.
    let mut actors = HashMap::new();
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match commit_batch(&database, &mut actors, &batch).await {
            Ok(results) => {
                for (job, result) in batch.drain(..).zip(results) {
                    let _ = job.done.send(result);
                }
            }
            Err(error) => {
                // Bindings made in the rolled-back transaction are not stored.
                actors.clear();
                tracing::error!(%error, writes = batch.len(), "could not store synced changes");
                for job in batch.drain(..) {
                    let _ = job
                        .done
                        .send(Err(CommitError::Store(StoreError::WriterStopped)));
                }
            }
        }
    }
}

/// One transaction for the whole batch; a write refused for its own reasons does not
/// stop the others.
async fn commit_batch(
    database: &Database,
    actors: &mut HashMap<String, String>,
    batch: &[Job],
) -> Result<Vec<Result<Committed, CommitError>>, sqlx::Error> {
    let mut tx = database.pool().begin().await?;
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        results.push(match bind_actors(&mut tx, actors, &job.write).await? {
            Some(reason) => Err(CommitError::Forbidden(reason)),
            None => append(&mut tx, &job.write).await?,
        });
    }
    tx.commit().await?;
    Ok(results)
}

/// Binds new actors to the author; says why not if one belongs to someone else.
/// Bindings never change, so those already seen are answered from memory.
async fn bind_actors(
    tx: &mut Transaction<'static, Any>,
    known: &mut HashMap<String, String>,
    write: &DocWrite,
) -> Result<Option<String>, sqlx::Error> {
    for actor in &write.actors {
        let cached = known.get(actor).cloned();
        let owner = match cached {
            Some(owner) => owner,
            None => {
                let bound: Option<String> =
                    sqlx::query_scalar("SELECT user_id FROM actors WHERE actor = $1")
                        .bind(actor)
                        .fetch_optional(&mut **tx)
                        .await?;
                match bound {
                    Some(owner) => owner,
                    None => {
                        sqlx::query("INSERT INTO actors (actor, user_id) VALUES ($1, $2)")
                            .bind(actor)
                            .bind(&write.author)
                            .execute(&mut **tx)
                            .await?;
                        write.author.clone()
                    }
                }
            }
        };
        if owner != write.author {
            return Ok(Some(
                "These changes were made on another person's device and cannot be saved under your name.".into(),
            ));
        }
        // If the batch then rolls back, the binding is remembered without being
        // stored; the device's retry stores it again under the same author.
        known.insert(actor.clone(), owner);
    }
    Ok(None)
}

/// Numbers the write in the owner's sequence, stores the document (only if the
/// author owns it or may read it), appends the bytes to the change log, keeps the
/// share list in step, and puts the change in each reader's feed.
async fn append(
    tx: &mut Transaction<'static, Any>,
    write: &DocWrite,
) -> Result<Result<Committed, CommitError>, sqlx::Error> {
    let by_owner = write.author == write.owner;
    if !by_owner
        && !access::readers(tx, &write.doc_id)
            .await?
            .contains(&write.author)
    {
        return Ok(Err(CommitError::Forbidden(
            "This entry is no longer shared with you.".into(),
        )));
    }
    let seq = access::next_seq(tx, &write.owner).await?;
    let stored = sqlx::query(
        "INSERT INTO documents (id, owner_id, snapshot, heads, updated_seq) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot, heads = excluded.heads, \
         updated_seq = excluded.updated_seq WHERE documents.owner_id = excluded.owner_id",
    )
    .bind(&write.doc_id)
    .bind(&write.owner)
    .bind(&write.snapshot)
    .bind(&write.heads)
    .bind(seq)
    .execute(&mut **tx)
    .await?;
    if stored.rows_affected() == 0 {
        return Ok(Err(CommitError::Forbidden(
            "This entry belongs to someone else.".into(),
        )));
    }
    sqlx::query("INSERT INTO change_log (owner_id, seq, doc_id, bytes) VALUES ($1, $2, $3, $4)")
        .bind(&write.owner)
        .bind(seq)
        .bind(&write.doc_id)
        .bind(&write.bytes)
        .execute(&mut **tx)
        .await?;
    let mut committed = Committed {
        cursor: from_sql(seq),
        ..Committed::default()
    };
    if !write.may_have_readers {
        return Ok(Ok(committed));
    }
    let before = access::readers(tx, &write.doc_id).await?;
    if let (true, Some(shares)) = (by_owner, &write.shares) {
        update_shares(tx, &write.doc_id, shares).await?;
    }
    let after = access::readers(tx, &write.doc_id).await?;
    for reader in &after {
        access::feed(tx, reader, &write.doc_id, true).await?;
    }
    for reader in before.iter().filter(|reader| !after.contains(reader)) {
        access::feed(tx, reader, &write.doc_id, false).await?;
        committed.withdrawn.push(reader.clone());
    }
    committed.granted = after
        .iter()
        .filter(|reader| !before.contains(reader))
        .cloned()
        .collect();
    committed.readers = after;
    Ok(Ok(committed))
}

/// Makes the stored share list of `doc_id` match the document's.
async fn update_shares(
    tx: &mut Transaction<'static, Any>,
    doc_id: &str,
    shares: &[String],
) -> Result<(), sqlx::Error> {
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT reader_id FROM doc_shares WHERE doc_id = $1")
            .bind(doc_id)
            .fetch_all(&mut **tx)
            .await?;
    for gone in stored.iter().filter(|user| !shares.contains(user)) {
        sqlx::query("DELETE FROM doc_shares WHERE doc_id = $1 AND reader_id = $2")
            .bind(doc_id)
            .bind(gone)
            .execute(&mut **tx)
            .await?;
    }
    for added in shares.iter().filter(|user| !stored.contains(user)) {
        // Only existing users can be named (the list is the trainee's to fill).
        sqlx::query(
            "INSERT INTO doc_shares (doc_id, reader_id) SELECT $1, id FROM users WHERE id = $2",
        )
        .bind(doc_id)
        .bind(added)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
