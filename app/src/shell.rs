//! The app shell: header with the save and network status, routes, tab bar, the
//! undo toast and the "new version" banner.

use crate::clock;
use crate::network::Online;
use crate::portfolio::{LoadState, Portfolio, SaveState};
use crate::screens::account::AccountScreen;
use crate::screens::capture::Capture;
use crate::screens::entries::Entries;
use crate::screens::entry::{undo_delete, EntryScreen};
use crate::screens::home::Home;
use crate::screens::inbox::Inbox;
use crate::screens::profile::ProfileScreen;
use crate::screens::supervision::{AcceptScreen, SupervisionScreen};
use crate::service_worker;
use crate::sync::engine::{SyncEngine, SyncStatus};
use crate::sync::roster::Roster;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

/// A short message at the bottom of the screen, with an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Toast {
    Deleted { id: String },
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let portfolio = Portfolio::start();
    provide_context(portfolio);
    let engine = SyncEngine::start(portfolio);
    provide_context(engine);
    let roster = Roster::start(engine, portfolio);
    provide_context(roster);
    provide_context(Online::start());
    // Supervisors get an inbox tab; everyone else needs no more than the screen.
    let supervising =
        Memo::new(move |_| !roster.trainees().is_empty() || !portfolio.sharing_owners().is_empty());
    let toast = RwSignal::new(None::<Toast>);
    provide_context(toast);
    let update_ready = RwSignal::new(false);
    service_worker::register(update_ready);

    view! {
        <Router>
            <a class="visually-hidden" href="#main">"Skip to content"</a>
            <header class="app-header">
                <A href="/" attr:class="brand">{shared::PRODUCT_NAME}</A>
                <Status/>
            </header>
            <Show when=move || update_ready.get()>
                <div class="notice update" role="status">
                    "A new version of Waymark is ready. "
                    <button type="button" on:click=|_| service_worker::activate_new_version()>"Reload"</button>
                </div>
            </Show>
            <Show when=move || matches!(portfolio.load_state(), LoadState::Failed(_))>
                <p class="notice error" role="alert">
                    {move || match portfolio.load_state() {
                        LoadState::Failed(reason) => format!("{reason}. Entries cannot be kept on this device until this is fixed."),
                        _ => String::new(),
                    }}
                </p>
            </Show>
            <main id="main" class="app-main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/new") view=Capture/>
                    <Route path=path!("/entries") view=Entries/>
                    <Route path=path!("/entries/:id") view=EntryScreen/>
                    <Route path=path!("/profile") view=ProfileScreen/>
                    <Route path=path!("/account") view=AccountScreen/>
                    <Route path=path!("/supervision") view=SupervisionScreen/>
                    <Route path=path!("/supervision/accept/:code") view=AcceptScreen/>
                    <Route path=path!("/inbox") view=Inbox/>
                </Routes>
            </main>
            <ToastBar/>
            <nav class="tab-bar" aria-label="Main">
                <A href="/" exact=true>"Home"</A>
                <A href="/new">"Log"</A>
                <A href="/entries">"Entries"</A>
                <Show when=move || supervising.get()>
                    <A href="/inbox">"Inbox"</A>
                </Show>
                <A href="/supervision">"Supervision"</A>
                <A href="/profile">"Profile"</A>
            </nav>
        </Router>
    }
}

/// Whether the device is online, whether the last change is saved on it, and how
/// sync stands; on every screen.
#[component]
fn Status() -> impl IntoView {
    let portfolio = expect_context::<Portfolio>();
    let engine = expect_context::<SyncEngine>();
    let online = expect_context::<Online>();
    let saved = move || match portfolio.save_state() {
        SaveState::Idle => String::new(),
        SaveState::Saving => "Saving…".into(),
        SaveState::Saved { at } => format!("Saved {}", clock::time_of_day(at)),
        SaveState::Failed(_) => "Not saved".into(),
    };
    let sync = move || {
        let waiting = engine.waiting();
        let waiting_text = match waiting {
            1 => "1 change waiting".to_owned(),
            n => format!("{n} changes waiting"),
        };
        match engine.status() {
            SyncStatus::SignedOut => ("signed-out", "Sign in to sync".to_owned()),
            SyncStatus::Stopped(_) => ("stopped", "Sync stopped".to_owned()),
            _ if !online.get() => (
                "offline",
                if waiting > 0 {
                    format!("Offline · {waiting_text}")
                } else {
                    "Offline".to_owned()
                },
            ),
            SyncStatus::Offline if waiting > 0 => ("waiting", waiting_text),
            SyncStatus::Offline => ("offline", "Not connected".to_owned()),
            SyncStatus::Syncing if waiting > 0 => ("syncing", format!("Syncing · {waiting_text}")),
            SyncStatus::Syncing => ("syncing", "Syncing…".to_owned()),
            SyncStatus::Synced { at } => ("synced", format!("Synced {}", clock::time_of_day(at))),
        }
    };
    view! {
        <span class="status" role="status" aria-live="polite" data-testid="status">
            {saved}
        </span>
        <A href="/account" attr:class="sync-status" attr:data-testid="sync-status" attr:data-sync=move || sync().0>
            {move || sync().1}
        </A>
        <Show when=move || !engine.problems().is_empty()>
            <div class="notice error" role="alert">
                {move || engine.problems().join(" ")}
                " "
                <button type="button" on:click=move |_| engine.dismiss_problems()>"Dismiss"</button>
            </div>
        </Show>
        <Show when=move || matches!(portfolio.save_state(), SaveState::Failed(_))>
            <p class="notice error save-error" role="alert">
                {move || match portfolio.save_state() { SaveState::Failed(reason) => reason, _ => String::new() }}
            </p>
        </Show>
    }
}

#[component]
fn ToastBar() -> impl IntoView {
    let portfolio = expect_context::<Portfolio>();
    let toast = expect_context::<RwSignal<Option<Toast>>>();
    move || {
        toast.get().map(|current| match current {
            Toast::Deleted { id } => view! {
                <div class="toast" role="status">
                    <span>"Entry deleted."</span>
                    <button type="button" on:click=move |_| { undo_delete(portfolio, id.clone()); toast.set(None) }>"Undo"</button>
                    <button type="button" aria-label="Dismiss" on:click=move |_| toast.set(None)>"×"</button>
                </div>
            },
        })
    }
}

/// Shown for an address the app does not know.
#[component]
fn NotFound() -> impl IntoView {
    view! {
        <section class="screen" data-screen="not-found">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address in Waymark."</p>
            <A href="/" attr:class="button">"Go to the home screen"</A>
        </section>
    }
}

/// Removes the loading notice of `index.html` and tells the page (and its tests)
/// that the WebAssembly app has started.
pub fn mark_started() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    if let Some(boot) = document.get_element_by_id("boot") {
        boot.remove();
    }
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("data-app", "started");
    }
    crate::metrics::mark("waymark:started");
}
