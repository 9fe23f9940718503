//! Conformance of the access storage: records' keys, the log-derived creator, people's grants
//! (role, teams led, territories), teams, territories, purges and invitations' access.
//!
//! People, devices, invitations and log entries are made through the accounts and log traits.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use server::access::{AccessKeys, Grants};
use server::identity::{Role, SignInEmail, UserId, WorkspaceId};
use server::storage::access::{InvitationAccess, TeamSpec};
use server::storage::accounts::{NewInvitation, NewUser};
use server::storage::{Database, IncomingChange};
use shared::protocol::{DeviceId, DocumentId};
use shared::replica::RecordKind;
use uuid::Uuid;

use crate::{conformance, TestResult};

conformance!(
    stored_keys_are_read_back_per_workspace_and_by_document,
    storing_keys_again_replaces_them_and_a_batch_keeps_its_last_mention,
    a_batch_of_many_records_is_stored_whole,
    documents_logged_without_keys_are_listed_until_they_get_keys,
    the_creator_is_the_person_whose_device_first_pushed_the_document,
    grants_follow_the_role_the_teams_led_and_the_territories_covered,
    people_disabled_unknown_or_of_another_workspace_have_no_grants,
    setting_a_team_again_replaces_its_people_and_territories,
    teams_are_listed_by_name_with_their_people_and_territories_in_order,
    territories_map_each_person_to_their_territories_in_order,
    setting_territories_again_replaces_them_and_only_for_a_member,
    a_role_changes_only_for_an_active_person_of_the_workspace,
    acknowledged_purges_are_listed_per_device_by_time_then_document,
    an_invitations_access_is_taken_once_and_is_empty_when_none_was_kept,
    of_two_racing_takers_of_an_invitations_access_one_gets_it,
    two_racing_writes_of_one_new_team_leave_one_of_them_whole,
);

type Error = Box<dyn std::error::Error + Send + Sync>;

/// When the seeded rows were made (Unix seconds).
const NOW: i64 = 1_700_000_000;

/// A seeded workspace and its people.
struct Office {
    workspace: WorkspaceId,
    admin: UserId,
    manager: UserId,
    rep: UserId,
    colleague: UserId,
}

impl Office {
    /// A workspace named `name` with an admin, a manager and two reps.
    async fn open(database: &dyn Database, name: &str) -> Result<Self, Error> {
        let office = Self {
            workspace: WorkspaceId(Uuid::new_v4()),
            admin: UserId(Uuid::new_v4()),
            manager: UserId(Uuid::new_v4()),
            rep: UserId(Uuid::new_v4()),
            colleague: UserId(Uuid::new_v4()),
        };
        let people = [
            (office.admin, "admin", Role::Admin),
            (office.manager, "manager", Role::Manager),
            (office.rep, "rep", Role::Rep),
            (office.colleague, "colleague", Role::Rep),
        ];
        let mut users = Vec::with_capacity(people.len());
        for (id, who, role) in people {
            users.push(NewUser {
                id,
                email: SignInEmail::parse(&format!("{who}@{name}.test"))?,
                name: format!("{who} of {name}"),
                role,
                password_hash: "$argon2id$not-checked-here".to_owned(),
            });
        }
        match database
            .create_workspace(office.workspace, name.to_owned(), users.clone(), NOW)
            .await
        {
            Ok(created) => assert!(created, "the workspace {name} was not created"),
            Err(error) => return Err(error.into()),
        }
        Ok(office)
    }
}

/// A new device of `user`.
async fn device_of(database: &dyn Database, user: UserId) -> Result<DeviceId, Error> {
    match database
        .register_device(user, None, "phone".to_owned(), NOW)
        .await
    {
        Ok(device) => Ok(device.ok_or("the device was not registered")?),
        Err(error) => Err(error.into()),
    }
}

