//! The server over real HTTP on a free loopback port: health, API errors, and how the
//! built app is served (MIME types, compression, cache headers, client-side routes).

mod support;

use reqwest::header::{CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE};
use server::db::Database;
use support::{client, databases, TestServer};

/// A built app in miniature: the layout scripts/package-app.sh produces.
fn fake_app() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let assets = dir.path().join("assets/0123abcd");
    std::fs::create_dir_all(&assets).expect("assets dir");
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>Waymark</title>",
    )
    .expect("index");
    std::fs::write(dir.path().join("sw.js"), "// worker").expect("sw");
    std::fs::write(dir.path().join("manifest.webmanifest"), "{}").expect("manifest");
    std::fs::write(assets.join("app_bg.wasm"), b"\0asm\x01\0\0\0").expect("wasm");
    let script = "export default function init() {}\n".repeat(50);
    std::fs::write(assets.join("app.js"), &script).expect("js");
    let gzipped = gzip(script.as_bytes());
    std::fs::write(assets.join("app.js.gz"), gzipped).expect("js.gz");
    // Only the header matters here: the server never decodes what it serves.
    std::fs::write(assets.join("app.js.br"), b"brotli bytes").expect("js.br");
    dir
}

/// Gzips with the system's gzip, as the packaging script does.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut child = std::process::Command::new("gzip")
        .arg("-c")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gzip runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(bytes)
        .expect("write");
    child.wait_with_output().expect("gzip output").stdout
}

#[tokio::test]
async fn healthz_reports_a_migrated_database() {
    let app = fake_app();
    for (target, data) in databases() {
        let shown = target.shown();
        let server = TestServer::start_on(app.path(), target, data).await;
        let response = server.get("/healthz").await;
        assert_eq!(response.status(), 200, "{shown}");
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["database"], "ok", "{shown}");
        server.shut_down().await;
    }
}

#[tokio::test]
async fn migrations_are_applied_once_and_survive_a_restart() {
    let app = fake_app();
    for (target, data) in databases() {
        let first = Database::open(&target).await.expect("first start migrates");
        first.close().await;
        let server = TestServer::start_on(app.path(), target, data).await;
        let response = server.get("/healthz").await;
        assert_eq!(response.status(), 200);
        server.shut_down().await;
    }
}

#[tokio::test]
async fn unknown_api_paths_get_a_json_error_not_the_app() {
    let app = fake_app();
    let server = TestServer::start(app.path()).await;
    let response = server.get("/api/nothing-here").await;
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "not_found");
    server.shut_down().await;
}

#[tokio::test]
async fn assets_are_immutable_and_typed_and_pages_revalidate() {
    let app = fake_app();
    let server = TestServer::start(app.path()).await;
    let http = client();

    let wasm = http
        .get(format!("{}/assets/0123abcd/app_bg.wasm", server.url))
        .send()
        .await
        .expect("wasm");
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()[CONTENT_TYPE], "application/wasm");
    assert!(wasm.headers()[CACHE_CONTROL]
        .to_str()
        .expect("ascii")
        .contains("immutable"));

    let script = http
        .get(format!("{}/assets/0123abcd/app.js", server.url))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("js");
    assert_eq!(script.headers()[CONTENT_ENCODING], "gzip");

    let brotli = http
        .get(format!("{}/assets/0123abcd/app.js", server.url))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .expect("js");
    assert_eq!(
        brotli.headers()[CONTENT_ENCODING],
        "br",
        "brotli is preferred when offered"
    );
    assert!(script.headers()[CONTENT_TYPE]
        .to_str()
        .expect("ascii")
        .contains("javascript"));

    for page in ["/", "/sw.js", "/manifest.webmanifest"] {
        let response = http
            .get(format!("{}{page}", server.url))
            .send()
            .await
            .expect("page");
        assert_eq!(response.status(), 200, "{page}");
        assert_eq!(response.headers()[CACHE_CONTROL], "no-cache", "{page}");
    }
    server.shut_down().await;
}

#[tokio::test]
async fn client_side_routes_get_the_app_shell() {
    let app = fake_app();
    let server = TestServer::start(app.path()).await;
    let response = server.get("/entries/some-entry").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[CACHE_CONTROL], "no-cache");
    assert!(response
        .text()
        .await
        .expect("body")
        .contains("<title>Waymark"));
    server.shut_down().await;
}

#[tokio::test]
async fn a_missing_app_build_is_explained() {
    let empty = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start(empty.path()).await;
    let response = server.get("/").await;
    assert_eq!(response.status(), 503);
    assert!(response.text().await.expect("body").contains("not built"));
    server.shut_down().await;
}
