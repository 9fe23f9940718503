//! The demo workspace starts with realistic customers that every demo device syncs.

use server::accounts::SignIn;
use server::seeding::{seed_demo_documents, DEMO_ACCOUNTS};
use shared::protocol::client::ClientPhase;

use crate::harness::{Device, Relay, TestResult};

/// A fixed "now", so the generated history is the same on every run.
const NOW: i64 = 1_764_000_000;

#[tokio::test]
async fn the_demo_workspace_is_seeded_once_and_a_rep_downloads_every_document() -> TestResult {
    let relay = Relay::start().await?;
    let demo = relay.state.accounts.seed_demo().await?;
    let seeded = seed_demo_documents(&relay.state, demo.id, NOW, DEMO_ACCOUNTS).await?;
    assert!(
        seeded > DEMO_ACCOUNTS * 3,
        "only {seeded} changes for {DEMO_ACCOUNTS} accounts"
    );
    assert_eq!(
        seed_demo_documents(&relay.state, demo.id, NOW, DEMO_ACCOUNTS).await?,
        0,
        "seeding twice adds nothing"
    );

    let signed_in = relay
        .state
        .accounts
        .sign_in(SignIn {
            email: "rachida@demo.carnet.test".to_owned(),
            password: "carnet-demo".to_owned(),
            device_name: "tablette".to_owned(),
            device: None,
        })
        .await?;
    let principal = relay
        .state
        .accounts
        .authenticate(&signed_in.tokens.access_token)
        .await?;
    let mut tablet = Device::new(principal);
    tablet.connect(&relay).await?;
    tablet
        .until("the demo documents", |device| {
            device.client.phase() == ClientPhase::Live
        })
        .await?;
    assert_eq!(tablet.entries_received, seeded);
    // Accounts, their contacts and deals, and the workspace settings.
    assert!(
        tablet.others.len() > DEMO_ACCOUNTS,
        "{} documents",
        tablet.others.len()
    );
    Ok(())
}
