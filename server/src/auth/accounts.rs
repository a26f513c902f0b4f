//! Accounts: creating one, and checking an email and password against it.

use super::{password, rules, sessions, AuthError, User};
use crate::db::Database;
use sqlx::Row;

/// Checks the rules, hashes the password and stores a new account.
pub async fn create_account(
    db: &Database,
    email: &str,
    display_name: &str,
    password: &str,
) -> Result<User, AuthError> {
    let email = rules::check_email(email)?;
    let display_name = rules::check_display_name(display_name)?;
    rules::check_password(password)?;
    let password_hash = password::hash(password).await?;
    let user = User {
        id: uuid::Uuid::new_v4().to_string(),
        email,
        display_name,
    };
    // The UNIQUE constraint, not a prior SELECT, decides: two sign-ups racing for one
    // email cannot both win.
    let inserted = sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&user.id)
    .bind(&user.email)
    .bind(&user.display_name)
    .bind(&password_hash)
    .bind(sessions::unix_now())
    .execute(db.pool())
    .await;
    match inserted {
        Ok(_) => Ok(user),
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            Err(AuthError::EmailTaken)
        }
        Err(error) => Err(error.into()),
    }
}

/// The account with this email and password; an unknown email and a wrong password get
/// the same answer, after the same amount of work.
pub async fn sign_in(db: &Database, email: &str, password: &str) -> Result<User, AuthError> {
    let email = rules::normalise_email(email);
    let row =
        sqlx::query("SELECT id, email, display_name, password_hash FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(db.pool())
            .await?;
    let stored = row
        .as_ref()
        .map(|row| row.try_get::<String, _>("password_hash"))
        .transpose()?
        // No password longer than the rules allow was ever stored, so it cannot match:
        // checking the dummy hash instead answers no after the usual amount of work.
        .filter(|_| password.chars().count() <= rules::PASSWORD_MAX_CHARS);
    let matches = password::verify(password, stored).await?;
    match row {
        Some(row) if matches => Ok(User {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
            display_name: row.try_get("display_name")?,
        }),
        _ => Err(AuthError::WrongCredentials),
    }
}
