//! Supervision through the real sync protocol, on SQLite and (when CI starts one)
//! PostgreSQL, driven by a hand-crafted client that sends exactly what a malicious
//! device could: a shared entry reaches its supervisor and their feedback reaches the
//! trainee; a supervisor can change nothing but their own comments; entries not
//! shared are never sent, also after access ends; an actor is bound to one person.

#[allow(dead_code, reason = "each test file uses part of the shared support")]
mod support;

use shared::automerge::transaction::Transactable;
use shared::automerge::ROOT;
use shared::entry::{Author, CommentDraft, EntryDoc, EntryEdit};
use shared::protocol::{ClientFrame, Cursor, RejectCode, ServerFrame};
use shared::vocabulary::Entrustment;
use shared::ActorId;
use std::collections::HashMap;
use support::link::{entry, hello, now, Link};
use support::{databases, TestServer};

/// A signed-in person with one connected device.
struct Person {
    id: String,
    link: Link,
}

/// What a catch-up brought.
#[derive(Default)]
struct CaughtUp {
    shared: Vec<String>,
    withdrawn: Vec<String>,
    docs: HashMap<String, Vec<u8>>,
    cursor: Cursor,
}

async fn sign_up(server: &TestServer, name: &str) -> (String, String) {
    let email = format!("{name}-{}@example.test", uuid::Uuid::new_v4());
    let (user, token) = server.register(&email, "correct horse battery").await;
    (user["id"].as_str().expect("an id").to_owned(), token)
}

/// Connects a device that has seen everything up to `cursor` and reads its catch-up.
async fn connect(server: &TestServer, token: &str, cursor: Cursor) -> (Link, CaughtUp) {
    let mut link = Link::open(server).await;
    link.send(&[
        hello(token),
        ClientFrame::Since {
            cursor,
            dirty: vec![],
        },
    ])
    .await;
    let frames = link
        .until(|f| matches!(f, ServerFrame::Changed { .. }))
        .await;
    let mut caught_up = CaughtUp::default();
    let mut expected = 0;
    for frame in frames {
        match frame {
            ServerFrame::Access { shared, withdrawn } => {
                caught_up
                    .shared
                    .extend(shared.into_iter().map(|shared| shared.doc));
                caught_up.withdrawn.extend(withdrawn);
            }
            ServerFrame::Changed { docs, cursor } => {
                expected = docs.len();
                caught_up.cursor = cursor;
            }
            _ => {}
        }
    }
    while caught_up.docs.len() < expected {
        let frames = link
            .until(|f| matches!(f, ServerFrame::Changes { .. }))
            .await;
        if let Some(ServerFrame::Changes { doc, changes, .. }) = frames.last() {
            caught_up.docs.insert(doc.clone(), changes.clone());
        }
    }
    (link, caught_up)
}

async fn person(server: &TestServer, name: &str) -> (Person, String) {
    let (id, token) = sign_up(server, name).await;
    let (link, _) = connect(server, &token, 0).await;
    (Person { id, link }, token)
}

/// Makes `supervisor` the trainee's educational supervisor.
async fn supervise(server: &TestServer, trainee: &str, supervisor: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO supervision (id, trainee_id, supervisor_id, relation, share_new, started_at) \
         VALUES ($1, $2, $3, 'educational_supervisor', 0, 0)",
    )
    .bind(&id)
    .bind(trainee)
    .bind(supervisor)
    .execute(server.database().pool())
    .await
    .expect("relationship stored");
    id
}

/// Sends changes to `doc` and returns the server's verdict on them.
async fn push(link: &mut Link, doc: &str, changes: Vec<u8>) -> ServerFrame {
    link.send(&[ClientFrame::Push {
        doc: doc.into(),
        changes,
    }])
    .await;
    let verdict = |frame: &ServerFrame| match frame {
        ServerFrame::Saved { doc: id, .. } | ServerFrame::Rejected { doc: id, .. } => id == doc,
        _ => false,
    };
    let frames = link.until(verdict).await;
    frames.into_iter().last().expect("a verdict")
}

fn assert_refused(verdict: &ServerFrame, words: &str) {
    match verdict {
        ServerFrame::Rejected {
            code: RejectCode::Forbidden,
            reason,
            ..
        } => assert!(reason.contains(words), "{reason:?} should say {words:?}"),
        other => panic!("expected a refusal saying {words:?}, got {other:?}"),
    }
}

