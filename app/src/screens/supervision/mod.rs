//! Supervision: a trainee's supervisors, what is shared with them by default and
//! invites; a supervisor's trainees and accepting an invite. Shows the list kept on
//! the device when offline, saying how old it is.

mod accept;
mod invite;
mod people;

pub use accept::AcceptScreen;

use crate::clock;
use crate::network::Online;
use crate::sync::engine::{SyncEngine, SyncStatus};
use crate::sync::roster::Roster;
use crate::sync::supervision::SupervisionError;
use accept::AcceptForm;
use invite::InviteSupervisor;
use leptos::prelude::*;
use leptos_router::components::A;
use people::{PeopleYouSupervise, YourSupervisors};
use std::time::Duration;

/// How often an open supervision screen looks for an accepted invite.
const INVITE_POLL: Duration = Duration::from_secs(4);

/// The supervision screen.
#[component]
pub fn SupervisionScreen() -> impl IntoView {
    let engine = expect_context::<SyncEngine>();
    let roster = expect_context::<Roster>();
    roster.refresh();
    // A trainee often waits on this screen, phone in hand, while their supervisor
    // types the code: while an invite is waiting and sync is connected, look again
    // every few seconds so the acceptance shows without leaving the screen.
    let polling = set_interval_with_handle(
        move || {
            let (waiting, status) = untrack(|| (roster.has_waiting_invites(), engine.status()));
            let connected = matches!(status, SyncStatus::Syncing | SyncStatus::Synced { .. });
            if waiting && connected {
                roster.refresh();
            }
        },
        INVITE_POLL,
    );
    on_cleanup(move || {
        if let Ok(polling) = polling {
            polling.clear();
        }
    });
    view! {
        <section class="screen" data-screen="supervision">
            <h1>"Supervision"</h1>
            {move || match engine.account() {
                None => view! { <SignInFirst/> }.into_any(),
                Some(_) => view! {
                    <Freshness/>
                    <YourSupervisors/>
                    <InviteSupervisor/>
                    <PeopleYouSupervise/>
                    <h2>"Accept an invite"</h2>
                    <p class="muted">"A trainee who wants you as their supervisor, mentor or coach gives you a code."</p>
                    <AcceptForm code=String::new()/>
                }
                    .into_any(),
            }}
        </section>
    }
}

/// Signed out: supervision needs an account, on both sides.
#[component]
fn SignInFirst() -> impl IntoView {
    view! {
        <div class="card" data-testid="supervision-signed-out">
            <p>
                "Supervisors see only the entries you choose to share, and give feedback from their own "
                "Waymark. For that you both need an account: sign in (or create one) first. "
                "Your entries stay on this device and come with you."
            </p>
            <A href="/account" attr:class="button primary">"Sign in or create an account"</A>
        </div>
    }
}

/// How old the list shown is when it could not be fetched just now.
#[component]
fn Freshness() -> impl IntoView {
    let roster = expect_context::<Roster>();
    let online = expect_context::<Online>();
    move || {
        let as_of = roster
            .fetched_at()
            .map(|at| format!("as of {}", clock::date_and_time(at)));
        match (roster.problem(), online.get()) {
            (Some(SupervisionError::SessionEnded), _) => Some(
                view! {
                    <p class="notice error" role="alert">
                        {SupervisionError::SessionEnded.to_string()} " "
                        <A href="/account">"Sign in"</A>
                    </p>
                }
                .into_any(),
            ),
            (Some(SupervisionError::Unreachable), _) | (_, false) => Some(
                view! {
                    <p class="notice" role="status" data-testid="supervision-offline">
                        {match as_of {
                            Some(as_of) => format!("Offline: showing your supervision {as_of}. Changes need a connection."),
                            None => "Offline: connect once to see your supervision here.".to_owned(),
                        }}
                    </p>
                }
                .into_any(),
            ),
            (Some(problem), true) => Some(
                view! { <p class="notice error" role="alert">{problem.to_string()}</p> }.into_any(),
            ),
            (None, true) if roster.fetched_at().is_none() => Some(
                view! { <p class="muted" role="status">"Loading your supervision…"</p> }.into_any(),
            ),
            (None, true) => None,
        }
    }
}
