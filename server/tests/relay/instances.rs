//! Several relay instances on one PostgreSQL database (whatever the rest of the suite runs on):
//! devices connected to different instances converge, a record never reaches a device outside its
//! reach whichever instance serves it, every reader sees positions 1..N, a
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
async fn devices_on_three_instances_converge_and_every_reader_sees_positions_one_to_n() -> TestResult
{
    let first = Relay::start_on_postgres().await?;
    let second = Relay::start_beside(&first).await?;
    let third = Relay::start_beside(&first).await?;
    let principals = first.workspace(3).await?;
    let mut tablet = Device::new(principals[0]);
    let mut laptop = Device::new(principals[1]);
    let mut phone = Device::new(principals[2]);
    live(&mut tablet, &first).await?;
    live(&mut laptop, &second).await?;
    // No sticky sessions: the phone's ticket comes from one instance, its socket from another.
    phone.connect_with_ticket_from(&first, &third).await?;
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
    for relay in [&first, &second, &third] {
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
    // (Only this test's database: other tests share the cluster.)
    let cut = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
               WHERE query = 'LISTEN carnet_relay' AND pid <> pg_backend_pid()
                 AND datname = current_database()";
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

#[tokio::test]
async fn a_record_reassigned_through_one_instance_leaves_and_reaches_devices_on_two_others(
) -> TestResult {
    use automerge::transaction::Transactable;
    use automerge::AutoCommit;
    use server::identity::Role;
    use server::storage::access::TeamSpec;
    use shared::account::{Account, AccountDocument};
    use shared::edit::Edit;
    use shared::ids::AccountId;
    use shared::protocol::Change;

    use crate::access::{document_of, editor, push_and_wait};
    use crate::harness::shared_user;

    const NOW: i64 = 1_780_000_000;
    let first = Relay::start_on_postgres().await?;
    let second = Relay::start_beside(&first).await?;
    let third = Relay::start_beside(&first).await?;
    let seed = first.workspace(1).await?[0];
    let lead = first.person(seed, Role::Manager, None).await?;
    let rep_a = first.person(seed, Role::Rep, None).await?;
    let rep_b = first.person(seed, Role::Rep, None).await?;
    first
        .state
        .access
        .set_team(
            seed.workspace,
            TeamSpec {
                name: "A".to_owned(),
                leads: vec![lead.user],
                members: vec![rep_a.user, rep_b.user],
                territories: Vec::new(),
            },
        )
        .await?;
    // Rep A's tablet on the second instance, rep B's on the third.
    let mut tablet_a = Device::new(rep_a);
    let mut tablet_b = Device::new(rep_b);
    live(&mut tablet_a, &second).await?;
    live(&mut tablet_b, &third).await?;

    // Through the first instance, the lead creates an account held by rep A.
    let account_id = AccountId::from_bytes(*uuid::Uuid::new_v4().as_bytes());
    let document = document_of(*account_id.as_bytes());
    let mut draft = Account::named("Fromagerie des Halles");
    draft.owner = Some(shared_user(rep_a.user));
    let mut created = AccountDocument::new(account_id, &draft, &Edit::by(editor(lead), NOW))?;
    let mut lead_copy = AutoCommit::load(&created.save())?;
    let mut lead_device = Device::new(lead);
    for change in lead_copy.get_changes(&[]) {
        lead_device
            .queue(Change {
                document,
                bytes: change.raw_bytes().to_vec(),
            })
            .await?;
    }
    lead_device.connect(&first).await?;
    lead_device
        .until("the account stored", |device| device.outbox.is_empty())
        .await?;
    let created_through = first.state.log.head(seed.workspace).await?;
    tablet_a
        .until("the account", |device| {
            device.others.contains_key(&document)
        })
        .await?;
    // Rep B's tablet passes the account's positions without receiving a byte of it.
    tablet_b
        .until("the log passed", |device| {
            device.client.cursor() >= created_through
        })
        .await?;
    assert!(!tablet_b.others.contains_key(&document));

    // Through the first instance, the lead hands it to rep B: it leaves A's tablet and reaches
    // B's, each on its own instance.
    lead_copy.put(automerge::ROOT, "owner", rep_b.user.to_string())?;
    lead_copy.commit();
    push_and_wait(&first, &mut lead_device, document, &mut lead_copy).await?;
    tablet_b
        .until("the account granted", |device| {
            device.others.contains_key(&document)
        })
        .await?;
    tablet_a
        .until("the purge", |device| device.purged.contains(&document))
        .await?;
    assert!(!tablet_a.others.contains_key(&document));
    Ok(())
}

#[tokio::test]
async fn an_instances_metrics_show_its_pool_and_that_it_hears_the_others() -> TestResult {
    let relay = Relay::start_on_postgres().await?;
    // The listening connection comes up in the background, moments after the start.
    let deadline = tokio::time::Instant::now() + crate::harness::PATIENCE;
    let body = loop {
        let (status, _, body) = crate::harness::http_get(relay.address, "/metrics").await?;
        assert_eq!(status, 200);
        if body.contains("carnet_instances_listening 1") {
            break body;
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(format!("the instance never said it hears the others:\n{body}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(
        body.contains(&format!(
            "carnet_db_pool_max_connections {}",
            server::storage::postgres::POOL_SIZE
        )),
        "{body}"
    );
    assert!(body.contains("carnet_db_pool_waiting 0"), "{body}");
    let (status, _, health) = crate::harness::http_get(relay.address, "/api/health").await?;
    assert_eq!(status, 200);
    assert!(
        health.contains("\"listening\":") && health.contains("\"pool\":{\"max\":"),
        "{health}"
    );
    Ok(())
}
