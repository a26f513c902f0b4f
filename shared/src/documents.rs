//! Which kind of document an id names, and the rules every stored document obeys.
//!
//! The server runs [`check`] on every document a device changes before storing
//! anything, so a change that breaks the layout is refused with a reason people can
//! read, and the app reads only documents that pass it.

use crate::entry::{DocumentError, EntryDoc};
use crate::profile::PROFILE_DOC_ID;
use automerge::AutoCommit;

/// The largest document the server keeps, compressed. Years of edits to one entry
/// stay far below it; a bigger one is a runaway client or an attack.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// What a document id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// The user's profile (one per user, always called `profile` on the wire).
    Profile,
    /// One leadership entry, named by its UUID.
    Entry,
}

impl DocKind {
    /// Classifies a wire id, refusing ids no device would make.
    pub fn of(doc_id: &str) -> Result<Self, DocumentError> {
        if doc_id == PROFILE_DOC_ID {
            return Ok(DocKind::Profile);
        }
        let plausible = !doc_id.is_empty()
            && doc_id.len() <= 64
            && doc_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if plausible {
            Ok(DocKind::Entry)
        } else {
            Err(DocumentError::NotAnEntry(format!(
                "{doc_id:?} is not a document id"
            )))
        }
    }
}

/// Checks that `doc` is a readable document of the kind `doc_id` names, and that an
/// entry carries its own id.
pub fn check(doc_id: &str, doc: &AutoCommit) -> Result<(), DocumentError> {
    match DocKind::of(doc_id)? {
        // A profile reads every field with a fallback, so any map is acceptable.
        DocKind::Profile => Ok(()),
        DocKind::Entry => {
            let entry = EntryDoc::read_synced(doc)?;
            if entry.id != doc_id {
                return Err(DocumentError::NotAnEntry(format!(
                    "it says it is entry {:?} but was sent as {doc_id:?}",
                    entry.id
                )));
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::ROOT;

    #[test]
    fn ids_are_classified() {
        assert_eq!(DocKind::of("profile").ok(), Some(DocKind::Profile));
        assert_eq!(
            DocKind::of("0b7c2a9e-1d4f-4a8e-9f00-1234567890ab").ok(),
            Some(DocKind::Entry)
        );
        assert!(DocKind::of("").is_err());
        assert!(DocKind::of("../etc/passwd").is_err());
        assert!(DocKind::of(&"x".repeat(65)).is_err());
    }

    #[test]
    fn a_document_without_the_entry_layout_is_refused() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "kind", 42).expect("put");
        let error = check("abc", &doc).expect_err("not an entry");
        assert!(error.to_string().contains("not a Waymark entry"), "{error}");
    }
}
