//! The people in the user's supervision relationships: their supervisors, with the
//! "share new entries" default, and the trainees they supervise. Either side can end
//! a relationship, after a confirm step.

use crate::sync::engine::SyncEngine;
use crate::sync::roster::Roster;
use crate::sync::supervision;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use shared::supervision::Relationship;

/// The trainee's side: who supervises them.
#[component]
pub fn YourSupervisors() -> impl IntoView {
    let roster = expect_context::<Roster>();
    let supervisors = Memo::new(move |_| roster.supervisors());
    view! {
        <h2>"Your supervisors"</h2>
        <Show
            when=move || !supervisors.get().is_empty()
            fallback=|| view! {
                <p class="muted" data-testid="no-supervisors">
                    "No one supervises you in Waymark yet. Invite your educational or clinical supervisor "
                    "below: they enter the code in their own Waymark, then you choose which entries they see."
                </p>
            }
        >
            <ul class="list" data-testid="supervisors">
                <For each=move || supervisors.get() key=|r| (r.id.clone(), r.share_new) let:relationship>
                    <li class="card person">
                        <strong>{relationship.supervisor.display_name.clone()}</strong>
                        <div class="meta">{relationship.relation.label()} " · " {relationship.supervisor.email.clone()}</div>
                        <ShareNew relationship=relationship.clone()/>
                        <EndRelationship relationship as_trainee=true/>
                    </li>
                </For>
            </ul>
        </Show>
    }
}

/// The supervisor's side: whom they supervise.
#[component]
pub fn PeopleYouSupervise() -> impl IntoView {
    let roster = expect_context::<Roster>();
    let trainees = Memo::new(move |_| roster.trainees());
    view! {
        <h2>"People you supervise"</h2>
        <Show
            when=move || !trainees.get().is_empty()
            fallback=|| view! {
                <p class="muted">"No one yet. When a trainee invites you, enter their code below or open the link they sent."</p>
            }
        >
            <ul class="list" data-testid="trainees">
                <For each=move || trainees.get() key=|r| r.id.clone() let:relationship>
                    <li class="card person">
                        <strong>{relationship.trainee.display_name.clone()}</strong>
                        <div class="meta">{format!("You are their {}", relationship.relation.label().to_lowercase())}</div>
                        <A href="/inbox">"Entries they share with you"</A>
                        <EndRelationship relationship as_trainee=false/>
                    </li>
                </For>
            </ul>
        </Show>
    }
}

/// "Share new entries with them", saved on the server at once.
#[component]
fn ShareNew(relationship: Relationship) -> impl IntoView {
    let engine = expect_context::<SyncEngine>();
    let roster = expect_context::<Roster>();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let input_id = format!("share-new-{}", relationship.id);
    let id = relationship.id.clone();
    let change = move |ev| {
        let wanted = event_target_checked(&ev);
        let Some(account) = engine.account_untracked() else {
            return;
        };
        let id = id.clone();
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            match supervision::set_share_new(&account, &id, wanted).await {
                Ok(updated) => roster.changed(|list| {
                    for relationship in &mut list.supervisors {
                        if relationship.id == updated.id {
                            *relationship = updated.clone();
                        }
                    }
                }),
                Err(error) => problem.set(Some(error.to_string())),
            }
            busy.set(false);
        });
    };
    let checked = relationship.share_new;
    view! {
        <label class="check">
            <input id=input_id type="checkbox" prop:checked=move || { problem.track(); checked }
                prop:disabled=move || busy.get() on:change=change/>
            <span>
                "Share new entries with them"
                <span class="hint">"You can still choose on each entry."</span>
            </span>
        </label>
        {move || problem.get().map(|text| view! { <p class="field-error" role="alert">{text}</p> })}
    }
}

/// "End", then a confirm step saying what ending does.
#[component]
fn EndRelationship(relationship: Relationship, as_trainee: bool) -> impl IntoView {
    let engine = expect_context::<SyncEngine>();
    let roster = expect_context::<Roster>();
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let (name, consequence) = if as_trainee {
        (
            relationship.supervisor.display_name.clone(),
            "They will no longer see any of your entries, and they leave their devices at the next sync.",
        )
    } else {
        (
            relationship.trainee.display_name.clone(),
            "Their entries will be removed from your devices, and you can no longer give them feedback.",
        )
    };
    let question = if as_trainee {
        format!("End supervision by {name}?")
    } else {
        format!("Stop supervising {name}?")
    };
    let id = relationship.id.clone();
    let end = move |_| {
        let Some(account) = engine.account_untracked() else {
            return;
        };
        let id = id.clone();
        busy.set(true);
        spawn_local(async move {
            match supervision::end(&account, &id).await {
                Ok(()) => roster.changed(|list| {
                    list.supervisors.retain(|r| r.id != id);
                    list.trainees.retain(|r| r.id != id);
                }),
                Err(error) => problem.set(Some(error.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || view! {
                <button type="button" data-testid="end" on:click=move |_| confirming.set(true)>"End"</button>
            }
        >
            <div class="confirm" role="group" aria-label=question.clone()>
                <p><strong>{question.clone()}</strong> " " {consequence}</p>
                <div class="actions">
                    <button type="button" class="danger" data-testid="confirm-end" prop:disabled=move || busy.get()
                        on:click=end.clone()>"Yes, end it"</button>
                    <button type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                </div>
            </div>
        </Show>
        {move || problem.get().map(|text| view! { <p class="notice error" role="alert">{text}</p> })}
    }
}
