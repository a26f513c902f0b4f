//! Feedback on entries: comments written on this device (a supervisor's on a shared
//! entry, a trainee's reply on their own) and read marks that follow the user.

use super::{ChangeError, Portfolio};
use crate::clock;
use leptos::prelude::*;
use shared::entry::{Author, CommentDraft, Entry};
use shared::profile::{seen_key, PROFILE_DOC_ID};
use std::collections::BTreeSet;

impl Portfolio {
    /// Adds a comment by `author` to the open entry `id`; returns the comment's id.
    /// Only the new comment changes, so the server accepts it on anyone's entry
    /// shared with the author.
    pub fn add_comment(
        &self,
        id: &str,
        author: &Author,
        draft: &CommentDraft,
    ) -> Result<String, ChangeError> {
        let comment = clock::new_id();
        self.inner
            .try_update_value(|inner| {
                let doc = inner.docs.get_mut(id).ok_or(ChangeError::NotFound)?;
                doc.add_comment(&comment, author, draft, clock::now().millis)?;
                Ok::<_, ChangeError>(())
            })
            .ok_or(ChangeError::NotFound)??;
        self.comment_changed(id)?;
        // A reply of one's own is never "new feedback" on another device.
        if self.owner_of_untracked(id).is_none() {
            self.mark_seen(id, std::slice::from_ref(&comment))?;
        }
        Ok(comment)
    }

    /// Changes comment `comment` on the open entry `id`, which must be `author_id`'s.
    pub fn edit_comment(
        &self,
        id: &str,
        comment: &str,
        author_id: &str,
        draft: &CommentDraft,
    ) -> Result<(), ChangeError> {
        self.inner
            .try_update_value(|inner| {
                let doc = inner.docs.get_mut(id).ok_or(ChangeError::NotFound)?;
                doc.edit_comment(comment, author_id, draft, clock::now().millis)?;
                Ok::<_, ChangeError>(())
            })
            .ok_or(ChangeError::NotFound)??;
        self.comment_changed(id)
    }

    fn comment_changed(&self, id: &str) -> Result<(), ChangeError> {
        self.refresh(id)?;
        self.persist(id);
        self.changed_here(id);
        Ok(())
    }

    /// Remembers, on every device of the user, that these comments on entry
    /// `entry_id` have been read.
    pub fn mark_seen(&self, entry_id: &str, comments: &[String]) -> Result<(), ChangeError> {
        let keys: Vec<String> = comments
            .iter()
            .map(|comment| seen_key(entry_id, comment))
            .collect();
        let changed = self
            .inner
            .try_update_value(|inner| {
                let profile = inner.profile.as_mut().ok_or(ChangeError::NotFound)?;
                let changed = profile.mark_seen(keys.iter().map(String::as_str))?;
                Ok::<_, ChangeError>(changed.then(|| (profile.save(), profile.read())))
            })
            .ok_or(ChangeError::NotFound)??;
        if let Some((bytes, profile)) = changed {
            self.profile.set(profile);
            self.changed_here(PROFILE_DOC_ID);
            self.store_profile(bytes);
        }
        Ok(())
    }
}

/// Ids of the comments on `entry` written by others than `me` that `seen` (the
/// profile's read marks) does not hold yet.
pub fn unread_comments(entry: &Entry, me: Option<&str>, seen: &BTreeSet<String>) -> Vec<String> {
    entry
        .comments
        .iter()
        .filter(|comment| Some(comment.author.as_str()) != me)
        .filter(|comment| !seen.contains(&seen_key(&entry.id, &comment.id)))
        .map(|comment| comment.id.clone())
        .collect()
}
