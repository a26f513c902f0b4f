//! Why a supervision request failed: messages written for the doctor using the app,
//! sent in the same `{error:{code,message,field}}` shape as every `ApiError`.

use crate::http::ApiError;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// A supervision request that could not be done. The variants a person can cause carry
/// their message; the others are faults, logged and shown as a generic 500.
#[derive(Debug, thiserror::Error)]
pub enum SupervisionError {
    /// The typed code is empty or cannot be a code at all.
    #[error("Enter the 8-character code your trainee gave you, like K7QM-3XPA.")]
    MalformedCode,
    /// No invite was ever made with this code.
    #[error("That code does not match any invite. Check it with your trainee.")]
    UnknownCode,
    /// The invite's week is over; `on` is the date it ended.
    #[error("That invite expired on {on}; ask your trainee for a new one.")]
    Expired { on: String },
    /// Someone already accepted this invite: codes work once.
    #[error(
        "That invite has already been used. Each code works once; ask your trainee for a new one."
    )]
    AlreadyUsed,
    /// The trainee tried to accept their own invite.
    #[error(
        "You cannot supervise yourself. Give this code to your supervisor so they can accept it."
    )]
    OwnInvite,
    /// The two already have an active relationship; `trainee` is the trainee's name.
    #[error("You already supervise {trainee}. To change your role, either of you can end that relationship first; then ask for a new code.")]
    AlreadyRelated { trainee: String },
    /// The trainee has as many unused invites as allowed; the oldest expires in `retry_after_secs`.
    #[error("You already have {max} invites waiting to be accepted. Wait for one to be used or to expire (within a week) before making another.")]
    TooManyInvites { max: i64, retry_after_secs: u64 },
    /// Too many codes that matched no invite, from this account or address, lately.
    #[error("Too many codes that did not work. To keep invites safe from guessing, wait {} minutes before trying again, and check the code with your trainee.", retry_after_secs.div_ceil(60))]
    TooManyWrongCodes { retry_after_secs: u64 },
    /// No active relationship with this id that the user is part of.
    #[error("There is no such supervision relationship. It may have been ended, or the link may be wrong.")]
    NoRelationship,
    /// The user was part of this relationship, but it has already ended.
    #[error("This supervision relationship has already ended.")]
    AlreadyEnded,
    /// A supervisor tried to change what the trainee shares.
    #[error("Only the trainee can change what is shared with their supervisor.")]
    NotTrainee,
    /// Something that should not happen, such as a stored relation code this version
    /// does not know (a bug or a manual edit).
    #[error("supervision fault: {0}")]
    Fault(String),
    /// The operating system could not provide random bytes for a code.
    #[error("the operating system's random number generator failed: {0}")]
    Random(getrandom::Error),
    /// The database failed.
    #[error("database query failed: {0}")]
    Database(#[from] sqlx::Error),
}

impl SupervisionError {
    /// Status, machine-readable code and the request field at fault, for the
    /// errors a person causes; `None` for faults.
    fn describe(&self) -> Option<(StatusCode, &'static str, Option<&'static str>)> {
        use SupervisionError as E;
        let described = match self {
            E::MalformedCode => (StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("code")),
            E::UnknownCode => (StatusCode::NOT_FOUND, "unknown_invite", Some("code")),
            E::Expired { .. } => (StatusCode::GONE, "invite_expired", Some("code")),
            E::AlreadyUsed => (StatusCode::CONFLICT, "invite_used", Some("code")),
            E::OwnInvite => (StatusCode::UNPROCESSABLE_ENTITY, "own_invite", Some("code")),
            E::AlreadyRelated { .. } => (StatusCode::CONFLICT, "already_related", Some("code")),
            E::TooManyInvites { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_invites", None),
            E::TooManyWrongCodes { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                Some("code"),
            ),
            E::NoRelationship => (StatusCode::NOT_FOUND, "not_found", None),
            E::AlreadyEnded => (StatusCode::NOT_FOUND, "already_ended", None),
            E::NotTrainee => (StatusCode::FORBIDDEN, "not_trainee", Some("share_new")),
            E::Fault(_) | E::Random(_) | E::Database(_) => return None,
        };
        Some(described)
    }
}

impl IntoResponse for SupervisionError {
    fn into_response(self) -> Response {
        let Some((status, code, field)) = self.describe() else {
            // Faults go through `ApiError`, which logs them and hides the details.
            let fault = match self {
                SupervisionError::Database(error) => ApiError::from(error),
                other => ApiError::Internal(Box::new(other)),
            };
            return fault.into_response();
        };
        let mut error = json!({ "code": code, "message": self.to_string() });
        if let Some(field) = field {
            error["field"] = json!(field);
        }
        let mut response = (status, Json(json!({ "error": error }))).into_response();
        if let SupervisionError::TooManyInvites {
            retry_after_secs, ..
        }
        | SupervisionError::TooManyWrongCodes { retry_after_secs } = self
        {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .expect("body");
        String::from_utf8(bytes.to_vec()).expect("utf-8")
    }

    #[tokio::test]
    async fn faults_are_hidden_behind_a_generic_500() {
        let response =
            SupervisionError::Fault("unknown relation code \"x\"".into()).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = body_of(response).await;
        assert!(
            body.contains("\"internal\"") && !body.contains("relation"),
            "{body}"
        );
        let response = SupervisionError::Database(sqlx::Error::RowNotFound).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!body_of(response).await.contains("RowNotFound"));
    }

    #[tokio::test]
    async fn a_doctors_mistake_names_the_field() {
        let response = SupervisionError::Expired {
            on: "1 March 2024".into(),
        }
        .into_response();
        assert_eq!(response.status(), StatusCode::GONE);
        let body: serde_json::Value = serde_json::from_str(&body_of(response).await).expect("json");
        assert_eq!(body["error"]["field"], "code");
        assert_eq!(
            body["error"]["message"],
            "That invite expired on 1 March 2024; ask your trainee for a new one."
        );
    }
}
