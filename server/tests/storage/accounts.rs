//! Conformance of the accounts storage: every [`AccountStore`] operation as its documentation
//! states it, on both backends; then PostgreSQL alone with two instances on one database (two
//! relay processes) racing to consume the same refresh credential, invitation or reset link.

use std::sync::Arc;

use server::identity::{Principal, Role, SignInEmail, UserId, WorkspaceId};
use server::storage::accounts::{
    AccessLookup, CredentialKind, DeviceScope, Digest, Grant, NewInvitation, NewPasswordReset,
    NewUser, ResetCreation, ResetRefusal, Rotation,
};
use server::storage::postgres::PostgresStorage;
use server::storage::{AccountStore, Database};
use shared::protocol::DeviceId;
use tokio::sync::Barrier;
use uuid::Uuid;

use crate::{conformance, TestResult};

/// Why a helper failed.
type Failure = Box<dyn std::error::Error + Send + Sync>;

conformance!(
    a_workspace_is_not_created_when_one_of_its_addresses_is_taken,
    signing_in_finds_a_person_by_address_with_their_workspace,
    a_device_is_reused_by_its_person_and_refused_to_anyone_else_or_once_revoked,
    granted_access_works_until_it_expires_and_expired_credentials_are_dropped,
    rotating_a_refresh_credential_spends_it_and_cuts_the_new_grants_at_the_session_end,
    presenting_a_spent_refresh_credential_deletes_every_credential_of_its_device,
    a_spent_refresh_credential_is_remembered_only_until_it_would_have_expired,
    an_expired_refresh_credential_or_one_past_its_session_is_refused_and_spent,
    signing_out_forgets_every_credential_of_the_device,
    devices_are_listed_oldest_first_within_their_scope,
    revoking_a_device_needs_its_scope_and_answers_revoked_to_its_credentials,
    an_invitation_is_accepted_once_and_only_while_open,
    an_invitation_whose_address_was_taken_meanwhile_is_refused_and_stays_pending,
    cancelling_an_invitation_stops_its_code_within_its_workspace_only,
    pending_invitations_are_listed_newest_first_without_accepted_or_expired_ones,
    people_are_listed_by_name_then_address_disabled_ones_included,
    disabling_a_person_revokes_their_devices_and_forgets_their_credentials,
    a_new_password_reset_link_replaces_the_earlier_unused_ones,
    a_password_reset_link_is_refused_once_used_expired_or_unknown,
    a_password_reset_is_refused_for_a_stranger_or_a_disabled_person,
);

/// A person to create, with a placeholder password hash.
fn person(email: &str, name: &str, role: Role) -> Result<NewUser, Failure> {
    Ok(NewUser {
        id: UserId(Uuid::new_v4()),
        email: SignInEmail::parse(email)?,
        name: name.to_owned(),
        role,
        password_hash: format!("hash of {name}"),
    })
}

/// A new workspace named "Démo" holding `people`, created at 0.
async fn workspace(database: &dyn Database, people: Vec<NewUser>) -> Result<WorkspaceId, Failure> {
    let workspace = WorkspaceId(Uuid::new_v4());
    if !database
        .create_workspace(workspace, "Démo".to_owned(), people, 0)
        .await?
    {
        return Err("an address was taken".into());
    }
    Ok(workspace)
}

/// A workspace with one admin and one rep: (workspace, admin, rep).
async fn admin_and_rep(database: &dyn Database) -> Result<(WorkspaceId, UserId, UserId), Failure> {
    let admin = person("ada@demo.carnet.test", "Ada", Role::Admin)?;
    let rep = person("remi@demo.carnet.test", "Rémi", Role::Rep)?;
    let (admin_id, rep_id) = (admin.id, rep.id);
    let workspace = workspace(database, vec![admin, rep]).await?;
    Ok((workspace, admin_id, rep_id))
}

/// A new device of `user`, registered at `now`.
async fn device(database: &dyn Database, user: UserId, now: i64) -> Result<DeviceId, Failure> {
    Ok(database
        .register_device(user, None, "Téléphone".to_owned(), now)
        .await?
        .ok_or("the device was refused")?)
}

fn grant(byte: u8, kind: CredentialKind, expires_at: i64, session_ends_at: i64) -> Grant {
    Grant {
        digest: [byte; 32],
        kind,
        expires_at,
        session_ends_at,
    }
}

/// An access token and a refresh credential, as a sign-in grants them.
fn pair(access: u8, refresh: u8, session_ends_at: i64) -> Vec<Grant> {
    vec![
        grant(
            access,
            CredentialKind::Access,
            session_ends_at,
            session_ends_at,
        ),
        grant(
            refresh,
            CredentialKind::Refresh,
            session_ends_at,
            session_ends_at,
        ),
    ]
}

fn principal_of(workspace: WorkspaceId, user: UserId, role: Role, device: DeviceId) -> Principal {
    Principal {
        workspace,
        user,
        role,
        device,
    }
}

fn invitation(
    digest: Digest,
    workspace: WorkspaceId,
    email: &str,
    invited_by: UserId,
    expires_at: i64,
) -> Result<NewInvitation, Failure> {
    Ok(NewInvitation {
        digest,
        workspace,
        email: SignInEmail::parse(email)?,
        role: Role::Manager,
        invited_by,
        expires_at,
    })
}

fn reset(
    digest: Digest,
    workspace: WorkspaceId,
    user: UserId,
    created_by: UserId,
    expires_at: i64,
) -> NewPasswordReset {
    NewPasswordReset {
        digest,
        workspace,
        user,
        created_by,
        expires_at,
    }
}

async fn a_workspace_is_not_created_when_one_of_its_addresses_is_taken(
    database: Arc<dyn Database>,
) -> TestResult {
    workspace(
        &*database,
        vec![person("ada@demo.carnet.test", "Ada", Role::Admin)?],
    )
    .await?;
    let refused = WorkspaceId(Uuid::new_v4());
    let created = database
        .create_workspace(
            refused,
            "Autre".to_owned(),
            vec![
                person("bob@autre.carnet.test", "Bob", Role::Admin)?,
                person("ADA@demo.carnet.test", "Ada bis", Role::Rep)?,
            ],
            1,
        )
        .await?;
    assert!(!created);
    assert_eq!(
        database
            .user_by_email(SignInEmail::parse("bob@autre.carnet.test")?)
            .await?,
        None
    );
    assert!(database.people(refused).await?.is_empty());
    // The workspace id was not taken either: it can be created with free addresses.
    assert!(
        database
            .create_workspace(
                refused,
                "Autre".to_owned(),
                vec![person("bob@autre.carnet.test", "Bob", Role::Admin)?],
                2,
            )
            .await?
    );
    Ok(())
}

