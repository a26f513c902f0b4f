//! What the operating system says about the server and this process: peak memory
//! and CPU time, read from /proc (Linux).

use crate::figures::Figures;

/// The server's peak resident memory since the last [`reset_peak`], in KiB.
pub fn peak_rss(pid: Option<u32>) -> Option<f64> {
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
pub struct CpuMark {
    server: Option<u32>,
    at: (f64, f64),
}

impl CpuMark {
    /// Marks the CPU used so far by the server and by this process.
    pub fn start(server: Option<u32>) -> Self {
        Self {
            server,
            at: (cpu_ms(server), cpu_ms(None)),
        }
    }

    /// Adds the CPU used since the mark to `figures` under `scenario`.
    pub fn record(&self, figures: &mut Figures, scenario: &'static str) {
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
pub fn reset_peak(pid: Option<u32>) -> bool {
    pid.is_some_and(|pid| std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok())
}
