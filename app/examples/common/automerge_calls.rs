//! Every Automerge call `shared` makes for the app, once, for the size-floor examples.
//! The document's content comes from a random actor id, so the optimiser cannot fold
//! the calls away.

use shared::automerge::sync::{self, SyncDoc};
use shared::automerge::transaction::{CommitOptions, Transactable};
use shared::automerge::{ActorId, AutoCommit, ObjType, ReadDoc, ROOT};
use std::error::Error;
use std::hint::black_box;

/// Every Automerge operation the device performs, once; returns the bytes it made.
pub fn exercise() -> Result<Vec<u8>, Box<dyn Error>> {
    let seed = ActorId::random().to_hex_string();
    let mut doc = AutoCommit::new().with_actor(ActorId::random());
    doc.put(ROOT, "title", seed.as_str())?;
    doc.put(ROOT, "schema", 1_u64)?;
    let notes = doc.put_object(ROOT, "notes", ObjType::Text)?;
    doc.splice_text(&notes, 0, 0, &seed)?;
    doc.update_text(&notes, &seed[4..])?;
    let tags = doc.put_object(ROOT, "tags", ObjType::List)?;
    doc.insert(&tags, 0, seed.as_str())?;
    let comments = doc.put_object(ROOT, "comments", ObjType::Map)?;
    doc.put(&comments, seed.as_str(), true)?;
    doc.delete(&comments, seed.as_str())?;
    doc.commit_with(CommitOptions::default().with_time(seed.len() as i64));
    let before = doc.get_heads();
    let mut text = doc.text(&notes)?;
    text.extend(doc.keys(ROOT));
    text.extend(doc.values(&tags).map(|(value, _)| value.to_string()));
    black_box(doc.get(ROOT, "title")?);

    let saved = doc.save();
    let mut copy = AutoCommit::load(&saved)?.with_actor(ActorId::random());
    copy.splice_text(&notes, 0, 0, &text)?;
    let increment = copy.save_after(&before);
    doc.load_incremental(&increment)?;
    doc.merge(&mut copy)?;
    doc.apply_changes(copy.get_changes(&before))?;
    let after = doc.get_heads();
    black_box(doc.diff(&before, &after));

    let mut ours = sync::State::new();
    let mut theirs = sync::State::new();
    let mut wire = Vec::new();
    while let Some(message) = doc.sync().generate_sync_message(&mut ours) {
        let bytes = message.encode();
        wire.extend_from_slice(&bytes);
        let message = sync::Message::decode(&bytes)?;
        copy.sync().receive_sync_message(&mut theirs, message)?;
        if wire.len() > 1 << 20 {
            break;
        }
    }
    wire.extend(doc.save());
    Ok(wire)
}
