//! The rules an entry's fields must keep, with messages written for trainees.

use super::EntryEdit;
use crate::day::Day;
use crate::vocabulary::{capability, ReflectiveModel};
use std::fmt;

/// Size limits, generous for people and small enough to keep documents light.
pub struct Limits;

impl Limits {
    pub const TITLE: usize = 200;
    pub const SHORT_TEXT: usize = 120;
    pub const LONG_TEXT: usize = 20_000;
    pub const TAG: usize = 40;
    pub const TAGS: usize = 30;
    /// A comment is feedback "on the run", not an essay.
    pub const COMMENT: usize = 4_000;
    /// How far back an entry may be dated (years), to catch a mistyped century.
    pub const YEARS_BACK: i32 = 60;
}

/// A field of an entry, named as the trainee sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Kind,
    OccurredOn,
    Setting,
    Rotation,
    Mode,
    Role,
    Title,
    Notes,
    Reflection,
    Capabilities,
    Tags,
    Sharing,
    Comment,
}

impl Field {
    /// The field's label on screen.
    pub const fn label(self) -> &'static str {
        match self {
            Field::Kind => "Activity",
            Field::OccurredOn => "Date",
            Field::Setting => "Setting",
            Field::Rotation => "Rotation",
            Field::Mode => "Mode",
            Field::Role => "Your role",
            Field::Title => "Title",
            Field::Notes => "Notes",
            Field::Reflection => "Reflection",
            Field::Capabilities => "Capabilities",
            Field::Tags => "Tags",
            Field::Sharing => "Shared with",
            Field::Comment => "Comment",
        }
    }
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", field.label())]
pub struct FieldError {
    /// The field at fault.
    pub field: Field,
    /// What to do about it, for the trainee.
    pub message: String,
}

impl FieldError {
    pub(crate) fn new(field: Field, message: impl fmt::Display) -> Self {
        Self {
            field,
            message: message.to_string(),
        }
    }
}

pub(crate) fn check_length(field: Field, text: &str, max: usize) -> Result<(), FieldError> {
    let length = text.chars().count();
    if length > max {
        return Err(FieldError::new(
            field,
            format!("keep it to {max} characters (it has {length})"),
        ));
    }
    Ok(())
}

pub(crate) fn check_day(day: Day, today: Day) -> Result<(), FieldError> {
    if day > today {
        return Err(FieldError::new(
            Field::OccurredOn,
            "the date is in the future: log things that have happened",
        ));
    }
    if day.year() < today.year() - Limits::YEARS_BACK {
        return Err(FieldError::new(
            Field::OccurredOn,
            format!(
                "{day} is more than {} years ago: check the year",
                Limits::YEARS_BACK
            ),
        ));
    }
    Ok(())
}

pub(crate) fn check_title(title: &str) -> Result<(), FieldError> {
    if title.trim().is_empty() {
        return Err(FieldError::new(
            Field::Title,
            "give it a short title, e.g. \"Led the night handover\"",
        ));
    }
    check_length(Field::Title, title, Limits::TITLE)
}

/// Checks one edit against the rules, as of `today`.
pub fn validate_edit(edit: &EntryEdit, today: Day) -> Result<(), FieldError> {
    match edit {
        EntryEdit::Kind(_)
        | EntryEdit::Mode(_)
        | EntryEdit::Role(_)
        | EntryEdit::Level(_)
        | EntryEdit::ReflectionModel(_)
        | EntryEdit::Deleted(_) => Ok(()),
        EntryEdit::OccurredOn(day) => check_day(*day, today),
        EntryEdit::Setting(text) => check_length(Field::Setting, text, Limits::SHORT_TEXT),
        EntryEdit::Rotation(text) => check_length(Field::Rotation, text, Limits::SHORT_TEXT),
        EntryEdit::Title(text) => check_title(text),
        EntryEdit::Notes(text) => check_length(Field::Notes, text, Limits::LONG_TEXT),
        EntryEdit::Reflection { section, text } => {
            let known = ReflectiveModel::ALL
                .iter()
                .flat_map(|model| model.prompts())
                .any(|prompt| prompt.key == section);
            if !known {
                return Err(FieldError::new(
                    Field::Reflection,
                    format!("there is no reflection section called {section:?}"),
                ));
            }
            check_length(Field::Reflection, text, Limits::LONG_TEXT)
        }
        EntryEdit::Capability { code, .. } => {
            if capability(code).is_none() {
                return Err(FieldError::new(
                    Field::Capabilities,
                    format!("{code:?} is not a capability of any framework Waymark knows"),
                ));
            }
            Ok(())
        }
        EntryEdit::Share { user, .. } => {
            if user.trim().is_empty() || user.len() > 64 {
                return Err(FieldError::new(
                    Field::Sharing,
                    "choose one of your supervisors to share it with",
                ));
            }
            Ok(())
        }
        EntryEdit::Tag { tag, .. } => {
            if tag.trim().is_empty() {
                return Err(FieldError::new(
                    Field::Tags,
                    "a tag needs at least one letter",
                ));
            }
            check_length(Field::Tags, tag, Limits::TAG)
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
    fn dates_must_have_happened_and_be_plausible() {
        assert!(validate_edit(&EntryEdit::OccurredOn(today()), today()).is_ok());
        let tomorrow = EntryEdit::OccurredOn(today().plus_days(1));
        let error = validate_edit(&tomorrow, today()).expect_err("future");
        assert_eq!(error.field, Field::OccurredOn);
        assert!(error.message.contains("future"));
        let long_ago = EntryEdit::OccurredOn(Day::from_ymd(1926, 1, 1).expect("exists"));
        assert!(validate_edit(&long_ago, today()).is_err());
    }

    #[test]
    fn titles_are_required_and_bounded() {
        assert!(validate_edit(&EntryEdit::Title("   ".into()), today()).is_err());
        assert!(validate_edit(&EntryEdit::Title("x".repeat(201)), today()).is_err());
        assert!(validate_edit(&EntryEdit::Title("Led handover".into()), today()).is_ok());
    }

    #[test]
    fn unknown_codes_are_refused_with_their_name() {
        let error = validate_edit(
            &EntryEdit::Capability {
                code: "mlcf.9.9".into(),
                tagged: true,
            },
            today(),
        )
        .expect_err("unknown");
        assert!(error.to_string().contains("mlcf.9.9"));
        let section = EntryEdit::Reflection {
            section: "gossip".into(),
            text: String::new(),
        };
        assert!(validate_edit(&section, today()).is_err());
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let setting = "é".repeat(Limits::SHORT_TEXT);
        assert!(validate_edit(&EntryEdit::Setting(setting), today()).is_ok());
    }
}
