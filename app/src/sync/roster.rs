//! The user's supervision relationships for every screen: the list last fetched
//! (kept on the device, so it shows offline "as of" its time), refreshed whenever
//! sync connects, when entries shared with the user come or go, and on request.

use super::engine::{SyncEngine, SyncStatus};
use super::supervision::{self, Cached, SupervisionError};
use crate::clock;
use crate::portfolio::Portfolio;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::supervision::{Relationship, Supervision};

/// The relationships, shared through context. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Roster {
    engine: SyncEngine,
    cached: RwSignal<Option<Cached>>,
    problem: RwSignal<Option<SupervisionError>>,
}

impl Roster {
    /// Shows the kept list at once and keeps it fresh.
    pub fn start(engine: SyncEngine, portfolio: Portfolio) -> Self {
        let roster = Self {
            engine,
            cached: RwSignal::new(None),
            problem: RwSignal::new(None),
        };
        let user = Memo::new(move |_| engine.account().map(|account| account.user_id));
        Effect::new(move |_| {
            roster.problem.set(None);
            roster
                .cached
                .set(user.get().and_then(|id| supervision::cached(&id)));
        });
        // Once per connection, not after every synced change.
        let connected = Memo::new(move |_| {
            matches!(
                engine.status(),
                SyncStatus::Syncing | SyncStatus::Synced { .. }
            )
        });
        let trainees_sharing = Memo::new(move |_| portfolio.sharing_owners());
        Effect::new(move |_| {
            trainees_sharing.track();
            if connected.get() {
                roster.refresh();
            }
        });
        roster
    }

    /// Fetches the list again in the background (if signed in).
    pub fn refresh(&self) {
        let Some(account) = self.engine.account_untracked() else {
            return;
        };
        let roster = *self;
        spawn_local(async move {
            let fetched = supervision::list(&account).await;
            match fetched {
                Ok(supervision) => {
                    roster.problem.set(None);
                    roster.store(&account.user_id, supervision);
                }
                Err(error) => roster.problem.set(Some(error)),
            }
        });
    }

    fn store(&self, user_id: &str, supervision: Supervision) {
        let cached = Cached {
            user_id: user_id.to_owned(),
            supervision,
            fetched_at: clock::now().millis,
        };
        supervision::keep(&cached);
        self.cached.set(Some(cached));
    }

    /// Applies what a request just changed to the kept list, then fetches it again.
    pub fn changed(&self, change: impl FnOnce(&mut Supervision)) {
        let Some(account) = self.engine.account_untracked() else {
            return;
        };
        let mut supervision = self
            .cached
            .get_untracked()
            .map(|cached| cached.supervision)
            .unwrap_or_default();
        change(&mut supervision);
        self.store(&account.user_id, supervision);
        self.refresh();
    }

    /// Whether any invite the user made is waiting to be accepted.
    pub fn has_waiting_invites(&self) -> bool {
        self.cached.with(|cached| {
            cached
                .as_ref()
                .is_some_and(|c| !c.supervision.pending_invites.is_empty())
        })
    }

    /// The list as last fetched, if ever.
    pub fn supervision(&self) -> Option<Supervision> {
        self.cached
            .with(|cached| cached.as_ref().map(|c| c.supervision.clone()))
    }

    /// When the list was fetched, in milliseconds since 1970.
    pub fn fetched_at(&self) -> Option<i64> {
        self.cached
            .with(|cached| cached.as_ref().map(|c| c.fetched_at))
    }

    /// My supervisors (relationships in which I am the trainee).
    pub fn supervisors(&self) -> Vec<Relationship> {
        self.cached.with(|cached| {
            cached
                .as_ref()
                .map(|c| c.supervision.supervisors.clone())
                .unwrap_or_default()
        })
    }

    /// The people I supervise.
    pub fn trainees(&self) -> Vec<Relationship> {
        self.cached.with(|cached| {
            cached
                .as_ref()
                .map(|c| c.supervision.trainees.clone())
                .unwrap_or_default()
        })
    }

    /// Why the last fetch failed, if it did.
    pub fn problem(&self) -> Option<SupervisionError> {
        self.problem.get()
    }
}
