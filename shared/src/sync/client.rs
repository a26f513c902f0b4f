//! A device's side of the sync conversation.
//!
//! The session knows the device's cursor, its outbox (documents with changes the
//! server has not confirmed as stored), the heads the server is known to hold for
//! each document, and one Automerge sync state per document for the current
//! connection. It never touches a document store: when a document is needed it asks
//! for it with an [`Action`], and the caller loads the document and hands it to the
//! matching method.
//!
//! The common paths take one flight each way: edits go out as `Push` (the changes
//! after the heads the server last confirmed) and are answered by `Saved`; catch-up
//! and other devices' edits arrive as `Changes`. Automerge's own sync protocol
//! (`Sync`) reconciles whatever those paths cannot, such as a push that builds on
//! changes the server does not have.

use super::{covers, heads_from_wire, SyncError};
use crate::protocol::{
    unpack_batch, ClientFrame, Cursor, DocId, ErrorCode, RejectCode, ServerFrame, SharedDoc,
    PROTOCOL_VERSION,
};
use automerge::sync::{self, SyncDoc};
use automerge::AutoCommit;
use automerge::ChangeHash;
use std::collections::{BTreeSet, HashMap};

/// Something the caller must do for the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send this frame to the server.
    Send(ClientFrame),
    /// Load document `doc` and call [`ClientSession::work_on`] with it and `work`.
    Doc { doc: DocId, work: DocWork },
    /// The server accepted the token.
    SignedIn { user: String },
    /// The outbox changed; store [`ClientSession::outbox`] so it survives a reload.
    OutboxChanged,
    /// Every document changed up to this cursor is on the device; store it.
    CursorAdvanced(Cursor),
    /// The server refused the device's changes to `doc`; they stay on the device.
    Rejected {
        doc: DocId,
        code: RejectCode,
        reason: String,
    },
    /// The server refused the connection or a frame.
    Failed { code: ErrorCode, message: String },
    /// Other people's documents the user may now read (remember whose they are), and
    /// ones they may no longer read (delete them from the device).
    Access {
        shared: Vec<SharedDoc>,
        withdrawn: Vec<DocId>,
    },
}

/// What the session needs done with one document, once the caller has loaded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocWork {
    /// Apply a sync message from the server (if any) and say what to send next.
    Sync(Option<Vec<u8>>),
    /// Send the server what it lacks of the document.
    Push,
    /// Apply stored changes the server sent; `heads` are its heads after them.
    Apply {
        changes: Vec<u8>,
        heads: Vec<Vec<u8>>,
    },
    /// The server stored the document up to `heads`.
    Saved { heads: Vec<Vec<u8>> },
}

impl DocWork {
    /// Whether a device without the document should start an empty one for it:
    /// only what arrives from the server can bring a new document.
    pub fn may_create(&self) -> bool {
        matches!(self, DocWork::Sync(_) | DocWork::Apply { .. })
    }
}

/// How far the current connection has got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// Not connected.
    Offline,
    /// `Hello` sent, waiting for `Welcome`.
    Greeting,
    /// Signed in as `user`.
    Online { user: String },
}

/// What [`ClientSession::work_on`] did to a document.
#[derive(Debug, Default)]
pub struct DocStep {
    /// The document received changes: store it and refresh what shows it.
    pub changed: bool,
    /// What to do next.
    pub actions: Vec<Action>,
}

/// Documents changed since a cursor, still being fetched.
#[derive(Debug)]
struct CatchUp {
    cursor: Cursor,
    waiting: BTreeSet<DocId>,
}

/// One device's sync session across connections.
#[derive(Debug)]
pub struct ClientSession {
    cursor: Cursor,
    outbox: BTreeSet<DocId>,
    connection: Connection,
    /// Whether this connection's catch-up (`Since` → `Changed` → documents) is done.
    caught_up: bool,
    catching_up: Option<CatchUp>,
    peers: HashMap<DocId, sync::State>,
    /// Heads the server has confirmed holding, per document (kept across connections).
    server_heads: HashMap<DocId, Vec<ChangeHash>>,
}

