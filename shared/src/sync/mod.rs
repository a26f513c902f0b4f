//! The sync engine's logic, without I/O (DESIGN.md, "Sync protocol").
//!
//! [`client::ClientSession`] is what a device runs and [`server::receive`] is what the
//! server runs for each incoming Automerge sync message. Both take frames and
//! documents in and hand back frames to send and facts to store; sockets, timers,
//! IndexedDB and SQL live in the app and the server. That is what lets
//! `tests/sync_simulation.rs` run whole conversations on a simulated network with
//! drops, reordering and reconnects, deterministically and without sleeping.

pub mod client;
pub mod server;

use automerge::ChangeHash;

/// Why a sync message could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the sync message cannot be read: {0}")]
    Malformed(String),
    #[error("the changes in the sync message cannot be applied: {0}")]
    Unapplicable(#[from] automerge::AutomergeError),
}

/// Heads as they travel in frames: the raw 32-byte hashes.
pub fn heads_to_wire(heads: &[ChangeHash]) -> Vec<Vec<u8>> {
    heads.iter().map(|hash| hash.0.to_vec()).collect()
}

/// Heads from a frame; entries that are not 32 bytes are skipped.
pub fn heads_from_wire(heads: &[Vec<u8>]) -> Vec<ChangeHash> {
    heads
        .iter()
        .filter_map(|bytes| ChangeHash::try_from(bytes.as_slice()).ok())
        .collect()
}

/// Whether every hash in `ours` is in `theirs`: the other side has seen our state.
pub fn covers(theirs: &[ChangeHash], ours: &[ChangeHash]) -> bool {
    ours.iter().all(|hash| theirs.contains(hash))
}
