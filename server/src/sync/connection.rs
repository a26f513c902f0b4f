//! One device's WebSocket: greet, catch up by cursor, then sync documents both ways.
//!
//! Frames that arrive together are handled together: their new changes go to the
//! store as one group (one durable commit), and every reply leaves in one flush.
//! A bad frame or document is answered with a specific error and the connection
//! carries on with the device's other documents.

use super::store::{CommitError, Committed, DocWrite, Store};
use super::{Notice, NoticeEvent, SyncHub};
use crate::auth::{self, AuthError, User};
use crate::http::AppState;
use automerge::sync;
use automerge::{ActorId, AutoCommit};
use axum::extract::ws::{close_code, CloseFrame, Message, WebSocket};
use futures_util::future::join_all;
use futures_util::{FutureExt, SinkExt, StreamExt};
use shared::access::{self, Forbidden, Writer};
use shared::documents::{self, MAX_DOCUMENT_BYTES};
use shared::entry::EntryDoc;
use shared::profile::PROFILE_DOC_ID;
use shared::protocol::{
    self, ClientFrame, Cursor, ErrorCode, RejectCode, ServerFrame, SharedDoc, PROTOCOL_VERSION,
};
use shared::sync::{heads_to_wire, server};

/// Heads stored as concatenated 32-byte hashes, as frames carry them.
fn heads_from_bytes(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes.chunks_exact(32).map(<[u8]>::to_vec).collect()
}
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{broadcast, OwnedSemaphorePermit};

/// The most frames handled as one group.
const MAX_GROUP: usize = 512;

/// A document this connection is syncing: the stored state and the device's view.
struct Replica {
    /// Whose document it is (the connection's user, for a new one).
    owner: String,
    doc: AutoCommit,
    state: sync::State,
    /// The document's stored bytes, which new changes are appended to.
    snapshot: Vec<u8>,
}

/// Snapshots grow by appending new changes until they pass this size, and are then
/// compacted (saved anew), so most writes cost no re-encoding of the document.
const COMPACT_AFTER_BYTES: usize = 32 * 1024;

/// Changes accepted from the device, waiting for the group's commit.
struct Pending {
    doc: String,
    /// The document once they are stored.
    accepted: AutoCommit,
    /// The sync state once they are stored, if they came by `Sync`.
    state: Option<sync::State>,
    write: DocWrite,
}

/// What a committed write's notices are made from.
struct Kept {
    owner: String,
    changes: Vec<u8>,
    snapshot: Vec<u8>,
}

