//! The entry as an Automerge document: its layout, reading it into an [`Entry`],
//! changing it through [`EntryEdit`]s, and the schema version with its migrations.
//!
//! Layout (root map):
//! `schema` (uint), `id`, `kind`, `occurred_on`, `setting`, `rotation`, `mode`, `role`,
//! `level` (strings, the last three may be absent), `title` and `notes` (Text),
//! `reflection` {`model`, `sections` {key → Text}}, `capabilities`, `tags`, `share`
//! (maps used as sets: key → true), `comments` (map), `created_at`, `updated_at`
//! (ms), `deleted` (bool).
//!
//! Every Text object a later edit may touch is created with the document, so two
//! devices never create the same object concurrently (one of them would lose).

use super::comments::read_comments;
use super::validation::{validate_edit, FieldError};
use super::{Entry, EntryEdit, NewEntry};
use crate::day::Day;
use crate::vocabulary::{ActivityKind, Level, Mode, ReflectiveModel, Role};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{
    ActorId, AutoCommit, ChangeHash, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT,
};
use std::collections::{BTreeMap, BTreeSet};

/// The layout version this code writes. Older documents are migrated when loaded;
/// newer ones are refused with a request to update the app.
pub const SCHEMA_VERSION: u64 = 1;

/// One migration step: upgrades a document from schema `n` to `n + 1`.
type Migration = fn(&mut AutoCommit) -> Result<(), DocumentError>;

/// `MIGRATIONS[n - 1]` upgrades schema `n` to `n + 1`; empty while schema 1 is the only one.
const MIGRATIONS: &[Migration] = &[];

