//! Waymark's web app: a Leptos client-side-rendered shell mounted into `index.html`.

mod shell;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(shell::App);
    shell::mark_started();
}