/// How the connection should end after the current flush, if it should.
enum Ending {
    Close(u16, &'static str),
}

struct Connection {
    id: u64,
    state: AppState,
    user: Option<User>,
    replicas: HashMap<String, Replica>,
    pending: Vec<Pending>,
    out: Vec<ServerFrame>,
    ending: Option<Ending>,
    /// Made at sign-in, before catch-up, so no change falls between the two.
    subscribed: Option<broadcast::Receiver<Notice>>,
}

/// Serves one device until it goes away or the server shuts down.
pub async fn run(socket: WebSocket, state: AppState, _permit: OwnedSemaphorePermit) {
    let hub: Arc<SyncHub> = state.sync_hub();
    let mut notices: Option<broadcast::Receiver<Notice>> = None;
    let mut shutdown = hub.shutdown.clone();
    let (mut sink, mut stream) = socket.split();
    let mut connection = Connection {
        id: hub.connection_id(),
        state,
        user: None,
        replicas: HashMap::new(),
        pending: Vec::new(),
        out: Vec::new(),
        ending: None,
        subscribed: None,
    };
    loop {
        tokio::select! {
            // The flag only ever turns true, and a dropped sender means the same.
            _ = shutdown.changed() => {
                connection.ending = Some(Ending::Close(close_code::RESTART, "The server is restarting; reconnect shortly."));
            }
            incoming = stream.next() => match incoming {
                Some(Ok(first)) => {
                    let mut group = vec![first];
                    // Whatever else has already arrived joins this group.
                    while group.len() < MAX_GROUP {
                        match stream.next().now_or_never() {
                            Some(Some(Ok(message))) => group.push(message),
                            _ => break,
                        }
                    }
                    connection.handle_group(group).await;
                    if let Some(subscribed) = connection.subscribed.take() {
                        notices = Some(subscribed);
                    }
                }
                Some(Err(error)) => {
                    tracing::debug!(%error, "sync connection failed");
                    connection.ending = Some(Ending::Close(close_code::SIZE, BROKEN_CONNECTION));
                }
                None => break,
            },
            notice = next_notice(&mut notices) => match notice {
                Ok(notice) => connection.on_notice(&notice),
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    // Its device catches up by cursor when it reconnects.
                    tracing::warn!(missed, "sync connection fell behind; asking the device to reconnect");
                    connection.ending = Some(Ending::Close(close_code::AGAIN, "Reconnect to catch up."));
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
        }
        if connection.flush(&mut sink).await.is_err() {
            break;
        }
        if let Some(Ending::Close(code, reason)) = connection.ending.take() {
            let frame = CloseFrame {
                code,
                reason: reason.into(),
            };
            let _ = sink.send(Message::Close(Some(frame))).await;
            break;
        }
    }
}

/// The next notice, once the connection is signed in and subscribed.
async fn next_notice(
    notices: &mut Option<broadcast::Receiver<Notice>>,
) -> Result<Notice, broadcast::error::RecvError> {
    match notices {
        Some(receiver) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

/// Said when the socket fails, most often because a frame passed the hard limit.
const BROKEN_CONNECTION: &str = "The connection failed; frames over 8 MiB are refused.";

/// The stored id of a document the device calls `wire`: every user has a profile.
fn stored_id(wire: &str, user: &User) -> String {
    if wire == PROFILE_DOC_ID {
        format!("profile:{}", user.id)
    } else {
        wire.to_owned()
    }
}

/// The id the device knows a stored document by.
fn wire_id(stored: &str) -> &str {
    if stored.starts_with("profile:") {
        PROFILE_DOC_ID
    } else {
        stored
    }
}

impl Connection {
    fn store(&self) -> Store {
        self.state.sync_hub().store.clone()
    }

    async fn handle_group(&mut self, group: Vec<Message>) {
        for message in group {
            match message {
                Message::Binary(bytes) => match protocol::decode::<ClientFrame>(&bytes) {
                    Ok(frame) => self.handle(frame).await,
                    Err(error) => {
                        if self.user.is_none() {
                            self.ending = Some(Ending::Close(
                                close_code::POLICY,
                                "The first frame must be a readable Hello.",
                            ));
                        }
                        self.out.push(ServerFrame::Error {
                            code: error.code(),
                            message: error.to_string(),
                        });
                    }
                },
                Message::Text(_) => self.out.push(ServerFrame::Error {
                    code: ErrorCode::BadFrame,
                    message: "Waymark's sync protocol uses binary frames only.".into(),
                }),
                Message::Close(_) => {
                    self.ending = Some(Ending::Close(close_code::NORMAL, "Goodbye."))
                }
                Message::Ping(_) | Message::Pong(_) => {}
            }
            if self.ending.is_some() {
                break;
            }
        }
        self.commit_pending().await;
    }

    async fn handle(&mut self, frame: ClientFrame) {
        match (frame, self.user.clone()) {
            (
                ClientFrame::Hello {
                    protocol,
                    token,
                    device,
                },
                None,
            ) => self.hello(protocol, &token, &device).await,
            (ClientFrame::Hello { .. }, Some(_)) => self.out.push(ServerFrame::Error {
                code: ErrorCode::BadFrame,
                message: "This connection is already signed in.".into(),
            }),
            (_, None) => {
                self.out.push(ServerFrame::Error {
                    code: ErrorCode::Unauthorised,
                    message: "Sign in before syncing.".into(),
                });
                self.ending = Some(Ending::Close(close_code::POLICY, "Sign in before syncing."));
            }
            (ClientFrame::Since { cursor, .. }, Some(user)) => self.since(&user, cursor).await,
            (ClientFrame::Sync { doc, message }, Some(user)) => {
                self.sync(&user, doc, &message).await
            }
            (ClientFrame::Push { doc, changes }, Some(user)) => {
                self.push(&user, doc, &changes).await
            }
        }
    }

    async fn hello(&mut self, protocol: u16, token: &str, device: &str) {
        if protocol != PROTOCOL_VERSION {
            self.fail(
                ErrorCode::UnsupportedVersion,
                format!("This app speaks sync protocol {protocol} but the server speaks {PROTOCOL_VERSION}: update the app."),
            );
            return;
        }
        match auth::authenticate(self.state.database(), token).await {
            Ok(user) => match self.store().cursor(&user.id).await {
                Ok(cursor) => {
                    tracing::info!(user = %user.id, device, "device connected");
                    self.out.push(ServerFrame::Welcome {
                        user: user.id.clone(),
                        cursor,
                    });
                    self.subscribed = Some(self.state.sync_hub().subscribe(&user.id));
                    self.user = Some(user);
                }
                Err(error) => self.unavailable(&error),
            },
            Err(AuthError::Expired) => self.fail(
                ErrorCode::Unauthorised,
                "Your session has expired. Please sign in again.".into(),
            ),
            Err(AuthError::InvalidToken) => {
                self.fail(ErrorCode::Unauthorised, "Please sign in again.".into())
            }
            Err(error) => self.unavailable(&error),
        }
    }

    fn fail(&mut self, code: ErrorCode, message: String) {
        self.out.push(ServerFrame::Error { code, message });
        self.ending = Some(Ending::Close(
            close_code::POLICY,
            "Sign in again or update the app.",
        ));
    }

    /// A server fault: the device keeps everything and retries after reconnecting.
    fn unavailable(&mut self, error: &dyn std::error::Error) {
        tracing::error!(%error, "sync failed on the server");
        self.out.push(ServerFrame::Error {
            code: ErrorCode::Unavailable,
            message: "The server could not save just now. Your changes are safe on this device and will be sent again.".into(),
        });
        self.ending = Some(Ending::Close(close_code::AGAIN, "Try again shortly."));
    }

    async fn since(&mut self, user: &User, cursor: Cursor) {
        self.commit_pending().await;
        let catch_up = match self.store().catch_up(&user.id, cursor).await {
            Ok(catch_up) => catch_up,
            Err(error) => return self.unavailable(&error),
        };
        if !catch_up.shared.is_empty() || !catch_up.withdrawn.is_empty() {
            for doc in &catch_up.withdrawn {
                self.replicas.remove(doc);
            }
            self.out.push(ServerFrame::Access {
                shared: catch_up
                    .shared
                    .into_iter()
                    .map(|shared| SharedDoc {
                        doc: shared.doc,
                        owner: shared.owner,
                        owner_name: shared.owner_name,
                    })
                    .collect(),
                withdrawn: catch_up.withdrawn,
            });
        }
        self.out.push(ServerFrame::Changed {
            docs: catch_up
                .docs
                .iter()
                .map(|doc| wire_id(&doc.id).to_owned())
                .collect(),
            cursor: catch_up.cursor,
        });
        for doc in catch_up.docs {
            self.out.push(ServerFrame::Changes {
                doc: wire_id(&doc.id).to_owned(),
                changes: doc.changes,
                heads: heads_from_bytes(&doc.heads),
            });
        }
    }

    /// The replica of `wire` for this connection, loaded if need be; `None` (with the
    /// device told why) if it is someone else's or cannot be read.
    async fn replica(&mut self, user: &User, wire: &str) -> Option<String> {
        if let Err(error) = documents::DocKind::of(wire) {
            self.reject(wire.to_owned(), RejectCode::Invalid, error.to_string());
            return None;
        }
        let id = stored_id(wire, user);
        if self.pending.iter().any(|pending| pending.doc == id) {
            // Build on the changes already accepted from this group.
            self.commit_pending().await;
        }
        if let Some(replica) = self.replicas.get(&id) {
            if replica.owner == user.id {
                return Some(id);
            }
            // Access to someone else's entry can end at any moment: ask again each time.
            match self.store().may_read(&id, &user.id).await {
                Ok(true) => return Some(id),
                Ok(false) => {
                    self.replicas.remove(&id);
                }
                Err(error) => {
                    self.unavailable(&error);
                    return None;
                }
            }
        }
        let stored = match self.store().load(&id).await {
            Ok(stored) => stored,
            Err(error) => {
                self.unavailable(&error);
                return None;
            }
        };
        let owner = match &stored {
            Some(stored) if stored.owner != user.id => {
                match self.store().may_read(&id, &user.id).await {
                    Ok(true) => stored.owner.clone(),
                    Ok(false) => {
                        self.reject(
                            wire.to_owned(),
                            RejectCode::Forbidden,
                            "This entry belongs to someone else and is not shared with you.".into(),
                        );
                        return None;
                    }
                    Err(error) => {
                        self.unavailable(&error);
                        return None;
                    }
                }
            }
            _ => user.id.clone(),
        };
        let replica = match stored {
            None => Replica {
                owner,
                doc: AutoCommit::default(),
                state: sync::State::new(),
                snapshot: Vec::new(),
            },
            Some(stored) => match AutoCommit::load(&stored.snapshot) {
                Ok(doc) => Replica {
                    owner,
                    doc,
                    state: sync::State::new(),
                    snapshot: stored.snapshot,
                },
                Err(error) => {
                    self.unavailable(&error);
                    return None;
                }
            },
        };
        self.replicas.insert(id.clone(), replica);
        Some(id)
    }

    async fn push(&mut self, user: &User, wire: String, changes: &[u8]) {
        let Some(id) = self.replica(user, &wire).await else {
            return;
        };
        let Some(replica) = self.replicas.get_mut(&id) else {
            return;
        };
        match server::push(&wire, &replica.doc, changes) {
            Err(rejection) => self.reject(wire, rejection.code, rejection.reason),
            Ok(server::Pushed::NeedsSync) => {
                replica.state = sync::State::new();
                self.offer(&id);
            }
            Ok(server::Pushed::Accepted { mut doc, new }) if new.is_empty() => {
                // Nothing new: already stored, so confirm it.
                let heads = doc.get_heads();
                self.out.push(ServerFrame::Saved {
                    doc: wire,
                    heads: heads_to_wire(&heads),
                });
            }
            Ok(server::Pushed::Accepted { doc, new }) => {
                self.accept(user, id, wire, *doc, None, new)
            }
        }
    }

    async fn sync(&mut self, user: &User, wire: String, message: &[u8]) {
        let Some(id) = self.replica(user, &wire).await else {
            return;
        };
        let Some(replica) = self.replicas.get_mut(&id) else {
            return;
        };
        match server::receive(&wire, &replica.doc, &replica.state, message) {
            Err(rejection) => self.reject(wire, rejection.code, rejection.reason),
            Ok(received) if received.new.is_empty() => {
                replica.state = received.state;
                self.offer(&id);
            }
            Ok(received) => self.accept(
                user,
                id,
                wire,
                received.doc,
                Some(received.state),
                received.new,
            ),
        }
    }

    /// Queues accepted changes for the group's commit, once the author's role allows
    /// every part of them.
    fn accept(
        &mut self,
        user: &User,
        id: String,
        wire: String,
        mut doc: AutoCommit,
        state: Option<sync::State>,
        new: server::NewChanges,
    ) {
        let Some(replica) = self.replicas.get_mut(&id) else {
            return;
        };
        let owner = replica.owner.clone();
        let mut share_change = None;
        let mut may_have_readers = false;
        if documents::DocKind::of(&wire).ok() == Some(documents::DocKind::Entry) {
            let before = replica.doc.get_heads();
            let writer = if owner == user.id {
                Writer::Owner(&user.id)
            } else {
                Writer::Reader(&user.id)
            };
            if let Err(Forbidden(reason)) = access::check_entry_changes(&mut doc, &before, writer) {
                // The copy the changes were applied to is dropped; the replica stands.
                return self.reject(wire, RejectCode::Forbidden, reason);
            }
            // Both documents passed `documents::check`, so their share lists read.
            let was = EntryDoc::shares_of(&replica.doc).unwrap_or_default();
            let is = EntryDoc::shares_of(&doc).unwrap_or_default();
            may_have_readers = !was.is_empty() || !is.is_empty();
            if owner == user.id && (was != is || before.is_empty()) {
                share_change = Some(is.into_iter().collect());
            }
        }
        let previous = replica.snapshot.as_slice();
        let snapshot = if previous.len() + new.bytes.len() <= COMPACT_AFTER_BYTES {
            // Loading concatenated Automerge chunks gives the same document.
            [previous, new.bytes.as_slice()].concat()
        } else {
            doc.save()
        };
        if snapshot.len() > MAX_DOCUMENT_BYTES {
            return self.reject(
                wire,
                RejectCode::Invalid,
                format!(
                    "This entry would grow past {} MiB; split it into several entries.",
                    MAX_DOCUMENT_BYTES / (1024 * 1024)
                ),
            );
        }
        let heads = doc.get_heads();
        let write = DocWrite {
            doc_id: id.clone(),
            author: user.id.clone(),
            owner,
            shares: share_change,
            may_have_readers,
            snapshot,
            heads: heads.iter().flat_map(|hash| hash.0).collect(),
            actors: new.actors.iter().map(ActorId::to_hex_string).collect(),
            bytes: new.bytes,
        };
        self.pending.push(Pending {
            doc: id,
            accepted: doc,
            state,
            write,
        });
    }

    fn reject(&mut self, doc: String, code: RejectCode, reason: String) {
        tracing::info!(%doc, ?code, %reason, "change refused");
        self.out.push(ServerFrame::Rejected { doc, code, reason });
    }

    /// Commits every accepted change of the group at once, then confirms each
    /// document and tells everyone else who may read it.
    async fn commit_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let store = self.store();
        let (accepted, writes): (Vec<_>, Vec<_>) = pending
            .into_iter()
            .map(|p| ((p.doc, p.accepted, p.state), p.write))
            .unzip();
        // What the replicas and other devices need, kept before the writes go.
        let kept: Vec<Kept> = writes
            .iter()
            .map(|write| Kept {
                owner: write.owner.clone(),
                changes: write.bytes.clone(),
                snapshot: write.snapshot.clone(),
            })
            .collect();
        let results = join_all(writes.into_iter().map(|write| store.commit(write))).await;
        for (((id, mut doc, state), kept), result) in accepted.into_iter().zip(kept).zip(results) {
            match result {
                Ok(committed) => {
                    let heads = heads_to_wire(&doc.get_heads());
                    let via_sync = state.is_some();
                    self.out.push(ServerFrame::Saved {
                        doc: wire_id(&id).to_owned(),
                        heads: heads.clone(),
                    });
                    self.announce(&id, &kept, heads, &committed);
                    let replica = Replica {
                        owner: kept.owner,
                        doc,
                        state: state.unwrap_or_default(),
                        snapshot: kept.snapshot,
                    };
                    self.replicas.insert(id.clone(), replica);
                    if via_sync {
                        self.offer(&id);
                    }
                }
                Err(CommitError::Forbidden(reason)) => {
                    self.replicas.remove(&id);
                    self.reject(wire_id(&id).to_owned(), RejectCode::Forbidden, reason)
                }
                Err(CommitError::Store(error)) => return self.unavailable(&error),
            }
        }
    }

    /// Tells the owner's and every reader's other devices about a stored write: new
    /// readers get the whole document, former readers are told to drop it.
    fn announce(&self, id: &str, kept: &Kept, heads: Vec<Vec<u8>>, committed: &Committed) {
        let hub = self.state.sync_hub();
        let notice = |event: Arc<NoticeEvent>| Notice {
            doc: id.into(),
            origin: self.id,
            event,
        };
        if !committed.granted.is_empty() {
            let owner_name = self
                .user
                .as_ref()
                .map(|user| user.display_name.clone())
                .unwrap_or_default();
            let shared = Arc::new(NoticeEvent::Shared {
                owner: kept.owner.clone(),
                owner_name,
                snapshot: kept.snapshot.clone(),
                heads: heads.clone(),
            });
            for reader in &committed.granted {
                hub.publish(reader, notice(shared.clone()));
            }
        }
        let changed = Arc::new(NoticeEvent::Changed {
            changes: kept.changes.clone(),
            heads,
        });
        hub.publish(&kept.owner, notice(changed.clone()));
        for reader in &committed.readers {
            if !committed.granted.contains(reader) {
                hub.publish(reader, notice(changed.clone()));
            }
        }
        if !committed.withdrawn.is_empty() {
            hub.withdraw_from(&committed.withdrawn, id);
        }
    }

    /// Queues the next sync message for `id`, if there is anything to say.
    fn offer(&mut self, id: &str) {
        if let Some(replica) = self.replicas.get_mut(id) {
            if let Some(message) = server::next_message(&mut replica.doc, &mut replica.state) {
                self.out.push(ServerFrame::Sync {
                    doc: wire_id(id).to_owned(),
                    message,
                });
            }
        }
    }

    /// Something happened elsewhere to a document this user may read (or could):
    /// pass it on to the device.
    fn on_notice(&mut self, notice: &Notice) {
        if notice.origin == self.id {
            return;
        }
        let doc = wire_id(&notice.doc).to_owned();
        // This connection's copy is now behind (or gone); it is read again when needed.
        self.replicas.remove(&*notice.doc);
        match &*notice.event {
            NoticeEvent::Changed { changes, heads } => self.out.push(ServerFrame::Changes {
                doc,
                changes: changes.clone(),
                heads: heads.clone(),
            }),
            NoticeEvent::Shared {
                owner,
                owner_name,
                snapshot,
                heads,
            } => {
                self.out.push(ServerFrame::Access {
                    shared: vec![SharedDoc {
                        doc: doc.clone(),
                        owner: owner.clone(),
                        owner_name: owner_name.clone(),
                    }],
                    withdrawn: Vec::new(),
                });
                self.out.push(ServerFrame::Changes {
                    doc,
                    changes: snapshot.clone(),
                    heads: heads.clone(),
                });
            }
            NoticeEvent::Withdrawn => self.out.push(ServerFrame::Access {
                shared: Vec::new(),
                withdrawn: vec![doc],
            }),
        }
    }

    /// Sends every queued frame in one flush; several go as deflated batches (a
    /// catch-up is hundreds of small frames much alike).
    async fn flush<S>(&mut self, sink: &mut S) -> Result<(), S::Error>
    where
        S: futures_util::Sink<Message> + Unpin,
    {
        if self.out.is_empty() {
            return Ok(());
        }
        let frames: Vec<ServerFrame> = self.out.drain(..).collect();
        for encoded in protocol::encode_server_frames(&frames) {
            match encoded {
                Ok(bytes) => sink.feed(Message::Binary(bytes.into())).await?,
                Err(error) => tracing::error!(%error, "a reply could not be encoded"),
            }
        }
        sink.flush().await
    }
}
