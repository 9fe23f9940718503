//! Conformance of the log storage, and what only PostgreSQL must show: several relay instances
//! appending to one workspace at once keep its positions gap-free and commit-ordered.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use server::access::Scope;
use server::identity::{Role, SignInEmail, UserId, WorkspaceId};
use server::storage::accounts::NewUser;
use server::storage::postgres::PostgresStorage;
use server::storage::{
    ChangeLog, Database, IncomingChange, PageBudget, Quotas, SnapshotPage, SCAN_ROWS,
};
use shared::protocol::{DeviceId, DocumentId, Entry, Seq};
use shared::replica::{IndexRow, Summary};
use uuid::Uuid;

use crate::{conformance, TestResult};

/// What a helper fails with.
type Failure = Box<dyn std::error::Error + Send + Sync>;

/// A page budget nothing in these checks reaches.
const ALL: PageBudget = PageBudget {
    entries: 10_000,
    bytes: usize::MAX,
};

conformance!(
    an_empty_workspace_has_no_head,
    appends_number_new_changes_after_the_head_and_acknowledge_duplicates_without_storing_them,
    a_change_by_another_devices_actor_refuses_the_whole_batch_and_binds_nothing,
    a_batch_that_would_exceed_a_quota_is_refused_whole_and_duplicates_cost_nothing,
    pages_stop_at_the_entry_or_byte_budget_and_say_how_far_they_went,
    pages_skip_documents_outside_the_scope_without_loading_them,
    a_filtered_page_stops_after_scanning_its_limit_of_positions,
    a_documents_changes_its_first_position_and_the_changed_documents_come_from_the_log,
    snapshot_pages_follow_document_order_within_the_budget_and_the_scope_with_their_summaries,
    a_stored_snapshot_is_only_replaced_by_one_covering_more,
    the_compaction_epoch_never_moves_backwards,
    workspaces_whose_log_grew_by_the_threshold_since_their_epoch_are_to_compact,
);

fn failure(message: impl Into<String>) -> Failure {
    message.into().into()
}

/// Fails with `message` unless `condition` holds (for checks inside spawned tasks, which
/// return their failure rather than panic).
fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), Failure> {
    if condition {
        Ok(())
    } else {
        Err(failure(message()))
    }
}

/// A new workspace with `count` people, each with one registered device.
async fn workspace_with_devices(
    database: &dyn Database,
    count: usize,
) -> Result<(WorkspaceId, Vec<DeviceId>), Failure> {
    let workspace = WorkspaceId(Uuid::new_v4());
    let mut users = Vec::with_capacity(count);
    for index in 0..count {
        users.push(NewUser {
            id: UserId(Uuid::new_v4()),
            email: SignInEmail::parse(&format!("rep{index}.{}@example.com", workspace.0))?,
            name: format!("Rep {index}"),
            role: Role::Rep,
            password_hash: "not a real hash".to_owned(),
        });
    }
    match database
        .create_workspace(workspace, "Log".to_owned(), users.clone(), 0)
        .await
    {
        Ok(created) => ensure(created, || "the workspace was not created".to_owned())?,
        Err(error) => return Err(error.into()),
    }
    let mut devices = Vec::with_capacity(count);
    for user in users {
        let device = database
            .register_device(user.id, None, "phone".to_owned(), 0)
            .await?
            .ok_or_else(|| failure("the device was refused"))?;
        devices.push(device);
    }
    Ok((workspace, devices))
}

/// A new document id.
fn document() -> DocumentId {
    DocumentId(Uuid::new_v4())
}

/// `count` new document ids, in the order the store sorts them (their bytes).
fn sorted_documents(count: usize) -> Vec<DocumentId> {
    let mut documents: Vec<DocumentId> = (0..count).map(|_| document()).collect();
    documents.sort_by_key(|document| *document.0.as_bytes());
    documents
}

/// A change of `document` by `actor` (16 bytes of `actor`), `size` bytes long, with a hash (and
/// bytes) of its own.
fn change(document: DocumentId, actor: u8, size: usize) -> IncomingChange {
    let mut hash = [0_u8; 32];
    hash[..16].copy_from_slice(Uuid::new_v4().as_bytes());
    hash[16..].copy_from_slice(Uuid::new_v4().as_bytes());
    IncomingChange {
        document,
        hash,
        actor: vec![actor; 16],
        bytes: (0..size).map(|index| hash[index % 32]).collect(),
    }
}

/// The positions of `entries`.
fn positions(entries: &[Entry]) -> Vec<u64> {
    entries.iter().map(|entry| entry.seq.0).collect()
}

/// A budget of `entries` entries and `bytes` bytes.
fn budget(entries: usize, bytes: usize) -> PageBudget {
    PageBudget { entries, bytes }
}

/// A scope of exactly `documents`.
fn only(documents: &[DocumentId]) -> Arc<Scope> {
    Arc::new(Scope::Only(documents.iter().copied().collect()))
}

fn everything() -> Arc<Scope> {
    Arc::new(Scope::Everything)
}

/// A summary naming no record, with one head.
fn summary(head: &str) -> Summary {
    Summary {
        kind: None,
        row: IndexRow::None,
        heads: vec![head.repeat(64)],
    }
}

/// The documents of a snapshot page, in order.
fn snapshot_documents(page: &SnapshotPage) -> Vec<DocumentId> {
    page.snapshots
        .iter()
        .map(|snapshot| snapshot.document)
        .collect()
}

