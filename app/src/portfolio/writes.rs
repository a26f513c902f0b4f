//! Writing documents to IndexedDB: one write per entry in flight, the last one always lands.

use super::{ChangeError, Portfolio, SaveState};
use crate::clock;
use crate::storage::device;
use crate::storage::indexed_db::DocStore;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::entry::{Entry, EntryDoc};
use shared::profile::PROFILE_DOC_ID;

impl Portfolio {
    /// The database, once open.
    pub(super) async fn store(&self) -> Result<DocStore, ChangeError> {
        let opening = self.inner.with_value(|inner| inner.store.clone());
        Ok(opening.await?)
    }

    /// Writes the profile to IndexedDB in the background, showing how it went.
    pub(super) fn store_profile(&self, bytes: Vec<u8>) {
        let portfolio = *self;
        let save = self.save;
        save.set(SaveState::Saving);
        spawn_local(async move {
            let stored = match portfolio.store().await {
                Ok(store) => store
                    .put(PROFILE_DOC_ID, &bytes, None)
                    .await
                    .map_err(ChangeError::from),
                Err(error) => Err(error),
            };
            match stored {
                Ok(()) => save.set(SaveState::Saved {
                    at: clock::now().millis,
                }),
                Err(error) => save.set(SaveState::Failed(error.to_string())),
            }
        });
    }

    /// Writes an entry to IndexedDB; edits made during a write are written after it,
    /// so at most one write per entry is in flight and the last one always lands.
    pub(super) fn persist(&self, id: &str) {
        let already_writing = self
            .inner
            .try_update_value(|inner| {
                if inner.writing.contains(id) {
                    inner.dirty.insert(id.to_owned());
                    true
                } else {
                    inner.writing.insert(id.to_owned());
                    false
                }
            })
            .unwrap_or(true);
        if already_writing {
            return;
        }
        let portfolio = *self;
        let id = id.to_owned();
        self.save.set(SaveState::Saving);
        spawn_local(async move {
            let outcome = portfolio.write_until_settled(&id).await;
            let idle = portfolio
                .inner
                .try_update_value(|inner| {
                    inner.writing.remove(&id);
                    inner.writing.is_empty()
                })
                .unwrap_or(true);
            match outcome {
                Err(error) => portfolio.save.set(SaveState::Failed(format!(
                    "Not saved on this device: {error}. Your text is still here; free some space or try again."
                ))),
                Ok(()) if idle => portfolio.save.set(SaveState::Saved {
                    at: clock::now().millis,
                }),
                Ok(()) => {}
            }
        });
    }

    async fn write_until_settled(&self, id: &str) -> Result<(), ChangeError> {
        let store = self.store().await?;
        loop {
            // Taken together, synchronously: all of `pending` is in `bytes`.
            let pending = device::pending_text(id);
            // The summary the screens show was read from the document by the edit
            // that made it dirty; it is not read a second time here.
            let bytes = self.inner.try_update_value(|inner| {
                inner.dirty.remove(id);
                inner.docs.get_mut(id).map(EntryDoc::save)
            });
            let summary = self
                .entries
                .with_untracked(|entries| entries.get(id).map(|entry| summary_json(entry)));
            let Some(bytes) = bytes else {
                return Err(ChangeError::NotFound);
            };
            // Gone from memory: no longer shared with this user, and deleted; writing
            // it now would bring it back.
            let (Some(bytes), Some(summary)) = (bytes, summary) else {
                return Ok(());
            };
            let summary = summary?;
            store.put(id, &bytes, Some(&summary)).await?;
            device::settle_pending_text(id, &pending);
            let again = self.inner.with_value(|inner| inner.dirty.contains(id));
            if !again {
                return Ok(());
            }
        }
    }
}

/// An entry's summary as stored beside its document.
pub(super) fn summary_json(entry: &Entry) -> Result<String, ChangeError> {
    serde_json::to_string(entry).map_err(|error| ChangeError::Invalid(error.to_string()))
}
