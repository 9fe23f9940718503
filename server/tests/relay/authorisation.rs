//! The authorisation matrix: every message type, under every kind of bad or foreign credential,
//! aimed at our document, another workspace's document and a random id. Not one byte of another
//! workspace's data may reach the sender, and "absent" must look exactly like "forbidden".

use std::time::Duration;

use futures_util::StreamExt;
use server::identity::Principal;
use shared::protocol::client::ClientPhase;
use shared::protocol::{BatchId, Change, ClientMessage, DocumentId, ErrorCode, Hello, Seq};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use crate::harness::{everything, send, Device, Relay, TestResult, DOCUMENT};

/// A page budget that holds the whole (small) log of these tests.
const ALL_OF_IT: server::storage::PageBudget = server::storage::PageBudget {
    entries: 1_000,
    bytes: usize::MAX,
};

/// How a connection presents itself.
#[derive(Clone, Copy, Debug)]
enum Credential {
    NoTicket,
    Expired,
    Reused,
    RevokedDevice,
    ForeignOrigin,
    OtherWorkspace,
}

/// What a test message aims at.
#[derive(Clone, Copy, Debug)]
enum Target {
    TheirDocument,
    RandomDocument,
}

#[tokio::test]
async fn no_credential_and_no_target_leaks_a_byte_of_another_workspace() -> TestResult {
    let relay = Relay::start().await?;
    let victims = relay.workspace(1).await?;
    let attackers = relay.workspace(3).await?;
    let revoked = attackers[2];

    // The victim workspace holds a secret in DOCUMENT, compacted into a snapshot too.
    let secret = format!("SECRET-{}", Uuid::new_v4().simple());
    let mut victim = Device::new(victims[0]);
    victim.edit("notes", secret.as_str()).await?;
    victim.connect(&relay).await?;
    victim
        .until("its ack", |device| device.outbox.is_empty())
        .await?;
    server::compaction::compact_workspace(relay.state.log.as_ref(), victims[0].workspace).await?;
    let victim_log = relay
        .state
        .log
        .page(victims[0].workspace, Seq(0), ALL_OF_IT, everything())
        .await?;

    // A device of the attacking workspace, revoked (after a ticket was issued to it, below).
    let early_ticket = relay
        .state
        .accounts
        .issue_ticket(revoked, std::time::SystemTime::now())
        .await?;
    relay.state.accounts.revoke(revoked, revoked.device).await?;

    let credentials = [
        Credential::NoTicket,
        Credential::Expired,
        Credential::Reused,
        Credential::RevokedDevice,
        Credential::ForeignOrigin,
        Credential::OtherWorkspace,
    ];
    let mut cells = 0;
    for credential in credentials {
        for target in [Target::TheirDocument, Target::RandomDocument] {
            for message in messages(target) {
                let received =
                    attempt(&relay, &attackers, credential, &message, &early_ticket).await?;
                cells += 1;
                let leaked = received
                    .iter()
                    .any(|frame| contains(frame, secret.as_bytes()));
                assert!(
                    !leaked,
                    "{credential:?} × {target:?} × {message:?} leaked the secret"
                );
                if !matches!(credential, Credential::OtherWorkspace) {
                    assert!(
                        refused(&received),
                        "{credential:?} × {message:?} was not refused: {} frames",
                        received.len()
                    );
                }
            }
        }
    }
    assert_eq!(cells, 6 * 2 * 5);

    // The victim's log is exactly as it was: nothing was written into it from outside.
    assert_eq!(
        relay
            .state
            .log
            .page(victims[0].workspace, Seq(0), ALL_OF_IT, everything())
            .await?,
        victim_log
    );

    // Absent and forbidden answer identically for an authenticated outsider.
    let their = snapshot_answer(&relay, attackers[0], DOCUMENT).await?;
    let random = snapshot_answer(&relay, attackers[0], DocumentId(Uuid::new_v4())).await?;
    assert_eq!(their.len(), random.len());
    assert_eq!(strip_document(&their), strip_document(&random));
    Ok(())
}

/// Every message type a device can send, aimed at `target`.
fn messages(target: Target) -> Vec<ClientMessage> {
    let document = match target {
        Target::TheirDocument => DOCUMENT,
        Target::RandomDocument => DocumentId(Uuid::new_v4()),
    };
    let mut forged = automerge::AutoCommit::new();
    let forged_change = {
        use automerge::transaction::Transactable;
        let _ = forged.put(automerge::ROOT, "name", "overwritten");
        forged.commit();
        forged
            .get_last_local_change()
            .map(|change| change.raw_bytes().to_vec())
            .unwrap_or_default()
    };
    vec![
        ClientMessage::Push {
            batch: BatchId(1),
            changes: vec![Change {
                document,
                bytes: forged_change,
            }],
        },
        ClientMessage::CatchUp { after: Seq(0) },
        ClientMessage::Snapshot { document },
        ClientMessage::Bootstrap { after: None },
        ClientMessage::Ping { nonce: 7 },
    ]
}