async fn signing_in_finds_a_person_by_address_with_their_workspace(
    database: Arc<dyn Database>,
) -> TestResult {
    let ada = person("ada@demo.carnet.test", "Ada", Role::Admin)?;
    let ada_id = ada.id;
    let workspace = workspace(&*database, vec![ada]).await?;
    let found = database
        .user_by_email(SignInEmail::parse("Ada@Demo.carnet.test")?)
        .await?
        .ok_or("Ada was not found")?;
    assert_eq!(found.id, ada_id);
    assert_eq!(found.workspace, workspace);
    assert_eq!(found.workspace_name, "Démo");
    assert_eq!(found.email, "ada@demo.carnet.test");
    assert_eq!(found.name, "Ada");
    assert_eq!(found.role, Role::Admin);
    assert_eq!(found.password_hash, "hash of Ada");
    assert_eq!(found.disabled_at, None);
    let nobody = SignInEmail::parse("nobody@demo.carnet.test")?;
    assert_eq!(database.user_by_email(nobody.clone()).await?, None);
    assert!(
        database
            .email_taken(SignInEmail::parse("ada@demo.carnet.test")?)
            .await?
    );
    assert!(!database.email_taken(nobody).await?);
    Ok(())
}

async fn a_device_is_reused_by_its_person_and_refused_to_anyone_else_or_once_revoked(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, admin, rep) = admin_and_rep(&*database).await?;
    let phone = device(&*database, rep, 10).await?;
    let again = database
        .register_device(rep, Some(phone), "Téléphone pro".to_owned(), 20)
        .await?;
    assert_eq!(again, Some(phone));
    let listed = database
        .devices(DeviceScope {
            workspace,
            user: Some(rep),
        })
        .await?;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "Téléphone pro");
    assert_eq!(listed[0].created_at, 10);
    assert_eq!(listed[0].last_seen_at, Some(20));
    let taken = database
        .register_device(admin, Some(phone), "Téléphone".to_owned(), 30)
        .await?;
    assert_eq!(taken, None);
    // A device id the client chose is kept.
    let chosen = DeviceId(Uuid::new_v4());
    assert_eq!(
        database
            .register_device(admin, Some(chosen), "Portable".to_owned(), 40)
            .await?,
        Some(chosen)
    );
    let scope = DeviceScope {
        workspace,
        user: None,
    };
    assert!(database.revoke_device(scope, phone, 50).await?);
    assert_eq!(
        database
            .register_device(rep, Some(phone), "Téléphone".to_owned(), 60)
            .await?,
        None
    );
    Ok(())
}

async fn granted_access_works_until_it_expires_and_expired_credentials_are_dropped(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, _, rep) = admin_and_rep(&*database).await?;
    let phone = device(&*database, rep, 0).await?;
    database
        .grant(phone, vec![grant(1, CredentialKind::Access, 100, 1_000)], 0)
        .await?;
    assert_eq!(
        database.access([1; 32], 99).await?,
        AccessLookup::Valid(principal_of(workspace, rep, Role::Rep, phone))
    );
    assert_eq!(database.access([1; 32], 100).await?, AccessLookup::Expired);
    assert_eq!(database.access([9; 32], 50).await?, AccessLookup::Unknown);
    // A refresh credential is no access token.
    database
        .grant(
            phone,
            vec![grant(2, CredentialKind::Refresh, 1_000, 1_000)],
            50,
        )
        .await?;
    assert_eq!(database.access([2; 32], 60).await?, AccessLookup::Unknown);
    // Granting at 200 drops what expired by then.
    database
        .grant(
            phone,
            vec![grant(3, CredentialKind::Access, 300, 1_000)],
            200,
        )
        .await?;
    assert_eq!(database.access([1; 32], 200).await?, AccessLookup::Unknown);
    assert!(matches!(
        database.access([3; 32], 200).await?,
        AccessLookup::Valid(principal) if principal.device == phone
    ));
    Ok(())
}

async fn rotating_a_refresh_credential_spends_it_and_cuts_the_new_grants_at_the_session_end(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, admin, _) = admin_and_rep(&*database).await?;
    let laptop = device(&*database, admin, 0).await?;
    database
        .grant(
            laptop,
            vec![
                grant(1, CredentialKind::Access, 200, 5_000),
                grant(2, CredentialKind::Refresh, 10_000, 5_000),
            ],
            100,
        )
        .await?;
    // The new grants ask for more than the session has left, and claim another session end.
    let rotation = database
        .rotate_refresh(
            [2; 32],
            vec![
                grant(3, CredentialKind::Access, 20_000, 99_999),
                grant(4, CredentialKind::Refresh, 20_000, 99_999),
            ],
            150,
        )
        .await?;
    let principal = principal_of(workspace, admin, Role::Admin, laptop);
    assert_eq!(
        rotation,
        Rotation::Rotated {
            principal,
            session_ends_at: 5_000,
        }
    );
    assert_eq!(
        database.access([3; 32], 4_999).await?,
        AccessLookup::Valid(principal)
    );
    assert_eq!(
        database.access([3; 32], 5_000).await?,
        AccessLookup::Expired
    );
    let listed = database
        .devices(DeviceScope {
            workspace,
            user: Some(admin),
        })
        .await?;
    assert_eq!(listed[0].last_seen_at, Some(150));
    // The new refresh credential works in turn, still within the same session.
    assert_eq!(
        database
            .rotate_refresh([4; 32], pair(5, 6, 99_999), 4_000)
            .await?,
        Rotation::Rotated {
            principal,
            session_ends_at: 5_000,
        }
    );
    // Not an access token: a refresh credential is only rotated.
    assert_eq!(
        database
            .rotate_refresh([5; 32], pair(7, 8, 99_999), 4_100)
            .await?,
        Rotation::Refused
    );
    Ok(())
}

