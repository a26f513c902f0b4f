//! Background sync: one WebSocket to the server while signed in and online, driven
//! by `shared::sync::client::ClientSession`, reconnecting with exponential backoff.
//!
//! The outbox (documents changed here and not yet stored by the server) and the
//! cursor are kept in `localStorage`, so a reload or a week in a drawer loses neither;
//! a document leaves the outbox only when the server says it has stored it.

mod actions;

use super::account::{self, Account};
use crate::portfolio::Portfolio;
use futures::channel::mpsc::{unbounded, UnboundedReceiver, UnboundedSender};
use futures::{FutureExt, SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::Message;
use gloo_storage::{LocalStorage as DeviceStorage, Storage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::protocol::{self, Cursor, ServerFrame};
use shared::sync::client::ClientSession;
use std::collections::BTreeSet;

const OUTBOX: &str = "waymark.sync.outbox";
const CURSOR: &str = "waymark.sync.cursor";
const FIRST_RETRY_MS: u32 = 1_000;
const LAST_RETRY_MS: u32 = 30_000;

/// What the header shows about sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStatus {
    /// Not signed in: entries stay on this device.
    SignedOut,
    /// Signed in but not connected; retrying.
    Offline,
    /// Connected, exchanging changes.
    Syncing,
    /// Everything is on the server as of `at` (milliseconds since 1970).
    Synced { at: i64 },
    /// Sync stopped for a reason the trainee must act on.
    Stopped(String),
}

enum Control {
    /// Try to connect now (signed in, back online, or "sync now").
    Wake,
    /// Close the connection (signed out, or the device went offline).
    Disconnect,
}

struct Inner {
    session: ClientSession,
    outgoing: Option<UnboundedSender<Vec<u8>>>,
    control: UnboundedSender<Control>,
    update_needed: bool,
}

/// The sync engine, shared with every screen through context. Cheap to copy.
#[derive(Clone, Copy)]
pub struct SyncEngine {
    portfolio: Portfolio,
    status: RwSignal<SyncStatus>,
    /// Documents with changes the server has not stored yet.
    outbox: RwSignal<BTreeSet<String>>,
    account: RwSignal<Option<Account>>,
    problems: RwSignal<Vec<String>>,
    inner: StoredValue<Inner, LocalStorage>,
}

impl SyncEngine {
    /// Starts syncing `portfolio` in the background whenever possible.
    pub fn start(portfolio: Portfolio) -> Self {
        let outbox: Vec<String> = DeviceStorage::get(OUTBOX).unwrap_or_default();
        let cursor: Cursor = DeviceStorage::get(CURSOR).unwrap_or(0);
        let (control, control_rx) = unbounded();
        let account = account::stored();
        let engine = Self {
            portfolio,
            status: RwSignal::new(if account.is_some() {
                SyncStatus::Offline
            } else {
                SyncStatus::SignedOut
            }),
            outbox: RwSignal::new(outbox.iter().cloned().collect()),
            account: RwSignal::new(account),
            problems: RwSignal::new(Vec::new()),
            inner: StoredValue::new_local(Inner {
                session: ClientSession::new(cursor, outbox),
                outgoing: None,
                control,
                update_needed: false,
            }),
        };
        portfolio.on_local_change(move |id| engine.local_change(id));
        let _ = window_event_listener(leptos::ev::online, move |_| engine.send(Control::Wake));
        let _ = window_event_listener(leptos::ev::offline, move |_| {
            engine.send(Control::Disconnect)
        });
        spawn_local(engine.run(control_rx));
        engine
    }

    /// What to show about sync.
    pub fn status(&self) -> SyncStatus {
        self.status.get()
    }

    /// How many documents have changes the server has not stored yet.
    pub fn waiting(&self) -> usize {
        self.outbox.with(BTreeSet::len)
    }

    /// Whether document `id` has changes the server has not stored yet.
    pub fn is_waiting(&self, id: &str) -> bool {
        self.outbox.with(|outbox| outbox.contains(id))
    }

    /// The signed-in account, if any.
    pub fn account(&self) -> Option<Account> {
        self.account.get()
    }

    /// The signed-in account, without subscribing to changes.
    pub fn account_untracked(&self) -> Option<Account> {
        self.account.get_untracked()
    }

    /// Changes the server refused, for the trainee to read.
    pub fn problems(&self) -> Vec<String> {
        self.problems.get()
    }

    /// Clears the refusals shown.
    pub fn dismiss_problems(&self) {
        self.problems.set(Vec::new());
    }

    /// Signed in: remember the account and start syncing, sending everything made on
    /// this device so far (it now belongs to this account).
    pub fn signed_in(&self, account: Account) {
        self.account.set(Some(account));
        self.status.set(SyncStatus::Offline);
        let ids = self.portfolio.document_ids();
        let actions = self.inner.try_update_value(|inner| {
            ids.iter()
                .flat_map(|id| inner.session.local_change(id))
                .collect::<Vec<_>>()
        });
        if let Some(actions) = actions {
            spawn_local(self.run_actions(actions));
        }
        self.send(Control::Wake);
    }

    /// Signed out: stop syncing; entries and unsent changes stay on the device.
    pub fn signed_out(&self) {
        self.account.set(None);
        self.send(Control::Disconnect);
        self.status.set(SyncStatus::SignedOut);
        self.leave_account();
    }

    /// The account is gone from this device: entries others share with it go too,
    /// and the next sign-in (perhaps to another account) catches up from the start.
    fn leave_account(&self) {
        let portfolio = self.portfolio;
        let outbox: BTreeSet<String> = self.inner.with_value(|inner| {
            let outbox = inner.session.outbox().iter();
            outbox
                .filter(|id| !portfolio.is_others(id))
                .cloned()
                .collect()
        });
        self.inner.update_value(|inner| {
            inner.session = ClientSession::new(0, outbox.iter().cloned());
        });
        if let Err(error) = DeviceStorage::set(OUTBOX, &outbox) {
            leptos::logging::warn!("could not keep the list of unsent changes: {error}");
        }
        self.outbox.set(outbox);
        if let Err(error) = DeviceStorage::set(CURSOR, 0) {
            leptos::logging::warn!("could not reset the sync position: {error}");
        }
        spawn_local(async move { portfolio.forget_shared_entries().await });
    }

    /// Tries to connect now instead of waiting for the next retry.
    pub fn sync_now(&self) {
        self.send(Control::Wake);
    }

    fn send(&self, control: Control) {
        self.inner.with_value(|inner| {
            let _ = inner.control.unbounded_send(control);
        });
    }

    fn local_change(&self, id: &str) {
        let actions = self
            .inner
            .try_update_value(|inner| inner.session.local_change(id));
        if let Some(actions) = actions {
            spawn_local(self.run_actions(actions));
        }
    }

    async fn run(self, mut control: UnboundedReceiver<Control>) {
        let mut retry_ms = FIRST_RETRY_MS;
        loop {
            let online = web_sys::window().is_none_or(|w| w.navigator().on_line());
            let update_needed = self.inner.with_value(|inner| inner.update_needed);
            let account = self.account.get_untracked();
            if let (Some(account), true, false) = (account, online, update_needed) {
                if self.connect_once(&account, &mut control).await {
                    retry_ms = FIRST_RETRY_MS;
                }
                if self.account.get_untracked().is_some()
                    && !self.inner.with_value(|inner| inner.update_needed)
                {
                    self.status.set(SyncStatus::Offline);
                }
            }
            // Wait for the retry, or for a reason to try sooner.
            let mut timer = gloo_timers::future::TimeoutFuture::new(retry_ms).fuse();
            futures::select! {
                () = timer => retry_ms = (retry_ms * 2).min(LAST_RETRY_MS),
                signal = control.next() => match signal {
                    Some(Control::Wake) => retry_ms = FIRST_RETRY_MS,
                    Some(Control::Disconnect) => {}
                    None => return,
                },
            }
        }
    }

    /// One connection, until it closes; says whether it got as far as signing in.
    async fn connect_once(
        &self,
        account: &Account,
        control: &mut UnboundedReceiver<Control>,
    ) -> bool {
        let Some(url) = sync_url() else { return false };
        let Ok(socket) = WebSocket::open(&url) else {
            return false;
        };
        let (mut write, mut read) = socket.split();
        let (outgoing, mut to_send) = unbounded();
        let actions = self.inner.try_update_value(|inner| {
            inner.outgoing = Some(outgoing);
            inner.session.connect(&account.token, &account::device_id())
        });
        self.status.set(SyncStatus::Syncing);
        if let Some(actions) = actions {
            self.run_actions(actions).await;
        }
        let mut signed_in = false;
        loop {
            futures::select! {
                message = read.next().fuse() => match message {
                    Some(Ok(Message::Bytes(bytes))) => {
                        signed_in = true;
                        match protocol::decode::<ServerFrame>(&bytes) {
                            Ok(frame) => {
                                let actions = self.inner.try_update_value(|inner| inner.session.receive(frame));
                                if let Some(actions) = actions {
                                    self.run_actions(actions).await;
                                }
                            }
                            Err(error) => leptos::logging::warn!("unreadable frame from the server: {error}"),
                        }
                    }
                    Some(Ok(Message::Text(_))) => {}
                    Some(Err(_)) | None => break,
                },
                bytes = to_send.next() => match bytes {
                    Some(bytes) => {
                        if write.send(Message::Bytes(bytes)).await.is_err() {
                            break;
                        }
                    }
                    None => break,
                },
                signal = control.next() => match signal {
                    Some(Control::Disconnect) | None => break,
                    Some(Control::Wake) => {}
                },
            }
            if self.account.get_untracked().is_none() {
                break;
            }
        }
        let _ = write.close().await;
        self.inner.update_value(|inner| {
            inner.outgoing = None;
            inner.session.disconnected();
        });
        signed_in
    }
}

/// `ws://` or `wss://` to this page's server.
fn sync_url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/api/sync", location.host().ok()?))
}
