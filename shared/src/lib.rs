//! Waymark's shared core: the vocabulary of medical leadership development, the
//! entry and profile documents, and the sync protocol. It does no I/O, so every rule
//! here is tested once and used by both the app and the server.

pub mod access;
pub mod day;
pub mod documents;
pub mod entry;
pub mod privacy;
pub mod profile;
pub mod protocol;
pub mod supervision;
pub mod sync;
pub mod vocabulary;
#[cfg(feature = "workload")]
pub mod workload;

/// The product name, shown in the app and the server's logs.
pub const PRODUCT_NAME: &str = "Waymark";

/// Automerge actor ids, so callers need not depend on automerge for them.
pub use automerge::ActorId;

/// The Automerge crate itself, for the sync engine's callers.
pub use automerge;
