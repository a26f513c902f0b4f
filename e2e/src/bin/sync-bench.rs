//! Sync benchmark: scenarios S1 (cold pull), S2 (offline catch-up) and S3 (fan-in) of
//! `../shared/BENCHMARKS.md`, against the real server binary on loopback with
//! `e2e::device::Device` as protocol clients. Prints a table (median of 3 runs, min,
//! max) beside each target and floor; asserts nothing.
//!
//! `sync-bench [--workload FILE]`: the portfolio is generated from the fixed seed, or
//! read from a workload file in the BENCHMARKS.md format.

use automerge::AutoCommit;
use e2e::device::Device;
use e2e::{register, supervise, Failure, Server};
use flate2::write::DeflateEncoder;
use flate2::Compression;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use shared::day::Day;
use shared::entry::{CommentDraft, EntryEdit, Now};
use shared::workload::{sentence, Portfolio, WorkloadEntry, SEED};
use shared::ActorId;
use std::collections::BTreeSet;
use std::fmt::Display;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

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

/// A supervisor's comment on an entry (the workload file's shape).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Comment {
    id: String,
    entry_id: String,
    author: String,
    body: String,
    created_at: String,
}

/// Text appended to an existing entry's reflection.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Edit {
    entry_id: String,
    append: String,
}

/// Everything the three scenarios use.
struct Workload {
    entries: Vec<WorkloadEntry>,
    comments: Vec<Comment>,
    new_entries: Vec<WorkloadEntry>,
    edits: Vec<Edit>,
    catch_up_comments: Vec<Comment>,
}

fn fail(error: impl Display) -> Failure {
    Failure::Check(error.to_string())
}

fn today() -> Day {
    Day::from_ymd(2026, 11, 22).unwrap_or(Day::UNIX_EPOCH)
}

fn now() -> Now {
    Now {
        millis: 1_795_000_000_000,
        today: today(),
    }
}

fn comment(rng: &mut ChaCha8Rng, index: usize, entries: &[WorkloadEntry]) -> Comment {
    let entry = &entries[rng.random_range(0..entries.len())];
    Comment {
        id: format!("c0000000-0000-4000-8000-{index:012}"),
        entry_id: entry.id.clone(),
        author: "Dr A. Supervisor".into(),
        body: sentence(rng, 200),
        created_at: format!("2026-11-{:02}T10:{:02}:00Z", 1 + index % 21, index % 60),
    }
}

impl Workload {
    /// The generated workload: the fixed seed's portfolio and deterministic comments.
    fn generate() -> Self {
        let mut all = Portfolio::generate(S1_ENTRIES + S2_NEW_ENTRIES, today()).entries;
        let new_entries = all.split_off(S1_ENTRIES);
        let entries = all;
        let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ 0xC0);
        let comments = (0..S1_COMMENTS)
            .map(|index| comment(&mut rng, index, &entries))
            .collect();
        let edits = (0..S2_EDITS)
            .map(|index| Edit {
                entry_id: entries[index * (S1_ENTRIES / S2_EDITS) + 3].id.clone(),
                append: " Looking back a week later, the plan held and the team used it.".into(),
            })
            .collect();
        let catch_up_comments = (0..S2_COMMENTS)
            .map(|index| comment(&mut rng, S1_COMMENTS + index, &entries))
            .collect();
        Self {
            entries,
            comments,
            new_entries,
            edits,
            catch_up_comments,
        }
    }

    /// A workload file in the BENCHMARKS.md format.
    fn from_file(path: &Path) -> Result<Self, Failure> {
        #[derive(Deserialize)]
        struct File {
            portfolio: FilePortfolio,
            #[serde(default)]
            catch_up: CatchUp,
        }
        #[derive(Deserialize)]
        struct FilePortfolio {
            #[serde(default)]
            comments: Vec<Comment>,
        }
        #[derive(Deserialize, Default)]
        struct CatchUp {
            #[serde(default, rename = "newEntries")]
            new_entries: Vec<Value>,
            #[serde(default)]
            edits: Vec<Edit>,
            #[serde(default)]
            comments: Vec<Comment>,
        }
        let text = std::fs::read_to_string(path)?;
        let entries = Portfolio::from_json(&text).map_err(fail)?.entries;
        let file: File = serde_json::from_str(&text).map_err(fail)?;
        // New entries have the portfolio's entry shape: read them the same way.
        let wrapped = json!({ "portfolio": { "entries": file.catch_up.new_entries } });
        let new_entries = Portfolio::from_json(&wrapped.to_string())
            .map_err(fail)?
            .entries;
        Ok(Self {
            entries,
            comments: file.portfolio.comments,
            new_entries,
            edits: file.catch_up.edits,
            catch_up_comments: file.catch_up.comments,
        })
    }
}