async fn presenting_a_spent_refresh_credential_deletes_every_credential_of_its_device(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, _, rep) = admin_and_rep(&*database).await?;
    let phone = device(&*database, rep, 0).await?;
    let tablet = device(&*database, rep, 0).await?;
    database.grant(phone, pair(1, 2, 10_000), 0).await?;
    database.grant(tablet, pair(11, 12, 10_000), 0).await?;
    assert!(matches!(
        database
            .rotate_refresh([2; 32], pair(3, 4, 10_000), 10)
            .await?,
        Rotation::Rotated { .. }
    ));
    assert_eq!(
        database
            .rotate_refresh([2; 32], pair(5, 6, 10_000), 20)
            .await?,
        Rotation::Replayed(principal_of(workspace, rep, Role::Rep, phone))
    );
    // Whoever holds the newer pair lost it too, and the replay is forgotten with it.
    assert_eq!(database.access([3; 32], 30).await?, AccessLookup::Unknown);
    assert_eq!(database.access([5; 32], 30).await?, AccessLookup::Unknown);
    assert_eq!(
        database
            .rotate_refresh([4; 32], pair(7, 8, 10_000), 30)
            .await?,
        Rotation::Refused
    );
    assert_eq!(
        database
            .rotate_refresh([2; 32], pair(7, 8, 10_000), 40)
            .await?,
        Rotation::Refused
    );
    // The person's other device keeps its credentials.
    assert!(matches!(
        database.access([11; 32], 40).await?,
        AccessLookup::Valid(principal) if principal.device == tablet
    ));
    Ok(())
}

async fn a_spent_refresh_credential_is_remembered_only_until_it_would_have_expired(
    database: Arc<dyn Database>,
) -> TestResult {
    let (_, _, rep) = admin_and_rep(&*database).await?;
    let phone = device(&*database, rep, 0).await?;
    database
        .grant(
            phone,
            vec![grant(1, CredentialKind::Refresh, 1_000, 10_000)],
            0,
        )
        .await?;
    assert!(matches!(
        database
            .rotate_refresh([1; 32], pair(2, 3, 10_000), 500)
            .await?,
        Rotation::Rotated { .. }
    ));
    assert_eq!(
        database
            .rotate_refresh([1; 32], pair(4, 5, 10_000), 1_000)
            .await?,
        Rotation::Refused
    );
    assert!(matches!(
        database.access([2; 32], 1_000).await?,
        AccessLookup::Valid(principal) if principal.device == phone
    ));
    Ok(())
}

async fn an_expired_refresh_credential_or_one_past_its_session_is_refused_and_spent(
    database: Arc<dyn Database>,
) -> TestResult {
    let (_, _, rep) = admin_and_rep(&*database).await?;
    let phone = device(&*database, rep, 0).await?;
    database
        .grant(
            phone,
            vec![
                grant(1, CredentialKind::Refresh, 300, 5_000),
                grant(2, CredentialKind::Refresh, 10_000, 400),
            ],
            0,
        )
        .await?;
    assert_eq!(
        database
            .rotate_refresh([1; 32], pair(3, 4, 5_000), 300)
            .await?,
        Rotation::Refused
    );
    assert_eq!(
        database
            .rotate_refresh([2; 32], pair(5, 6, 5_000), 400)
            .await?,
        Rotation::Refused
    );
    // Refused credentials are deleted, not remembered as spent: presenting them again is no
    // replay, and nothing new was stored.
    assert_eq!(
        database
            .rotate_refresh([1; 32], pair(3, 4, 5_000), 301)
            .await?,
        Rotation::Refused
    );
    assert_eq!(
        database
            .rotate_refresh([2; 32], pair(5, 6, 5_000), 401)
            .await?,
        Rotation::Refused
    );
    assert_eq!(database.access([3; 32], 401).await?, AccessLookup::Unknown);
    assert_eq!(database.access([5; 32], 401).await?, AccessLookup::Unknown);
    assert_eq!(
        database
            .rotate_refresh([9; 32], pair(7, 8, 5_000), 0)
            .await?,
        Rotation::Refused
    );
    Ok(())
}

async fn signing_out_forgets_every_credential_of_the_device(
    database: Arc<dyn Database>,
) -> TestResult {
    let (_, _, rep) = admin_and_rep(&*database).await?;
    let phone = device(&*database, rep, 0).await?;
    let tablet = device(&*database, rep, 0).await?;
    database.grant(phone, pair(1, 2, 10_000), 0).await?;
    database.grant(tablet, pair(11, 12, 10_000), 0).await?;
    assert!(matches!(
        database
            .rotate_refresh([2; 32], pair(3, 4, 10_000), 10)
            .await?,
        Rotation::Rotated { .. }
    ));
    database.forget_credentials(phone).await?;
    assert_eq!(database.access([1; 32], 20).await?, AccessLookup::Unknown);
    assert_eq!(database.access([3; 32], 20).await?, AccessLookup::Unknown);
    assert_eq!(
        database
            .rotate_refresh([4; 32], pair(5, 6, 10_000), 20)
            .await?,
        Rotation::Refused
    );
    // The spent credential is forgotten too: no replay to detect on a signed-out device.
    assert_eq!(
        database
            .rotate_refresh([2; 32], pair(5, 6, 10_000), 20)
            .await?,
        Rotation::Refused
    );
    assert!(matches!(
        database.access([11; 32], 20).await?,
        AccessLookup::Valid(principal) if principal.device == tablet
    ));
    // The device itself stays registered, not revoked.
    assert_eq!(
        database
            .register_device(rep, Some(phone), "Téléphone".to_owned(), 30)
            .await?,
        Some(phone)
    );
    Ok(())
}

