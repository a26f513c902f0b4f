//! Supervision over real HTTP on a free loopback port, on SQLite and (when
//! WAYMARK_TEST_POSTGRES_URL is set) PostgreSQL: invites, accepting them, listing,
//! the sharing default, ending a relationship, and the errors a doctor can meet.

#[allow(dead_code, reason = "each test file uses part of the shared support")]
#[path = "../support/mod.rs"]
mod support;

mod accepting;
mod invites;
mod relationships;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::{client, databases, TestServer};

const PASSWORD: &str = "a long enough passphrase";

/// A registered user and their session.
struct Doctor {
    id: String,
    token: String,
    name: String,
    email: String,
}

async fn start(target: server::db::DatabaseTarget, data: tempfile::TempDir) -> TestServer {
    // Supervision does not need the web app: an empty folder stands in for its build.
    let app = tempfile::tempdir().expect("temp dir");
    TestServer::start_on(app.path(), target, data).await
}

/// Registers `name` with an email no earlier run used (a PostgreSQL test database
/// outlives runs).
async fn doctor(server: &TestServer, name: &str) -> Doctor {
    let email = format!("dr.{}@example.com", uuid::Uuid::new_v4().simple());
    let response = server
        .post_json(
            "/api/auth/register",
            &json!({ "email": email, "display_name": name, "password": PASSWORD }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "registering {name}");
    let body: Value = response.json().await.expect("json");
    Doctor {
        id: body["user"]["id"].as_str().expect("id").to_owned(),
        token: body["token"].as_str().expect("token").to_owned(),
        name: name.to_owned(),
        email,
    }
}

/// Sends `body` (if any) as JSON to `path` with `who`'s token.
async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    who: &Doctor,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = client()
        .request(method, format!("{}/api/supervision{path}", server.url))
        .header(AUTHORIZATION, format!("Bearer {}", who.token));
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("the server answers")
}

/// `trainee` makes an invite for `relation`; returns its JSON.
async fn invite(server: &TestServer, trainee: &Doctor, relation: &str) -> Value {
    let response = call(
        server,
        Method::POST,
        "/invites",
        trainee,
        Some(json!({ "relation": relation })),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.expect("json")
}

/// The code of a new invite `trainee` makes for `relation`.
async fn invite_code(server: &TestServer, trainee: &Doctor, relation: &str) -> String {
    invite(server, trainee, relation).await["code"]
        .as_str()
        .expect("code")
        .to_owned()
}

async fn accept(server: &TestServer, who: &Doctor, code: &str) -> reqwest::Response {
    call(
        server,
        Method::POST,
        "/accept",
        who,
        Some(json!({ "code": code })),
    )
    .await
}

/// `trainee` invites and `supervisor` accepts; returns the relationship's JSON.
async fn relate(
    server: &TestServer,
    trainee: &Doctor,
    supervisor: &Doctor,
    relation: &str,
) -> Value {
    let code = invite_code(server, trainee, relation).await;
    let response = accept(server, supervisor, &code).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.expect("json")
}

async fn list(server: &TestServer, who: &Doctor) -> Value {
    let response = call(server, Method::GET, "", who, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("json")
}

/// Reads an error body, checking its shape: (status, code, message, field).
async fn error_of(response: reqwest::Response) -> (StatusCode, String, String, Value) {
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON error body");
    let error = &body["error"];
    let code = error["code"].as_str().expect("a code").to_owned();
    let message = error["message"].as_str().expect("a message").to_owned();
    (status, code, message, error["field"].clone())
}

fn person(doctor: &Doctor) -> Value {
    json!({ "id": doctor.id, "display_name": doctor.name, "email": doctor.email })
}

#[tokio::test]
async fn every_route_needs_a_valid_token() {
    for (target, data) in databases() {
        let server = start(target, data).await;
        let routes = [
            (Method::GET, "", None),
            (
                Method::POST,
                "/invites",
                Some(json!({ "relation": "mentor" })),
            ),
            (
                Method::POST,
                "/accept",
                Some(json!({ "code": "0000-0000" })),
            ),
            (
                Method::PATCH,
                "/some-id",
                Some(json!({ "share_new": true })),
            ),
            (Method::DELETE, "/some-id", None),
        ];
        for (method, path, body) in routes {
            for token in [None, Some("not-a-real-token")] {
                let mut request = client().request(
                    method.clone(),
                    format!("{}/api/supervision{path}", server.url),
                );
                if let Some(token) = token {
                    request = request.header(AUTHORIZATION, format!("Bearer {token}"));
                }
                if let Some(body) = &body {
                    request = request.json(body);
                }
                let response = request.send().await.expect("the server answers");
                let (status, code, _, _) = error_of(response).await;
                assert_eq!(
                    status,
                    StatusCode::UNAUTHORIZED,
                    "{method} {path} {token:?}"
                );
                assert_eq!(code, "unauthorised");
            }
        }
        server.shut_down().await;
    }
}

#[tokio::test]
async fn malformed_bodies_and_unknown_relations_are_explained() {
    for (target, data) in databases() {
        let server = start(target, data).await;
        let trainee = doctor(&server, "Dr Trainee").await;
        let url = format!("{}/api/supervision/invites", server.url);
        let send = |body: &'static str| {
            client()
                .post(&url)
                .header(AUTHORIZATION, format!("Bearer {}", trainee.token))
                .header(CONTENT_TYPE, "application/json")
                .body(body)
                .send()
        };
        let (status, _, message, _) = error_of(send("{\"relation\":").await.expect("answer")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(message, "The request body is not valid JSON.");
        let (status, _, message, _) =
            error_of(send("{\"relation\":\"boss\"}").await.expect("answer")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            message.contains("boss") && message.contains("educational_supervisor"),
            "{message}"
        );
        let (status, _, message, _) = error_of(send("{}").await.expect("answer")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(message.contains("relation"), "{message}");
        let response = call(
            &server,
            Method::PATCH,
            "/any",
            &trainee,
            Some(json!({ "share_new": "yes" })),
        )
        .await;
        assert_eq!(error_of(response).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            list(&server, &trainee).await["pending_invites"],
            json!([]),
            "nothing was stored"
        );
        server.shut_down().await;
    }
}
