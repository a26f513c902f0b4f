//! The profile: name, grade, specialty, current rotation, and the framework and
//! reflective model the trainee works with.

use crate::portfolio::Portfolio;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::profile::Profile;
use shared::vocabulary::{Framework, ReflectiveModel};

/// The profile screen.
#[component]
pub fn ProfileScreen() -> impl IntoView {
    let portfolio = expect_context::<Portfolio>();
    let form = RwSignal::new(portfolio.profile());
    // The stored profile may arrive after this screen opens.
    Effect::new(move |_| form.set(portfolio.profile()));
    let message = RwSignal::new(None::<Result<String, String>>);
    let text = move |read: fn(&Profile) -> String| move || form.with(read);
    let set = move |write: fn(&mut Profile, String)| {
        move |ev| {
            form.update(|profile| write(profile, event_target_value(&ev)));
            message.set(None);
        }
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let profile = form.get_untracked();
        if let Err(errors) = profile.validate() {
            let text = errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            message.set(Some(Err(text)));
            return;
        }
        message.set(Some(match portfolio.update_profile(&profile) {
            Ok(()) => Ok("Profile saved on this device.".into()),
            Err(error) => Err(error.to_string()),
        }));
    };
    let day_text = |day: Option<shared::day::Day>| day.map(|d| d.to_string()).unwrap_or_default();

    view! {
        <section class="screen" data-screen="profile">
            <h1>"Profile"</h1>
            <form on:submit=submit>
                <div>
                    <label for="display-name">"Name"</label>
                    <input id="display-name" type="text" autocomplete="name" maxlength="120"
                        prop:value=text(|p| p.display_name.clone()) on:input=set(|p, v| p.display_name = v)/>
                </div>
                <div>
                    <label for="grade">"Grade" <span class="hint">"e.g. FY2, CT1, ST4, GPST2"</span></label>
                    <input id="grade" type="text" maxlength="120"
                        prop:value=text(|p| p.grade.clone()) on:input=set(|p, v| p.grade = v)/>
                </div>
                <div>
                    <label for="specialty">"Specialty"</label>
                    <input id="specialty" type="text" maxlength="120"
                        prop:value=text(|p| p.specialty.clone()) on:input=set(|p, v| p.specialty = v)/>
                </div>
                <fieldset>
                    <legend>"Current rotation"</legend>
                    <label for="post">"Post"</label>
                    <input id="post" type="text" maxlength="120" placeholder="e.g. FY2 Acute Medicine"
                        prop:value=text(|p| p.rotation.post.clone()) on:input=set(|p, v| p.rotation.post = v)/>
                    <label for="place">"Hospital or practice"</label>
                    <input id="place" type="text" maxlength="120"
                        prop:value=text(|p| p.rotation.place.clone()) on:input=set(|p, v| p.rotation.place = v)/>
                    <label for="starts-on">"Starts"</label>
                    <input id="starts-on" type="date"
                        prop:value=move || form.with(|p| day_text(p.rotation.starts_on))
                        on:input=set(|p, v| p.rotation.starts_on = v.parse().ok())/>
                    <label for="ends-on">"Ends"</label>
                    <input id="ends-on" type="date"
                        prop:value=move || form.with(|p| day_text(p.rotation.ends_on))
                        on:input=set(|p, v| p.rotation.ends_on = v.parse().ok())/>
                </fieldset>
                <div>
                    <label for="framework">"Framework for capabilities"</label>
                    <select id="framework" on:change=set(|p, v| p.framework = Framework::from_code(&v).unwrap_or(Framework::DEFAULT))>
                        {Framework::ALL.iter().map(|f| {
                            let f = *f;
                            view! { <option value=f.code() selected=move || form.with(|p| p.framework == f)>{f.label()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="reflective-model">"Reflect with, by default"</label>
                    <select id="reflective-model" on:change=set(|p, v| p.reflective_model = ReflectiveModel::from_code(&v).unwrap_or(ReflectiveModel::DEFAULT))>
                        {ReflectiveModel::ALL.iter().map(|m| {
                            let m = *m;
                            view! { <option value=m.code() selected=move || form.with(|p| p.reflective_model == m)>{m.label()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                {move || message.get().map(|result| match result {
                    Ok(text) => view! { <p class="notice" role="status">{text}</p> }.into_any(),
                    Err(text) => view! { <p class="notice error" role="alert">{text}</p> }.into_any(),
                })}
                <div class="actions stretch">
                    <button type="submit" class="primary">"Save profile"</button>
                </div>
            </form>
            <h2>"On this device"</h2>
            <p class="meta" data-testid="storage-persistence">
                {move || match portfolio.storage_is_persistent() {
                    Some(true) => "Your entries are kept on this device until you delete them.",
                    Some(false) => "The browser may clear your entries if this device runs low on space. Install Waymark (Add to home screen) to protect them.",
                    None => "Checking whether this device keeps your entries…",
                }}
            </p>
        </section>
    }
}