async fn devices_are_listed_oldest_first_within_their_scope(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, admin, rep) = admin_and_rep(&*database).await?;
    let elsewhere = person("zoe@ailleurs.carnet.test", "Zoé", Role::Admin)?;
    let zoe = elsewhere.id;
    let other_workspace = workspace_of(&*database, elsewhere).await?;
    let rep_phone = device(&*database, rep, 30).await?;
    let admin_laptop = device(&*database, admin, 10).await?;
    let rep_tablet = device(&*database, rep, 20).await?;
    let zoe_phone = device(&*database, zoe, 0).await?;
    database.touch_device(rep_phone, 40).await?;
    let everyone = database
        .devices(DeviceScope {
            workspace,
            user: None,
        })
        .await?;
    let ids: Vec<DeviceId> = everyone.iter().map(|device| device.id).collect();
    assert_eq!(ids, vec![admin_laptop, rep_tablet, rep_phone]);
    let phone = &everyone[2];
    assert_eq!(phone.name, "Téléphone");
    assert_eq!(phone.user, rep);
    assert_eq!(phone.user_name, "Rémi");
    assert_eq!(phone.created_at, 30);
    assert_eq!(phone.last_seen_at, Some(40));
    assert_eq!(phone.revoked_at, None);
    let rep_only = database
        .devices(DeviceScope {
            workspace,
            user: Some(rep),
        })
        .await?;
    let ids: Vec<DeviceId> = rep_only.iter().map(|device| device.id).collect();
    assert_eq!(ids, vec![rep_tablet, rep_phone]);
    // A person of another workspace is not seen through this one.
    assert!(database
        .devices(DeviceScope {
            workspace,
            user: Some(zoe),
        })
        .await?
        .is_empty());
    let theirs = database
        .devices(DeviceScope {
            workspace: other_workspace,
            user: None,
        })
        .await?;
    let ids: Vec<DeviceId> = theirs.iter().map(|device| device.id).collect();
    assert_eq!(ids, vec![zoe_phone]);
    Ok(())
}

/// A new workspace holding `only`.
async fn workspace_of(database: &dyn Database, only: NewUser) -> Result<WorkspaceId, Failure> {
    workspace(database, vec![only]).await
}

async fn revoking_a_device_needs_its_scope_and_answers_revoked_to_its_credentials(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, admin, rep) = admin_and_rep(&*database).await?;
    let other_workspace = workspace_of(
        &*database,
        person("zoe@ailleurs.carnet.test", "Zoé", Role::Admin)?,
    )
    .await?;
    let phone = device(&*database, rep, 0).await?;
    let laptop = device(&*database, admin, 0).await?;
    database
        .grant(
            phone,
            vec![
                grant(1, CredentialKind::Access, 200, 5_000),
                grant(2, CredentialKind::Refresh, 1_000, 5_000),
            ],
            0,
        )
        .await?;
    database.grant(laptop, pair(11, 12, 5_000), 0).await?;
    let refused_scopes = [
        DeviceScope {
            workspace: other_workspace,
            user: None,
        },
        DeviceScope {
            workspace,
            user: Some(admin),
        },
    ];
    for scope in refused_scopes {
        assert!(!database.revoke_device(scope, phone, 10).await?);
    }
    assert!(
        !database
            .revoke_device(
                DeviceScope {
                    workspace,
                    user: None,
                },
                DeviceId(Uuid::new_v4()),
                10,
            )
            .await?
    );
    assert!(matches!(
        database.access([1; 32], 10).await?,
        AccessLookup::Valid(_)
    ));
    // A person may revoke their own device.
    assert!(
        database
            .revoke_device(
                DeviceScope {
                    workspace,
                    user: Some(rep),
                },
                phone,
                20,
            )
            .await?
    );
    // Revoking again succeeds and keeps the first date.
    assert!(
        database
            .revoke_device(
                DeviceScope {
                    workspace,
                    user: None,
                },
                phone,
                30,
            )
            .await?
    );
    let listed = database
        .devices(DeviceScope {
            workspace,
            user: Some(rep),
        })
        .await?;
    assert_eq!(listed[0].revoked_at, Some(20));
    // Its credentials are answered "revoked" until the later of their expiry and their
    // session's end, then forgotten.
    assert_eq!(
        database.access([1; 32], 4_999).await?,
        AccessLookup::Revoked
    );
    assert_eq!(
        database
            .rotate_refresh([2; 32], pair(3, 4, 5_000), 4_999)
            .await?,
        Rotation::Revoked
    );
    assert_eq!(
        database.access([1; 32], 5_000).await?,
        AccessLookup::Unknown
    );
    assert_eq!(
        database
            .rotate_refresh([2; 32], pair(3, 4, 5_000), 5_000)
            .await?,
        Rotation::Refused
    );
    assert!(matches!(
        database.access([11; 32], 40).await?,
        AccessLookup::Valid(principal) if principal.device == laptop
    ));
    Ok(())
}

async fn an_invitation_is_accepted_once_and_only_while_open(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, admin, _) = admin_and_rep(&*database).await?;
    database
        .create_invitation(invitation(
            [1; 32],
            workspace,
            "Carla@Demo.carnet.test",
            admin,
            1_000,
        )?)
        .await?;
    database
        .create_invitation(invitation(
            [2; 32],
            workspace,
            "dan@demo.carnet.test",
            admin,
            500,
        )?)
        .await?;
    assert!(database.invitation_open([1; 32], 999).await?);
    assert!(!database.invitation_open([1; 32], 1_000).await?);
    assert!(!database.invitation_open([9; 32], 0).await?);
    let carla = UserId(Uuid::new_v4());
    let record = database
        .accept_invitation([1; 32], carla, "Carla".to_owned(), "hash".to_owned(), 100)
        .await?
        .ok_or("the invitation was refused")?;
    assert_eq!(record.id, carla);
    assert_eq!(record.workspace, workspace);
    assert_eq!(record.workspace_name, "Démo");
    assert_eq!(record.email, "carla@demo.carnet.test");
    assert_eq!(record.name, "Carla");
    assert_eq!(record.role, Role::Manager);
    assert_eq!(record.password_hash, "hash");
    assert_eq!(record.disabled_at, None);
    assert_eq!(
        database
            .user_by_email(SignInEmail::parse("carla@demo.carnet.test")?)
            .await?,
        Some(record)
    );
    assert!(!database.invitation_open([1; 32], 100).await?);
    assert_eq!(
        database
            .accept_invitation(
                [1; 32],
                UserId(Uuid::new_v4()),
                "Carla bis".to_owned(),
                "hash".to_owned(),
                110,
            )
            .await?,
        None
    );
    // Expired, or never made: refused, and nobody created.
    assert_eq!(
        database
            .accept_invitation(
                [2; 32],
                UserId(Uuid::new_v4()),
                "Dan".to_owned(),
                "hash".to_owned(),
                500,
            )
            .await?,
        None
    );
    assert_eq!(
        database
            .accept_invitation(
                [9; 32],
                UserId(Uuid::new_v4()),
                "Eve".to_owned(),
                "hash".to_owned(),
                0,
            )
            .await?,
        None
    );
    assert!(
        !database
            .email_taken(SignInEmail::parse("dan@demo.carnet.test")?)
            .await?
    );
    assert_eq!(database.people(workspace).await?.len(), 3);
    Ok(())
}

