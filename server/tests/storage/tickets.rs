//! Conformance of the sync tickets' storage: a ticket is taken once, across instances too.

use std::sync::Arc;

use server::identity::{Principal, Role, UserId, WorkspaceId};
use server::storage::tickets::{StoredTicket, TICKETS_PER_DEVICE};
use server::storage::{Database, Location};
use shared::protocol::DeviceId;
use uuid::Uuid;

use crate::{conformance, TestResult};

const LIFETIME_MS: i64 = 30_000;

fn principal(device: u128) -> Principal {
    Principal {
        workspace: WorkspaceId(Uuid::from_u128(1)),
        user: UserId(Uuid::from_u128(2)),
        role: Role::Manager,
        device: DeviceId(Uuid::from_u128(device)),
    }
}

fn digest(n: u8) -> [u8; 32] {
    [n; 32]
}

conformance!(
    a_ticket_is_taken_once_with_its_principal,
    a_device_holds_a_bounded_number_of_tickets_newest_kept,
    expired_tickets_are_forgotten_when_another_is_issued,
);

async fn a_ticket_is_taken_once_with_its_principal(database: Arc<dyn Database>) -> TestResult {
    let ticket = StoredTicket {
        principal: principal(3),
        issued_at: 1_000_000,
    };
    database
        .store_ticket(digest(1), ticket, LIFETIME_MS)
        .await?;
    assert_eq!(database.take_ticket(digest(1)).await?, Some(ticket));
    assert_eq!(database.take_ticket(digest(1)).await?, None);
    assert_eq!(database.take_ticket(digest(2)).await?, None);
    Ok(())
}

async fn a_device_holds_a_bounded_number_of_tickets_newest_kept(
    database: Arc<dyn Database>,
) -> TestResult {
    let issued = 1_000_000;
    let count = u8::try_from(TICKETS_PER_DEVICE + 3)?;
    for n in 0..count {
        let ticket = StoredTicket {
            principal: principal(3),
            issued_at: issued + i64::from(n),
        };
        database
            .store_ticket(digest(n), ticket, LIFETIME_MS)
            .await?;
    }
    // Another device's ticket is not counted against this one.
    let other = StoredTicket {
        principal: principal(4),
        issued_at: issued,
    };
    database
        .store_ticket(digest(200), other, LIFETIME_MS)
        .await?;
    let mut kept = Vec::new();
    for n in 0..count {
        if database.take_ticket(digest(n)).await?.is_some() {
            kept.push(n);
        }
    }
    let newest: Vec<u8> = (count - u8::try_from(TICKETS_PER_DEVICE)?..count).collect();
    assert_eq!(kept, newest);
    assert_eq!(database.take_ticket(digest(200)).await?, Some(other));
    Ok(())
}

async fn expired_tickets_are_forgotten_when_another_is_issued(
    database: Arc<dyn Database>,
) -> TestResult {
    let old = StoredTicket {
        principal: principal(3),
        issued_at: 1_000_000,
    };
    database.store_ticket(digest(1), old, LIFETIME_MS).await?;
    let later = StoredTicket {
        principal: principal(4),
        issued_at: 1_000_000 + LIFETIME_MS,
    };
    database.store_ticket(digest(2), later, LIFETIME_MS).await?;
    assert_eq!(database.take_ticket(digest(1)).await?, None);
    assert_eq!(database.take_ticket(digest(2)).await?, Some(later));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_instances_racing_for_one_ticket_exactly_one_gets_it() -> TestResult {
    let url = tests::PostgresCluster::shared()?.create_database().await?;
    let location = Location::Postgres(url);
    let mut instances = Vec::new();
    for _ in 0..4 {
        instances.push(server::storage::open(&location).await?);
    }
    for round in 0..20_u8 {
        let ticket = StoredTicket {
            principal: principal(3),
            issued_at: 1_000_000 + i64::from(round),
        };
        instances[0]
            .store_ticket(digest(round), ticket, LIFETIME_MS)
            .await?;
        let mut racers = Vec::new();
        for instance in &instances {
            let instance = Arc::clone(instance);
            racers.push(tokio::spawn(async move {
                instance.take_ticket(digest(round)).await
            }));
        }
        let mut winners = 0;
        for racer in racers {
            if racer.await??.is_some() {
                winners += 1;
            }
        }
        assert_eq!(winners, 1, "round {round}");
    }
    Ok(())
}
