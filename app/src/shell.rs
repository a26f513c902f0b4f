//! The app shell: header, navigation and routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <header class="app-header">
                <A href="/" attr:class="brand">{shared::PRODUCT_NAME}</A>
            </header>
            <main id="main" class="app-main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home/>
                </Routes>
            </main>
        </Router>
    }
}

/// The first screen a trainee sees.
#[component]
fn Home() -> impl IntoView {
    view! {
        <section class="screen" data-screen="home">
            <h1>"Your leadership, logged as it happens"</h1>
            <p class="lead">
                "Led the handover, chaired a meeting, kept the ward round moving in a crisis? "
                "Log it in seconds on shift, with or without signal, and reflect on it later."
            </p>
        </section>
    }
}

/// Shown for an address the app does not know.
#[component]
fn NotFound() -> impl IntoView {
    view! {
        <section class="screen" data-screen="not-found">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address in Waymark."</p>
            <A href="/" attr:class="button">"Go to the home screen"</A>
        </section>
    }
}

/// Removes the loading notice of `index.html` and tells the page (and its tests)
/// that the WebAssembly app has started.
pub fn mark_started() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    if let Some(boot) = document.get_element_by_id("boot") {
        boot.remove();
    }
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("data-app", "started");
    }
}
