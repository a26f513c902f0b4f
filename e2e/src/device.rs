//! A device that speaks Waymark's sync protocol from Rust: the same
//! `shared::sync::client::ClientSession` the app runs, over a real WebSocket, with
//! documents in memory. Tests use it as a trainee's phone or laptop; the sync
//! benchmark uses it to measure bytes and round trips.

use automerge::AutoCommit;
use futures_util::{SinkExt, StreamExt};
use shared::day::Day;
use shared::entry::{Author, CaptureDraft, CommentDraft, Entry, EntryDoc, EntryEdit, Now};
use shared::protocol::{self, DocId, ErrorCode, RejectCode, ServerFrame, SharedDoc};
use shared::sync::client::{Action, ClientSession, DocWork};
use shared::vocabulary::ActivityKind;
use shared::ActorId;
use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What went wrong for a device.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("cannot connect to {url}: {source}")]
    Connect {
        url: String,
        source: Box<tokio_tungstenite::tungstenite::Error>,
    },
    #[error("the connection failed: {0}")]
    Socket(Box<tokio_tungstenite::tungstenite::Error>),
    #[error("the server closed the connection")]
    Closed,
    #[error("the server said {code:?}: {message}")]
    Refused { code: ErrorCode, message: String },
    #[error("a frame could not be used: {0}")]
    Protocol(String),
    #[error("the device is not connected")]
    Offline,
    #[error("nothing happened for {0:?} while waiting for {1}")]
    Timeout(Duration, String),
    #[error("the entry cannot be edited: {0}")]
    Entry(String),
}

impl From<tokio_tungstenite::tungstenite::Error> for DeviceError {
    fn from(error: tokio_tungstenite::tungstenite::Error) -> Self {
        DeviceError::Socket(Box::new(error))
    }
}

/// Bytes and frames a device exchanged, and its flights of frames.
#[derive(Debug, Default, Clone, Copy)]
pub struct Traffic {
    /// Bytes sent, frame payloads only.
    pub sent: usize,
    /// Bytes received, frame payloads only.
    pub received: usize,
    /// Times the device sent a group of frames.
    pub flights: usize,
}

/// A refusal the server sent about one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The document.
    pub doc: DocId,
    /// Why, as a code.
    pub code: RejectCode,
    /// Why, for people.
    pub reason: String,
}

/// One device of one user.
pub struct Device {
    actor: ActorId,
    docs: BTreeMap<DocId, AutoCommit>,
    session: ClientSession,
    socket: Option<Socket>,
    queued: Vec<Vec<u8>>,
    user: Option<String>,
    /// Other people's documents shared with this device's user.
    shared_with_me: BTreeMap<DocId, SharedDoc>,
    /// What crossed the wire since the last [`Device::reset_traffic`].
    pub traffic: Traffic,
    /// Refusals received, oldest first.
    pub refusals: Vec<Refusal>,
    /// When each document was last confirmed stored (for latency figures).
    pub saved_at: BTreeMap<DocId, Instant>,
}

fn now() -> Now {
    Now {
        millis: 1_795_000_000_000,
        today: Day::from_ymd(2026, 11, 22).unwrap_or(Day::UNIX_EPOCH),
    }
}

impl Device {
    /// A device with empty storage; `name` makes its Automerge actor.
    pub fn new(name: &str) -> Self {
        Self {
            actor: ActorId::from(format!("{name}-{}", std::process::id()).as_bytes()),
            docs: BTreeMap::new(),
            session: ClientSession::new(0, []),
            socket: None,
            queued: Vec::new(),
            user: None,
            shared_with_me: BTreeMap::new(),
            traffic: Traffic::default(),
            refusals: Vec::new(),
            saved_at: BTreeMap::new(),
        }
    }

    /// A device whose Automerge actor is exactly `actor` (to test impersonation).
    pub fn with_actor(actor: &[u8]) -> Self {
        Self {
            actor: ActorId::from(actor),
            ..Self::new("device")
        }
    }

    /// Connects to the server at `base_url` (`http://host:port/`) and greets it;
    /// frames go out with the next [`Device::pump`].
    pub async fn connect(&mut self, base_url: &str, token: &str) -> Result<(), DeviceError> {
        let url = format!("{}api/sync", base_url.replacen("http", "ws", 1));
        let (socket, _) = tokio_tungstenite::connect_async(&url)
            .await
            .map_err(|source| DeviceError::Connect {
                url: url.clone(),
                source: Box::new(source),
            })?;
        self.socket = Some(socket);
        let actions = self.session.connect(token, "rust-device");
        self.run(actions)
    }

    /// Drops the connection, as a phone going into flight mode does.
    pub fn disconnect(&mut self) {
        self.socket = None;
        self.user = None;
        self.queued.clear();
        self.session.disconnected();
    }

