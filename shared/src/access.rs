//! Who may change what in an entry (DESIGN.md, "Access control"). The server applies
//! incoming changes to a copy of the document, diffs it, and checks every touched
//! path here before anything is stored: a supervisor may add comments and edit only
//! their own; only the owner may change anything else, `share` included; nobody may
//! change another person's comment, and only a supervisor may assess.

use crate::entry::{comment_at, CommentFacts};
use automerge::{AutoCommit, ChangeHash, ObjId, Patch, PatchAction, Prop, ReadDoc, ROOT};
use std::collections::BTreeSet;

/// Who is writing, as the server knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer<'a> {
    /// The trainee whose entry it is.
    Owner(&'a str),
    /// A supervisor the entry is shared with.
    Reader(&'a str),
}

impl Writer<'_> {
    fn id(&self) -> &str {
        match self {
            Writer::Owner(id) | Writer::Reader(id) => id,
        }
    }
}

/// Why a change was refused, in words for the person who made it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Forbidden(pub String);

/// Checks every change to `doc` since `before` against what `writer` may touch.
pub fn check_entry_changes(
    doc: &mut AutoCommit,
    before: &[ChangeHash],
    writer: Writer,
) -> Result<(), Forbidden> {
    match writer {
        Writer::Owner(_) => check_owner_changes(doc, before, writer),
        Writer::Reader(_) => check_reader_changes(doc, before, writer),
    }
}

/// The owner may change anything but other people's comments and assessments, so
/// only the feedback thread is diffed: an owner's edit costs what it did to comments.
fn check_owner_changes(
    doc: &mut AutoCommit,
    before: &[ChangeHash],
    writer: Writer,
) -> Result<(), Forbidden> {
    let replaced =
        || Forbidden("The feedback thread cannot be replaced; add or edit single comments.".into());
    let was = comments_object(doc.get_at(ROOT, "comments", before));
    let is = comments_object(doc.get(ROOT, "comments"));
    let touched: BTreeSet<String> = match (was, is) {
        (_, None) if before.is_empty() => BTreeSet::new(),
        (Some(_), None) => return Err(replaced()),
        (None, None) => BTreeSet::new(),
        (Some(was), Some(is)) if was != is => return Err(replaced()),
        // A thread that did not exist before: every comment in it is new.
        (None, Some(is)) => doc.keys(&is).collect(),
        (Some(_), Some(is)) => {
            let after = doc.get_heads();
            let patches = doc
                .diff_obj(&is, before, &after, true)
                .map_err(|_| Forbidden("The feedback thread could not be read.".into()))?;
            patches
                .iter()
                .filter_map(|patch| comment_touched(patch, &is))
                .collect()
        }
    };
    let after = doc.get_heads();
    for id in touched {
        check_comment(doc, &id, before, &after, writer)?;
    }
    Ok(())
}

