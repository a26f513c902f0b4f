//! Entries other people share with this user (as their supervisor): whose they are,
//! and deleting them from the device, the screens and memory when access ends.

use super::{ChangeError, Portfolio};
use crate::storage::device;
use crate::storage::shared_with_me::{self as index, Owner};
use leptos::prelude::*;
use shared::entry::Entry;
use shared::protocol::{DocId, SharedDoc};
use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::sync::Arc;

impl Portfolio {
    /// Whose entry `id` is, if it belongs to someone else.
    pub fn owner_of(&self, id: &str) -> Option<Owner> {
        self.shared.with(|shared| shared.docs.get(id).cloned())
    }

    /// Whether entry `id` belongs to someone else (not subscribing to changes).
    pub fn is_others(&self, id: &str) -> bool {
        self.shared
            .with_untracked(|shared| shared.docs.contains_key(id))
    }

    pub(super) fn owner_of_untracked(&self, id: &str) -> Option<Owner> {
        self.shared
            .with_untracked(|shared| shared.docs.get(id).cloned())
    }

    /// Ids of the people whose entries are on this device because they share them.
    pub fn sharing_owners(&self) -> BTreeSet<String> {
        self.shared
            .with(|shared| shared.docs.values().map(|owner| owner.id.clone()).collect())
    }

    /// Entries others share with this user (not deleted), with their owners, newest first.
    pub fn shared_entries(&self) -> Vec<(Arc<Entry>, Owner)> {
        let owners = self.shared.with(|shared| shared.docs.clone());
        self.entries.with(|entries| {
            let mut list: Vec<(Arc<Entry>, Owner)> = owners
                .into_iter()
                .filter_map(|(id, owner)| {
                    let entry = entries.get(&id).filter(|entry| !entry.deleted)?;
                    Some((entry.clone(), owner))
                })
                .collect();
            list.sort_by_key(|(entry, _)| Reverse((entry.occurred_on, entry.created_at)));
            list
        })
    }

    /// The server's word on access: remembers whose newly shared documents are, and
    /// deletes withdrawn ones (nothing of them may stay on the device).
    pub async fn access_changed(&self, shared: Vec<SharedDoc>, withdrawn: Vec<DocId>) {
        self.shared.update(|index| {
            for doc in shared {
                index.withdrawing.remove(&doc.doc);
                let owner = Owner {
                    id: doc.owner,
                    name: doc.owner_name,
                };
                index.docs.insert(doc.doc, owner);
            }
            // The user's own documents are never withdrawn, so whatever is listed goes.
            index.withdrawing.extend(withdrawn);
            index::keep(index);
        });
        self.finish_withdrawals().await;
    }

    /// Deletes every entry others share with this user: they belong with the account,
    /// not the device, so they go when it signs out (the next sign-in fetches them).
    pub async fn forget_shared_entries(&self) {
        self.shared.update(|index| {
            let ids: Vec<String> = index.docs.keys().cloned().collect();
            index.withdrawing.extend(ids);
            index::keep(index);
        });
        self.finish_withdrawals().await;
    }

    /// Deletes every document marked as withdrawn; what IndexedDB fails to delete
    /// stays marked and is tried again at the next start.
    pub(super) async fn finish_withdrawals(&self) {
        let ids: Vec<String> = self
            .shared
            .with_untracked(|shared| shared.withdrawing.iter().cloned().collect());
        if ids.is_empty() {
            return;
        }
        self.inner.update_value(|inner| {
            for id in &ids {
                inner.docs.remove(id);
                inner.arriving.remove(id);
                inner.dirty.remove(id);
            }
        });
        self.entries.update(|entries| {
            for id in &ids {
                entries.remove(id);
            }
        });
        for id in &ids {
            device::forget_entry(id);
        }
        let removed = match self.store().await {
            Ok(store) => store.remove(&ids).await.map_err(ChangeError::from),
            Err(error) => Err(error),
        };
        match removed {
            Ok(()) => self.shared.update(|index| {
                for id in &ids {
                    index.withdrawing.remove(id);
                    index.docs.remove(id);
                }
                index::keep(index);
            }),
            Err(error) => leptos::logging::warn!(
                "entries no longer shared are hidden but not yet deleted ({error}); trying again at the next start"
            ),
        }
    }
}