async fn an_empty_workspace_has_no_head(database: Arc<dyn Database>) -> TestResult {
    let workspace = WorkspaceId(uuid::Uuid::new_v4());
    assert_eq!(database.head(workspace).await?, Seq(0));
    assert_eq!(database.epoch(workspace).await?, Seq(0));
    Ok(())
}

async fn appends_number_new_changes_after_the_head_and_acknowledge_duplicates_without_storing_them(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, devices) = workspace_with_devices(database.as_ref(), 1).await?;
    let device = devices[0];
    let contact = document();
    let first: Vec<IncomingChange> = (0..3).map(|_| change(contact, 1, 40)).collect();
    let logged = database.health().logged_changes;

    let outcome = database.append(workspace, device, first.clone(), 7).await?;
    assert_eq!(positions(&outcome.stored), [1, 2, 3]);
    for (entry, sent) in outcome.stored.iter().zip(&first) {
        assert_eq!(entry.change.document, contact);
        assert_eq!(entry.change.bytes, sent.bytes);
    }
    assert_eq!(outcome.duplicates, 0);
    assert!(!outcome.foreign_actor && !outcome.quota_exceeded);
    assert_eq!(database.health().logged_changes, logged + 3);

    // A change already held, and one sent twice in the same batch, are stored once.
    let fourth = change(contact, 1, 40);
    let outcome = database
        .append(
            workspace,
            device,
            vec![first[1].clone(), fourth.clone(), fourth.clone()],
            8,
        )
        .await?;
    assert_eq!(positions(&outcome.stored), [4]);
    assert_eq!(outcome.stored[0].change.bytes, fourth.bytes);
    assert_eq!(outcome.duplicates, 2);
    assert_eq!(database.health().logged_changes, logged + 4);

    // An empty batch stores nothing.
    let outcome = database.append(workspace, device, Vec::new(), 9).await?;
    assert!(outcome.stored.is_empty() && outcome.duplicates == 0);

    assert_eq!(database.head(workspace).await?, Seq(4));
    let page = database.page(workspace, Seq(0), ALL, everything()).await?;
    assert_eq!(positions(&page.entries), [1, 2, 3, 4]);
    let bytes: Vec<&Vec<u8>> = page
        .entries
        .iter()
        .map(|entry| &entry.change.bytes)
        .collect();
    assert_eq!(
        bytes,
        [
            &first[0].bytes,
            &first[1].bytes,
            &first[2].bytes,
            &fourth.bytes
        ]
    );
    assert_eq!((page.through, page.more), (Seq(4), false));
    // Another workspace's log is its own.
    assert_eq!(database.head(WorkspaceId(Uuid::new_v4())).await?, Seq(0));
    Ok(())
}

async fn a_change_by_another_devices_actor_refuses_the_whole_batch_and_binds_nothing(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, devices) = workspace_with_devices(database.as_ref(), 2).await?;
    let (phone, laptop) = (devices[0], devices[1]);
    let contact = document();
    let phones = change(contact, 1, 30);
    assert_eq!(
        positions(
            &database
                .append(workspace, phone, vec![phones.clone()], 1)
                .await?
                .stored
        ),
        [1]
    );

    // The laptop's batch carries a new change by the phone's actor: nothing of it is kept, not
    // even the binding of the laptop's own new actor.
    let outcome = database
        .append(
            workspace,
            laptop,
            vec![change(contact, 2, 30), change(contact, 1, 30)],
            2,
        )
        .await?;
    assert!(outcome.foreign_actor);
    assert!(outcome.stored.is_empty());
    assert_eq!(outcome.duplicates, 0);
    assert_eq!(database.head(workspace).await?, Seq(1));

    // So actor 2 is still free: the phone takes it, and the laptop may no longer use it.
    let outcome = database
        .append(workspace, phone, vec![change(contact, 2, 30)], 3)
        .await?;
    assert_eq!(positions(&outcome.stored), [2]);
    let outcome = database
        .append(workspace, laptop, vec![change(contact, 2, 30)], 4)
        .await?;
    assert!(outcome.foreign_actor && outcome.stored.is_empty());

    // Handing back a change of another device's actor that the log holds is a duplicate.
    let outcome = database
        .append(workspace, laptop, vec![phones, change(contact, 3, 30)], 5)
        .await?;
    assert!(!outcome.foreign_actor);
    assert_eq!(outcome.duplicates, 1);
    assert_eq!(positions(&outcome.stored), [3]);
    assert_eq!(database.head(workspace).await?, Seq(3));
    Ok(())
}

async fn a_batch_that_would_exceed_a_quota_is_refused_whole_and_duplicates_cost_nothing(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, devices) = workspace_with_devices(database.as_ref(), 2).await?;
    let (phone, laptop) = (devices[0], devices[1]);
    let contact = document();
    database.set_quotas(Quotas {
        device_bytes: 100,
        workspace_bytes: 0,
    });
    let sixty = change(contact, 1, 60);
    let outcome = database
        .append(workspace, phone, vec![sixty.clone()], 1)
        .await?;
    assert_eq!(positions(&outcome.stored), [1]);

    // 60 + 30 + 30 > 100: neither change is kept.
    let outcome = database
        .append(
            workspace,
            phone,
            vec![change(contact, 1, 30), change(contact, 1, 30)],
            2,
        )
        .await?;
    assert!(outcome.quota_exceeded);
    assert!(outcome.stored.is_empty() && outcome.duplicates == 0);
    assert_eq!(database.head(workspace).await?, Seq(1));

    // The refused batch cost nothing and a duplicate costs nothing: 60 + 40 is exactly the quota.
    let outcome = database
        .append(workspace, phone, vec![sixty, change(contact, 1, 40)], 3)
        .await?;
    assert!(!outcome.quota_exceeded);
    assert_eq!(
        (positions(&outcome.stored), outcome.duplicates),
        (vec![2], 1)
    );
    let outcome = database
        .append(workspace, phone, vec![change(contact, 1, 1)], 4)
        .await?;
    assert!(outcome.quota_exceeded && outcome.stored.is_empty());

    // The workspace's quota counts every device's bytes: 100 + 60 > 150, 100 + 50 is not.
    database.set_quotas(Quotas {
        device_bytes: 0,
        workspace_bytes: 150,
    });
    let outcome = database
        .append(workspace, laptop, vec![change(contact, 2, 60)], 5)
        .await?;
    assert!(outcome.quota_exceeded && outcome.stored.is_empty());
    let outcome = database
        .append(workspace, laptop, vec![change(contact, 2, 50)], 6)
        .await?;
    assert_eq!(positions(&outcome.stored), [3]);
    assert_eq!(database.head(workspace).await?, Seq(3));
    Ok(())
}

