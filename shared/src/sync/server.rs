//! The server's half of one document's sync: apply an incoming message to a copy,
//! find what is new, and check it, so nothing is stored or shared until it passes.

use super::SyncError;
use crate::documents;
use crate::protocol::RejectCode;
use automerge::sync::{self, SyncDoc};
use automerge::{ActorId, AutoCommit};
use std::collections::BTreeSet;

/// Why an incoming message was refused; nothing of it was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// What kind of problem it is.
    pub code: RejectCode,
    /// The reason, for people.
    pub reason: String,
}

impl Rejection {
    fn new(code: RejectCode, reason: impl Into<String>) -> Self {
        Self {
            code,
            reason: reason.into(),
        }
    }
}

/// The outcome of an accepted message: the document and sync state as they would be
/// once the new changes are stored. The caller stores `new_changes`, and only then
/// replaces its copies of the document and state with these.
#[derive(Debug)]
pub struct Received {
    /// The document with the message applied.
    pub doc: AutoCommit,
    /// The sync state after the message.
    pub state: sync::State,
    /// Changes this message added; empty when it only carried heads.
    pub new: NewChanges,
}

/// Changes a document gained from one message or push, as the server stores them.
#[derive(Debug, Default)]
pub struct NewChanges {
    /// How many Automerge changes are new.
    pub count: usize,
    /// The actors who made them, each once.
    pub actors: BTreeSet<ActorId>,
    /// Automerge bytes holding them, ready for `load_incremental` (they may also
    /// hold changes the server already had, which loading skips).
    pub bytes: Vec<u8>,
}

