//! The entries list: newest first, with search and filters (and, from the home
//! screen, only those with new feedback), marks for new feedback and sign-off, and an
//! empty state that tells a new trainee what to log first. Entries others share with
//! the user are in the inbox, not here.

use crate::portfolio::{unread_comments, LoadState, Portfolio};
use crate::sync::engine::SyncEngine;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use shared::day::Day;
use shared::entry::Entry;
use shared::vocabulary::{capability, ActivityKind, Mode};
use std::collections::BTreeSet;
use std::sync::Arc;

/// How many cards the list shows at first, and adds per "Show more".
const PAGE: usize = 50;

/// What the list is narrowed to.
#[derive(Debug, Clone, Default, PartialEq)]
struct Filters {
    query: String,
    kind: Option<ActivityKind>,
    mode: Option<Mode>,
    capability: String,
    rotation: String,
    from: Option<Day>,
    to: Option<Day>,
}

impl Filters {
    fn keeps(&self, entry: &Entry) -> bool {
        self.kind.is_none_or(|kind| entry.kind == kind)
            && self.mode.is_none_or(|mode| entry.mode == Some(mode))
            && (self.capability.is_empty() || entry.capabilities.contains(&self.capability))
            && (self.rotation.is_empty() || entry.rotation == self.rotation)
            && self.from.is_none_or(|from| entry.occurred_on >= from)
            && self.to.is_none_or(|to| entry.occurred_on <= to)
            && entry.matches_text(&self.query.to_lowercase())
    }

    fn is_active(&self) -> bool {
        *self != Filters::default()
    }
}

