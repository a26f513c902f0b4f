//! Accounts and sessions over real HTTP on a free loopback port: register, sign in,
//! sign out, expiry, clear errors for bad input, and the limit on guessing.

mod support;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::auth::{self, AuthError};
use std::time::{SystemTime, UNIX_EPOCH};
use support::{client, databases, TestServer};

const PASSWORD: &str = "a long enough passphrase";

/// An email no earlier run used, since a PostgreSQL test database outlives runs.
fn unique_email(name: &str) -> String {
    format!("{name}.{}@example.com", uuid::Uuid::new_v4().simple())
}

fn unix_now() -> i64 {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970");
    i64::try_from(elapsed.as_secs()).expect("fits")
}

async fn start(target: server::db::DatabaseTarget, data: tempfile::TempDir) -> TestServer {
    // Auth does not need the web app: an empty folder stands in for its build.
    let app = tempfile::tempdir().expect("temp dir");
    TestServer::start_on(app.path(), target, data).await
}

async fn with_token(
    server: &TestServer,
    method: &str,
    path: &str,
    token: &str,
) -> reqwest::Response {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    client()
        .request(method, format!("{}{path}", server.url))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .send()
        .await
        .expect("the server answers")
}

async fn login(server: &TestServer, email: &str, password: &str) -> reqwest::Response {
    server
        .post_json(
            "/api/auth/login",
            &json!({ "email": email, "password": password, "device": "Test phone" }),
        )
        .await
}

/// Reads an error body, checking its shape, and returns (code, message).
async fn error_of(response: reqwest::Response) -> (String, String, Value) {
    let body: Value = response.json().await.expect("a JSON error body");
    let error = &body["error"];
    let code = error["code"].as_str().expect("a code").to_owned();
    let message = error["message"].as_str().expect("a message").to_owned();
    (code, message, error["field"].clone())
}

