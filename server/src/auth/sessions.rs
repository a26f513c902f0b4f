//! Sessions: opaque random tokens handed to a device, of which the database keeps only
//! a SHA-256, so a leaked database cannot be used to sign in.

use super::{AuthError, User};
use crate::db::Database;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::fmt::Write;
use std::time::{SystemTime, UNIX_EPOCH};

/// How long a session lasts from sign-in, in seconds: 30 days.
pub const SESSION_LIFETIME_SECS: i64 = 30 * 24 * 60 * 60;
/// Longest device label stored; it is only a hint for the person's session list.
const DEVICE_MAX_CHARS: usize = 100;

/// Starts a session for `user` on `device` and returns its token and expiry (unix s).
pub async fn start_session(
    db: &Database,
    user: &User,
    device: Option<&str>,
) -> Result<(String, i64), AuthError> {
    let token = new_token()?;
    let now = unix_now();
    let expires_at = now + SESSION_LIFETIME_SECS;
    let device = device
        .map(|device| {
            device
                .trim()
                .chars()
                .take(DEVICE_MAX_CHARS)
                .collect::<String>()
        })
        .filter(|device| !device.is_empty());
    // Expired sessions are swept at each sign-in so the table does not only grow.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2")
        .bind(&user.id)
        .bind(now)
        .execute(db.pool())
        .await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, device, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash_token(&token))
    .bind(&user.id)
    .bind(device)
    .bind(now)
    .bind(expires_at)
    .execute(db.pool())
    .await?;
    Ok((token, expires_at))
}

/// The user a session token belongs to, if the session exists and has not expired.
pub async fn authenticate(db: &Database, token: &str) -> Result<User, AuthError> {
    user_of_session(db, &hash_token(token)).await
}

/// Like `authenticate`, for a token already hashed.
pub(super) async fn user_of_session(db: &Database, token_hash: &str) -> Result<User, AuthError> {
    let row = sqlx::query(
        "SELECT users.id AS id, users.email AS email, users.display_name AS display_name, \
         sessions.expires_at AS expires_at \
         FROM sessions JOIN users ON users.id = sessions.user_id \
         WHERE sessions.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AuthError::InvalidToken)?;
    let expires_at: i64 = row.try_get("expires_at")?;
    if expires_at <= unix_now() {
        return Err(AuthError::Expired);
    }
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
    })
}

/// Ends one session (signing out on one device).
pub(super) async fn end_session(db: &Database, token_hash: &str) -> Result<(), AuthError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Ends every session of `user_id` (signing out everywhere, e.g. after losing a phone).
pub(super) async fn end_all_sessions(db: &Database, user_id: &str) -> Result<(), AuthError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// 32 bytes from the operating system's RNG, as base64url without padding.
fn new_token() -> Result<String, AuthError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(AuthError::Random)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The form a token is stored and looked up in: SHA-256, lowercase hex. A fast hash is
/// enough because tokens are random, not guessable like passwords.
pub(super) fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            // Writing to a String cannot fail.
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// Seconds since 1970, the unit every stored time uses.
pub(super) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_32_random_bytes_in_base64url() {
        let token = new_token().expect("rng");
        assert_eq!(token.len(), 43, "32 bytes need 43 characters unpadded");
        assert!(token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        let decoded = URL_SAFE_NO_PAD.decode(&token).expect("base64url");
        assert_eq!(decoded.len(), 32);
        assert_ne!(token, new_token().expect("rng"));
    }

    #[test]
    fn token_hashes_are_sha256_in_hex() {
        // The SHA-256 of "abc" from FIPS 180-2.
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(hash_token("abd"), hash_token("abc"));
    }
}