/// The entries screen.
#[component]
pub fn Entries() -> impl IntoView {
    let portfolio = expect_context::<Portfolio>();
    let engine = expect_context::<SyncEngine>();
    let query = use_query_map();
    let only_new = Memo::new(move |_| query.with(|q| q.get("feedback").as_deref() == Some("new")));
    let filters = RwSignal::new(Filters::default());
    let all = Memo::new(move |_| portfolio.entries());
    let shown = Memo::new(move |_| {
        let filters = filters.get();
        let only_new = only_new.get();
        let me = engine.account().map(|account| account.user_id);
        let seen = portfolio.profile().seen;
        all.with(|all| {
            all.iter()
                .filter(|entry| filters.keeps(entry))
                .filter(|entry| {
                    !only_new || !unread_comments(entry, me.as_deref(), &seen).is_empty()
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let rotations = Memo::new(move |_| {
        all.with(|all| {
            all.iter()
                .map(|entry| entry.rotation.as_str())
                .filter(|rotation| !rotation.is_empty())
                .map(str::to_owned)
                .collect::<BTreeSet<_>>()
        })
    });
    let set = move |apply: fn(&mut Filters, String)| {
        move |ev| filters.update(|filters| apply(filters, event_target_value(&ev)))
    };
    let framework = move || portfolio.profile().framework;
    // A hundred options nobody may open: not built at start-up.
    let filters_opened = RwSignal::new(false);
    // A phone needs a page of cards, not thousands: more on request.
    let limit = RwSignal::new(PAGE);
    Effect::new(move |_| {
        filters.track();
        limit.set(PAGE);
    });
    let page = Memo::new(move |_| {
        shown.with(|shown| shown.iter().take(limit.get()).cloned().collect::<Vec<_>>())
    });

    view! {
        <section class="screen" data-screen="entries">
            <h1>"Entries"</h1>
            <Show
                when=move || !all.with(Vec::is_empty)
                fallback=move || view! { <EmptyPortfolio loading=Signal::derive(move || portfolio.load_state() == LoadState::Loading)/> }
            >
                <div>
                    <label for="search">"Search"</label>
                    <input
                        id="search"
                        type="search"
                        placeholder="Words in titles, notes and reflections"
                        prop:value=move || filters.with(|f| f.query.clone())
                        on:input=set(|f, v| f.query = v)
                    />
                </div>
                <details class="filters" on:toggle=move |_| filters_opened.set(true)>
                    <summary class="button">"Filter"</summary>
                    // Built when first opened, then kept: its choices are the filters' state.
                    <Show when=move || filters_opened.get()>
                    <div class="filter-grid">
                        <div>
                            <label for="filter-kind">"Activity"</label>
                            <select id="filter-kind" on:change=set(|f, v| f.kind = ActivityKind::from_code(&v))>
                                <option value="">"Any activity"</option>
                                {ActivityKind::ALL.iter().map(|kind| view! { <option value=kind.code()>{kind.label()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div>
                            <label for="filter-mode">"Mode"</label>
                            <select id="filter-mode" on:change=set(|f, v| f.mode = Mode::from_code(&v))>
                                <option value="">"Any mode"</option>
                                {Mode::ALL.iter().map(|mode| view! { <option value=mode.code()>{mode.label()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div>
                            <label for="filter-capability">"Capability"</label>
                            <select id="filter-capability" on:change=set(|f, v| f.capability = v)>
                                <option value="">"Any capability"</option>
                                {move || framework().capabilities().iter().map(|c| view! { <option value=c.code>{c.label}</option> }).collect_view()}
                            </select>
                        </div>
                        <div>
                            <label for="filter-rotation">"Rotation"</label>
                            <select id="filter-rotation" on:change=set(|f, v| f.rotation = v)>
                                <option value="">"Any rotation"</option>
                                {move || rotations.get().into_iter().map(|r| view! { <option value=r.clone()>{r.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div>
                            <label for="filter-from">"From"</label>
                            <input id="filter-from" type="date" on:input=set(|f, v| f.from = v.parse().ok())/>
                        </div>
                        <div>
                            <label for="filter-to">"To"</label>
                            <input id="filter-to" type="date" on:input=set(|f, v| f.to = v.parse().ok())/>
                        </div>
                    </div>
                    </Show>
                </details>
                <p class="meta" role="status">
                    {move || {
                        let (shown, all) = (shown.with(Vec::len), all.with(Vec::len));
                        if shown == all { format!("{all} entries") } else { format!("{shown} of {all} entries") }
                    }}
                </p>
                <Show when=move || only_new.get()>
                    <p class="notice" role="status" data-testid="new-feedback-filter">
                        {move || if shown.with(Vec::is_empty) { "No new feedback: you have read it all. " } else { "Entries with new feedback. " }}
                        <A href="/entries">"Show all entries"</A>
                    </p>
                </Show>
                <Show when=move || shown.get().is_empty() && filters.get().is_active()>
                    <p class="notice">"No entries match. Try fewer filters or other words."</p>
                </Show>
                <ul class="list" data-testid="entry-list">
                    <For each=move || page.get() key=|entry| (entry.id.clone(), entry.updated_at) children=move |entry| view! { <EntryCard entry/> }/>
                </ul>
                <Show when=move || { shown.with(Vec::len) > limit.get() }>
                    <div class="actions stretch">
                        <button type="button" on:click=move |_| limit.update(|limit| *limit += PAGE)>
                            {move || format!("Show {} more", (shown.with(Vec::len) - limit.get()).min(PAGE))}
                        </button>
                    </div>
                </Show>
            </Show>
        </section>
    }
}

/// One entry in a list.
#[component]
pub fn EntryCard(entry: Arc<Entry>) -> impl IntoView {
    let portfolio = expect_context::<Portfolio>();
    let engine = expect_context::<SyncEngine>();
    let href = format!("/entries/{}", entry.id);
    // Feedback does not change the entry's own fields, so these follow it live.
    let id = entry.id.clone();
    let feedback_marks = move || {
        let current = portfolio.entry(&id)?;
        let me = engine.account().map(|account| account.user_id);
        let new = unread_comments(&current, me.as_deref(), &portfolio.profile().seen).len();
        Some(view! {
            {(new > 0).then(|| view! { <span class="chip new">{if new == 1 { "New feedback".to_owned() } else { format!("{new} new comments") }}</span> })}
            {current.is_signed_off().then(|| view! { <span class="chip done">"Signed off"</span> })}
        })
    };
    let capabilities = entry
        .capabilities
        .iter()
        .filter_map(|code| capability(code))
        .map(|c| view! { <span class="chip">{c.label}</span> })
        .collect_view();
    view! {
        <li>
            <A href=href attr:class="card">
                <strong class="entry-title">{entry.title.clone()}</strong>
                <div class="meta">
                    {entry.occurred_on.to_string()} " · " {entry.kind.label()}
                    {entry.role.map(|role| format!(" · {role}"))}
                    {entry.mode.map(|mode| format!(" · {mode}"))}
                </div>
                <div>
                    {feedback_marks}
                    {(!entry.has_reflection()).then(|| view! { <span class="chip todo">"Reflection to write"</span> })}
                    {capabilities}
                </div>
            </A>
        </li>
    }
}

/// What a trainee with no entries sees.
#[component]
fn EmptyPortfolio(loading: Signal<bool>) -> impl IntoView {
    view! {
        <Show when=move || !loading.get() fallback=|| view! { <p class="muted">"Opening your portfolio…"</p> }>
            <div class="card" data-testid="empty-state">
                <h2>"Nothing logged yet"</h2>
                <p>"Leadership happens in moments you already have. Log the next one of these, in under a minute:"</p>
                <ul>
                    <li>"leading handover, or the ward round when the registrar is called away;"</li>
                    <li>"keeping a team on track in a crisis or an arrest call;"</li>
                    <li>"sorting out a rota gap or chairing a meeting;"</li>
                    <li>"an audit or QI project you started or handed on."</li>
                </ul>
                <A href="/new" attr:class="button primary">"Log your first moment"</A>
            </div>
        </Show>
    }
}
