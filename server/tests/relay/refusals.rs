//! What the relay refuses, and that refusing one connection never hurts the others.

use futures_util::SinkExt;
use shared::protocol::client::ClientPhase;
use shared::protocol::{Change, ClientMessage, DeviceId, ErrorCode, Hello, Seq, ServerMessage};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::harness::{
    next_message, refusals_until_closed, send, tight_limits, Device, Relay, TestResult, DOCUMENT,
};

fn hello(ticket: String, device: DeviceId) -> ClientMessage {
    ClientMessage::Hello(Hello {
        ticket,
        device,
        cursor: Seq(0),
    })
}

#[tokio::test]
async fn garbage_frames_get_a_typed_error_and_the_relay_keeps_serving() -> TestResult {
    let relay = Relay::start().await?;
    let principals = relay.workspace(1).await?;
    for garbage in [
        vec![],
        vec![1],
        vec![1, 0, 0xff, 0xff, 0xff],
        vec![9, 9, 9, 9],
        b"\x01\x00hello".to_vec(),
    ] {
        let mut socket = relay.socket().await?;
        socket.send(Message::Binary(garbage.into())).await?;
        let codes = refusals_until_closed(&mut socket).await?;
        assert!(
            codes == [ErrorCode::BadMessage] || codes == [ErrorCode::UnsupportedVersion],
            "got {codes:?}"
        );
    }
    let mut socket = relay.socket().await?;
    socket.send(Message::Text("{\"hello\":1}".into())).await?;
    assert_eq!(
        refusals_until_closed(&mut socket).await?,
        [ErrorCode::BadMessage]
    );

    // Still serving: a real device syncs.
    let mut device = Device::new(principals[0]);
    device.edit("name", 1).await?;
    device.connect(&relay).await?;
    device
        .until("its ack", |device| device.outbox.is_empty())
        .await?;
    Ok(())
}

#[tokio::test]
async fn corrupt_change_bytes_are_refused_and_nothing_is_stored() -> TestResult {
    let relay = Relay::start().await?;
    let principals = relay.workspace(1).await?;
    let mut device = Device::new(principals[0]);
    device.connect(&relay).await?;
    device
        .until("the welcome", |device| {
            device.client.phase() != ClientPhase::Handshaking
        })
        .await?;
    device
        .queue(Change {
            document: DOCUMENT,
            bytes: b"\x85\x6f\x4a\x83 not really a change".to_vec(),
        })
        .await?;
    // The relay answers with the refusal, then closes: the wait ends either way.
    let _closed = device
        .until("a refusal", |device| !device.refusals.is_empty())
        .await;
    assert_eq!(device.refusals, [ErrorCode::BadChange]);
    assert_eq!(relay.state.storage.health().logged_changes, 0);
    Ok(())
}

