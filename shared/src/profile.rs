//! The trainee's profile: who they are, where they are now, and how they like to work.
//! One Automerge document per user; fields are plain values (the last writer wins,
//! which suits a name or a grade).

use crate::day::Day;
use crate::entry::{DocumentError, Field, FieldError, Limits};
use crate::vocabulary::{Framework, ReflectiveModel};
use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ReadDoc, ScalarValue, Value, ROOT};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The document id every user's profile is stored under on their devices.
pub const PROFILE_DOC_ID: &str = "profile";

/// The post a trainee is in now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rotation {
    /// The post, e.g. "FY2 Acute Medicine".
    pub post: String,
    /// The hospital or practice.
    pub place: String,
    /// First day in post.
    pub starts_on: Option<Day>,
    /// Last day in post.
    pub ends_on: Option<Day>,
}

impl Rotation {
    /// How the rotation is named on entries: the post, and where.
    pub fn label(&self) -> String {
        match (self.post.trim(), self.place.trim()) {
            ("", "") => String::new(),
            (post, "") => post.to_owned(),
            ("", place) => place.to_owned(),
            (post, place) => format!("{post}, {place}"),
        }
    }
}

/// A trainee's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    pub display_name: String,
    /// e.g. "FY2", "ST4", "GPST1".
    pub grade: String,
    pub specialty: String,
    pub rotation: Rotation,
    /// The framework capabilities are tagged from.
    pub framework: Framework,
    /// The model new reflections start in.
    pub reflective_model: ReflectiveModel,
    /// Comments this user has read, as `entry id/comment id` (see [`seen_key`]), so
    /// new feedback shows as unread on every device until it is opened on one.
    pub seen: BTreeSet<String>,
}

/// How a read comment is remembered in [`Profile::seen`].
pub fn seen_key(entry_id: &str, comment_id: &str) -> String {
    format!("{entry_id}/{comment_id}")
}

/// Read marks are top-level keys with this prefix: two devices marking at once
/// never create the same map concurrently (one of the two maps would be lost).
const SEEN_PREFIX: &str = "seen/";

impl Default for Profile {
    fn default() -> Self {
        Self {
            display_name: String::new(),
            grade: String::new(),
            specialty: String::new(),
            rotation: Rotation::default(),
            framework: Framework::DEFAULT,
            reflective_model: ReflectiveModel::DEFAULT,
            seen: BTreeSet::new(),
        }
    }
}

