//! Quick capture: three taps and a title make an entry, saved on the device at once.

use crate::clock;
use crate::components::{ChoiceGroup, FieldMessage, PrivacyNotice};
use crate::portfolio::Portfolio;
use crate::storage::device;
use crate::sync::roster::Roster;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use shared::entry::{CaptureDraft, EntryEdit, Field, FieldError};
use shared::vocabulary::{ActivityGroup, ActivityKind, Mode, Role};

/// The capture screen.
#[component]
pub fn Capture() -> impl IntoView {
    let portfolio = expect_context::<Portfolio>();
    let roster = expect_context::<Roster>();
    let navigate = use_navigate();
    // Supervisors who asked to see every new entry (the trainee's choice, per person).
    let share_with = Memo::new(move |_| {
        roster
            .supervisors()
            .into_iter()
            .filter(|relationship| relationship.share_new)
            .map(|relationship| relationship.supervisor)
            .collect::<Vec<_>>()
    });
    let today = clock::now().today;
    let draft = RwSignal::new(device::capture_draft());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let problem = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let search = RwSignal::new(String::new());

    // Every keystroke is kept on the device, so a closed tab loses nothing.
    Effect::new(move |_| {
        let draft = draft.get();
        if let Err(error) = device::keep_capture_draft(&draft) {
            problem.set(Some(error.to_string()));
        }
    });
    let change = move |edit: fn(&mut CaptureDraft, String)| {
        move |ev| draft.update(|draft| edit(draft, event_target_value(&ev)))
    };
    let message_for = move |field: Field| {
        Signal::derive(move || {
            errors.with(|errors| {
                errors
                    .iter()
                    .find(|error| error.field == field)
                    .map(|error| error.message.clone())
            })
        })
    };
    let invalid = move |field: Field| move || message_for(field).get().is_some().to_string();

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let mut current = draft.get_untracked();
        if current.rotation.trim().is_empty() {
            current.rotation = portfolio.profile().rotation.label();
        }
        match current.validate(clock::now().today) {
            Err(found) => {
                errors.set(found);
                problem.set(Some("Check the fields marked below.".into()));
            }
            Ok(new) => {
                errors.set(Vec::new());
                problem.set(None);
                saving.set(true);
                let navigate = navigate.clone();
                spawn_local(async move {
                    match portfolio.create(&new).await {
                        Ok(id) => {
                            for person in share_with.get_untracked() {
                                let share = EntryEdit::Share {
                                    user: person.id,
                                    shared: true,
                                };
                                if let Err(error) = portfolio.edit(&id, &share) {
                                    leptos::logging::warn!(
                                        "could not share the new entry: {error}"
                                    );
                                }
                            }
                            device::clear_capture_draft();
                            navigate(&format!("/entries/{id}?saved=1"), Default::default());
                        }
                        Err(error) => {
                            problem.set(Some(format!(
                                "Not saved: {error}. What you typed is still here."
                            )));
                            saving.set(false);
                        }
                    }
                });
            }
        }
    };

    let kinds_in = move |group: ActivityGroup| {
        let query = search.get().to_lowercase();
        ActivityKind::in_group(group)
            .filter(|kind| query.is_empty() || kind.label().to_lowercase().contains(&query))
            .collect::<Vec<_>>()
    };
    let checked_text = Signal::derive(move || {
        draft.with(|draft| format!("{}\n{}\n{}", draft.title, draft.setting, draft.notes))
    });

    view! {
        <section class="screen" data-screen="capture">
            <h1>"Log a moment"</h1>
            <form on:submit=submit novalidate>
                <fieldset aria-describedby="kind-error">
                    <legend>"What kind of activity?"</legend>
                    <label for="kind-search" class="visually-hidden">"Search activity kinds"</label>
                    <input
                        id="kind-search"
                        type="search"
                        placeholder="Search, e.g. handover"
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))
                    />
                    {ActivityGroup::ALL
                        .iter()
                        .copied()
                        .map(|group| {
                            view! {
                                <Show when=move || !kinds_in(group).is_empty()>
                                    <p class="hint">{group.label()}</p>
                                    <div class="choices">
                                        {move || {
                                            kinds_in(group)
                                                .into_iter()
                                                .map(|kind| {
                                                    view! {
                                                        <label>
                                                            <input
                                                                type="radio"
                                                                name="kind"
                                                                value=kind.code()
                                                                prop:checked=move || {
                                                                    draft.with(|d| d.kind == Some(kind))
                                                                }
                                                                on:change=move |_| {
                                                                    draft.update(|d| d.kind = Some(kind))
                                                                }
                                                            />
                                                            <span>{kind.label()}</span>
                                                        </label>
                                                    }
                                                })
                                                .collect_view()
                                        }}
                                    </div>
                                </Show>
                            }
                        })
                        .collect_view()}
                    <FieldMessage message=message_for(Field::Kind) id="kind-error"/>
                </fieldset>

                <ChoiceGroup
                    legend="Mode"
                    name="mode"
                    options=Mode::ALL
                    selected=Signal::derive(move || draft.with(|d| d.mode))
                    on_choose=Callback::new(move |mode| draft.update(|d| d.mode = Some(mode)))
                    label=Mode::label
                />
                <ChoiceGroup
                    legend="Your role"
                    name="role"
                    options=Role::ALL
                    selected=Signal::derive(move || draft.with(|d| d.role))
                    on_choose=Callback::new(move |role| draft.update(|d| d.role = Some(role)))
                    label=Role::label
                />

                <div>
                    <label for="title">"Title"</label>
                    <input
                        id="title"
                        name="title"
                        type="text"
                        autocomplete="off"
                        maxlength="200"
                        placeholder="e.g. Led the night handover"
                        aria-describedby="title-error"
                        aria-invalid=invalid(Field::Title)
                        prop:value=move || draft.with(|d| d.title.clone())
                        on:input=change(|d, v| d.title = v)
                    />
                    <FieldMessage message=message_for(Field::Title) id="title-error"/>
                </div>

                <div>
                    <label for="occurred-on">"Date"</label>
                    <input
                        id="occurred-on"
                        type="date"
                        max=today.to_string()
                        aria-describedby="date-error"
                        aria-invalid=invalid(Field::OccurredOn)
                        prop:value=move || {
                            draft.with(|d| {
                                if d.occurred_on.is_empty() { today.to_string() } else { d.occurred_on.clone() }
                            })
                        }
                        on:input=change(|d, v| d.occurred_on = v)
                    />
                    <FieldMessage message=message_for(Field::OccurredOn) id="date-error"/>
                </div>

                <div>
                    <label for="setting">
                        "Setting" <span class="hint">"Where, e.g. \"AMU, night shift\" — no patient details"</span>
                    </label>
                    <input
                        id="setting"
                        type="text"
                        maxlength="120"
                        prop:value=move || draft.with(|d| d.setting.clone())
                        on:input=change(|d, v| d.setting = v)
                    />
                    <FieldMessage message=message_for(Field::Setting) id="setting-error"/>
                </div>

                <div>
                    <label for="notes">
                        "Notes" <span class="hint">"Optional: a few words to jog your memory when you reflect"</span>
                    </label>
                    <textarea
                        id="notes"
                        rows="3"
                        prop:value=move || draft.with(|d| d.notes.clone())
                        on:input=change(|d, v| d.notes = v)
                    ></textarea>
                    <FieldMessage message=message_for(Field::Notes) id="notes-error"/>
                </div>

                <PrivacyNotice text=checked_text today=today/>
                <Show when=move || !share_with.get().is_empty()>
                    <p class="meta" data-testid="share-new">
                        {move || {
                            let names: Vec<String> = share_with.get().into_iter().map(|p| p.display_name).collect();
                            format!("Shared with {} when saved. You can change that on the entry.", names.join(", "))
                        }}
                    </p>
                </Show>
                <Show when=move || problem.get().is_some()>
                    <p class="notice error" role="alert">{move || problem.get().unwrap_or_default()}</p>
                </Show>
                <div class="actions stretch">
                    <button type="submit" class="primary" prop:disabled=move || saving.get()>
                        {move || if saving.get() { "Saving…" } else { "Save" }}
                    </button>
                </div>
            </form>
        </section>
    }
}