async fn an_invitation_whose_address_was_taken_meanwhile_is_refused_and_stays_pending(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, admin, _) = admin_and_rep(&*database).await?;
    database
        .create_invitation(invitation(
            [1; 32],
            workspace,
            "carla@demo.carnet.test",
            admin,
            1_000,
        )?)
        .await?;
    workspace_of(
        &*database,
        person("carla@demo.carnet.test", "Carla", Role::Admin)?,
    )
    .await?;
    assert!(!database.invitation_open([1; 32], 10).await?);
    assert_eq!(
        database
            .accept_invitation(
                [1; 32],
                UserId(Uuid::new_v4()),
                "Carla".to_owned(),
                "hash".to_owned(),
                10,
            )
            .await?,
        None
    );
    let pending = database.pending_invitations(workspace, 10).await?;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].digest, [1; 32]);
    Ok(())
}

async fn cancelling_an_invitation_stops_its_code_within_its_workspace_only(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, admin, _) = admin_and_rep(&*database).await?;
    let other_workspace = workspace_of(
        &*database,
        person("zoe@ailleurs.carnet.test", "Zoé", Role::Admin)?,
    )
    .await?;
    for (digest, email) in [
        ([1; 32], "carla@demo.carnet.test"),
        ([2; 32], "dan@demo.carnet.test"),
    ] {
        database
            .create_invitation(invitation(digest, workspace, email, admin, 1_000)?)
            .await?;
    }
    assert!(!database.cancel_invitation(other_workspace, [1; 32]).await?);
    assert!(database.invitation_open([1; 32], 10).await?);
    assert!(database.cancel_invitation(workspace, [1; 32]).await?);
    assert!(!database.invitation_open([1; 32], 10).await?);
    assert_eq!(
        database
            .accept_invitation(
                [1; 32],
                UserId(Uuid::new_v4()),
                "Carla".to_owned(),
                "hash".to_owned(),
                20,
            )
            .await?,
        None
    );
    assert!(!database.cancel_invitation(workspace, [1; 32]).await?);
    // An accepted invitation is no longer pending: there is nothing to cancel.
    assert!(database
        .accept_invitation(
            [2; 32],
            UserId(Uuid::new_v4()),
            "Dan".to_owned(),
            "hash".to_owned(),
            30,
        )
        .await?
        .is_some());
    assert!(!database.cancel_invitation(workspace, [2; 32]).await?);
    assert!(database
        .pending_invitations(workspace, 30)
        .await?
        .is_empty());
    Ok(())
}

async fn pending_invitations_are_listed_newest_first_without_accepted_or_expired_ones(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, admin, _) = admin_and_rep(&*database).await?;
    let other_workspace = workspace_of(
        &*database,
        person("zoe@ailleurs.carnet.test", "Zoé", Role::Admin)?,
    )
    .await?;
    for (digest, email, expires_at) in [
        ([1; 32], "old@demo.carnet.test", 200),
        ([2; 32], "new-b@demo.carnet.test", 900),
        ([3; 32], "new-a@demo.carnet.test", 900),
        ([4; 32], "expired@demo.carnet.test", 100),
        ([5; 32], "accepted@demo.carnet.test", 1_000),
    ] {
        database
            .create_invitation(invitation(digest, workspace, email, admin, expires_at)?)
            .await?;
    }
    assert!(database
        .accept_invitation(
            [5; 32],
            UserId(Uuid::new_v4()),
            "Accepted".to_owned(),
            "hash".to_owned(),
            50,
        )
        .await?
        .is_some());
    let pending = database.pending_invitations(workspace, 100).await?;
    let listed: Vec<(Digest, &str, Role, i64)> = pending
        .iter()
        .map(|pending| {
            (
                pending.digest,
                pending.email.as_str(),
                pending.role,
                pending.expires_at,
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            ([3; 32], "new-a@demo.carnet.test", Role::Manager, 900),
            ([2; 32], "new-b@demo.carnet.test", Role::Manager, 900),
            ([1; 32], "old@demo.carnet.test", Role::Manager, 200),
        ]
    );
    assert!(database
        .pending_invitations(other_workspace, 100)
        .await?
        .is_empty());
    Ok(())
}

