//! The sync benchmark's workload: the trainee's portfolio, the supervisor's comments,
//! and what S2's offline catch-up adds; generated from the fixed seed or read from a
//! workload file in the BENCHMARKS.md format.

use crate::{fail, S1_COMMENTS, S1_ENTRIES, S2_COMMENTS, S2_EDITS, S2_NEW_ENTRIES};
use e2e::device::Device;
use e2e::Failure;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use shared::day::Day;
use shared::entry::{CommentDraft, Now};
use shared::workload::{sentence, Portfolio, WorkloadEntry, SEED};
use std::io::Write;
use std::path::Path;

/// A supervisor's comment on an entry (the workload file's shape).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    pub entry_id: String,
    pub author: String,
    pub body: String,
    pub created_at: String,
}

/// Text appended to an existing entry's reflection.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Edit {
    pub entry_id: String,
    pub append: String,
}

/// Everything the three scenarios use.
pub struct Workload {
    pub entries: Vec<WorkloadEntry>,
    pub comments: Vec<Comment>,
    pub new_entries: Vec<WorkloadEntry>,
    pub edits: Vec<Edit>,
    pub catch_up_comments: Vec<Comment>,
}

/// The workload's fixed "today".
fn today() -> Day {
    Day::from_ymd(2026, 11, 22).unwrap_or(Day::UNIX_EPOCH)
}

/// The workload's fixed clock reading, for every document it writes.
pub fn now() -> Now {
    Now {
        millis: 1_795_000_000_000,
        today: today(),
    }
}

/// The `index`th generated comment, on a random entry.
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
    pub fn generate() -> Self {
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
    pub fn from_file(path: &Path) -> Result<Self, Failure> {
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
pub fn write_comment(
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
pub fn entry_json(entry: &WorkloadEntry) -> Value {
    json!({
        "id": entry.id, "kind": entry.kind.code(), "occurred_at": entry.occurred_on.to_string(),
        "setting": entry.setting, "role": entry.role.code(), "capabilities": entry.capabilities,
        "title": entry.title, "reflection": entry.reflection, "tags": entry.tags,
    })
}

/// Bytes of `value`'s JSON after deflate at the best level.
pub fn deflated(value: &Value) -> Result<usize, Failure> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(value.to_string().as_bytes())?;
    Ok(encoder.finish()?.len())
}