/// A trainee's new entry, shared with `supervisor`, stored on the server.
async fn shared_entry(trainee: &mut Person, supervisor: &str, title: &str) -> (String, EntryDoc) {
    let id = uuid::Uuid::new_v4().to_string();
    let mut doc = entry(&id, title);
    let share = EntryEdit::Share {
        user: supervisor.into(),
        shared: true,
    };
    doc.apply(&share, now()).expect("shares");
    let verdict = push(&mut trainee.link, &id, doc.save()).await;
    assert!(matches!(verdict, ServerFrame::Saved { .. }), "{verdict:?}");
    (id, doc)
}

fn feedback(author: &str) -> (Author, CommentDraft) {
    let author = Author {
        id: author.into(),
        name: "Dr Supervisor".into(),
    };
    let draft = CommentDraft {
        body: "Clear and calm. Next time, name a deputy before the crash call.".into(),
        entrustment: Some(Entrustment::IndirectSupervision),
        sign_off: true,
    };
    (author, draft)
}

/// Makes an edit on a copy of `doc` written by `actor` and returns the new changes.
fn changes_by(
    doc: &mut EntryDoc,
    actor: ActorId,
    edit: impl FnOnce(&mut EntryDoc) -> Result<(), String>,
) -> Vec<u8> {
    let mut copy = EntryDoc::load(&doc.save(), actor).expect("loads");
    let before = copy.heads();
    edit(&mut copy).expect("the device allows it");
    copy.automerge_mut().save_after(&before)
}

/// The first Automerge sync message of a device that has nothing of a document.
fn first_sync_message() -> Vec<u8> {
    use shared::automerge::sync::{State, SyncDoc};
    let mut empty = shared::automerge::AutoCommit::new();
    let message = empty
        .sync()
        .generate_sync_message(&mut State::new())
        .expect("a first message");
    message.encode()
}

/// Asks to sync `doc` from nothing and checks the server refuses, sending none of it.
async fn assert_sync_refused(link: &mut Link, doc: &str) {
    link.send(&[ClientFrame::Sync {
        doc: doc.into(),
        message: first_sync_message(),
    }])
    .await;
    let frames = link
        .until(|f| matches!(f, ServerFrame::Rejected { .. }))
        .await;
    assert!(
        !frames.iter().any(|f| matches!(f, ServerFrame::Sync { .. })),
        "{frames:?}"
    );
    assert_refused(frames.last().expect("refused"), "not shared with you");
}

#[tokio::test]
async fn a_shared_entry_reaches_its_supervisor_and_their_feedback_the_trainee() {
    for (target, data) in databases() {
        let app = tempfile::tempdir().expect("temp dir");
        let server = TestServer::start_on(app.path(), target, data).await;
        let (mut trainee, _) = person(&server, "trainee").await;
        let (mut supervisor, supervisor_token) = person(&server, "supervisor").await;
        supervise(&server, &trainee.id, &supervisor.id).await;

        let (id, mut on_laptop) =
            shared_entry(&mut trainee, &supervisor.id, "Led the arrest call").await;
        // The supervisor's connected phone is told at once, with whose entry it is.
        let frames = supervisor
            .link
            .until(|f| matches!(f, ServerFrame::Changes { doc, .. } if *doc == id))
            .await;
        let access = frames.iter().find_map(|f| match f {
            ServerFrame::Access { shared, .. } => shared.first(),
            _ => None,
        });
        let access = access.expect("the phone learns the entry is shared");
        assert_eq!((&access.doc, &access.owner), (&id, &trainee.id));
        assert_eq!(access.owner_name, "Dr Test");
        let Some(ServerFrame::Changes { changes, .. }) = frames.last() else {
            panic!("no entry");
        };
        let mut on_phone = EntryDoc::load(changes, ActorId::random()).expect("whole entry");
        assert_eq!(on_phone.read().expect("reads").title, "Led the arrest call");

        // Feedback, an entrustment level and a sign-off go back to the trainee.
        let before = on_phone.heads();
        let (author, draft) = feedback(&supervisor.id);
        on_phone
            .add_comment("c1", &author, &draft, now().millis)
            .expect("comment");
        let changes = on_phone.automerge_mut().save_after(&before);
        let verdict = push(&mut supervisor.link, &id, changes).await;
        assert!(matches!(verdict, ServerFrame::Saved { .. }), "{verdict:?}");
        let frames = trainee
            .link
            .until(|f| matches!(f, ServerFrame::Changes { doc, .. } if *doc == id))
            .await;
        let Some(ServerFrame::Changes { changes, .. }) = frames.last() else {
            panic!("no feedback");
        };
        on_laptop
            .automerge_mut()
            .load_incremental(changes)
            .expect("applies");
        let read = on_laptop.read().expect("reads");
        assert_eq!(read.comments.len(), 1);
        assert_eq!(read.comments[0].author, supervisor.id);
        assert!(read.is_signed_off());
        assert_eq!(read.entrustment(), Some(Entrustment::IndirectSupervision));

        // The supervisor's other device catches up from nothing: the entry, feedback too.
        let (_, caught_up) = connect(&server, &supervisor_token, 0).await;
        assert_eq!(caught_up.shared, vec![id.clone()]);
        let whole = EntryDoc::load(&caught_up.docs[&id], ActorId::random()).expect("loads");
        assert_eq!(whole.read().expect("reads").comments.len(), 1);
    }
}

