//! Devices converge through the relay, and every acknowledged change is in the log exactly once.

use automerge::ReadDoc;
use automerge::ROOT;
use shared::protocol::client::ClientPhase;
use shared::protocol::Seq;

use crate::harness::{Device, Relay, TestResult};

#[tokio::test]
async fn two_devices_of_a_workspace_converge() -> TestResult {
    let relay = Relay::start().await?;
    let principals = relay.workspace(2).await?;
    let mut tablet = Device::new(principals[0]);
    let mut laptop = Device::new(principals[1]);
    tablet.connect(&relay).await?;
    laptop.connect(&relay).await?;
    tablet
        .until("the welcome", |device| {
            device.client.phase() == ClientPhase::Live
        })
        .await?;
    laptop
        .until("the welcome", |device| {
            device.client.phase() == ClientPhase::Live
        })
        .await?;

    tablet.edit("stage", 1).await?;
    laptop.edit("owner", 7).await?;
    tablet
        .until("its ack", |device| device.outbox.is_empty())
        .await?;
    laptop
        .until("its ack", |device| device.outbox.is_empty())
        .await?;
    tablet
        .until("the laptop's change", |device| {
            device.client.cursor() == Seq(2)
        })
        .await?;
    laptop
        .until("the tablet's change", |device| {
            device.client.cursor() == Seq(2)
        })
        .await?;

    assert_eq!(tablet.document.get_heads(), laptop.document.get_heads());
    for device in [&tablet, &laptop] {
        let stage = device
            .document
            .get(ROOT, "stage")?
            .map(|(value, _)| value.to_string());
        let owner = device
            .document
            .get(ROOT, "owner")?
            .map(|(value, _)| value.to_string());
        assert_eq!((stage.as_deref(), owner.as_deref()), (Some("1"), Some("7")));
    }
    Ok(())
}

#[tokio::test]
async fn a_week_offline_with_a_thousand_changes_is_acknowledged_once_and_reaches_the_other_device(
) -> TestResult {
    let relay = Relay::start().await?;
    let principals = relay.workspace(2).await?;
    let mut offline = Device::new(principals[0]);
    let mut colleague = Device::new(principals[1]);
    colleague.connect(&relay).await?;

    for change in 0..1_000 {
        offline
            .edit(&format!("visit{}", change % 50), change)
            .await?;
    }
    assert_eq!(offline.outbox.len(), 1_000);

    offline.connect(&relay).await?;
    offline
        .until("every ack", |device| device.outbox.is_empty())
        .await?;
    assert_eq!(offline.acknowledged, 1_000);
    colleague
        .until("the thousand changes", |device| {
            device.client.cursor() == Seq(1_000)
        })
        .await?;
    assert_eq!(colleague.document.get_heads(), offline.document.get_heads());
    let health = relay.state.storage.health();
    assert_eq!(health.logged_changes, 1_000);
    Ok(())
}

#[tokio::test]
async fn a_push_repeated_after_a_lost_ack_is_stored_once() -> TestResult {
    let relay = Relay::start().await?;
    let principals = relay.workspace(1).await?;
    let mut device = Device::new(principals[0]);
    for change in 0..20 {
        device.edit("notes", change).await?;
    }
    let pending: Vec<_> = device.outbox.values().cloned().collect();
    device.connect(&relay).await?;
    device
        .until("every ack", |device| device.outbox.is_empty())
        .await?;

    // The same changes again, as after an ack lost with the connection.
    device.disconnect();
    for change in pending {
        device.queue(change).await?;
    }
    device.connect(&relay).await?;
    device
        .until("the repeated acks", |device| device.outbox.is_empty())
        .await?;
    assert_eq!(relay.state.storage.health().logged_changes, 20);
    Ok(())
}

#[tokio::test]
async fn a_new_device_catches_up_in_pages_from_its_cursor() -> TestResult {
    let relay = Relay::start_with(|state| {
        if let Some(limits) = std::sync::Arc::get_mut(&mut state.limits) {
            limits.page_entries = 7;
        }
    })
    .await?;
    let principals = relay.workspace(2).await?;
    let mut first = Device::new(principals[0]);
    for change in 0..50 {
        first.edit("counter", change).await?;
    }
    first.connect(&relay).await?;
    first
        .until("every ack", |device| device.outbox.is_empty())
        .await?;

    let mut newcomer = Device::new(principals[1]);
    newcomer.connect(&relay).await?;
    newcomer
        .until("the whole log", |device| device.client.cursor() == Seq(50))
        .await?;
    assert_eq!(newcomer.document.get_heads(), first.document.get_heads());
    Ok(())
}

#[tokio::test]
async fn a_device_that_starts_from_the_head_receives_live_entries() -> TestResult {
    use shared::protocol::{ClientMessage, Hello, ServerMessage};

    let relay = Relay::start().await?;
    let principals = relay.workspace(2).await?;
    let mut writer = Device::new(principals[0]);
    writer.edit("before", 1).await?;
    writer.connect(&relay).await?;
    writer
        .until("its ack", |device| device.outbox.is_empty())
        .await?;

    // A raw listener that skips history: hello from nothing, then "I have everything to the head".
    let mut socket = relay.socket().await?;
    let hello = ClientMessage::Hello(Hello {
        ticket: relay.ticket(principals[0]).await?,
        device: principals[0].device,
        cursor: Seq(0),
    });
    crate::harness::send(&mut socket, &hello).await?;
    let head = match crate::harness::next_message(&mut socket).await? {
        Some(ServerMessage::Welcome { head }) => head,
        other => return Err(format!("expected a welcome, got {other:?}").into()),
    };
    assert_eq!(head, Seq(1));
    let catch_up = ClientMessage::CatchUp { after: head };
    crate::harness::send(&mut socket, &catch_up).await?;
    assert_eq!(
        crate::harness::next_message(&mut socket).await?,
        Some(ServerMessage::Entries {
            entries: Vec::new(),
            more: false
        })
    );

    writer.edit("after", 2).await?;
    match crate::harness::next_message(&mut socket).await? {
        Some(ServerMessage::Entries {
            entries,
            more: false,
        }) => {
            assert_eq!(
                entries.iter().map(|entry| entry.seq).collect::<Vec<_>>(),
                [Seq(2)]
            );
        }
        other => return Err(format!("expected the live entry, got {other:?}").into()),
    }
    Ok(())
}
