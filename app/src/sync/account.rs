//! The signed-in account on this device and the calls that create and end sessions.
//!
//! The session token is small device state, so it lives in `localStorage` through
//! gloo-storage. Entries never depend on it: the app works signed out, and whatever
//! was made before signing in is sent once the trainee signs in.

use gloo_net::http::{Request, Response};
use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};

const ACCOUNT: &str = "waymark.account";
const DEVICE: &str = "waymark.device";

/// The account this device is signed in to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The user's id on the server.
    pub user_id: String,
    /// Their email address.
    pub email: String,
    /// Their name.
    pub display_name: String,
    /// The session token sent with every request.
    pub token: String,
}

/// Why signing in, registering or signing out failed, for the person at the form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// The server named a field that is wrong.
    #[error("{message}")]
    Field { field: String, message: String },
    /// The server refused for another reason it explained.
    #[error("{0}")]
    Refused(String),
    /// The request did not reach the server.
    #[error("Waymark cannot reach the server. Check the connection and try again; your entries are safe on this device.")]
    Unreachable,
}

/// The account signed in on this device, if any.
pub fn stored() -> Option<Account> {
    LocalStorage::get(ACCOUNT).ok()
}

fn keep(account: &Account) {
    if let Err(error) = LocalStorage::set(ACCOUNT, account) {
        leptos::logging::warn!("could not keep the session on this device: {error}");
    }
}

/// Forgets the session on this device (entries stay).
pub fn forget() {
    LocalStorage::delete(ACCOUNT);
}

/// This device's name for the server's logs, made once.
pub fn device_id() -> String {
    if let Ok(id) = LocalStorage::get::<String>(DEVICE) {
        return id;
    }
    let id = crate::clock::new_id();
    if let Err(error) = LocalStorage::set(DEVICE, &id) {
        leptos::logging::warn!("could not keep the device id: {error}");
    }
    id
}

#[derive(Deserialize)]
struct SessionBody {
    user: UserBody,
    token: String,
}

#[derive(Deserialize)]
struct UserBody {
    id: String,
    email: String,
    display_name: String,
}

/// The JSON body of every refusal of the HTTP API.
#[derive(Deserialize)]
pub(super) struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong, in words for people, and the request field at fault if one is.
#[derive(Deserialize)]
pub(super) struct ErrorDetail {
    pub message: String,
    pub field: Option<String>,
}

/// Signs in with an existing account.
pub async fn sign_in(email: &str, password: &str) -> Result<Account, AccountError> {
    let body = serde_json::json!({ "email": email, "password": password, "device": device_id() });
    start_session("/api/auth/login", &body).await
}

/// Creates an account and signs in to it.
pub async fn register(
    email: &str,
    display_name: &str,
    password: &str,
) -> Result<Account, AccountError> {
    let body = serde_json::json!({
        "email": email, "display_name": display_name, "password": password, "device": device_id()
    });
    start_session("/api/auth/register", &body).await
}

async fn start_session(path: &str, body: &serde_json::Value) -> Result<Account, AccountError> {
    let response = Request::post(path)
        .json(body)
        .map_err(|_| AccountError::Unreachable)?
        .send()
        .await
        .map_err(|_| AccountError::Unreachable)?;
    if !response.ok() {
        return Err(refusal(response).await);
    }
    let session: SessionBody = response
        .json()
        .await
        .map_err(|_| AccountError::Unreachable)?;
    let account = Account {
        user_id: session.user.id,
        email: session.user.email,
        display_name: session.user.display_name,
        token: session.token,
    };
    keep(&account);
    Ok(account)
}

/// Ends this session (or every session of the account) on the server and forgets it
/// here. Signed out locally even if the server cannot be reached.
pub async fn sign_out(account: &Account, everywhere: bool) -> Result<(), AccountError> {
    forget();
    let path = if everywhere {
        "/api/auth/logout-everywhere"
    } else {
        "/api/auth/logout"
    };
    let response = Request::post(path)
        .header("Authorization", &format!("Bearer {}", account.token))
        .send()
        .await
        .map_err(|_| AccountError::Unreachable)?;
    if response.ok() || response.status() == 401 {
        Ok(())
    } else {
        Err(refusal(response).await)
    }
}

async fn refusal(response: Response) -> AccountError {
    match response.json::<ErrorBody>().await {
        Ok(ErrorBody {
            error:
                ErrorDetail {
                    message,
                    field: Some(field),
                },
        }) => AccountError::Field { field, message },
        Ok(ErrorBody { error }) => AccountError::Refused(error.message),
        Err(_) => AccountError::Refused(format!(
            "The server answered {} {}.",
            response.status(),
            response.status_text()
        )),
    }
}
