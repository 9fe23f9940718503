//! One conformance suite for the storage traits ([`ChangeLog`], [`AccountStore`],
//! [`AccessStore`]): every check runs against the embedded SQLite database and against a real
//! PostgreSQL server (a throwaway cluster shared by this test binary, a new database per test).
//!
//! A check is an `async fn(Arc<dyn Database>) -> TestResult` in the module of its trait; the
//! [`conformance!`] macro makes it two tests, `<check>::on_sqlite` and `<check>::on_postgres`.
//!
//! [`ChangeLog`]: server::storage::ChangeLog
//! [`AccountStore`]: server::storage::AccountStore
//! [`AccessStore`]: server::storage::AccessStore

use std::sync::Arc;

use server::storage::{Database, Location};
use tests::PostgresCluster;

mod access;
mod accounts;
mod compaction;
mod device_codes;
mod log;
mod retention;
mod tickets;

/// What every check returns.
pub(crate) type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A database under test, and what must live as long as it.
pub(crate) struct Backend {
    /// The storage, behind the traits the relay uses.
    pub(crate) database: Arc<dyn Database>,
    /// The SQLite data directory (deleted when the backend is dropped).
    _directory: Option<tempfile::TempDir>,
}

/// A fresh SQLite database in a temporary directory.
pub(crate) async fn sqlite() -> Result<Backend, Box<dyn std::error::Error + Send + Sync>> {
    let directory = tempfile::tempdir()?;
    let database = server::storage::open(&Location::Sqlite(directory.path().to_path_buf())).await?;
    Ok(Backend {
        database,
        _directory: Some(directory),
    })
}

/// The connection string of a fresh database on this test binary's PostgreSQL cluster (for
/// checks connecting several instances to one database, as several relays would).
pub(crate) async fn fresh_postgres_url() -> Result<String, Box<dyn std::error::Error + Send + Sync>>
{
    Ok(PostgresCluster::shared()?.create_database().await?)
}

/// A fresh database on this test binary's PostgreSQL cluster.
pub(crate) async fn postgres() -> Result<Backend, Box<dyn std::error::Error + Send + Sync>> {
    let url = fresh_postgres_url().await?;
    let database = server::storage::open(&Location::Postgres(url)).await?;
    Ok(Backend {
        database,
        _directory: None,
    })
}

/// Makes each named check (an `async fn(Arc<dyn Database>) -> TestResult` in scope) a module of
/// two tests: `on_sqlite` and `on_postgres`.
#[macro_export]
macro_rules! conformance {
    ($($check:ident),* $(,)?) => {
        $(
            mod $check {
                #[tokio::test]
                async fn on_sqlite() -> $crate::TestResult {
                    let backend = $crate::sqlite().await?;
                    super::$check(std::sync::Arc::clone(&backend.database)).await
                }

                #[tokio::test]
                async fn on_postgres() -> $crate::TestResult {
                    let backend = $crate::postgres().await?;
                    super::$check(std::sync::Arc::clone(&backend.database)).await
                }
            }
        )*
    };
}
