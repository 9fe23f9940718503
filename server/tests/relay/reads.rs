//! Reads the relay does for devices stop at their page budget, and the unauthenticated health
//! and metrics routes answer from counters.

use server::storage::{IncomingChange, LogPage, PageBudget, SnapshotPage};
use shared::index::AccountIndexRow;
use shared::protocol::{DocumentId, Seq};
use shared::replica::{IndexRow, RecordKind, Summary};

use crate::harness::{everything, http_get, Relay, TestResult};

const KIB: usize = 1024;

/// `count` entries of `size` bytes each, appended by `principal`'s device in one batch each.
async fn log_large_entries(
    relay: &Relay,
    principal: server::identity::Principal,
    count: u8,
    size: usize,
) -> TestResult {
    for index in 0..count {
        let outcome = relay
            .state
            .log
            .append(
                principal.workspace,
                principal.device,
                vec![IncomingChange {
                    document: DocumentId(uuid::Uuid::from_u128(u128::from(index))),
                    hash: [index; 32],
                    actor: vec![1; 16],
                    bytes: vec![index; size],
                }],
                0,
            )
            .await?;
        assert_eq!(outcome.stored.len(), 1);
    }
    Ok(())
}

#[tokio::test]
async fn a_log_page_over_large_entries_never_reads_past_its_byte_budget() -> TestResult {
    let relay = Relay::start().await?;
    let principal = relay.workspace(1).await?[0];
    log_large_entries(&relay, principal, 40, 100 * KIB).await?;
    let budget = PageBudget {
        entries: 2_000,
        bytes: 768 * KIB,
    };
    let before = relay.state.storage.health();
    let LogPage { entries, more, .. } = relay
        .state
        .log
        .page(principal.workspace, Seq(0), budget, everything())
        .await?;
    let after = relay.state.storage.health();
    assert_eq!(entries.len(), 7);
    assert!(more);
    assert_eq!(after.rows_read - before.rows_read, 7);
    assert!(
        after.bytes_read - before.bytes_read <= budget.bytes as u64,
        "read {} bytes for a {}-byte page",
        after.bytes_read - before.bytes_read,
        budget.bytes
    );

    // Paging on from there delivers every entry once, each page within the budget.
    let mut cursor = entries.last().map_or(Seq(0), |entry| entry.seq);
    let mut delivered = entries.len();
    loop {
        let LogPage { entries, more, .. } = relay
            .state
            .log
            .page(principal.workspace, cursor, budget, everything())
            .await?;
        let bytes: usize = entries.iter().map(|entry| entry.change.bytes.len()).sum();
        assert!(bytes <= budget.bytes);
        delivered += entries.len();
        cursor = entries.last().map_or(cursor, |entry| entry.seq);
        if !more {
            break;
        }
    }
    assert_eq!(delivered, 40);
    assert_eq!(
        relay.state.storage.health().rows_read - before.rows_read,
        40,
        "rows were read and thrown away"
    );
    Ok(())
}

#[tokio::test]
async fn an_entry_larger_than_the_budget_still_makes_a_page_of_one() -> TestResult {
    let relay = Relay::start().await?;
    let principal = relay.workspace(1).await?[0];
    log_large_entries(&relay, principal, 2, 300 * KIB).await?;
    let budget = PageBudget {
        entries: 100,
        bytes: 100 * KIB,
    };
    let LogPage { entries, more, .. } = relay
        .state
        .log
        .page(principal.workspace, Seq(0), budget, everything())
        .await?;
    assert_eq!((entries.len(), more), (1, true));
    Ok(())
}

#[tokio::test]
async fn a_snapshot_page_never_reads_past_its_byte_budget() -> TestResult {
    let relay = Relay::start().await?;
    let principal = relay.workspace(1).await?[0];
    for index in 0..20_u128 {
        relay
            .state
            .log
            .store_snapshot(
                principal.workspace,
                DocumentId(uuid::Uuid::from_u128(index + 1)),
                vec![0; 200 * KIB],
                None,
                Seq(1),
            )
            .await?;
    }
    let budget = PageBudget {
        entries: 2_000,
        bytes: 768 * KIB,
    };
    let before = relay.state.storage.health();
    let SnapshotPage {
        snapshots, more, ..
    } = relay
        .state
        .log
        .snapshots_page(principal.workspace, None, budget, everything())
        .await?;
    let after = relay.state.storage.health();
    assert_eq!((snapshots.len(), more), (3, true));
    assert_eq!(after.rows_read - before.rows_read, 3);
    assert!(after.bytes_read - before.bytes_read <= budget.bytes as u64);
    Ok(())
}

