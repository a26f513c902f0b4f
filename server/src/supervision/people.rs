//! Reading relationships with both people in them, as `shared::supervision` shapes
//! them, from the `supervision` and `users` tables.

use super::SupervisionError;
use shared::supervision::{Person, Relationship};
use shared::vocabulary::Relation;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

/// A relationship row joined with both users; callers add the WHERE clause.
const SELECT_RELATIONSHIP: &str = "SELECT s.id AS id, s.relation AS relation, \
     s.share_new AS share_new, s.started_at AS started_at, s.ended_at AS ended_at, \
     t.id AS trainee_id, t.display_name AS trainee_name, t.email AS trainee_email, \
     v.id AS supervisor_id, v.display_name AS supervisor_name, v.email AS supervisor_email \
     FROM supervision s \
     JOIN users t ON t.id = s.trainee_id \
     JOIN users v ON v.id = s.supervisor_id";

/// A relationship as stored, with whether (and when) it ended.
pub struct Stored {
    pub relationship: Relationship,
    pub ended_at: Option<i64>,
}

/// The relationship `id`, active or ended, if it exists.
pub async fn by_id<'c, E>(executor: E, id: &str) -> Result<Option<Stored>, SupervisionError>
where
    E: Executor<'c, Database = Any>,
{
    let sql = format!("{SELECT_RELATIONSHIP} WHERE s.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(executor).await?;
    row.map(|row| from_row(&row)).transpose()
}

/// The active relationships `user` is part of, on either side, oldest first.
pub async fn active_of<'c, E>(
    executor: E,
    user: &str,
) -> Result<Vec<Relationship>, SupervisionError>
where
    E: Executor<'c, Database = Any>,
{
    let sql = format!(
        "{SELECT_RELATIONSHIP} WHERE s.ended_at IS NULL \
         AND (s.trainee_id = $1 OR s.supervisor_id = $1) ORDER BY s.started_at, s.id"
    );
    let rows = sqlx::query(&sql).bind(user).fetch_all(executor).await?;
    rows.iter()
        .map(|row| from_row(row).map(|stored| stored.relationship))
        .collect()
}

/// A user as the other side of a relationship sees them.
pub async fn person<'c, E>(executor: E, user: &str) -> Result<Person, SupervisionError>
where
    E: Executor<'c, Database = Any>,
{
    let row = sqlx::query("SELECT id, display_name, email FROM users WHERE id = $1")
        .bind(user)
        .fetch_one(executor)
        .await?;
    Ok(Person {
        id: row.try_get("id")?,
        display_name: row.try_get("display_name")?,
        email: row.try_get("email")?,
    })
}

/// A stored relation code as the vocabulary's value.
pub fn relation(code: &str) -> Result<Relation, SupervisionError> {
    Relation::from_code(code)
        .ok_or_else(|| SupervisionError::Fault(format!("unknown relation code {code:?}")))
}

fn from_row(row: &AnyRow) -> Result<Stored, SupervisionError> {
    let relation_code: String = row.try_get("relation")?;
    // Booleans are stored as 0/1 integers, the one form both databases share.
    let share_new: i64 = row.try_get("share_new")?;
    let relationship = Relationship {
        id: row.try_get("id")?,
        relation: relation(&relation_code)?,
        trainee: Person {
            id: row.try_get("trainee_id")?,
            display_name: row.try_get("trainee_name")?,
            email: row.try_get("trainee_email")?,
        },
        supervisor: Person {
            id: row.try_get("supervisor_id")?,
            display_name: row.try_get("supervisor_name")?,
            email: row.try_get("supervisor_email")?,
        },
        share_new: share_new != 0,
        started_at: row.try_get("started_at")?,
    };
    Ok(Stored {
        relationship,
        ended_at: row.try_get("ended_at")?,
    })
}
