//! The entry: one leadership activity and its reflection.
//!
//! [`Entry`] is the plain value the app shows and lists; [`EntryDoc`] is the Automerge
//! document it lives in, changed only through [`EntryEdit`]s so that free text is always
//! spliced (two devices editing one reflection both keep their words).

mod comments;
mod document;
mod draft;
mod validation;

pub(crate) use comments::{comment_at, CommentFacts};
pub use comments::{Author, Comment, CommentDraft};
pub use document::{DocumentError, EntryDoc, Now, SCHEMA_VERSION};
pub use draft::{CaptureDraft, NewEntry};
pub use validation::{Field, FieldError, Limits};

use crate::day::Day;
use crate::vocabulary::{ActivityKind, Level, Mode, ReflectiveModel, Role};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One entry as it reads now: what the list, the entry screen and exports show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Stable id (a UUID made on the device that created it).
    pub id: String,
    /// What kind of leadership moment it was.
    pub kind: ActivityKind,
    /// The day it happened.
    pub occurred_on: Day,
    /// Where it happened, e.g. "Ward 7, night shift".
    pub setting: String,
    /// The post the trainee was in.
    pub rotation: String,
    /// Leadership, management or followership, once the trainee names it.
    pub mode: Option<Mode>,
    /// The trainee's part.
    pub role: Option<Role>,
    /// The level it operated at.
    pub level: Option<Level>,
    /// A short title.
    pub title: String,
    /// Short notes made at the time.
    pub notes: String,
    /// The model the reflection is written in.
    pub reflection_model: ReflectiveModel,
    /// Reflection text by section key; sections of other models are kept, not lost.
    pub reflection: BTreeMap<String, String>,
    /// Capability codes from the frameworks.
    pub capabilities: BTreeSet<String>,
    /// The trainee's own tags.
    pub tags: BTreeSet<String>,
    /// Ids of supervisors it is shared with.
    pub share: BTreeSet<String>,
    /// Feedback and replies, oldest first. Summaries stored on a device before
    /// supervision existed have none, and must still read.
    #[serde(default)]
    pub comments: Vec<Comment>,
    /// When it was created, in milliseconds since 1970.
    pub created_at: i64,
    /// When it was last changed, in milliseconds since 1970.
    pub updated_at: i64,
    /// Deleted entries are kept (so a delete can be undone and synced) but not listed.
    pub deleted: bool,
}

impl Entry {
    /// The reflection text of the entry's current model, section by section.
    pub fn reflection_sections(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        self.reflection_model.prompts().iter().map(|prompt| {
            let text = self.reflection.get(prompt.key).map(String::as_str);
            (prompt.key, text.unwrap_or_default())
        })
    }

    /// Whether any reflection has been written yet, in any model.
    pub fn has_reflection(&self) -> bool {
        self.reflection.values().any(|text| !text.trim().is_empty())
    }

    /// Whether a supervisor has signed the entry off.
    pub fn is_signed_off(&self) -> bool {
        self.comments.iter().any(|comment| comment.signed_off)
    }

    /// The most recent entrustment level any supervisor recorded, if one did.
    pub fn entrustment(&self) -> Option<crate::vocabulary::Entrustment> {
        self.comments
            .iter()
            .rev()
            .find_map(|comment| comment.entrustment)
    }

    /// Whether `user` has commented on the entry yet.
    pub fn has_feedback_from(&self, user: &str) -> bool {
        self.comments.iter().any(|comment| comment.author == user)
    }

    /// Whether `query` (already lower-cased) appears in the entry's words.
    pub fn matches_text(&self, query: &str) -> bool {
        let query = query.trim();
        if query.is_empty() {
            return true;
        }
        [&self.title, &self.notes, &self.setting, &self.rotation]
            .into_iter()
            .chain(self.reflection.values())
            .chain(self.tags.iter())
            .any(|text| text.to_lowercase().contains(query))
            || self.kind.label().to_lowercase().contains(query)
    }
}

/// One change a person makes to an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryEdit {
    Kind(ActivityKind),
    OccurredOn(Day),
    Setting(String),
    Rotation(String),
    Mode(Option<Mode>),
    Role(Option<Role>),
    Level(Option<Level>),
    Title(String),
    Notes(String),
    ReflectionModel(ReflectiveModel),
    /// Replaces the text of one reflection section (applied as splices).
    Reflection {
        section: String,
        text: String,
    },
    Capability {
        code: String,
        tagged: bool,
    },
    Tag {
        tag: String,
        tagged: bool,
    },
    /// Shares the entry with a supervisor (by user id), or stops sharing it.
    Share {
        user: String,
        shared: bool,
    },
    Deleted(bool),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_stored_before_feedback_existed_still_reads() {
        let stored = r#"{"id":"e1","kind":"handover","occurred_on":"2026-11-20","setting":"",
            "rotation":"","mode":null,"role":null,"level":null,"title":"Led handover",
            "notes":"","reflection_model":"what_so_what_now_what","reflection":{},
            "capabilities":[],"tags":[],"share":[],"created_at":1,"updated_at":1,
            "deleted":false}"#;
        let entry: Entry = serde_json::from_str(stored).expect("an older summary reads");
        assert!(entry.comments.is_empty());
        assert_eq!(entry.title, "Led handover");
    }
}
