//! The benchmark workload of `BENCHMARKS.md`: a deterministic portfolio from a fixed
//! seed, or the same shape parsed from a workload file's JSON so other systems can be
//! measured on identical data. The server's demo command fills its demo portfolio from
//! it too. Behind the `workload` feature, so the app does not carry it; reading the
//! file is the caller's job (`shared` does no I/O).

use crate::day::Day;
use crate::entry::{CaptureDraft, EntryDoc, EntryEdit, Now};
use crate::vocabulary::{mlcf_domain_by_slug, ActivityKind, Role};
use automerge::ActorId;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

/// The seed every generated workload uses.
pub const SEED: u64 = 0x0057_4159_4d41_524b; // "WAYMARK"

/// One benchmark entry, before it becomes a document.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadEntry {
    /// The entry's id (a UUID in generated workloads).
    pub id: String,
    /// What kind of activity it was.
    pub kind: ActivityKind,
    /// When it happened.
    pub occurred_on: Day,
    /// Where it happened.
    pub setting: String,
    /// The trainee's part in it.
    pub role: Role,
    /// Capability codes it is tagged with (may repeat).
    pub capabilities: Vec<String>,
    /// A title of about 60 characters.
    pub title: String,
    /// The reflection's "What?" section, about 800 characters.
    pub reflection: String,
    /// Free tags (may repeat).
    pub tags: Vec<String>,
}

/// A portfolio to benchmark with.
#[derive(Debug, Clone, Default)]
pub struct Portfolio {
    /// The entries, in generation (or file) order.
    pub entries: Vec<WorkloadEntry>,
}