impl ClientSession {
    /// A session that has seen everything up to `cursor` and still has `outbox` to send.
    pub fn new(cursor: Cursor, outbox: impl IntoIterator<Item = DocId>) -> Self {
        Self {
            cursor,
            outbox: outbox.into_iter().collect(),
            connection: Connection::Offline,
            caught_up: false,
            catching_up: None,
            peers: HashMap::new(),
            server_heads: HashMap::new(),
        }
    }

    /// The cursor the device has fully caught up to.
    pub fn cursor(&self) -> Cursor {
        self.cursor
    }

    /// Documents with changes not yet confirmed as stored by the server.
    pub fn outbox(&self) -> &BTreeSet<DocId> {
        &self.outbox
    }

    /// The state of the connection.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// Whether documents are still being fetched or sent on this connection.
    pub fn is_busy(&self) -> bool {
        !self.caught_up || self.catching_up.is_some() || !self.outbox.is_empty()
    }

    /// Starts a connection: greet, ask what changed, and offer every document in the
    /// outbox, all in one flight so catch-up costs as few round trips as possible.
    pub fn connect(&mut self, token: &str, device: &str) -> Vec<Action> {
        self.connection = Connection::Greeting;
        self.caught_up = false;
        self.catching_up = None;
        self.peers.clear();
        let mut actions = vec![
            Action::Send(ClientFrame::Hello {
                protocol: PROTOCOL_VERSION,
                token: token.to_owned(),
                device: device.to_owned(),
            }),
            Action::Send(ClientFrame::Since {
                cursor: self.cursor,
                dirty: self.outbox.iter().cloned().collect(),
            }),
        ];
        actions.extend(self.outbox.iter().map(|doc| Action::Doc {
            doc: doc.clone(),
            work: DocWork::Push,
        }));
        actions
    }

    /// The connection ended; sync states belong to a connection and are dropped.
    pub fn disconnected(&mut self) {
        self.connection = Connection::Offline;
        self.caught_up = false;
        self.catching_up = None;
        self.peers.clear();
    }

    /// A document changed on this device: remember to send it, now if connected.
    pub fn local_change(&mut self, doc: &str) -> Vec<Action> {
        let mut actions = Vec::new();
        if self.outbox.insert(doc.to_owned()) {
            actions.push(Action::OutboxChanged);
        }
        // Frames queue behind `Hello`, so there is no need to wait for `Welcome`.
        if self.connection != Connection::Offline {
            actions.push(Action::Doc {
                doc: doc.to_owned(),
                work: DocWork::Push,
            });
        }
        actions
    }

    /// Handles a frame from the server.
    pub fn receive(&mut self, frame: ServerFrame) -> Vec<Action> {
        match frame {
            ServerFrame::Welcome { user, .. } => {
                self.connection = Connection::Online { user: user.clone() };
                vec![Action::SignedIn { user }]
            }
            ServerFrame::Changed { docs, cursor } => {
                self.caught_up = true;
                if docs.is_empty() {
                    return self.advance(cursor);
                }
                self.catching_up = Some(CatchUp {
                    cursor,
                    waiting: docs.into_iter().collect(),
                });
                Vec::new()
            }
            ServerFrame::Sync { doc, message } => vec![Action::Doc {
                doc,
                work: DocWork::Sync(Some(message)),
            }],
            ServerFrame::Saved { doc, heads } => vec![Action::Doc {
                doc,
                work: DocWork::Saved { heads },
            }],
            ServerFrame::Changes {
                doc,
                changes,
                heads,
            } => vec![Action::Doc {
                doc,
                work: DocWork::Apply { changes, heads },
            }],
            ServerFrame::Rejected { doc, code, reason } => {
                let mut actions = Vec::new();
                if self.outbox.remove(&doc) {
                    actions.push(Action::OutboxChanged);
                }
                actions.extend(self.settle(&doc));
                actions.push(Action::Rejected { doc, code, reason });
                actions
            }
            ServerFrame::Access { shared, withdrawn } => {
                let mut actions = Vec::new();
                let mut outbox_changed = false;
                for doc in &withdrawn {
                    // Unsent comments on a withdrawn entry could never be stored.
                    outbox_changed |= self.outbox.remove(doc);
                    self.server_heads.remove(doc);
                    self.peers.remove(doc);
                    actions.extend(self.settle(doc));
                }
                if outbox_changed {
                    actions.push(Action::OutboxChanged);
                }
                actions.push(Action::Access { shared, withdrawn });
                actions
            }
            ServerFrame::Batch { deflated } => match unpack_batch(&deflated) {
                Ok(frames) => frames
                    .into_iter()
                    .flat_map(|frame| self.receive(frame))
                    .collect(),
                // Nothing in it is applied, so the cursor stays and the next catch-up
                // asks again.
                Err(error) => vec![Action::Failed {
                    code: error.code(),
                    message: error.to_string(),
                }],
            },
            ServerFrame::Error { code, message } => {
                // The server ends the connection after refusing the token; other
                // errors concern one frame and the connection carries on.
                if code == ErrorCode::Unauthorised {
                    self.connection = Connection::Offline;
                }
                vec![Action::Failed { code, message }]
            }
        }
    }

