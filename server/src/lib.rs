//! Waymark's server: configuration, database, and the HTTP application.

pub mod config;
pub mod db;
pub mod http;
pub mod telemetry;

pub use config::Config;

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
    #[error("the server stopped with an error: {0}")]
    Serve(std::io::Error),
}

/// Opens the database, binds the port, and serves until SIGTERM or ctrl-c.
pub async fn run(config: Config) -> Result<(), StartupError> {
    let database = db::Database::open(&config.database_target()?).await?;
    let listener = bind(&config).await?;
    let address = listener.local_addr().map_err(StartupError::Serve)?;
    // One line on stdout says where Waymark is; scripts and tests read it.
    println!("Waymark is running at http://{address}/");
    tracing::info!(%address, app_dir = %config.app_dir.display(), "listening");
    serve(listener, database, &config.app_dir, shutdown_signal()).await
}

/// Serves the application on `listener` until `shutdown` resolves, then lets requests
/// in flight finish and closes the database.
pub async fn serve(
    listener: TcpListener,
    database: db::Database,
    app_dir: &Path,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartupError> {
    let app = http::router(http::AppState::new(database.clone(), app_dir));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(StartupError::Serve)?;
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

/// Resolves on ctrl-c or SIGTERM, whichever comes first.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
