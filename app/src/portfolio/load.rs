//! Reading the portfolio from the device at start-up.

use super::{ChangeError, Portfolio};
use crate::metrics;
use crate::storage::device;
use leptos::prelude::*;
use shared::entry::Entry;
use shared::profile::{ProfileDoc, PROFILE_DOC_ID};
use std::collections::BTreeMap;
use std::sync::Arc;

impl Portfolio {
    /// Reads entries' summaries and the profile, then puts back text typed just
    /// before the tab closed.
    pub(super) async fn read_device(self) -> Result<(), ChangeError> {
        let store = self.store().await?;
        // Taken before finishing a withdrawal interrupted last time: the summaries may
        // have been read before that deletion (index.html starts the read early), and
        // none of these may show.
        let withdrawing = self
            .shared
            .with_untracked(|shared| shared.withdrawing.clone());
        self.finish_withdrawals().await;
        let mut entries = BTreeMap::new();
        let summaries = store.summaries().await?;
        // The device bench splits start-up at these marks.
        metrics::mark("waymark:summaries-read");
        for summary in summaries.lines() {
            match serde_json::from_str::<Entry>(summary) {
                Ok(entry) if withdrawing.contains(&entry.id) => {}
                Ok(entry) => {
                    entries.insert(entry.id.clone(), Arc::new(entry));
                }
                Err(error) => leptos::logging::warn!("skipping an unreadable summary: {error}"),
            }
        }
        metrics::mark("waymark:summaries-parsed");
        let actor = self.inner.with_value(|inner| inner.actor.clone());
        let profile = match store.document(PROFILE_DOC_ID).await? {
            Some(bytes) => ProfileDoc::load(&bytes, actor.clone())?,
            None => ProfileDoc::new(actor),
        };
        self.profile.set(profile.read());
        self.inner
            .update_value(|inner| inner.profile = Some(profile));
        self.entries.set(entries);
        // The frame after the list is in the page: what "time to show the list" means.
        request_animation_frame(|| metrics::mark("waymark:portfolio-shown"));
        // Text typed just before the tab closed: put it into its entries now.
        for id in device::entries_with_pending_text() {
            if let Err(error) = self.open(&id).await {
                leptos::logging::warn!("could not restore typed text of {id}: {error}");
            }
        }
        Ok(())
    }
}

/// Asks the browser to keep this site's storage even when the device runs low, so a
/// portfolio kept offline for weeks is not cleared. Installed apps are usually granted.
pub(super) async fn ask_for_persistent_storage() -> Option<bool> {
    let storage = web_sys::window()?.navigator().storage();
    let asking = storage.persist().ok()?;
    wasm_bindgen_futures::JsFuture::from(asking)
        .await
        .ok()?
        .as_bool()
}
