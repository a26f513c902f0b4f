//! `/api/auth`: register, login, logout, logout-everywhere and me.

use super::rate_limit::retry_after_secs;
use super::{create_account, rules, sessions, sign_in, start_session, AuthError, AuthUser, User};
use crate::http::{ApiError, AppState, JsonBody};
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::Instant;

/// Routes of this module, to nest at `/api/auth`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register", post(register))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/logout-everywhere", post(logout_everywhere))
        .route("/me", get(me))
}

// No Debug on requests: they hold passwords, which must never reach a log.
#[derive(Deserialize)]
struct RegisterRequest {
    email: String,
    display_name: String,
    password: String,
    device: Option<String>,
}

#[derive(Deserialize)]
struct LoginRequest {
    email: String,
    password: String,
    device: Option<String>,
}

/// What register and login answer: who signed in and the session to send from now on.
#[derive(Serialize)]
struct SessionResponse {
    user: User,
    token: String,
    expires_at: i64,
}

#[derive(Serialize)]
struct MeResponse {
    user: User,
}

async fn register(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<RegisterRequest>,
) -> Result<(StatusCode, Json<SessionResponse>), ApiError> {
    let db = state.database();
    let user = create_account(db, &request.email, &request.display_name, &request.password).await?;
    let (token, expires_at) = start_session(db, &user, request.device.as_deref()).await?;
    tracing::info!(user = %user.id, "account created");
    let body = SessionResponse {
        user,
        token,
        expires_at,
    };
    Ok((StatusCode::CREATED, Json(body)))
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Json<SessionResponse>, ApiError> {
    let account = rules::normalise_email(&request.email);
    let began = Instant::now();
    let limiter = state.login_limiter();
    if let Err(wait) = limiter.begin(&account, peer.ip(), began) {
        tracing::warn!(address = %peer.ip(), "sign-in paused after repeated failures");
        return Err(ApiError::TooManyAttempts {
            retry_after_secs: retry_after_secs(wait),
        });
    }
    let db = state.database();
    let user = sign_in(db, &account, &request.password).await?;
    limiter.succeeded(&account, peer.ip(), began);
    let (token, expires_at) = start_session(db, &user, request.device.as_deref()).await?;
    Ok(Json(SessionResponse {
        user,
        token,
        expires_at,
    }))
}

async fn logout(State(state): State<AppState>, auth: AuthUser) -> Result<StatusCode, ApiError> {
    sessions::end_session(state.database(), auth.token_hash()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn logout_everywhere(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<StatusCode, ApiError> {
    sessions::end_all_sessions(state.database(), &auth.user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(auth: AuthUser) -> Json<MeResponse> {
    Json(MeResponse { user: auth.user })
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::Invalid { field, message } => ApiError::Invalid {
                field,
                message: message.to_owned(),
            },
            AuthError::EmailTaken => ApiError::Conflict(error.to_string()),
            AuthError::WrongCredentials | AuthError::InvalidToken | AuthError::Expired => {
                ApiError::Unauthorised(error.to_string())
            }
            AuthError::Database(error) => error.into(),
            AuthError::Hashing(_) | AuthError::Random(_) => ApiError::Internal(Box::new(error)),
        }
    }
}