    /// Sends raw bytes as one frame (for testing bad input).
    pub async fn send_raw(&mut self, bytes: Vec<u8>) -> Result<(), DeviceError> {
        let socket = self.socket.as_mut().ok_or(DeviceError::Offline)?;
        self.traffic.sent += bytes.len();
        socket.send(Message::Binary(bytes.into())).await?;
        Ok(())
    }

    /// Sends a text frame (for testing bad input).
    pub async fn send_text(&mut self, text: &str) -> Result<(), DeviceError> {
        let socket = self.socket.as_mut().ok_or(DeviceError::Offline)?;
        socket.send(Message::Text(text.into())).await?;
        Ok(())
    }

    /// The user the server signed this device in as.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// Documents waiting to be confirmed as stored.
    pub fn outbox_len(&self) -> usize {
        self.session.outbox().len()
    }

    /// The ids of documents on the device.
    pub fn doc_ids(&self) -> Vec<DocId> {
        self.docs.keys().cloned().collect()
    }

    /// An entry as the device has it, if it has it whole.
    pub fn entry(&self, id: &str) -> Option<Entry> {
        let doc = self.docs.get(id)?;
        EntryDoc::from_synced(doc.clone()).ok()?.read().ok()
    }

    /// Heads of a document, to compare replicas.
    pub fn heads(&mut self, id: &str) -> Vec<automerge::ChangeHash> {
        self.docs
            .get_mut(id)
            .map(AutoCommit::get_heads)
            .unwrap_or_default()
    }

    /// Creates an entry offline; it is sent when connected.
    pub fn create_entry(&mut self, id: &str, title: &str) -> Result<(), DeviceError> {
        let new = CaptureDraft {
            kind: Some(ActivityKind::WardRound),
            title: title.into(),
            ..CaptureDraft::default()
        }
        .validate(now().today)
        .map_err(|errors| DeviceError::Entry(format!("{errors:?}")))?;
        let mut entry = EntryDoc::create(id, &new, now(), self.actor.clone())
            .map_err(|error| DeviceError::Entry(error.to_string()))?;
        self.put_doc(id, entry.automerge_mut().clone())
    }

    /// Stores a whole document as if made on this device (the workload uses it).
    pub fn put_doc(&mut self, id: &str, doc: AutoCommit) -> Result<(), DeviceError> {
        self.docs
            .insert(id.to_owned(), doc.with_actor(self.actor.clone()));
        let actions = self.session.local_change(id);
        self.run(actions)
    }

    /// Appends `text` to the "what happened" section of an entry's reflection.
    pub fn append_reflection(&mut self, id: &str, text: &str) -> Result<(), DeviceError> {
        self.edit(id, |entry| {
            let what = entry
                .read()
                .map_err(|e| e.to_string())?
                .reflection
                .get("what")
                .cloned()
                .unwrap_or_default();
            entry
                .apply(
                    &EntryEdit::Reflection {
                        section: "what".into(),
                        text: format!("{what}{text}"),
                    },
                    now(),
                )
                .map_err(|e| e.to_string())
        })
    }

    /// Other people's entries shared with this user, by id.
    pub fn shared_with_me(&self) -> &BTreeMap<DocId, SharedDoc> {
        &self.shared_with_me
    }

    /// Shares an entry with a supervisor, or stops sharing it.
    pub fn share(&mut self, id: &str, user: &str, shared: bool) -> Result<(), DeviceError> {
        let edit = EntryEdit::Share {
            user: user.into(),
            shared,
        };
        self.edit(id, |entry| {
            entry.apply(&edit, now()).map_err(|e| e.to_string())
        })
    }

    /// Adds a comment signed as the device's user (or as `author`, to forge one).
    pub fn comment(
        &mut self,
        id: &str,
        comment_id: &str,
        author: &str,
        draft: &CommentDraft,
    ) -> Result<(), DeviceError> {
        let author = Author {
            id: author.into(),
            name: format!("Dr {author}"),
        };
        self.edit(id, |entry| {
            entry
                .add_comment(comment_id, &author, draft, now().millis)
                .map_err(|e| e.to_string())
        })
    }

    /// Applies any change to an entry's Automerge document directly.
    pub fn edit_raw(
        &mut self,
        id: &str,
        edit: impl FnOnce(&mut AutoCommit),
    ) -> Result<(), DeviceError> {
        let doc = self
            .docs
            .get_mut(id)
            .ok_or_else(|| DeviceError::Entry(format!("no entry {id}")))?;
        edit(doc);
        doc.commit();
        let actions = self.session.local_change(id);
        self.run(actions)
    }