impl Profile {
    /// Checks the profile, reporting every problem at once.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        for (text, what) in [
            (&self.display_name, "Name"),
            (&self.grade, "Grade"),
            (&self.specialty, "Specialty"),
            (&self.rotation.post, "Post"),
            (&self.rotation.place, "Place"),
        ] {
            let length = text.chars().count();
            if length > Limits::SHORT_TEXT {
                errors.push(FieldError::new(
                    Field::Rotation,
                    format!(
                        "{what}: keep it to {} characters (it has {length})",
                        Limits::SHORT_TEXT
                    ),
                ));
            }
        }
        if let (Some(start), Some(end)) = (self.rotation.starts_on, self.rotation.ends_on) {
            if end < start {
                errors.push(FieldError::new(
                    Field::Rotation,
                    "the rotation ends before it starts: check the dates",
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The profile's Automerge document.
#[derive(Debug, Clone)]
pub struct ProfileDoc {
    doc: AutoCommit,
}

impl ProfileDoc {
    /// An empty profile, written by `actor`.
    pub fn new(actor: ActorId) -> Self {
        Self {
            doc: AutoCommit::new().with_actor(actor),
        }
    }

    /// Loads saved bytes; `actor` writes later changes.
    pub fn load(bytes: &[u8], actor: ActorId) -> Result<Self, DocumentError> {
        Ok(Self {
            doc: AutoCommit::load(bytes)?.with_actor(actor),
        })
    }

    /// The underlying Automerge document, for the sync protocol.
    pub fn automerge_mut(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    /// The whole document, for storage.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// Writes the fields that differ from what is stored, after checking them.
    pub fn update(&mut self, profile: &Profile) -> Result<(), DocumentError> {
        if let Err(errors) = profile.validate() {
            if let Some(first) = errors.into_iter().next() {
                return Err(first.into());
            }
        }
        let current = self.read();
        let day = |day: Option<Day>| day.map(|day| day.to_string()).unwrap_or_default();
        let fields = [
            (
                "display_name",
                current.display_name,
                profile.display_name.trim().to_owned(),
            ),
            ("grade", current.grade, profile.grade.trim().to_owned()),
            (
                "specialty",
                current.specialty,
                profile.specialty.trim().to_owned(),
            ),
            (
                "rotation_post",
                current.rotation.post,
                profile.rotation.post.trim().to_owned(),
            ),
            (
                "rotation_place",
                current.rotation.place,
                profile.rotation.place.trim().to_owned(),
            ),
            (
                "rotation_starts_on",
                day(current.rotation.starts_on),
                day(profile.rotation.starts_on),
            ),
            (
                "rotation_ends_on",
                day(current.rotation.ends_on),
                day(profile.rotation.ends_on),
            ),
            (
                "framework",
                current.framework.code().to_owned(),
                profile.framework.code().to_owned(),
            ),
            (
                "reflective_model",
                current.reflective_model.code().to_owned(),
                profile.reflective_model.code().to_owned(),
            ),
        ];
        for (key, old, new) in fields {
            if old != new {
                self.doc.put(ROOT, key, new)?;
            }
        }
        self.doc.commit();
        Ok(())
    }

    /// Remembers that the user has read these comments (keys from [`seen_key`]);
    /// returns whether anything was new.
    pub fn mark_seen<'a>(
        &mut self,
        keys: impl IntoIterator<Item = &'a str>,
    ) -> Result<bool, DocumentError> {
        let mut changed = false;
        for key in keys {
            let prop = format!("{SEEN_PREFIX}{key}");
            if self.doc.get(ROOT, prop.as_str())?.is_none() {
                self.doc.put(ROOT, prop, true)?;
                changed = true;
            }
        }
        if changed {
            self.doc.commit();
        }
        Ok(changed)
    }

    /// Reads the profile; unknown or missing values fall back to the defaults.
    pub fn read(&self) -> Profile {
        let text = |key: &str| match self.doc.get(ROOT, key) {
            Ok(Some((Value::Scalar(value), _))) => match value.as_ref() {
                ScalarValue::Str(text) => text.to_string(),
                _ => String::new(),
            },
            _ => String::new(),
        };
        Profile {
            display_name: text("display_name"),
            grade: text("grade"),
            specialty: text("specialty"),
            rotation: Rotation {
                post: text("rotation_post"),
                place: text("rotation_place"),
                starts_on: text("rotation_starts_on").parse().ok(),
                ends_on: text("rotation_ends_on").parse().ok(),
            },
            framework: Framework::from_code(&text("framework")).unwrap_or(Framework::DEFAULT),
            reflective_model: ReflectiveModel::from_code(&text("reflective_model"))
                .unwrap_or(ReflectiveModel::DEFAULT),
            seen: self
                .doc
                .keys(ROOT)
                .filter_map(|key| key.strip_prefix(SEEN_PREFIX).map(str::to_owned))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_round_trips_and_merges_field_by_field() {
        let mut phone = ProfileDoc::new(ActorId::from(b"phone".as_slice()));
        let mut profile = Profile {
            display_name: "Sam Okafor".into(),
            grade: "FY2".into(),
            ..Profile::default()
        };
        phone.update(&profile).expect("valid");
        let mut laptop =
            ProfileDoc::load(&phone.save(), ActorId::from(b"laptop".as_slice())).expect("loads");

        profile.grade = "CT1".into();
        phone.update(&profile).expect("valid");
        let mut on_laptop = laptop.read();
        on_laptop.framework = Framework::Hlm;
        laptop.update(&on_laptop).expect("valid");

        phone.doc.merge(&mut laptop.doc).expect("merges");
        let merged = phone.read();
        assert_eq!(merged.grade, "CT1");
        assert_eq!(merged.framework, Framework::Hlm);
        assert_eq!(merged.display_name, "Sam Okafor");
    }

    #[test]
    fn read_marks_made_on_two_devices_both_survive() {
        let mut phone = ProfileDoc::new(ActorId::from(b"phone".as_slice()));
        let mut laptop =
            ProfileDoc::load(&phone.save(), ActorId::from(b"laptop".as_slice())).expect("loads");
        assert!(phone
            .mark_seen([seen_key("e1", "c1").as_str()])
            .expect("marks"));
        assert!(laptop.mark_seen(["e2/c9"]).expect("marks"));
        assert!(!laptop.mark_seen(["e2/c9"]).expect("marks"), "already seen");
        phone.doc.merge(&mut laptop.doc).expect("merges");
        let seen = phone.read().seen;
        assert!(seen.contains("e1/c1") && seen.contains("e2/c9"), "{seen:?}");
    }

    #[test]
    fn a_rotation_that_ends_before_it_starts_is_refused() {
        let profile = Profile {
            rotation: Rotation {
                post: "FY1 Surgery".into(),
                place: String::new(),
                starts_on: Day::from_ymd(2026, 8, 5),
                ends_on: Day::from_ymd(2026, 4, 1),
            },
            ..Profile::default()
        };
        let errors = profile.validate().expect_err("invalid");
        assert!(errors[0].message.contains("ends before it starts"));
        let mut doc = ProfileDoc::new(ActorId::random());
        assert!(doc.update(&profile).is_err());
        assert_eq!(doc.read(), Profile::default());
        assert_eq!(profile.rotation.label(), "FY1 Surgery");
    }
}