    /// Does `work` on document `doc_id`, which the caller has loaded (or started empty,
    /// if [`DocWork::may_create`]); the caller stores it if it `changed`.
    pub fn work_on(
        &mut self,
        doc_id: &str,
        doc: &mut AutoCommit,
        work: DocWork,
    ) -> Result<DocStep, SyncError> {
        let unchanged = |actions| DocStep {
            changed: false,
            actions,
        };
        match work {
            DocWork::Sync(message) => self.sync_doc(doc_id, doc, message.as_deref()),
            DocWork::Push => Ok(unchanged(self.push_doc(doc_id, doc))),
            DocWork::Apply { changes, heads } => self.apply_changes(doc_id, doc, &changes, &heads),
            DocWork::Saved { heads } => Ok(unchanged(self.confirm_saved(doc_id, doc, &heads))),
        }
    }

    /// Advances the sync of `doc_id`: applies `incoming` (a sync message from the
    /// server) if given, then says what to send next.
    fn sync_doc(
        &mut self,
        doc_id: &str,
        doc: &mut AutoCommit,
        incoming: Option<&[u8]>,
    ) -> Result<DocStep, SyncError> {
        let state = self.peers.entry(doc_id.to_owned()).or_default();
        let mut step = DocStep::default();
        if let Some(bytes) = incoming {
            let message = sync::Message::decode(bytes)
                .map_err(|error| SyncError::Malformed(error.to_string()))?;
            let server_heads = message.heads.clone();
            let before = doc.get_heads();
            doc.sync().receive_sync_message(state, message)?;
            let after = doc.get_heads();
            step.changed = after != before;
            self.server_heads
                .insert(doc_id.to_owned(), server_heads.clone());
            // The server only ever speaks of heads it has stored, so once they cover
            // ours, nothing of this document is waiting to be sent.
            if covers(&server_heads, &after) && self.outbox.remove(doc_id) {
                step.actions.push(Action::OutboxChanged);
            }
        }
        let state = self.peers.entry(doc_id.to_owned()).or_default();
        if let Some(message) = doc.sync().generate_sync_message(state) {
            step.actions.push(Action::Send(ClientFrame::Sync {
                doc: doc_id.to_owned(),
                message: message.encode(),
            }));
        }
        let in_step = state
            .their_heads
            .as_ref()
            .is_some_and(|theirs| covers(&doc.get_heads(), theirs));
        if in_step {
            step.actions.extend(self.settle(doc_id));
        }
        Ok(step)
    }

    /// Sends what the server lacks of `doc_id`: the changes after the heads it last
    /// confirmed, or the whole document if it has confirmed none.
    fn push_doc(&mut self, doc_id: &str, doc: &mut AutoCommit) -> Vec<Action> {
        let known = self.server_heads.get(doc_id);
        if known.is_some_and(|known| covers(known, &doc.get_heads())) {
            return self.confirmed(doc_id);
        }
        let changes = match known {
            // "After" means something only if every one of the server's heads is here.
            Some(known)
                if known
                    .iter()
                    .all(|hash| doc.get_change_by_hash(hash).is_some()) =>
            {
                doc.save_after(known)
            }
            _ => doc.save(),
        };
        vec![Action::Send(ClientFrame::Push {
            doc: doc_id.to_owned(),
            changes,
        })]
    }

