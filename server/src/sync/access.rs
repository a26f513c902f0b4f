//! Who may read a document (DESIGN.md, "Access control"): its owner, and the users in
//! its `share` list whose supervision relationship with the owner is active. These
//! queries run inside the caller's transaction so a check and the write it guards
//! see the same moment.

use sqlx::{Any, Transaction};

/// The users other than the owner who may read `doc_id` now.
pub async fn readers(
    tx: &mut Transaction<'static, Any>,
    doc_id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT s.reader_id FROM doc_shares s \
         JOIN documents d ON d.id = s.doc_id \
         JOIN supervision v ON v.trainee_id = d.owner_id AND v.supervisor_id = s.reader_id \
         WHERE s.doc_id = $1 AND v.ended_at IS NULL ORDER BY s.reader_id",
    )
    .bind(doc_id)
    .fetch_all(&mut **tx)
    .await
}

/// Gives `reader` the next number in their sequence, for a feed row.
pub async fn next_seq(tx: &mut Transaction<'static, Any>, user: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO cursors (user_id, last_seq) VALUES ($1, 1) \
         ON CONFLICT (user_id) DO UPDATE SET last_seq = cursors.last_seq + 1 RETURNING last_seq",
    )
    .bind(user)
    .fetch_one(&mut **tx)
    .await
}

/// Records in `reader`'s feed that `doc_id` changed (`readable`) or was withdrawn.
pub async fn feed(
    tx: &mut Transaction<'static, Any>,
    reader: &str,
    doc_id: &str,
    readable: bool,
) -> Result<(), sqlx::Error> {
    let seq = next_seq(tx, reader).await?;
    sqlx::query("INSERT INTO reader_feed (user_id, seq, doc_id, readable) VALUES ($1, $2, $3, $4)")
        .bind(reader)
        .bind(seq)
        .bind(doc_id)
        .bind(i64::from(readable))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Withdraws from `supervisor` every document of `trainee` that was shared with them,
/// once their relationship has ended (call it in the transaction that ends it). Their
/// devices drop the documents on their next sync; returns the document ids, for
/// [`super::SyncHub::withdraw`] to tell connected devices at once.
pub async fn withdraw_shared(
    tx: &mut Transaction<'static, Any>,
    trainee: &str,
    supervisor: &str,
) -> Result<Vec<String>, sqlx::Error> {
    feed_shared(tx, trainee, supervisor, false).await
}

/// Gives `supervisor` every document of `trainee` whose `share` list names them, when a
/// relationship between the two starts (again); call it in the transaction that
/// starts it. Returns the document ids.
pub async fn grant_shared(
    tx: &mut Transaction<'static, Any>,
    trainee: &str,
    supervisor: &str,
) -> Result<Vec<String>, sqlx::Error> {
    feed_shared(tx, trainee, supervisor, true).await
}

/// Puts every document of `trainee` shared with `supervisor` in the supervisor's
/// feed, as readable or withdrawn.
async fn feed_shared(
    tx: &mut Transaction<'static, Any>,
    trainee: &str,
    supervisor: &str,
    readable: bool,
) -> Result<Vec<String>, sqlx::Error> {
    let docs: Vec<String> = sqlx::query_scalar(
        "SELECT s.doc_id FROM doc_shares s JOIN documents d ON d.id = s.doc_id \
         WHERE d.owner_id = $1 AND s.reader_id = $2 ORDER BY s.doc_id",
    )
    .bind(trainee)
    .bind(supervisor)
    .fetch_all(&mut **tx)
    .await?;
    for doc in &docs {
        feed(tx, supervisor, doc, readable).await?;
    }
    Ok(docs)
}
