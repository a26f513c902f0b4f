//! The trainee's portfolio on this device: entry documents, their summaries for the
//! screens, the profile, and the path every change takes to durable storage.
//!
//! A change is applied to the Automerge document in memory, the screens update at
//! once, and the document is written to IndexedDB. Typed text is also kept in
//! `localStorage` the moment it is typed and only dropped once IndexedDB has
//! committed it, so closing the tab mid-sentence loses nothing. "Saved" is shown only
//! after the commit.

mod feedback;
mod load;
mod shared_with_me;
mod sync;
mod writes;

pub use feedback::unread_comments;
use load::ask_for_persistent_storage;
use writes::summary_json;

use crate::clock;
use crate::metrics;
use crate::storage::device;
use crate::storage::indexed_db::{DocStore, StoreError};
use crate::storage::shared_with_me::{self as shared_index, SharedWithMe};
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::automerge::AutoCommit;
use shared::entry::{DocumentError, Entry, EntryDoc, EntryEdit, NewEntry};
use shared::profile::{Profile, ProfileDoc, PROFILE_DOC_ID};
use shared::ActorId;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

/// Whether the portfolio has been read from the device yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadState {
    Loading,
    Ready,
    Failed(String),
}

/// The state of writing to the device, shown in the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    Idle,
    Saving,
    Saved { at: i64 },
    Failed(String),
}

/// Why a change could not be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ChangeError {
    #[error("{0}")]
    Invalid(String),
    #[error("this entry is not on this device")]
    NotFound,
    #[error("Waymark cannot use this device's storage: {0}")]
    Storage(#[from] StoreError),
}

impl From<DocumentError> for ChangeError {
    fn from(error: DocumentError) -> Self {
        match error {
            DocumentError::Invalid(field) => ChangeError::Invalid(field.message),
            other => ChangeError::Invalid(other.to_string()),
        }
    }
}

/// Which field of an entry a piece of typed text belongs to.
pub fn text_edit(field: &str, text: &str) -> Option<EntryEdit> {
    match field {
        "title" => Some(EntryEdit::Title(text.to_owned())),
        "notes" => Some(EntryEdit::Notes(text.to_owned())),
        other => other
            .strip_prefix("reflection.")
            .map(|section| EntryEdit::Reflection {
                section: section.to_owned(),
                text: text.to_owned(),
            }),
    }
}

/// Told the id of each document changed on this device.
type ChangeListener = Rc<dyn Fn(&str)>;

/// The database, opened once; every operation awaits the same opening.
type OpeningStore = Shared<LocalBoxFuture<'static, Result<DocStore, StoreError>>>;

struct Inner {
    store: OpeningStore,
    actor: ActorId,
    docs: HashMap<String, EntryDoc>,
    /// Entries arriving by sync that are not yet whole enough to read.
    arriving: HashMap<String, AutoCommit>,
    profile: Option<ProfileDoc>,
    writing: HashSet<String>,
    dirty: HashSet<String>,
    /// Told about every change made on this device (the sync engine listens).
    on_local_change: Option<ChangeListener>,
}

/// The portfolio, shared with every screen through context. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Portfolio {
    /// Each entry behind an `Arc`: lists and memos copy pointers, not 2,000 entries.
    entries: RwSignal<BTreeMap<String, Arc<Entry>>>,
    profile: RwSignal<Profile>,
    load: RwSignal<LoadState>,
    save: RwSignal<SaveState>,
    persistent: RwSignal<Option<bool>>,
    /// Entries on this device that belong to other people, and whose they are.
    shared: RwSignal<SharedWithMe>,
    inner: StoredValue<Inner, LocalStorage>,
}

impl Portfolio {
    /// Starts reading the portfolio from the device.
    pub fn start() -> Self {
        let portfolio = Self {
            entries: RwSignal::new(BTreeMap::new()),
            profile: RwSignal::new(Profile::default()),
            load: RwSignal::new(LoadState::Loading),
            save: RwSignal::new(SaveState::Idle),
            persistent: RwSignal::new(None),
            shared: RwSignal::new(shared_index::load()),
            inner: StoredValue::new_local(Inner {
                store: DocStore::open().boxed_local().shared(),
                // A fresh actor per app start: two tabs never write as one actor.
                actor: ActorId::random(),
                docs: HashMap::new(),
                arriving: HashMap::new(),
                profile: None,
                writing: HashSet::new(),
                dirty: HashSet::new(),
                on_local_change: None,
            }),
        };
        spawn_local(async move {
            portfolio.persistent.set(ask_for_persistent_storage().await);
        });
        spawn_local(async move {
            match portfolio.read_device().await {
                Ok(()) => portfolio.load.set(LoadState::Ready),
                Err(error) => portfolio.load.set(LoadState::Failed(error.to_string())),
            }
        });
        portfolio
    }

    /// Whether the portfolio has been read from the device.
    pub fn load_state(&self) -> LoadState {
        self.load.get()
    }

    /// The state of writing to the device.
    pub fn save_state(&self) -> SaveState {
        self.save.get()
    }

    /// Whether the browser promised not to clear this device's entries under storage
    /// pressure (`None` until it answers, or if it cannot say).
    pub fn storage_is_persistent(&self) -> Option<bool> {
        self.persistent.get()
    }

    /// The trainee's profile.
    pub fn profile(&self) -> Profile {
        self.profile.get()
    }