impl NewChanges {
    /// Whether nothing was new.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// Applies `message` for document `doc_id` to a copy of `doc` and `state`, and checks
/// the result against the document rules. Neither input is modified.
pub fn receive(
    doc_id: &str,
    doc: &AutoCommit,
    state: &sync::State,
    message: &[u8],
) -> Result<Received, Rejection> {
    let message = sync::Message::decode(message).map_err(|error| {
        Rejection::new(
            RejectCode::Malformed,
            SyncError::Malformed(error.to_string()).to_string(),
        )
    })?;
    let mut doc = doc.clone();
    let before = doc.get_heads();
    let mut state = state.clone();
    doc.sync()
        .receive_sync_message(&mut state, message)
        .map_err(unapplicable)?;
    let mut new = new_changes(doc_id, &mut doc, &before)?;
    if !new.is_empty() {
        // A sync message's changes are scattered through it; collect them as bytes.
        new.bytes = doc
            .get_changes(&before)
            .iter_mut()
            .flat_map(|change| change.bytes().into_owned())
            .collect();
    }
    Ok(Received { doc, state, new })
}

/// What became of a `Push`.
#[derive(Debug)]
pub enum Pushed {
    /// The changes apply; store `new`, then keep `doc`.
    Accepted {
        /// The document with the changes applied (boxed: it dwarfs the other variant).
        doc: Box<AutoCommit>,
        /// Changes the server did not have (may be none).
        new: NewChanges,
    },
    /// The changes build on some the server lacks: reconcile with `Sync` instead.
    NeedsSync,
}

/// Applies pushed Automerge bytes (a saved document or changes) to a copy of `doc`
/// and checks the result. `doc` is not modified.
pub fn push(doc_id: &str, doc: &AutoCommit, changes: &[u8]) -> Result<Pushed, Rejection> {
    let mut doc = doc.clone();
    let before = doc.get_heads();
    doc.load_incremental(changes).map_err(unapplicable)?;
    if !doc.get_missing_deps(&[]).is_empty() {
        return Ok(Pushed::NeedsSync);
    }
    let mut new = new_changes(doc_id, &mut doc, &before)?;
    if !new.is_empty() {
        new.bytes = changes.to_vec();
    }
    Ok(Pushed::Accepted {
        doc: Box::new(doc),
        new,
    })
}

/// The changes `doc` gained since `before`, after checking the document they make.
/// Reads the metadata of the new changes only: re-encoding whole changes costs more
/// than everything else the server does with a push.
fn new_changes(
    doc_id: &str,
    doc: &mut AutoCommit,
    before: &[automerge::ChangeHash],
) -> Result<NewChanges, Rejection> {
    if doc.get_heads() == before {
        return Ok(NewChanges::default());
    }
    documents::check(doc_id, doc)
        .map_err(|error| Rejection::new(RejectCode::Invalid, error.to_string()))?;
    let meta = doc.get_changes_meta(before);
    Ok(NewChanges {
        count: meta.len(),
        actors: meta
            .iter()
            .map(|change| change.actor.clone().into_owned())
            .collect(),
        bytes: Vec::new(),
    })
}

fn unapplicable(error: automerge::AutomergeError) -> Rejection {
    Rejection::new(
        RejectCode::Malformed,
        SyncError::Unapplicable(error).to_string(),
    )
}

/// The next message for the device about `doc`, if there is anything to say.
pub fn next_message(doc: &mut AutoCommit, state: &mut sync::State) -> Option<Vec<u8>> {
    doc.sync()
        .generate_sync_message(state)
        .map(sync::Message::encode)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::Day;
    use crate::entry::{CaptureDraft, EntryDoc, Now};
    use crate::vocabulary::ActivityKind;
    use automerge::transaction::Transactable;
    use automerge::{ActorId, ROOT};

    fn entry(id: &str) -> EntryDoc {
        let now = Now {
            millis: 1_795_000_000_000,
            today: Day::from_ymd(2026, 11, 22).expect("a day"),
        };
        let new = CaptureDraft {
            kind: Some(ActivityKind::Handover),
            title: "Ran the evening handover".into(),
            ..CaptureDraft::default()
        }
        .validate(now.today)
        .expect("valid");
        EntryDoc::create(id, &new, now, ActorId::from(b"phone".as_slice())).expect("created")
    }

    /// Runs the sync protocol between a device document and the server's copy until
    /// both are quiet, applying accepted changes; returns the last rejection, if any.
    fn sync_to_server(
        device: &mut AutoCommit,
        server: &mut AutoCommit,
        id: &str,
    ) -> Option<Rejection> {
        let mut device_state = sync::State::new();
        let mut server_state = sync::State::new();
        let mut rejection = None;
        for _ in 0..10 {
            let Some(message) = next_message(device, &mut device_state) else {
                break;
            };
            match receive(id, server, &server_state, &message) {
                Ok(received) => {
                    *server = received.doc;
                    server_state = received.state;
                }
                Err(refused) => rejection = Some(refused),
            }
            if let Some(reply) = next_message(server, &mut server_state) {
                device
                    .sync()
                    .receive_sync_message(
                        &mut device_state,
                        sync::Message::decode(&reply).expect("decodes"),
                    )
                    .expect("applies");
            }
        }
        rejection
    }

    #[test]
    fn a_valid_entry_reaches_the_server() {
        let mut device = entry("e1").automerge_mut().clone();
        let mut server = AutoCommit::new();
        assert_eq!(sync_to_server(&mut device, &mut server, "e1"), None);
        assert_eq!(server.get_heads(), device.get_heads());
    }

    #[test]
    fn a_change_that_breaks_the_layout_is_refused_and_not_kept() {
        let mut device = entry("e2").automerge_mut().clone();
        let mut server = AutoCommit::new();
        sync_to_server(&mut device, &mut server, "e2");
        let accepted = server.get_heads();
        device.put(ROOT, "kind", "juggling").expect("put");
        device.commit();
        let rejection = sync_to_server(&mut device, &mut server, "e2").expect("refused");
        assert_eq!(rejection.code, RejectCode::Invalid);
        assert!(
            rejection.reason.contains("juggling"),
            "{}",
            rejection.reason
        );
        assert_eq!(server.get_heads(), accepted);
    }

    #[test]
    fn an_entry_sent_under_another_id_is_refused() {
        let mut device = entry("e3").automerge_mut().clone();
        let mut server = AutoCommit::new();
        let rejection = sync_to_server(&mut device, &mut server, "e4").expect("refused");
        assert_eq!(rejection.code, RejectCode::Invalid);
        assert!(server.get_heads().is_empty());
    }

    #[test]
    fn garbage_is_malformed() {
        let rejection = receive(
            "e5",
            &AutoCommit::new(),
            &sync::State::new(),
            b"\x42garbage",
        )
        .expect_err("refused");
        assert_eq!(rejection.code, RejectCode::Malformed);
        assert!(
            rejection.reason.contains("cannot be read"),
            "{}",
            rejection.reason
        );
    }
}