async fn pages_stop_at_the_entry_or_byte_budget_and_say_how_far_they_went(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, devices) = workspace_with_devices(database.as_ref(), 1).await?;
    let contact = document();
    let changes: Vec<IncomingChange> = (0..5).map(|_| change(contact, 1, 10)).collect();
    database
        .append(workspace, devices[0], changes.clone(), 1)
        .await?;
    let read = |after: u64, budget: PageBudget| {
        let database = Arc::clone(&database);
        async move {
            let page = database
                .page(workspace, Seq(after), budget, everything())
                .await?;
            Ok::<_, Failure>((positions(&page.entries), page.through.0, page.more))
        }
    };

    let before = database.health();
    let page = database
        .page(workspace, Seq(0), budget(2, usize::MAX), everything())
        .await?;
    assert_eq!(positions(&page.entries), [1, 2]);
    assert_eq!(page.entries[1].change.bytes, changes[1].bytes);
    let after = database.health();
    assert_eq!(after.rows_read - before.rows_read, 2);
    assert_eq!(after.bytes_read - before.bytes_read, 20);

    assert_eq!(read(0, budget(2, usize::MAX)).await?, (vec![1, 2], 2, true));
    assert_eq!(read(2, budget(100, 25)).await?, (vec![3, 4], 4, true));
    assert_eq!(read(4, budget(100, 25)).await?, (vec![5], 5, false));
    assert_eq!(read(5, ALL).await?, (vec![], 5, false));
    assert_eq!(read(9, ALL).await?, (vec![], 9, false));
    // A page holds at least one entry, whatever its budget.
    assert_eq!(read(0, budget(100, 1)).await?, (vec![1], 1, true));
    assert_eq!(read(0, budget(0, usize::MAX)).await?, (vec![1], 1, true));
    // A page that takes exactly the rest says nothing more follows.
    assert_eq!(
        read(3, budget(2, usize::MAX)).await?,
        (vec![4, 5], 5, false)
    );
    assert_eq!(
        read(0, budget(5, 50)).await?,
        (vec![1, 2, 3, 4, 5], 5, false)
    );
    Ok(())
}

async fn pages_skip_documents_outside_the_scope_without_loading_them(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, devices) = workspace_with_devices(database.as_ref(), 1).await?;
    let (mine, theirs) = (document(), document());
    // Positions 1 and 3 are mine (10 bytes); 2, 4 and 5 theirs (1,000 bytes).
    let changes = vec![
        change(mine, 1, 10),
        change(theirs, 1, 1_000),
        change(mine, 1, 10),
        change(theirs, 1, 1_000),
        change(theirs, 1, 1_000),
    ];
    database
        .append(workspace, devices[0], changes.clone(), 1)
        .await?;

    let before = database.health();
    let page = database.page(workspace, Seq(0), ALL, only(&[mine])).await?;
    assert_eq!(positions(&page.entries), [1, 3]);
    assert_eq!(page.entries[1].change.bytes, changes[2].bytes);
    // The read went through their entries without loading them.
    assert_eq!((page.through, page.more), (Seq(5), false));
    let after = database.health();
    assert_eq!(after.rows_read - before.rows_read, 2);
    assert_eq!(after.bytes_read - before.bytes_read, 20);

    let page = database
        .page(workspace, Seq(0), budget(1, usize::MAX), only(&[mine]))
        .await?;
    assert_eq!(positions(&page.entries), [1]);
    assert_eq!((page.through, page.more), (Seq(2), true));
    let page = database
        .page(
            workspace,
            page.through,
            budget(1, usize::MAX),
            only(&[mine]),
        )
        .await?;
    assert_eq!(positions(&page.entries), [3]);
    assert_eq!((page.through, page.more), (Seq(5), false));

    let page = database
        .page(workspace, Seq(0), budget(100, 1_500), only(&[theirs]))
        .await?;
    assert_eq!(positions(&page.entries), [2]);
    // It went past my entry at 3 before finding no room for theirs at 4.
    assert_eq!((page.through, page.more), (Seq(3), true));

    let page = database.page(workspace, Seq(0), ALL, only(&[])).await?;
    assert!(page.entries.is_empty());
    assert_eq!((page.through, page.more), (Seq(5), false));

    let page = database.page(workspace, Seq(0), ALL, everything()).await?;
    assert_eq!(positions(&page.entries), [1, 2, 3, 4, 5]);
    Ok(())
}

