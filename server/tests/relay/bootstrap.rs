//! A brand-new device starts from compacted snapshots, then only the log's tail.

use std::collections::HashMap;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ROOT};
use server::compaction::compact_workspace;
use server::storage::IncomingChange;
use shared::protocol::change::inspect_change;
use shared::protocol::client::ClientPhase;
use shared::protocol::{DocumentId, Seq};
use uuid::Uuid;

use crate::harness::{Device, Relay, TestResult};

const ACCOUNTS: u128 = 10_000;

#[tokio::test]
async fn a_new_device_bootstraps_ten_thousand_accounts_from_snapshots() -> TestResult {
    let relay = Relay::start().await?;
    let principals = relay.workspace(2)?;
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
