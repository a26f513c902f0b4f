//! Supervision as the HTTP API speaks it (`/api/supervision/*`): invites, the
//! relationships they start, and the per-relationship sharing default. The server
//! and the app both use these types, so the JSON cannot drift between them.

use crate::vocabulary::Relation;
use serde::{Deserialize, Serialize};

/// How long an invite code stays usable.
pub const INVITE_LIFETIME_SECS: i64 = 7 * 24 * 60 * 60;

/// A trainee asks for a code to give a supervisor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateInvite {
    /// The part the supervisor will play.
    pub relation: Relation,
}

/// A fresh one-time invite: shown once to the trainee, never stored in the clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    /// The code to read out or send, e.g. `K7QM-3XPA`.
    pub code: String,
    /// The app path that accepts it, e.g. `/supervision/accept/K7QM-3XPA`.
    pub path: String,
    pub relation: Relation,
    /// Unix seconds after which the code no longer works.
    pub expires_at: i64,
}

/// A supervisor redeems a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptInvite {
    pub code: String,
}

/// The other person in a relationship, as the app shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Their user id (what an entry's `share` list holds).
    pub id: String,
    pub display_name: String,
    pub email: String,
}

/// One active supervision relationship, seen from either side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relationship {
    pub id: String,
    pub relation: Relation,
    /// The trainee.
    pub trainee: Person,
    /// The supervisor, mentor or coach.
    pub supervisor: Person,
    /// Whether the trainee's new entries are shared with the supervisor by default.
    pub share_new: bool,
    /// Unix seconds.
    pub started_at: i64,
}

/// An invite not yet used, listed so the trainee can see what is outstanding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvite {
    pub relation: Relation,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Everything `GET /api/supervision` tells a user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supervision {
    /// Relationships in which this user is the trainee.
    pub supervisors: Vec<Relationship>,
    /// Relationships in which this user supervises.
    pub trainees: Vec<Relationship>,
    /// Invites this user made that are neither used nor expired.
    pub pending_invites: Vec<PendingInvite>,
}

/// `PATCH /api/supervision/{id}`: the trainee changes the sharing default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateRelationship {
    pub share_new: bool,
}