async fn a_filtered_page_stops_after_scanning_its_limit_of_positions(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, devices) = workspace_with_devices(database.as_ref(), 1).await?;
    let (mine, theirs) = (document(), document());
    // SCAN_ROWS + 5 entries of theirs, then one of mine.
    let mut left = SCAN_ROWS + 5;
    while left > 0 {
        let batch = left.min(2_000);
        let changes = (0..batch).map(|_| change(theirs, 1, 1)).collect();
        database.append(workspace, devices[0], changes, 1).await?;
        left -= batch;
    }
    database
        .append(workspace, devices[0], vec![change(mine, 1, 1)], 1)
        .await?;
    let total = u64::try_from(SCAN_ROWS)? + 6;
    assert_eq!(database.head(workspace).await?, Seq(total));

    let page = database.page(workspace, Seq(0), ALL, only(&[mine])).await?;
    assert!(page.entries.is_empty());
    assert_eq!(page.through, Seq(u64::try_from(SCAN_ROWS)?));
    assert!(page.more);
    let page = database
        .page(workspace, page.through, ALL, only(&[mine]))
        .await?;
    assert_eq!(positions(&page.entries), [total]);
    assert_eq!((page.through, page.more), (Seq(total), false));
    Ok(())
}

async fn a_documents_changes_its_first_position_and_the_changed_documents_come_from_the_log(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, devices) = workspace_with_devices(database.as_ref(), 1).await?;
    let (account, contact, deal) = (document(), document(), document());
    let changes = vec![
        change(account, 1, 20),
        change(contact, 1, 20),
        change(account, 1, 20),
    ];
    database
        .append(workspace, devices[0], changes.clone(), 1)
        .await?;

    let of = |document: DocumentId, after: u64, through: u64| {
        let database = Arc::clone(&database);
        async move {
            database
                .document_changes(workspace, document, Seq(after), Seq(through))
                .await
        }
    };
    assert_eq!(
        of(account, 0, 3).await?,
        [changes[0].bytes.clone(), changes[2].bytes.clone()]
    );
    assert_eq!(of(account, 1, 3).await?, [changes[2].bytes.clone()]);
    assert_eq!(of(account, 0, 2).await?, [changes[0].bytes.clone()]);
    assert!(of(account, 3, 10).await?.is_empty());
    assert_eq!(of(contact, 0, 3).await?, [changes[1].bytes.clone()]);
    assert!(of(deal, 0, 3).await?.is_empty());

    assert_eq!(
        database.first_position(workspace, account).await?,
        Some(Seq(1))
    );
    assert_eq!(
        database.first_position(workspace, contact).await?,
        Some(Seq(2))
    );
    assert_eq!(database.first_position(workspace, deal).await?, None);

    let changed = |after: u64, through: u64| {
        let database = Arc::clone(&database);
        async move {
            let documents = database
                .changed_documents(workspace, Seq(after), Seq(through))
                .await?;
            let count = documents.len();
            let set: HashSet<DocumentId> = documents.into_iter().collect();
            // Each document is named once.
            ensure(set.len() == count, || {
                "a document was named twice".to_owned()
            })?;
            Ok::<_, Failure>(set)
        }
    };
    assert_eq!(changed(0, 3).await?, HashSet::from([account, contact]));
    assert_eq!(changed(2, 3).await?, HashSet::from([account]));
    assert_eq!(changed(1, 2).await?, HashSet::from([contact]));
    assert!(changed(3, 3).await?.is_empty());
    Ok(())
}

async fn snapshot_pages_follow_document_order_within_the_budget_and_the_scope_with_their_summaries(
    database: Arc<dyn Database>,
) -> TestResult {
    let workspace = WorkspaceId(Uuid::new_v4());
    let documents = sorted_documents(4);
    let summaries = [Some(summary("a")), None, Some(summary("c")), None];
    for (index, (document, summary)) in documents.iter().zip(&summaries).enumerate() {
        let bytes = vec![u8::try_from(index)?; 100];
        database
            .store_snapshot(workspace, *document, bytes, summary.clone(), Seq(3))
            .await?;
    }
    let read = |after: Option<DocumentId>, budget: PageBudget, scope: Arc<Scope>| {
        let database = Arc::clone(&database);
        async move {
            database
                .snapshots_page(workspace, after, budget, scope)
                .await
        }
    };

    let page = read(None, ALL, everything()).await?;
    assert_eq!(snapshot_documents(&page), documents);
    let found: Vec<Option<Summary>> = page
        .snapshots
        .iter()
        .map(|snapshot| snapshot.summary.clone())
        .collect();
    assert_eq!(found, summaries);
    assert_eq!(page.snapshots[2].bytes, vec![2; 100]);
    assert_eq!((page.through, page.more), (Some(documents[3]), false));

    let page = read(None, budget(2, usize::MAX), everything()).await?;
    assert_eq!(snapshot_documents(&page), documents[..2]);
    assert_eq!((page.through, page.more), (Some(documents[1]), true));
    let page = read(page.through, budget(2, usize::MAX), everything()).await?;
    assert_eq!(snapshot_documents(&page), documents[2..]);
    assert_eq!((page.through, page.more), (Some(documents[3]), false));

    // The first snapshot's summary counts: 100 bytes and it leave no room for the second's 100.
    let page = read(None, budget(100, 201), everything()).await?;
    assert_eq!(snapshot_documents(&page), documents[..1]);
    assert_eq!((page.through, page.more), (Some(documents[0]), true));
    // At least one snapshot, whatever the budget.
    let page = read(None, budget(100, 1), everything()).await?;
    assert_eq!(snapshot_documents(&page), documents[..1]);

    let before = database.health();
    let page = read(None, ALL, only(&[documents[1], documents[3]])).await?;
    assert_eq!(snapshot_documents(&page), [documents[1], documents[3]]);
    assert_eq!((page.through, page.more), (Some(documents[3]), false));
    let after = database.health();
    // The snapshots out of scope, and their summaries, were never loaded.
    assert_eq!(after.rows_read - before.rows_read, 2);
    assert_eq!(after.bytes_read - before.bytes_read, 200);

    let page = read(Some(documents[1]), ALL, only(&[documents[1]])).await?;
    assert!(page.snapshots.is_empty());
    assert_eq!((page.through, page.more), (Some(documents[3]), false));
    let page = read(Some(documents[3]), ALL, everything()).await?;
    assert!(page.snapshots.is_empty());
    assert_eq!((page.through, page.more), (None, false));
    Ok(())
}

