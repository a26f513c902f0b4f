//! Feedback on an entry (DOMAIN.md, "Feedback and assessment"): comments by
//! supervisors and the trainee's replies, an entrustment level and a sign-off.
//!
//! Layout: the entry's `comments` map holds comment id → {`author` (user id),
//! `author_name`, `body` (Text), `created_at` (ms), `entrustment` (code, optional),
//! `signed_off` (bool)}. Only a comment's author may change it; the server enforces
//! that (see [`crate::access`]), so a comment never touches the entry's other fields.

use super::document::{bool_at, int_at, string_at, text_at, DocumentError};
use super::validation::{check_length, Field, FieldError, Limits};
use super::EntryDoc;
use crate::vocabulary::Entrustment;
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, Value, ROOT};
use serde::{Deserialize, Serialize};

/// One comment in an entry's feedback thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    /// Stable id (a UUID made on the device that wrote it).
    pub id: String,
    /// The author's user id.
    pub author: String,
    /// The author's name when they wrote it.
    pub author_name: String,
    pub body: String,
    /// Milliseconds since 1970.
    pub created_at: i64,
    /// How much supervision the author judges the trainee needs for this activity.
    pub entrustment: Option<Entrustment>,
    /// The author reviewed the entry: it now counts as supervised evidence.
    pub signed_off: bool,
}

/// Who writes a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    /// Their user id.
    pub id: String,
    /// Their name, shown beside the comment.
    pub name: String,
}

/// What a person writes in a comment: words, and for a supervisor an entrustment
/// level and a sign-off.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CommentDraft {
    pub body: String,
    pub entrustment: Option<Entrustment>,
    pub sign_off: bool,
}

impl CommentDraft {
    /// Checks the draft: something to say, and not too much of it.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.body.trim().is_empty() && self.entrustment.is_none() && !self.sign_off {
            return Err(FieldError::new(
                Field::Comment,
                "write a comment, record an entrustment level or sign the entry off",
            ));
        }
        check_length(Field::Comment, &self.body, Limits::COMMENT)
    }
}

impl EntryDoc {
    /// Adds a comment with id `id` by `author`, as one change that touches nothing
    /// but the new comment.
    pub fn add_comment(
        &mut self,
        id: &str,
        author: &Author,
        draft: &CommentDraft,
        millis: i64,
    ) -> Result<(), DocumentError> {
        draft.validate()?;
        if id.is_empty() || id.len() > 64 {
            return Err(FieldError::new(Field::Comment, "the comment has no valid id").into());
        }
        let doc = self.automerge_mut();
        let comments = comments_map(doc)?;
        if doc.get(&comments, id)?.is_some() {
            return Err(FieldError::new(Field::Comment, "that comment already exists").into());
        }
        let comment = doc.put_object(&comments, id, ObjType::Map)?;
        doc.put(&comment, "author", author.id.as_str())?;
        doc.put(&comment, "author_name", author.name.trim())?;
        let body = doc.put_object(&comment, "body", ObjType::Text)?;
        doc.splice_text(&body, 0, 0, draft.body.trim())?;
        doc.put(&comment, "created_at", millis)?;
        write_assessment(doc, &comment, draft)?;
        commit(doc, "comment", millis);
        Ok(())
    }

    /// Changes comment `id`, which must be `author_id`'s own.
    pub fn edit_comment(
        &mut self,
        id: &str,
        author_id: &str,
        draft: &CommentDraft,
        millis: i64,
    ) -> Result<(), DocumentError> {
        draft.validate()?;
        let doc = self.automerge_mut();
        let comments = comments_map(doc)?;
        let Some((Value::Object(ObjType::Map), comment)) = doc.get(&comments, id)? else {
            return Err(FieldError::new(Field::Comment, "that comment no longer exists").into());
        };
        if string_at(doc, &comment, "author")?.as_deref() != Some(author_id) {
            return Err(
                FieldError::new(Field::Comment, "only its author can change a comment").into(),
            );
        }
        match doc.get(&comment, "body")? {
            Some((Value::Object(ObjType::Text), body)) => {
                doc.update_text(&body, draft.body.trim())?
            }
            _ => {
                let body = doc.put_object(&comment, "body", ObjType::Text)?;
                doc.splice_text(&body, 0, 0, draft.body.trim())?;
            }
        }
        write_assessment(doc, &comment, draft)?;
        commit(doc, "edit comment", millis);
        Ok(())
    }
}