async fn people_are_listed_by_name_then_address_disabled_ones_included(
    database: Arc<dyn Database>,
) -> TestResult {
    // Names sort by code point, as SQLite compares text: capitals first, accented last.
    let people = vec![
        person("emile@demo.carnet.test", "Émile", Role::Rep)?,
        person("bob@demo.carnet.test", "bob", Role::Rep)?,
        person("zoe2@demo.carnet.test", "Zoé", Role::Manager)?,
        person("alice@demo.carnet.test", "Alice", Role::Admin)?,
        person("zoe1@demo.carnet.test", "Zoé", Role::Rep)?,
    ];
    let bob = people[1].id;
    let workspace = workspace(&*database, people).await?;
    workspace_of(
        &*database,
        person("aaron@ailleurs.carnet.test", "Aaron", Role::Admin)?,
    )
    .await?;
    assert!(database.disable_person(workspace, bob, 70).await?.is_some());
    let listed = database.people(workspace).await?;
    let seen: Vec<(&str, &str, Role, Option<i64>)> = listed
        .iter()
        .map(|person| {
            (
                person.name.as_str(),
                person.email.as_str(),
                person.role,
                person.disabled_at,
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("Alice", "alice@demo.carnet.test", Role::Admin, None),
            ("Zoé", "zoe1@demo.carnet.test", Role::Rep, None),
            ("Zoé", "zoe2@demo.carnet.test", Role::Manager, None),
            ("bob", "bob@demo.carnet.test", Role::Rep, Some(70)),
            ("Émile", "emile@demo.carnet.test", Role::Rep, None),
        ]
    );
    assert_eq!(listed[3].id, bob);
    Ok(())
}

async fn disabling_a_person_revokes_their_devices_and_forgets_their_credentials(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, admin, rep) = admin_and_rep(&*database).await?;
    let other_workspace = workspace_of(
        &*database,
        person("zoe@ailleurs.carnet.test", "Zoé", Role::Admin)?,
    )
    .await?;
    let phone = device(&*database, rep, 10).await?;
    let tablet = device(&*database, rep, 20).await?;
    let laptop = device(&*database, admin, 30).await?;
    database.grant(phone, pair(1, 2, 5_000), 0).await?;
    database.grant(tablet, pair(3, 4, 5_000), 0).await?;
    database.grant(laptop, pair(5, 6, 5_000), 0).await?;
    assert_eq!(
        database.disable_person(other_workspace, rep, 40).await?,
        None
    );
    assert_eq!(
        database
            .disable_person(workspace, UserId(Uuid::new_v4()), 40)
            .await?,
        None
    );
    assert!(matches!(
        database.access([1; 32], 40).await?,
        AccessLookup::Valid(_)
    ));
    let mut revoked = database
        .disable_person(workspace, rep, 50)
        .await?
        .ok_or("Rémi was not found")?;
    revoked.sort_by_key(|device| device.0);
    let mut expected = vec![phone, tablet];
    expected.sort_by_key(|device| device.0);
    assert_eq!(revoked, expected);
    let found = database
        .user_by_email(SignInEmail::parse("remi@demo.carnet.test")?)
        .await?
        .ok_or("Rémi was not found")?;
    assert_eq!(found.disabled_at, Some(50));
    for device in database
        .devices(DeviceScope {
            workspace,
            user: Some(rep),
        })
        .await?
    {
        assert_eq!(device.revoked_at, Some(50));
    }
    assert_eq!(database.access([1; 32], 60).await?, AccessLookup::Revoked);
    assert_eq!(database.access([3; 32], 60).await?, AccessLookup::Revoked);
    assert_eq!(
        database
            .rotate_refresh([4; 32], pair(7, 8, 5_000), 60)
            .await?,
        Rotation::Revoked
    );
    assert_eq!(
        database
            .register_device(rep, Some(phone), "Téléphone".to_owned(), 60)
            .await?,
        None
    );
    // Disabling again changes nothing and names the same devices.
    let mut again = database
        .disable_person(workspace, rep, 70)
        .await?
        .ok_or("Rémi was not found")?;
    again.sort_by_key(|device| device.0);
    assert_eq!(again, expected);
    let people = database.people(workspace).await?;
    let remi = people
        .iter()
        .find(|person| person.id == rep)
        .ok_or("Rémi is not listed")?;
    assert_eq!(remi.disabled_at, Some(50));
    // Nobody else is touched.
    assert!(matches!(
        database.access([5; 32], 70).await?,
        AccessLookup::Valid(principal) if principal.device == laptop
    ));
    Ok(())
}

async fn a_new_password_reset_link_replaces_the_earlier_unused_ones(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, admin, rep) = admin_and_rep(&*database).await?;
    for (digest, user, now) in [
        ([1; 32], rep, 100),
        ([2; 32], admin, 150),
        ([3; 32], rep, 200),
    ] {
        assert_eq!(
            database
                .create_password_reset(reset(digest, workspace, user, admin, 1_000), now)
                .await?,
            ResetCreation::Created
        );
    }
    assert_eq!(
        database.password_reset_open([1; 32], 300).await?,
        Err(ResetRefusal::Replaced)
    );
    assert_eq!(database.password_reset_open([3; 32], 300).await?, Ok(()));
    // Another person's link is not theirs to replace.
    assert_eq!(database.password_reset_open([2; 32], 300).await?, Ok(()));
    assert_eq!(
        database
            .reset_password([1; 32], "stolen".to_owned(), 300)
            .await?,
        Err(ResetRefusal::Replaced)
    );
    let record = database
        .reset_password([3; 32], "new hash".to_owned(), 300)
        .await?
        .map_err(|refusal| format!("refused: {refusal}"))?;
    assert_eq!(record.id, rep);
    assert_eq!(record.workspace, workspace);
    assert_eq!(record.password_hash, "new hash");
    let found = database
        .user_by_email(SignInEmail::parse("remi@demo.carnet.test")?)
        .await?
        .ok_or("Rémi was not found")?;
    assert_eq!(found, record);
    // A used link stays used when a newer one is made.
    assert_eq!(
        database
            .create_password_reset(reset([4; 32], workspace, rep, admin, 1_000), 400)
            .await?,
        ResetCreation::Created
    );
    assert_eq!(
        database.password_reset_open([3; 32], 400).await?,
        Err(ResetRefusal::Used)
    );
    Ok(())
}

async fn a_password_reset_link_is_refused_once_used_expired_or_unknown(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, admin, rep) = admin_and_rep(&*database).await?;
    database
        .create_password_reset(reset([1; 32], workspace, rep, admin, 1_000), 100)
        .await?;
    assert!(database
        .reset_password([1; 32], "first".to_owned(), 200)
        .await?
        .is_ok());
    assert_eq!(
        database.password_reset_open([1; 32], 300).await?,
        Err(ResetRefusal::Used)
    );
    assert_eq!(
        database
            .reset_password([1; 32], "second".to_owned(), 300)
            .await?,
        Err(ResetRefusal::Used)
    );
    database
        .create_password_reset(reset([2; 32], workspace, rep, admin, 500), 400)
        .await?;
    assert_eq!(database.password_reset_open([2; 32], 499).await?, Ok(()));
    assert_eq!(
        database.password_reset_open([2; 32], 500).await?,
        Err(ResetRefusal::Expired)
    );
    assert_eq!(
        database
            .reset_password([2; 32], "late".to_owned(), 500)
            .await?,
        Err(ResetRefusal::Expired)
    );
    assert_eq!(
        database.password_reset_open([9; 32], 0).await?,
        Err(ResetRefusal::Unknown)
    );
    assert_eq!(
        database
            .reset_password([9; 32], "guess".to_owned(), 0)
            .await?,
        Err(ResetRefusal::Unknown)
    );
    let found = database
        .user_by_email(SignInEmail::parse("remi@demo.carnet.test")?)
        .await?
        .ok_or("Rémi was not found")?;
    assert_eq!(found.password_hash, "first");
    Ok(())
}