#[tokio::test]
async fn a_supervisor_can_change_nothing_but_their_own_comments() {
    for (target, data) in databases() {
        let app = tempfile::tempdir().expect("temp dir");
        let server = TestServer::start_on(app.path(), target, data).await;
        let (mut trainee, trainee_token) = person(&server, "trainee").await;
        let (mut supervisor, _) = person(&server, "supervisor").await;
        supervise(&server, &trainee.id, &supervisor.id).await;
        let (id, mut doc) = shared_entry(&mut trainee, &supervisor.id, "Chaired the MDT").await;
        // The trainee has written a note in the thread.
        let reply = CommentDraft {
            body: "Notes for my supervisor".into(),
            ..CommentDraft::default()
        };
        let me = Author {
            id: trainee.id.clone(),
            name: "Dr Test".into(),
        };
        let before = doc.heads();
        doc.add_comment("t1", &me, &reply, now().millis)
            .expect("reply");
        let verdict = push(
            &mut trainee.link,
            &id,
            doc.automerge_mut().save_after(&before),
        )
        .await;
        assert!(matches!(verdict, ServerFrame::Saved { .. }), "{verdict:?}");

        let s = supervisor.id.clone();
        let t = trainee.id.clone();
        let attempts: Vec<(Vec<u8>, &str)> = vec![
            (
                changes_by(&mut doc, ActorId::random(), |d| {
                    d.apply(&EntryEdit::Title("Rewritten".into()), now())
                        .map_err(|e| e.to_string())
                }),
                "title",
            ),
            (
                changes_by(&mut doc, ActorId::random(), |d| {
                    let edit = EntryEdit::Share {
                        user: "someone-else".into(),
                        shared: true,
                    };
                    d.apply(&edit, now()).map_err(|e| e.to_string())
                }),
                "Only the trainee can change who an entry is shared with",
            ),
            (
                changes_by(&mut doc, ActorId::random(), |d| {
                    let (mut author, draft) = feedback(&s);
                    author.id = t.clone();
                    d.add_comment("forged", &author, &draft, now().millis)
                        .map_err(|e| e.to_string())
                }),
                "your own name",
            ),
            (
                changes_by(&mut doc, ActorId::random(), |d| {
                    let edit = CommentDraft {
                        body: "Changed words".into(),
                        ..CommentDraft::default()
                    };
                    d.edit_comment("t1", &t, &edit, now().millis)
                        .map_err(|e| e.to_string())
                }),
                "someone else's",
            ),
            (
                changes_by(&mut doc, ActorId::random(), |d| {
                    d.automerge_mut()
                        .put(ROOT, "deleted", true)
                        .map_err(|e| e.to_string())?;
                    d.automerge_mut().commit();
                    Ok(())
                }),
                "delete",
            ),
        ];
        for (changes, words) in attempts {
            let verdict = push(&mut supervisor.link, &id, changes).await;
            assert_refused(&verdict, words);
        }

        // The trainee cannot sign off their own entry either.
        let changes = changes_by(&mut doc, ActorId::random(), |d| {
            let (author, draft) = feedback(&t);
            d.add_comment("self", &author, &draft, now().millis)
                .map_err(|e| e.to_string())
        });
        let verdict = push(&mut trainee.link, &id, changes).await;
        assert_refused(&verdict, "Only a supervisor");

        // Nothing of any refused change was stored.
        let (_, caught_up) = connect(&server, &trainee_token, 0).await;
        let stored = EntryDoc::load(&caught_up.docs[&id], ActorId::random()).expect("loads");
        let stored = stored.read().expect("reads");
        assert_eq!(stored.title, "Chaired the MDT");
        assert!(!stored.deleted);
        assert_eq!(
            stored.share.iter().collect::<Vec<_>>(),
            vec![&supervisor.id]
        );
        assert_eq!(stored.comments.len(), 1);
        assert_eq!(stored.comments[0].body, "Notes for my supervisor");
    }
}