fn comments_map(doc: &mut AutoCommit) -> Result<ObjId, DocumentError> {
    match doc.get(ROOT, "comments")? {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Err(DocumentError::NotAnEntry("it has no comments".into())),
    }
}

fn write_assessment(
    doc: &mut AutoCommit,
    comment: &ObjId,
    draft: &CommentDraft,
) -> Result<(), DocumentError> {
    match draft.entrustment {
        Some(level) => doc.put(comment, "entrustment", level.code())?,
        None if doc.get(comment, "entrustment")?.is_some() => doc.delete(comment, "entrustment")?,
        None => {}
    }
    doc.put(comment, "signed_off", draft.sign_off)?;
    Ok(())
}

fn commit(doc: &mut AutoCommit, message: &str, millis: i64) {
    doc.commit_with(
        CommitOptions::default()
            .with_message(message.to_owned())
            .with_time(millis / 1000),
    );
}

/// Reads every comment, oldest first.
pub(super) fn read_comments(doc: &AutoCommit) -> Result<Vec<Comment>, DocumentError> {
    let Some((Value::Object(ObjType::Map), comments)) = doc.get(ROOT, "comments")? else {
        return Ok(Vec::new());
    };
    let mut read = Vec::new();
    for id in doc.keys(&comments) {
        let Some((Value::Object(ObjType::Map), comment)) = doc.get(&comments, id.as_str())? else {
            continue;
        };
        let entrustment = match string_at(doc, &comment, "entrustment")? {
            None => None,
            Some(code) => Some(Entrustment::from_code(&code).ok_or(
                DocumentError::UnknownValue {
                    field: "entrustment level",
                    value: code,
                },
            )?),
        };
        read.push(Comment {
            author: string_at(doc, &comment, "author")?.unwrap_or_default(),
            author_name: string_at(doc, &comment, "author_name")?.unwrap_or_default(),
            body: text_at(doc, &comment, "body")?,
            created_at: int_at(doc, &comment, "created_at")?.unwrap_or_default(),
            entrustment,
            signed_off: bool_at(doc, &comment, "signed_off")?,
            id,
        });
    }
    read.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(read)
}

/// What comment `id` in `doc` was as of `heads` (`None` if it did not exist).
pub(crate) fn comment_at(
    doc: &AutoCommit,
    id: &str,
    heads: &[automerge::ChangeHash],
) -> Result<Option<CommentFacts>, DocumentError> {
    let Some((Value::Object(ObjType::Map), comments)) = doc.get_at(ROOT, "comments", heads)? else {
        return Ok(None);
    };
    let Some((Value::Object(ObjType::Map), comment)) = doc.get_at(&comments, id, heads)? else {
        return Ok(None);
    };
    let scalar = |key: &str| -> Result<Option<automerge::ScalarValue>, DocumentError> {
        Ok(match doc.get_at(&comment, key, heads)? {
            Some((Value::Scalar(value), _)) => Some(value.into_owned()),
            _ => None,
        })
    };
    let author = match scalar("author")? {
        Some(automerge::ScalarValue::Str(text)) => text.to_string(),
        _ => String::new(),
    };
    Ok(Some(CommentFacts {
        author,
        assesses: scalar("entrustment")?.is_some()
            || matches!(
                scalar("signed_off")?,
                Some(automerge::ScalarValue::Boolean(true))
            ),
    }))
}

/// What the access rules need to know about one comment at one moment.
pub(crate) struct CommentFacts {
    /// Its author's user id.
    pub author: String,
    /// Whether it records an entrustment level or a sign-off.
    pub assesses: bool,
}
