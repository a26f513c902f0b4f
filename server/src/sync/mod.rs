//! The sync endpoint: one WebSocket per device at `/api/sync` (DESIGN.md, "Sync
//! protocol"). `connection` speaks the protocol, `store` keeps documents in SQL, and
//! the [`SyncHub`] tells connections about changes made elsewhere so they can push
//! them to their devices.

pub mod access;
mod connection;
mod store;

pub use store::DocWrite;
pub use store::Store;

use crate::http::{ApiError, AppState};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use shared::protocol::MAX_FRAME_BYTES;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{broadcast, watch, Semaphore};

/// Frames between [`MAX_FRAME_BYTES`] and this are answered with a `TooLarge` error
/// and the connection carries on; anything bigger closes it (WebSocket code 1009).
const HARD_FRAME_LIMIT: usize = 2 * MAX_FRAME_BYTES;

/// How many notices a slow connection may fall behind before it re-reads everything.
const NOTICE_BUFFER: usize = 4096;

/// Something happened to a document a connected user may read (or could).
#[derive(Debug, Clone)]
pub struct Notice {
    /// The stored document id.
    pub doc: Arc<str>,
    /// The connection that caused it (it has already told its device).
    pub origin: u64,
    /// What happened.
    pub event: Arc<NoticeEvent>,
}

/// What a [`Notice`] reports.
#[derive(Debug)]
pub enum NoticeEvent {
    /// New Automerge changes, concatenated, and the document's heads after them.
    Changed {
        changes: Vec<u8>,
        heads: Vec<Vec<u8>>,
    },
    /// The document was shared with the recipient: the whole of it, and whose it is.
    Shared {
        owner: String,
        owner_name: String,
        snapshot: Vec<u8>,
        heads: Vec<Vec<u8>>,
    },
    /// The recipient may no longer read the document.
    Withdrawn,
}

/// What every sync connection shares.
pub struct SyncHub {
    store: Store,
    /// One channel per user with a device connected: a change reaches only the
    /// connections that may read it, not every connection on the server.
    notices: Mutex<HashMap<Arc<str>, broadcast::Sender<Notice>>>,
    connections: Arc<Semaphore>,
    max_connections: usize,
    shutdown: watch::Receiver<bool>,
    next_connection: AtomicU64,
}

impl SyncHub {
    /// A hub storing through `store`, admitting at most `max_connections` devices,
    /// and closing every connection when `shutdown` turns true.
    pub fn new(store: Store, max_connections: usize, shutdown: watch::Receiver<bool>) -> Self {
        Self {
            store,
            notices: Mutex::new(HashMap::new()),
            connections: Arc::new(Semaphore::new(max_connections)),
            max_connections,
            shutdown,
            next_connection: AtomicU64::new(1),
        }
    }

    /// Waits, up to `limit`, for every sync connection to finish closing; says
    /// whether they all did. Shutdown calls it before closing the database.
    pub async fn wait_for_connections(&self, limit: std::time::Duration) -> bool {
        let all = u32::try_from(self.max_connections).unwrap_or(u32::MAX);
        tokio::time::timeout(limit, self.connections.acquire_many(all))
            .await
            .is_ok_and(|permits| permits.is_ok())
    }

    fn connection_id(&self) -> u64 {
        self.next_connection.fetch_add(1, Ordering::Relaxed)
    }

    /// Notices of changes to `user`'s documents.
    fn subscribe(&self, user: &str) -> broadcast::Receiver<Notice> {
        let mut channels = self.notices.lock().unwrap_or_else(PoisonError::into_inner);
        // Users whose devices have all gone leave nothing behind.
        channels.retain(|_, sender| sender.receiver_count() > 0);
        channels
            .entry(user.into())
            .or_insert_with(|| broadcast::channel(NOTICE_BUFFER).0)
            .subscribe()
    }

    /// Tells `user`'s connected devices about `notice`.
    fn publish(&self, user: &str, notice: Notice) {
        let channels = self.notices.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = channels.get(user) {
            // No receiver left is fine: the device catches up when it reconnects.
            let _ = sender.send(notice);
        }
    }

    /// Tells each of `readers`' connected devices to drop `doc` now.
    fn withdraw_from(&self, readers: &[String], doc: &str) {
        let event = Arc::new(NoticeEvent::Withdrawn);
        for reader in readers {
            let notice = Notice {
                doc: doc.into(),
                origin: 0,
                event: event.clone(),
            };
            self.publish(reader, notice);
        }
    }

    /// Tells `reader`'s connected devices to drop `docs` now; devices that are not
    /// connected drop them on their next catch-up.
    pub fn withdraw(&self, reader: &str, docs: &[String]) {
        let event = Arc::new(NoticeEvent::Withdrawn);
        for doc in docs {
            let notice = Notice {
                doc: doc.as_str().into(),
                origin: 0,
                event: event.clone(),
            };
            self.publish(reader, notice);
        }
    }
}

/// The `/api/sync` route.
pub fn router() -> Router<AppState> {
    Router::new().route("/sync", get(upgrade))
}

async fn upgrade(State(state): State<AppState>, ws: WebSocketUpgrade) -> Response {
    let hub = state.sync_hub();
    let Ok(permit) = hub.connections.clone().try_acquire_owned() else {
        return ApiError::TooManyConnections.into_response();
    };
    ws.max_message_size(HARD_FRAME_LIMIT)
        .max_frame_size(HARD_FRAME_LIMIT)
        .on_upgrade(move |socket| async move {
            connection::run(socket, state, permit).await;
        })
}