#[tokio::test]
async fn entries_not_shared_are_never_sent_also_after_access_ends() {
    for (target, data) in databases() {
        let app = tempfile::tempdir().expect("temp dir");
        let server = TestServer::start_on(app.path(), target, data).await;
        let (mut trainee, _) = person(&server, "trainee").await;
        let (mut supervisor, supervisor_token) = person(&server, "supervisor").await;
        let (mut stranger, stranger_token) = person(&server, "stranger").await;
        let relationship = supervise(&server, &trainee.id, &supervisor.id).await;

        let (shared, mut shared_doc) = shared_entry(&mut trainee, &supervisor.id, "Shared").await;
        // Naming someone in `share` grants nothing without a relationship.
        let (named, _) = shared_entry(&mut trainee, &stranger.id, "Named only").await;
        let private = uuid::Uuid::new_v4().to_string();
        let mut private_doc = entry(&private, "Private");
        let verdict = push(&mut trainee.link, &private, private_doc.save()).await;
        assert!(matches!(verdict, ServerFrame::Saved { .. }), "{verdict:?}");

        let (_, caught_up) = connect(&server, &supervisor_token, 0).await;
        assert_eq!(caught_up.shared, vec![shared.clone()]);
        assert_eq!(caught_up.docs.keys().collect::<Vec<_>>(), vec![&shared]);
        let (_, caught_up) = connect(&server, &stranger_token, 0).await;
        assert!(caught_up.docs.is_empty() && caught_up.shared.is_empty());

        // Asking for, or writing to, an entry not shared is refused by name.
        for (asker, doc) in [(0, &private), (1, &named), (1, &private)] {
            let person = if asker == 0 {
                &mut supervisor
            } else {
                &mut stranger
            };
            assert_sync_refused(&mut person.link, doc).await;
        }

        // The supervisor comments while they may (their connection now holds a copy)…
        let changes = changes_by(&mut shared_doc, ActorId::random(), |d| {
            let (author, draft) = feedback(&supervisor.id);
            d.add_comment("early", &author, &draft, now().millis)
                .map_err(|e| e.to_string())
        });
        let verdict = push(&mut supervisor.link, &shared, changes).await;
        assert!(matches!(verdict, ServerFrame::Saved { .. }), "{verdict:?}");

        // …then the relationship ends: that same connection may neither read nor
        // write it, and a catch-up sends nothing.
        sqlx::query("UPDATE supervision SET ended_at = 1 WHERE id = $1")
            .bind(&relationship)
            .execute(server.database().pool())
            .await
            .expect("ended");
        let changes = changes_by(&mut shared_doc, ActorId::random(), |d| {
            let (author, draft) = feedback(&supervisor.id);
            d.add_comment("late", &author, &draft, now().millis)
                .map_err(|e| e.to_string())
        });
        let verdict = push(&mut supervisor.link, &shared, changes).await;
        assert_refused(&verdict, "not shared with you");
        assert_sync_refused(&mut supervisor.link, &shared).await;
        let (_, caught_up) = connect(&server, &supervisor_token, 0).await;
        assert!(caught_up.docs.is_empty(), "{:?}", caught_up.docs.keys());
        // Keep the private entry's document alive until here.
        assert!(private_doc.read().is_ok());
    }
}

#[tokio::test]
async fn unsharing_withdraws_the_entry_at_once_and_at_the_next_catch_up() {
    for (target, data) in databases() {
        let app = tempfile::tempdir().expect("temp dir");
        let server = TestServer::start_on(app.path(), target, data).await;
        let (mut trainee, _) = person(&server, "trainee").await;
        let (mut supervisor, supervisor_token) = person(&server, "supervisor").await;
        supervise(&server, &trainee.id, &supervisor.id).await;
        let (id, mut doc) = shared_entry(&mut trainee, &supervisor.id, "Rota redesign").await;
        let (_, seen) = connect(&server, &supervisor_token, 0).await;
        assert_eq!(seen.shared, vec![id.clone()]);

        let before = doc.heads();
        let unshare = EntryEdit::Share {
            user: supervisor.id.clone(),
            shared: false,
        };
        doc.apply(&unshare, now()).expect("unshares");
        let verdict = push(
            &mut trainee.link,
            &id,
            doc.automerge_mut().save_after(&before),
        )
        .await;
        assert!(matches!(verdict, ServerFrame::Saved { .. }), "{verdict:?}");

        // The connected phone is told to drop it now…
        let frames = supervisor
            .link
            .until(|f| matches!(f, ServerFrame::Access { withdrawn, .. } if !withdrawn.is_empty()))
            .await;
        assert!(
            matches!(frames.last(), Some(ServerFrame::Access { withdrawn, .. }) if *withdrawn == vec![id.clone()])
        );
        // …and a device that saw it earlier is told when it next catches up.
        let (_, caught_up) = connect(&server, &supervisor_token, seen.cursor).await;
        assert_eq!(caught_up.withdrawn, vec![id.clone()]);
        assert!(caught_up.docs.is_empty());
        let changes = changes_by(&mut doc, ActorId::random(), |d| {
            let (author, draft) = feedback(&supervisor.id);
            d.add_comment("late", &author, &draft, now().millis)
                .map_err(|e| e.to_string())
        });
        let verdict = push(&mut supervisor.link, &id, changes).await;
        assert_refused(&verdict, "not shared with you");
    }
}

