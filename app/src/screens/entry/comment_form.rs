//! Writing a comment: a supervisor's feedback with an optional entrustment level and
//! sign-off, or the trainee's reply; or changing one's own. Saved on the device like
//! any edit and sent when there is a connection; the words typed are kept on the
//! device until then, so an interruption loses nothing.

use crate::components::FieldMessage;
use crate::portfolio::Portfolio;
use crate::storage::device;
use crate::sync::engine::SyncEngine;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::entry::{Author, Comment, CommentDraft};
use shared::vocabulary::Entrustment;

/// The form under the thread.
#[component]
pub fn CommentForm(
    entry_id: String,
    /// A supervisor's form (entrustment and sign-off), else a reply.
    assess: bool,
    /// The user's own comment being changed, if any.
    editing: RwSignal<Option<Comment>>,
) -> impl IntoView {
    let portfolio = expect_context::<Portfolio>();
    let engine = expect_context::<SyncEngine>();
    let draft = RwSignal::new(device::comment_draft(&entry_id));
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    // Opening one's comment to edit fills the form with it.
    Effect::new(move |_| {
        if let Some(comment) = editing.get() {
            draft.set(CommentDraft {
                body: comment.body,
                entrustment: comment.entrustment,
                sign_off: comment.signed_off,
            });
            saved.set(false);
        }
    });
    {
        let entry_id = entry_id.clone();
        Effect::new(move |_| {
            let current = draft.get();
            // A comment being edited is already in the entry; only new words are kept.
            if editing.with_untracked(Option::is_none) {
                if let Err(problem) = device::keep_comment_draft(&entry_id, &current) {
                    leptos::logging::warn!("{problem}");
                }
            }
        });
    }
    let submit = {
        let entry_id = entry_id.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let current = draft.get_untracked();
            if let Err(invalid) = current.validate() {
                error.set(Some(invalid.message));
                return;
            }
            let Some(account) = engine.account_untracked() else {
                error.set(Some("Sign in to send feedback.".into()));
                return;
            };
            let outcome = match editing.get_untracked() {
                Some(comment) => {
                    portfolio.edit_comment(&entry_id, &comment.id, &account.user_id, &current)
                }
                None => {
                    let author = Author {
                        id: account.user_id,
                        name: account.display_name,
                    };
                    let added = portfolio.add_comment(&entry_id, &author, &current);
                    if added.is_ok() {
                        device::clear_comment_draft(&entry_id);
                    }
                    added.map(drop)
                }
            };
            match outcome {
                Ok(()) => {
                    editing.set(None);
                    // Back to a new comment, with any words kept from before the edit.
                    draft.set(device::comment_draft(&entry_id));
                    error.set(None);
                    saved.set(true);
                }
                Err(problem) => error.set(Some(problem.to_string())),
            }
        }
    };
    let sent_note = {
        let entry_id = entry_id.clone();
        move || {
            if engine.is_waiting(&entry_id) {
                "Saved on this device. It will be sent when you are back online."
            } else {
                "Sent."
            }
        }
    };
    let cancel = {
        let entry_id = entry_id.clone();
        move |_| {
            editing.set(None);
            draft.set(device::comment_draft(&entry_id));
        }
    };
    let set_body = move |ev| {
        draft.update(|d| d.body = event_target_value(&ev));
        saved.set(false);
    };
    view! {
        <form class="comment-form" on:submit=submit novalidate>
            <div>
                <label for="comment-body">
                    {move || match (editing.with(Option::is_some), assess) {
                        (true, _) => "Change your comment",
                        (false, true) => "Your feedback",
                        (false, false) => "Reply",
                    }}
                    {assess.then(|| view! {
                        <span class="hint">"What went well, and one specific thing to try next time."</span>
                    })}
                </label>
                <textarea id="comment-body" rows="4" maxlength="4000" aria-describedby="comment-error"
                    prop:value=move || draft.with(|d| d.body.clone()) on:input=set_body></textarea>
                <FieldMessage message=Signal::derive(move || error.get()) id="comment-error"/>
            </div>
            {assess.then(|| view! {
                <div>
                    <label for="entrustment">
                        "Entrustment level"
                        <span class="hint">"Optional: how much supervision they need for this kind of activity."</span>
                    </label>
                    <select id="entrustment" on:change=move |ev| {
                        draft.update(|d| d.entrustment = Entrustment::from_code(&event_target_value(&ev)))
                    }>
                        <option value="" prop:selected=move || draft.with(|d| d.entrustment.is_none())>"Not recorded"</option>
                        {Entrustment::ALL.iter().map(|level| {
                            let level = *level;
                            view! {
                                <option value=level.code() prop:selected=move || draft.with(|d| d.entrustment == Some(level))>
                                    {level.label()}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                </div>
                <label class="check">
                    <input id="sign-off" type="checkbox" prop:checked=move || draft.with(|d| d.sign_off)
                        on:change=move |ev| draft.update(|d| d.sign_off = event_target_checked(&ev))/>
                    <span>
                        "Sign off this entry"
                        <span class="hint">"You have reviewed it: it counts as supervised evidence."</span>
                    </span>
                </label>
            })}
            <div class="actions">
                <button type="submit" class="primary">
                    {move || match (editing.with(Option::is_some), assess) {
                        (true, _) => "Save changes",
                        (false, true) => "Send feedback",
                        (false, false) => "Send reply",
                    }}
                </button>
                <Show when=move || editing.with(Option::is_some)>
                    <button type="button" on:click=cancel.clone()>"Cancel"</button>
                </Show>
            </div>
            <Show when=move || saved.get()>
                <p class="notice" role="status" data-testid="comment-saved">{sent_note.clone()}</p>
            </Show>
        </form>
    }
}
