//! Device figures of `../shared/BENCHMARKS.md`: bytes of WASM and JS on first load,
//! start-up offline from the service worker with 0 and 2,000 stored entries (at 4×
//! CPU throttling), time to show the list, save-to-durable latency, and device bytes
//! per entry. Headless Chromium at 360×740 against the real server on loopback.
//! Prints a table (median of 3 runs, min, max); asserts nothing.

use base64::Engine;
use e2e::flows::capture;
use e2e::{Browser, DevTools, Failure, Server};
use serde_json::{json, Value};
use shared::entry::Now;
use shared::workload::Portfolio;
use shared::ActorId;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

const RUNS: usize = 3;
const LARGE: usize = 2_000;
const CAPTURES: usize = 5;

#[derive(Default)]
struct Figures {
    rows: Vec<(String, String, Vec<f64>)>,
}

impl Figures {
    fn add(&mut self, scenario: &str, unit: &str, value: f64) {
        match self.rows.iter_mut().find(|(name, _, _)| name == scenario) {
            Some((_, _, values)) => values.push(value),
            None => self
                .rows
                .push((scenario.to_owned(), unit.to_owned(), vec![value])),
        }
    }

    fn print(&self) {
        println!("| scenario | median | min | max | unit | runs |");
        println!("|---|---:|---:|---:|---|---:|");
        for (scenario, unit, values) in &self.rows {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let median = sorted[sorted.len() / 2];
            println!(
                "| {scenario} | {median:.1} | {:.1} | {:.1} | {unit} | {} |",
                sorted[0],
                sorted[sorted.len() - 1],
                sorted.len()
            );
        }
    }
}

fn asset_dir() -> Result<PathBuf, Failure> {
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/dist/assets");
    std::fs::read_dir(&assets)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.is_dir())
        .ok_or_else(|| Failure::Check("app/dist is not built: run scripts/bench.sh".into()))
}

fn size(path: &Path) -> f64 {
    std::fs::metadata(path)
        .map(|m| m.len() as f64 / 1024.0)
        .unwrap_or_default()
}

async fn mark(browser: &Browser, name: &str) -> Result<f64, Failure> {
    let script = format!("const m = performance.getEntriesByName('{name}'); return m.length ? m[m.length - 1].startTime : null;");
    browser
        .eval(&script)
        .await?
        .as_f64()
        .ok_or_else(|| Failure::Check(format!("no {name} mark")))
}

async fn storage_used(browser: &Browser) -> Result<f64, Failure> {
    let used = browser
        .client()
        .execute_async(
            "navigator.storage.estimate().then(e => arguments[0](e.usage));",
            vec![],
        )
        .await?;
    used.as_f64()
        .ok_or_else(|| Failure::Check("no storage estimate".into()))
}

/// Puts documents straight into the app's IndexedDB, as if synced earlier.
async fn seed(browser: &Browser, records: &[Value]) -> Result<(), Failure> {
    const SCRIPT: &str = r#"
        const batch = arguments[0], done = arguments[arguments.length - 1];
        const open = indexedDB.open('waymark', 1);
        open.onerror = () => done(String(open.error));
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['docs', 'summaries'], 'readwrite');
          for (const [id, b64, summary] of batch) {
            const text = atob(b64), bytes = new Uint8Array(text.length);
            for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
            tx.objectStore('docs').put(bytes, id);
            tx.objectStore('summaries').put(summary, id);
          }
          tx.oncomplete = () => { db.close(); done(null); };
          tx.onabort = () => done(String(tx.error));
        };"#;
    for batch in records.chunks(250) {
        let outcome = browser
            .client()
            .execute_async(SCRIPT, vec![Value::Array(batch.to_vec())])
            .await?;
        if !outcome.is_null() {
            return Err(Failure::Check(format!("seeding failed: {outcome}")));
        }
    }
    Ok(())
}

fn records(count: usize) -> Result<(Vec<Value>, f64), Failure> {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    let today = shared::day::Day::from_ymd(2026, 11, 22).unwrap_or(shared::day::Day::UNIX_EPOCH);
    let now = Now { millis, today };
    let actor = ActorId::random();
    let mut bytes_total = 0usize;
    let mut records = Vec::with_capacity(count);
    for entry in Portfolio::generate(count, today).entries {
        let mut doc = entry
            .to_document(now, actor.clone())
            .map_err(|e| Failure::Check(e.to_string()))?;
        let bytes = doc.save();
        let summary =
            serde_json::to_string(&doc.read().map_err(|e| Failure::Check(e.to_string()))?)
                .map_err(|e| Failure::Check(e.to_string()))?;
        bytes_total += bytes.len() + summary.len();
        let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
        records.push(json!([entry.id, encoded, summary]));
    }
    Ok((records, bytes_total as f64 / count.max(1) as f64))
}

