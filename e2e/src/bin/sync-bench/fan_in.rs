//! S3 (fan-in): 50 trainees' devices connect at once, then each pushes 20 new entries
//! at the same instant.

use crate::figures::{millis, Figures};
use crate::process_stats::{reset_peak, CpuMark};
use crate::workload::{now, Workload};
use crate::{fail, PATIENCE, S3_CONNECT_WINDOW, S3_ENTRIES_EACH, S3_TRAINEES};
use automerge::AutoCommit;
use e2e::device::Device;
use e2e::{register, Failure, Server};
use shared::ActorId;
use std::time::{Duration, Instant};

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
pub async fn fan_in(work: &Workload, figures: &mut Figures) -> Result<(), Failure> {
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