    fn edit(
        &mut self,
        id: &str,
        edit: impl FnOnce(&mut EntryDoc) -> Result<(), String>,
    ) -> Result<(), DeviceError> {
        let doc = self
            .docs
            .get(id)
            .ok_or_else(|| DeviceError::Entry(format!("no entry {id}")))?;
        let mut entry =
            EntryDoc::from_synced(doc.clone()).map_err(|e| DeviceError::Entry(e.to_string()))?;
        edit(&mut entry).map_err(DeviceError::Entry)?;
        let changed = entry.automerge_mut().clone();
        self.docs.insert(id.to_owned(), changed);
        let actions = self.session.local_change(id);
        self.run(actions)
    }

    /// Sends what is queued, then handles frames until `done` holds (checked after
    /// every frame) or `patience` passes with no frame at all.
    pub async fn pump_until(
        &mut self,
        what: &str,
        patience: Duration,
        mut done: impl FnMut(&Device) -> bool,
    ) -> Result<(), DeviceError> {
        loop {
            self.flush().await?;
            if done(self) {
                return Ok(());
            }
            let socket = self.socket.as_mut().ok_or(DeviceError::Offline)?;
            let message = tokio::time::timeout(patience, socket.next())
                .await
                .map_err(|_| DeviceError::Timeout(patience, what.to_owned()))?;
            self.take(message)?;
            // Frames already here are handled before replying, as one flight.
            while let Some(message) = self
                .socket
                .as_mut()
                .and_then(|s| futures_util::FutureExt::now_or_never(s.next()))
            {
                self.take(message)?;
            }
        }
    }

    /// Syncs until the outbox is empty and every changed document has arrived.
    pub async fn sync(&mut self) -> Result<(), DeviceError> {
        self.pump_until(
            "the device to finish syncing",
            Duration::from_secs(20),
            |device| device.user.is_some() && !device.session.is_busy(),
        )
        .await
    }

    /// Resets the traffic counters.
    pub fn reset_traffic(&mut self) {
        self.traffic = Traffic::default();
    }

    fn take(
        &mut self,
        message: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
    ) -> Result<(), DeviceError> {
        match message {
            None => {
                self.disconnect();
                Err(DeviceError::Closed)
            }
            Some(Err(error)) => {
                self.disconnect();
                Err(error.into())
            }
            Some(Ok(Message::Binary(bytes))) => {
                self.traffic.received += bytes.len();
                let frame: ServerFrame =
                    protocol::decode(&bytes).map_err(|e| DeviceError::Protocol(e.to_string()))?;
                let actions = self.session.receive(frame);
                self.run(actions)
            }
            Some(Ok(Message::Close(frame))) => {
                self.disconnect();
                Err(DeviceError::Refused {
                    code: ErrorCode::BadFrame,
                    message: frame.map(|f| f.reason.to_string()).unwrap_or_default(),
                })
            }
            Some(Ok(_)) => Ok(()),
        }
    }

    fn run(&mut self, actions: Vec<Action>) -> Result<(), DeviceError> {
        let mut queue: VecDeque<Action> = actions.into();
        while let Some(action) = queue.pop_front() {
            match action {
                Action::Send(frame) => {
                    if self.socket.is_some() {
                        let bytes = protocol::encode(&frame)
                            .map_err(|e| DeviceError::Protocol(e.to_string()))?;
                        self.queued.push(bytes);
                    }
                }
                Action::Doc { doc, work } => {
                    if matches!(work, DocWork::Saved { .. }) {
                        self.saved_at.insert(doc.clone(), Instant::now());
                    }
                    if !self.docs.contains_key(&doc) && !work.may_create() {
                        continue;
                    }
                    let actor = self.actor.clone();
                    let replica = self
                        .docs
                        .entry(doc.clone())
                        .or_insert_with(|| AutoCommit::new().with_actor(actor));
                    let step = self
                        .session
                        .work_on(&doc, replica, work)
                        .map_err(|e| DeviceError::Protocol(e.to_string()))?;
                    queue.extend(step.actions);
                }
                Action::SignedIn { user } => self.user = Some(user),
                Action::Rejected { doc, code, reason } => {
                    self.refusals.push(Refusal { doc, code, reason })
                }
                Action::Failed { code, message } => {
                    return Err(DeviceError::Refused { code, message })
                }
                Action::Access { shared, withdrawn } => {
                    for doc in shared {
                        self.shared_with_me.insert(doc.doc.clone(), doc);
                    }
                    for doc in withdrawn {
                        self.shared_with_me.remove(&doc);
                        self.docs.remove(&doc);
                    }
                }
                Action::OutboxChanged | Action::CursorAdvanced(_) => {}
            }
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), DeviceError> {
        if self.queued.is_empty() {
            return Ok(());
        }
        let socket = self.socket.as_mut().ok_or(DeviceError::Offline)?;
        self.traffic.flights += 1;
        for bytes in self.queued.drain(..) {
            self.traffic.sent += bytes.len();
            socket.feed(Message::Binary(bytes.into())).await?;
        }
        socket.flush().await?;
        Ok(())
    }
}
