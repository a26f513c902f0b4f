//! Sync benchmark: scenarios S1 (cold pull), S2 (offline catch-up) and S3 (fan-in) of
//! `../shared/BENCHMARKS.md`, against the real server binary on loopback with
//! `e2e::device::Device` as protocol clients. Prints a table (median of 3 runs, min,
//! max) beside each target and floor; asserts nothing.
//!
//! `sync-bench [--workload FILE]`: the portfolio is generated from the fixed seed, or
//! read from a workload file in the BENCHMARKS.md format.

mod cold_pull;
mod fan_in;
mod figures;
mod process_stats;
mod workload;

use e2e::Failure;
use figures::{kilobytes, Figures};
use serde_json::{json, Value};
use shared::workload::WorkloadEntry;
use std::fmt::Display;
use std::path::Path;
use std::time::Duration;
use workload::{deflated, entry_json, Workload};

const RUNS: usize = 3;
const S1_ENTRIES: usize = 1_000;
const S1_COMMENTS: usize = 300;
const S2_NEW_ENTRIES: usize = 50;
const S2_EDITS: usize = 20;
const S2_COMMENTS: usize = 30;
const S3_TRAINEES: usize = 50;
const S3_ENTRIES_EACH: usize = 20;
/// How long S3's devices have to connect and sign in before they all start pushing.
const S3_CONNECT_WINDOW: Duration = Duration::from_secs(5);
/// Longest wait for any one frame.
const PATIENCE: Duration = Duration::from_secs(30);

/// A benchmark failure with `error`'s message.
fn fail(error: impl Display) -> Failure {
    Failure::Check(error.to_string())
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    // Several crypto back-ends are linked in; rustls needs one named.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let work = match args.as_slice() {
        [] => Workload::generate(),
        [flag, path] if flag == "--workload" => Workload::from_file(Path::new(path))?,
        _ => return Err(fail("usage: sync-bench [--workload FILE]")),
    };
    eprintln!(
        "sync bench: {} entries, {} comments; catch-up: {} new entries, {} edits, {} comments",
        work.entries.len(),
        work.comments.len(),
        work.new_entries.len(),
        work.edits.len(),
        work.catch_up_comments.len()
    );

    let entries = |list: &[WorkloadEntry]| Value::Array(list.iter().map(entry_json).collect());
    let s1_floor =
        deflated(&json!({ "entries": entries(&work.entries), "comments": work.comments }))?;
    let s2_up_floor =
        deflated(&json!({ "entries": entries(&work.new_entries), "edits": work.edits }))?;
    let s2_down_floor = deflated(&json!({ "comments": work.catch_up_comments }))?;

    let mut figures = Figures::default();
    for round in 1..=RUNS {
        eprintln!("sync bench: run {round} of {RUNS}");
        cold_pull::cold_pull_and_catch_up(&work, &mut figures).await?;
        fan_in::fan_in(&work, &mut figures).await?;
    }

    let kb = |bytes: usize| {
        format!(
            "{:.1} kB (deflate of the new content's JSON)",
            kilobytes(bytes)
        )
    };
    figures.annotate("S1 cold pull", "wall time", "≤ 400 ms", "");
    figures.annotate(
        "S1 cold pull",
        "bytes client → server",
        "",
        "≈ 0 (nothing new)",
    );
    figures.annotate("S1 cold pull", "bytes server → client", "", &kb(s1_floor));
    figures.annotate("S1 cold pull", "bytes both ways", "≤ 420 kB", &kb(s1_floor));
    figures.annotate("S1 cold pull", "round trips", "", "1");
    figures.annotate("S2 offline catch-up", "wall time", "≤ 25 ms", "");
    figures.annotate(
        "S2 offline catch-up",
        "bytes client → server",
        "",
        &kb(s2_up_floor),
    );
    figures.annotate(
        "S2 offline catch-up",
        "bytes server → client",
        "",
        &kb(s2_down_floor),
    );
    figures.annotate(
        "S2 offline catch-up",
        "bytes both ways",
        "≤ 45 kB",
        &kb(s2_up_floor + s2_down_floor),
    );
    figures.annotate("S2 offline catch-up", "round trips", "≤ 2", "1");
    figures.annotate("S3 fan-in", "durable entries per second", "≥ 1,800", "");
    figures.annotate("S3 fan-in", "create → Saved p99", "≤ 100 ms", "");
    figures.annotate(
        "S3 fan-in",
        "entries confirmed Saved",
        "",
        &format!("{} sent", S3_TRAINEES * S3_ENTRIES_EACH),
    );
    figures.print();
    println!();
    println!("Notes:");
    println!("- Comments are written by a real supervisor account (an educational");
    println!("  supervisor, through invite and accept) on its own device, on entries the");
    println!("  trainee shared with it, and pass the server's access checks (S1: when");
    println!("  seeding; S2: while the trainee's laptop is offline).");
    println!("- Bytes are WebSocket frame payloads; the HTTP upgrade, WebSocket framing and");
    println!("  TCP/IP headers are not counted. Round trips are flights of frames the");
    println!("  measured device sent during the measured phase.");
    println!("- CPU figures are user + system time over the measured phase: the server");
    println!("  process, and this process (all the protocol clients, Automerge included);");
    println!("  S3's include its devices connecting. Both share the machine's cores.");
    println!("- S1 runs from connect until the device has every document; S2 from reconnect");
    println!("  until the device has every change and its outbox is empty (the server has");
    println!("  stored all it sent). S3's 50 devices connect together, then all push 20");
    println!("  entries each at one instant; entries/s counts those confirmed Saved over");
    println!("  the time from that instant to the last device's empty outbox.");
    if figures.peak_reset_refused {
        println!("- Server peak RSS is the peak since the server started (clear_refs refused).");
    } else {
        println!("- Server peak RSS is VmHWM, reset (clear_refs) just before each measured phase.");
    }
    Ok(())
}
