//! Supervision over HTTP (`/api/supervision`): a trainee makes a one-time invite code,
//! a supervisor accepts it, and either of them can end the relationship. Starting and
//! ending a relationship grants and withdraws the trainee's shared documents in the
//! same transaction (DESIGN.md, "Access control").
//!
//! Every route needs a signed-in user; the JSON types are `shared::supervision`'s.

mod codes;
mod error;
mod invites;
mod people;
mod relationships;

pub use error::SupervisionError;

use crate::http::AppState;
use axum::routing::{get, patch, post};
use axum::Router;

/// Most invites a trainee may have waiting (unused and unexpired) at once.
pub const MAX_PENDING_INVITES: i64 = 20;

/// Routes of this module, to nest at `/api/supervision`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(relationships::list))
        .route("/invites", post(invites::create))
        .route("/accept", post(invites::accept))
        .route(
            "/{id}",
            patch(relationships::update).delete(relationships::end),
        )
}