async fn run(figures: &mut Figures, stored: usize, records: &[Value]) -> Result<(), Failure> {
    let mut server = Server::start().await?;
    let browser = Browser::launch().await?;
    let outcome = async {
        browser.open_app(&server.url()).await?;
        browser
            .wait_until("navigator.serviceWorker && navigator.serviceWorker.controller", "the service worker controls the page")
            .await?;
        let before = storage_used(&browser).await?;
        seed(&browser, &records[..stored]).await?;
        if stored > 0 {
            let after = storage_used(&browser).await?;
            figures.add("device storage per entry (IndexedDB, estimate)", "bytes", (after - before) / stored as f64);
        }
        server.stop().await?;

        let throttle = |rate: f64| DevTools::new("Emulation.setCPUThrottlingRate", json!({ "rate": rate }));
        browser.client().issue_cmd(throttle(4.0)).await?;
        browser.client().goto(&format!("{}entries", server.url())).await?;
        browser.wait_for_app().await?;
        browser
            .wait_until("performance.getEntriesByName('waymark:portfolio-shown').length > 0", "the list is shown")
            .await?;
        let started = mark(&browser, "waymark:started").await?;
        let shown = mark(&browser, "waymark:portfolio-shown").await?;
        figures.add(&format!("offline start to interactive, {stored} entries, 4x CPU throttle"), "ms", started);
        figures.add(&format!("offline start to list shown, {stored} entries, 4x CPU throttle"), "ms", shown);
        if stored > 0 {
            // Where the time between start and list goes, for whoever works on it next.
            let read = mark(&browser, "waymark:summaries-read").await?;
            let parsed = mark(&browser, "waymark:summaries-parsed").await?;
            let preloaded = mark(&browser, "waymark:summaries-preloaded").await?;
            figures.add(&format!("list shown, {stored} entries: summaries read by index.html while the app loads (from navigation)"), "ms", preloaded);
            figures.add(&format!("list shown, {stored} entries: reading summaries from IndexedDB (after interactive)"), "ms", read - started);
            figures.add(&format!("list shown, {stored} entries: parsing summaries"), "ms", parsed - read);
            figures.add(&format!("list shown, {stored} entries: building and painting the list"), "ms", shown - parsed);
        }
        browser.client().issue_cmd(throttle(1.0)).await?;

        if stored == 0 {
            for index in 0..CAPTURES {
                capture(&browser, "Leading handover", &format!("Benchmark capture {index}")).await?;
            }
            let durations = browser
                .eval("return performance.getEntriesByName('waymark:save-durable').map(m => m.duration);")
                .await?;
            for duration in durations.as_array().into_iter().flatten().filter_map(Value::as_f64) {
                figures.add("tap save to durable in IndexedDB (offline)", "ms", duration);
            }
        }
        Ok(())
    }
    .await;
    browser
        .finish(&format!("device_bench_{stored}"), outcome)
        .await
}

/// The size floors `scripts/bench.sh` builds from app/examples, beside the app's total:
/// what the stack costs before any of Waymark's own code.
fn add_floors(figures: &mut Figures, app_gz: f64) {
    let Some(floors) = std::env::var_os("WAYMARK_SIZE_FLOORS").map(PathBuf::from) else {
        eprintln!("device bench: WAYMARK_SIZE_FLOORS is not set, so no size floors (scripts/bench.sh sets it)");
        return;
    };
    // A floor's WASM + JS gzipped, or None (and why) if bench.sh has not built it.
    let measure = |floor: &str| {
        let dir = floors.join(floor);
        let wasm = dir.join(format!("{floor}_bg.wasm.gz"));
        if !wasm.exists() {
            eprintln!(
                "device bench: {} is not built (scripts/bench.sh builds it)",
                dir.display()
            );
            return None;
        }
        Some(size(&wasm) + size(&dir.join(format!("{floor}.js.gz"))))
    };
    if let Some(gz) = measure("automerge_floor") {
        figures.add(
            "floor: Automerge alone, the calls the app makes, WASM + JS gzip (zopfli)",
            "KiB",
            gz,
        );
    }
    if let Some(gz) = measure("stack_floor") {
        figures.add(
            "floor: Automerge + a bare two-route Leptos app, WASM + JS gzip (zopfli)",
            "KiB",
            gz,
        );
        figures.add(
            "the app's own code above that floor, gzip (zopfli)",
            "KiB",
            app_gz - gz,
        );
    }
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let assets = asset_dir()?;
    let mut figures = Figures::default();
    let wasm = size(&assets.join("app_bg.wasm"));
    let wasm_gz = size(&assets.join("app_bg.wasm.gz"));
    let js = size(&assets.join("app.js"));
    let js_gz = size(&assets.join("app.js.gz"));
    figures.add("WASM transferred on first load, raw", "KiB", wasm);
    figures.add(
        "WASM transferred on first load, gzip (zopfli)",
        "KiB",
        wasm_gz,
    );
    figures.add("JS glue, raw", "KiB", js);
    figures.add("JS glue, gzip (zopfli)", "KiB", js_gz);
    figures.add(
        "WASM + JS, gzip (zopfli; target <= 600)",
        "KiB",
        wasm_gz + js_gz,
    );
    let brotli = size(&assets.join("app_bg.wasm.br")) + size(&assets.join("app.js.br"));
    figures.add(
        "WASM + JS, brotli -q 11 (what HTTPS browsers receive)",
        "KiB",
        brotli,
    );

    add_floors(&mut figures, wasm_gz + js_gz);

    let (records, payload_per_entry) = records(LARGE)?;
    figures.add(
        "document + summary bytes per entry (floor for storage)",
        "bytes",
        payload_per_entry,
    );
    for round in 1..=RUNS {
        eprintln!("device bench: run {round} of {RUNS}");
        for stored in [0, LARGE] {
            run(&mut figures, stored, &records).await?;
        }
    }
    figures.print();
    Ok(())
}
