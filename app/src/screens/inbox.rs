//! The supervisor's inbox: entries trainees share with the user, those awaiting the
//! user's feedback first, each group by trainee. Read from the device, so it works
//! offline; it changes as entries are shared, commented on or withdrawn.

use crate::portfolio::{LoadState, Portfolio};
use crate::storage::shared_with_me::Owner;
use crate::sync::engine::SyncEngine;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::entry::Entry;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One trainee and their entries, newest first.
type TraineeEntries = (Owner, Vec<Arc<Entry>>);

/// Entries grouped by trainee.
type ByTrainee = Vec<TraineeEntries>;

/// The inbox screen.
#[component]
pub fn Inbox() -> impl IntoView {
    let portfolio = expect_context::<Portfolio>();
    let engine = expect_context::<SyncEngine>();
    let groups = Memo::new(move |_| {
        let me = engine
            .account()
            .map(|account| account.user_id)
            .unwrap_or_default();
        let (awaiting, reviewed): (Vec<_>, Vec<_>) = portfolio
            .shared_entries()
            .into_iter()
            .partition(|(entry, _)| !entry.has_feedback_from(&me));
        (by_trainee(awaiting), by_trainee(reviewed))
    });
    let awaiting = move || groups.with(|(awaiting, _)| awaiting.clone());
    let reviewed = move || groups.with(|(_, reviewed)| reviewed.clone());
    let empty = move || groups.with(|(a, r)| a.is_empty() && r.is_empty());
    view! {
        <section class="screen" data-screen="inbox">
            <h1>"Inbox"</h1>
            <Show when=move || !empty() fallback=move || view! { <EmptyInbox loading=Signal::derive(move || portfolio.load_state() == LoadState::Loading)/> }>
                <h2>"Awaiting your feedback"</h2>
                <Show when=move || !awaiting().is_empty() fallback=|| view! { <p class="muted">"Nothing is waiting for you. Well done."</p> }>
                    <Groups groups=Signal::derive(awaiting) reviewed=false/>
                </Show>
                <Show when=move || !reviewed().is_empty()>
                    <h2>"Reviewed"</h2>
                    <Groups groups=Signal::derive(reviewed) reviewed=true/>
                </Show>
            </Show>
            <p class="meta">
                <A href="/supervision">"Manage supervision"</A>
                " · accept an invite or stop supervising someone."
            </p>
        </section>
    }
}

fn by_trainee(entries: Vec<(Arc<Entry>, Owner)>) -> ByTrainee {
    let mut groups: BTreeMap<(String, String), TraineeEntries> = BTreeMap::new();
    for (entry, owner) in entries {
        groups
            .entry((owner.name.to_lowercase(), owner.id.clone()))
            .or_insert_with(|| (owner, Vec::new()))
            .1
            .push(entry);
    }
    groups.into_values().collect()
}

#[component]
fn Groups(groups: Signal<ByTrainee>, reviewed: bool) -> impl IntoView {
    move || {
        groups
            .get()
            .into_iter()
            .map(|(owner, entries)| {
                view! {
                    <h3 class="trainee">{owner.name.clone()}</h3>
                    <ul class="list" data-testid=if reviewed { "inbox-reviewed" } else { "inbox-awaiting" }>
                        {entries.into_iter().map(|entry| view! { <InboxCard entry reviewed/> }).collect_view()}
                    </ul>
                }
            })
            .collect_view()
    }
}

#[component]
fn InboxCard(entry: Arc<Entry>, reviewed: bool) -> impl IntoView {
    let href = format!("/entries/{}", entry.id);
    view! {
        <li>
            <A href=href attr:class="card">
                <strong class="entry-title">{entry.title.clone()}</strong>
                <div class="meta">{entry.occurred_on.to_string()} " · " {entry.kind.label()}</div>
                <div>
                    {if reviewed {
                        view! { <span class="chip">"You gave feedback"</span> }.into_any()
                    } else {
                        view! { <span class="chip todo">"Awaiting your feedback"</span> }.into_any()
                    }}
                    {entry.is_signed_off().then(|| view! { <span class="chip done">"Signed off"</span> })}
                    {(!entry.has_reflection()).then(|| view! { <span class="chip">"No reflection yet"</span> })}
                </div>
            </A>
        </li>
    }
}

/// What a supervisor with nothing shared sees.
#[component]
fn EmptyInbox(loading: Signal<bool>) -> impl IntoView {
    view! {
        <Show when=move || !loading.get() fallback=|| view! { <p class="muted">"Opening…"</p> }>
            <div class="card" data-testid="inbox-empty">
                <h2>"Nothing shared with you yet"</h2>
                <p>
                    "When a trainee you supervise shares an entry, it appears here for your feedback, "
                    "even with no signal. To start supervising someone, ask them for an invite code "
                    "and enter it on the Supervision screen."
                </p>
                <A href="/supervision" attr:class="button">"Enter an invite code"</A>
            </div>
        </Show>
    }
}
