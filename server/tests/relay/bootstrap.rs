//! A brand-new device starts from compacted snapshots, then only the log's tail.

use std::collections::{BTreeSet, HashMap};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ROOT};
use server::compaction::compact_workspace;
use server::storage::IncomingChange;
use shared::demo::{DemoData, DemoSpec};
use shared::protocol::change::inspect_change;
use shared::protocol::client::ClientPhase;
use shared::protocol::{DocumentId, Seq};
use shared::replica::{self, IndexRow, RecordKind};
use uuid::Uuid;

use crate::harness::{Device, Relay, TestResult};

const ACCOUNTS: u128 = 10_000;

#[tokio::test]
async fn a_new_device_bootstraps_ten_thousand_accounts_from_snapshots() -> TestResult {
    let relay = Relay::start().await?;
    let principals = relay.workspace(2).await?;
    let (seeder, newcomer_principal) = (principals[0], principals[1]);

    // Ten thousand account documents of three changes each, as the first device pushed them.
    let mut expected: HashMap<DocumentId, Vec<ChangeHash>> = HashMap::new();
    let mut batch = Vec::new();
    let mut first = None;
    for index in 0..ACCOUNTS {
        let document = DocumentId(Uuid::from_u128(index + 1));
        let mut account = AutoCommit::new();
        for (field, value) in [
            ("name", format!("Client {index}")),
            ("city", "Lyon".to_owned()),
            ("stage", "active".to_owned()),
        ] {
            account.put(ROOT, field, value)?;
            account.commit();
        }
        for change in account.get_changes(&[]) {
            batch.push(incoming(document, change.raw_bytes())?);
        }
        expected.insert(document, account.get_heads());
        if first.is_none() {
            first = Some((document, account));
        }
        if batch.len() >= 3_000 {
            relay
                .state
                .log
                .append(
                    seeder.workspace,
                    seeder.device,
                    std::mem::take(&mut batch),
                    0,
                )
                .await?;
        }
    }
    relay
        .state
        .log
        .append(seeder.workspace, seeder.device, batch, 0)
        .await?;

    let compacted = compact_workspace(relay.state.log.as_ref(), seeder.workspace).await?;
    assert_eq!((compacted.documents, compacted.incomplete), (10_000, 0));
    assert_eq!(compacted.epoch, Seq(30_000));
    // Appended straight to the log: their access keys are derived as the relay does at start
    // (the seeder's own person created them, so the newcomer, the same person, reads them).
    relay.derive_keys().await?;
    assert!(relay
        .state
        .access
        .documents_without_access(1)
        .await?
        .is_empty());

    // One more change after the epoch: it must arrive through the log's tail.
    let (document, mut account) = first.ok_or("no account")?;
    account.put(ROOT, "stage", "to re-activate")?;
    account.commit();
    let late = account
        .get_last_local_change()
        .ok_or("no change")?
        .raw_bytes()
        .to_vec();
    relay
        .state
        .log
        .append(
            seeder.workspace,
            seeder.device,
            vec![incoming(document, &late)?],
            0,
        )
        .await?;
    expected.insert(document, account.get_heads());

    let mut newcomer = Device::new(newcomer_principal);
    newcomer.connect(&relay).await?;
    newcomer
        .until("the bootstrap", |device| {
            device.client.phase() == ClientPhase::Live
        })
        .await?;
    assert_eq!(newcomer.client.cursor(), Seq(30_001));
    assert_eq!(newcomer.snapshots_received, 10_000);
    assert_eq!(
        newcomer.entries_received, 1,
        "only the tail comes from the log"
    );
    for (document, heads) in &expected {
        let replica = newcomer
            .others
            .get_mut(document)
            .ok_or("a document is missing")?;
        assert_eq!(&replica.get_heads(), heads);
    }
    Ok(())
}

fn incoming(document: DocumentId, bytes: &[u8]) -> TestResult<IncomingChange> {
    let facts = inspect_change(bytes)?;
    Ok(IncomingChange {
        document,
        hash: facts.hash,
        actor: facts.actor,
        bytes: bytes.to_vec(),
    })
}