    /// Applies stored changes the server sent; `heads` are its heads after them.
    fn apply_changes(
        &mut self,
        doc_id: &str,
        doc: &mut AutoCommit,
        changes: &[u8],
        heads: &[Vec<u8>],
    ) -> Result<DocStep, SyncError> {
        let before = doc.get_heads();
        doc.load_incremental(changes)?;
        let after = doc.get_heads();
        let heads = heads_from_wire(heads);
        let mut step = DocStep {
            changed: after != before,
            actions: Vec::new(),
        };
        let holds_all = covers(&heads, &after);
        self.server_heads.insert(doc_id.to_owned(), heads);
        if holds_all {
            step.actions.extend(self.confirmed(doc_id));
        }
        if doc.get_missing_deps(&[]).is_empty() {
            step.actions.extend(self.settle(doc_id));
        } else {
            // Something these build on never arrived: let Automerge's protocol find it.
            step.actions.push(Action::Doc {
                doc: doc_id.to_owned(),
                work: DocWork::Sync(None),
            });
        }
        Ok(step)
    }

    /// Handles `Saved`: clears `doc_id` from the outbox if the stored heads cover the
    /// document as it is now (it may have changed again since it was sent).
    fn confirm_saved(
        &mut self,
        doc_id: &str,
        doc: &mut AutoCommit,
        heads: &[Vec<u8>],
    ) -> Vec<Action> {
        let heads = heads_from_wire(heads);
        let holds_all = covers(&heads, &doc.get_heads());
        self.server_heads.insert(doc_id.to_owned(), heads);
        if holds_all {
            self.confirmed(doc_id)
        } else {
            Vec::new()
        }
    }

    /// The server holds everything of `doc_id` this device has.
    fn confirmed(&mut self, doc_id: &str) -> Vec<Action> {
        if self.outbox.remove(doc_id) {
            vec![Action::OutboxChanged]
        } else {
            Vec::new()
        }
    }

    /// `doc_id` holds everything the server has; the catch-up may be complete.
    fn settle(&mut self, doc_id: &str) -> Vec<Action> {
        let Some(catch_up) = &mut self.catching_up else {
            return Vec::new();
        };
        catch_up.waiting.remove(doc_id);
        if !catch_up.waiting.is_empty() {
            return Vec::new();
        }
        let cursor = catch_up.cursor;
        self.catching_up = None;
        self.advance(cursor)
    }

    fn advance(&mut self, cursor: Cursor) -> Vec<Action> {
        if cursor > self.cursor {
            self.cursor = cursor;
            vec![Action::CursorAdvanced(cursor)]
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{decode, encode_server_frames};

    #[test]
    fn a_batch_acts_as_its_frames_in_order() {
        let frames = vec![
            ServerFrame::Welcome {
                user: "trainee".into(),
                cursor: 3,
            },
            ServerFrame::Changed {
                docs: Vec::new(),
                cursor: 9,
            },
        ];
        let wire = encode_server_frames(&frames);
        let [Ok(bytes)] = wire.as_slice() else {
            panic!("two frames make one batch: {wire:?}");
        };
        let batch: ServerFrame = decode(bytes).expect("decodes");
        assert!(matches!(batch, ServerFrame::Batch { .. }));

        let mut batched = ClientSession::new(0, []);
        let mut one_by_one = ClientSession::new(0, []);
        let from_batch = batched.receive(batch);
        let from_frames: Vec<Action> = frames
            .into_iter()
            .flat_map(|frame| one_by_one.receive(frame))
            .collect();
        assert_eq!(from_batch, from_frames);
        assert_eq!(batched.cursor(), 9);
    }

    #[test]
    fn a_damaged_batch_is_reported_and_moves_nothing_on() {
        let mut session = ClientSession::new(7, []);
        let actions = session.receive(ServerFrame::Batch {
            deflated: vec![0xff; 8],
        });
        assert!(
            matches!(actions.as_slice(), [Action::Failed { code: ErrorCode::BadFrame, message }] if message.contains("batch")),
            "{actions:?}"
        );
        assert_eq!(session.cursor(), 7);
    }
}
