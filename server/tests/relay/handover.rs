//! Offboarding: a disabled rep's accounts and deals handed to a colleague in the same step, the
//! edits made by the relay in the admin's name, and the colleague's device receiving them.

use automerge::{AutoCommit, ReadDoc, ROOT};
use server::accounts::AccountsError;
use server::identity::{Principal, Role};
use server::offboarding::{hand_over, HandoverError};
use shared::account::{Account, AccountDocument};
use shared::contact::{Contact, ContactDocument};
use shared::deal::{Deal, DealDocument};
use shared::edit::{Edit, Editor};
use shared::ids::{AccountId, ContactId, DealId};
use shared::protocol::client::ClientPhase;
use shared::protocol::{Change, DocumentId};
use uuid::Uuid;

use crate::harness::{shared_user, Device, Relay, TestResult};

const NOW: i64 = 1_780_000_000;

fn editor(principal: Principal) -> Editor {
    Editor {
        user: shared_user(principal.user),
        device: shared::ids::DeviceId::from_bytes(*principal.device.0.as_bytes()),
    }
}

/// The owner a replica names (`None` when it names none).
fn owner_of(replica: &AutoCommit) -> Option<String> {
    match replica.get(ROOT, "owner") {
        Ok(Some((automerge::Value::Scalar(scalar), _))) => match scalar.as_ref() {
            automerge::ScalarValue::Str(text) => Some(text.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// Queues every change of `saved` for `document` on `device`.
async fn queue_all(device: &mut Device, document: DocumentId, saved: &[u8]) -> TestResult {
    let mut copy = AutoCommit::load(saved)?;
    for change in copy.get_changes(&[]) {
        device
            .queue(Change {
                document,
                bytes: change.raw_bytes().to_vec(),
            })
            .await?;
    }
    Ok(())
}

#[tokio::test]
async fn disabling_a_rep_hands_their_accounts_deals_and_lone_contacts_to_the_chosen_colleague_whose_device_receives_them(
) -> TestResult {
    let relay = Relay::start().await?;
    let seed = relay.workspace(1).await?[0];
    let admin = relay.person(seed, Role::Admin, None).await?;
    let leaving = relay.person(seed, Role::Rep, None).await?;
    let colleague = relay.person(seed, Role::Rep, None).await?;
    let bystander = relay.person(seed, Role::Rep, None).await?;

    // The admin creates an account and a deal owned by the leaving rep, and one for a third rep.
    let mut admin_device = Device::new(admin);
    let owned = AccountId::from_bytes(*Uuid::new_v4().as_bytes());
    let owned_document = DocumentId(Uuid::from_bytes(*owned.as_bytes()));
    let mut draft = Account::named("Boulangerie du Marché");
    draft.owner = Some(shared_user(leaving.user));
    let mut account = AccountDocument::new(owned, &draft, &Edit::by(editor(admin), NOW))?;
    queue_all(&mut admin_device, owned_document, &account.save()).await?;
    let deal_id = DealId::from_bytes(*Uuid::new_v4().as_bytes());
    let deal_document = DocumentId(Uuid::from_bytes(*deal_id.as_bytes()));
    let mut deal_draft = Deal::new("40 baguettes par jour", "qualify");
    deal_draft.account = Some(owned);
    deal_draft.owner = Some(shared_user(leaving.user));
    let mut deal = DealDocument::new(deal_id, &deal_draft, &Edit::by(editor(admin), NOW))?;
    queue_all(&mut admin_device, deal_document, &deal.save()).await?;
    let others = AccountId::from_bytes(*Uuid::new_v4().as_bytes());
    let others_document = DocumentId(Uuid::from_bytes(*others.as_bytes()));
    let mut others_draft = Account::named("Fromagerie Dupont");
    others_draft.owner = Some(shared_user(bystander.user));
    let mut others_account =
        AccountDocument::new(others, &others_draft, &Edit::by(editor(admin), NOW))?;
    queue_all(&mut admin_device, others_document, &others_account.save()).await?;
    admin_device.connect(&relay).await?;
    admin_device
        .until("the records stored", |device| device.outbox.is_empty())
        .await?;

    // The leaving rep also created an account of their own, naming no owner.
    let created = AccountId::from_bytes(*Uuid::new_v4().as_bytes());
    let created_document = DocumentId(Uuid::from_bytes(*created.as_bytes()));
    let mut own = AccountDocument::new(
        created,
        &Account::named("Épicerie Martin"),
        &Edit::by(editor(leaving), NOW),
    )?;
    let mut leaving_device = Device::new(leaving);
    queue_all(&mut leaving_device, created_document, &own.save()).await?;
    // And a contact met at a trade fair, linked to no account yet.
    let met = ContactId::from_bytes(*Uuid::new_v4().as_bytes());
    let met_document = DocumentId(Uuid::from_bytes(*met.as_bytes()));
    let mut met_contact = ContactDocument::new(
        met,
        &Contact::named("Lucie", "Bernard"),
        &Edit::by(editor(leaving), NOW),
    )?;
    queue_all(&mut leaving_device, met_document, &met_contact.save()).await?;
    leaving_device.connect(&relay).await?;
    leaving_device
        .until("the rep's records", |device| {
            device.outbox.is_empty()
                && device.others.contains_key(&owned_document)
                && device.others.contains_key(&deal_document)
        })
        .await?;

    // The colleague's device holds none of them yet.
    let mut colleague_device = Device::new(colleague);
    colleague_device.connect(&relay).await?;
    colleague_device
        .until("live", |device| device.client.phase() == ClientPhase::Live)
        .await?;
    assert!(colleague_device.others.is_empty());

    // Refused: a non-admin, the leaving person as their own colleague, a disabled colleague.
    let refused = hand_over(&relay.state, colleague, leaving.user, colleague.user).await;
    assert!(matches!(
        refused,
        Err(HandoverError::Refused(AccountsError::Forbidden))
    ));
    let refused = hand_over(&relay.state, admin, leaving.user, leaving.user).await;
    assert!(matches!(
        refused,
        Err(HandoverError::Refused(AccountsError::InvalidInput(_)))
    ));
    let gone = relay.person(seed, Role::Rep, Some(NOW)).await?;
    let refused = hand_over(&relay.state, admin, leaving.user, gone.user).await;
    assert!(matches!(
        refused,
        Err(HandoverError::Refused(AccountsError::InvalidInput(_)))
    ));

    // The admin disables the rep and hands their records over.
    relay
        .state
        .accounts
        .disable_person(admin, leaving.user)
        .await?;
    let handed = hand_over(&relay.state, admin, leaving.user, colleague.user).await?;
    assert_eq!(
        handed, 4,
        "the owned account, its deal, the created account and the contact of no account"
    );

    // The colleague's connected device receives the three, each naming them as owner.
    colleague_device
        .until("the records handed over", |device| {
            [
                owned_document,
                deal_document,
                created_document,
                met_document,
            ]
            .iter()
            .all(|document| {
                device
                    .others
                    .get(document)
                    .and_then(owner_of)
                    .is_some_and(|owner| owner == colleague.user.to_string())
            })
        })
        .await?;
    assert!(!colleague_device.others.contains_key(&others_document));
    let keys = relay
        .state
        .access
        .record_access_of(
            seed.workspace,
            vec![
                owned_document,
                deal_document,
                created_document,
                met_document,
                others_document,
            ],
        )
        .await?;
    for document in [
        owned_document,
        deal_document,
        created_document,
        met_document,
    ] {
        assert_eq!(
            keys.get(&document).and_then(|keys| keys.holder()),
            Some(colleague.user)
        );
    }
    assert_eq!(
        keys.get(&others_document).and_then(|keys| keys.owner),
        Some(bystander.user)
    );

    // The edits are in the admin's name: the changes carry the admin's author.
    let head = relay.state.log.head(seed.workspace).await?;
    let stored = relay
        .state
        .log
        .document_changes(
            seed.workspace,
            owned_document,
            shared::protocol::Seq(0),
            head,
        )
        .await?;
    let authors: Vec<Option<Editor>> = stored
        .iter()
        .map(|bytes| automerge::Change::try_from(bytes.as_slice()))
        .collect::<Result<Vec<_>, _>>()?
        .iter()
        .filter_map(|change| change.author().map(|author| Editor::from_author(&author)))
        .collect();
    assert_eq!(
        authors,
        vec![Some(editor(admin)), Some(editor(admin))],
        "created by the admin, handed over in the admin's name"
    );

    // A second handover finds nothing left to move.
    let colleague_two = relay.person(seed, Role::Rep, None).await?;
    assert_eq!(
        hand_over(&relay.state, admin, leaving.user, colleague_two.user).await?,
        0
    );
    Ok(())
}
