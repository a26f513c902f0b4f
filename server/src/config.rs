//! Configuration from flags and environment variables (`waymark --help` lists them).

use crate::db::{DatabaseError, DatabaseTarget};
use clap::Parser;
use std::net::IpAddr;
use std::path::PathBuf;

/// How the server is configured. Every flag can also be set by the environment
/// variable named beside it.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "waymark",
    version,
    about = "Waymark server: accounts, sync and the web app for a leadership portfolio of doctors in training.",
    long_about = None
)]
pub struct Config {
    /// Address to listen on. Use 0.0.0.0 to accept connections from other machines.
    #[arg(long, env = "WAYMARK_HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,

    /// Port to listen on; 0 picks a free port and prints it.
    #[arg(long, env = "WAYMARK_PORT", default_value_t = 8080)]
    pub port: u16,

    /// Folder for the embedded SQLite database (created if missing).
    #[arg(long, env = "WAYMARK_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Database to use instead of the embedded SQLite file in the data folder:
    /// sqlite://PATH or postgres://USER:PASSWORD@HOST/NAME.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// Folder of the built web app (index.html, sw.js, assets/).
    #[arg(long, env = "WAYMARK_APP_DIR", default_value = "app/dist")]
    pub app_dir: PathBuf,

    /// Log filter, e.g. "info" or "server=debug,tower_http=debug".
    #[arg(long, env = "RUST_LOG", default_value = "info")]
    pub log: String,
}

impl Config {
    /// The database this configuration points at, checked before anything connects.
    pub fn database_target(&self) -> Result<DatabaseTarget, DatabaseError> {
        match &self.database_url {
            Some(url) => DatabaseTarget::from_url(url),
            None => DatabaseTarget::embedded_in(&self.data_dir),
        }
    }
}