/// The supervisor's device writes `comment` into its entry (bodies only: the workload
/// has no entrustment levels or sign-offs).
fn write_comment(
    supervisor: &mut Device,
    supervisor_id: &str,
    comment: &Comment,
) -> Result<(), Failure> {
    let draft = CommentDraft {
        body: comment.body.clone(),
        ..CommentDraft::default()
    };
    supervisor.comment(&comment.entry_id, &comment.id, supervisor_id, &draft)?;
    Ok(())
}

/// An entry as JSON in the workload file's shape (for the compressed-size floor).
fn entry_json(entry: &WorkloadEntry) -> Value {
    json!({
        "id": entry.id, "kind": entry.kind.code(), "occurred_at": entry.occurred_on.to_string(),
        "setting": entry.setting, "role": entry.role.code(), "capabilities": entry.capabilities,
        "title": entry.title, "reflection": entry.reflection, "tags": entry.tags,
    })
}

/// Bytes of `value`'s JSON after deflate at the best level.
fn deflated(value: &Value) -> Result<usize, Failure> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(value.to_string().as_bytes())?;
    Ok(encoder.finish()?.len())
}

/// The server's peak resident memory since the last [`reset_peak`], in KiB.
fn peak_rss(pid: Option<u32>) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time (user + system) a process has used, in ms; `None` is this process.
/// Linux counts it in ticks of 1/100 s (USER_HZ).
fn cpu_ms(pid: Option<u32>) -> f64 {
    let path = pid.map_or("/proc/self/stat".to_owned(), |pid| {
        format!("/proc/{pid}/stat")
    });
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    // Fields after the command name: state is 3rd; utime and stime are the 14th and 15th.
    let after = stat.rsplit(')').next().unwrap_or_default();
    let ticks: f64 = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|field| field.parse::<f64>().ok())
        .sum();
    ticks * 10.0
}

/// CPU used by the server and by this benchmark's clients since [`CpuMark::start`].
struct CpuMark {
    server: Option<u32>,
    at: (f64, f64),
}

impl CpuMark {
    fn start(server: Option<u32>) -> Self {
        Self {
            server,
            at: (cpu_ms(server), cpu_ms(None)),
        }
    }

    fn record(&self, figures: &mut Figures, scenario: &'static str) {
        if self.server.is_none() {
            return;
        }
        figures.add(
            scenario,
            "server CPU",
            "ms",
            cpu_ms(self.server) - self.at.0,
        );
        figures.add(
            scenario,
            "client (bench process) CPU",
            "ms",
            cpu_ms(None) - self.at.1,
        );
    }
}

/// Resets the server's peak-memory mark to its current resident size; false if the
/// kernel refused (the figure is then the peak since the server started).
fn reset_peak(pid: Option<u32>) -> bool {
    pid.is_some_and(|pid| std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok())
}

struct Row {
    scenario: &'static str,
    figure: &'static str,
    unit: &'static str,
    target: String,
    floor: String,
    values: Vec<f64>,
}

#[derive(Default)]
struct Figures {
    rows: Vec<Row>,
    peak_reset_refused: bool,
}