    /// The user's own entries not deleted, newest first (by date, then by creation);
    /// entries others share with them are in [`Portfolio::shared_entries`].
    pub fn entries(&self) -> Vec<Arc<Entry>> {
        let shared = self
            .shared
            .with(|shared| shared.docs.keys().cloned().collect::<HashSet<_>>());
        self.entries.with(|entries| {
            let mut list: Vec<Arc<Entry>> = entries
                .values()
                .filter(|entry| !entry.deleted && !shared.contains(&entry.id))
                .cloned()
                .collect();
            list.sort_by_key(|entry| std::cmp::Reverse((entry.occurred_on, entry.created_at)));
            list
        })
    }

    /// One entry as it reads now.
    pub fn entry(&self, id: &str) -> Option<Arc<Entry>> {
        self.entries.with(|entries| entries.get(id).cloned())
    }

    /// Makes a new entry and resolves once it is durable on the device.
    pub async fn create(&self, new: &NewEntry) -> Result<String, ChangeError> {
        let started = metrics::now();
        let id = clock::new_id();
        let actor = self.inner.with_value(|inner| inner.actor.clone());
        let mut doc = EntryDoc::create(&id, new, clock::now(), actor)?;
        let entry = doc.read()?;
        let bytes = doc.save();
        let store = self.store().await?;
        self.save.set(SaveState::Saving);
        let summary = summary_json(&entry)?;
        if let Err(error) = store.put(&id, &bytes, Some(&summary)).await {
            self.save.set(SaveState::Failed(error.to_string()));
            return Err(error.into());
        }
        metrics::measure_since("waymark:save-durable", started);
        self.inner.update_value(|inner| {
            inner.docs.insert(id.clone(), doc);
        });
        self.entries.update(|entries| {
            entries.insert(id.clone(), Arc::new(entry));
        });
        self.save.set(SaveState::Saved {
            at: clock::now().millis,
        });
        self.changed_here(&id);
        Ok(id)
    }

    /// Loads an entry's document into memory (with any text typed before a reload).
    pub async fn open(&self, id: &str) -> Result<(), ChangeError> {
        if self.inner.with_value(|inner| inner.docs.contains_key(id)) {
            return Ok(());
        }
        let store = self.store().await?;
        let bytes = store.document(id).await?.ok_or(ChangeError::NotFound)?;
        let actor = self.inner.with_value(|inner| inner.actor.clone());
        let doc = EntryDoc::load(&bytes, actor)?;
        // Another await may have loaded it meanwhile; keep the first.
        let inserted = self.inner.try_update_value(|inner| {
            if inner.docs.contains_key(id) {
                false
            } else {
                inner.docs.insert(id.to_owned(), doc);
                true
            }
        });
        if inserted == Some(true) {
            let pending = device::pending_text(id);
            for (field, text) in &pending {
                if let Some(edit) = text_edit(field, text) {
                    if let Err(error) = self.apply(id, &edit) {
                        leptos::logging::warn!("typed text of {id} not restored: {error}");
                    }
                }
            }
            self.refresh(id)?;
            if !pending.is_empty() {
                self.persist(id);
            }
        }
        Ok(())
    }

    /// Applies an edit to an open entry and writes it to the device.
    pub fn edit(&self, id: &str, edit: &EntryEdit) -> Result<(), ChangeError> {
        self.apply(id, edit)?;
        self.refresh(id)?;
        self.persist(id);
        self.changed_here(id);
        Ok(())
    }

    /// Text typed into an open entry: kept on the device at once, then applied.
    pub fn edit_text(&self, id: &str, field: &str, text: &str) -> Result<(), ChangeError> {
        if let Err(error) = device::keep_pending_text(id, field, text) {
            leptos::logging::warn!("{error}");
        }
        let edit = text_edit(field, text)
            .ok_or_else(|| ChangeError::Invalid(format!("there is no field called {field}")))?;
        self.edit(id, &edit)
    }

    /// Saves the profile.
    pub fn update_profile(&self, profile: &Profile) -> Result<(), ChangeError> {
        let bytes = self
            .inner
            .try_update_value(|inner| {
                let doc = inner.profile.as_mut().ok_or(ChangeError::NotFound)?;
                doc.update(profile)?;
                Ok::<_, ChangeError>((doc.save(), doc.read()))
            })
            .ok_or(ChangeError::NotFound)??;
        let (bytes, saved) = bytes;
        self.profile.set(saved);
        self.changed_here(PROFILE_DOC_ID);
        self.store_profile(bytes);
        Ok(())
    }

    /// Calls `listener` with the id of every document changed on this device.
    pub fn on_local_change(&self, listener: impl Fn(&str) + 'static) {
        self.inner
            .update_value(|inner| inner.on_local_change = Some(Rc::new(listener)));
    }

    fn changed_here(&self, id: &str) {
        if let Some(listener) = self.inner.with_value(|inner| inner.on_local_change.clone()) {
            listener(id);
        }
    }

    fn apply(&self, id: &str, edit: &EntryEdit) -> Result<(), ChangeError> {
        // The server refuses any such change, and the trainee's words are theirs.
        if let Some(owner) = self.owner_of_untracked(id) {
            return Err(ChangeError::Invalid(format!(
                "This entry is {}'s: you can add feedback to it, not change it.",
                owner.name
            )));
        }
        self.inner
            .try_update_value(|inner| {
                let doc = inner.docs.get_mut(id).ok_or(ChangeError::NotFound)?;
                doc.apply(edit, clock::now())?;
                Ok(())
            })
            .ok_or(ChangeError::NotFound)?
    }

    fn refresh(&self, id: &str) -> Result<(), ChangeError> {
        let entry = self
            .inner
            .with_value(|inner| inner.docs.get(id).map(EntryDoc::read))
            .ok_or(ChangeError::NotFound)??;
        self.entries.update(|entries| {
            entries.insert(id.to_owned(), Arc::new(entry));
        });
        Ok(())
    }
}
