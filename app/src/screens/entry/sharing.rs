//! "Shared with" on one's own entry: who can see it, in plain words, and a checkbox
//! per active supervisor. Unticking one removes the entry from their devices.

use crate::sync::engine::SyncEngine;
use crate::sync::roster::Roster;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::entry::{Entry, EntryEdit};
use shared::supervision::Relationship;
use std::sync::Arc;

/// Who can see an entry, and the controls to change it.
#[component]
pub fn SharedWith(
    /// The entry as it reads now.
    entry: Memo<Option<Arc<Entry>>>,
    /// Applies a change to the entry.
    apply: Callback<EntryEdit>,
) -> impl IntoView {
    let engine = expect_context::<SyncEngine>();
    let roster = expect_context::<Roster>();
    // Someone may have accepted an invite since the list was fetched.
    roster.refresh();
    let supervisors = Memo::new(move |_| roster.supervisors());
    let shares = move |id: &str| entry.with(|e| e.as_ref().is_some_and(|e| e.share.contains(id)));
    let who = move || {
        let shared: Vec<Relationship> = supervisors
            .get()
            .into_iter()
            .filter(|relationship| shares(&relationship.supervisor.id))
            .collect();
        let share_count = entry.with(|e| e.as_ref().map_or(0, |e| e.share.len()));
        if shared.is_empty() && share_count > 0 && roster.supervision().is_none() {
            // The list of supervisors has never reached this device.
            return format!("Shared with {share_count} of your supervisors; connect to see who.");
        }
        match shared.as_slice() {
            [] => "Only you can see this entry.".to_owned(),
            people => {
                let names: Vec<String> = people
                    .iter()
                    .map(|r| {
                        format!(
                            "{} ({})",
                            r.supervisor.display_name,
                            r.relation.label().to_lowercase()
                        )
                    })
                    .collect();
                format!("You and {} can see this entry.", names.join(", "))
            }
        }
    };
    view! {
        <section class="card sharing" aria-labelledby="shared-with-heading" data-testid="shared-with">
            <h2 id="shared-with-heading">"Shared with"</h2>
            <p data-testid="who-can-see">{who}</p>
            {move || {
                if engine.account().is_none() {
                    return view! {
                        <p class="muted">
                            "To get feedback, "
                            <A href="/account">"sign in"</A>
                            " and invite your supervisor."
                        </p>
                    }
                        .into_any();
                }
                let list = supervisors.get();
                if list.is_empty() {
                    return view! {
                        <p class="muted">
                            "No supervisors yet. "
                            <A href="/supervision">"Invite your supervisor"</A>
                            " to share entries with them for feedback."
                        </p>
                    }
                        .into_any();
                }
                list.into_iter()
                    .map(|relationship| {
                        let user = relationship.supervisor.id.clone();
                        let checked = {
                            let user = user.clone();
                            move || shares(&user)
                        };
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    data-supervisor=user.clone()
                                    prop:checked=checked
                                    on:change=move |ev| {
                                        apply.run(EntryEdit::Share {
                                            user: user.clone(),
                                            shared: event_target_checked(&ev),
                                        })
                                    }
                                />
                                <span>
                                    {format!("Share with {}", relationship.supervisor.display_name)}
                                    <span class="hint">{relationship.relation.label()}</span>
                                </span>
                            </label>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
        </section>
    }
}
