//! Logging set-up: human-readable `tracing` output on stderr.

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// Installs the global log subscriber with the given filter (as in `RUST_LOG`).
pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|error| {
        eprintln!("waymark: ignoring the log filter {filter:?} ({error}); using \"info\"");
        EnvFilter::new("info")
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