/// Appends the changes of a small demo workspace (accounts with contacts and deals, and the
/// settings) to `seeder`'s workspace, then compacts it.
async fn seed_compacted_demo(relay: &Relay, seeder: server::identity::Principal) -> TestResult {
    let spec = DemoSpec {
        seed: 7,
        accounts: 4,
        // The seeder's own person holds the accounts, so its other device may read them all.
        manager: shared::ids::UserId::from_bytes(*seeder.user.0.as_bytes()),
        reps: Vec::new(),
        now: 1_780_000_000,
        workspace: None,
    };
    let mut batch = Vec::new();
    for document in DemoData::generate(&spec)?.changes() {
        for bytes in &document.changes {
            batch.push(incoming(DocumentId(Uuid::from_bytes(document.id)), bytes)?);
        }
    }
    relay
        .state
        .log
        .append(seeder.workspace, seeder.device, batch, 0)
        .await?;
    let compacted = compact_workspace(relay.state.log.as_ref(), seeder.workspace).await?;
    assert_eq!(compacted.incomplete, 0);
    relay.derive_keys().await?;
    Ok(())
}

#[tokio::test]
async fn compacted_snapshots_reach_a_new_device_with_the_summaries_it_would_derive_itself(
) -> TestResult {
    let relay = Relay::start().await?;
    let principals = relay.workspace(2).await?;
    seed_compacted_demo(&relay, principals[0]).await?;

    let mut newcomer = Device::new(principals[1]);
    newcomer.connect(&relay).await?;
    newcomer
        .until("the bootstrap", |device| {
            device.client.phase() == ClientPhase::Live
        })
        .await?;
    assert!(newcomer.snapshots_received > 4);
    let mut kinds = BTreeSet::new();
    for (document, summary) in &newcomer.summaries {
        let summary = summary
            .as_ref()
            .ok_or("a snapshot came without a summary")?;
        let (bytes, _covers) = relay
            .state
            .log
            .snapshot(principals[0].workspace, *document)
            .await?
            .ok_or("no snapshot stored")?;
        // What the device would derive had it parsed the snapshot.
        let folded = replica::fold(*document, Some(&bytes), Vec::<Vec<u8>>::new())?;
        assert_eq!(summary, &folded.summary());
        assert!(summary.fits(*document));
        kinds.insert(summary.kind.ok_or("a demo document without a kind")?);
    }
    assert_eq!(
        kinds,
        BTreeSet::from([
            RecordKind::Account,
            RecordKind::Contact,
            RecordKind::Deal,
            RecordKind::Settings,
            RecordKind::Product
        ])
    );
    let accounts_with_terms = newcomer
        .summaries
        .values()
        .flatten()
        .filter(|summary| matches!(&summary.row, IndexRow::Account(row) if !row.search_terms.is_empty()))
        .count();
    assert_eq!(
        accounts_with_terms, 4,
        "each account's row carries its search terms"
    );
    Ok(())
}

#[tokio::test]
async fn snapshots_without_a_current_summary_still_bootstrap_and_come_without_one() -> TestResult {
    let relay = Relay::start().await?;
    let principals = relay.workspace(2).await?;
    seed_compacted_demo(&relay, principals[0]).await?;
    // As a relay before summaries left them (no summary), and as a relay of another protocol
    // version wrote them (a summary this version does not read).
    let without = "UPDATE snapshots SET summary = NULL, summary_version = NULL
         WHERE document IN (SELECT document FROM snapshots ORDER BY document LIMIT 3)";
    relay.execute(without, without, Vec::new()).await?;
    relay
        .execute(
            "UPDATE snapshots SET summary = x'ff', summary_version = 1
             WHERE document IN (SELECT document FROM snapshots ORDER BY document DESC LIMIT 2)",
            "UPDATE snapshots SET summary = '\\xff'::bytea, summary_version = 1
             WHERE document IN (SELECT document FROM snapshots ORDER BY document DESC LIMIT 2)",
            Vec::new(),
        )
        .await?;

    let mut newcomer = Device::new(principals[1]);
    newcomer.connect(&relay).await?;
    newcomer
        .until("the bootstrap", |device| {
            device.client.phase() == ClientPhase::Live
        })
        .await?;
    let without = newcomer
        .summaries
        .values()
        .filter(|summary| summary.is_none())
        .count();
    assert_eq!(without, 5);
    // Every document still arrives whole: the device folds those itself.
    for document in newcomer.summaries.keys() {
        let (bytes, _covers) = relay
            .state
            .log
            .snapshot(principals[0].workspace, *document)
            .await?
            .ok_or("no snapshot stored")?;
        let expected = AutoCommit::load(&bytes)?.get_heads();
        let replica = newcomer
            .others
            .get_mut(document)
            .ok_or("a document is missing")?;
        assert_eq!(replica.get_heads(), expected);
    }
    Ok(())
}