#[tokio::test]
async fn an_actor_bound_to_the_trainee_cannot_sign_the_supervisors_comment() {
    for (target, data) in databases() {
        let app = tempfile::tempdir().expect("temp dir");
        let server = TestServer::start_on(app.path(), target, data).await;
        let (mut trainee, _) = person(&server, "trainee").await;
        let (mut supervisor, _) = person(&server, "supervisor").await;
        supervise(&server, &trainee.id, &supervisor.id).await;
        let (id, mut doc) = shared_entry(&mut trainee, &supervisor.id, "Teaching session").await;
        let trainee_actor = doc.automerge_mut().get_actor().clone();
        let changes = changes_by(&mut doc, trainee_actor, |d| {
            let (author, draft) = feedback(&supervisor.id);
            d.add_comment("c1", &author, &draft, now().millis)
                .map_err(|e| e.to_string())
        });
        let verdict = push(&mut supervisor.link, &id, changes).await;
        assert_refused(&verdict, "another person's device");
    }
}

/// Calls the supervision API as the holder of `token`.
async fn api(
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    let mut request = support::client()
        .request(method, format!("{}/api/supervision{path}", server.url))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("the server answers")
}

#[tokio::test]
async fn ending_the_relationship_over_http_withdraws_shared_entries_everywhere() {
    for (target, data) in databases() {
        let app = tempfile::tempdir().expect("temp dir");
        let server = TestServer::start_on(app.path(), target, data).await;
        let (mut trainee, trainee_token) = person(&server, "trainee").await;
        let (mut supervisor, supervisor_token) = person(&server, "supervisor").await;

        // The trainee invites; the supervisor accepts the code.
        let invite: serde_json::Value = api(
            &server,
            reqwest::Method::POST,
            "/invites",
            &trainee_token,
            Some(serde_json::json!({ "relation": "educational_supervisor" })),
        )
        .await
        .json()
        .await
        .expect("an invite");
        let accepted = api(
            &server,
            reqwest::Method::POST,
            "/accept",
            &supervisor_token,
            Some(serde_json::json!({ "code": invite["code"] })),
        )
        .await;
        assert_eq!(accepted.status(), 201);
        let relationship: serde_json::Value = accepted.json().await.expect("json");
        assert_eq!(relationship["supervisor"]["id"], supervisor.id.as_str());

        let (id, _) = shared_entry(&mut trainee, &supervisor.id, "Ran the rota").await;
        let (_, seen) = connect(&server, &supervisor_token, 0).await;
        assert_eq!(seen.shared, vec![id.clone()]);
        supervisor
            .link
            .until(|f| matches!(f, ServerFrame::Changes { doc, .. } if *doc == id))
            .await;

        // The trainee ends it: the supervisor's connected phone drops the entry now…
        let path = format!("/{}", relationship["id"].as_str().expect("an id"));
        let ended = api(
            &server,
            reqwest::Method::DELETE,
            &path,
            &trainee_token,
            None,
        )
        .await;
        assert_eq!(ended.status(), 204);
        let frames = supervisor
            .link
            .until(|f| matches!(f, ServerFrame::Access { withdrawn, .. } if !withdrawn.is_empty()))
            .await;
        assert!(
            matches!(frames.last(), Some(ServerFrame::Access { withdrawn, .. }) if *withdrawn == vec![id.clone()])
        );
        // …and the laptop that had it is told at its next catch-up and sent nothing.
        let (_, caught_up) = connect(&server, &supervisor_token, seen.cursor).await;
        assert_eq!(caught_up.withdrawn, vec![id.clone()]);
        assert!(caught_up.docs.is_empty());
        // The trainee's own devices are unaffected.
        let (_, own) = connect(&server, &trainee_token, 0).await;
        assert!(own.docs.contains_key(&id));
    }
}
