//! Territories redrawn: after an admin moves a département from one territory to another and
//! realigns, the accounts of that département move, and their reach with them.

use std::collections::BTreeMap;

use automerge::AutoCommit;
use server::identity::Role;
use shared::account::{Account, AccountDocument};
use shared::edit::Edit;
use shared::ids::AccountId;
use shared::protocol::client::ClientPhase;
use shared::protocol::Change;
use shared::record::{Address, AddressKind};
use shared::settings::{Settings, SettingsDocument, Territory};
use uuid::Uuid;

use crate::access::{document_of, editor};
use crate::harness::{Device, Relay, TestResult};

const NOW: i64 = 1_780_000_000;

/// The settings' territories: Île-de-France and the Grand Ouest, which holds `ouest`.
fn territories(ouest: &[&str]) -> BTreeMap<String, Territory> {
    let mut territories = BTreeMap::new();
    territories.insert(
        "idf".to_owned(),
        Territory {
            departements: ["75", "92"].into_iter().collect(),
            ..Territory::named("Île-de-France")
        },
    );
    territories.insert(
        "ouest".to_owned(),
        Territory {
            departements: ouest.iter().copied().collect(),
            ..Territory::named("Grand Ouest")
        },
    );
    territories
}

#[tokio::test]
async fn redrawn_territories_move_their_accounts_between_the_reps_devices() -> TestResult {
    let relay = Relay::start().await?;
    let seed = relay.workspace(1).await?[0];
    let admin = relay.person(seed, Role::Admin, None).await?;
    let parisian = relay.person(seed, Role::Rep, None).await?;
    let nantais = relay.person(seed, Role::Rep, None).await?;
    let access = &relay.state.access;
    access
        .set_territories(seed.workspace, parisian.user, vec!["idf".to_owned()])
        .await?;
    access
        .set_territories(seed.workspace, nantais.user, vec!["ouest".to_owned()])
        .await?;

    // The settings first put Loire-Atlantique (44) nowhere: a Nantes account was filed under
    // Île-de-France by hand.
    let edit = Edit::by(editor(admin), NOW);
    let settings_id = shared::ids::WorkspaceId::from_bytes(*seed.workspace.0.as_bytes());
    let mut settings = Settings::starter();
    settings.territories = territories(&["35"]);
    let mut settings_document = SettingsDocument::new(settings_id, &settings, &edit)?;
    let account_id = AccountId::from_bytes(*Uuid::new_v4().as_bytes());
    let mut account = Account::named("Biscuiterie Nantaise");
    account.addresses.insert(
        shared::account::MAIN_ADDRESS.to_owned(),
        Address {
            postcode: "44000".to_owned(),
            ..Address::in_city(AddressKind::Visit, "Nantes")
        },
    );
    account.territory = Some("idf".to_owned());
    let mut account_document = AccountDocument::new(account_id, &account, &edit)?;
    let account_doc = document_of(*account_id.as_bytes());
    let settings_doc = document_of(*settings_id.as_bytes());
    let mut admin_device = Device::new(admin);
    for (document, saved) in [
        (settings_doc, settings_document.save()),
        (account_doc, account_document.save()),
    ] {
        for change in AutoCommit::load(&saved)?.get_changes(&[]) {
            admin_device
                .queue(Change {
                    document,
                    bytes: change.raw_bytes().to_vec(),
                })
                .await?;
        }
    }
    admin_device.connect(&relay).await?;
    admin_device
        .until("the records stored", |device| device.outbox.is_empty())
        .await?;

    let mut paris = Device::new(parisian);
    let mut nantes = Device::new(nantais);
    for device in [&mut paris, &mut nantes] {
        device.connect(&relay).await?;
        device
            .until("live", |device| device.client.phase() == ClientPhase::Live)
            .await?;
    }
    paris
        .until("the account", |device| {
            device.others.contains_key(&account_doc)
        })
        .await?;
    assert!(!nantes.others.contains_key(&account_doc));
    // Realigning under the first map moves nothing (44 is in no territory).
    assert_eq!(
        server::realignment::realign_territories(&relay.state, admin).await?,
        0
    );

    // The admin redraws the Grand Ouest to hold Loire-Atlantique, then realigns.
    settings_document.update(&Edit::by(editor(admin), NOW + 60), "redraw", |settings| {
        settings.territories = territories(&["35", "44"]);
    })?;
    // (Every change of the document is queued again: the relay acknowledges the ones it holds
    // as duplicates and stores the redraw.)
    for change in AutoCommit::load(&settings_document.save())?.get_changes(&[]) {
        admin_device
            .queue(Change {
                document: settings_doc,
                bytes: change.raw_bytes().to_vec(),
            })
            .await?;
    }
    admin_device
        .until("the redraw stored", |device| device.outbox.is_empty())
        .await?;
    // A rep may not realign.
    assert!(
        server::realignment::realign_territories(&relay.state, nantais)
            .await
            .is_err()
    );
    assert_eq!(
        server::realignment::realign_territories(&relay.state, admin).await?,
        1
    );
    let keys = access
        .record_access_of(seed.workspace, vec![account_doc])
        .await?;
    assert_eq!(
        keys.get(&account_doc)
            .and_then(|keys| keys.territory.clone()),
        Some("ouest".to_owned())
    );
    nantes
        .until("the account granted", |device| {
            device.others.contains_key(&account_doc)
        })
        .await?;
    paris
        .until("the purge", |device| device.purged.contains(&account_doc))
        .await?;
    // Done once: a second realignment moves nothing.
    assert_eq!(
        server::realignment::realign_territories(&relay.state, admin).await?,
        0
    );
    Ok(())
}
