//! Accounts and sessions: sign-up with argon2id password hashes, sign-in limited against
//! guessing, and opaque bearer tokens of which only a hash is stored.
//!
//! The functions here are what other parts of the server (the sync WebSocket, the demo
//! command) call; `router()` puts them on HTTP under `/api/auth`.

mod accounts;
mod extract;
mod password;
mod rate_limit;
mod routes;
mod rules;
mod sessions;

pub use accounts::{create_account, sign_in};
pub use extract::AuthUser;
pub use rate_limit::{retry_after_secs, FailureLimiter};
pub use routes::router;
pub use sessions::{authenticate, start_session, SESSION_LIFETIME_SECS};

use serde::Serialize;

/// A person with an account, as the rest of the server and the app see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// A random UUID (v4), stable for the life of the account.
    pub id: String,
    /// Trimmed and lowercase; unique.
    pub email: String,
    /// The name shown on the portfolio, trimmed.
    pub display_name: String,
}

/// Why an account or session operation failed. The messages of the variants a person
/// can cause are written for them; the others are faults to log.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// An input breaks a rule; `field` names it (`email`, `display_name`, `password`).
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: &'static str,
    },
    /// Someone already has an account with this email.
    #[error("An account with this email address already exists. Sign in instead, or use another email address.")]
    EmailTaken,
    /// Unknown email or wrong password: deliberately the same answer.
    #[error("That email and password do not match.")]
    WrongCredentials,
    /// No session has this token (never issued, signed out, or mistyped).
    #[error("Please sign in again.")]
    InvalidToken,
    /// The session existed but its 30 days are over.
    #[error("Your session has expired. Please sign in again.")]
    Expired,
    /// The database failed.
    #[error("database query failed: {0}")]
    Database(#[from] sqlx::Error),
    /// Password hashing failed (a corrupt stored hash, or the hashing task died).
    #[error("password hashing failed: {0}")]
    Hashing(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The operating system could not provide random bytes for a token.
    #[error("the operating system's random number generator failed: {0}")]
    Random(getrandom::Error),
}
