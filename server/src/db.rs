//! The database: where it is, connecting, migrations, and a health probe.
//!
//! One set of portable SQL runs on both backends through sqlx's `Any` driver; each
//! backend has its own migration folder because DDL types differ.

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor, Row};
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// What went wrong opening or using the database, in words for whoever runs the server.
#[derive(Debug, Error)]
pub enum DatabaseError {
    #[error(
        "DATABASE_URL {shown:?} is not understood: it must start with sqlite:// or postgres://"
    )]
    UnknownScheme { shown: String },
    #[error("cannot create the data folder {path}: {source}")]
    CreateDataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write to the data folder {path}: {source} (choose another with --data-dir or WAYMARK_DATA_DIR)")]
    DataDirNotWritable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database {shown}: {source}")]
    Connect { shown: String, source: sqlx::Error },
    #[error("cannot bring the database {shown} up to date: {source}")]
    Migrate {
        shown: String,
        source: sqlx::migrate::MigrateError,
    },
    #[error("database query failed: {0}")]
    Query(#[from] sqlx::Error),
}

/// Which database engine a target uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database to connect to, checked for obvious mistakes before connecting.
#[derive(Debug, Clone)]
pub struct DatabaseTarget {
    backend: Backend,
    url: String,
}

impl DatabaseTarget {
    /// Parses a `DATABASE_URL`.
    pub fn from_url(url: &str) -> Result<Self, DatabaseError> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(DatabaseError::UnknownScheme {
                shown: redact_password(url),
            });
        };
        let mut url = url.to_owned();
        // A SQLite file is created on first start unless the URL says otherwise.
        if backend == Backend::Sqlite && !url.contains("mode=") {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str("mode=rwc");
        }
        Ok(Self { backend, url })
    }

    /// The embedded default: a SQLite file in `data_dir`, which is created and probed
    /// for writing so a read-only folder is reported before anything else happens.
    pub fn embedded_in(data_dir: &Path) -> Result<Self, DatabaseError> {
        std::fs::create_dir_all(data_dir).map_err(|source| DatabaseError::CreateDataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let probe = data_dir.join(".write-probe");
        std::fs::write(&probe, b"waymark")
            .and_then(|()| std::fs::remove_file(&probe))
            .map_err(|source| DatabaseError::DataDirNotWritable {
                path: data_dir.to_owned(),
                source,
            })?;
        let file = data_dir.join("waymark.db");
        Ok(Self {
            backend: Backend::Sqlite,
            url: format!("sqlite://{}?mode=rwc", file.display()),
        })
    }

    /// The engine this target uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL with any password hidden, for messages and logs.
    pub fn shown(&self) -> String {
        redact_password(&self.url)
    }
}

/// Hides the password of `scheme://user:password@host` URLs.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) if credentials.contains(':') => {
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

/// A connection pool with migrations applied.
#[derive(Debug, Clone)]
pub struct Database {
    pool: AnyPool,
    backend: Backend,
}

impl Database {
    /// Connects and applies any migrations not yet applied.
    pub async fn open(target: &DatabaseTarget) -> Result<Self, DatabaseError> {
        sqlx::any::install_default_drivers();
        let backend = target.backend;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |connection, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers work during a write; FULL sync makes a commit
                        // durable before we tell a device its change is saved.
                        connection
                            .execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                            )
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&target.url)
            .await
            .map_err(|source| DatabaseError::Connect {
                shown: target.shown(),
                source,
            })?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&pool)
            .await
            .map_err(|source| DatabaseError::Migrate {
                shown: target.shown(),
                source,
            })?;
        tracing::info!(database = %target.shown(), "database ready");
        Ok(Self { pool, backend })
    }

    /// The connection pool, for the modules that own their tables' queries.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The engine in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Reads a row written by the first migration: proves the database answers and
    /// is migrated.
    pub async fn check_health(&self) -> Result<(), DatabaseError> {
        let row: AnyRow = sqlx::query("SELECT value FROM meta WHERE key = 'schema'")
            .fetch_one(&self.pool)
            .await?;
        let _schema: String = row.try_get("value")?;
        Ok(())
    }

    /// Closes every connection, waiting for queries in flight.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_before_connecting() {
        assert!(matches!(
            DatabaseTarget::from_url("mysql://root@localhost/db"),
            Err(DatabaseError::UnknownScheme { .. })
        ));
        let postgres = DatabaseTarget::from_url("postgres://me:secret@db/waymark").expect("ok");
        assert_eq!(postgres.backend(), Backend::Postgres);
        assert_eq!(postgres.shown(), "postgres://me:***@db/waymark");
        let sqlite = DatabaseTarget::from_url("sqlite://x.db").expect("ok");
        assert_eq!(sqlite.shown(), "sqlite://x.db?mode=rwc");
    }

    #[test]
    fn a_bad_url_never_shows_its_password() {
        let error = DatabaseTarget::from_url("mongodb://me:secret@db").expect_err("rejected");
        assert!(!error.to_string().contains("secret"), "{error}");
    }
}