async fn a_password_reset_is_refused_for_a_stranger_or_a_disabled_person(
    database: Arc<dyn Database>,
) -> TestResult {
    let (workspace, admin, rep) = admin_and_rep(&*database).await?;
    let stranger = person("zoe@ailleurs.carnet.test", "Zoé", Role::Admin)?;
    let zoe = stranger.id;
    workspace_of(&*database, stranger).await?;
    assert_eq!(
        database
            .create_password_reset(reset([1; 32], workspace, zoe, admin, 1_000), 10)
            .await?,
        ResetCreation::NoSuchPerson
    );
    assert_eq!(
        database
            .create_password_reset(
                reset([1; 32], workspace, UserId(Uuid::new_v4()), admin, 1_000),
                10,
            )
            .await?,
        ResetCreation::NoSuchPerson
    );
    assert_eq!(
        database.password_reset_open([1; 32], 10).await?,
        Err(ResetRefusal::Unknown)
    );
    // A link made before the person was disabled stops working.
    database
        .create_password_reset(reset([2; 32], workspace, rep, admin, 1_000), 20)
        .await?;
    database
        .create_password_reset(reset([3; 32], workspace, admin, admin, 1_000), 20)
        .await?;
    assert!(database
        .reset_password([3; 32], "admin's".to_owned(), 25)
        .await?
        .is_ok());
    database.disable_person(workspace, rep, 30).await?;
    assert_eq!(
        database.password_reset_open([2; 32], 40).await?,
        Err(ResetRefusal::PersonDisabled)
    );
    assert_eq!(
        database
            .reset_password([2; 32], "new".to_owned(), 40)
            .await?,
        Err(ResetRefusal::PersonDisabled)
    );
    assert_eq!(
        database
            .create_password_reset(reset([4; 32], workspace, rep, admin, 1_000), 50)
            .await?,
        ResetCreation::PersonDisabled
    );
    assert_eq!(
        database.password_reset_open([4; 32], 50).await?,
        Err(ResetRefusal::Unknown)
    );
    // Only a link that would otherwise work tells that the person was disabled.
    assert_eq!(
        database.password_reset_open([2; 32], 1_000).await?,
        Err(ResetRefusal::Expired)
    );
    let found = database
        .user_by_email(SignInEmail::parse("remi@demo.carnet.test")?)
        .await?
        .ok_or("Rémi was not found")?;
    assert_eq!(found.password_hash, "hash of Rémi");
    Ok(())
}

// PostgreSQL alone: two instances on one database, as two relay processes would be. Each race
// runs several rounds on fresh rows; both contenders are released together by a barrier.

/// How many times each race is run.
const ROUNDS: usize = 24;

/// Two instances on one fresh database.
async fn two_instances() -> Result<(PostgresStorage, PostgresStorage), Failure> {
    let url = crate::fresh_postgres_url().await?;
    Ok((
        PostgresStorage::connect(&url).await?,
        PostgresStorage::connect(&url).await?,
    ))
}

/// Runs `contend` on each instance at once (in its own task), and returns both outcomes.
async fn race<T, F, Fut>(
    first: &PostgresStorage,
    second: &PostgresStorage,
    contend: F,
) -> Result<(T, T), Failure>
where
    T: Send + 'static,
    F: Fn(PostgresStorage, usize) -> Fut,
    Fut: std::future::Future<Output = Result<T, Failure>> + Send + 'static,
{
    let barrier = Arc::new(Barrier::new(2));
    let mut tasks = Vec::new();
    for (index, storage) in [first, second].into_iter().enumerate() {
        let barrier = Arc::clone(&barrier);
        let contender = contend(storage.clone(), index);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            contender.await
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await??);
    }
    let second_outcome = outcomes.pop().ok_or("no outcome")?;
    let first_outcome = outcomes.pop().ok_or("no outcome")?;
    Ok((first_outcome, second_outcome))
}

/// A fresh workspace of round `round` on `storage`: (workspace, admin, rep).
async fn round_workspace(
    storage: &PostgresStorage,
    round: usize,
) -> Result<(WorkspaceId, UserId, UserId), Failure> {
    let admin = person(
        &format!("admin{round}@race.carnet.test"),
        "Ada",
        Role::Admin,
    )?;
    let rep = person(&format!("rep{round}@race.carnet.test"), "Rémi", Role::Rep)?;
    let (admin_id, rep_id) = (admin.id, rep.id);
    let workspace = workspace(storage, vec![admin, rep]).await?;
    Ok((workspace, admin_id, rep_id))
}