/// Logs a change of `document` pushed by `device` (its actor is the device's own), its hash
/// made of `seed`.
async fn push(
    database: &dyn Database,
    workspace: WorkspaceId,
    device: DeviceId,
    document: DocumentId,
    seed: u8,
) -> TestResult {
    let change = IncomingChange {
        document,
        hash: [seed; 32],
        actor: device.0.as_bytes().to_vec(),
        bytes: vec![seed; 8],
    };
    match database
        .append(workspace, device, vec![change.clone()], NOW)
        .await
    {
        Ok(outcome) => {
            assert_eq!(outcome.stored.len(), 1, "{outcome:?}");
            Ok(())
        }
        Err(error) => Err(error.into()),
    }
}

/// Disables `user` of `workspace`.
async fn disable(database: &dyn Database, workspace: WorkspaceId, user: UserId) -> TestResult {
    match database.disable_person(workspace, user, NOW).await {
        Ok(devices) => {
            assert!(devices.is_some(), "no such person to disable");
            Ok(())
        }
        Err(error) => Err(error.into()),
    }
}

/// A pending invitation of `office` (made by its admin), by its code's digest.
async fn invite(database: &dyn Database, office: &Office, digest: [u8; 32]) -> TestResult {
    let invitation = NewInvitation {
        digest,
        workspace: office.workspace,
        email: SignInEmail::parse(&format!("newcomer-{}@invited.test", digest[0]))?,
        role: Role::Rep,
        invited_by: office.admin,
        expires_at: NOW + 3_600,
    };
    match database.create_invitation(invitation.clone()).await {
        Ok(()) => Ok(()),
        Err(error) => Err(error.into()),
    }
}

fn document(n: u128) -> DocumentId {
    DocumentId(Uuid::from_u128(n))
}

