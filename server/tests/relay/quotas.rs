//! Storage quotas: a push over a device's or a workspace's quota is refused whole, with a typed
//! error, and the device keeps every change in its outbox.

use automerge::transaction::Transactable;
use automerge::ROOT;
use server::storage::{IncomingChange, Quotas};
use shared::protocol::client::ClientPhase;
use shared::protocol::{DocumentId, ErrorCode, Seq};

use crate::harness::{Device, Relay, TestResult, DOCUMENT};

/// Bytes that deflate cannot shrink, so a change carrying them is about this large.
fn incompressible(length: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..length)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

/// Puts `bytes` into the device's document as one change, into its outbox.
async fn edit_large(device: &mut Device, field: &str, bytes: Vec<u8>) -> TestResult {
    device
        .document
        .put(ROOT, field, automerge::ScalarValue::Bytes(bytes))?;
    device.document.commit();
    let change = device
        .document
        .get_last_local_change()
        .ok_or("no local change")?
        .raw_bytes()
        .to_vec();
    device
        .queue(shared::protocol::Change {
            document: DOCUMENT,
            bytes: change,
        })
        .await
}

#[tokio::test]
async fn a_push_over_the_device_quota_is_refused_whole_and_the_device_keeps_its_outbox(
) -> TestResult {
    let relay = Relay::start_with(|state| {
        state.storage.set_quotas(Quotas {
            device_bytes: 16 * 1024,
            workspace_bytes: 0,
        })
    })
    .await?;
    let principals = relay.workspace(2).await?;
    let mut device = Device::new(principals[0]);
    device.connect(&relay).await?;
    device.edit("name", "Boulangerie Martin").await?;
    device
        .until("the first ack", |device| device.outbox.is_empty())
        .await?;

    // One batch (made offline, pushed on reconnection): a change that fits and one that takes
    // the device over its quota.
    device.disconnect();
    device.edit("city", "Lyon").await?;
    edit_large(&mut device, "photo", incompressible(32 * 1024, 7)).await?;
    device.connect(&relay).await?;
    device
        .until("the refusal", |device| !device.refusals.is_empty())
        .await?;
    assert_eq!(device.refusals, [ErrorCode::QuotaExceeded]);
    assert_eq!(device.outbox.len(), 2, "the device lost refused changes");
    assert_eq!(relay.state.storage.health().logged_changes, 1);
    assert_eq!(relay.state.log.head(principals[0].workspace).await?, Seq(1));

    // The session still delivers colleagues' changes.
    let received = device.entries_received;
    let mut colleague = Device::new(principals[1]);
    colleague.connect(&relay).await?;
    colleague.edit("stage", "won").await?;
    colleague
        .until("the colleague's ack", |device| device.outbox.is_empty())
        .await?;
    device
        .until("the colleague's change", |device| {
            device.entries_received > received
        })
        .await?;
    assert_eq!(device.client.phase(), ClientPhase::Live);

    // With room made, the same changes go through on the next connection.
    relay.state.storage.set_quotas(Quotas {
        device_bytes: 1024 * 1024,
        workspace_bytes: 0,
    });
    device.disconnect();
    device.connect(&relay).await?;
    device
        .until("the outbox to drain", |device| device.outbox.is_empty())
        .await?;
    assert_eq!(relay.state.storage.health().logged_changes, 4);
    Ok(())
}

#[tokio::test]
async fn the_workspace_quota_counts_every_device_and_survives_a_restart() -> TestResult {
    let relay = Relay::start_with(|state| {
        state.storage.set_quotas(Quotas {
            device_bytes: 0,
            workspace_bytes: 48 * 1024,
        })
    })
    .await?;
    let principals = relay.workspace(2).await?;
    let mut first = Device::new(principals[0]);
    first.connect(&relay).await?;
    edit_large(&mut first, "photo", incompressible(32 * 1024, 1)).await?;
    first
        .until("the first device's ack", |device| device.outbox.is_empty())
        .await?;

    // The second device has pushed nothing, but the workspace is nearly full.
    let mut second = Device::new(principals[1]);
    second.connect(&relay).await?;
    edit_large(&mut second, "scan", incompressible(32 * 1024, 2)).await?;
    second
        .until("the refusal", |device| !device.refusals.is_empty())
        .await?;
    assert_eq!(second.refusals, [ErrorCode::QuotaExceeded]);
    assert_eq!(second.outbox.len(), 1);

    // The totals are kept in the database, not recounted: a second handle on the same file (a
    // restarted server) loads them and refuses the same push.
    let reopened = relay.reopen().await?;
    assert_eq!(reopened.health().logged_changes, 1);
    reopened.set_quotas(Quotas {
        device_bytes: 0,
        workspace_bytes: 48 * 1024,
    });
    let outcome = reopened
        .append(
            principals[1].workspace,
            principals[1].device,
            vec![IncomingChange {
                document: DocumentId(uuid::Uuid::from_u128(9)),
                hash: [9; 32],
                actor: vec![9; 16],
                bytes: vec![0; 20 * 1024],
            }],
            0,
        )
        .await?;
    assert!(outcome.quota_exceeded);
    assert!(outcome.stored.is_empty());
    assert_eq!(relay.state.log.head(principals[0].workspace).await?, Seq(1));
    Ok(())
}
