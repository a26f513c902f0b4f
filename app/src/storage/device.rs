//! Small device state in `localStorage` through gloo-storage: synchronous, so a value
//! is kept the moment it is set, even if the tab closes straight after.
//!
//! - the capture form's draft, until the entry is saved;
//! - text typed into an entry that has not yet reached IndexedDB ("pending text"),
//!   replayed into the entry when it is next opened or at start-up;
//! - the comment being written on an entry, until it is added.

use gloo_storage::{LocalStorage, Storage};
use shared::entry::{CaptureDraft, CommentDraft};
use std::collections::BTreeMap;

const CAPTURE_DRAFT: &str = "waymark.capture-draft";
const PENDING_PREFIX: &str = "waymark.pending.";
const COMMENT_PREFIX: &str = "waymark.comment-draft.";

/// Why a small write failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("this device would not keep the draft ({0})")]
pub struct DeviceStateError(String);

fn keep<T: serde::Serialize>(key: &str, value: &T) -> Result<(), DeviceStateError> {
    LocalStorage::set(key, value).map_err(|error| DeviceStateError(error.to_string()))
}

/// The capture form as last typed (empty if none).
pub fn capture_draft() -> CaptureDraft {
    LocalStorage::get(CAPTURE_DRAFT).unwrap_or_default()
}

/// Keeps the capture form as typed.
pub fn keep_capture_draft(draft: &CaptureDraft) -> Result<(), DeviceStateError> {
    keep(CAPTURE_DRAFT, draft)
}

/// Forgets the capture draft once it has become an entry.
pub fn clear_capture_draft() {
    LocalStorage::delete(CAPTURE_DRAFT);
}

/// The comment being written on an entry, as last typed (empty if none).
pub fn comment_draft(entry_id: &str) -> CommentDraft {
    LocalStorage::get(format!("{COMMENT_PREFIX}{entry_id}")).unwrap_or_default()
}

/// Keeps the comment being written on an entry.
pub fn keep_comment_draft(entry_id: &str, draft: &CommentDraft) -> Result<(), DeviceStateError> {
    keep(&format!("{COMMENT_PREFIX}{entry_id}"), draft)
}

/// Forgets the comment draft once it is in the entry.
pub fn clear_comment_draft(entry_id: &str) {
    LocalStorage::delete(format!("{COMMENT_PREFIX}{entry_id}"));
}

/// Forgets everything kept beside an entry (for one that is no longer shared).
pub fn forget_entry(entry_id: &str) {
    clear_comment_draft(entry_id);
    LocalStorage::delete(format!("{PENDING_PREFIX}{entry_id}"));
}

/// Text fields of one entry typed but not yet stored, by field key.
pub type PendingText = BTreeMap<String, String>;

/// The pending text of one entry.
pub fn pending_text(entry_id: &str) -> PendingText {
    LocalStorage::get(format!("{PENDING_PREFIX}{entry_id}")).unwrap_or_default()
}

/// Keeps one field's text for an entry until it is stored.
pub fn keep_pending_text(entry_id: &str, field: &str, text: &str) -> Result<(), DeviceStateError> {
    let mut pending = pending_text(entry_id);
    pending.insert(field.to_owned(), text.to_owned());
    keep(&format!("{PENDING_PREFIX}{entry_id}"), &pending)
}

/// Drops the pending text that has now been stored (unless it changed meanwhile).
pub fn settle_pending_text(entry_id: &str, stored: &PendingText) {
    let mut pending = pending_text(entry_id);
    pending.retain(|field, text| stored.get(field) != Some(text));
    let key = format!("{PENDING_PREFIX}{entry_id}");
    if pending.is_empty() {
        LocalStorage::delete(key);
    } else if let Err(error) = keep(&key, &pending) {
        leptos::logging::warn!("{error}");
    }
}

/// Ids of entries with pending text.
pub fn entries_with_pending_text() -> Vec<String> {
    let Ok(storage) = LocalStorage::raw()
        .length()
        .map(|length| (LocalStorage::raw(), length))
    else {
        return Vec::new();
    };
    let (raw, length) = storage;
    (0..length)
        .filter_map(|index| raw.key(index).ok().flatten())
        .filter_map(|key| key.strip_prefix(PENDING_PREFIX).map(str::to_owned))
        .collect()
}