impl Figures {
    fn add(
        &mut self,
        scenario: &'static str,
        figure: &'static str,
        unit: &'static str,
        value: f64,
    ) {
        match self
            .rows
            .iter_mut()
            .find(|row| row.scenario == scenario && row.figure == figure)
        {
            Some(row) => row.values.push(value),
            None => self.rows.push(Row {
                scenario,
                figure,
                unit,
                target: String::new(),
                floor: String::new(),
                values: vec![value],
            }),
        }
    }

    fn add_rss(&mut self, scenario: &'static str, pid: Option<u32>) {
        if let Some(kib) = peak_rss(pid) {
            self.add(scenario, "server peak RSS", "MiB", kib / 1024.0);
        }
    }

    fn annotate(&mut self, scenario: &str, figure: &str, target: &str, floor: &str) {
        for row in self
            .rows
            .iter_mut()
            .filter(|row| row.scenario == scenario && row.figure == figure)
        {
            row.target = target.to_owned();
            row.floor = floor.to_owned();
        }
    }

    fn print(&self) {
        println!("| scenario | figure | median | min | max | unit | target | floor |");
        println!("|---|---|---:|---:|---:|---|---|---|");
        for row in &self.rows {
            let mut sorted = row.values.clone();
            sorted.sort_by(f64::total_cmp);
            println!(
                "| {} | {} | {:.1} | {:.1} | {:.1} | {} | {} | {} |",
                row.scenario,
                row.figure,
                sorted[sorted.len() / 2],
                sorted[0],
                sorted[sorted.len() - 1],
                row.unit,
                row.target,
                row.floor,
            );
        }
    }
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

fn kilobytes(bytes: usize) -> f64 {
    bytes as f64 / 1_000.0
}

/// S1 then S2 on one server: seed, cold pull, offline catch-up.
async fn cold_pull_and_catch_up(work: &Workload, figures: &mut Figures) -> Result<(), Failure> {
    let mut server = Server::start().await?;
    let pid = server.pid();
    let url = server.url();
    let (_, token) = register(&server, "trainee").await?;
    let (supervisor_id, supervisor_token) = register(&server, "supervisor").await?;
    supervise(&server, &token, &supervisor_token).await?;

    // Seeding (not measured): the trainee's phone pushes the portfolio, sharing every
    // entry the supervisor comments on; the supervisor's phone then writes the
    // comments, as the server's access rules require.
    let commented: BTreeSet<&str> = work
        .comments
        .iter()
        .chain(&work.catch_up_comments)
        .map(|comment| comment.entry_id.as_str())
        .collect();
    let author = ActorId::from(&b"workload-author"[..]);
    let share = EntryEdit::Share {
        user: supervisor_id.clone(),
        shared: true,
    };
    let mut phone = Device::new("phone");
    phone.connect(&url, &token).await?;
    phone.sync().await?;
    for batch in work.entries.chunks(100) {
        for entry in batch {
            let mut document = entry.to_document(now(), author.clone()).map_err(fail)?;
            if commented.contains(entry.id.as_str()) {
                document.apply(&share, now()).map_err(fail)?;
            }
            phone.put_doc(&entry.id, document.automerge_mut().clone())?;
        }
        phone.sync().await?;
    }
    let mut supervisor = Device::new("supervisor");
    supervisor.connect(&url, &supervisor_token).await?;
    supervisor.sync().await?;
    for comment in &work.comments {
        write_comment(&mut supervisor, &supervisor_id, comment)?;
    }
    supervisor.sync().await?;

    // S1: a new device with empty storage signs in and pulls everything.
    figures.peak_reset_refused |= !reset_peak(pid);
    let mut laptop = Device::new("laptop");
    let cpu = CpuMark::start(pid);
    let started = Instant::now();
    laptop.connect(&url, &token).await?;
    laptop.sync().await?;
    let wall = started.elapsed();
    cpu.record(figures, "S1 cold pull");
    figures.add_rss("S1 cold pull", pid);
    let missing = work
        .entries
        .iter()
        .filter(|entry| laptop.entry(&entry.id).is_none())
        .count();
    if missing > 0 {
        eprintln!("sync bench: S1 new device lacks {missing} entries after syncing");
    }
    let traffic = laptop.traffic;
    figures.add("S1 cold pull", "wall time", "ms", millis(wall));
    figures.add(
        "S1 cold pull",
        "bytes client → server",
        "kB",
        kilobytes(traffic.sent),
    );
    figures.add(
        "S1 cold pull",
        "bytes server → client",
        "kB",
        kilobytes(traffic.received),
    );
    figures.add(
        "S1 cold pull",
        "bytes both ways",
        "kB",
        kilobytes(traffic.sent + traffic.received),
    );
    figures.add(
        "S1 cold pull",
        "round trips",
        "flights",
        traffic.flights as f64,
    );

    // S2: the laptop goes offline and works; the phone adds the supervisor's comments.
    laptop.disconnect();
    for entry in &work.new_entries {
        let mut document = entry.to_document(now(), author.clone()).map_err(fail)?;
        laptop.put_doc(&entry.id, document.automerge_mut().clone())?;
    }
    for edit in &work.edits {
        laptop.append_reflection(&edit.entry_id, &edit.append)?;
    }
    for comment in &work.catch_up_comments {
        write_comment(&mut supervisor, &supervisor_id, comment)?;
    }
    supervisor.sync().await?;

    figures.peak_reset_refused |= !reset_peak(pid);
    laptop.reset_traffic();
    let cpu = CpuMark::start(pid);
    let started = Instant::now();
    laptop.connect(&url, &token).await?;
    laptop.sync().await?;
    let wall = started.elapsed();
    cpu.record(figures, "S2 offline catch-up");
    figures.add_rss("S2 offline catch-up", pid);
    let edited: BTreeSet<&str> = work.edits.iter().map(|e| e.entry_id.as_str()).collect();
    let stale = work
        .catch_up_comments
        .iter()
        .filter(|c| !edited.contains(c.entry_id.as_str()))
        .filter(|c| laptop.heads(&c.entry_id) != supervisor.heads(&c.entry_id))
        .count();
    if stale > 0 || laptop.outbox_len() > 0 || !laptop.refusals.is_empty() {
        eprintln!(
            "sync bench: S2 ended with {stale} commented entries behind, {} unsent, {:?} refused",
            laptop.outbox_len(),
            laptop.refusals
        );
    }
    let traffic = laptop.traffic;
    figures.add("S2 offline catch-up", "wall time", "ms", millis(wall));
    figures.add(
        "S2 offline catch-up",
        "bytes client → server",
        "kB",
        kilobytes(traffic.sent),
    );
    figures.add(
        "S2 offline catch-up",
        "bytes server → client",
        "kB",
        kilobytes(traffic.received),
    );
    figures.add(
        "S2 offline catch-up",
        "bytes both ways",
        "kB",
        kilobytes(traffic.sent + traffic.received),
    );
    figures.add(
        "S2 offline catch-up",
        "round trips",
        "flights",
        traffic.flights as f64,
    );
    // Devices hang up before the server stops, as people's would.
    drop((phone, laptop));
    server.stop().await
}

/// What one S3 device measured: create→Saved latency per entry, and when it finished.
type DeviceResult = Result<(Vec<f64>, Instant), e2e::device::DeviceError>;

/// One S3 trainee's device: connect at `connect_at`, push at `push_at`.
async fn fan_in_device(
    url: String,
    token: String,
    trainee: usize,
    docs: Vec<(String, AutoCommit)>,
    connect_at: tokio::time::Instant,
    push_at: tokio::time::Instant,
) -> DeviceResult {
    let mut device = Device::new(&format!("fan-in-{trainee}"));
    tokio::time::sleep_until(connect_at).await;
    device.connect(&url, &token).await?;
    device.sync().await?;
    tokio::time::sleep_until(push_at).await;
    let mut created = Vec::with_capacity(docs.len());
    for (id, doc) in docs {
        created.push((id.clone(), Instant::now()));
        device.put_doc(&id, doc)?;
    }
    device
        .pump_until("the entries to be saved", PATIENCE, |d| d.outbox_len() == 0)
        .await?;
    let finished = Instant::now();
    if !device.refusals.is_empty() {
        eprintln!(
            "sync bench: S3 trainee {trainee} had {} entries refused: {:?}",
            device.refusals.len(),
            device.refusals.first()
        );
    }
    let latencies = created
        .iter()
        .filter_map(|(id, at)| Some(millis(device.saved_at.get(id)?.duration_since(*at))))
        .collect();
    Ok((latencies, finished))
}

/// S3: 50 trainees' devices connect at once, then each pushes 20 new entries.
async fn fan_in(work: &Workload, figures: &mut Figures) -> Result<(), Failure> {
    let mut server = Server::start().await?;
    let pid = server.pid();
    let url = server.url();
    let mut tokens = Vec::with_capacity(S3_TRAINEES);
    for trainee in 0..S3_TRAINEES {
        tokens.push(register(&server, &format!("trainee{trainee}")).await?.1);
    }
    let mut pool = work.entries.iter().cycle();
    figures.peak_reset_refused |= !reset_peak(pid);
    let connect_at = tokio::time::Instant::now() + Duration::from_millis(200);
    let push_at = connect_at + S3_CONNECT_WINDOW;
    let mut tasks = Vec::with_capacity(S3_TRAINEES);
    for (trainee, token) in tokens.into_iter().enumerate() {
        let mut docs = Vec::with_capacity(S3_ENTRIES_EACH);
        let author = ActorId::from(format!("workload-author-{trainee}").as_bytes());
        for index in 0..S3_ENTRIES_EACH {
            let mut entry = pool.next().cloned().ok_or_else(|| fail("no entries"))?;
            // Document ids are global: every trainee's entries get their own.
            entry.id = format!("00000000-0000-4000-8{trainee:03x}-{index:012}");
            let mut document = entry.to_document(now(), author.clone()).map_err(fail)?;
            docs.push((entry.id, document.automerge_mut().clone()));
        }
        tasks.push(tokio::spawn(fan_in_device(
            url.clone(),
            token,
            trainee,
            docs,
            connect_at,
            push_at,
        )));
    }
    let cpu = CpuMark::start(pid);
    let mut latencies = Vec::new();
    let mut last = push_at.into_std();
    let mut failed = 0;
    for task in tasks {
        match task.await.map_err(fail)? {
            Ok((mut each, finished)) => {
                latencies.append(&mut each);
                last = last.max(finished);
            }
            Err(error) => {
                failed += 1;
                eprintln!("sync bench: an S3 device failed: {error}");
            }
        }
    }
    if Instant::now() < push_at.into_std() {
        return Err(fail("S3 finished before its devices pushed"));
    }
    cpu.record(figures, "S3 fan-in");
    figures.add_rss("S3 fan-in", pid);
    if failed > 0 {
        eprintln!("sync bench: {failed} of {S3_TRAINEES} S3 devices failed");
    }
    let wall = last.duration_since(push_at.into_std());
    latencies.sort_by(f64::total_cmp);
    let saved = latencies.len();
    figures.add(
        "S3 fan-in",
        "durable entries per second",
        "entries/s",
        saved as f64 / wall.as_secs_f64().max(f64::EPSILON),
    );
    figures.add(
        "S3 fan-in",
        "wall time, first create to last Saved",
        "ms",
        millis(wall),
    );
    if saved > 0 {
        figures.add(
            "S3 fan-in",
            "create → Saved p50",
            "ms",
            latencies[saved / 2],
        );
        let p99 = (saved * 99).div_ceil(100).saturating_sub(1);
        figures.add("S3 fan-in", "create → Saved p99", "ms", latencies[p99]);
    }
    figures.add(
        "S3 fan-in",
        "entries confirmed Saved",
        "entries",
        saved as f64,
    );
    server.stop().await
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
        cold_pull_and_catch_up(&work, &mut figures).await?;
        fan_in(&work, &mut figures).await?;
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