fn comments_object(
    found: Result<Option<(automerge::Value<'_>, ObjId)>, automerge::AutomergeError>,
) -> Option<ObjId> {
    match found {
        Ok(Some((automerge::Value::Object(automerge::ObjType::Map), id))) => Some(id),
        _ => None,
    }
}

/// The id of the comment a patch inside the thread `thread` touches.
fn comment_touched(patch: &Patch, thread: &ObjId) -> Option<String> {
    let key = |prop: &Prop| match prop {
        Prop::Map(key) => Some(key.clone()),
        Prop::Seq(_) => None,
    };
    if &patch.obj == thread {
        return match &patch.action {
            PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => Some(key.clone()),
            PatchAction::Increment { prop, .. } | PatchAction::Conflict { prop } => key(prop),
            _ => None,
        };
    }
    let at = patch.path.iter().position(|(obj, _)| obj == thread)?;
    key(&patch.path[at].1)
}

/// A supervisor may touch their own comments and nothing else: the whole change set
/// is diffed, so even a write that loses a conflict (and so changes nothing visible)
/// is seen.
fn check_reader_changes(
    doc: &mut AutoCommit,
    before: &[ChangeHash],
    writer: Writer,
) -> Result<(), Forbidden> {
    let after = doc.get_heads();
    let patches = doc.diff(before, &after);
    let mut comments = BTreeSet::new();
    for patch in &patches {
        match touched(patch) {
            Touched::Field(field) => return Err(Forbidden(reader_may_not(field))),
            Touched::Comment(id) => {
                comments.insert(id);
            }
            Touched::AllComments => {
                return Err(Forbidden(
                    "The feedback thread cannot be replaced; add or edit single comments.".into(),
                ))
            }
        }
    }
    for id in comments {
        check_comment(doc, &id, before, &after, writer)?;
    }
    Ok(())
}

/// Part of the entry a patch touches.
enum Touched<'a> {
    /// A top-level field other than `comments`.
    Field(&'a str),
    /// One comment (or something inside it).
    Comment(String),
    /// The `comments` map itself.
    AllComments,
}

fn touched(patch: &Patch) -> Touched<'_> {
    let key_of = |prop: &Prop| match prop {
        Prop::Map(key) => Some(key.clone()),
        Prop::Seq(_) => None,
    };
    // The key the action changes in `patch.obj`, for actions on maps.
    let action_key = match &patch.action {
        PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => Some(key.clone()),
        PatchAction::Increment { prop, .. } | PatchAction::Conflict { prop } => key_of(prop),
        _ => None,
    };
    let mut keys = patch
        .path
        .iter()
        .map(|(_, prop)| key_of(prop))
        .chain(std::iter::once(action_key));
    match keys.next().flatten() {
        Some(top) if top == "comments" => match keys.next().flatten() {
            Some(id) => Touched::Comment(id),
            None => Touched::AllComments,
        },
        Some(top) => Touched::Field(field_name(&top)),
        None => Touched::Field("layout"),
    }
}

/// A top-level key as people know it (static, so messages need no allocation here).
fn field_name(key: &str) -> &'static str {
    match key {
        "share" => "share",
        "title" => "title",
        "notes" => "notes",
        "reflection" => "reflection",
        "capabilities" => "capabilities",
        "tags" => "tags",
        "deleted" => "deleted",
        "kind" | "occurred_on" | "setting" | "rotation" | "mode" | "role" | "level" => "details",
        _ => "layout",
    }
}

fn reader_may_not(field: &str) -> String {
    match field {
        "share" => "Only the trainee can change who an entry is shared with.".into(),
        "deleted" => "Only the trainee can delete or restore their entry.".into(),
        "details" => "Supervisors can add and edit their own comments only; this change also touches the entry's details.".into(),
        "layout" => "Supervisors can add and edit their own comments only; this change also touches the entry itself.".into(),
        other => format!("Supervisors can add and edit their own comments only; this change also touches the entry's {other}."),
    }
}

fn check_comment(
    doc: &AutoCommit,
    id: &str,
    before: &[ChangeHash],
    after: &[ChangeHash],
    writer: Writer,
) -> Result<(), Forbidden> {
    let unreadable = |_| Forbidden("The comment could not be read.".into());
    let was: Option<CommentFacts> = comment_at(doc, id, before).map_err(unreadable)?;
    let is: Option<CommentFacts> = comment_at(doc, id, after).map_err(unreadable)?;
    if let Some(was) = &was {
        if was.author != writer.id() {
            return Err(Forbidden(
                "That comment is someone else's; only its author can change it.".into(),
            ));
        }
    }
    if let Some(is) = &is {
        if is.author != writer.id() {
            return Err(Forbidden(
                "A comment must be written under your own name.".into(),
            ));
        }
        if is.assesses && matches!(writer, Writer::Owner(_)) {
            return Err(Forbidden(
                "Only a supervisor can record an entrustment level or sign an entry off.".into(),
            ));
        }
    }
    Ok(())
}
