//! Making invites: the code, what is stored, the limit on waiting invites, and the
//! relationship an accepted one starts.

use super::support::databases;
use super::{accept, call, doctor, error_of, invite, invite_code, list, person, start};
use reqwest::header::RETRY_AFTER;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn an_accepted_invite_lists_both_people_on_both_sides() {
    for (target, data) in databases() {
        let shown = target.shown();
        let server = start(target, data).await;
        let trainee = doctor(&server, "Dr Ada Okafor").await;
        let supervisor = doctor(&server, "Dr Grace Hopper").await;

        let made = invite(&server, &trainee, "educational_supervisor").await;
        let code = made["code"].as_str().expect("code");
        let shape = code.len() == 9
            && code.as_bytes()[4] == b'-'
            && code
                .chars()
                .filter(|c| *c != '-')
                .all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !"ILOU".contains(c)));
        assert!(shape, "{code}");
        assert_eq!(made["path"], format!("/supervision/accept/{code}"));
        assert_eq!(made["relation"], "educational_supervisor");
        let week = shared::supervision::INVITE_LIFETIME_SECS;
        let pending = &list(&server, &trainee).await["pending_invites"];
        assert_eq!(pending.as_array().map(Vec::len), Some(1), "{shown}");
        assert_eq!(pending[0]["expires_at"], made["expires_at"]);
        let created = pending[0]["created_at"].as_i64().expect("created_at");
        assert_eq!(made["expires_at"].as_i64(), Some(created + week));
        let stored: Vec<String> =
            sqlx::query_scalar("SELECT code_hash FROM invites WHERE trainee_id = $1")
                .bind(&trainee.id)
                .fetch_all(server.database().pool())
                .await
                .expect("invites");
        assert_eq!(stored.len(), 1);
        assert!(
            !stored[0].contains(&code.replace('-', "")),
            "only a hash is stored"
        );
        assert_eq!(stored[0].len(), 64, "SHA-256 in hex");

        let response = accept(&server, &supervisor, code).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{shown}");
        let relationship: Value = response.json().await.expect("json");
        assert_eq!(relationship["relation"], "educational_supervisor");
        assert_eq!(relationship["trainee"], person(&trainee));
        assert_eq!(relationship["supervisor"], person(&supervisor));
        assert_eq!(relationship["share_new"], false);
        assert!(relationship["started_at"].as_i64().is_some());

        let mine = list(&server, &trainee).await;
        assert_eq!(mine["supervisors"], json!([relationship]), "{shown}");
        assert_eq!(mine["trainees"], json!([]));
        assert_eq!(
            mine["pending_invites"],
            json!([]),
            "a used invite is not pending"
        );
        let theirs = list(&server, &supervisor).await;
        assert_eq!(theirs["trainees"], json!([relationship]));
        assert_eq!(theirs["supervisors"], json!([]));
        server.shut_down().await;
    }
}

#[tokio::test]
async fn codes_are_accepted_in_any_case_without_the_dash() {
    for (target, data) in databases() {
        let server = start(target, data).await;
        let trainee = doctor(&server, "Dr Trainee").await;
        let lower_without_dash: fn(&str) -> String = |code| code.replace('-', "").to_lowercase();
        let lower_with_spaces: fn(&str) -> String = |code| format!("  {}\n", code.to_lowercase());
        for (typed, relation) in [(lower_without_dash, "mentor"), (lower_with_spaces, "coach")] {
            let supervisor = doctor(&server, "Dr Supervisor").await;
            let code = invite_code(&server, &trainee, relation).await;
            let typed = typed(&code);
            assert_ne!(typed, code);
            let response = accept(&server, &supervisor, &typed).await;
            assert_eq!(response.status(), StatusCode::CREATED, "{typed:?}");
            let relationship: Value = response.json().await.expect("json");
            assert_eq!(relationship["relation"], relation);
        }
        assert_eq!(
            list(&server, &trainee).await["supervisors"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );
        server.shut_down().await;
    }
}

#[tokio::test]
async fn waiting_invites_are_limited() {
    for (target, data) in databases() {
        let server = start(target, data).await;
        let trainee = doctor(&server, "Dr Trainee").await;
        for _ in 0..server::supervision::MAX_PENDING_INVITES {
            invite(&server, &trainee, "mentor").await;
        }
        let response = call(
            &server,
            Method::POST,
            "/invites",
            &trainee,
            Some(json!({ "relation": "mentor" })),
        )
        .await;
        let retry_after: u64 = response.headers()[RETRY_AFTER]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("seconds");
        assert!(
            retry_after > 0 && retry_after <= 7 * 24 * 60 * 60,
            "{retry_after}"
        );
        let (status, code, message, _) = error_of(response).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::TOO_MANY_REQUESTS, "too_many_invites")
        );
        assert!(message.contains("20 invites waiting"), "{message}");
        // An expired invite no longer counts.
        sqlx::query("UPDATE invites SET expires_at = 1 WHERE trainee_id = $1 AND code_hash IN (SELECT code_hash FROM invites WHERE trainee_id = $1 ORDER BY created_at LIMIT 1)")
            .bind(&trainee.id)
            .execute(server.database().pool())
            .await
            .expect("expire one");
        invite(&server, &trainee, "mentor").await;
        server.shut_down().await;
    }
}
