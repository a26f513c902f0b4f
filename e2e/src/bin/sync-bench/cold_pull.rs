//! S1 (cold pull) and S2 (offline catch-up) on one server: the trainee's phone seeds
//! the portfolio and the supervisor comments; a new laptop pulls everything, then
//! works offline and catches up.

use crate::fail;
use crate::figures::{millis, Figures};
use crate::process_stats::{reset_peak, CpuMark};
use crate::workload::{now, write_comment, Workload};
use e2e::device::Device;
use e2e::{register, supervise, Failure, Server};
use shared::entry::EntryEdit;
use shared::ActorId;
use std::collections::BTreeSet;
use std::time::Instant;

/// S1 then S2 on one server: seed, cold pull, offline catch-up.
pub async fn cold_pull_and_catch_up(work: &Workload, figures: &mut Figures) -> Result<(), Failure> {
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
    let mut laptop = Device::new("laptop");
    let target = Target {
        url: &url,
        token: &token,
        pid,
    };
    measured_sync(&mut laptop, &target, figures, "S1 cold pull").await?;
    let missing = work
        .entries
        .iter()
        .filter(|entry| laptop.entry(&entry.id).is_none())
        .count();
    if missing > 0 {
        eprintln!("sync bench: S1 new device lacks {missing} entries after syncing");
    }

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

    measured_sync(&mut laptop, &target, figures, "S2 offline catch-up").await?;
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
    // Devices hang up before the server stops, as people's would.
    drop((phone, laptop));
    server.stop().await
}

/// Where the measured device connects, and the server process being measured.
struct Target<'a> {
    url: &'a str,
    token: &'a str,
    pid: Option<u32>,
}

/// Connects `device` and syncs until it holds everything, recording under `scenario`
/// the CPU, the server's peak memory, the wall time and the traffic of just that.
async fn measured_sync(
    device: &mut Device,
    target: &Target<'_>,
    figures: &mut Figures,
    scenario: &'static str,
) -> Result<(), Failure> {
    figures.peak_reset_refused |= !reset_peak(target.pid);
    device.reset_traffic();
    let cpu = CpuMark::start(target.pid);
    let started = Instant::now();
    device.connect(target.url, target.token).await?;
    device.sync().await?;
    let wall = started.elapsed();
    cpu.record(figures, scenario);
    figures.add_rss(scenario, target.pid);
    figures.add(scenario, "wall time", "ms", millis(wall));
    figures.add_traffic(scenario, device.traffic);
    Ok(())
}
