//! Someone else's entry, shared with the user as their supervisor: the details and
//! reflection to read, and the feedback thread with the form to assess it. Nothing
//! here can change the trainee's words; if the trainee stops sharing while it is
//! open, the entry leaves the screen and the device.

use super::feedback::Feedback;
use crate::portfolio::Portfolio;
use crate::storage::shared_with_me::Owner;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::entry::Entry;
use shared::vocabulary::capability;
use std::sync::Arc;

/// A shared entry, read-only, with feedback.
#[component]
pub fn SharedEntry(entry: Arc<Entry>, owner: Owner) -> impl IntoView {
    let portfolio = expect_context::<Portfolio>();
    let id = entry.id.clone();
    let current = Memo::new(move |_| portfolio.entry(&id).filter(|entry| !entry.deleted));
    let read = move |field: fn(&Entry) -> String| {
        move || current.with(|entry| entry.as_ref().map(|entry| field(entry)).unwrap_or_default())
    };
    view! {
        <Show when=move || current.with(Option::is_some) fallback=NoLongerShared>
            <h1>{read(|e| e.title.clone())}</h1>
            <p class="meta" data-testid="shared-by">
                {format!("{}'s entry · ", owner.name)}
                {read(|e| format!("{} · {}", e.occurred_on, e.kind.label()))}
            </p>
            <dl class="facts">
                {move || current.get().map(|entry| facts(&entry)).unwrap_or_default().into_iter().map(|(term, value)| view! {
                    <div><dt>{term}</dt><dd>{value}</dd></div>
                }).collect_view()}
            </dl>
            <h2>"Reflection"</h2>
            <p class="hint">{read(|e| e.reflection_model.label().to_owned())}</p>
            {move || current.get().map(|entry| reflection(&entry))}
            <Feedback entry=current assess=true/>
        </Show>
    }
}

/// The activity's details that were filled in, as (label, value).
fn facts(entry: &Entry) -> Vec<(&'static str, String)> {
    let mut facts = vec![
        ("Date", entry.occurred_on.to_string()),
        ("Activity", entry.kind.label().to_owned()),
    ];
    let optional = [
        ("Mode", entry.mode.map(|mode| mode.label().to_owned())),
        ("Their role", entry.role.map(|role| role.label().to_owned())),
        ("Level", entry.level.map(|level| level.label().to_owned())),
        ("Setting", Some(entry.setting.clone())),
        ("Rotation", Some(entry.rotation.clone())),
        ("Notes", Some(entry.notes.clone())),
    ];
    for (term, value) in optional {
        if let Some(value) = value.filter(|value| !value.trim().is_empty()) {
            facts.push((term, value));
        }
    }
    let capabilities: Vec<&str> = entry
        .capabilities
        .iter()
        .filter_map(|code| capability(code))
        .map(|c| c.label)
        .collect();
    if !capabilities.is_empty() {
        facts.push(("Capabilities", capabilities.join("; ")));
    }
    if !entry.tags.is_empty() {
        facts.push((
            "Tags",
            entry.tags.iter().cloned().collect::<Vec<_>>().join(", "),
        ));
    }
    facts
}

/// The reflection, section by section, in the model the trainee chose.
fn reflection(entry: &Entry) -> impl IntoView {
    if !entry.has_reflection() {
        return view! { <p class="muted">"No reflection written yet."</p> }.into_any();
    }
    entry
        .reflection_model
        .prompts()
        .iter()
        .map(|prompt| {
            let text = entry
                .reflection
                .get(prompt.key)
                .cloned()
                .unwrap_or_default();
            view! {
                <h3>{prompt.heading}</h3>
                {if text.trim().is_empty() {
                    view! { <p class="muted">"Not written yet."</p> }.into_any()
                } else {
                    view! { <p class="reflection-text">{text}</p> }.into_any()
                }}
            }
        })
        .collect_view()
        .into_any()
}

/// Shown when the trainee stopped sharing, or ended supervision, while it was open.
#[component]
fn NoLongerShared() -> impl IntoView {
    view! {
        <h1>"Entry not available"</h1>
        <p class="notice" role="status" data-testid="no-longer-shared">"This entry is no longer shared with you."</p>
        <A href="/inbox" attr:class="button">"Back to your inbox"</A>
    }
}
