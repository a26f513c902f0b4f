//! User-timing marks the device benchmark reads (`performance.getEntriesByName`).
//! They cost a few microseconds and show up in the browser's own profiler too.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::JsCast;

fn performance() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}

/// Milliseconds since the page started loading.
pub fn now() -> f64 {
    performance().map(|p| p.now()).unwrap_or_default()
}

/// Marks a moment, e.g. `waymark:started`.
pub fn mark(name: &str) {
    if let Some(performance) = performance() {
        let _ = performance.mark(name);
    }
}

/// Records the span from `start` (from [`now`]) until now under `name`.
pub fn measure_since(name: &str, start: f64) {
    let Some(performance) = performance() else {
        return;
    };
    // web-sys lacks the options form of `measure`; call it by name.
    let options = Object::new();
    let _ = Reflect::set(&options, &"start".into(), &start.into());
    let _ = Reflect::set(&options, &"end".into(), &performance.now().into());
    if let Ok(measure) = Reflect::get(&performance, &"measure".into()) {
        if let Ok(measure) = measure.dyn_into::<Function>() {
            let _ = measure.call2(&performance, &name.into(), &options);
        }
    }
}
