//! A Waymark server on a free loopback port for tests, and what tests do with it.

#[allow(dead_code, reason = "only the sync tests drive the protocol by hand")]
pub mod link;

use server::db::{Database, DatabaseTarget};
use std::path::Path;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A server running in this process until `shut_down`.
pub struct TestServer {
    /// Its address, such as `http://127.0.0.1:41234`, without a trailing slash.
    pub url: String,
    #[allow(dead_code, reason = "read by the account and sync tests only")]
    database: Database,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), server::StartupError>>,
    _data: tempfile::TempDir,
}

impl TestServer {
    /// A server on a fresh embedded SQLite database.
    pub async fn start(app_dir: &Path) -> Self {
        let data = tempfile::tempdir().expect("temp dir");
        let target = DatabaseTarget::embedded_in(data.path()).expect("data dir");
        Self::start_on(app_dir, target, data).await
    }

    /// A server on `target`; `data` is kept until the server is dropped.
    pub async fn start_on(app_dir: &Path, target: DatabaseTarget, data: tempfile::TempDir) -> Self {
        let database = Database::open(&target).await.expect("database opens");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let (stop, stopped) = oneshot::channel::<()>();
        let app_dir = app_dir.to_owned();
        let served = database.clone();
        let task = tokio::spawn(async move {
            server::serve(listener, served, &app_dir, async {
                let _ = stopped.await;
            })
            .await
        });
        Self {
            url,
            database,
            stop: Some(stop),
            task,
            _data: data,
        }
    }

    /// GETs `path` without asking for compression.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        client()
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("the server answers")
    }

    /// Stops the server and checks it stopped cleanly.
    pub async fn shut_down(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task
            .await
            .expect("server task")
            .expect("server stops cleanly");
    }
}

/// What the account tests do; each test file compiles this module, and the others
/// do not use these.
#[allow(dead_code, reason = "used by the account and sync tests only")]
impl TestServer {
    /// The server's database, to set up or inspect rows directly.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// POSTs `body` as JSON to `path`.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        client()
            .post(format!("{}{path}", self.url))
            .json(body)
            .send()
            .await
            .expect("the server answers")
    }

    /// Registers an account named "Dr Test" and returns its user JSON and session token.
    pub async fn register(&self, email: &str, password: &str) -> (serde_json::Value, String) {
        let response = self
            .post_json(
                "/api/auth/register",
                &serde_json::json!({
                    "email": email,
                    "display_name": "Dr Test",
                    "password": password,
                }),
            )
            .await;
        assert_eq!(response.status(), 201, "registering {email}");
        let body: serde_json::Value = response.json().await.expect("json");
        let token = body["token"].as_str().expect("a token").to_owned();
        (body["user"].clone(), token)
    }
}

/// A client that does not ask for compression, so responses arrive as sent.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .gzip(false)
        .build()
        .expect("client")
}

/// The embedded SQLite default, and the PostgreSQL scripts/test.sh starts (its URL in
/// `WAYMARK_TEST_POSTGRES_URL`) when there is one.
pub fn databases() -> Vec<(DatabaseTarget, tempfile::TempDir)> {
    let data = tempfile::tempdir().expect("temp dir");
    let mut targets = vec![(
        DatabaseTarget::embedded_in(data.path()).expect("data dir"),
        data,
    )];
    if let Ok(url) = std::env::var("WAYMARK_TEST_POSTGRES_URL") {
        let target = DatabaseTarget::from_url(&url).expect("a postgres:// URL");
        targets.push((target, tempfile::tempdir().expect("temp dir")));
    }
    targets
}
