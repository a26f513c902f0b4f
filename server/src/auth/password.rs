//! Password hashing with argon2id (OWASP's recommended cost: 19 MiB, 2 passes), stored
//! as PHC strings so the parameters can be raised later without breaking old hashes.

use super::AuthError;
use argon2::password_hash::{self, PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// Hashes running at once: each holds 19 MiB, so a burst of sign-ups or sign-ins
/// queues here instead of exhausting memory.
static HASHING_SLOTS: Semaphore = Semaphore::const_new(4);

/// A hash of no one's password, checked when the email is unknown so that answer takes
/// as long as a wrong password and does not reveal which emails have accounts.
static DUMMY_HASH: LazyLock<Result<String, password_hash::Error>> = LazyLock::new(|| {
    Argon2::default()
        .hash_password_with_salt(b"no account has this password", b"waymark-dummy-salt")
        .map(|hash| hash.to_string())
});

/// Hashes a new password with a fresh random salt, off the async threads.
pub async fn hash(password: &str) -> Result<String, AuthError> {
    let password = password.to_owned();
    blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
    })
    .await
}

/// Whether `password` matches `stored` (a PHC string); with no stored hash it spends the
/// same time and answers no.
pub async fn verify(password: &str, stored: Option<String>) -> Result<bool, AuthError> {
    let password = password.to_owned();
    blocking(move || {
        let (hash, known) = match &stored {
            Some(hash) => (hash.as_str(), true),
            None => (DUMMY_HASH.as_deref().map_err(|error| *error)?, false),
        };
        match Argon2::default().verify_password(password.as_bytes(), hash) {
            Ok(()) => Ok(known),
            Err(password_hash::Error::PasswordInvalid) => Ok(false),
            Err(error) => Err(error),
        }
    })
    .await
}

/// Runs slow hashing work on tokio's blocking pool, a few at a time.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, password_hash::Error> + Send + 'static,
) -> Result<T, AuthError> {
    let _slot = HASHING_SLOTS
        .acquire()
        .await
        .map_err(|error| AuthError::Hashing(Box::new(error)))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| AuthError::Hashing(Box::new(error)))?
        .map_err(|error| AuthError::Hashing(Box::new(error)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let stored = hash("correct horse battery").await.expect("hashes");
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify("correct horse battery", Some(stored.clone()))
            .await
            .expect("verifies"));
        assert!(!verify("correct horse battery!", Some(stored))
            .await
            .expect("verifies"));
    }

    #[tokio::test]
    async fn an_unknown_account_never_matches() {
        assert!(!verify("no account has this password", None)
            .await
            .expect("verifies"));
    }

    #[tokio::test]
    async fn a_corrupt_stored_hash_is_an_error_not_a_mismatch() {
        let result = verify("whatever password", Some("not a hash".to_owned())).await;
        assert!(matches!(result, Err(AuthError::Hashing(_))), "{result:?}");
    }
}
