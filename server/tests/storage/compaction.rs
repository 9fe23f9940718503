//! Compaction runs once per workspace, whichever relay instance gets there first.

use server::identity::WorkspaceId;
use server::storage::Location;

use crate::TestResult;

#[tokio::test]
async fn one_instance_at_a_time_holds_a_workspaces_compaction_lease() -> TestResult {
    let url = tests::PostgresCluster::shared()?.create_database().await?;
    let location = Location::Postgres(url);
    let first = server::storage::open(&location).await?;
    let second = server::storage::open(&location).await?;
    let workspace = WorkspaceId(uuid::Uuid::new_v4());
    let other = WorkspaceId(uuid::Uuid::from_u128(u128::from(u32::MAX)));

    let lease = first.compaction_lease(workspace).await?;
    assert!(lease.is_some());
    assert!(second.compaction_lease(workspace).await?.is_none());
    assert!(
        first.compaction_lease(workspace).await?.is_none(),
        "not even twice by one instance"
    );
    // Another workspace is not held up.
    assert!(second.compaction_lease(other).await?.is_some());

    drop(lease);
    // The lock goes with the lease's connection, which PostgreSQL sees close a moment later.
    let mut taken = None;
    for _ in 0..200 {
        taken = second.compaction_lease(workspace).await?;
        if taken.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(taken.is_some(), "the lease was never released");
    Ok(())
}

#[tokio::test]
async fn sqlite_always_gives_the_lease_to_its_only_relay() -> TestResult {
    let backend = crate::sqlite().await?;
    let workspace = WorkspaceId(uuid::Uuid::new_v4());
    let _held = backend.database.compaction_lease(workspace).await?;
    assert!(backend
        .database
        .compaction_lease(workspace)
        .await?
        .is_some());
    Ok(())
}
