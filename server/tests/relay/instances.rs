//! Several relay instances on one PostgreSQL database (whatever the rest of the suite runs on):
//! devices connected to different instances converge, every reader sees positions 1..N, a
//! revocation on one instance closes the device's session on another, a ticket one issued opens
//! a socket on another, and appends made while an instance's listening connection was cut off
//! still reach its devices.

use automerge::ReadDoc;
use shared::protocol::client::ClientPhase;
use shared::protocol::{ErrorCode, Seq};

use crate::harness::{everything, Device, Relay, TestResult};

/// Edits each device makes (bounded).
const EDITS: u64 = 10;

const ALL_OF_IT: server::storage::PageBudget = server::storage::PageBudget {
    entries: 10_000,
    bytes: usize::MAX,
};

async fn live(device: &mut Device, relay: &Relay) -> TestResult {
    device.connect(relay).await?;
    device
        .until("the welcome", |device| {
            device.client.phase() == ClientPhase::Live
        })
        .await
}

#[tokio::test]
async fn devices_on_two_instances_converge_and_every_reader_sees_positions_one_to_n() -> TestResult
{
    let first = Relay::start_on_postgres().await?;
    let second = Relay::start_beside(&first).await?;
    let principals = first.workspace(3).await?;
    let mut tablet = Device::new(principals[0]);
    let mut laptop = Device::new(principals[1]);
    let mut phone = Device::new(principals[2]);
    live(&mut tablet, &first).await?;
    live(&mut laptop, &second).await?;
    // No sticky sessions: the phone's ticket comes from one instance, its socket from the other.
    phone.connect_with_ticket_from(&first, &second).await?;
    phone
        .until("the welcome", |device| {
            device.client.phase() == ClientPhase::Live
        })
        .await?;

    for round in 0..EDITS {
        tablet.edit(&format!("tablet-{round}"), round).await?;
        laptop.edit(&format!("laptop-{round}"), round).await?;
        phone.edit(&format!("phone-{round}"), round).await?;
    }
    let total = Seq(3 * EDITS);
    for device in [&mut tablet, &mut laptop, &mut phone] {
        device
            .until("every change, acknowledged and received", |device| {
                device.outbox.is_empty() && device.client.cursor() == total
            })
            .await?;
    }
    assert_eq!(tablet.document.get_heads(), laptop.document.get_heads());
    assert_eq!(tablet.document.get_heads(), phone.document.get_heads());
    for name in ["tablet", "laptop", "phone"] {
        for round in 0..EDITS {
            assert!(
                tablet
                    .document
                    .get(automerge::ROOT, format!("{name}-{round}"))?
                    .is_some(),
                "{name}'s edit {round} is missing"
            );
        }
    }
    for relay in [&first, &second] {
        let page = relay
            .state
            .log
            .page(principals[0].workspace, Seq(0), ALL_OF_IT, everything())
            .await?;
        let positions: Vec<u64> = page.entries.iter().map(|entry| entry.seq.0).collect();
        assert_eq!(positions, (1..=total.0).collect::<Vec<_>>());
        assert_eq!(relay.state.log.head(principals[0].workspace).await?, total);
    }
    Ok(())
}

#[tokio::test]
async fn a_device_revoked_on_one_instance_is_disconnected_from_another() -> TestResult {
    let first = Relay::start_on_postgres().await?;
    let second = Relay::start_beside(&first).await?;
    let principals = first.workspace(2).await?;
    let mut device = Device::new(principals[0]);
    let mut bystander = Device::new(principals[1]);
    live(&mut device, &second).await?;
    live(&mut bystander, &second).await?;
    first.state.accounts.announce_revoked(principals[0].device);
    let _closed = device
        .until("a refusal", |device| !device.refusals.is_empty())
        .await;
    assert_eq!(device.refusals, [ErrorCode::Unauthorised]);
    // Only that device: its colleague's session on the same instance goes on.
    bystander.edit("still", 1).await?;
    bystander
        .until("its ack", |device| device.outbox.is_empty())
        .await?;
    assert!(bystander.refusals.is_empty());
    Ok(())
}

#[tokio::test]
async fn changes_made_while_an_instance_could_not_hear_the_others_still_reach_its_devices(
) -> TestResult {
    let first = Relay::start_on_postgres().await?;
    let second = Relay::start_beside(&first).await?;
    let principals = first.workspace(2).await?;
    let mut writer = Device::new(principals[0]);
    let mut reader = Device::new(principals[1]);
    live(&mut writer, &first).await?;
    live(&mut reader, &second).await?;

    // Every listening connection is terminated (as a failover or a network cut would), then
    // changes are made on the other instance at once, while the listeners reconnect.
    let cut = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
               WHERE query = 'LISTEN carnet_relay' AND pid <> pg_backend_pid()";
    first.execute(cut, cut, Vec::new()).await?;
    for round in 0..EDITS {
        writer.edit(&format!("while-cut-{round}"), round).await?;
    }
    writer
        .until("its acks", |device| device.outbox.is_empty())
        .await?;
    reader
        .until("every change made while cut off", |device| {
            device.client.cursor() == Seq(EDITS)
        })
        .await?;
    assert_eq!(writer.document.get_heads(), reader.document.get_heads());
    Ok(())
}
