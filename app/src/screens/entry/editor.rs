//! The editor of one's own entry: every field editable, the reflection with the
//! chosen model's prompts, capability tags from the trainee's framework, who it is
//! shared with, the feedback thread, and delete with undo. Text is kept as it is
//! typed; there is no save button to forget.

use super::feedback::Feedback;
use super::sharing::SharedWith;
use crate::clock;
use crate::components::{ChoiceGroup, PrivacyNotice};
use crate::portfolio::Portfolio;
use crate::shell::Toast;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::entry::{Entry, EntryEdit};
use shared::vocabulary::{ActivityGroup, ActivityKind, Level, Mode, ReflectiveModel, Role};
use std::collections::HashMap;
use std::sync::Arc;

/// The editor of an entry of one's own.
#[component]
pub fn EntryEditor(entry: Arc<Entry>) -> impl IntoView {
    let portfolio = expect_context::<Portfolio>();
    let toast = expect_context::<RwSignal<Option<Toast>>>();
    let navigate = use_navigate();
    let query = use_query_map();
    let id = entry.id.clone();
    let today = clock::now().today;
    let problem = RwSignal::new(None::<String>);
    let current = {
        let id = id.clone();
        Memo::new(move |_| portfolio.entry(&id))
    };
    let field = move |read: fn(&Entry) -> String| {
        move || current.with(|entry| entry.as_ref().map(|entry| read(entry)).unwrap_or_default())
    };

    // Text fields hold their own value while typing, so the caret never jumps.
    let title = RwSignal::new(entry.title.clone());
    let notes = RwSignal::new(entry.notes.clone());
    let sections: HashMap<&'static str, RwSignal<String>> = ReflectiveModel::ALL
        .iter()
        .flat_map(|model| model.prompts())
        .map(|prompt| {
            let text = entry
                .reflection
                .get(prompt.key)
                .cloned()
                .unwrap_or_default();
            (prompt.key, RwSignal::new(text))
        })
        .collect();

    // Words arriving from another device show at once: a field that kept stale text
    // would write it back over them with the next keystroke.
    {
        let sections = sections.clone();
        Effect::new(move |_| {
            current.with(|entry| {
                let Some(entry) = entry else { return };
                let follow = |signal: RwSignal<String>, value: &str| {
                    if signal.with_untracked(|text| text != value) {
                        signal.set(value.to_owned());
                    }
                };
                follow(title, &entry.title);
                follow(notes, &entry.notes);
                for (key, signal) in &sections {
                    follow(
                        *signal,
                        entry
                            .reflection
                            .get(*key)
                            .map(String::as_str)
                            .unwrap_or_default(),
                    );
                }
            })
        });
    }

    let apply = {
        let id = id.clone();
        Callback::new(move |edit: EntryEdit| match portfolio.edit(&id, &edit) {
            Ok(()) => problem.set(None),
            Err(error) => problem.set(Some(error.to_string())),
        })
    };
    let type_text = {
        let id = id.clone();
        Callback::new(move |(field, text): (String, String)| {
            match portfolio.edit_text(&id, &field, &text) {
                Ok(()) => problem.set(None),
                Err(error) => problem.set(Some(error.to_string())),
            }
        })
    };

    let all_text = {
        let sections = sections.clone();
        Signal::derive(move || {
            let mut text = format!("{}\n{}\n", title.get(), notes.get());
            for section in sections.values() {
                text.push_str(&section.get());
                text.push('\n');
            }
            text
        })
    };
    let model = Signal::derive(move || {
        current.with(|e| {
            e.as_ref()
                .map(|e| e.reflection_model)
                .unwrap_or(ReflectiveModel::DEFAULT)
        })
    });
    let framework = move || portfolio.profile().framework;
    let delete = {
        let id = id.clone();
        move |_| {
            apply.run(EntryEdit::Deleted(true));
            toast.set(Some(Toast::Deleted { id: id.clone() }));
            navigate("/entries", Default::default());
        }
    };
    let tag_input = RwSignal::new(String::new());
    let add_tag = {
        move || {
            let tag = tag_input.get_untracked().trim().to_owned();
            if !tag.is_empty() {
                apply.run(EntryEdit::Tag { tag, tagged: true });
                tag_input.set(String::new());
            }
        }
    };

    view! {
        <h1>{move || title.get()}</h1>
        <Show when=move || query.with(|q| q.get("saved").is_some())>
            <p class="notice" role="status">"Saved on this device. Reflect now, or come back to it when you have a moment."</p>
        </Show>
        <Show when=move || problem.get().is_some()>
            <p class="notice error" role="alert">{move || problem.get().unwrap_or_default()}</p>
        </Show>
        <SharedWith entry=current apply/>
        <Feedback entry=current assess=false/>
        <form class="entry-form" on:submit=|ev| ev.prevent_default()>
            <div>
                <label for="title">"Title"</label>
                <input id="title" type="text" maxlength="200" prop:value=move || title.get()
                    on:input={
                        move |ev| { let v = event_target_value(&ev); title.set(v.clone()); type_text.run(("title".into(), v)) }
                    }/>
            </div>

            <h2>"Reflection"</h2>
            <div>
                <label for="model">"Reflect with"</label>
                <select id="model" on:change={
                    move |ev| if let Some(m) = ReflectiveModel::from_code(&event_target_value(&ev)) { apply.run(EntryEdit::ReflectionModel(m)) }
                }>
                    {ReflectiveModel::ALL.iter().map(|m| {
                        let code = m.code();
                        view! { <option value=code selected=move || model.get() == *m>{m.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            {move || {
                model.get().prompts().iter().map(|prompt| {
                    let text = sections.get(prompt.key).copied().unwrap_or_else(|| RwSignal::new(String::new()));
                    let field_id = format!("reflection-{}", prompt.key);
                    let field_key = format!("reflection.{}", prompt.key);
                    view! {
                        <div>
                            <label for=field_id.clone()>{prompt.heading} <span class="hint">{prompt.prompt}</span></label>
                            <textarea id=field_id rows="5" prop:value=move || text.get()
                                on:input=move |ev| { let v = event_target_value(&ev); text.set(v.clone()); type_text.run((field_key.clone(), v)) }></textarea>
                        </div>
                    }
                }).collect_view()
            }}
            <PrivacyNotice text=all_text today=today/>

            <h2>"The activity"</h2>
            <div>
                <label for="kind">"Activity"</label>
                <select id="kind" on:change={
                    move |ev| if let Some(k) = ActivityKind::from_code(&event_target_value(&ev)) { apply.run(EntryEdit::Kind(k)) }
                }>
                    {ActivityGroup::ALL.iter().map(|group| view! {
                        <optgroup label=group.label()>
                            {ActivityKind::in_group(*group).map(|kind| {
                                let selected = move || current.with(|e| e.as_ref().map(|e| e.kind) == Some(kind));
                                view! { <option value=kind.code() selected=selected>{kind.label()}</option> }
                            }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="occurred-on">"Date"</label>
                <input id="occurred-on" type="date" max=today.to_string() prop:value=field(|e| e.occurred_on.to_string())
                    on:change={
                        move |ev| match event_target_value(&ev).parse() {
                            Ok(day) => apply.run(EntryEdit::OccurredOn(day)),
                            Err(error) => problem.set(Some(format!("Date: {error}"))),
                        }
                    }/>
            </div>
            <ChoiceGroup legend="Mode" name="mode" options=Mode::ALL
                selected=Signal::derive(move || current.with(|e| e.as_ref().and_then(|e| e.mode)))
                on_choose=Callback::new({ move |m| apply.run(EntryEdit::Mode(Some(m))) })
                label=Mode::label/>
            <ChoiceGroup legend="Your role" name="role" options=Role::ALL
                selected=Signal::derive(move || current.with(|e| e.as_ref().and_then(|e| e.role)))
                on_choose=Callback::new({ move |r| apply.run(EntryEdit::Role(Some(r))) })
                label=Role::label/>
            <ChoiceGroup legend="Level" name="level" options=Level::ALL
                selected=Signal::derive(move || current.with(|e| e.as_ref().and_then(|e| e.level)))
                on_choose=Callback::new({ move |l| apply.run(EntryEdit::Level(Some(l))) })
                label=Level::label/>
            <div>
                <label for="setting">"Setting"</label>
                <input id="setting" type="text" maxlength="120" prop:value=field(|e| e.setting.clone())
                    on:change={ move |ev| apply.run(EntryEdit::Setting(event_target_value(&ev))) }/>
            </div>
            <div>
                <label for="rotation">"Rotation"</label>
                <input id="rotation" type="text" maxlength="120" prop:value=field(|e| e.rotation.clone())
                    on:change={ move |ev| apply.run(EntryEdit::Rotation(event_target_value(&ev))) }/>
            </div>
            <div>
                <label for="notes">"Notes"</label>
                <textarea id="notes" rows="3" prop:value=move || notes.get()
                    on:input={ move |ev| { let v = event_target_value(&ev); notes.set(v.clone()); type_text.run(("notes".into(), v)) } }></textarea>
            </div>

            <fieldset>
                <legend>"Capabilities " <span class="hint">{move || framework().label()}</span></legend>
                <div class="choices">
                    {move || {
                        framework().capabilities().iter().map(|capability| {
                            let code = capability.code;
                            let tagged = move || current.with(|e| e.as_ref().is_some_and(|e| e.capabilities.contains(code)));
                            view! {
                                <label title=capability.group>
                                    <input type="checkbox" prop:checked=tagged
                                        on:change=move |ev| apply.run(EntryEdit::Capability { code: code.to_owned(), tagged: event_target_checked(&ev) })/>
                                    <span>{capability.label}</span>
                                </label>
                            }
                        }).collect_view()
                    }}
                </div>
            </fieldset>

            <div>
                <label for="tag">"Tags"</label>
                <div class="inline">
                    <input id="tag" type="text" maxlength="40" placeholder="e.g. nights" prop:value=move || tag_input.get()
                        on:input=move |ev| tag_input.set(event_target_value(&ev))
                        on:keydown={ move |ev| if ev.key() == "Enter" { ev.prevent_default(); add_tag() } }/>
                    <button type="button" on:click={ move |_| add_tag() }>"Add"</button>
                </div>
                <div>
                    {move || {
                        current.with(|e| e.as_ref().map(|e| e.tags.clone()).unwrap_or_default()).into_iter().map(|tag| {
                            let remove = tag.clone();
                            view! {
                                <span class="chip">{tag.clone()}
                                    <button type="button" class="chip-remove" aria-label=format!("Remove tag {tag}")
                                        on:click=move |_| apply.run(EntryEdit::Tag { tag: remove.clone(), tagged: false })>"×"</button>
                                </span>
                            }
                        }).collect_view()
                    }}
                </div>
            </div>

            <div class="actions">
                <button type="button" class="danger" on:click=delete>"Delete entry"</button>
            </div>
        </form>
    }
}
