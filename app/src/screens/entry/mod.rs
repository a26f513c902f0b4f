//! One entry: the trainee's own in the editor, or one a trainee shares with this
//! user to read and give feedback on.

mod comment_form;
mod editor;
mod feedback;
mod read_only;
mod sharing;

use crate::portfolio::{ChangeError, Portfolio};
use editor::EntryEditor;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use read_only::SharedEntry;
use shared::entry::EntryEdit;

/// The entry screen: opens the document, then shows the editor or, for someone
/// else's entry, the entry to read with the feedback form.
#[component]
pub fn EntryScreen() -> impl IntoView {
    let portfolio = expect_context::<Portfolio>();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let opened = LocalResource::new(move || {
        let id = id();
        async move {
            portfolio.open(&id).await?;
            // Read once: the editor follows later changes itself, and re-opening on
            // every keystroke would rebuild the field being typed in.
            untrack(|| portfolio.entry(&id)).ok_or(ChangeError::NotFound)
        }
    });
    view! {
        <section class="screen" data-screen="entry">
            <Suspense fallback=|| view! { <p class="muted">"Opening…"</p> }>
                {move || {
                    opened
                        .get()
                        .map(|result| match result {
                            Ok(entry) => match untrack(|| portfolio.owner_of(&entry.id)) {
                                Some(owner) => view! { <SharedEntry entry owner/> }.into_any(),
                                None => view! { <EntryEditor entry/> }.into_any(),
                            },
                            Err(error) => {
                                view! {
                                    <h1>"Entry not available"</h1>
                                    <p class="notice error" role="alert">{error.to_string()}</p>
                                    <a class="button" href="/entries">"Back to entries"</a>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

/// Restores a deleted entry (the toast's "Undo").
pub fn undo_delete(portfolio: Portfolio, id: String) {
    spawn_local(async move {
        if let Err(error) = portfolio.open(&id).await {
            leptos::logging::warn!("undo failed: {error}");
            return;
        }
        if let Err(error) = portfolio.edit(&id, &EntryEdit::Deleted(false)) {
            leptos::logging::warn!("undo failed: {error}");
        }
    });
}