/// Why a document cannot be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("the entry's data is damaged and cannot be read ({0})")]
    Damaged(#[from] automerge::AutomergeError),
    #[error("this entry was saved by a newer version of Waymark (layout {found}); update the app to open it")]
    TooNew { found: u64 },
    #[error("this is not a Waymark entry: {0}")]
    NotAnEntry(String),
    #[error("the entry's {field} is {value:?}, which this version of Waymark does not know; update the app")]
    UnknownValue { field: &'static str, value: String },
    #[error(transparent)]
    Invalid(#[from] FieldError),
}

/// The moment an edit is made, supplied by the caller (`shared` reads no clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Milliseconds since 1970.
    pub millis: i64,
    /// Today's date where the trainee is.
    pub today: Day,
}

/// An entry's Automerge document.
#[derive(Debug, Clone)]
pub struct EntryDoc {
    doc: AutoCommit,
}

impl EntryDoc {
    /// Makes the document of a new entry with id `id`, written by `actor`.
    pub fn create(
        id: &str,
        entry: &NewEntry,
        now: Now,
        actor: ActorId,
    ) -> Result<Self, DocumentError> {
        if id.is_empty() || id.len() > 64 {
            return Err(DocumentError::NotAnEntry(format!(
                "{id:?} is not an entry id"
            )));
        }
        let mut doc = AutoCommit::new().with_actor(actor);
        doc.put(ROOT, "schema", SCHEMA_VERSION)?;
        doc.put(ROOT, "id", id)?;
        doc.put(ROOT, "kind", entry.kind.code())?;
        doc.put(ROOT, "occurred_on", entry.occurred_on.to_string())?;
        doc.put(ROOT, "setting", entry.setting.as_str())?;
        doc.put(ROOT, "rotation", entry.rotation.as_str())?;
        if let Some(mode) = entry.mode {
            doc.put(ROOT, "mode", mode.code())?;
        }
        if let Some(role) = entry.role {
            doc.put(ROOT, "role", role.code())?;
        }
        let title = doc.put_object(ROOT, "title", ObjType::Text)?;
        doc.splice_text(&title, 0, 0, &entry.title)?;
        let notes = doc.put_object(ROOT, "notes", ObjType::Text)?;
        doc.splice_text(&notes, 0, 0, &entry.notes)?;
        let reflection = doc.put_object(ROOT, "reflection", ObjType::Map)?;
        doc.put(&reflection, "model", ReflectiveModel::DEFAULT.code())?;
        let sections = doc.put_object(&reflection, "sections", ObjType::Map)?;
        for model in ReflectiveModel::ALL {
            for prompt in model.prompts() {
                doc.put_object(&sections, prompt.key, ObjType::Text)?;
            }
        }
        for set in ["capabilities", "tags", "share", "comments"] {
            doc.put_object(ROOT, set, ObjType::Map)?;
        }
        doc.put(ROOT, "created_at", now.millis)?;
        doc.put(ROOT, "updated_at", now.millis)?;
        doc.put(ROOT, "deleted", false)?;
        let mut created = Self { doc };
        created.commit(now, "create entry");
        Ok(created)
    }

    /// Loads saved bytes, migrating an older layout; `actor` writes later edits.
    pub fn load(bytes: &[u8], actor: ActorId) -> Result<Self, DocumentError> {
        let doc = AutoCommit::load(bytes)?.with_actor(actor);
        Self::from_automerge(doc, MIGRATIONS)
    }

    /// Wraps a document that arrived by sync, migrating an older layout and checking
    /// that it reads.
    pub fn from_synced(doc: AutoCommit) -> Result<Self, DocumentError> {
        Self::from_automerge(doc, MIGRATIONS)
    }

    fn from_automerge(
        mut doc: AutoCommit,
        migrations: &[Migration],
    ) -> Result<Self, DocumentError> {
        let found = schema_of(&doc)?;
        let newest = migrations.len() as u64 + 1;
        if found > newest {
            return Err(DocumentError::TooNew { found });
        }
        for step in &migrations[(found - 1) as usize..] {
            step(&mut doc)?;
        }
        if found < newest {
            doc.put(ROOT, "schema", newest)?;
            doc.commit_with(CommitOptions::default().with_message("migrate layout"));
        }
        let loaded = Self { doc };
        loaded.read()?;
        Ok(loaded)
    }

    /// The whole document, compressed, for storage.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// The document's current heads (what it has seen).
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// Merges another replica of the same entry into this one; nothing typed on
    /// either side is lost.
    pub fn merge(&mut self, other: &mut EntryDoc) -> Result<(), DocumentError> {
        self.doc.merge(&mut other.doc)?;
        Ok(())
    }

    /// The underlying Automerge document, for the sync protocol.
    pub fn automerge_mut(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    /// Applies one edit, after checking it, and commits it as one change.
    pub fn apply(&mut self, edit: &EntryEdit, now: Now) -> Result<(), DocumentError> {
        validate_edit(edit, now.today)?;
        let doc = &mut self.doc;
        match edit {
            EntryEdit::Kind(kind) => doc.put(ROOT, "kind", kind.code())?,
            EntryEdit::OccurredOn(day) => doc.put(ROOT, "occurred_on", day.to_string())?,
            EntryEdit::Setting(text) => doc.put(ROOT, "setting", text.trim())?,
            EntryEdit::Rotation(text) => doc.put(ROOT, "rotation", text.trim())?,
            EntryEdit::Mode(mode) => put_optional(doc, "mode", mode.map(Mode::code))?,
            EntryEdit::Role(role) => put_optional(doc, "role", role.map(Role::code))?,
            EntryEdit::Level(level) => put_optional(doc, "level", level.map(Level::code))?,
            EntryEdit::Title(text) => set_text(doc, &ROOT, "title", text)?,
            EntryEdit::Notes(text) => set_text(doc, &ROOT, "notes", text)?,
            EntryEdit::ReflectionModel(model) => {
                let reflection = map_at(doc, &ROOT, "reflection")?;
                doc.put(&reflection, "model", model.code())?;
            }
            EntryEdit::Reflection { section, text } => {
                let reflection = map_at(doc, &ROOT, "reflection")?;
                let sections = map_at(doc, &reflection, "sections")?;
                set_text(doc, &sections, section, text)?;
            }
            EntryEdit::Capability { code, tagged } => {
                set_member(doc, "capabilities", code, *tagged)?
            }
            EntryEdit::Tag { tag, tagged } => set_member(doc, "tags", tag.trim(), *tagged)?,
            EntryEdit::Share { user, shared } => set_member(doc, "share", user, *shared)?,
            EntryEdit::Deleted(deleted) => doc.put(ROOT, "deleted", *deleted)?,
        }
        doc.put(ROOT, "updated_at", now.millis)?;
        self.commit(now, "edit entry");
        Ok(())
    }

    /// Reads the document as it stands now.
    pub fn read(&self) -> Result<Entry, DocumentError> {
        read_entry(&self.doc)
    }

    /// Reads a document that arrived by sync without taking it: only an older layout
    /// is copied, to be migrated; the server checks every change this way.
    pub fn read_synced(doc: &AutoCommit) -> Result<Entry, DocumentError> {
        match schema_of(doc)? {
            SCHEMA_VERSION => read_entry(doc),
            found if found > SCHEMA_VERSION => Err(DocumentError::TooNew { found }),
            _ => Self::from_synced(doc.clone())?.read(),
        }
    }

    /// The user ids an entry document's `share` list names, read without taking it:
    /// the server keeps its table of shares in step with this.
    pub fn shares_of(doc: &AutoCommit) -> Result<BTreeSet<String>, DocumentError> {
        members(doc, "share")
    }

    fn commit(&mut self, now: Now, message: &str) {
        self.doc.commit_with(
            CommitOptions::default()
                .with_message(message.to_owned())
                .with_time(now.millis / 1000),
        );
    }
}

/// Reads an entry from its Automerge document.
fn read_entry(doc: &AutoCommit) -> Result<Entry, DocumentError> {
    let id = string_at(doc, &ROOT, "id")?
        .ok_or_else(|| DocumentError::NotAnEntry("it has no id".into()))?;
    let kind_code = string_at(doc, &ROOT, "kind")?
        .ok_or_else(|| DocumentError::NotAnEntry("it has no activity kind".into()))?;
    let kind = ActivityKind::from_code(&kind_code).ok_or(DocumentError::UnknownValue {
        field: "activity kind",
        value: kind_code,
    })?;
    let day_text = string_at(doc, &ROOT, "occurred_on")?.unwrap_or_default();
    let occurred_on = day_text
        .parse::<Day>()
        .map_err(|_| DocumentError::UnknownValue {
            field: "date",
            value: day_text,
        })?;
    let (reflection_model, reflection) = read_reflection(doc)?;
    Ok(Entry {
        id,
        kind,
        occurred_on,
        setting: string_at(doc, &ROOT, "setting")?.unwrap_or_default(),
        rotation: string_at(doc, &ROOT, "rotation")?.unwrap_or_default(),
        mode: optional_code(doc, "mode", Mode::from_code)?,
        role: optional_code(doc, "role", Role::from_code)?,
        level: optional_code(doc, "level", Level::from_code)?,
        title: text_at(doc, &ROOT, "title")?,
        notes: text_at(doc, &ROOT, "notes")?,
        reflection_model,
        reflection,
        capabilities: members(doc, "capabilities")?,
        tags: members(doc, "tags")?,
        share: members(doc, "share")?,
        comments: read_comments(doc)?,
        created_at: int_at(doc, &ROOT, "created_at")?.unwrap_or_default(),
        updated_at: int_at(doc, &ROOT, "updated_at")?.unwrap_or_default(),
        deleted: matches!(
            scalar_at(doc, &ROOT, "deleted")?,
            Some(ScalarValue::Boolean(true))
        ),
    })
}

pub(super) fn bool_at(doc: &AutoCommit, obj: &ObjId, key: &str) -> Result<bool, DocumentError> {
    Ok(matches!(
        scalar_at(doc, obj, key)?,
        Some(ScalarValue::Boolean(true))
    ))
}

fn schema_of(doc: &AutoCommit) -> Result<u64, DocumentError> {
    match scalar_at(doc, &ROOT, "schema")? {
        Some(ScalarValue::Uint(version)) if version >= 1 => Ok(version),
        Some(ScalarValue::Int(version)) if version >= 1 => Ok(version as u64),
        _ => Err(DocumentError::NotAnEntry("it has no layout version".into())),
    }
}

fn scalar_at(
    doc: &AutoCommit,
    obj: &ObjId,
    key: &str,
) -> Result<Option<ScalarValue>, DocumentError> {
    Ok(match doc.get(obj, key)? {
        Some((Value::Scalar(value), _)) => Some(value.into_owned()),
        _ => None,
    })
}

pub(super) fn string_at(
    doc: &AutoCommit,
    obj: &ObjId,
    key: &str,
) -> Result<Option<String>, DocumentError> {
    Ok(match scalar_at(doc, obj, key)? {
        Some(ScalarValue::Str(text)) => Some(text.to_string()),
        _ => None,
    })
}

pub(super) fn int_at(
    doc: &AutoCommit,
    obj: &ObjId,
    key: &str,
) -> Result<Option<i64>, DocumentError> {
    Ok(match scalar_at(doc, obj, key)? {
        Some(ScalarValue::Int(value)) | Some(ScalarValue::Timestamp(value)) => Some(value),
        Some(ScalarValue::Uint(value)) => i64::try_from(value).ok(),
        _ => None,
    })
}

/// Text of a Text object, or of a plain string written by an older or foreign client.
pub(super) fn text_at(doc: &AutoCommit, obj: &ObjId, key: &str) -> Result<String, DocumentError> {
    Ok(match doc.get(obj, key)? {
        Some((Value::Object(ObjType::Text), id)) => doc.text(&id)?,
        Some((Value::Scalar(value), _)) => match value.as_ref() {
            ScalarValue::Str(text) => text.to_string(),
            _ => String::new(),
        },
        _ => String::new(),
    })
}

fn map_at(doc: &mut AutoCommit, obj: &ObjId, key: &str) -> Result<ObjId, DocumentError> {
    match doc.get(obj, key)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Ok(doc.put_object(obj, key, ObjType::Map)?),
    }
}

fn optional_code<T>(
    doc: &AutoCommit,
    key: &'static str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, DocumentError> {
    match string_at(doc, &ROOT, key)? {
        None => Ok(None),
        Some(code) if code.is_empty() => Ok(None),
        Some(code) => parse(&code).map(Some).ok_or(DocumentError::UnknownValue {
            field: key,
            value: code,
        }),
    }
}

fn put_optional(doc: &mut AutoCommit, key: &str, code: Option<&str>) -> Result<(), DocumentError> {
    match code {
        Some(code) => doc.put(ROOT, key, code)?,
        None => doc.delete(ROOT, key)?,
    }
    Ok(())
}

/// Replaces a Text's content through splices (automerge diffs old and new).
fn set_text(doc: &mut AutoCommit, obj: &ObjId, key: &str, text: &str) -> Result<(), DocumentError> {
    match doc.get(obj, key)? {
        Some((Value::Object(ObjType::Text), id)) => doc.update_text(&id, text)?,
        _ => {
            let id = doc.put_object(obj, key, ObjType::Text)?;
            doc.splice_text(&id, 0, 0, text)?;
        }
    }
    Ok(())
}

fn set_member(
    doc: &mut AutoCommit,
    set: &str,
    member: &str,
    present: bool,
) -> Result<(), DocumentError> {
    let set = map_at(doc, &ROOT, set)?;
    if present {
        doc.put(&set, member, true)?;
    } else if doc.get(&set, member)?.is_some() {
        doc.delete(&set, member)?;
    }
    Ok(())
}

fn members(doc: &AutoCommit, set: &str) -> Result<BTreeSet<String>, DocumentError> {
    Ok(match doc.get(ROOT, set)? {
        Some((Value::Object(ObjType::Map), id)) => doc.keys(&id).collect(),
        _ => BTreeSet::new(),
    })
}

fn read_reflection(
    doc: &AutoCommit,
) -> Result<(ReflectiveModel, BTreeMap<String, String>), DocumentError> {
    let Some((Value::Object(ObjType::Map), reflection)) = doc.get(ROOT, "reflection")? else {
        return Ok((ReflectiveModel::DEFAULT, BTreeMap::new()));
    };
    let model = match string_at(doc, &reflection, "model")? {
        None => ReflectiveModel::DEFAULT,
        Some(code) => ReflectiveModel::from_code(&code).ok_or(DocumentError::UnknownValue {
            field: "reflective model",
            value: code,
        })?,
    };
    let mut sections = BTreeMap::new();
    if let Some((Value::Object(ObjType::Map), id)) = doc.get(&reflection, "sections")? {
        for key in doc.keys(&id) {
            let text = text_at(doc, &id, &key)?;
            if !text.is_empty() {
                sections.insert(key, text);
            }
        }
    }
    Ok((model, sections))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::CaptureDraft;

    pub(crate) fn now() -> Now {
        Now {
            millis: 1_795_000_000_000,
            today: Day::from_ymd(2026, 11, 22).expect("exists"),
        }
    }

    pub(crate) fn new_entry() -> NewEntry {
        CaptureDraft {
            kind: Some(ActivityKind::Handover),
            mode: Some(Mode::Leadership),
            role: Some(Role::Led),
            title: "Led the night handover".into(),
            setting: "Acute medical unit".into(),
            ..CaptureDraft::default()
        }
        .validate(now().today)
        .expect("valid")
    }

    fn actor(name: &str) -> ActorId {
        ActorId::from(name.as_bytes())
    }

    #[test]
    fn a_new_entry_reads_back_as_written() {
        let doc = EntryDoc::create("e1", &new_entry(), now(), actor("phone")).expect("created");
        let entry = doc.read().expect("reads");
        assert_eq!(entry.id, "e1");
        assert_eq!(entry.kind, ActivityKind::Handover);
        assert_eq!(entry.title, "Led the night handover");
        assert_eq!(entry.occurred_on, now().today);
        assert_eq!(entry.role, Some(Role::Led));
        assert_eq!(entry.reflection_model, ReflectiveModel::WhatSoWhatNowWhat);
        assert!(!entry.has_reflection());
        assert!(!entry.deleted);
    }

    #[test]
    fn save_and_load_round_trip() {
        let mut doc = EntryDoc::create("e1", &new_entry(), now(), actor("phone")).expect("created");
        let edit = EntryEdit::Reflection {
            section: "so_what".into(),
            text: "Handover ran late because jobs were not prioritised — naïve of me".into(),
        };
        doc.apply(&edit, now()).expect("applies");
        let bytes = doc.save();
        let loaded = EntryDoc::load(&bytes, actor("laptop")).expect("loads");
        assert_eq!(loaded.read().expect("reads"), doc.read().expect("reads"));
    }

    #[test]
    fn concurrent_edits_to_one_reflection_keep_both_sides_words() {
        let mut phone =
            EntryDoc::create("e1", &new_entry(), now(), actor("phone")).expect("created");
        let section = |text: &str| EntryEdit::Reflection {
            section: "what".into(),
            text: text.into(),
        };
        phone
            .apply(&section("I led handover."), now())
            .expect("applies");
        let mut laptop = EntryDoc::load(&phone.save(), actor("laptop")).expect("loads");

        phone
            .apply(&section("On a busy night, I led handover."), now())
            .expect("phone edit");
        laptop
            .apply(&section("I led handover. It overran by 20 minutes."), now())
            .expect("laptop edit");
        phone.merge(&mut laptop).expect("merges");
        laptop.merge(&mut phone).expect("merges");

        let merged = phone.read().expect("reads");
        assert_eq!(merged, laptop.read().expect("reads"));
        assert_eq!(
            merged.reflection["what"],
            "On a busy night, I led handover. It overran by 20 minutes."
        );
    }

    #[test]
    fn switching_model_keeps_what_was_written() {
        let mut doc = EntryDoc::create("e1", &new_entry(), now(), actor("phone")).expect("created");
        let edit = EntryEdit::Reflection {
            section: "now_what".into(),
            text: "Use a checklist".into(),
        };
        doc.apply(&edit, now()).expect("applies");
        doc.apply(&EntryEdit::ReflectionModel(ReflectiveModel::Gibbs), now())
            .expect("switches");
        let entry = doc.read().expect("reads");
        assert_eq!(entry.reflection_model, ReflectiveModel::Gibbs);
        assert_eq!(entry.reflection["now_what"], "Use a checklist");
        assert!(entry.has_reflection());
    }

    #[test]
    fn sets_delete_and_optional_fields() {
        let mut doc = EntryDoc::create("e1", &new_entry(), now(), actor("phone")).expect("created");
        for edit in [
            EntryEdit::Capability {
                code: "mlcf.2.4".into(),
                tagged: true,
            },
            EntryEdit::Tag {
                tag: " nights ".into(),
                tagged: true,
            },
            EntryEdit::Role(None),
            EntryEdit::Level(Some(Level::Team)),
            EntryEdit::Deleted(true),
        ] {
            doc.apply(&edit, now()).expect("applies");
        }
        let entry = doc.read().expect("reads");
        assert!(entry.capabilities.contains("mlcf.2.4"));
        assert!(entry.tags.contains("nights"));
        assert_eq!(entry.role, None);
        assert_eq!(entry.level, Some(Level::Team));
        assert!(entry.deleted);
        doc.apply(&EntryEdit::Deleted(false), now()).expect("undo");
        doc.apply(
            &EntryEdit::Tag {
                tag: "nights".into(),
                tagged: false,
            },
            now(),
        )
        .expect("untag");
        let entry = doc.read().expect("reads");
        assert!(!entry.deleted && entry.tags.is_empty());
    }

    #[test]
    fn invalid_edits_change_nothing() {
        let mut doc = EntryDoc::create("e1", &new_entry(), now(), actor("phone")).expect("created");
        let before = doc.save();
        let error = doc
            .apply(&EntryEdit::Title(String::new()), now())
            .expect_err("empty title");
        assert!(matches!(error, DocumentError::Invalid(_)));
        assert_eq!(doc.save(), before);
    }

    #[test]
    fn newer_layouts_are_refused_and_older_ones_migrated() {
        let mut doc = EntryDoc::create("e1", &new_entry(), now(), actor("phone")).expect("created");
        doc.automerge_mut().put(ROOT, "schema", 7_u64).expect("put");
        let error = EntryDoc::load(&doc.save(), actor("x")).expect_err("too new");
        assert!(error.to_string().contains("update the app"), "{error}");

        // A two-step history: schema 1 → 2 renames `setting`, 2 → 3 adds a field.
        fn rename_setting(doc: &mut AutoCommit) -> Result<(), DocumentError> {
            let setting = string_at(doc, &ROOT, "setting")?.unwrap_or_default();
            doc.put(ROOT, "setting", format!("{setting} (migrated)"))?;
            Ok(())
        }
        fn add_level(doc: &mut AutoCommit) -> Result<(), DocumentError> {
            doc.put(ROOT, "level", "team")?;
            Ok(())
        }
        let old = EntryDoc::create("e1", &new_entry(), now(), actor("phone")).expect("created");
        let migrated = EntryDoc::from_automerge(old.doc.clone(), &[rename_setting, add_level])
            .expect("migrates");
        let entry = migrated.read().expect("reads");
        assert_eq!(entry.setting, "Acute medical unit (migrated)");
        assert_eq!(entry.level, Some(Level::Team));
        assert_eq!(schema_of(&migrated.doc).expect("schema"), 3);
        assert_eq!(old.read().expect("reads").setting, "Acute medical unit");
    }

    #[test]
    fn bytes_that_are_not_an_entry_are_refused() {
        assert!(matches!(
            EntryDoc::load(b"not automerge", actor("x")),
            Err(DocumentError::Damaged(_))
        ));
        let mut empty = AutoCommit::new();
        let error = EntryDoc::load(&empty.save(), actor("x")).expect_err("no schema");
        assert!(matches!(error, DocumentError::NotAnEntry(_)));
    }
}
