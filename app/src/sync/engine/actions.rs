//! What the engine does with the session's actions: frames out, documents through
//! the portfolio, the outbox and cursor kept on the device, refusals shown, and the
//! status the header shows.

use super::{SyncEngine, SyncStatus, CURSOR, OUTBOX};
use crate::clock;
use crate::sync::account;
use gloo_storage::{LocalStorage as DeviceStorage, Storage};
use leptos::prelude::*;
use shared::protocol::{self, ErrorCode};
use shared::sync::client::Action;
use std::collections::VecDeque;

impl SyncEngine {
    pub(super) async fn run_actions(self, actions: Vec<Action>) {
        let mut queue: VecDeque<Action> = actions.into();
        while let Some(action) = queue.pop_front() {
            match action {
                Action::Send(frame) => match protocol::encode(&frame) {
                    Ok(bytes) => self.inner.with_value(|inner| {
                        if let Some(outgoing) = &inner.outgoing {
                            let _ = outgoing.unbounded_send(bytes);
                        }
                    }),
                    Err(error) => leptos::logging::warn!("a change is too large to send: {error}"),
                },
                Action::Doc { doc, work } => {
                    let inner = self.inner;
                    let step = self
                        .portfolio
                        .with_synced_doc(&doc, |replica| {
                            inner.try_update_value(|inner| {
                                inner.session.work_on(&doc, replica, work)
                            })
                        })
                        .await;
                    match step {
                        Ok(Some(Ok(step))) => queue.extend(step.actions),
                        Ok(Some(Err(error))) => {
                            leptos::logging::warn!("sync of {doc} failed: {error}")
                        }
                        Ok(None) => {}
                        Err(error) => leptos::logging::warn!(
                            "sync of {doc} could not use the device: {error}"
                        ),
                    }
                }
                Action::OutboxChanged => {
                    let outbox = self.inner.with_value(|inner| {
                        inner.session.outbox().iter().cloned().collect::<Vec<_>>()
                    });
                    self.outbox.set(outbox.iter().cloned().collect());
                    if let Err(error) = DeviceStorage::set(OUTBOX, &outbox) {
                        leptos::logging::warn!(
                            "could not keep the list of unsent changes: {error}"
                        );
                    }
                }
                Action::CursorAdvanced(cursor) => {
                    if let Err(error) = DeviceStorage::set(CURSOR, cursor) {
                        leptos::logging::warn!("could not keep the sync position: {error}");
                    }
                }
                Action::SignedIn { .. } => {}
                Action::Rejected { reason, .. } => {
                    self.problems.update(|problems| {
                        problems.push(format!("A change could not be synced: {reason}"))
                    });
                }
                Action::Failed { code, message } => self.failed(code, message),
                Action::Access { shared, withdrawn } => {
                    self.portfolio.access_changed(shared, withdrawn).await
                }
            }
        }
        self.refresh_status();
    }

    fn failed(&self, code: ErrorCode, message: String) {
        match code {
            ErrorCode::Unauthorised => {
                account::forget();
                self.account.set(None);
                self.leave_account();
                self.status.set(SyncStatus::Stopped(format!(
                    "{message} Your entries are safe on this device and will sync after you sign in."
                )));
            }
            ErrorCode::UnsupportedVersion => {
                self.inner.update_value(|inner| inner.update_needed = true);
                self.status.set(SyncStatus::Stopped(format!(
                    "{message} Reload Waymark to update it."
                )));
            }
            _ => leptos::logging::warn!("the server said: {message}"),
        }
    }

    fn refresh_status(&self) {
        let (connected, busy) = self
            .inner
            .with_value(|inner| (inner.outgoing.is_some(), inner.session.is_busy()));
        if !connected || matches!(self.status.get_untracked(), SyncStatus::Stopped(_)) {
            return;
        }
        let online = self.inner.with_value(|inner| {
            matches!(
                inner.session.connection(),
                shared::sync::client::Connection::Online { .. }
            )
        });
        if online && !busy {
            self.status.set(SyncStatus::Synced {
                at: clock::now().millis,
            });
        } else {
            self.status.set(SyncStatus::Syncing);
        }
    }
}
