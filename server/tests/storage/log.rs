//! Conformance of the log storage.

use std::sync::Arc;

use server::identity::WorkspaceId;
use server::storage::Database;
use shared::protocol::Seq;

use crate::{conformance, TestResult};

conformance!(an_empty_workspace_has_no_head);

async fn an_empty_workspace_has_no_head(database: Arc<dyn Database>) -> TestResult {
    let workspace = WorkspaceId(uuid::Uuid::new_v4());
    assert_eq!(database.head(workspace).await?, Seq(0));
    assert_eq!(database.epoch(workspace).await?, Seq(0));
    Ok(())
}