#[tokio::test]
async fn register_then_sign_in_and_see_who_is_signed_in() {
    for (target, data) in databases() {
        let shown = target.shown();
        let server = start(target, data).await;
        let email = unique_email("Dr.Ada");
        let response = server
            .post_json(
                "/api/auth/register",
                &json!({
                    "email": format!("  {}  ", email.to_uppercase()),
                    "display_name": "  Dr Ada Okafor ",
                    "password": PASSWORD,
                    "device": "Laptop",
                }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "{shown}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["user"]["email"], email.to_lowercase(), "{shown}");
        assert_eq!(body["user"]["display_name"], "Dr Ada Okafor");
        let token = body["token"].as_str().expect("token");
        assert_eq!(token.len(), 43, "32 random bytes in base64url");
        let expires_at = body["expires_at"].as_i64().expect("expiry");
        let thirty_days = 30 * 24 * 60 * 60;
        assert!(
            (expires_at - unix_now() - thirty_days).abs() < 60,
            "{expires_at}"
        );

        let me = with_token(&server, "GET", "/api/auth/me", token).await;
        assert_eq!(me.status(), StatusCode::OK, "{shown}");
        let me: Value = me.json().await.expect("json");
        assert_eq!(me["user"], body["user"]);

        let signed_in = login(&server, &email.to_uppercase(), PASSWORD).await;
        assert_eq!(signed_in.status(), StatusCode::OK, "{shown}");
        let second: Value = signed_in.json().await.expect("json");
        assert_eq!(second["user"], body["user"]);
        let second_token = second["token"].as_str().expect("token");
        assert_ne!(second_token, token, "each sign-in is its own session");
        let me = with_token(&server, "GET", "/api/auth/me", second_token).await;
        assert_eq!(me.status(), StatusCode::OK);
        server.shut_down().await;
    }
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    for (target, data) in databases() {
        let server = start(target, data).await;
        let email = unique_email("grace");
        server.register(&email, PASSWORD).await;
        let wrong_password = login(&server, &email, "not the passphrase").await;
        assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
        let unknown = login(&server, &unique_email("nobody"), PASSWORD).await;
        assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
        let (code, message, _) = error_of(wrong_password).await;
        assert_eq!(code, "unauthorised");
        assert_eq!(message, "That email and password do not match.");
        assert_eq!(error_of(unknown).await.1, message);
        server.shut_down().await;
    }
}

#[tokio::test]
async fn an_email_can_have_only_one_account() {
    for (target, data) in databases() {
        let server = start(target, data).await;
        let email = unique_email("twin");
        server.register(&email, PASSWORD).await;
        let again = server
            .post_json(
                "/api/auth/register",
                &json!({ "email": email.to_uppercase(), "display_name": "Twin", "password": PASSWORD }),
            )
            .await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
        let (code, message, _) = error_of(again).await;
        assert_eq!(code, "conflict");
        assert!(message.contains("already exists"), "{message}");
        server.shut_down().await;
    }
}

#[tokio::test]
async fn malformed_bodies_get_a_json_explanation() {
    let app = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start(app.path()).await;
    let url = format!("{}/api/auth/register", server.url);

    let syntax = client()
        .post(&url)
        .header(CONTENT_TYPE, "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .expect("answers");
    assert_eq!(syntax.status(), StatusCode::BAD_REQUEST);
    let (code, message, _) = error_of(syntax).await;
    assert_eq!(code, "bad_request");
    assert_eq!(message, "The request body is not valid JSON.");

    let missing = server
        .post_json("/api/auth/register", &json!({ "email": "a@example.com" }))
        .await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (code, message, _) = error_of(missing).await;
    assert_eq!(code, "bad_request");
    assert!(message.contains("missing field"), "{message}");

    let not_json = client()
        .post(&url)
        .body("email=a@example.com")
        .send()
        .await
        .expect("answers");
    assert_eq!(not_json.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (_, message, _) = error_of(not_json).await;
    assert!(message.contains("application/json"), "{message}");
    server.shut_down().await;
}

#[tokio::test]
async fn invalid_input_is_explained_field_by_field() {
    let app = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start(app.path()).await;
    let cases = [
        (
            json!({ "email": "ada", "display_name": "Ada", "password": PASSWORD }),
            "email",
            "name@example.com",
        ),
        (
            json!({ "email": "ada@example.com", "display_name": "Ada", "password": "short" }),
            "password",
            "at least 10 characters",
        ),
        (
            json!({ "email": "ada@example.com", "display_name": "Ada", "password": "x".repeat(201) }),
            "password",
            "at most 200",
        ),
        (
            json!({ "email": "ada@example.com", "display_name": "   ", "password": PASSWORD }),
            "display_name",
            "your name",
        ),
        (
            json!({ "email": "ada@example.com", "display_name": "A".repeat(81), "password": PASSWORD }),
            "display_name",
            "at most 80",
        ),
    ];
    for (body, expected_field, expected_words) in cases {
        let response = server.post_json("/api/auth/register", &body).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        let (code, message, field) = error_of(response).await;
        assert_eq!(code, "invalid");
        assert_eq!(field, expected_field, "{body}");
        assert!(message.contains(expected_words), "{message}");
    }
    server.shut_down().await;
}

#[tokio::test]
async fn requests_without_a_valid_token_are_asked_to_sign_in() {
    let app = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start(app.path()).await;
    let without = server.get("/api/auth/me").await;
    assert_eq!(without.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(without.headers()["www-authenticate"], "Bearer");
    let body: Value = without.json().await.expect("json");
    assert_eq!(
        body,
        json!({ "error": { "code": "unauthorised", "message": "Please sign in again." } })
    );
    let wrong = with_token(&server, "GET", "/api/auth/me", "made-up-token").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let unknown_route = server.get("/api/auth/nothing-here").await;
    assert_eq!(unknown_route.status(), StatusCode::NOT_FOUND);
    server.shut_down().await;
}

#[tokio::test]
async fn signing_out_ends_only_that_session() {
    for (target, data) in databases() {
        let server = start(target, data).await;
        let email = unique_email("ward");
        let (_, laptop) = server.register(&email, PASSWORD).await;
        let phone: Value = login(&server, &email, PASSWORD)
            .await
            .json()
            .await
            .expect("json");
        let phone = phone["token"].as_str().expect("token");

        let out = with_token(&server, "POST", "/api/auth/logout", &laptop).await;
        assert_eq!(out.status(), StatusCode::NO_CONTENT);
        let me = with_token(&server, "GET", "/api/auth/me", &laptop).await;
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
        let me = with_token(&server, "GET", "/api/auth/me", phone).await;
        assert_eq!(me.status(), StatusCode::OK);
        server.shut_down().await;
    }
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session() {
    for (target, data) in databases() {
        let server = start(target, data).await;
        let email = unique_email("lost.phone");
        let (_, laptop) = server.register(&email, PASSWORD).await;
        let phone: Value = login(&server, &email, PASSWORD)
            .await
            .json()
            .await
            .expect("json");
        let phone = phone["token"].as_str().expect("token");

        let out = with_token(&server, "POST", "/api/auth/logout-everywhere", &laptop).await;
        assert_eq!(out.status(), StatusCode::NO_CONTENT);
        for token in [laptop.as_str(), phone] {
            let me = with_token(&server, "GET", "/api/auth/me", token).await;
            assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
        }
        server.shut_down().await;
    }
}

#[tokio::test]
async fn an_expired_session_says_so() {
    for (target, data) in databases() {
        let shown = target.shown();
        let server = start(target, data).await;
        let (user, token) = server.register(&unique_email("late"), PASSWORD).await;
        sqlx::query("UPDATE sessions SET expires_at = $1 WHERE user_id = $2")
            .bind(unix_now() - 1)
            .bind(user["id"].as_str().expect("id"))
            .execute(server.database().pool())
            .await
            .expect("expire the session");

        let me = with_token(&server, "GET", "/api/auth/me", &token).await;
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED, "{shown}");
        let (code, message, _) = error_of(me).await;
        assert_eq!(code, "unauthorised");
        assert_eq!(message, "Your session has expired. Please sign in again.");
        let direct = auth::authenticate(server.database(), &token).await;
        assert!(matches!(direct, Err(AuthError::Expired)), "{direct:?}");
        server.shut_down().await;
    }
}

#[tokio::test]
async fn the_library_api_creates_accounts_and_checks_tokens() {
    for (target, data) in databases() {
        let server = start(target, data).await;
        let db = server.database();
        let email = unique_email("demo");
        let user = auth::create_account(db, &email, "Dr Demo", PASSWORD)
            .await
            .expect("account");
        let (token, expires_at) = auth::start_session(db, &user, Some("sync test"))
            .await
            .expect("session");
        assert!(expires_at > unix_now());
        let found = auth::authenticate(db, &token).await.expect("authenticates");
        assert_eq!(found, user);
        let unknown = auth::authenticate(db, "not-a-token").await;
        assert!(
            matches!(unknown, Err(AuthError::InvalidToken)),
            "{unknown:?}"
        );
        let again = auth::create_account(db, &email, "Dr Demo", PASSWORD).await;
        assert!(matches!(again, Err(AuthError::EmailTaken)), "{again:?}");
        server.shut_down().await;
    }
}

#[tokio::test]
async fn repeated_failures_pause_sign_in_for_that_account() {
    let app = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start(app.path()).await;
    let email = unique_email("guessed");
    server.register(&email, PASSWORD).await;
    for attempt in 1..=5 {
        let response = login(&server, &email, "a wrong guess!").await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    // Even the right password waits now: otherwise the limit would confirm a guess.
    let sixth = login(&server, &email, PASSWORD).await;
    assert_eq!(sixth.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = sixth.headers()[RETRY_AFTER]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("whole seconds");
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let (code, message, _) = error_of(sixth).await;
    assert_eq!(code, "too_many_attempts");
    assert_eq!(
        message,
        format!("Too many sign-in attempts. Try again in {retry_after} s.")
    );
    // Another account from the same address can still sign in.
    let other = unique_email("colleague");
    server.register(&other, PASSWORD).await;
    assert_eq!(
        login(&server, &other, PASSWORD).await.status(),
        StatusCode::OK
    );
    server.shut_down().await;
}
