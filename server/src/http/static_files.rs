//! The built web app: files from the app folder with the right MIME types,
//! precompressed variants, and cache headers that make updates safe.
//!
//! The build puts every content-hashed file under `/assets/<hash>/`, so those are
//! cached for a year; `index.html`, `sw.js` and the manifest must be revalidated so a
//! new version is noticed. Any other path gets `index.html`, and the app's router
//! decides what to show (including its own not-found page).

use axum::extract::Request;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Router;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// Serves the app from `app_dir`, or a page explaining how to build it if it is missing.
pub fn service(app_dir: &Path) -> Router {
    let index = app_dir.join("index.html");
    if !index.is_file() {
        tracing::warn!(app_dir = %app_dir.display(), "the web app is not built; serving a notice instead");
        return Router::new().fallback(not_built());
    }
    let files = ServeDir::new(app_dir)
        .precompressed_gzip()
        .precompressed_br()
        .fallback(ServeFile::new(index).precompressed_gzip());
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(cache_headers))
}

async fn cache_headers(request: Request, next: Next) -> Response {
    let immutable = request.uri().path().starts_with("/assets/");
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let policy = if immutable { IMMUTABLE } else { REVALIDATE };
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

fn not_built() -> MethodRouter {
    get(|| async {
        let page = Html(
            "<!doctype html><title>Waymark</title><h1>Waymark's web app is not built</h1>\
             <p>Run <code>bash scripts/run.sh</code> from the project folder: it builds the app and starts the server.</p>",
        );
        (StatusCode::SERVICE_UNAVAILABLE, page).into_response()
    })
}