#[tokio::test]
async fn summaries_count_towards_a_snapshot_pages_byte_budget() -> TestResult {
    let relay = Relay::start().await?;
    let principal = relay.workspace(1).await?[0];
    for index in 0..10_u128 {
        let document = DocumentId(uuid::Uuid::from_u128(index + 1));
        // A 100 KiB snapshot with a summary of about 100 KiB more (a long row).
        let summary = Summary {
            kind: Some(RecordKind::Account),
            row: IndexRow::Account(AccountIndexRow {
                id: document.0.to_string(),
                search_terms: vec!["mot".repeat(1_000); 34],
                ..AccountIndexRow::default()
            }),
            heads: Vec::new(),
        };
        relay
            .state
            .log
            .store_snapshot(
                principal.workspace,
                document,
                vec![0; 100 * KIB],
                Some(summary),
                Seq(1),
            )
            .await?;
    }
    let budget = PageBudget {
        entries: 2_000,
        bytes: 768 * KIB,
    };
    let before = relay.state.storage.health();
    let SnapshotPage {
        snapshots, more, ..
    } = relay
        .state
        .log
        .snapshots_page(principal.workspace, None, budget, everything())
        .await?;
    let after = relay.state.storage.health();
    // Seven snapshots alone would fit; with their summaries, three do.
    assert_eq!((snapshots.len(), more), (3, true));
    assert!(snapshots.iter().all(|snapshot| snapshot.summary.is_some()));
    assert!(after.bytes_read - before.bytes_read <= budget.bytes as u64);
    assert!(after.bytes_read - before.bytes_read > 3 * 195 * KIB as u64);
    Ok(())
}

#[tokio::test]
async fn health_and_metrics_report_the_log_from_maintained_counters() -> TestResult {
    let relay = Relay::start().await?;
    let principal = relay.workspace(1).await?[0];
    log_large_entries(&relay, principal, 3, KIB).await?;
    let (status, _, body) = http_get(relay.address, "/api/health").await?;
    assert_eq!(status, 200);
    assert!(body.contains("\"logged_changes\":3"), "{body}");
    let (status, _, body) = http_get(relay.address, "/metrics").await?;
    assert_eq!(status, 200);
    assert!(body.contains("carnet_log_changes 3"), "{body}");
    Ok(())
}

#[tokio::test]
async fn a_scoped_snapshot_page_loads_only_the_readers_documents_and_goes_on_past_the_rest(
) -> TestResult {
    let relay = Relay::start().await?;
    let principal = relay.workspace(1).await?[0];
    let documents: Vec<DocumentId> = (1..=10_u128)
        .map(|index| DocumentId(uuid::Uuid::from_u128(index)))
        .collect();
    for document in &documents {
        relay
            .state
            .log
            .store_snapshot(principal.workspace, *document, vec![1; KIB], None, Seq(1))
            .await?;
    }
    // The reader may read the 2nd, 5th and 9th documents only; pages of two.
    let readable: std::collections::HashSet<DocumentId> =
        [documents[1], documents[4], documents[8]].into();
    let scope = std::sync::Arc::new(server::access::Scope::Only(readable.clone()));
    let budget = PageBudget {
        entries: 2,
        bytes: 1 << 20,
    };
    let before = relay.state.storage.health();
    let first = relay
        .state
        .log
        .snapshots_page(principal.workspace, None, budget, scope.clone())
        .await?;
    let got: Vec<DocumentId> = first.snapshots.iter().map(|s| s.document).collect();
    assert_eq!(got, vec![documents[1], documents[4]]);
    assert!(first.more);
    let second = relay
        .state
        .log
        .snapshots_page(principal.workspace, first.through, budget, scope)
        .await?;
    let got: Vec<DocumentId> = second.snapshots.iter().map(|s| s.document).collect();
    assert_eq!(got, vec![documents[8]]);
    assert!(!second.more);
    let after = relay.state.storage.health();
    // Three snapshots loaded, three kibibytes: nothing of the seven others.
    assert_eq!(after.rows_read - before.rows_read, 3);
    assert_eq!(after.bytes_read - before.bytes_read, 3 * KIB as u64);
    Ok(())
}
