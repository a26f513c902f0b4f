//! Configuration from flags and environment variables (`waymark --help` lists them).

use crate::db::{DatabaseError, DatabaseTarget};
use crate::demo::DemoOptions;
use clap::{Parser, Subcommand};
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
    /// What to do instead of serving; without one, Waymark serves.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address to listen on. Use 0.0.0.0 to accept connections from other machines.
    #[arg(long, env = "WAYMARK_HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,

    /// Port to listen on; 0 picks a free port and prints it.
    #[arg(long, env = "WAYMARK_PORT", default_value_t = 8080)]
    pub port: u16,

    /// Folder for the embedded SQLite database (created if missing).
    #[arg(long, env = "WAYMARK_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Database to use instead of the embedded SQLite file in the data folder:
    /// sqlite://PATH or postgres://USER:PASSWORD@HOST/NAME.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Folder of the built web app (index.html, sw.js, assets/).
    #[arg(long, env = "WAYMARK_APP_DIR", default_value = "app/dist")]
    pub app_dir: PathBuf,

    /// Log filter, e.g. "info" or "server=debug,tower_http=debug".
    #[arg(long, env = "RUST_LOG", default_value = "info", global = true)]
    pub log: String,
}

/// Commands `waymark` runs instead of serving.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Create a demo trainee and a demo supervisor with a realistic portfolio, then exit.
    Demo(DemoOptions),
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
