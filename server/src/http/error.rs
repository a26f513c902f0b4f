//! The one error type of the HTTP API: each variant maps to a status and a JSON body
//! written for people; server faults are logged and hidden behind a generic message.

use crate::db::DatabaseError;
use axum::extract::rejection::JsonRejection;
use axum::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// An error an API handler returns.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No API resource at this path.
    #[error("There is nothing at this address.")]
    NotFound,
    /// Every sync connection is taken; the device retries later.
    #[error("The server has as many devices connected as it can take. Try again in a minute.")]
    TooManyConnections,
    /// The database cannot be reached; logged, and worth retrying later.
    #[error("The database is not answering.")]
    DatabaseUnavailable(#[source] DatabaseError),
    /// The request body is not the JSON this address expects.
    #[error("{message}")]
    BadRequest { status: StatusCode, message: String },
    /// One input field breaks a rule; `field` names it so a form can mark it.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// No valid sign-in: the message says what to do.
    #[error("{0}")]
    Unauthorised(String),
    /// The request clashes with what is stored, such as an email already in use.
    #[error("{0}")]
    Conflict(String),
    /// Sign-in is paused for this account or address; sent with `Retry-After`.
    #[error("Too many sign-in attempts. Try again in {retry_after_secs} s.")]
    TooManyAttempts { retry_after_secs: u64 },
    /// A fault of the server: logged in full, shown only as a generic sentence.
    #[error("Something went wrong on the server. Please try again.")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::BadRequest { status, .. } => *status,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorised(_) => StatusCode::UNAUTHORIZED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::TooManyConnections | ApiError::DatabaseUnavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound => "not_found",
            ApiError::TooManyConnections => "too_many_connections",
            ApiError::DatabaseUnavailable(_) => "database_unavailable",
            ApiError::BadRequest { .. } => "bad_request",
            ApiError::Invalid { .. } => "invalid",
            ApiError::Unauthorised(_) => "unauthorised",
            ApiError::Conflict(_) => "conflict",
            ApiError::TooManyAttempts { .. } => "too_many_attempts",
            ApiError::Internal(_) => "internal",
        }
    }
}

/// A failed query: a pool that cannot reach the database is "unavailable" (503), any
/// other failure is a fault of ours (500).
impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                ApiError::DatabaseUnavailable(DatabaseError::Query(error))
            }
            other => ApiError::Internal(Box::new(other)),
        }
    }
}

/// A body axum could not read as JSON, explained instead of axum's plain-text reply.
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let message = match &rejection {
            JsonRejection::MissingJsonContentType(_) => {
                "Send the request body as JSON, with the header Content-Type: application/json."
                    .to_owned()
            }
            JsonRejection::JsonSyntaxError(_) => "The request body is not valid JSON.".to_owned(),
            // serde says which field is missing or of the wrong type.
            JsonRejection::JsonDataError(error) => match std::error::Error::source(error) {
                Some(detail) => {
                    format!("The request body does not have the expected fields: {detail}.")
                }
                None => "The request body does not have the expected fields.".to_owned(),
            },
            _ => "The request body could not be read.".to_owned(),
        };
        ApiError::BadRequest {
            status: rejection.status(),
            message,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::DatabaseUnavailable(source) => {
                tracing::error!(error = %source, "database unavailable");
            }
            ApiError::Internal(source) => tracing::error!(error = %source, "internal error"),
            _ => {}
        }
        let mut error = json!({ "code": self.code(), "message": self.to_string() });
        if let ApiError::Invalid { field, .. } = &self {
            error["field"] = json!(field);
        }
        let mut response = (self.status(), Json(json!({ "error": error }))).into_response();
        let headers = response.headers_mut();
        match &self {
            ApiError::TooManyAttempts { retry_after_secs } => {
                headers.insert(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            ApiError::Unauthorised(_) => {
                // RFC 6750: tells clients which kind of credentials to send.
                headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}
