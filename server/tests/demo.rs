//! `waymark demo`: two accounts that sign in with the demo password, the trainee's
//! portfolio and profile stored as sync documents, and a second run that changes nothing.

use server::db::{Database, DatabaseTarget};
use server::demo::{self, DemoOptions, Outcome};
use shared::entry::EntryDoc;
use shared::profile::ProfileDoc;
use shared::ActorId;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

const ENTRIES: u32 = 25;

async fn open(data: &Path) -> Database {
    let target = DatabaseTarget::embedded_in(data).expect("data dir");
    Database::open(&target).await.expect("database opens")
}

async fn documents_of(database: &Database, owner: &str) -> Vec<(String, Vec<u8>)> {
    sqlx::query_as("SELECT id, snapshot FROM documents WHERE owner_id = $1")
        .bind(owner)
        .fetch_all(database.pool())
        .await
        .expect("documents read")
}

#[tokio::test]
async fn the_demo_creates_two_accounts_and_a_portfolio_once() {
    let data = tempfile::tempdir().expect("temp dir");
    let database = open(data.path()).await;
    let options = DemoOptions { entries: ENTRIES };

    let outcome = demo::run(&database, &options).await.expect("the demo runs");
    let Outcome::Created {
        trainee,
        supervisor,
        entries,
        rotations: rotation_count,
        comments,
    } = outcome
    else {
        panic!("a fresh database gets the demo, not {outcome:?}");
    };
    assert_eq!(entries, ENTRIES as usize);
    assert_eq!(comments, 5, "one entry in five has a comment");

    for (email, user) in [
        (demo::TRAINEE_EMAIL, &trainee),
        (demo::SUPERVISOR_EMAIL, &supervisor),
    ] {
        let signed_in = server::auth::sign_in(&database, email, demo::PASSWORD)
            .await
            .expect("the demo password signs in");
        assert_eq!(&signed_in, user);
    }
    assert_eq!(trainee.display_name, demo::TRAINEE_NAME);
    assert_eq!(supervisor.display_name, demo::SUPERVISOR_NAME);

    let documents = documents_of(&database, &trainee.id).await;
    assert_eq!(
        documents.len(),
        ENTRIES as usize + 1,
        "entries and a profile"
    );
    let mut rotations = BTreeSet::new();
    let mut commented = 0;
    let mut shared = 0;
    for (id, snapshot) in &documents {
        if let Some(owner) = id.strip_prefix("profile:") {
            assert_eq!(owner, trainee.id);
            let profile = ProfileDoc::load(snapshot, ActorId::random())
                .expect("profile loads")
                .read();
            assert_eq!(profile.display_name, demo::TRAINEE_NAME);
            assert_eq!(profile.grade, "ST3");
            assert!(!profile.rotation.post.is_empty());
            continue;
        }
        let doc = shared::automerge::AutoCommit::load(snapshot).expect("loads");
        shared::documents::check(id, &doc).expect("a valid entry, as sync would accept");
        let entry = EntryDoc::load(snapshot, ActorId::random())
            .expect("entry loads")
            .read()
            .expect("entry reads");
        assert!(!entry.rotation.is_empty(), "every entry names its rotation");
        assert!(entry.reflection.contains_key("now_what"));
        rotations.insert(entry.rotation);
        let comment_count = comments_in(&doc, &supervisor.id);
        commented += usize::from(comment_count > 0);
        if comment_count > 0 {
            assert!(
                entry.share.contains(&supervisor.id),
                "feedback only on shared entries"
            );
        }
        shared += usize::from(entry.share.contains(&supervisor.id));
    }
    assert_eq!(commented, 5);
    assert!(shared > commented, "some shared entries await feedback");
    // The supervisor is the trainee's educational supervisor and can read them all.
    let relation: String = sqlx::query_scalar(
        "SELECT relation FROM supervision WHERE trainee_id = $1 AND supervisor_id = $2 AND ended_at IS NULL",
    )
    .bind(&trainee.id)
    .bind(&supervisor.id)
    .fetch_one(database.pool())
    .await
    .expect("a relationship");
    assert_eq!(relation, "educational_supervisor");
    let readable: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT doc_id) FROM reader_feed WHERE user_id = $1 AND readable = 1",
    )
    .bind(&supervisor.id)
    .fetch_one(database.pool())
    .await
    .expect("count");
    assert_eq!(readable, shared as i64);
    assert!(
        (3..=4).contains(&rotations.len()),
        "entries spread across rotations: {rotations:?}"
    );
    assert_eq!(rotation_count, rotations.len());

    let again = demo::run(&database, &options).await.expect("runs again");
    assert_eq!(
        again,
        Outcome::AlreadyThere {
            documents: i64::from(ENTRIES) + 1
        }
    );
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(database.pool())
        .await
        .expect("count");
    assert_eq!(users, 2, "no duplicate accounts");
    database.close().await;

    // The binary says so too, and exits cleanly.
    let output = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["demo", "--data-dir"])
        .arg(data.path())
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("waymark runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("already set up"), "{stdout}");
    assert!(stdout.contains(demo::PASSWORD), "{stdout}");
    let database = open(data.path()).await;
    assert_eq!(
        documents_of(&database, &trainee.id).await.len(),
        ENTRIES as usize + 1
    );
    database.close().await;
}

/// How many comments by `author` the entry document holds.
fn comments_in(doc: &shared::automerge::AutoCommit, author: &str) -> usize {
    use shared::automerge::{ObjType, ReadDoc, Value, ROOT};
    let Ok(Some((Value::Object(ObjType::Map), comments))) = doc.get(ROOT, "comments") else {
        return 0;
    };
    doc.map_range(&comments, ..)
        .filter(|item| {
            let by: Option<String> = doc
                .get(item.id(), "author")
                .ok()
                .flatten()
                .and_then(|(value, _)| value.into_string().ok());
            by.as_deref() == Some(author)
        })
        .count()
}

#[test]
fn the_demo_refuses_a_silly_entry_count() {
    let output = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["demo", "--entries", "999999"])
        .stdin(Stdio::null())
        .output()
        .expect("waymark runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--entries"), "{stderr}");
}
