//! Small pieces several screens share.

use leptos::prelude::*;
use shared::day::Day;
use shared::privacy::{self, Finding};

/// A row of radio "chips" for a closed vocabulary (three taps make an entry).
#[component]
pub fn ChoiceGroup<T>(
    /// The legend read out and shown above the choices.
    legend: &'static str,
    /// The form name shared by the radios.
    name: &'static str,
    /// Every choice, in order.
    options: &'static [T],
    /// The chosen value.
    selected: Signal<Option<T>>,
    /// Called with the new choice.
    on_choose: Callback<T>,
    /// Label of each choice.
    label: fn(T) -> &'static str,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    view! {
        <fieldset>
            <legend>{legend}</legend>
            <div class="choices">
                {options
                    .iter()
                    .copied()
                    .map(|option| {
                        view! {
                            <label>
                                <input
                                    type="radio"
                                    name=name
                                    prop:checked=move || selected.get() == Some(option)
                                    on:change=move |_| on_choose.run(option)
                                />
                                <span>{label(option)}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}

/// Warns about text that looks patient-identifiable, says why, and lets the trainee
/// keep it. Shows nothing when the text is clean or the trainee has kept it.
#[component]
pub fn PrivacyNotice(
    /// Every piece of text to check.
    text: Signal<String>,
    /// Today, to tell dates of birth from recent dates.
    today: Day,
) -> impl IntoView {
    let kept = RwSignal::new(Vec::<String>::new());
    let findings = Memo::new(move |_| privacy::scan(&text.get(), today));
    let shown = move || {
        let kept = kept.get();
        findings
            .get()
            .into_iter()
            .filter(|finding| !kept.contains(&finding.text))
            .collect::<Vec<Finding>>()
    };
    view! {
        <Show when=move || !shown().is_empty()>
            <div class="notice warn" role="status" data-testid="privacy-notice">
                <strong>"This may identify a patient or colleague"</strong>
                <ul>
                    {move || {
                        shown()
                            .into_iter()
                            .map(|finding| {
                                view! {
                                    <li>
                                        <strong>{finding.kind.label()}": "</strong>
                                        <q>{finding.text.clone()}</q>
                                        " — "
                                        {finding.kind.why()}
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <p class="muted">
                    "Reflections should be anonymised as far as possible, and can be required by a court. Edit the text, or keep it if you are sure."
                </p>
                <button
                    type="button"
                    on:click=move |_| {
                        kept.update(|kept| kept.extend(findings.get().into_iter().map(|f| f.text)))
                    }
                >
                    "Keep as written"
                </button>
            </div>
        </Show>
    }
}

/// The message under a field that did not pass its check.
#[component]
pub fn FieldMessage(message: Signal<Option<String>>, id: &'static str) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <p class="field-error" id=id role="alert">
                {move || message.get().unwrap_or_default()}
            </p>
        </Show>
    }
}