/// Why a workload file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum WorkloadError {
    #[error("the workload file is not in the BENCHMARKS.md format: {0}")]
    Format(#[from] serde_json::Error),
    #[error("entry {id}: {problem}")]
    Entry { id: String, problem: String },
    #[error("an entry cannot become a document: {0}")]
    Document(#[from] crate::entry::DocumentError),
}

const KINDS: [ActivityKind; 10] = [
    ActivityKind::WardRound,
    ActivityKind::Handover,
    ActivityKind::MeetingChair,
    ActivityKind::QiProject,
    ActivityKind::Teaching,
    ActivityKind::Rota,
    ActivityKind::Shadowing,
    ActivityKind::ActingUp,
    ActivityKind::Crisis,
    ActivityKind::Mdt,
];
const SETTINGS: [&str; 8] = [
    "Acute medical unit",
    "Emergency department",
    "Ward 7, nights",
    "Surgical assessment unit",
    "Intensive care",
    "GP surgery",
    "Paediatric ward",
    "Education centre",
];
const TAGS: [&str; 8] = [
    "nights",
    "weekend",
    "escalation",
    "teamwork",
    "feedback",
    "rota",
    "safety",
    "teaching",
];
const WORDS: [&str; 64] = [
    "the",
    "team",
    "handover",
    "patients",
    "I",
    "led",
    "we",
    "agreed",
    "plan",
    "registrar",
    "nurse",
    "in",
    "charge",
    "jobs",
    "prioritised",
    "sickest",
    "first",
    "escalated",
    "early",
    "because",
    "felt",
    "pressure",
    "but",
    "stayed",
    "calm",
    "asked",
    "everyone",
    "to",
    "speak",
    "up",
    "next",
    "time",
    "will",
    "start",
    "with",
    "a",
    "clear",
    "summary",
    "and",
    "check",
    "understanding",
    "learned",
    "that",
    "delegation",
    "needs",
    "follow",
    "up",
    "on",
    "the",
    "ward",
    "round",
    "meeting",
    "rota",
    "gap",
    "consultant",
    "supported",
    "decision",
    "made",
    "quickly",
    "safely",
    "reflection",
    "shows",
    "me",
    "how",
];

/// About `target` characters of words from the workload's vocabulary.
pub fn sentence(rng: &mut ChaCha8Rng, target: usize) -> String {
    let mut text = String::with_capacity(target + 16);
    while text.len() < target {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(WORDS.choose(rng).copied().unwrap_or("team"));
    }
    text
}

impl Portfolio {
    /// `count` entries from the fixed seed, dated back from `today`.
    pub fn generate(count: usize, today: Day) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(SEED);
        let domains = [
            "demonstrating_personal_qualities",
            "working_with_others",
            "managing_services",
            "improving_services",
            "setting_direction",
        ];
        let entries = (0..count)
            .map(|index| {
                let capabilities = (0..rng.random_range(1..=3))
                    .filter_map(|_| {
                        let domain = mlcf_domain_by_slug(domains.choose(&mut rng)?)?;
                        domain.choose(&mut rng).map(|c| c.code.to_owned())
                    })
                    .collect();
                let tags = (0..rng.random_range(0..=4))
                    .filter_map(|_| TAGS.choose(&mut rng).map(|t| (*t).to_owned()))
                    .collect();
                WorkloadEntry {
                    id: format!("00000000-0000-4000-8000-{index:012}"),
                    kind: KINDS[rng.random_range(0..KINDS.len())],
                    occurred_on: today.plus_days(-rng.random_range(0..1_500)),
                    setting: SETTINGS
                        .choose(&mut rng)
                        .copied()
                        .unwrap_or_default()
                        .to_owned(),
                    role: [Role::Led, Role::Contributed, Role::Observed][rng.random_range(0..3)],
                    capabilities,
                    title: sentence(&mut rng, 60),
                    reflection: sentence(&mut rng, 800),
                    tags,
                }
            })
            .collect();
        Self { entries }
    }

    /// Parses the `portfolio` part of a workload file in the BENCHMARKS.md format.
    pub fn from_json(json: &str) -> Result<Self, WorkloadError> {
        #[derive(Deserialize)]
        struct File {
            portfolio: Entries,
        }
        #[derive(Deserialize)]
        struct Entries {
            entries: Vec<FileEntry>,
        }
        #[derive(Deserialize)]
        struct FileEntry {
            id: String,
            kind: String,
            occurred_at: String,
            setting: String,
            role: String,
            #[serde(default)]
            domains: Vec<String>,
            title: String,
            reflection: String,
            #[serde(default)]
            tags: Vec<String>,
        }
        let file: File = serde_json::from_str(json)?;
        file.portfolio
            .entries
            .into_iter()
            .map(|entry| {
                let problem = |problem: String| WorkloadError::Entry {
                    id: entry.id.clone(),
                    problem,
                };
                let kind = ActivityKind::from_code(&entry.kind)
                    .ok_or_else(|| problem(format!("unknown kind {:?}", entry.kind)))?;
                let role = match entry.role.as_str() {
                    "lead" => Role::Led,
                    "follow" => Role::Contributed,
                    "observe" => Role::Observed,
                    other => return Err(problem(format!("unknown role {other:?}"))),
                };
                // A file names MLCF domains; entries carry element codes, so each
                // domain is recorded as its first element (only the volume matters).
                let capabilities = entry
                    .domains
                    .iter()
                    .map(|slug| {
                        mlcf_domain_by_slug(slug)
                            .map(|elements| elements[0].code.to_owned())
                            .ok_or_else(|| problem(format!("unknown domain {slug:?}")))
                    })
                    .collect::<Result<_, _>>()?;
                Ok(WorkloadEntry {
                    occurred_on: entry
                        .occurred_at
                        .parse()
                        .map_err(|e: crate::day::InvalidDay| problem(e.to_string()))?,
                    id: entry.id.clone(),
                    kind,
                    setting: entry.setting,
                    role,
                    capabilities,
                    title: entry.title,
                    reflection: entry.reflection,
                    tags: entry.tags,
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|entries| Self { entries })
    }
}

impl WorkloadEntry {
    /// The entry as the document a device would hold.
    pub fn to_document(&self, now: Now, actor: ActorId) -> Result<EntryDoc, WorkloadError> {
        let draft = CaptureDraft {
            kind: Some(self.kind),
            occurred_on: self.occurred_on.to_string(),
            setting: self.setting.clone(),
            role: Some(self.role),
            title: self.title.clone(),
            ..CaptureDraft::default()
        };
        let new = draft
            .validate(now.today)
            .map_err(|errors| WorkloadError::Entry {
                id: self.id.clone(),
                problem: errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            })?;
        let mut doc = EntryDoc::create(&self.id, &new, now, actor)?;
        doc.apply(
            &EntryEdit::Reflection {
                section: "what".into(),
                text: self.reflection.clone(),
            },
            now,
        )?;
        for code in &self.capabilities {
            doc.apply(
                &EntryEdit::Capability {
                    code: code.clone(),
                    tagged: true,
                },
                now,
            )?;
        }
        for tag in &self.tags {
            doc.apply(
                &EntryEdit::Tag {
                    tag: tag.clone(),
                    tagged: true,
                },
                now,
            )?;
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Day {
        Day::from_ymd(2026, 11, 22).expect("exists")
    }

    #[test]
    fn generation_is_deterministic_and_has_the_documented_shape() {
        let first = Portfolio::generate(50, today());
        let second = Portfolio::generate(50, today());
        assert_eq!(first.entries, second.entries);
        for entry in &first.entries {
            assert!((1..=3).contains(&entry.capabilities.len()));
            assert!(entry.tags.len() <= 4);
            assert!((60..80).contains(&entry.title.len()), "{}", entry.title);
            assert!((800..820).contains(&entry.reflection.len()));
            assert!(entry.occurred_on <= today());
        }
    }

    #[test]
    fn generated_entries_become_valid_documents() {
        let now = Now {
            millis: 1_795_000_000_000,
            today: today(),
        };
        for entry in Portfolio::generate(5, today()).entries {
            let doc = entry.to_document(now, ActorId::random()).expect("valid");
            assert_eq!(
                doc.read().expect("reads").reflection["what"],
                entry.reflection
            );
        }
    }

    #[test]
    fn the_seed_gives_the_same_portfolio_as_ever() {
        // Benchmarks are compared across versions only if this never changes.
        let entries = Portfolio::generate(1000, today()).entries;
        let first = &entries[0];
        assert_eq!(first.id, "00000000-0000-4000-8000-000000000000");
        assert_eq!(first.kind, ActivityKind::WardRound);
        assert_eq!(first.occurred_on.to_string(), "2023-01-03");
        assert_eq!(first.setting, "Intensive care");
        assert_eq!(
            first.title,
            "prioritised start to quickly sickest we gap needs stayed escalated"
        );
        let last = &entries[999];
        assert_eq!(last.kind, ActivityKind::Shadowing);
        assert_eq!(last.occurred_on.to_string(), "2024-06-13");
        assert_eq!(last.capabilities, ["mlcf.2.4", "mlcf.5.4", "mlcf.5.2"]);
    }

    #[test]
    fn a_workload_file_maps_roles_and_domains() {
        let portfolio = Portfolio::from_json(
            r#"{"portfolio":{"entries":[{"id":"a","kind":"handover","occurred_at":"2026-01-02",
            "setting":"AMU","role":"follow","domains":["setting_direction"],"title":"t",
            "reflection":"r","tags":["x"]}],"comments":[]},"catch_up":{}}"#,
        )
        .expect("reads");
        assert_eq!(portfolio.entries[0].role, Role::Contributed);
        assert_eq!(
            portfolio.entries[0].capabilities,
            vec!["mlcf.5.1".to_owned()]
        );
        let error = Portfolio::from_json(r#"{"portfolio":{"entries":[{"id":"b","kind":"juggling","occurred_at":"2026-01-02","setting":"","role":"lead","title":"t","reflection":"r"}]}}"#)
            .expect_err("unknown kind");
        assert!(error.to_string().contains("juggling"));
    }
}
