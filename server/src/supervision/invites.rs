//! `POST /invites` (a trainee makes a one-time code) and `POST /accept` (the person
//! given it becomes their supervisor).

use super::{codes, people, SupervisionError, MAX_PENDING_INVITES};
use crate::auth::{retry_after_secs, AuthUser};
use crate::http::{AppState, JsonBody};
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::Json;
use shared::supervision::{
    AcceptInvite, CreateInvite, Invite, Person, Relationship, INVITE_LIFETIME_SECS,
};
use sqlx::Row;
use std::net::SocketAddr;
use std::time::Instant;

/// Expired, unused invites are kept this long so a late supervisor is told the code
/// expired rather than that it never existed; then they are swept.
const KEEP_EXPIRED_SECS: i64 = 30 * 24 * 60 * 60;
/// New codes tried if one collides with a stored code (1 in 2^40 each time).
const CODE_ATTEMPTS: usize = 3;

/// Makes an invite for the signed-in trainee; its code is shown now and never again.
pub async fn create(
    State(state): State<AppState>,
    auth: AuthUser,
    JsonBody(request): JsonBody<CreateInvite>,
) -> Result<(StatusCode, Json<Invite>), SupervisionError> {
    let db = state.database().pool();
    let trainee = &auth.user.id;
    let now = codes::unix_now();
    sqlx::query(
        "DELETE FROM invites WHERE trainee_id = $1 AND used_at IS NULL AND expires_at < $2",
    )
    .bind(trainee)
    .bind(now - KEEP_EXPIRED_SECS)
    .execute(db)
    .await?;
    // A soft cap against a runaway client: two requests racing may pass it together.
    let pending = sqlx::query(
        "SELECT COUNT(*) AS pending, MIN(expires_at) AS first_expiry FROM invites \
         WHERE trainee_id = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(trainee)
    .bind(now)
    .fetch_one(db)
    .await?;
    if pending.try_get::<i64, _>("pending")? >= MAX_PENDING_INVITES {
        let first_expiry: Option<i64> = pending.try_get("first_expiry")?;
        let wait = first_expiry.unwrap_or(now + INVITE_LIFETIME_SECS) - now;
        return Err(SupervisionError::TooManyInvites {
            max: MAX_PENDING_INVITES,
            retry_after_secs: u64::try_from(wait.max(1)).unwrap_or(1),
        });
    }
    let expires_at = now + INVITE_LIFETIME_SECS;
    for _ in 0..CODE_ATTEMPTS {
        let code = codes::new_code().map_err(SupervisionError::Random)?;
        let inserted = sqlx::query(
            "INSERT INTO invites (code_hash, trainee_id, relation, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(codes::hash(&code))
        .bind(trainee)
        .bind(request.relation.code())
        .bind(now)
        .bind(expires_at)
        .execute(db)
        .await;
        match inserted {
            Ok(_) => {
                tracing::info!(%trainee, relation = request.relation.code(), "invite created");
                let shown = codes::display(&code);
                let invite = Invite {
                    path: format!("/supervision/accept/{shown}"),
                    code: shown,
                    relation: request.relation,
                    expires_at,
                };
                return Ok((StatusCode::CREATED, Json(invite)));
            }
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(SupervisionError::Fault(
        "every new invite code collided with a stored one".to_owned(),
    ))
}

/// Redeems a code: the signed-in user becomes the supervisor of the invite's trainee
/// and can read what the trainee already shares with them. A few codes that match no
/// live invite pause accepting for that account and address: codes are short enough
/// to type, so they must not be guessable by trying.
pub async fn accept(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    JsonBody(request): JsonBody<AcceptInvite>,
) -> Result<(StatusCode, Json<Relationship>), SupervisionError> {
    let code = codes::normalise(&request.code).ok_or(SupervisionError::MalformedCode)?;
    let limiter = state.invite_limiter();
    let began = Instant::now();
    if let Err(wait) = limiter.begin(&auth.user.id, peer.ip(), began) {
        tracing::warn!(user = %auth.user.id, address = %peer.ip(), "accepting invites paused after repeated wrong codes");
        return Err(SupervisionError::TooManyWrongCodes {
            retry_after_secs: retry_after_secs(wait),
        });
    }
    let accepted = claim(&state, &auth, &code).await;
    // Only a code that matched no live invite counts as a guess.
    let guessed = matches!(
        accepted,
        Err(SupervisionError::UnknownCode
            | SupervisionError::Expired { .. }
            | SupervisionError::AlreadyUsed)
    );
    if !guessed {
        limiter.succeeded(&auth.user.id, peer.ip(), began);
    }
    accepted
}

/// Claims the invite with `code` for the signed-in supervisor and starts the
/// relationship, all in one transaction.
async fn claim(
    state: &AppState,
    auth: &AuthUser,
    code: &str,
) -> Result<(StatusCode, Json<Relationship>), SupervisionError> {
    let code_hash = codes::hash(code);
    let supervisor = &auth.user.id;
    let now = codes::unix_now();
    let mut tx = state.database().pool().begin().await?;
    // Claiming the invite is the transaction's first statement and is guarded by
    // `used_at IS NULL`: of two accepts racing for one code exactly one gets the row,
    // and on SQLite the write lock is taken before anything is read.
    let claimed = sqlx::query(
        "UPDATE invites SET used_at = $1, used_by = $2 \
         WHERE code_hash = $3 AND used_at IS NULL AND expires_at > $1 AND trainee_id <> $2 \
         RETURNING trainee_id, relation",
    )
    .bind(now)
    .bind(supervisor)
    .bind(&code_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(claimed) = claimed else {
        return Err(why_not_claimed(&mut tx, &code_hash, supervisor, now).await?);
    };
    let trainee_id: String = claimed.try_get("trainee_id")?;
    let relation_code: String = claimed.try_get("relation")?;
    let relation = people::relation(&relation_code)?;
    let trainee = people::person(&mut *tx, &trainee_id).await?;
    let already_related = || SupervisionError::AlreadyRelated {
        trainee: trainee.display_name.clone(),
    };
    // Checked first for a clear message; the unique index on active pairs decides if
    // two different invites from one trainee are accepted at the same moment.
    let existing: Option<String> = sqlx::query_scalar(
        "SELECT id FROM supervision WHERE trainee_id = $1 AND supervisor_id = $2 AND ended_at IS NULL",
    )
    .bind(&trainee_id)
    .bind(supervisor)
    .fetch_optional(&mut *tx)
    .await?;
    if existing.is_some() {
        // Dropping the transaction rolls back the claim: the code still works for
        // someone else.
        return Err(already_related());
    }
    let id = uuid::Uuid::new_v4().to_string();
    let inserted = sqlx::query(
        "INSERT INTO supervision (id, trainee_id, supervisor_id, relation, share_new, started_at) \
         VALUES ($1, $2, $3, $4, 0, $5)",
    )
    .bind(&id)
    .bind(&trainee_id)
    .bind(supervisor)
    .bind(relation.code())
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            return Err(already_related())
        }
        Err(error) => return Err(error.into()),
    }
    let granted = crate::sync::access::grant_shared(&mut tx, &trainee_id, supervisor).await?;
    tx.commit().await?;
    tracing::info!(relationship = %id, trainee = %trainee_id, %supervisor, granted = granted.len(), "supervision started");
    let relationship = Relationship {
        id,
        relation,
        trainee,
        supervisor: Person {
            id: auth.user.id.clone(),
            display_name: auth.user.display_name.clone(),
            email: auth.user.email.clone(),
        },
        share_new: false,
        started_at: now,
    };
    Ok((StatusCode::CREATED, Json(relationship)))
}

/// Why no invite was claimed with `code_hash`, as the error to send.
async fn why_not_claimed(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    code_hash: &str,
    supervisor: &str,
    now: i64,
) -> Result<SupervisionError, SupervisionError> {
    let row =
        sqlx::query("SELECT trainee_id, expires_at, used_at FROM invites WHERE code_hash = $1")
            .bind(code_hash)
            .fetch_optional(&mut **tx)
            .await?;
    let Some(row) = row else {
        return Ok(SupervisionError::UnknownCode);
    };
    let trainee: String = row.try_get("trainee_id")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    let used_at: Option<i64> = row.try_get("used_at")?;
    Ok(if trainee == supervisor {
        SupervisionError::OwnInvite
    } else if used_at.is_some() {
        SupervisionError::AlreadyUsed
    } else if expires_at <= now {
        SupervisionError::Expired {
            on: codes::date(expires_at),
        }
    } else {
        // Not reached: the claim saw this row with the same clock. Should that ever
        // change, "unknown" is the safe answer.
        SupervisionError::UnknownCode
    })
}