async fn a_stored_snapshot_is_only_replaced_by_one_covering_more(
    database: Arc<dyn Database>,
) -> TestResult {
    let workspace = WorkspaceId(Uuid::new_v4());
    let contact = document();
    assert_eq!(database.snapshot(workspace, contact).await?, None);
    database
        .store_snapshot(workspace, contact, vec![5; 10], Some(summary("5")), Seq(5))
        .await?;
    assert_eq!(
        database.snapshot(workspace, contact).await?,
        Some((vec![5; 10], Seq(5)))
    );
    // Older, or no newer: kept as it was.
    database
        .store_snapshot(workspace, contact, vec![3; 10], None, Seq(3))
        .await?;
    database
        .store_snapshot(workspace, contact, vec![6; 10], None, Seq(5))
        .await?;
    assert_eq!(
        database.snapshot(workspace, contact).await?,
        Some((vec![5; 10], Seq(5)))
    );
    let page = database
        .snapshots_page(workspace, None, ALL, everything())
        .await?;
    assert_eq!(page.snapshots[0].summary, Some(summary("5")));
    // Newer: replaced, summary and all.
    database
        .store_snapshot(workspace, contact, vec![7; 10], None, Seq(7))
        .await?;
    assert_eq!(
        database.snapshot(workspace, contact).await?,
        Some((vec![7; 10], Seq(7)))
    );
    let page = database
        .snapshots_page(workspace, None, ALL, everything())
        .await?;
    assert_eq!(page.snapshots.len(), 1);
    assert_eq!(page.snapshots[0].summary, None);
    // Another workspace's document of the same id has none.
    assert_eq!(
        database
            .snapshot(WorkspaceId(Uuid::new_v4()), contact)
            .await?,
        None
    );
    Ok(())
}

async fn the_compaction_epoch_never_moves_backwards(database: Arc<dyn Database>) -> TestResult {
    let workspace = WorkspaceId(Uuid::new_v4());
    database.set_epoch(workspace, Seq(5)).await?;
    assert_eq!(database.epoch(workspace).await?, Seq(5));
    database.set_epoch(workspace, Seq(3)).await?;
    assert_eq!(database.epoch(workspace).await?, Seq(5));
    database.set_epoch(workspace, Seq(8)).await?;
    assert_eq!(database.epoch(workspace).await?, Seq(8));
    assert_eq!(database.epoch(WorkspaceId(Uuid::new_v4())).await?, Seq(0));
    Ok(())
}

async fn workspaces_whose_log_grew_by_the_threshold_since_their_epoch_are_to_compact(
    database: Arc<dyn Database>,
) -> TestResult {
    let (busy, busy_devices) = workspace_with_devices(database.as_ref(), 1).await?;
    let (quiet, quiet_devices) = workspace_with_devices(database.as_ref(), 1).await?;
    let (idle, idle_devices) = workspace_with_devices(database.as_ref(), 1).await?;
    let changes = (0..3).map(|_| change(document(), 1, 10)).collect();
    database.append(busy, busy_devices[0], changes, 1).await?;
    database
        .append(quiet, quiet_devices[0], vec![change(document(), 1, 10)], 1)
        .await?;
    // A workspace whose appends stored nothing has nothing to compact.
    database
        .append(idle, idle_devices[0], Vec::new(), 1)
        .await?;
    database.set_quotas(Quotas {
        device_bytes: 1,
        workspace_bytes: 0,
    });
    let refused = database
        .append(idle, idle_devices[0], vec![change(document(), 1, 10)], 1)
        .await?;
    assert!(refused.quota_exceeded);

    let to_compact = |threshold: u64| {
        let database = Arc::clone(&database);
        async move {
            let workspaces = database.workspaces_to_compact(threshold).await?;
            Ok::<_, Failure>(workspaces.into_iter().collect::<HashSet<_>>())
        }
    };
    assert_eq!(to_compact(2).await?, HashSet::from([busy]));
    assert_eq!(to_compact(3).await?, HashSet::from([busy]));
    assert!(to_compact(4).await?.is_empty());
    assert_eq!(to_compact(1).await?, HashSet::from([busy, quiet]));
    assert_eq!(to_compact(0).await?, HashSet::from([busy, quiet]));

    database.set_epoch(busy, Seq(2)).await?;
    assert!(to_compact(2).await?.is_empty());
    assert_eq!(to_compact(1).await?, HashSet::from([busy, quiet]));
    Ok(())
}

// What only PostgreSQL must show: several relay instances (each its own pool) on one database.

