//! The size floor of the chosen stack: the Automerge calls of `automerge_floor` plus a
//! two-route Leptos app with a signal, a text field and a list — what any app on this
//! stack costs before a single Waymark screen. Built and measured by `scripts/bench.sh`
//! like `automerge_floor`.

#[path = "common/automerge_calls.rs"]
mod automerge_calls;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

fn main() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    view! {
        <Router>
            <nav><A href="/">"Home"</A><A href="/notes">"Notes"</A></nav>
            <Routes fallback=|| "Not found">
                <Route path=path!("/") view=Home/>
                <Route path=path!("/notes") view=Notes/>
            </Routes>
        </Router>
    }
}

#[component]
fn Home() -> impl IntoView {
    let made = automerge_calls::exercise().map_or(0, |bytes| bytes.len());
    view! { <p>{format!("{made} bytes")}</p> }
}

#[component]
fn Notes() -> impl IntoView {
    let notes = RwSignal::new(Vec::<String>::new());
    let draft = RwSignal::new(String::new());
    view! {
        <label>"Note" <input prop:value=draft on:input=move |event| draft.set(event_target_value(&event))/></label>
        <button on:click=move |_| notes.update(|notes| notes.push(draft.get_untracked()))>"Add"</button>
        <ul>
            <For each=move || notes.get().into_iter().enumerate() key=|(index, _)| *index let((_, note))>
                <li>{note}</li>
            </For>
        </ul>
    }
}
