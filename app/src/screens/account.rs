//! Signing in, creating an account, the sync status in full, and signing out.

use crate::clock;
use crate::components::FieldMessage;
use crate::sync::account::{self, AccountError};
use crate::sync::engine::{SyncEngine, SyncStatus};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The account screen.
#[component]
pub fn AccountScreen() -> impl IntoView {
    let engine = expect_context::<SyncEngine>();
    view! {
        <section class="screen" data-screen="account">
            {move || match engine.account() {
                Some(_) => view! { <SignedIn/> }.into_any(),
                None => view! { <SignIn/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn SignIn() -> impl IntoView {
    let engine = expect_context::<SyncEngine>();
    let navigate = use_navigate();
    // Where to go once signed in, e.g. back to an invite link; only this app's paths.
    let next = use_query_map().with_untracked(|query| {
        query
            .get("next")
            .filter(|path| path.starts_with('/') && !path.starts_with("//"))
    });
    let creating = RwSignal::new(false);
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AccountError>);
    let busy = RwSignal::new(false);
    let field_error = move |field: &'static str| {
        Signal::derive(move || match error.get() {
            Some(AccountError::Field { field: f, message }) if f == field => Some(message),
            _ => None,
        })
    };
    let general_error = move || match error.get() {
        Some(AccountError::Field { .. }) | None => None,
        Some(other) => Some(other.to_string()),
    };
    let returning = next.is_some();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let navigate = navigate.clone();
        let next = next.clone();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = if creating.get_untracked() {
                account::register(
                    &email.get_untracked(),
                    &name.get_untracked(),
                    &password.get_untracked(),
                )
                .await
            } else {
                account::sign_in(&email.get_untracked(), &password.get_untracked()).await
            };
            busy.set(false);
            match result {
                Ok(account) => {
                    password.set(String::new());
                    engine.signed_in(account);
                    if let Some(next) = next {
                        navigate(&next, Default::default());
                    }
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    view! {
        <h1>{move || if creating.get() { "Create an account" } else { "Sign in to sync" }}</h1>
        {returning.then(|| view! { <p class="notice" role="status">"Sign in or create an account, and Waymark takes you back to where you were."</p> })}
        <p class="muted">
            "Waymark works without an account. Sign in to keep your entries safe on the server and see them on your other devices; everything already on this device comes with you."
        </p>
        {move || match engine.status() {
            SyncStatus::Stopped(reason) => Some(view! { <p class="notice error" role="alert">{reason}</p> }),
            _ => None,
        }}
        <form on:submit=submit novalidate>
            <div>
                <label for="account-email">"Email"</label>
                <input id="account-email" type="email" autocomplete="email" required
                    prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                <FieldMessage message=field_error("email") id="account-email-error"/>
            </div>
            <Show when=move || creating.get()>
                <div>
                    <label for="account-name">"Your name"</label>
                    <input id="account-name" type="text" autocomplete="name" maxlength="80" required
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    <FieldMessage message=field_error("display_name") id="account-name-error"/>
                </div>
            </Show>
            <div>
                <label for="account-password">"Password" <span class="hint">{move || if creating.get() { "at least 10 characters" } else { "" }}</span></label>
                <input id="account-password" type="password" required
                    autocomplete=move || if creating.get() { "new-password" } else { "current-password" }
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                <FieldMessage message=field_error("password") id="account-password-error"/>
            </div>
            {move || general_error().map(|message| view! { <p class="notice error" role="alert">{message}</p> })}
            <button type="submit" class="primary" disabled=move || busy.get()>
                {move || match (busy.get(), creating.get()) {
                    (true, _) => "Please wait…",
                    (false, true) => "Create account",
                    (false, false) => "Sign in",
                }}
            </button>
        </form>
        <button type="button" class="link" on:click=move |_| { creating.update(|c| *c = !*c); error.set(None) }>
            {move || if creating.get() { "I already have an account" } else { "Create an account" }}
        </button>
    }
}

#[component]
fn SignedIn() -> impl IntoView {
    let engine = expect_context::<SyncEngine>();
    let message = RwSignal::new(None::<String>);
    let sign_out = move |everywhere: bool| {
        let Some(account) = engine.account() else {
            return;
        };
        engine.signed_out();
        spawn_local(async move {
            if let Err(error) = account::sign_out(&account, everywhere).await {
                message.set(Some(format!("Signed out on this device. {error}")));
            }
        });
    };
    view! {
        <h1>"Account and sync"</h1>
        {move || engine.account().map(|account| view! {
            <p>"Signed in as " <strong>{account.display_name}</strong> " (" {account.email} ")."</p>
        })}
        <p data-testid="sync-detail">{move || describe(&engine.status(), engine.waiting())}</p>
        {move || message.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
        <div class="actions">
            <button type="button" on:click=move |_| engine.sync_now()>"Sync now"</button>
            <button type="button" on:click=move |_| sign_out(false)>"Sign out"</button>
            <button type="button" on:click=move |_| sign_out(true)>"Sign out on every device"</button>
        </div>
        <p class="muted">"Signing out keeps your entries on this device; they sync again when you sign back in. Entries others share with you, and feedback on them not yet sent, are removed from this device."</p>
    }
}

/// A sentence about sync, for the account screen.
pub fn describe(status: &SyncStatus, waiting: usize) -> String {
    let waiting_text = match waiting {
        0 => String::new(),
        1 => " 1 change is waiting to be sent.".into(),
        n => format!(" {n} changes are waiting to be sent."),
    };
    match status {
        SyncStatus::SignedOut => "Not signed in: entries are kept on this device only.".into(),
        SyncStatus::Offline => {
            format!("Offline: Waymark will sync when the connection returns.{waiting_text}")
        }
        SyncStatus::Syncing => format!("Syncing…{waiting_text}"),
        SyncStatus::Synced { at } => format!(
            "Everything is synced (last at {}).",
            clock::time_of_day(*at)
        ),
        SyncStatus::Stopped(reason) => reason.clone(),
    }
}
