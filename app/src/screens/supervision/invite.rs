//! Inviting a supervisor: pick the part they play, get a one-time code (shown large,
//! to read out) and a link to send, with when it expires; and the invites not yet used.

use crate::clock;
use crate::sync::engine::SyncEngine;
use crate::sync::roster::Roster;
use crate::sync::supervision;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::supervision::{Invite, PendingInvite};
use shared::vocabulary::Relation;

/// The invite form and the invite just made.
#[component]
pub fn InviteSupervisor() -> impl IntoView {
    let engine = expect_context::<SyncEngine>();
    let roster = expect_context::<Roster>();
    let relation = RwSignal::new(Relation::EducationalSupervisor);
    let invite = RwSignal::new(None::<Invite>);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(account) = engine.account_untracked() else {
            return;
        };
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            match supervision::invite(&account, relation.get_untracked()).await {
                Ok(made) => {
                    let pending = PendingInvite {
                        relation: made.relation,
                        created_at: clock::now().millis / 1000,
                        expires_at: made.expires_at,
                    };
                    invite.set(Some(made));
                    roster.changed(|list| list.pending_invites.push(pending));
                }
                Err(error) => problem.set(Some(error.to_string())),
            }
            busy.set(false);
        });
    };
    let pending = Memo::new(move |_| {
        roster
            .supervision()
            .map(|s| s.pending_invites)
            .unwrap_or_default()
    });
    view! {
        <h2>"Invite a supervisor"</h2>
        <form on:submit=submit>
            <div>
                <label for="invite-relation">"They will be your"</label>
                <select id="invite-relation" on:change=move |ev| {
                    if let Some(chosen) = Relation::from_code(&event_target_value(&ev)) {
                        relation.set(chosen);
                    }
                }>
                    {Relation::ALL.iter().map(|r| {
                        let r = *r;
                        view! { <option value=r.code() prop:selected=move || relation.get() == r>{r.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            {move || problem.get().map(|text| view! { <p class="notice error" role="alert">{text}</p> })}
            <button id="create-invite" type="submit" class="primary" prop:disabled=move || busy.get()>
                {move || if busy.get() { "Making a code…" } else { "Create invite code" }}
            </button>
        </form>
        {move || invite.get().map(|made| view! { <InviteCard invite=made/> })}
        <Show when=move || !pending.get().is_empty()>
            <h3>"Invites not used yet"</h3>
            <ul class="plain" data-testid="pending-invites">
                {move || pending.get().into_iter().map(|p| view! {
                    <li>{format!("{} · works until {}", p.relation.label(), clock::date(p.expires_at * 1000))}</li>
                }).collect_view()}
            </ul>
        </Show>
    }
}

/// The code to read out and the link to send.
#[component]
fn InviteCard(invite: Invite) -> impl IntoView {
    let origin = web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default();
    let link = format!("{origin}{}", invite.path);
    let copied = RwSignal::new(None::<&'static str>);
    let copy = {
        let link = link.clone();
        move |_| {
            let link = link.clone();
            spawn_local(async move {
                copied.set(Some(if copy_text(&link).await {
                    "Link copied."
                } else {
                    "This browser would not copy it: select the link and copy it yourself."
                }));
            });
        }
    };
    view! {
        <div class="card invite" data-testid="invite">
            <p>{format!("Give this code to your {}:", invite.relation.label().to_lowercase())}</p>
            <p class="invite-code" data-testid="invite-code" aria-label=format!("Invite code {}", spelled(&invite.code))>
                {invite.code.clone()}
            </p>
            <label for="invite-link">"Or send them this link"</label>
            <div class="inline">
                <input id="invite-link" type="text" readonly prop:value=link
                    on:focus=|ev| {
                        use wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    }/>
                <button type="button" on:click=copy>"Copy"</button>
            </div>
            {move || copied.get().map(|text| view! { <p class="meta" role="status">{text}</p> })}
            <p class="meta">{format!("It works once, until {}. They need a Waymark account.", clock::date(invite.expires_at * 1000))}</p>
        </div>
    }
}

/// The code letter by letter, so a screen reader reads "K 7 Q M", not a word.
fn spelled(code: &str) -> String {
    code.chars().map(String::from).collect::<Vec<_>>().join(" ")
}

/// Copies `text` to the clipboard; says whether the browser did.
async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let writing = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(writing).await.is_ok()
}
