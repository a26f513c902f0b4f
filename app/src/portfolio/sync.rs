//! The sync engine's access to the portfolio's Automerge documents.

use super::{ChangeError, Portfolio};
use leptos::prelude::*;
use shared::automerge::AutoCommit;
use shared::entry::EntryDoc;
use shared::profile::PROFILE_DOC_ID;

impl Portfolio {
    /// Ids of the user's own documents on the device (entries and the profile).
    pub fn document_ids(&self) -> Vec<String> {
        // Other people's entries are theirs: they are never sent as this user's.
        let shared = self.shared.with_untracked(|shared| shared.docs.clone());
        let mut ids: Vec<String> = self.entries.with_untracked(|entries| {
            entries
                .keys()
                .filter(|id| !shared.contains_key(*id))
                .cloned()
                .collect()
        });
        ids.push(PROFILE_DOC_ID.to_owned());
        ids
    }

    /// Runs `sync` on the Automerge document `id` (an empty one if the device has
    /// none yet); if the document changed, shows and stores the result.
    pub async fn with_synced_doc<R>(
        &self,
        id: &str,
        sync: impl FnOnce(&mut AutoCommit) -> R,
    ) -> Result<R, ChangeError> {
        if id == PROFILE_DOC_ID {
            return self.with_synced_profile(sync).await;
        }
        let known = self
            .inner
            .with_value(|inner| inner.docs.contains_key(id) || inner.arriving.contains_key(id));
        if !known {
            // One read: `open` finds the document on the device or says it is not there.
            match self.open(id).await {
                Ok(()) => {}
                Err(ChangeError::NotFound) => self.inner.update_value(|inner| {
                    let doc = AutoCommit::new().with_actor(inner.actor.clone());
                    inner.arriving.entry(id.to_owned()).or_insert(doc);
                }),
                Err(error) => return Err(error),
            }
        }
        let outcome = self
            .inner
            .try_update_value(|inner| {
                let doc = match inner.docs.get_mut(id) {
                    Some(entry) => entry.automerge_mut(),
                    None => inner.arriving.get_mut(id)?,
                };
                let before = doc.get_heads();
                let result = sync(doc);
                let changed = doc.get_heads() != before;
                // A newly arrived entry joins the portfolio once it reads whole.
                if changed {
                    if let Some(arrived) = inner.arriving.remove(id) {
                        match EntryDoc::from_synced(arrived.clone()) {
                            Ok(entry) => {
                                inner.docs.insert(id.to_owned(), entry);
                            }
                            Err(_) => {
                                inner.arriving.insert(id.to_owned(), arrived);
                            }
                        }
                    }
                }
                Some((result, changed && inner.docs.contains_key(id)))
            })
            .flatten()
            .ok_or(ChangeError::NotFound)?;
        let (result, show) = outcome;
        if show {
            self.refresh(id)?;
            self.persist(id);
        }
        Ok(result)
    }

    async fn with_synced_profile<R>(
        &self,
        sync: impl FnOnce(&mut AutoCommit) -> R,
    ) -> Result<R, ChangeError> {
        let outcome = self
            .inner
            .try_update_value(|inner| {
                let profile = inner.profile.as_mut()?;
                let doc = profile.automerge_mut();
                let before = doc.get_heads();
                let result = sync(doc);
                let changed = doc.get_heads() != before;
                Some((result, changed.then(|| (profile.save(), profile.read()))))
            })
            .flatten()
            .ok_or(ChangeError::NotFound)?;
        let (result, changed) = outcome;
        if let Some((bytes, profile)) = changed {
            self.profile.set(profile);
            self.store()
                .await?
                .put(PROFILE_DOC_ID, &bytes, None)
                .await?;
        }
        Ok(result)
    }
}
