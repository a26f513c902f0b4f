//! The sync endpoint in process, over real WebSockets, on SQLite and (when CI starts
//! one) PostgreSQL: a push is stored and confirmed, a second device catches up from
//! nothing and then by cursor, and an expired session is refused with the reason.

#[allow(dead_code, reason = "each test file uses part of the shared support")]
mod support;

use shared::entry::EntryDoc;
use shared::protocol::{ClientFrame, ErrorCode, ServerFrame};
use shared::ActorId;
use support::link::{entry, hello, Link};
use support::{databases, TestServer};

#[tokio::test]
async fn pushes_are_stored_and_devices_catch_up_from_nothing_and_by_cursor() {
    for (target, data) in databases() {
        let app = tempfile::tempdir().expect("temp dir");
        let server = TestServer::start_on(app.path(), target, data).await;
        let email = format!("sync-{}@example.test", uuid::Uuid::new_v4());
        let (_, token) = server.register(&email, "correct horse battery").await;
        let first = uuid::Uuid::new_v4().to_string();
        let second = uuid::Uuid::new_v4().to_string();

        // The phone greets, asks what changed and pushes a new entry in one flight.
        let mut phone = Link::open(&server).await;
        let mut doc = entry(&first, "Chaired the governance meeting");
        phone
            .send(&[
                hello(&token),
                ClientFrame::Since {
                    cursor: 0,
                    dirty: vec![first.clone()],
                },
                ClientFrame::Push {
                    doc: first.clone(),
                    changes: doc.save(),
                },
            ])
            .await;
        let frames = phone
            .until(|f| matches!(f, ServerFrame::Saved { .. }))
            .await;
        assert!(
            matches!(frames[0], ServerFrame::Welcome { .. }),
            "{frames:?}"
        );
        let saved = frames.last().expect("saved");
        assert!(
            matches!(saved, ServerFrame::Saved { doc: id, heads } if *id == first && heads.len() == 1),
            "{saved:?}"
        );

        // A laptop with nothing gets the whole entry in one flight.
        let mut laptop = Link::open(&server).await;
        laptop
            .send(&[
                hello(&token),
                ClientFrame::Since {
                    cursor: 0,
                    dirty: vec![],
                },
            ])
            .await;
        let frames = laptop
            .until(|f| matches!(f, ServerFrame::Changes { .. }))
            .await;
        let cursor = frames
            .iter()
            .find_map(|f| match f {
                ServerFrame::Changed { docs, cursor } if *docs == vec![first.clone()] => {
                    Some(*cursor)
                }
                _ => None,
            })
            .expect("the changed list names the entry");
        let Some(ServerFrame::Changes { changes, .. }) = frames.last() else {
            panic!("{frames:?}");
        };
        let received = EntryDoc::load(changes, ActorId::random())
            .expect("loads")
            .read()
            .expect("reads");
        assert_eq!(received.title, "Chaired the governance meeting");

        // Another entry later: catching up from the cursor returns only that one.
        let mut other = entry(&second, "Led the quality improvement huddle");
        phone
            .send(&[ClientFrame::Push {
                doc: second.clone(),
                changes: other.save(),
            }])
            .await;
        phone
            .until(|f| matches!(f, ServerFrame::Saved { .. }))
            .await;
        let mut later = Link::open(&server).await;
        later
            .send(&[
                hello(&token),
                ClientFrame::Since {
                    cursor,
                    dirty: vec![],
                },
            ])
            .await;
        let frames = later
            .until(|f| matches!(f, ServerFrame::Changes { .. }))
            .await;
        assert!(
            frames.iter().any(
                |f| matches!(f, ServerFrame::Changed { docs, .. } if *docs == vec![second.clone()])
            ),
            "only the new entry is listed: {frames:?}"
        );
        server.shut_down().await;
    }
}

#[tokio::test]
async fn an_expired_session_is_told_to_sign_in_again() {
    for (target, data) in databases() {
        let app = tempfile::tempdir().expect("temp dir");
        let server = TestServer::start_on(app.path(), target, data).await;
        let email = format!("expired-{}@example.test", uuid::Uuid::new_v4());
        let (user, token) = server.register(&email, "correct horse battery").await;
        sqlx::query("UPDATE sessions SET expires_at = $1 WHERE user_id = $2")
            .bind(0_i64)
            .bind(user["id"].as_str().expect("an id"))
            .execute(server.database().pool())
            .await
            .expect("expires the session");
        let mut device = Link::open(&server).await;
        device.send(&[hello(&token)]).await;
        let frames = device
            .until(|f| matches!(f, ServerFrame::Error { .. }))
            .await;
        let Some(ServerFrame::Error { code, message }) = frames.last() else {
            panic!("{frames:?}");
        };
        assert_eq!(*code, ErrorCode::Unauthorised);
        assert!(message.contains("expired"), "{message}");
        server.shut_down().await;
    }
}
