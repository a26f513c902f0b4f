//! Waymark's server: configuration, database, and the HTTP application.

pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod http;
pub mod supervision;
pub mod sync;
pub mod telemetry;

pub use config::{Command, Config};

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use thiserror::Error;
use tokio::net::TcpListener;

/// Why the server could not start, in words for whoever runs it.
#[derive(Debug, Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] db::DatabaseError),
    #[error("port {port} on {host} is already in use: stop the other program or choose another port with --port or WAYMARK_PORT")]
    PortInUse { host: std::net::IpAddr, port: u16 },
    #[error("not allowed to listen on {addr} (ports below 1024 need extra privileges): choose another port with --port or WAYMARK_PORT")]
    PortNotPermitted { addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot listen for stop signals: {0}")]
    Signals(std::io::Error),
    #[error("the server stopped with an error: {0}")]
    Serve(std::io::Error),
}

/// How many devices may hold a sync connection at once; more are asked to retry.
pub const MAX_SYNC_CONNECTIONS: usize = 10_000;

/// How long shutdown waits for sync connections to close.
const SYNC_CLOSE_PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);

/// Opens the database, binds the port, and serves until SIGTERM or ctrl-c.
pub async fn run(config: Config) -> Result<(), StartupError> {
    let database = db::Database::open(&config.database_target()?).await?;
    let listener = bind(&config).await?;
    let address = listener.local_addr().map_err(StartupError::Serve)?;
    let shutdown = shutdown_signal()?;
    // One line on stdout says where Waymark is; scripts and tests read it.
    println!("Waymark is running at http://{address}/");
    tracing::info!(%address, app_dir = %config.app_dir.display(), "listening");
    serve(listener, database, &config.app_dir, shutdown).await
}

/// Serves the application on `listener` until `shutdown` resolves, then lets requests
/// in flight finish and closes the database. Handlers see each client's address
/// (`ConnectInfo<SocketAddr>`), which limits sign-in attempts per address.
pub async fn serve(
    listener: TcpListener,
    database: db::Database,
    app_dir: &Path,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartupError> {
    let (stopping, stop_watch) = tokio::sync::watch::channel(false);
    let hub = sync::SyncHub::new(
        sync::Store::start(database.clone()),
        MAX_SYNC_CONNECTIONS,
        stop_watch,
    );
    let state = http::AppState::new(database.clone(), app_dir, hub);
    let hub = state.sync_hub();
    let app = http::router(state);
    // WebSockets outlive the HTTP requests that opened them, so they are told to
    // close when shutdown begins; the server then waits for them like any request.
    let shutdown = async move {
        shutdown.await;
        let _ = stopping.send(true);
    };
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(StartupError::Serve)?;
    // Upgraded WebSockets are not requests axum waits for: wait for them here, so
    // none is still writing when the database closes.
    if !hub.wait_for_connections(SYNC_CLOSE_PATIENCE).await {
        tracing::warn!(
            seconds = SYNC_CLOSE_PATIENCE.as_secs(),
            "some sync connections had not closed in time"
        );
    }
    database.close().await;
    tracing::info!("stopped cleanly");
    Ok(())
}

async fn bind(config: &Config) -> Result<TcpListener, StartupError> {
    let addr = SocketAddr::new(config.host, config.port);
    TcpListener::bind(addr)
        .await
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AddrInUse => StartupError::PortInUse {
                host: config.host,
                port: config.port,
            },
            std::io::ErrorKind::PermissionDenied => StartupError::PortNotPermitted { addr },
            _ => StartupError::Listen { addr, source },
        })
}

/// Listens for ctrl-c and SIGTERM from the moment it is made, so a signal that
/// arrives right after start-up is not lost; resolves on the first of them.
fn shutdown_signal() -> Result<impl Future<Output = ()>, StartupError> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt()).map_err(StartupError::Signals)?;
        let mut terminate = signal(SignalKind::terminate()).map_err(StartupError::Signals)?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {},
                _ = terminate.recv() => {},
            }
            tracing::info!("shutting down: finishing requests in flight");
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            if let Err(error) = tokio::signal::ctrl_c().await {
                tracing::error!(%error, "cannot listen for ctrl-c");
                std::future::pending::<()>().await;
            }
            tracing::info!("shutting down: finishing requests in flight");
        })
    }
}
