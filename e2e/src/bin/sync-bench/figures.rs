//! The table the sync benchmark prints: one row per scenario and figure, with the
//! median, min and max over the runs beside the target and the floor.

use crate::process_stats::peak_rss;
use e2e::device::Traffic;
use std::time::Duration;

/// One figure of one scenario, over every run.
struct Row {
    scenario: &'static str,
    figure: &'static str,
    unit: &'static str,
    target: String,
    floor: String,
    values: Vec<f64>,
}

/// Every figure measured so far.
#[derive(Default)]
pub struct Figures {
    rows: Vec<Row>,
    /// The kernel refused to reset a peak-memory mark at least once.
    pub peak_reset_refused: bool,
}

impl Figures {
    /// Records one run's `value` of `figure` in `scenario`.
    pub fn add(
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

    /// Records the server's peak memory in `scenario`, if it can be read.
    pub fn add_rss(&mut self, scenario: &'static str, pid: Option<u32>) {
        if let Some(kib) = peak_rss(pid) {
            self.add(scenario, "server peak RSS", "MiB", kib / 1024.0);
        }
    }

    /// Sets the target and floor printed beside a figure.
    pub fn annotate(&mut self, scenario: &str, figure: &str, target: &str, floor: &str) {
        for row in self
            .rows
            .iter_mut()
            .filter(|row| row.scenario == scenario && row.figure == figure)
        {
            row.target = target.to_owned();
            row.floor = floor.to_owned();
        }
    }

    /// Records a device's bytes each way, both ways, and round trips in `scenario`.
    pub fn add_traffic(&mut self, scenario: &'static str, traffic: Traffic) {
        self.add(
            scenario,
            "bytes client → server",
            "kB",
            kilobytes(traffic.sent),
        );
        self.add(
            scenario,
            "bytes server → client",
            "kB",
            kilobytes(traffic.received),
        );
        self.add(
            scenario,
            "bytes both ways",
            "kB",
            kilobytes(traffic.sent + traffic.received),
        );
        self.add(scenario, "round trips", "flights", traffic.flights as f64);
    }

    /// Prints the table as Markdown.
    pub fn print(&self) {
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

/// A duration in milliseconds.
pub fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

/// Bytes in kilobytes (1,000 bytes).
pub fn kilobytes(bytes: usize) -> f64 {
    bytes as f64 / 1_000.0
}
