//! Waymark's web app: a Leptos client-side-rendered PWA that keeps the portfolio on
//! the device and works with no network.

mod clock;
mod components;
mod metrics;
mod network;
mod portfolio;
mod screens;
mod service_worker;
mod shell;
mod storage;
mod sync;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(shell::App);
    shell::mark_started();
}
