//! Changing and ending a relationship, and what ending does to shared documents.

use super::support::{databases, TestServer};
use super::{call, doctor, error_of, list, relate, start};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn only_the_trainee_changes_the_sharing_default() {
    for (target, data) in databases() {
        let shown = target.shown();
        let server = start(target, data).await;
        let trainee = doctor(&server, "Dr Trainee").await;
        let supervisor = doctor(&server, "Dr Supervisor").await;
        let stranger = doctor(&server, "Dr Stranger").await;
        let relationship = relate(&server, &trainee, &supervisor, "mentor").await;
        let path = format!("/{}", relationship["id"].as_str().expect("id"));

        let on = Some(json!({ "share_new": true }));
        let response = call(&server, Method::PATCH, &path, &trainee, on.clone()).await;
        assert_eq!(response.status(), StatusCode::OK, "{shown}");
        let changed: Value = response.json().await.expect("json");
        assert_eq!(changed["share_new"], true);
        assert_eq!(changed["id"], relationship["id"]);
        assert_eq!(
            list(&server, &supervisor).await["trainees"][0]["share_new"],
            true
        );

        let off = Some(json!({ "share_new": false }));
        let (status, code, message, _) =
            error_of(call(&server, Method::PATCH, &path, &supervisor, off.clone()).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::FORBIDDEN, "not_trainee")
        );
        assert!(message.contains("Only the trainee"), "{message}");
        let (status, _, _, _) =
            error_of(call(&server, Method::PATCH, &path, &stranger, off.clone()).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a stranger learns nothing");
        let (status, _, _, _) =
            error_of(call(&server, Method::PATCH, "/no-such-id", &trainee, off.clone()).await)
                .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            list(&server, &trainee).await["supervisors"][0]["share_new"],
            true,
            "unchanged"
        );

        let ended = call(&server, Method::DELETE, &path, &trainee, None).await;
        assert_eq!(ended.status(), StatusCode::NO_CONTENT);
        let (status, _, _, _) =
            error_of(call(&server, Method::PATCH, &path, &trainee, off).await).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "an ended relationship cannot change"
        );
        server.shut_down().await;
    }
}

#[tokio::test]
async fn either_side_can_end_a_relationship_once() {
    for (target, data) in databases() {
        let shown = target.shown();
        let server = start(target, data).await;
        let trainee = doctor(&server, "Dr Trainee").await;
        let educational = doctor(&server, "Dr Educational").await;
        let clinical = doctor(&server, "Dr Clinical").await;
        let stranger = doctor(&server, "Dr Stranger").await;
        let by_trainee = relate(&server, &trainee, &educational, "educational_supervisor").await;
        let by_supervisor = relate(&server, &trainee, &clinical, "clinical_supervisor").await;
        let first = format!("/{}", by_trainee["id"].as_str().expect("id"));
        let second = format!("/{}", by_supervisor["id"].as_str().expect("id"));

        let (status, code, _, _) =
            error_of(call(&server, Method::DELETE, &first, &stranger, None).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{shown}"
        );
        assert_eq!(
            list(&server, &trainee).await["supervisors"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );

        let response = call(&server, Method::DELETE, &first, &trainee, None).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{shown}");
        let response = call(&server, Method::DELETE, &second, &clinical, None).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);

        assert_eq!(list(&server, &trainee).await["supervisors"], json!([]));
        assert_eq!(list(&server, &educational).await["trainees"], json!([]));
        assert_eq!(list(&server, &clinical).await["trainees"], json!([]));
        let ended_by: Vec<String> = sqlx::query_scalar(
            "SELECT ended_by FROM supervision WHERE trainee_id = $1 ORDER BY started_at, id",
        )
        .bind(&trainee.id)
        .fetch_all(server.database().pool())
        .await
        .expect("history is kept");
        assert_eq!(ended_by.len(), 2);
        assert!(ended_by.contains(&trainee.id) && ended_by.contains(&clinical.id));

        let (status, code, message, _) =
            error_of(call(&server, Method::DELETE, &first, &educational, None).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::NOT_FOUND, "already_ended")
        );
        assert!(message.contains("already ended"), "{message}");
        let (status, code, _, _) =
            error_of(call(&server, Method::DELETE, &first, &stranger, None).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::NOT_FOUND, "not_found")
        );

        // An ended pair may start again with a new invite.
        relate(&server, &trainee, &educational, "educational_supervisor").await;
        assert_eq!(
            list(&server, &educational).await["trainees"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        server.shut_down().await;
    }
}

/// The rows of `user`'s reader feed for `doc`, oldest first, as readable flags.
async fn feed_of(server: &TestServer, user: &str, doc: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT readable FROM reader_feed WHERE user_id = $1 AND doc_id = $2 ORDER BY seq",
    )
    .bind(user)
    .bind(doc)
    .fetch_all(server.database().pool())
    .await
    .expect("reader feed")
}

#[tokio::test]
async fn starting_and_ending_grant_and_withdraw_shared_documents() {
    for (target, data) in databases() {
        let shown = target.shown();
        let server = start(target, data).await;
        let trainee = doctor(&server, "Dr Trainee").await;
        let supervisor = doctor(&server, "Dr Supervisor").await;
        let pool = server.database().pool();
        let (shared_doc, private_doc) = (
            uuid::Uuid::new_v4().to_string(),
            uuid::Uuid::new_v4().to_string(),
        );
        for doc in [&shared_doc, &private_doc] {
            sqlx::query("INSERT INTO documents (id, owner_id, snapshot, heads, updated_seq) VALUES ($1, $2, $3, $4, 1)")
                .bind(doc)
                .bind(&trainee.id)
                .bind(vec![0u8; 4])
                .bind(Vec::<u8>::new())
                .execute(pool)
                .await
                .expect("a document");
        }
        // The entry already names this supervisor in its `share` list.
        sqlx::query("INSERT INTO doc_shares (doc_id, reader_id) VALUES ($1, $2)")
            .bind(&shared_doc)
            .bind(&supervisor.id)
            .execute(pool)
            .await
            .expect("a share");

        let relationship = relate(&server, &trainee, &supervisor, "educational_supervisor").await;
        assert_eq!(
            feed_of(&server, &supervisor.id, &shared_doc).await,
            [1],
            "{shown}"
        );
        assert_eq!(
            feed_of(&server, &supervisor.id, &private_doc).await,
            Vec::<i64>::new()
        );

        let path = format!("/{}", relationship["id"].as_str().expect("id"));
        let response = call(&server, Method::DELETE, &path, &supervisor, None).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            feed_of(&server, &supervisor.id, &shared_doc).await,
            [1, 0],
            "{shown}"
        );
        assert_eq!(
            feed_of(&server, &supervisor.id, &private_doc).await,
            Vec::<i64>::new()
        );
        assert_eq!(
            feed_of(&server, &trainee.id, &shared_doc).await,
            Vec::<i64>::new(),
            "the owner keeps it"
        );
        server.shut_down().await;
    }
}
