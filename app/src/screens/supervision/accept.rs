//! Accepting a trainee's invite: the code typed on the supervision screen, or the
//! link the trainee sent (`/supervision/accept/K7QM-3XPA`), which fills it in; signed
//! out, the link leads through signing in and back here.

use crate::components::FieldMessage;
use crate::sync::engine::SyncEngine;
use crate::sync::roster::Roster;
use crate::sync::supervision::{self, SupervisionError};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::supervision::Relationship;

/// The screen an invite link opens.
#[component]
pub fn AcceptScreen() -> impl IntoView {
    let engine = expect_context::<SyncEngine>();
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    view! {
        <section class="screen" data-screen="accept-invite">
            <h1>"Accept an invite"</h1>
            {move || match engine.account() {
                Some(_) => view! {
                    <p class="muted">"A trainee invited you to supervise them in Waymark. Check the code, then accept."</p>
                    <AcceptForm code=code()/>
                }
                    .into_any(),
                None => {
                    let back = format!("/supervision/accept/{}", code());
                    let next = String::from(js_sys::encode_uri_component(&back));
                    view! {
                        <div class="card" data-testid="accept-signed-out">
                            <p>
                                "A trainee invited you to supervise them in Waymark. Sign in first, or create an "
                                "account if you have none; you come straight back here to accept."
                            </p>
                            <A href=format!("/account?next={next}") attr:class="button primary">"Sign in to accept"</A>
                        </div>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// The code field and the button that accepts it.
#[component]
pub fn AcceptForm(code: String) -> impl IntoView {
    let engine = expect_context::<SyncEngine>();
    let roster = expect_context::<Roster>();
    let code = RwSignal::new(code);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<SupervisionError>);
    let accepted = RwSignal::new(None::<Relationship>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = code.get_untracked();
        if typed.trim().is_empty() {
            error.set(Some(SupervisionError::Field {
                field: "code".into(),
                message: "Enter the code your trainee gave you, like K7QM-3XPA.".into(),
            }));
            return;
        }
        let Some(account) = engine.account_untracked() else {
            return;
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match supervision::accept(&account, &typed).await {
                Ok(relationship) => {
                    let added = relationship.clone();
                    roster.changed(|list| list.trainees.push(added));
                    code.set(String::new());
                    accepted.set(Some(relationship));
                }
                Err(failure) => error.set(Some(failure)),
            }
            busy.set(false);
        });
    };
    let field_error = Signal::derive(move || match error.get() {
        Some(SupervisionError::Field { message, .. }) => Some(message),
        _ => None,
    });
    let other_error = move || match error.get() {
        Some(SupervisionError::Field { .. }) | None => None,
        Some(other) => Some(other.to_string()),
    };
    view! {
        {move || accepted.get().map(|relationship| view! {
            <div class="notice" role="status" data-testid="accepted">
                <p>{format!(
                    "You are now {}'s {}. Entries they share with you appear in your inbox, where you can give feedback.",
                    relationship.trainee.display_name,
                    relationship.relation.label().to_lowercase(),
                )}</p>
                <A href="/inbox" attr:class="button">"Open your inbox"</A>
            </div>
        })}
        <form on:submit=submit novalidate>
            <div>
                <label for="accept-code">"Invite code"</label>
                <input id="accept-code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false"
                    maxlength="20" placeholder="e.g. K7QM-3XPA" aria-describedby="accept-code-error"
                    aria-invalid=move || field_error.get().is_some().to_string()
                    prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                <FieldMessage message=field_error id="accept-code-error"/>
            </div>
            {move || other_error().map(|text| view! { <p class="notice error" role="alert">{text}</p> })}
            <button id="accept-invite" type="submit" class="primary" prop:disabled=move || busy.get()>
                {move || if busy.get() { "Accepting…" } else { "Accept invite" }}
            </button>
        </form>
    }
}