/// Opens a connection with `credential`, sends a hello (when the credential has one) then
/// `message`, and returns every binary frame received until the socket closes or goes quiet.
async fn attempt(
    relay: &Relay,
    attackers: &[Principal],
    credential: Credential,
    message: &ClientMessage,
    revoked_ticket: &str,
) -> TestResult<Vec<Vec<u8>>> {
    let attacker = attackers[0];
    let mut request = format!("ws://{}/sync", relay.address).into_client_request()?;
    if matches!(credential, Credential::ForeignOrigin) {
        request
            .headers_mut()
            .insert("Origin", "https://evil.example".parse()?);
        // The upgrade itself is refused: nothing at all is received.
        return match tokio_tungstenite::connect_async(request).await {
            Ok(_) => Err("a foreign origin opened the socket".into()),
            Err(_) => Ok(vec![refusal_marker()]),
        };
    }
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let hello = |ticket: String, principal: Principal| {
        ClientMessage::Hello(Hello {
            ticket,
            device: principal.device,
            cursor: Seq(0),
        })
    };
    match credential {
        Credential::NoTicket => {}
        Credential::Expired => {
            let ticket = relay
                .state
                .accounts
                .issue_ticket(
                    attacker,
                    std::time::SystemTime::now()
                        - server::accounts::TICKET_LIFETIME
                        - Duration::from_secs(1),
                )
                .await?;
            send(&mut socket, &hello(ticket, attacker)).await?;
        }
        Credential::Reused => {
            let ticket = relay.ticket(attackers[1]).await?;
            let mut first = relay.socket().await?;
            send(&mut first, &hello(ticket.clone(), attackers[1])).await?;
            let _welcome = first.next().await;
            send(&mut socket, &hello(ticket, attackers[1])).await?;
        }
        Credential::RevokedDevice => {
            // The ticket was issued before the revocation (and a fresh one must fail too).
            send(&mut socket, &hello(revoked_ticket.to_owned(), attackers[2])).await?;
        }
        Credential::OtherWorkspace => {
            send(&mut socket, &hello(relay.ticket(attacker).await?, attacker)).await?;
        }
        Credential::ForeignOrigin => {}
    }
    let _closed_already = send(&mut socket, message).await;
    let mut frames = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_millis(500), socket.next()).await {
            Ok(Some(Ok(Message::Binary(bytes)))) => frames.push(bytes.to_vec()),
            Ok(Some(Ok(Message::Close(_)))) => {
                frames.push(refusal_marker());
                break;
            }
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(_)) | None) | Err(_) => break,
        }
    }
    Ok(frames)
}

/// Whether the frames end in a refusal (an error message, a close, or a refused upgrade).
fn refused(frames: &[Vec<u8>]) -> bool {
    frames.iter().any(|frame| {
        frame == &refusal_marker()
            || matches!(
                shared::protocol::codec::decode_server(frame),
                Ok(shared::protocol::ServerMessage::Error {
                    code: ErrorCode::Unauthorised | ErrorCode::OutOfOrder,
                    ..
                })
            )
    })
}

fn refusal_marker() -> Vec<u8> {
    b"<closed>".to_vec()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// The raw answer to a snapshot request from an authenticated device of `principal`.
async fn snapshot_answer(
    relay: &Relay,
    principal: Principal,
    document: DocumentId,
) -> TestResult<Vec<u8>> {
    let mut device = Device::new(principal);
    device.connect(relay).await?;
    device
        .until("the welcome", |device| {
            device.client.phase() != ClientPhase::Handshaking
        })
        .await?;
    let socket = device.socket.as_mut().ok_or("not connected")?;
    send(socket, &ClientMessage::Snapshot { document }).await?;
    loop {
        match tokio::time::timeout(Duration::from_secs(5), socket.next()).await? {
            Some(Ok(Message::Binary(bytes))) => {
                if matches!(
                    shared::protocol::codec::decode_server(&bytes),
                    Ok(shared::protocol::ServerMessage::Snapshot { .. })
                ) {
                    return Ok(bytes.to_vec());
                }
            }
            Some(Ok(_)) => {}
            _ => return Err("no snapshot answer".into()),
        }
    }
}

/// The answer with the document id (the one thing that legitimately differs) blanked.
fn strip_document(frame: &[u8]) -> Option<shared::protocol::ServerMessage> {
    match shared::protocol::codec::decode_server(frame).ok()? {
        shared::protocol::ServerMessage::Snapshot { bytes, covers, .. } => {
            Some(shared::protocol::ServerMessage::Snapshot {
                document: DocumentId(Uuid::nil()),
                bytes,
                covers,
            })
        }
        other => Some(other),
    }
}
