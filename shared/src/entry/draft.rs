//! The quick-capture form: what the trainee has typed so far (kept on the device
//! between visits) and its check into a [`NewEntry`].

use super::validation::{check_day, check_length, check_title, Field, FieldError, Limits};
use crate::day::Day;
use crate::vocabulary::{ActivityKind, Mode, Role};
use serde::{Deserialize, Serialize};

/// The capture form as typed; every field may still be missing or wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaptureDraft {
    pub kind: Option<ActivityKind>,
    /// As typed in the date field (`YYYY-MM-DD`); empty means today.
    pub occurred_on: String,
    pub setting: String,
    pub rotation: String,
    pub mode: Option<Mode>,
    pub role: Option<Role>,
    pub title: String,
    pub notes: String,
}

/// A checked new entry, ready to become a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub kind: ActivityKind,
    pub occurred_on: Day,
    pub setting: String,
    pub rotation: String,
    pub mode: Option<Mode>,
    pub role: Option<Role>,
    pub title: String,
    pub notes: String,
}

impl CaptureDraft {
    /// Whether nothing has been entered yet.
    pub fn is_empty(&self) -> bool {
        *self == CaptureDraft::default()
    }

    /// Checks the draft as of `today`, returning every problem at once so the form
    /// can mark each field.
    pub fn validate(&self, today: Day) -> Result<NewEntry, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = self.kind;
        if kind.is_none() {
            errors.push(FieldError::new(
                Field::Kind,
                "choose what kind of activity it was",
            ));
        }
        let occurred_on = if self.occurred_on.trim().is_empty() {
            Some(today)
        } else {
            match self.occurred_on.parse::<Day>() {
                Ok(day) => Some(day),
                Err(error) => {
                    errors.push(FieldError::new(Field::OccurredOn, error));
                    None
                }
            }
        };
        let mut collect = |result: Result<(), FieldError>| {
            if let Err(error) = result {
                errors.push(error);
            }
        };
        if let Some(day) = occurred_on {
            collect(check_day(day, today));
        }
        collect(check_length(
            Field::Setting,
            &self.setting,
            Limits::SHORT_TEXT,
        ));
        collect(check_length(
            Field::Rotation,
            &self.rotation,
            Limits::SHORT_TEXT,
        ));
        collect(check_title(&self.title));
        collect(check_length(Field::Notes, &self.notes, Limits::LONG_TEXT));
        match (kind, occurred_on) {
            (Some(kind), Some(occurred_on)) if errors.is_empty() => Ok(NewEntry {
                kind,
                occurred_on,
                setting: self.setting.trim().to_owned(),
                rotation: self.rotation.trim().to_owned(),
                mode: self.mode,
                role: self.role,
                title: self.title.trim().to_owned(),
                notes: self.notes.clone(),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Day {
        Day::from_ymd(2026, 11, 22).expect("exists")
    }

    #[test]
    fn three_taps_and_a_title_make_a_valid_entry() {
        let draft = CaptureDraft {
            kind: Some(ActivityKind::Handover),
            mode: Some(Mode::Leadership),
            role: Some(Role::Led),
            title: "Led the night handover".into(),
            ..CaptureDraft::default()
        };
        let entry = draft.validate(today()).expect("valid");
        assert_eq!(entry.occurred_on, today(), "the date defaults to today");
        assert_eq!(entry.kind, ActivityKind::Handover);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let draft = CaptureDraft {
            occurred_on: "31/02/2026".into(),
            ..CaptureDraft::default()
        };
        let errors = draft.validate(today()).expect_err("invalid");
        let fields: Vec<Field> = errors.iter().map(|error| error.field).collect();
        assert_eq!(fields, vec![Field::Kind, Field::OccurredOn, Field::Title]);
        assert!(
            errors[1].message.contains("2026-03-31"),
            "{}",
            errors[1].message
        );
    }

    #[test]
    fn a_future_date_is_refused() {
        let draft = CaptureDraft {
            kind: Some(ActivityKind::Teaching),
            title: "Taught".into(),
            occurred_on: today().plus_days(3).to_string(),
            ..CaptureDraft::default()
        };
        let errors = draft.validate(today()).expect_err("future");
        assert_eq!(errors[0].field, Field::OccurredOn);
    }

    #[test]
    fn drafts_survive_json_even_when_partial() {
        let draft: CaptureDraft =
            serde_json::from_str(r#"{"title":"half typed"}"#).expect("partial draft loads");
        assert_eq!(draft.title, "half typed");
        assert!(!draft.is_empty());
    }
}