/// A direct connection to `url`, its driver running on its own task.
async fn connect_raw(url: &str) -> Result<tokio_postgres::Client, Failure> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(async move {
        let _ended = connection.await;
    });
    Ok(client)
}

/// A new workspace with `count` people and one device each, written straight into PostgreSQL
/// (the log's tests do not depend on the account store).
async fn seed_devices(url: &str, count: usize) -> Result<(WorkspaceId, Vec<DeviceId>), Failure> {
    let client = connect_raw(url).await?;
    let workspace = WorkspaceId(Uuid::new_v4());
    client
        .execute(
            "INSERT INTO workspaces (id, name, created_at) VALUES ($1, 'Log', 0)",
            &[&workspace.to_string()],
        )
        .await?;
    let mut devices = Vec::with_capacity(count);
    for index in 0..count {
        let user = Uuid::new_v4().to_string();
        let device = DeviceId(Uuid::new_v4());
        client
            .execute(
                "INSERT INTO users (id, workspace, email, name, role, password_hash, created_at)
                 VALUES ($1, $2, $3, 'Rep', 'rep', 'not a real hash', 0)",
                &[
                    &user,
                    &workspace.to_string(),
                    &format!("rep{index}.{}@example.com", workspace.0),
                ],
            )
            .await?;
        client
            .execute(
                "INSERT INTO devices (id, person, name, created_at) VALUES ($1, $2, 'phone', 0)",
                &[&device.0.to_string(), &user],
            )
            .await?;
        devices.push(device);
    }
    Ok((workspace, devices))
}

/// The connection string of a new, empty database on the test binary's PostgreSQL cluster.
async fn fresh_database() -> Result<String, Failure> {
    Ok(tests::PostgresCluster::shared()?.create_database().await?)
}

/// `count` relay instances on the database at `url`, each with its own pool.
async fn instances(url: &str, count: usize) -> Result<Vec<Arc<PostgresStorage>>, Failure> {
    let mut instances = Vec::with_capacity(count);
    for _ in 0..count {
        instances.push(Arc::new(PostgresStorage::connect(url).await?));
    }
    Ok(instances)
}

/// The most polls a watching reader makes (a bound, never reached when the writers end).
const POLLS: usize = 1_000_000;

/// Reads the log of `workspace` while `writers` writers append to it, until they are all done
/// (`finished` counts them) and it has read everything: every page must continue exactly where
/// the last one stopped, and reach the head read just before it (a position the head covers
/// but no page shows is a hole). Returns every entry read, in order.
async fn watch_for_holes(
    reader: Arc<PostgresStorage>,
    workspace: WorkspaceId,
    finished: Arc<AtomicUsize>,
    writers: usize,
) -> Result<Vec<Entry>, Failure> {
    let mut read: Vec<Entry> = Vec::new();
    let mut cursor = 0_u64;
    for _ in 0..POLLS {
        let last_round = finished.load(Ordering::SeqCst) == writers;
        let head = reader.head(workspace).await?.0;
        loop {
            let page = reader
                .page(workspace, Seq(cursor), budget(16, usize::MAX), everything())
                .await?;
            for (offset, entry) in (1_u64..).zip(&page.entries) {
                ensure(entry.seq.0 == cursor + offset, || {
                    format!(
                        "after {cursor} a page showed {:?}",
                        positions(&page.entries)
                    )
                })?;
            }
            let last = page.entries.last().map_or(cursor, |entry| entry.seq.0);
            ensure(page.through.0 == last, || {
                format!("a page of {last} said it went through {}", page.through.0)
            })?;
            cursor = last;
            read.extend(page.entries.iter().cloned());
            if page.entries.is_empty() || (cursor >= head && !page.more) {
                break;
            }
        }
        ensure(cursor >= head, || {
            format!("the head was {head} but the pages stopped at {cursor}: a hole")
        })?;
        if last_round {
            return Ok(read);
        }
        tokio::task::yield_now().await;
    }
    Err(failure(
        "the writers did not finish within the reader's polls",
    ))
}

