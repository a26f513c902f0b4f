//! The home screen: log a moment in one tap, and what is waiting for reflection.

use crate::portfolio::Portfolio;
use crate::screens::entries::EntryCard;
use leptos::prelude::*;
use leptos_router::components::A;

/// The first screen a trainee sees.
#[component]
pub fn Home() -> impl IntoView {
    let portfolio = expect_context::<Portfolio>();
    let entries = Memo::new(move |_| portfolio.entries());
    let to_reflect = Memo::new(move |_| {
        entries
            .get()
            .into_iter()
            .filter(|entry| !entry.has_reflection())
            .take(3)
            .collect::<Vec<_>>()
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
