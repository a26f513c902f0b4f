//! The feedback thread of an entry: comments with their entrustment level and
//! sign-off, the form to add one (a supervisor's feedback or the trainee's reply),
//! and, on one's own entry, read marks for what others wrote.

use super::comment_form::CommentForm;
use crate::clock;
use crate::portfolio::{unread_comments, ChangeError, LoadState, Portfolio};
use crate::sync::engine::SyncEngine;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::entry::{Comment, Entry};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The thread and the form under an entry.
#[component]
pub fn Feedback(
    /// The entry as it reads now.
    entry: Memo<Option<Arc<Entry>>>,
    /// Whether the user is the supervisor assessing (else the trainee replying).
    assess: bool,
) -> impl IntoView {
    let portfolio = expect_context::<Portfolio>();
    let engine = expect_context::<SyncEngine>();
    let editing = RwSignal::new(None::<Comment>);
    let entry_id = StoredValue::new(
        entry.with_untracked(|e| e.as_ref().map(|e| e.id.clone()).unwrap_or_default()),
    );
    // Comments new to the trainee when they opened the entry keep their "New" mark
    // for this visit, though they are marked read at once on every device.
    let new_here = RwSignal::new(BTreeSet::<String>::new());
    if !assess {
        Effect::new(move |_| {
            if portfolio.load_state() != LoadState::Ready {
                return;
            }
            let me = engine.account().map(|account| account.user_id);
            let seen = portfolio.profile().seen;
            let Some(unread) = entry.with(|e| {
                e.as_ref()
                    .map(|e| (e.id.clone(), unread_comments(e, me.as_deref(), &seen)))
            }) else {
                return;
            };
            let (id, unread) = unread;
            if unread.is_empty() {
                return;
            }
            new_here.update(|new| new.extend(unread.iter().cloned()));
            match portfolio.mark_seen(&id, &unread) {
                Ok(()) | Err(ChangeError::NotFound) => {}
                Err(error) => leptos::logging::warn!("could not mark feedback as read: {error}"),
            }
        });
    }
    let comments =
        move || entry.with(|e| e.as_ref().map(|e| e.comments.clone()).unwrap_or_default());
    // The trainee's own entry shows the thread once there is one to reply to.
    let shown =
        move || assess || entry.with(|e| e.as_ref().is_some_and(|e| !e.comments.is_empty()));
    view! {
        <Show when=shown>
        <section class="feedback" aria-labelledby="feedback-heading" data-testid="feedback">
            <h2 id="feedback-heading">"Feedback"</h2>
            <Show when=move || comments().is_empty()>
                <p class="muted">"No feedback yet. Say what went well and one specific thing to try next time."</p>
            </Show>
            <ol class="thread">
                <For
                    each=comments
                    key=|comment| (comment.id.clone(), comment.body.clone(), comment.entrustment, comment.signed_off)
                    children=move |comment| {
                        let mine = engine.account_untracked().is_some_and(|account| account.user_id == comment.author);
                        view! { <CommentItem comment=comment mine=mine new_here=new_here editing=editing/> }
                    }
                />
            </ol>
            {move || match engine.account() {
                Some(_) => view! { <CommentForm entry_id=entry_id.get_value() assess editing/> }.into_any(),
                None => view! {
                    <p class="muted">
                        <A href="/account">"Sign in"</A>
                        {if assess { " to give feedback." } else { " to reply." }}
                    </p>
                }
                    .into_any(),
            }}
        </section>
        </Show>
    }
}

/// One comment in the thread.
#[component]
fn CommentItem(
    comment: Comment,
    /// Written by the user, who may change it.
    mine: bool,
    /// Comments new to the user on this visit.
    new_here: RwSignal<BTreeSet<String>>,
    editing: RwSignal<Option<Comment>>,
) -> impl IntoView {
    let author = if mine {
        "You".to_owned()
    } else {
        comment.author_name.clone()
    };
    let signed_off = comment.signed_off.then(|| {
        format!(
            "Signed off by {}",
            if mine { "you" } else { &comment.author_name }
        )
    });
    let edit = comment.clone();
    let id = comment.id.clone();
    let is_new = move || new_here.with(|new| new.contains(&id));
    view! {
        <li class="comment card" data-testid="comment">
            <div class="comment-head">
                <strong>{author}</strong>
                <span class="meta">{clock::date_and_time(comment.created_at)}</span>
                {move || is_new().then(|| view! { <span class="chip new">"New"</span> })}
            </div>
            {(!comment.body.is_empty()).then(|| view! { <p class="comment-body">{comment.body.clone()}</p> })}
            {comment.entrustment.map(|level| view! {
                <p class="entrustment" data-testid="entrustment">
                    <span class="hint">"Entrustment"</span>
                    {level.label()}
                </p>
            })}
            {signed_off.map(|text| view! { <p class="badge signed-off" data-testid="signed-off">{text}</p> })}
            {mine.then(|| view! {
                <button type="button" class="link" on:click=move |_| editing.set(Some(edit.clone()))>
                    "Edit your comment"
                </button>
            })}
        </li>
    }
}
