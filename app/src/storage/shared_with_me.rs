//! Which documents on this device belong to other people (entries trainees share with
//! this user as their supervisor), kept in `localStorage` through gloo-storage.
//!
//! The server says so in `Access` frames before it sends such a document, and says
//! when access ends. Documents being deleted after withdrawal stay listed under
//! `withdrawing` until IndexedDB has committed the deletion, so a tab closed halfway
//! still finishes the job at the next start.

use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

const SHARED_WITH_ME: &str = "waymark.shared-with-me";

/// The trainee who owns a shared document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    /// Their user id.
    pub id: String,
    /// Their name, for grouping the inbox.
    pub name: String,
}

/// Other people's documents on this device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SharedWithMe {
    /// Document id → its owner.
    pub docs: BTreeMap<String, Owner>,
    /// Documents no longer shared whose deletion from IndexedDB is not yet confirmed.
    pub withdrawing: BTreeSet<String>,
}

/// The index as last kept (empty if none).
pub fn load() -> SharedWithMe {
    LocalStorage::get(SHARED_WITH_ME).unwrap_or_default()
}

/// Keeps the index.
pub fn keep(index: &SharedWithMe) {
    if let Err(error) = LocalStorage::set(SHARED_WITH_ME, index) {
        leptos::logging::warn!("could not keep the list of entries shared with you: {error}");
    }
}
