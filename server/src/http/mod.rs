//! The HTTP application: one module per resource, each with its own `router()`.

mod error;
mod health;
mod json;
mod static_files;

pub use error::ApiError;
pub use json::JsonBody;

use crate::auth::FailureLimiter;
use crate::db::Database;
use crate::sync::SyncHub;
use axum::Router;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    database: Database,
    app_dir: std::path::PathBuf,
    login_limiter: FailureLimiter,
    invite_limiter: FailureLimiter,
    sync_hub: Arc<SyncHub>,
}

impl AppState {
    /// Shares `database` and `sync_hub` with every handler and serves the app from
    /// `app_dir`.
    pub fn new(database: Database, app_dir: &Path, sync_hub: SyncHub) -> Self {
        Self {
            inner: Arc::new(Inner {
                database,
                app_dir: app_dir.to_owned(),
                login_limiter: FailureLimiter::new(Instant::now()),
                invite_limiter: FailureLimiter::new(Instant::now()),
                sync_hub: Arc::new(sync_hub),
            }),
        }
    }

    /// What sync connections share.
    pub fn sync_hub(&self) -> Arc<SyncHub> {
        self.inner.sync_hub.clone()
    }

    /// The database pool.
    pub fn database(&self) -> &Database {
        &self.inner.database
    }

    /// Failed sign-ins of this server process (each instance counts its own).
    pub fn login_limiter(&self) -> &FailureLimiter {
        &self.inner.login_limiter
    }

    /// Invite codes that matched no live invite, per supervisor and address, so codes
    /// cannot be guessed.
    pub fn invite_limiter(&self) -> &FailureLimiter {
        &self.inner.invite_limiter
    }

    /// Where the built app lives.
    pub fn app_dir(&self) -> &Path {
        &self.inner.app_dir
    }
}

/// The whole application: API routes first, the web app for everything else.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .nest("/auth", crate::auth::router())
        .nest("/supervision", crate::supervision::router())
        .merge(crate::sync::router())
        .fallback(|| async { ApiError::NotFound });
    Router::new()
        .merge(health::router())
        .nest("/api", api)
        .fallback_service(static_files::service(state.app_dir()))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
