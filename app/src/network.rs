//! Whether the browser says it is online, as one signal for every screen.

use leptos::prelude::*;

/// The browser's online state, shared through context. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Online(RwSignal<bool>);

impl Online {
    /// Starts following the browser's `online` and `offline` events.
    pub fn start() -> Self {
        let online = RwSignal::new(
            web_sys::window()
                .map(|window| window.navigator().on_line())
                .unwrap_or(true),
        );
        let _ = window_event_listener(leptos::ev::online, move |_| online.set(true));
        let _ = window_event_listener(leptos::ev::offline, move |_| online.set(false));
        Self(online)
    }

    /// Whether the device is online now.
    pub fn get(&self) -> bool {
        self.0.get()
    }
}