/// A byte distinguishing round `round`'s secrets.
fn round_byte(round: usize, offset: u8) -> Result<u8, Failure> {
    Ok(u8::try_from(round * 4)? + offset)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_presenting_one_refresh_credential_rotate_it_once() -> TestResult {
    let (first, second) = two_instances().await?;
    for round in 0..ROUNDS {
        let (_, _, rep) = round_workspace(&first, round).await?;
        let phone = device(&first, rep, 0).await?;
        let refresh = round_byte(round, 100)?;
        first
            .grant(
                phone,
                vec![grant(refresh, CredentialKind::Refresh, 10_000, 10_000)],
                0,
            )
            .await?;
        let (one, other) = race(&first, &second, move |storage, index| async move {
            let fresh = round_byte(round, u8::try_from(index)? * 2)?;
            Ok(storage
                .rotate_refresh([refresh; 32], pair(fresh, fresh + 1, 10_000), 10)
                .await?)
        })
        .await?;
        let outcomes = [one, other];
        let rotated = outcomes
            .iter()
            .filter(|outcome| matches!(outcome, Rotation::Rotated { .. }))
            .count();
        assert_eq!(rotated, 1, "round {round}: {outcomes:?}");
        // The loser presented a spent credential: a replay.
        assert!(
            outcomes
                .iter()
                .any(|outcome| matches!(outcome, Rotation::Replayed(principal) if principal.device == phone)),
            "round {round}: {outcomes:?}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_accepting_one_invitation_create_one_person() -> TestResult {
    let (first, second) = two_instances().await?;
    for round in 0..ROUNDS {
        let (workspace, admin, _) = round_workspace(&first, round).await?;
        let code = [round_byte(round, 0)?; 32];
        let email = format!("carla{round}@race.carnet.test");
        first
            .create_invitation(invitation(code, workspace, &email, admin, 1_000)?)
            .await?;
        let (one, other) = race(&first, &second, move |storage, index| async move {
            Ok(storage
                .accept_invitation(
                    code,
                    UserId(Uuid::new_v4()),
                    format!("Carla {index}"),
                    "hash".to_owned(),
                    10,
                )
                .await?)
        })
        .await?;
        let accepted: Vec<_> = [one, other].into_iter().flatten().collect();
        assert_eq!(accepted.len(), 1, "round {round}");
        let people = second.people(workspace).await?;
        assert_eq!(people.len(), 3, "round {round}");
        let found = second
            .user_by_email(SignInEmail::parse(&email)?)
            .await?
            .ok_or("the invitee was not created")?;
        assert_eq!(accepted[0], found);
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_using_one_reset_link_use_it_once() -> TestResult {
    let (first, second) = two_instances().await?;
    for round in 0..ROUNDS {
        let (workspace, admin, rep) = round_workspace(&first, round).await?;
        let token = [round_byte(round, 0)?; 32];
        first
            .create_password_reset(reset(token, workspace, rep, admin, 1_000), 0)
            .await?;
        let (one, other) = race(&first, &second, move |storage, index| async move {
            Ok(storage
                .reset_password(token, format!("hash {index}"), 10)
                .await?)
        })
        .await?;
        let outcomes = [one, other];
        let used: Vec<_> = outcomes
            .iter()
            .filter_map(|outcome| outcome.as_ref().ok())
            .collect();
        assert_eq!(used.len(), 1, "round {round}: {outcomes:?}");
        assert!(
            outcomes.contains(&Err(ResetRefusal::Used)),
            "round {round}: {outcomes:?}"
        );
        let found = second
            .user_by_email(SignInEmail::parse(&format!("rep{round}@race.carnet.test"))?)
            .await?
            .ok_or("the person was not found")?;
        assert_eq!(found.password_hash, used[0].password_hash);
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_making_reset_links_for_one_person_leave_one_working() -> TestResult {
    let (first, second) = two_instances().await?;
    for round in 0..ROUNDS {
        let (workspace, admin, rep) = round_workspace(&first, round).await?;
        let tokens = [[round_byte(round, 0)?; 32], [round_byte(round, 1)?; 32]];
        let (one, other) = race(&first, &second, move |storage, index| async move {
            let token = *tokens.get(index).ok_or("no token")?;
            Ok(storage
                .create_password_reset(reset(token, workspace, rep, admin, 1_000), 10)
                .await?)
        })
        .await?;
        assert_eq!(
            (one, other),
            (ResetCreation::Created, ResetCreation::Created)
        );
        let mut working = 0;
        for token in tokens {
            match second.password_reset_open(token, 20).await? {
                Ok(()) => working += 1,
                Err(refusal) => assert_eq!(refusal, ResetRefusal::Replaced, "round {round}"),
            }
        }
        assert_eq!(working, 1, "round {round}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_creating_workspaces_with_one_address_create_one() -> TestResult {
    let (first, second) = two_instances().await?;
    for round in 0..ROUNDS {
        let email = format!("founder{round}@race.carnet.test");
        let (one, other) = race(&first, &second, move |storage, index| {
            let email = email.clone();
            async move {
                let founder = person(&email, &format!("Founder {index}"), Role::Admin)?;
                Ok(storage
                    .create_workspace(
                        WorkspaceId(Uuid::new_v4()),
                        "Course".to_owned(),
                        vec![founder],
                        0,
                    )
                    .await?)
            }
        })
        .await?;
        assert!(one != other, "round {round}: both {one}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rotation_racing_a_revocation_leaves_no_working_credential() -> TestResult {
    let (first, second) = two_instances().await?;
    for round in 0..ROUNDS {
        let (workspace, _, rep) = round_workspace(&first, round).await?;
        let phone = device(&first, rep, 0).await?;
        let refresh = round_byte(round, 100)?;
        let fresh = round_byte(round, 0)?;
        first
            .grant(
                phone,
                vec![grant(refresh, CredentialKind::Refresh, 10_000, 10_000)],
                0,
            )
            .await?;
        let (rotation, revoked) = race(&first, &second, move |storage, index| async move {
            Ok(if index == 0 {
                Some(
                    storage
                        .rotate_refresh([refresh; 32], pair(fresh, fresh + 1, 10_000), 10)
                        .await?,
                )
            } else {
                let scope = DeviceScope {
                    workspace,
                    user: None,
                };
                assert!(storage.revoke_device(scope, phone, 10).await?);
                None
            })
        })
        .await?;
        assert_eq!(revoked, None);
        let access = second.access([fresh; 32], 20).await?;
        match rotation {
            Some(Rotation::Rotated { .. }) => {
                assert_eq!(access, AccessLookup::Revoked, "round {round}");
            }
            Some(Rotation::Revoked) => assert_eq!(access, AccessLookup::Unknown, "round {round}"),
            other => return Err(format!("round {round}: {other:?}").into()),
        }
        assert_eq!(
            second
                .rotate_refresh([fresh + 1; 32], pair(1, 2, 10_000), 20)
                .await?,
            if access == AccessLookup::Revoked {
                Rotation::Revoked
            } else {
                Rotation::Refused
            },
            "round {round}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rotation_racing_a_sign_out_leaves_no_working_credential() -> TestResult {
    let (first, second) = two_instances().await?;
    for round in 0..ROUNDS {
        let (_, _, rep) = round_workspace(&first, round).await?;
        let phone = device(&first, rep, 0).await?;
        let refresh = round_byte(round, 100)?;
        let fresh = round_byte(round, 0)?;
        first
            .grant(
                phone,
                vec![grant(refresh, CredentialKind::Refresh, 10_000, 10_000)],
                0,
            )
            .await?;
        let (rotation, _) = race(&first, &second, move |storage, index| async move {
            Ok(if index == 0 {
                Some(
                    storage
                        .rotate_refresh([refresh; 32], pair(fresh, fresh + 1, 10_000), 10)
                        .await?,
                )
            } else {
                storage.forget_credentials(phone).await?;
                None
            })
        })
        .await?;
        // Either the sign-out came first (nothing to rotate) or it deleted the new pair too.
        assert!(
            matches!(rotation, Some(Rotation::Rotated { .. } | Rotation::Refused)),
            "round {round}: {rotation:?}"
        );
        assert_eq!(
            second.access([fresh; 32], 20).await?,
            AccessLookup::Unknown,
            "round {round}"
        );
        assert_eq!(
            second
                .rotate_refresh([fresh + 1; 32], pair(1, 2, 10_000), 20)
                .await?,
            Rotation::Refused,
            "round {round}"
        );
    }
    Ok(())
}