/// Checks that `acknowledged` (every entry an append acknowledged) holds positions exactly 1..N
/// and that the log holds exactly those entries, as `read` (a watching reader) and a final read
/// show them; returns N.
async fn check_log_is_exactly(
    instance: &PostgresStorage,
    url: &str,
    workspace: WorkspaceId,
    acknowledged: Vec<Entry>,
    read: Vec<Entry>,
) -> Result<u64, Failure> {
    let total = u64::try_from(acknowledged.len())?;
    let by_position: BTreeMap<u64, Entry> = acknowledged
        .into_iter()
        .map(|entry| (entry.seq.0, entry))
        .collect();
    ensure(by_position.keys().copied().eq(1..=total), || {
        "the acknowledged positions are not exactly 1..N".to_owned()
    })?;
    let mut logged = Vec::new();
    let mut cursor = Seq(0);
    for _ in 0..=total {
        let page = instance
            .page(workspace, cursor, budget(64, usize::MAX), everything())
            .await?;
        logged.extend(page.entries);
        cursor = page.through;
        if !page.more {
            break;
        }
    }
    let acknowledged: Vec<Entry> = by_position.into_values().collect();
    ensure(logged == acknowledged, || {
        "the log does not hold exactly the acknowledged entries".to_owned()
    })?;
    ensure(read == acknowledged, || {
        "the watching reader did not see exactly the acknowledged entries".to_owned()
    })?;
    ensure(instance.head(workspace).await? == Seq(total), || {
        "the head is not the last position".to_owned()
    })?;
    let counter: i64 = connect_raw(url)
        .await?
        .query_one(
            "SELECT head FROM log_heads WHERE workspace = $1",
            &[&workspace.to_string()],
        )
        .await?
        .try_get(0)?;
    ensure(u64::try_from(counter)? == total, || {
        format!("log_heads says {counter}, the log {total}")
    })?;
    Ok(total)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn appends_from_three_relay_instances_take_positions_one_to_n_and_a_reader_never_sees_a_hole(
) -> TestResult {
    const WRITERS: usize = 3;
    const BATCHES: usize = 40;
    let url = fresh_database().await?;
    let instances = instances(&url, WRITERS + 1).await?;
    let (workspace, devices) = seed_devices(&url, WRITERS).await?;
    let documents: Vec<DocumentId> = (0..4).map(|_| document()).collect();
    let finished = Arc::new(AtomicUsize::new(0));

    let reader = tokio::spawn(watch_for_holes(
        Arc::clone(&instances[WRITERS]),
        workspace,
        Arc::clone(&finished),
        WRITERS,
    ));
    let mut writers = Vec::new();
    for (writer, (instance, device)) in instances.iter().zip(&devices).enumerate() {
        let instance = Arc::clone(instance);
        let device = *device;
        let documents = documents.clone();
        let finished = Arc::clone(&finished);
        let actor = u8::try_from(writer)? + 1;
        writers.push(tokio::spawn(async move {
            let mut stored = Vec::new();
            for batch in 0..BATCHES {
                let changes: Vec<IncomingChange> = (0..=batch % 3)
                    .map(|index| change(documents[(batch + index) % 4], actor, 20 + batch))
                    .collect();
                let sent = changes.len();
                let outcome = instance.append(workspace, device, changes, 1).await?;
                ensure(
                    outcome.stored.len() == sent
                        && outcome.duplicates == 0
                        && !outcome.foreign_actor
                        && !outcome.quota_exceeded,
                    || format!("a batch was not stored whole: {outcome:?}"),
                )?;
                stored.extend(outcome.stored);
            }
            finished.fetch_add(1, Ordering::SeqCst);
            Ok::<_, Failure>(stored)
        }));
    }
    let mut acknowledged = Vec::new();
    for writer in writers {
        acknowledged.extend(writer.await??);
    }
    let read = reader.await??;
    let total = check_log_is_exactly(&instances[0], &url, workspace, acknowledged, read).await?;
    // 3 writers × (1 + 2 + 3 changes per 3 batches over 40 batches).
    assert_eq!(total, 237);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn refused_batches_and_transactions_rolled_back_after_taking_the_head_leave_no_hole(
) -> TestResult {
    const WRITERS: usize = 3;
    const BATCHES: usize = 40;
    const ROLLBACKS: usize = 30;
    let url = fresh_database().await?;
    let instances = instances(&url, WRITERS + 1).await?;
    // The third writer's instance enforces a device quota its big batches exceed.
    instances[2].set_quotas(Quotas {
        device_bytes: 50_000,
        workspace_bytes: 0,
    });
    let (workspace, devices) = seed_devices(&url, WRITERS + 1).await?;
    let contact = document();
    // Actor 99 belongs to the fourth device: the others' batches carrying it are refused.
    let mut acknowledged = instances[0]
        .append(
            workspace,
            devices[WRITERS],
            vec![change(contact, 99, 20)],
            1,
        )
        .await?
        .stored;
    assert_eq!(positions(&acknowledged), [1]);
    let finished = Arc::new(AtomicUsize::new(0));

    let reader = tokio::spawn(watch_for_holes(
        Arc::clone(&instances[WRITERS]),
        workspace,
        Arc::clone(&finished),
        WRITERS + 1,
    ));
    // A writer that takes the head's lock, writes the next position, then rolls back (and, one
    // time in five, vanishes instead: its connection closes mid-transaction).
    let locker = {
        let url = url.clone();
        let finished = Arc::clone(&finished);
        let device = devices[WRITERS];
        tokio::spawn(async move {
            let mut client = connect_raw(&url).await?;
            for round in 0..ROLLBACKS {
                let transaction = client.transaction().await?;
                let head: i64 = transaction
                    .query_one(
                        "INSERT INTO log_heads (workspace, head) VALUES ($1, 0)
                         ON CONFLICT (workspace) DO UPDATE SET head = log_heads.head
                         RETURNING head",
                        &[&workspace.to_string()],
                    )
                    .await?
                    .try_get(0)?;
                let doomed = change(contact, 98, 20);
                transaction
                    .execute(
                        "INSERT INTO change_log (workspace, position, document, change_hash,
                           actor, device, received_at, bytes)
                         VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
                        &[
                            &workspace.to_string(),
                            &(head + 1),
                            &contact.0.as_bytes().as_slice(),
                            &doomed.hash.as_slice(),
                            &doomed.actor,
                            &device.0.to_string(),
                            &doomed.bytes,
                        ],
                    )
                    .await?;
                transaction
                    .execute(
                        "UPDATE log_heads SET head = $2 WHERE workspace = $1",
                        &[&workspace.to_string(), &(head + 1)],
                    )
                    .await?;
                // Let the other writers queue behind the lock.
                for _ in 0..20 {
                    tokio::task::yield_now().await;
                }
                if round % 5 == 4 {
                    // Forgotten, the transaction sends no ROLLBACK: the server aborts it when
                    // the connection closes.
                    std::mem::forget(transaction);
                    drop(client);
                    client = connect_raw(&url).await?;
                } else {
                    transaction.rollback().await?;
                }
            }
            finished.fetch_add(1, Ordering::SeqCst);
            Ok::<_, Failure>(())
        })
    };
    let mut writers = Vec::new();
    for (writer, instance) in instances.iter().take(WRITERS).enumerate() {
        let instance = Arc::clone(instance);
        let device = devices[writer];
        let finished = Arc::clone(&finished);
        let actor = u8::try_from(writer)? + 1;
        writers.push(tokio::spawn(async move {
            let mut stored = Vec::new();
            for batch in 0..BATCHES {
                let refused = batch % 5 == 4;
                let changes = match (refused, writer) {
                    (false, _) => vec![change(contact, actor, 30), change(contact, actor, 30)],
                    (true, 2) => vec![change(contact, actor, 30), change(contact, actor, 60_000)],
                    (true, _) => vec![change(contact, actor, 30), change(contact, 99, 30)],
                };
                let outcome = instance.append(workspace, device, changes, 1).await?;
                let refusal = outcome.foreign_actor || outcome.quota_exceeded;
                ensure(refusal == refused, || {
                    format!("batch {batch} of writer {writer}: {outcome:?}")
                })?;
                ensure(outcome.stored.len() == if refused { 0 } else { 2 }, || {
                    format!(
                        "batch {batch} of writer {writer} stored {:?}",
                        outcome.stored
                    )
                })?;
                stored.extend(outcome.stored);
            }
            finished.fetch_add(1, Ordering::SeqCst);
            Ok::<_, Failure>(stored)
        }));
    }
    for writer in writers {
        acknowledged.extend(writer.await??);
    }
    locker.await??;
    let read = reader.await??;
    let total = check_log_is_exactly(&instances[0], &url, workspace, acknowledged, read).await?;
    // The first change, then 3 writers × 32 accepted batches of 2.
    assert_eq!(total, 1 + 3 * 32 * 2);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_change_pushed_through_two_instances_at_once_is_stored_once() -> TestResult {
    const ROUNDS: u8 = 30;
    let url = fresh_database().await?;
    let instances = instances(&url, 2).await?;
    let (workspace, devices) = seed_devices(&url, 2).await?;
    let contact = document();
    for round in 0..ROUNDS {
        // The same device through both relays (a retry after a lost ack), or two devices
        // handing over the same change (the second round in three), each with a new actor.
        let pushed = change(contact, round, 40);
        let second = if round % 3 == 1 {
            devices[1]
        } else {
            devices[0]
        };
        let (left, right) = tokio::join!(
            instances[0].append(workspace, devices[0], vec![pushed.clone()], 1),
            instances[1].append(workspace, second, vec![pushed.clone()], 1),
        );
        let (left, right) = (left?, right?);
        assert!(!left.foreign_actor && !right.foreign_actor, "round {round}");
        assert!(!left.quota_exceeded && !right.quota_exceeded);
        assert_eq!(left.stored.len() + right.stored.len(), 1, "round {round}");
        assert_eq!(left.duplicates + right.duplicates, 1, "round {round}");
        let stored = left
            .stored
            .iter()
            .chain(&right.stored)
            .next()
            .ok_or_else(|| failure("nothing stored"))?;
        assert_eq!(stored.seq, Seq(u64::from(round) + 1));
        assert_eq!(stored.change.bytes, pushed.bytes);
    }
    assert_eq!(instances[1].head(workspace).await?, Seq(u64::from(ROUNDS)));
    let page = instances[0]
        .page(workspace, Seq(0), ALL, everything())
        .await?;
    assert_eq!(
        positions(&page.entries),
        (1..=u64::from(ROUNDS)).collect::<Vec<_>>()
    );
    Ok(())
}

#[tokio::test]
async fn a_summary_written_in_another_version_or_unreadable_is_not_sent_and_an_old_one_not_counted(
) -> TestResult {
    let url = fresh_database().await?;
    let instances = instances(&url, 1).await?;
    let database = &instances[0];
    let workspace = WorkspaceId(Uuid::new_v4());
    let documents = sorted_documents(3);
    let current = summary("d");
    for document in &documents {
        database
            .store_snapshot(
                workspace,
                *document,
                vec![1; 100],
                Some(current.clone()),
                Seq(1),
            )
            .await?;
    }
    let size = current.encode()?.len();
    let client = connect_raw(&url).await?;
    client
        .execute(
            "UPDATE snapshots SET summary_version = 1 WHERE document = $1",
            &[&documents[0].0.as_bytes().as_slice()],
        )
        .await?;
    client
        .execute(
            "UPDATE snapshots SET summary = '\\x00ffff'::BYTEA WHERE document = $1",
            &[&documents[1].0.as_bytes().as_slice()],
        )
        .await?;

    // The old summary neither travels nor counts: 100, then 100 + 3, then 100 + its size fit.
    let before = database.health();
    let page = database
        .snapshots_page(workspace, None, budget(10, 303 + size), everything())
        .await?;
    assert_eq!(snapshot_documents(&page), documents);
    let found: Vec<Option<Summary>> = page
        .snapshots
        .iter()
        .map(|snapshot| snapshot.summary.clone())
        .collect();
    assert_eq!(found, [None, None, Some(current)]);
    assert!(!page.more);
    let after = database.health();
    assert_eq!(
        after.bytes_read - before.bytes_read,
        u64::try_from(303 + size)?
    );
    let page = database
        .snapshots_page(workspace, None, budget(10, 302 + size), everything())
        .await?;
    assert_eq!(snapshot_documents(&page), documents[..2]);
    assert!(page.more);
    Ok(())
}