fn set<T: Ord + Clone>(items: &[T]) -> BTreeSet<T> {
    items.iter().cloned().collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

/// Its ids' text order (how stores list people).
fn by_text(mut people: Vec<UserId>) -> Vec<UserId> {
    people.sort_by_key(ToString::to_string);
    people
}

fn deal_keys(office: &Office, accounts: &[DocumentId]) -> AccessKeys {
    AccessKeys {
        kind: Some(RecordKind::Deal),
        owner: Some(office.rep),
        creator: Some(office.manager),
        territory: Some("north".to_owned()),
        accounts: accounts.to_vec(),
    }
}

async fn stored_keys_are_read_back_per_workspace_and_by_document(
    database: Arc<dyn Database>,
) -> TestResult {
    let office = Office::open(database.as_ref(), "acme").await?;
    let elsewhere = Office::open(database.as_ref(), "globex").await?;
    let (deal, unknown_kind, foreign) = (document(1), document(2), document(3));
    let deal_keys = deal_keys(&office, &[document(10), document(11)]);
    database
        .set_record_access(
            office.workspace,
            vec![
                (deal, deal_keys.clone()),
                (unknown_kind, AccessKeys::default()),
            ],
        )
        .await?;
    database
        .set_record_access(elsewhere.workspace, vec![(foreign, AccessKeys::default())])
        .await?;

    let all = database.record_access(office.workspace).await?;
    assert_eq!(
        all,
        HashMap::from([
            (deal, deal_keys.clone()),
            (unknown_kind, AccessKeys::default())
        ])
    );
    let some = database
        .record_access_of(office.workspace, vec![deal, document(99), foreign])
        .await?;
    assert_eq!(some, HashMap::from([(deal, deal_keys)]));
    assert!(database
        .record_access_of(office.workspace, Vec::new())
        .await?
        .is_empty());
    assert_eq!(
        database.record_access(elsewhere.workspace).await?,
        HashMap::from([(foreign, AccessKeys::default())])
    );
    assert!(database
        .record_access(WorkspaceId(Uuid::new_v4()))
        .await?
        .is_empty());
    Ok(())
}

async fn storing_keys_again_replaces_them_and_a_batch_keeps_its_last_mention(
    database: Arc<dyn Database>,
) -> TestResult {
    let office = Office::open(database.as_ref(), "acme").await?;
    let (deal, account) = (document(1), document(2));
    database
        .set_record_access(
            office.workspace,
            vec![
                (deal, deal_keys(&office, &[account])),
                (account, deal_keys(&office, &[])),
            ],
        )
        .await?;
    let handed_over = AccessKeys {
        kind: Some(RecordKind::Deal),
        owner: None,
        creator: Some(office.manager),
        territory: None,
        accounts: Vec::new(),
    };
    let account_keys = AccessKeys {
        kind: Some(RecordKind::Account),
        owner: Some(office.colleague),
        creator: Some(office.rep),
        territory: Some("south".to_owned()),
        accounts: Vec::new(),
    };
    database
        .set_record_access(
            office.workspace,
            vec![
                (deal, handed_over.clone()),
                (account, AccessKeys::default()),
                (account, account_keys.clone()),
            ],
        )
        .await?;
    assert_eq!(
        database.record_access(office.workspace).await?,
        HashMap::from([(deal, handed_over), (account, account_keys)])
    );
    database
        .set_record_access(office.workspace, Vec::new())
        .await?;
    assert_eq!(database.record_access(office.workspace).await?.len(), 2);
    Ok(())
}

async fn a_batch_of_many_records_is_stored_whole(database: Arc<dyn Database>) -> TestResult {
    let office = Office::open(database.as_ref(), "acme").await?;
    let count: u128 = 12_345;
    let records: Vec<(DocumentId, AccessKeys)> = (1..=count)
        .map(|n| {
            let keys = AccessKeys {
                kind: Some(RecordKind::Account),
                owner: (n % 2 == 0).then_some(office.rep),
                creator: Some(office.manager),
                territory: Some(format!("territory {}", n % 7)),
                accounts: vec![document(n + 1_000_000)],
            };
            (document(n), keys)
        })
        .collect();
    database
        .set_record_access(office.workspace, records.clone())
        .await?;
    let stored = database.record_access(office.workspace).await?;
    assert_eq!(stored.len(), records.len());
    for (document, keys) in &records {
        assert_eq!(stored.get(document), Some(keys), "{document:?}");
    }
    let wanted: Vec<DocumentId> = records
        .iter()
        .map(|(document, _)| *document)
        .step_by(1_000)
        .collect();
    let found = database
        .record_access_of(office.workspace, wanted.clone())
        .await?;
    assert_eq!(found.len(), wanted.len());
    Ok(())
}

async fn documents_logged_without_keys_are_listed_until_they_get_keys(
    database: Arc<dyn Database>,
) -> TestResult {
    let database = database.as_ref();
    let office = Office::open(database, "acme").await?;
    let elsewhere = Office::open(database, "globex").await?;
    assert!(database.documents_without_access(10).await?.is_empty());

    let phone = device_of(database, office.rep).await?;
    let other_phone = device_of(database, elsewhere.rep).await?;
    let (first, second, keyed, foreign) = (document(1), document(2), document(3), document(4));
    push(database, office.workspace, phone, first, 1).await?;
    push(database, office.workspace, phone, second, 2).await?;
    push(database, office.workspace, phone, second, 3).await?;
    push(database, office.workspace, phone, keyed, 4).await?;
    push(database, elsewhere.workspace, other_phone, foreign, 5).await?;
    database
        .set_record_access(office.workspace, vec![(keyed, AccessKeys::default())])
        .await?;

    let listed = database.documents_without_access(10).await?;
    assert_eq!(listed.len(), 3, "each document once: {listed:?}");
    assert_eq!(
        set(&listed),
        set(&[
            (office.workspace, first),
            (office.workspace, second),
            (elsewhere.workspace, foreign),
        ])
    );
    assert_eq!(database.documents_without_access(2).await?.len(), 2);
    assert!(database.documents_without_access(0).await?.is_empty());

    database
        .set_record_access(
            office.workspace,
            vec![
                (first, AccessKeys::default()),
                (second, AccessKeys::default()),
            ],
        )
        .await?;
    // Keys of the same document in another workspace do not count.
    database
        .set_record_access(office.workspace, vec![(foreign, AccessKeys::default())])
        .await?;
    assert_eq!(
        database.documents_without_access(10).await?,
        vec![(elsewhere.workspace, foreign)]
    );
    Ok(())
}

async fn the_creator_is_the_person_whose_device_first_pushed_the_document(
    database: Arc<dyn Database>,
) -> TestResult {
    let database = database.as_ref();
    let office = Office::open(database, "acme").await?;
    let rep_phone = device_of(database, office.rep).await?;
    let manager_phone = device_of(database, office.manager).await?;
    let (shared, managed) = (document(1), document(2));
    push(database, office.workspace, rep_phone, shared, 1).await?;
    push(database, office.workspace, manager_phone, managed, 2).await?;
    push(database, office.workspace, manager_phone, shared, 3).await?;
    push(database, office.workspace, rep_phone, managed, 4).await?;

    assert_eq!(
        database.creator(office.workspace, shared).await?,
        Some(office.rep)
    );
    assert_eq!(
        database.creator(office.workspace, managed).await?,
        Some(office.manager)
    );
    assert_eq!(database.creator(office.workspace, document(3)).await?, None);
    assert_eq!(
        database
            .creator(WorkspaceId(Uuid::new_v4()), shared)
            .await?,
        None
    );
    Ok(())
}

async fn grants_follow_the_role_the_teams_led_and_the_territories_covered(
    database: Arc<dyn Database>,
) -> TestResult {
    let office = Office::open(database.as_ref(), "acme").await?;
    let workspace = office.workspace;
    database
        .set_team(
            workspace,
            TeamSpec {
                name: "East".to_owned(),
                leads: vec![office.manager],
                members: vec![office.rep],
                territories: strings(&["east", "harbour"]),
            },
        )
        .await?;
    // A team the manager is only a member of, and one a rep leads: neither extends a reach.
    database
        .set_team(
            workspace,
            TeamSpec {
                name: "West".to_owned(),
                leads: vec![office.colleague],
                members: vec![office.manager, office.admin],
                territories: strings(&["west"]),
            },
        )
        .await?;
    database
        .set_territories(workspace, office.manager, strings(&["south"]))
        .await?;
    database
        .set_territories(workspace, office.rep, strings(&["north", "east"]))
        .await?;

    assert_eq!(
        database.grants(workspace, office.admin).await?,
        Some(Grants::admin(office.admin))
    );
    assert_eq!(
        database.grants(workspace, office.manager).await?,
        Some(Grants {
            user: office.manager,
            role: Role::Manager,
            people: set(&[office.manager, office.rep]),
            territories: set(&strings(&["east", "harbour", "south"])),
        })
    );
    assert_eq!(
        database.grants(workspace, office.rep).await?,
        Some(Grants {
            user: office.rep,
            role: Role::Rep,
            people: set(&[office.rep]),
            territories: set(&strings(&["east", "north"])),
        })
    );
    assert_eq!(
        database.grants(workspace, office.colleague).await?,
        Some(Grants {
            user: office.colleague,
            role: Role::Rep,
            people: set(&[office.colleague]),
            territories: BTreeSet::new(),
        })
    );
    Ok(())
}

async fn people_disabled_unknown_or_of_another_workspace_have_no_grants(
    database: Arc<dyn Database>,
) -> TestResult {
    let office = Office::open(database.as_ref(), "acme").await?;
    let elsewhere = Office::open(database.as_ref(), "globex").await?;
    assert!(database
        .grants(office.workspace, office.rep)
        .await?
        .is_some());
    disable(database.as_ref(), office.workspace, office.rep).await?;
    assert_eq!(database.grants(office.workspace, office.rep).await?, None);
    assert_eq!(
        database
            .grants(office.workspace, UserId(Uuid::new_v4()))
            .await?,
        None
    );
    assert_eq!(
        database.grants(office.workspace, elsewhere.admin).await?,
        None
    );
    Ok(())
}

async fn setting_a_team_again_replaces_its_people_and_territories(
    database: Arc<dyn Database>,
) -> TestResult {
    let office = Office::open(database.as_ref(), "acme").await?;
    let elsewhere = Office::open(database.as_ref(), "globex").await?;
    let workspace = office.workspace;
    database
        .set_team(
            workspace,
            TeamSpec {
                name: "East".to_owned(),
                leads: vec![office.manager],
                members: vec![office.rep, office.colleague],
                territories: strings(&["east", "harbour"]),
            },
        )
        .await?;
    database
        .set_team(
            workspace,
            TeamSpec {
                name: "East".to_owned(),
                leads: vec![office.manager, office.colleague],
                // Named among both: a member. Unknown people, and people of another workspace,
                // are left out.
                members: vec![
                    office.colleague,
                    UserId(Uuid::new_v4()),
                    elsewhere.rep,
                    office.admin,
                ],
                territories: strings(&["north", "north"]),
            },
        )
        .await?;
    assert_eq!(
        database.teams(workspace).await?,
        vec![TeamSpec {
            name: "East".to_owned(),
            leads: vec![office.manager],
            members: by_text(vec![office.colleague, office.admin]),
            territories: strings(&["north"]),
        }]
    );
    assert_eq!(
        database.grants(workspace, office.manager).await?,
        Some(Grants {
            user: office.manager,
            role: Role::Manager,
            people: set(&[office.manager, office.colleague, office.admin]),
            territories: set(&strings(&["north"])),
        })
    );

    database
        .set_team(
            workspace,
            TeamSpec {
                name: "East".to_owned(),
                leads: Vec::new(),
                members: Vec::new(),
                territories: Vec::new(),
            },
        )
        .await?;
    assert_eq!(
        database.teams(workspace).await?,
        vec![TeamSpec {
            name: "East".to_owned(),
            leads: Vec::new(),
            members: Vec::new(),
            territories: Vec::new(),
        }]
    );
    assert!(database.teams(elsewhere.workspace).await?.is_empty());
    Ok(())
}

async fn teams_are_listed_by_name_with_their_people_and_territories_in_order(
    database: Arc<dyn Database>,
) -> TestResult {
    let office = Office::open(database.as_ref(), "acme").await?;
    let elsewhere = Office::open(database.as_ref(), "globex").await?;
    for name in ["beta", "Zeta", "Alpha"] {
        database
            .set_team(
                office.workspace,
                TeamSpec {
                    name: name.to_owned(),
                    leads: vec![office.manager],
                    members: vec![office.colleague, office.rep],
                    territories: strings(&["west", "East", "east"]),
                },
            )
            .await?;
    }
    database
        .set_team(
            elsewhere.workspace,
            TeamSpec {
                name: "Other".to_owned(),
                leads: vec![elsewhere.manager],
                members: Vec::new(),
                territories: Vec::new(),
            },
        )
        .await?;
    let teams = database.teams(office.workspace).await?;
    let names: Vec<&str> = teams.iter().map(|team| team.name.as_str()).collect();
    // Bytewise: capitals first.
    assert_eq!(names, ["Alpha", "Zeta", "beta"]);
    for team in &teams {
        assert_eq!(team.leads, vec![office.manager]);
        assert_eq!(team.members, by_text(vec![office.colleague, office.rep]));
        assert_eq!(team.territories, strings(&["East", "east", "west"]));
    }
    assert_eq!(
        database.teams(elsewhere.workspace).await?,
        vec![TeamSpec {
            name: "Other".to_owned(),
            leads: vec![elsewhere.manager],
            members: Vec::new(),
            territories: Vec::new(),
        }]
    );
    assert!(database
        .teams(WorkspaceId(Uuid::new_v4()))
        .await?
        .is_empty());
    Ok(())
}

async fn territories_map_each_person_to_their_territories_in_order(
    database: Arc<dyn Database>,
) -> TestResult {
    let office = Office::open(database.as_ref(), "acme").await?;
    let elsewhere = Office::open(database.as_ref(), "globex").await?;
    database
        .set_territories(
            office.workspace,
            office.rep,
            strings(&["north", "East", "east"]),
        )
        .await?;
    database
        .set_territories(office.workspace, office.manager, strings(&["south"]))
        .await?;
    database
        .set_territories(office.workspace, office.admin, Vec::new())
        .await?;
    database
        .set_territories(elsewhere.workspace, elsewhere.rep, strings(&["west"]))
        .await?;
    assert_eq!(
        database.territories(office.workspace).await?,
        HashMap::from([
            (office.rep, strings(&["East", "east", "north"])),
            (office.manager, strings(&["south"])),
        ])
    );
    assert_eq!(
        database.territories(elsewhere.workspace).await?,
        HashMap::from([(elsewhere.rep, strings(&["west"]))])
    );
    Ok(())
}

async fn setting_territories_again_replaces_them_and_only_for_a_member(
    database: Arc<dyn Database>,
) -> TestResult {
    let office = Office::open(database.as_ref(), "acme").await?;
    let elsewhere = Office::open(database.as_ref(), "globex").await?;
    let workspace = office.workspace;
    database
        .set_territories(workspace, office.rep, strings(&["north", "east"]))
        .await?;
    database
        .set_territories(workspace, office.rep, strings(&["west", "west"]))
        .await?;
    assert_eq!(
        database.territories(workspace).await?,
        HashMap::from([(office.rep, strings(&["west"]))])
    );
    database
        .set_territories(workspace, office.rep, Vec::new())
        .await?;
    assert!(database.territories(workspace).await?.is_empty());

    database
        .set_territories(workspace, UserId(Uuid::new_v4()), strings(&["north"]))
        .await?;
    database
        .set_territories(workspace, elsewhere.rep, strings(&["north"]))
        .await?;
    assert!(database.territories(workspace).await?.is_empty());
    assert!(database.territories(elsewhere.workspace).await?.is_empty());
    Ok(())
}

async fn a_role_changes_only_for_an_active_person_of_the_workspace(
    database: Arc<dyn Database>,
) -> TestResult {
    let office = Office::open(database.as_ref(), "acme").await?;
    let elsewhere = Office::open(database.as_ref(), "globex").await?;
    let workspace = office.workspace;
    assert!(
        database
            .set_role(workspace, office.rep, Role::Manager)
            .await?
    );
    let grants = database
        .grants(workspace, office.rep)
        .await?
        .ok_or("the rep has no grants")?;
    assert_eq!(grants.role, Role::Manager);

    assert!(
        !database
            .set_role(workspace, UserId(Uuid::new_v4()), Role::Admin)
            .await?
    );
    assert!(
        !database
            .set_role(workspace, elsewhere.rep, Role::Admin)
            .await?
    );
    let theirs = database
        .grants(elsewhere.workspace, elsewhere.rep)
        .await?
        .ok_or("the other rep has no grants")?;
    assert_eq!(theirs.role, Role::Rep);

    disable(database.as_ref(), workspace, office.colleague).await?;
    assert!(
        !database
            .set_role(workspace, office.colleague, Role::Admin)
            .await?
    );
    Ok(())
}

async fn acknowledged_purges_are_listed_per_device_by_time_then_document(
    database: Arc<dyn Database>,
) -> TestResult {
    let workspace = WorkspaceId(Uuid::new_v4());
    let (phone, laptop) = (DeviceId(Uuid::new_v4()), DeviceId(Uuid::new_v4()));
    assert!(database.purges(workspace, phone).await?.is_empty());
    database
        .acknowledge_purge(workspace, phone, vec![document(3), document(1)], 20)
        .await?;
    database
        .acknowledge_purge(workspace, phone, vec![document(2)], 10)
        .await?;
    // Acknowledged again: the newer time.
    database
        .acknowledge_purge(workspace, phone, vec![document(3), document(3)], 30)
        .await?;
    database
        .acknowledge_purge(workspace, phone, Vec::new(), 40)
        .await?;
    database
        .acknowledge_purge(workspace, laptop, vec![document(4)], 5)
        .await?;
    assert_eq!(
        database.purges(workspace, phone).await?,
        vec![(document(2), 10), (document(1), 20), (document(3), 30)]
    );
    assert_eq!(
        database.purges(workspace, laptop).await?,
        vec![(document(4), 5)]
    );
    assert!(database
        .purges(WorkspaceId(Uuid::new_v4()), phone)
        .await?
        .is_empty());
    Ok(())
}

async fn an_invitations_access_is_taken_once_and_is_empty_when_none_was_kept(
    database: Arc<dyn Database>,
) -> TestResult {
    let office = Office::open(database.as_ref(), "acme").await?;
    let elsewhere = Office::open(database.as_ref(), "globex").await?;
    let (kept, replaced, empty) = ([1; 32], [2; 32], [3; 32]);
    for digest in [kept, replaced, empty] {
        invite(database.as_ref(), &office, digest).await?;
    }
    let access = InvitationAccess {
        teams: strings(&["East", "West team"]),
        territories: strings(&["north"]),
    };
    database
        .set_invitation_access(office.workspace, kept, access.clone())
        .await?;
    database
        .set_invitation_access(office.workspace, replaced, access.clone())
        .await?;
    let replacement = InvitationAccess {
        teams: Vec::new(),
        territories: strings(&["south", "east"]),
    };
    database
        .set_invitation_access(office.workspace, replaced, replacement.clone())
        .await?;
    database
        .set_invitation_access(office.workspace, empty, InvitationAccess::default())
        .await?;

    // The pending list shows what each gives, in its own workspace only.
    let listed = database.invitations_access(office.workspace).await?;
    assert_eq!(listed.get(&kept), Some(&access));
    assert_eq!(listed.get(&replaced), Some(&replacement));
    assert_eq!(
        listed.get(&empty).cloned().unwrap_or_default(),
        InvitationAccess::default()
    );
    assert!(database
        .invitations_access(elsewhere.workspace)
        .await?
        .is_empty());

    // Another workspace neither gets it nor consumes it.
    assert_eq!(
        database
            .take_invitation_access(elsewhere.workspace, kept)
            .await?,
        InvitationAccess::default()
    );
    assert_eq!(
        database
            .take_invitation_access(office.workspace, kept)
            .await?,
        access
    );
    assert!(!database
        .invitations_access(office.workspace)
        .await?
        .contains_key(&kept));
    assert_eq!(
        database
            .take_invitation_access(office.workspace, kept)
            .await?,
        InvitationAccess::default()
    );
    assert_eq!(
        database
            .take_invitation_access(office.workspace, replaced)
            .await?,
        replacement
    );
    assert_eq!(
        database
            .take_invitation_access(office.workspace, empty)
            .await?,
        InvitationAccess::default()
    );
    assert_eq!(
        database
            .take_invitation_access(office.workspace, [9; 32])
            .await?,
        InvitationAccess::default()
    );
    Ok(())
}

async fn of_two_racing_takers_of_an_invitations_access_one_gets_it(
    database: Arc<dyn Database>,
) -> TestResult {
    let office = Office::open(database.as_ref(), "acme").await?;
    let digest = [7; 32];
    invite(database.as_ref(), &office, digest).await?;
    let access = InvitationAccess {
        teams: strings(&["East"]),
        territories: strings(&["north"]),
    };
    database
        .set_invitation_access(office.workspace, digest, access.clone())
        .await?;
    let (first, second) = tokio::join!(
        database.take_invitation_access(office.workspace, digest),
        database.take_invitation_access(office.workspace, digest),
    );
    let mut taken = [first?, second?];
    taken.sort_by_key(|access| access.teams.len());
    assert_eq!(taken, [InvitationAccess::default(), access]);
    Ok(())
}

async fn two_racing_writes_of_one_new_team_leave_one_of_them_whole(
    database: Arc<dyn Database>,
) -> TestResult {
    let office = Office::open(database.as_ref(), "acme").await?;
    let led_by_the_manager = TeamSpec {
        name: "East".to_owned(),
        leads: vec![office.manager],
        members: vec![office.rep],
        territories: strings(&["east"]),
    };
    let led_by_the_admin = TeamSpec {
        name: "East".to_owned(),
        leads: vec![office.admin],
        members: vec![office.colleague],
        territories: strings(&["harbour", "north"]),
    };
    let (first, second) = tokio::join!(
        database.set_team(office.workspace, led_by_the_manager.clone()),
        database.set_team(office.workspace, led_by_the_admin.clone()),
    );
    first?;
    second?;
    let teams = database.teams(office.workspace).await?;
    assert!(
        teams == [led_by_the_manager] || teams == [led_by_the_admin],
        "{teams:?}"
    );
    Ok(())
}
