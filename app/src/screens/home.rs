//! The home screen: log a moment in one tap, new feedback, what is waiting for
//! reflection, and for a supervisor what is waiting for their feedback.

use crate::portfolio::{unread_comments, Portfolio};
use crate::screens::entries::EntryCard;
use crate::sync::engine::SyncEngine;
use crate::sync::roster::Roster;
use leptos::prelude::*;
use leptos_router::components::A;

/// The first screen a trainee sees.
#[component]
pub fn Home() -> impl IntoView {
    let portfolio = expect_context::<Portfolio>();
    let engine = expect_context::<SyncEngine>();
    let roster = expect_context::<Roster>();
    let entries = Memo::new(move |_| portfolio.entries());
    let new_feedback = Memo::new(move |_| {
        let me = engine.account().map(|account| account.user_id);
        let seen = portfolio.profile().seen;
        entries.with(|entries| {
            entries
                .iter()
                .map(|entry| unread_comments(entry, me.as_deref(), &seen).len())
                .sum::<usize>()
        })
    });
    // Shown to anyone supervising, even with nothing waiting.
    let awaiting = Memo::new(move |_| {
        let me = engine.account().map(|account| account.user_id)?;
        let shared = portfolio.shared_entries();
        if shared.is_empty() && roster.trainees().is_empty() {
            return None;
        }
        Some(
            shared
                .iter()
                .filter(|(entry, _)| !entry.has_feedback_from(&me))
                .count(),
        )
    });
    // Borrowed, not cloned: with 2,000 entries a copy of the list costs the start-up.
    let to_reflect = Memo::new(move |_| {
        entries.with(|entries| {
            entries
                .iter()
                .filter(|entry| !entry.has_reflection())
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let greeting = move || {
        let name = portfolio.profile().display_name;
        let first = name
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        if first.is_empty() {
            "Your leadership, logged as it happens".to_owned()
        } else {
            format!("Hello, {first}")
        }
    };
    view! {
        <section class="screen" data-screen="home">
            <h1>{greeting}</h1>
            <p class="lead">
                "Led the handover, chaired a meeting, kept the team steady in a crisis? "
                "Log it in seconds on shift, with or without signal, and reflect on it later."
            </p>
            <div class="actions stretch">
                <A href="/new" attr:class="button primary">"Log a moment"</A>
            </div>
            <Show when=move || { new_feedback.get() > 0 }>
                <A href="/entries?feedback=new" attr:class="card alert" attr:data-testid="new-feedback">
                    <strong>{move || match new_feedback.get() {
                        1 => "1 new comment on your entries".to_owned(),
                        n => format!("{n} new comments on your entries"),
                    }}</strong>
                    <span class="meta">"From your supervisors. Read and reply."</span>
                </A>
            </Show>
            {move || awaiting.get().map(|count| view! {
                <A href="/inbox" attr:class="card alert" attr:data-testid="awaiting-feedback">
                    <strong>{match count {
                        0 => "No entries awaiting your feedback".to_owned(),
                        1 => "1 entry awaiting your feedback".to_owned(),
                        n => format!("{n} entries awaiting your feedback"),
                    }}</strong>
                    <span class="meta">"Shared with you by the people you supervise."</span>
                </A>
            })}
            <Show when=move || !to_reflect.get().is_empty()>
                <h2>"Waiting for your reflection"</h2>
                <ul class="list">
                    <For each=move || to_reflect.get() key=|e| (e.id.clone(), e.updated_at) children=move |entry| view! { <EntryCard entry/> }/>
                </ul>
            </Show>
            <p class="meta">
                {move || match entries.get().len() {
                    0 => "Your entries stay on this device until you choose to share them.".to_owned(),
                    1 => "1 entry in your portfolio.".to_owned(),
                    n => format!("{n} entries in your portfolio."),
                }}
            </p>
        </section>
    }
}
