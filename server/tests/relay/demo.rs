//! The demo workspace starts with realistic customers that every demo device syncs.

use server::accounts::SignIn;
use std::collections::HashSet;

use server::access::Scope;
use server::seeding::{seed_demo_documents, seed_demo_teams, DEMO_ACCOUNTS};
use shared::demo::SalesSpec;
use shared::protocol::client::ClientPhase;
use shared::protocol::{DocumentId, Seq};

use crate::harness::{Device, Relay, TestResult};

/// A fixed "now", so the generated history is the same on every run.
const NOW: i64 = 1_764_000_000;

#[tokio::test]
async fn the_demo_workspace_is_seeded_once_and_a_rep_downloads_exactly_her_part_of_it() -> TestResult
{
    let relay = Relay::start().await?;
    let demo = relay.state.accounts.seed_demo().await?;
    let seeded = seed_demo_documents(
        &relay.state,
        demo.id,
        NOW,
        DEMO_ACCOUNTS,
        SalesSpec::default(),
    )
    .await?;
    assert!(
        seeded > DEMO_ACCOUNTS * 3,
        "only {seeded} changes for {DEMO_ACCOUNTS} accounts"
    );
    assert_eq!(
        seed_demo_documents(
            &relay.state,
            demo.id,
            NOW,
            DEMO_ACCOUNTS,
            SalesSpec::default()
        )
        .await?,
        0,
        "seeding twice adds nothing"
    );

    seed_demo_teams(&relay.state, demo.id).await?;
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
    // Her accounts (her territories', and any she holds), their contacts and deals, and the
    // workspace settings: every entry of those, and nothing of anyone else's.
    let grants = relay
        .state
        .access
        .grants(demo.id, principal.user)
        .await?
        .ok_or("Rachida has no grants")?;
    let records = relay.state.access.record_access(demo.id).await?;
    let Scope::Only(scope) = Scope::of(&grants, &records) else {
        return Err("a rep reads everything".into());
    };
    let held: HashSet<DocumentId> = tablet.others.keys().copied().collect();
    // The settings are the workspace's own document (its id is the workspace's), which is
    // where every device looks for stages, territories and custom fields.
    let settings = DocumentId(demo.id.0);
    assert_eq!(
        records.get(&settings).and_then(|keys| keys.kind),
        Some(shared::replica::RecordKind::Settings)
    );
    assert!(
        held.contains(&settings),
        "the rep lacks the workspace settings"
    );
    assert!(
        held == scope,
        "{} held outside her scope, {} of her scope missing",
        held.difference(&scope).count(),
        scope.difference(&held).count()
    );
    assert!(
        scope.len() > DEMO_ACCOUNTS / 10 && scope.len() < records.len() / 2,
        "{} of {} documents",
        scope.len(),
        records.len()
    );
    let mut expected = 0;
    for document in &scope {
        let head = relay.state.log.head(demo.id).await?;
        expected += relay
            .state
            .log
            .document_changes(demo.id, *document, Seq(0), head)
            .await?
            .len();
    }
    assert_eq!(tablet.entries_received, expected);
    Ok(())
}
