//! `GET /` (my supervisors, my trainees, my waiting invites), `PATCH /{id}` (the
//! trainee's sharing default) and `DELETE /{id}` (either side ends it).

use super::{codes, people, SupervisionError};
use crate::auth::AuthUser;
use crate::http::{AppState, JsonBody};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use shared::supervision::{PendingInvite, Relationship, Supervision, UpdateRelationship};
use sqlx::Row;

/// Everything the supervision screen shows the signed-in user.
pub async fn list(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<Supervision>, SupervisionError> {
    let db = state.database().pool();
    let me = &auth.user.id;
    let (supervisors, trainees) = people::active_of(db, me)
        .await?
        .into_iter()
        .partition(|relationship| relationship.trainee.id == *me);
    let rows = sqlx::query(
        "SELECT relation, created_at, expires_at FROM invites \
         WHERE trainee_id = $1 AND used_at IS NULL AND expires_at > $2 ORDER BY created_at",
    )
    .bind(me)
    .bind(codes::unix_now())
    .fetch_all(db)
    .await?;
    let pending_invites = rows
        .iter()
        .map(|row| {
            let relation: String = row.try_get("relation")?;
            Ok(PendingInvite {
                relation: people::relation(&relation)?,
                created_at: row.try_get("created_at")?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .collect::<Result<_, SupervisionError>>()?;
    Ok(Json(Supervision {
        supervisors,
        trainees,
        pending_invites,
    }))
}

/// The trainee turns sharing of new entries with this supervisor on or off.
pub async fn update(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<UpdateRelationship>,
) -> Result<Json<Relationship>, SupervisionError> {
    let db = state.database().pool();
    let me = &auth.user.id;
    // The WHERE clause is the permission check, so no read can go stale before it.
    let changed = sqlx::query(
        "UPDATE supervision SET share_new = $1 \
         WHERE id = $2 AND trainee_id = $3 AND ended_at IS NULL",
    )
    .bind(i64::from(request.share_new))
    .bind(&id)
    .bind(me)
    .execute(db)
    .await?
    .rows_affected();
    let stored = people::by_id(db, &id).await?;
    match stored {
        Some(stored) if changed == 1 => Ok(Json(stored.relationship)),
        Some(stored) if stored.ended_at.is_none() && stored.relationship.supervisor.id == *me => {
            Err(SupervisionError::NotTrainee)
        }
        // Strangers learn nothing about whether the id exists.
        _ => Err(SupervisionError::NoRelationship),
    }
}

/// Either side ends the relationship; the supervisor loses the trainee's shared
/// documents at once, and connected devices are told to drop them.
pub async fn end(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, SupervisionError> {
    let me = &auth.user.id;
    let mut tx = state.database().pool().begin().await?;
    // Ending and withdrawing are one transaction: no moment where the relationship
    // has ended but the supervisor's feed still lets them read.
    let ended = sqlx::query(
        "UPDATE supervision SET ended_at = $1, ended_by = $2 \
         WHERE id = $3 AND ended_at IS NULL AND (trainee_id = $2 OR supervisor_id = $2) \
         RETURNING trainee_id, supervisor_id",
    )
    .bind(codes::unix_now())
    .bind(me)
    .bind(&id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(ended) = ended else {
        let stored = people::by_id(&mut *tx, &id).await?;
        return Err(match stored {
            Some(stored)
                if stored.relationship.trainee.id == *me
                    || stored.relationship.supervisor.id == *me =>
            {
                SupervisionError::AlreadyEnded
            }
            _ => SupervisionError::NoRelationship,
        });
    };
    let trainee: String = ended.try_get("trainee_id")?;
    let supervisor: String = ended.try_get("supervisor_id")?;
    let docs = crate::sync::access::withdraw_shared(&mut tx, &trainee, &supervisor).await?;
    tx.commit().await?;
    // Only after the commit: a device told to drop a document must not be able to
    // fetch it again from a transaction that might still roll back.
    state.sync_hub().withdraw(&supervisor, &docs);
    tracing::info!(relationship = %id, ended_by = %me, withdrawn = docs.len(), "supervision ended");
    Ok(StatusCode::NO_CONTENT)
}
