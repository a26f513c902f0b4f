//! The supervision API (`/api/supervision`, DESIGN.md): invites, accepting them, the
//! list of relationships, the sharing default, and ending a relationship. The last
//! list fetched is kept in `localStorage` so the screens still work offline.

use super::account::{Account, ErrorBody};
use gloo_net::http::{Request, RequestBuilder, Response};
use gloo_storage::{LocalStorage, Storage};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shared::supervision::{
    AcceptInvite, CreateInvite, Invite, Relationship, Supervision, UpdateRelationship,
};
use shared::vocabulary::Relation;

const CACHE: &str = "waymark.supervision";
const BASE: &str = "/api/supervision";

/// Why a supervision request failed, for the person who made it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupervisionError {
    /// The session is no longer valid.
    #[error("Your session has ended. Sign in again to manage supervision; your entries are safe on this device.")]
    SessionEnded,
    /// The server named the field at fault (for the invite code, always `code`).
    #[error("{message}")]
    Field { field: String, message: String },
    /// The server refused for a reason it explained.
    #[error("{0}")]
    Refused(String),
    /// The request did not reach the server.
    #[error("Waymark cannot reach the server. Check the connection and try again.")]
    Unreachable,
}

/// The list of relationships as last fetched, for one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cached {
    /// Whose list it is: another account signing in on the device must not see it.
    pub user_id: String,
    pub supervision: Supervision,
    /// When it was fetched, in milliseconds since 1970.
    pub fetched_at: i64,
}

/// The list last fetched for `user_id`, if any.
pub fn cached(user_id: &str) -> Option<Cached> {
    LocalStorage::get::<Cached>(CACHE)
        .ok()
        .filter(|cached| cached.user_id == user_id)
}

/// Keeps the list fetched for the screens to use offline.
pub fn keep(cached: &Cached) {
    if let Err(error) = LocalStorage::set(CACHE, cached) {
        leptos::logging::warn!("could not keep the supervision list on this device: {error}");
    }
}

/// Every relationship of the signed-in user, and their invites not yet used.
pub async fn list(account: &Account) -> Result<Supervision, SupervisionError> {
    let response = send(authorised(Request::get(BASE), account).build()).await?;
    read(response).await
}

/// Makes a one-time invite code for a supervisor in the part `relation`.
pub async fn invite(account: &Account, relation: Relation) -> Result<Invite, SupervisionError> {
    let request = authorised(Request::post(&format!("{BASE}/invites")), account)
        .json(&CreateInvite { relation });
    read(send(request).await?).await
}

/// Accepts a trainee's invite code: the signed-in user becomes their supervisor.
pub async fn accept(account: &Account, code: &str) -> Result<Relationship, SupervisionError> {
    let body = AcceptInvite {
        code: code.trim().to_uppercase(),
    };
    let request = authorised(Request::post(&format!("{BASE}/accept")), account).json(&body);
    read(send(request).await?).await
}

/// Sets whether the trainee's new entries are shared with this supervisor.
pub async fn set_share_new(
    account: &Account,
    relationship: &str,
    share_new: bool,
) -> Result<Relationship, SupervisionError> {
    let request = authorised(Request::patch(&path_of(relationship)), account)
        .json(&UpdateRelationship { share_new });
    read(send(request).await?).await
}

/// Ends a relationship (either side may): the supervisor loses access at once.
pub async fn end(account: &Account, relationship: &str) -> Result<(), SupervisionError> {
    let request = authorised(Request::delete(&path_of(relationship)), account).build();
    send(request).await.map(drop)
}

fn path_of(relationship: &str) -> String {
    format!(
        "{BASE}/{}",
        String::from(js_sys::encode_uri_component(relationship))
    )
}

fn authorised(request: RequestBuilder, account: &Account) -> RequestBuilder {
    request.header("Authorization", &format!("Bearer {}", account.token))
}

/// Sends a request; any answer but a success becomes the server's explanation.
async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, SupervisionError> {
    let response = request
        .map_err(|_| SupervisionError::Unreachable)?
        .send()
        .await
        .map_err(|_| SupervisionError::Unreachable)?;
    if response.ok() {
        return Ok(response);
    }
    if response.status() == 401 {
        return Err(SupervisionError::SessionEnded);
    }
    Err(match response.json::<ErrorBody>().await {
        Ok(ErrorBody { error }) => match error.field {
            Some(field) => SupervisionError::Field {
                field,
                message: error.message,
            },
            None => SupervisionError::Refused(error.message),
        },
        // Not the API's JSON: a proxy or the static server answered instead.
        Err(_) => SupervisionError::Refused(format!(
            "The server answered {} {}. Try again in a minute.",
            response.status(),
            response.status_text()
        )),
    })
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, SupervisionError> {
    response.json().await.map_err(|_| {
        SupervisionError::Refused(
            "The server's answer could not be read. Reload Waymark to update it.".into(),
        )
    })
}