#[tokio::test]
async fn an_oversized_message_closes_only_its_connection() -> TestResult {
    let relay = Relay::start().await?;
    let principals = relay.workspace(2).await?;
    let mut bystander = Device::new(principals[1]);
    bystander.connect(&relay).await?;

    let mut socket = relay.socket().await?;
    let huge = vec![0_u8; 2 * 1024 * 1024];
    let _sent = socket.send(Message::Binary(huge.into())).await;
    assert!(
        next_message(&mut socket).await?.is_none(),
        "the relay must close the connection"
    );

    bystander.edit("still", 1).await?;
    bystander
        .until("its ack", |device| device.outbox.is_empty())
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_connection_that_never_says_hello_is_closed() -> TestResult {
    let relay =
        Relay::start_with(|state| state.limits = std::sync::Arc::new(tight_limits())).await?;
    let mut socket = relay.socket().await?;
    assert_eq!(
        refusals_until_closed(&mut socket).await?,
        [ErrorCode::Unauthorised]
    );
    Ok(())
}

#[tokio::test]
async fn tickets_are_single_use_bound_to_their_device_and_expire() -> TestResult {
    let relay = Relay::start().await?;
    let principals = relay.workspace(2).await?;
    let (first, second) = (principals[0], principals[1]);

    let ticket = relay.ticket(first).await?;
    let mut socket = relay.socket().await?;
    send(&mut socket, &hello(ticket.clone(), first.device)).await?;
    assert!(matches!(
        next_message(&mut socket).await?,
        Some(ServerMessage::Welcome { .. })
    ));

    let expired = relay
        .state
        .accounts
        .issue_ticket(
            first,
            std::time::SystemTime::now()
                - server::accounts::TICKET_LIFETIME
                - std::time::Duration::from_secs(1),
        )
        .await?;
    let attempts = [
        ("reused", hello(ticket, first.device)),
        (
            "another device's",
            hello(relay.ticket(first).await?, second.device),
        ),
        ("expired", hello(expired, first.device)),
        ("absent", hello(String::new(), first.device)),
    ];
    for (what, attempt) in attempts {
        let mut socket = relay.socket().await?;
        send(&mut socket, &attempt).await?;
        assert_eq!(
            refusals_until_closed(&mut socket).await?,
            [ErrorCode::Unauthorised],
            "{what} ticket"
        );
    }
    Ok(())
}

#[tokio::test]
async fn messages_before_hello_are_out_of_order() -> TestResult {
    let relay = Relay::start().await?;
    for message in [
        ClientMessage::Push {
            batch: shared::protocol::BatchId(1),
            changes: Vec::new(),
        },
        ClientMessage::CatchUp { after: Seq(0) },
        ClientMessage::Snapshot { document: DOCUMENT },
    ] {
        let mut socket = relay.socket().await?;
        send(&mut socket, &message).await?;
        assert_eq!(
            refusals_until_closed(&mut socket).await?,
            [ErrorCode::OutOfOrder]
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_change_made_by_another_devices_actor_is_refused() -> TestResult {
    let relay = Relay::start().await?;
    let principals = relay.workspace(2).await?;
    let mut owner = Device::new(principals[0]);
    owner.edit("name", 1).await?;
    owner.connect(&relay).await?;
    owner
        .until("its ack", |device| device.outbox.is_empty())
        .await?;

    // The second device replays the owner's actor with a new change.
    let mut impostor = Device::new(principals[1]);
    impostor.document = owner.document.fork();
    impostor
        .document
        .set_actor(owner.document.get_actor().clone());
    impostor.edit("name", 2).await?;
    impostor.connect(&relay).await?;
    let _closed = impostor
        .until("a refusal", |device| !device.refusals.is_empty())
        .await;
    assert_eq!(impostor.refusals, [ErrorCode::Unauthorised]);
    assert_eq!(relay.state.storage.health().logged_changes, 1);
    Ok(())
}

#[tokio::test]
async fn another_devices_change_the_log_already_holds_is_acknowledged_as_a_duplicate() -> TestResult
{
    let relay = Relay::start().await?;
    let principals = relay.workspace(2).await?;
    let mut owner = Device::new(principals[0]);
    owner.edit("name", 1).await?;
    let held = owner.outbox.values().next().cloned().ok_or("no change")?;
    owner.connect(&relay).await?;
    owner
        .until("its ack", |device| device.outbox.is_empty())
        .await?;

    // A colleague's device hands the owner's stored change back (a restored backup) with a
    // change of its own: both are acknowledged, the held one as a duplicate.
    let mut colleague = Device::new(principals[1]);
    colleague.document = owner.document.fork();
    colleague.queue(held).await?;
    colleague.edit("city", "Lyon").await?;
    colleague.connect(&relay).await?;
    colleague
        .until("its ack", |device| device.outbox.is_empty())
        .await?;
    assert!(colleague.refusals.is_empty(), "{:?}", colleague.refusals);
    assert_eq!(relay.state.storage.health().logged_changes, 2);
    Ok(())
}

#[tokio::test]
async fn another_workspace_sees_nothing_and_cannot_tell_absent_from_forbidden() -> TestResult {
    let relay = Relay::start().await?;
    let ours = relay.workspace(1).await?;
    let theirs = relay.workspace(1).await?;
    let mut writer = Device::new(ours[0]);
    writer.edit("secret", 42).await?;
    writer.connect(&relay).await?;
    writer
        .until("its ack", |device| device.outbox.is_empty())
        .await?;

    let mut outsider = Device::new(theirs[0]);
    outsider.connect(&relay).await?;
    outsider
        .until("the welcome", |device| {
            device.client.phase() == ClientPhase::Live
        })
        .await?;
    assert_eq!(outsider.client.cursor(), Seq(0));

    let mut answers = Vec::new();
    for document in [DOCUMENT, shared::protocol::DocumentId(uuid::Uuid::new_v4())] {
        outsider.send(&ClientMessage::Snapshot { document }).await?;
        let socket = outsider.socket.as_mut().ok_or("not connected")?;
        match next_message(socket).await? {
            Some(ServerMessage::Snapshot { bytes, covers, .. }) => answers.push((bytes, covers)),
            other => return Err(format!("expected a snapshot answer, got {other:?}").into()),
        }
    }
    assert_eq!(answers[0], (Vec::new(), Seq(0)));
    assert_eq!(answers[0], answers[1]);
    Ok(())
}

#[tokio::test]
async fn a_foreign_origin_cannot_open_the_socket() -> TestResult {
    let relay = Relay::start().await?;
    let mut request = format!("ws://{}/sync", relay.address).into_client_request()?;
    request
        .headers_mut()
        .insert("Origin", "https://evil.example".parse()?);
    assert!(tokio_tungstenite::connect_async(request).await.is_err());

    let mut allowed = format!("ws://{}/sync", relay.address).into_client_request()?;
    allowed
        .headers_mut()
        .insert("Origin", "https://app.carnet.test".parse()?);
    assert!(tokio_tungstenite::connect_async(allowed).await.is_ok());
    Ok(())
}

#[tokio::test]
async fn the_connection_cap_answers_busy() -> TestResult {
    let relay = Relay::start_with(|state| {
        state.connection_slots = std::sync::Arc::new(tokio::sync::Semaphore::new(1))
    })
    .await?;
    let _first = relay.socket().await?;
    let second = relay.socket().await;
    let error = second
        .err()
        .ok_or("the second connection should be refused")?;
    assert!(error.to_string().contains("503"), "{error}");
    Ok(())
}

#[tokio::test]
async fn a_revoked_device_is_disconnected() -> TestResult {
    let relay = Relay::start().await?;
    let principals = relay.workspace(1).await?;
    let mut device = Device::new(principals[0]);
    device.connect(&relay).await?;
    device
        .until("the welcome", |device| {
            device.client.phase() == ClientPhase::Live
        })
        .await?;
    relay.state.accounts.announce_revoked(principals[0].device);
    let _closed = device
        .until("a refusal", |device| !device.refusals.is_empty())
        .await;
    assert_eq!(device.refusals, [ErrorCode::Unauthorised]);
    Ok(())
}
