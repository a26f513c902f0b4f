//! The one error type of the HTTP API: each variant maps to a status and a JSON body
//! written for people; server faults are logged and hidden behind a generic message.

use crate::db::DatabaseError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// An error an API handler returns.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("There is nothing at this address.")]
    NotFound,
    #[error("The database is not answering.")]
    DatabaseUnavailable(#[source] DatabaseError),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::DatabaseUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound => "not_found",
            ApiError::DatabaseUnavailable(_) => "database_unavailable",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::DatabaseUnavailable(source) = &self {
            tracing::error!(error = %source, "database unavailable");
        }
        let body = json!({ "error": { "code": self.code(), "message": self.to_string() } });
        (self.status(), Json(body)).into_response()
    }
}
