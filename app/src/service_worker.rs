//! Registers the service worker (the app starts with no network after one visit) and
//! notices when a new version has been installed, so the app can offer a reload.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

fn controlled() -> bool {
    container()
        .and_then(|container| container.controller())
        .is_some()
}

fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    // Absent on insecure origins; web-sys would hand back `undefined` as an object.
    let present = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    present.then(|| navigator.service_worker())
}

/// Registers `/sw.js`; sets `update_ready` when a new version is waiting.
pub fn register(update_ready: RwSignal<bool>) {
    let Some(container) = container() else {
        leptos::logging::warn!("no service worker support: the app will need the network to start");
        return;
    };
    let registering = container.register("/sw.js");
    spawn_local(async move {
        let registration = match JsFuture::from(registering).await {
            Ok(value) => value.unchecked_into::<ServiceWorkerRegistration>(),
            Err(error) => {
                leptos::logging::warn!("service worker not registered: {error:?}");
                return;
            }
        };
        if registration.waiting().is_some() && controlled() {
            update_ready.set(true);
        }
        let watched = registration.clone();
        // Handlers for the page's lifetime: leaked once, on purpose.
        let on_update_found = Closure::<dyn FnMut()>::new(move || {
            let Some(worker) = watched.installing() else {
                return;
            };
            let installing = worker.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                if installing.state() == ServiceWorkerState::Installed && controlled() {
                    update_ready.set(true);
                }
            });
            worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
        on_update_found.forget();
    });
}

/// Switches to the waiting version and reloads once it controls the page. Drafts and
/// typed text are already on the device, so nothing is lost by the reload.
pub fn activate_new_version() {
    let Some(container) = container() else {
        return;
    };
    let reload = Closure::<dyn FnMut()>::new(|| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
    reload.forget();
    spawn_local(async move {
        let Ok(ready) = container.ready() else {
            return;
        };
        let Ok(registration) = JsFuture::from(ready).await else {
            return;
        };
        let registration: ServiceWorkerRegistration = registration.unchecked_into();
        if let Some(waiting) = registration.waiting() {
            let _ = waiting.post_message(&JsValue::from_str("activate-new-version"));
        }
    });
}
