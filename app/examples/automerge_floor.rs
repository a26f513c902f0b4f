//! The size floor of the web app's WebAssembly: Automerge alone, making the calls that
//! `shared` makes for the app (load, save, edits, text splices, merge, sync), and
//! nothing else. `scripts/bench.sh` builds it for the browser exactly as the app is
//! built, and the device bench prints its gzipped size beside the app's.

#[path = "common/automerge_calls.rs"]
mod automerge_calls;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    std::hint::black_box(automerge_calls::exercise()?);
    Ok(())
}
