//! Conformance of retention: what stopped working is deleted, what still works is kept.

use std::sync::Arc;

use server::identity::{Role, SignInEmail, UserId, WorkspaceId};
use server::storage::access::InvitationAccess;
use server::storage::accounts::{
    AccessLookup, CredentialKind, Grant, NewInvitation, NewPasswordReset, NewUser, ResetRefusal,
};
use server::storage::retention::{Forgotten, KEPT_AFTER_EXPIRY};
use server::storage::Database;
use uuid::Uuid;

use crate::{conformance, TestResult};

const NOW: i64 = 1_800_000_000;
const DAY: i64 = 24 * 60 * 60;

conformance!(what_stopped_working_is_deleted_and_what_works_is_kept);

async fn what_stopped_working_is_deleted_and_what_works_is_kept(
    database: Arc<dyn Database>,
) -> TestResult {
    let workspace = WorkspaceId(Uuid::new_v4());
    let (admin, rep) = (UserId(Uuid::new_v4()), UserId(Uuid::new_v4()));
    let person =
        |id, who: &str, role| -> Result<NewUser, Box<dyn std::error::Error + Send + Sync>> {
            Ok(NewUser {
                id,
                email: SignInEmail::parse(&format!("{who}.{}@retention.test", workspace.0))?,
                name: who.to_owned(),
                role,
                password_hash: "not a real hash".to_owned(),
            })
        };
    let people = vec![
        person(admin, "admin", Role::Admin)?,
        person(rep, "rep", Role::Rep)?,
    ];
    assert!(
        database
            .create_workspace(workspace, "Retention".to_owned(), people, NOW - 90 * DAY)
            .await?
    );
    let device = database
        .register_device(rep, None, "tablet".to_owned(), NOW - 90 * DAY)
        .await?
        .ok_or("no device")?;
    // Access tokens: one of an ended session, one expired in a running session (its device must
    // still hear "expired" and refresh), one live; and an expired refresh credential (granting
    // drops the device's expired ones, so each is granted while it was still live).
    let grant = |digest: u8, kind, expires_at: i64, session_ends_at: i64| Grant {
        digest: [digest; 32],
        kind,
        expires_at,
        session_ends_at,
    };
    database
        .grant(
            device,
            vec![
                grant(1, CredentialKind::Access, NOW - DAY, NOW - DAY),
                grant(3, CredentialKind::Access, NOW - DAY, NOW + 60 * DAY),
                grant(4, CredentialKind::Refresh, NOW - DAY, NOW + 60 * DAY),
            ],
            NOW - 2 * DAY,
        )
        .await?;
    database
        .grant(
            device,
            vec![grant(2, CredentialKind::Access, NOW + DAY, NOW + 60 * DAY)],
            NOW - 2 * DAY,
        )
        .await?;

    // Invitations: never accepted and ended long ago, ended lately, still open.
    let invitation = |digest: u8,
                      expires_at: i64|
     -> Result<NewInvitation, Box<dyn std::error::Error + Send + Sync>> {
        Ok(NewInvitation {
            digest: [digest; 32],
            workspace,
            email: SignInEmail::parse(&format!("invitee{digest}@retention.test"))?,
            role: Role::Rep,
            invited_by: admin,
            expires_at,
        })
    };
    let (old, recent, open) = (10, 11, 12);
    database
        .create_invitation(invitation(old, NOW - KEPT_AFTER_EXPIRY - 1)?)
        .await?;
    database
        .set_invitation_access(
            workspace,
            [old; 32],
            InvitationAccess {
                teams: Vec::new(),
                territories: vec!["ouest".to_owned()],
            },
        )
        .await?;
    database
        .create_invitation(invitation(recent, NOW - DAY)?)
        .await?;
    database
        .create_invitation(invitation(open, NOW + DAY)?)
        .await?;

    // A reset link that ended long ago (a newer one, still live, replaces it).
    let reset = |digest: u8, expires_at: i64| NewPasswordReset {
        digest: [digest; 32],
        workspace,
        user: rep,
        created_by: admin,
        expires_at,
    };
    database
        .create_password_reset(reset(20, NOW - KEPT_AFTER_EXPIRY - 1), NOW - 40 * DAY)
        .await?;
    database
        .create_password_reset(reset(21, NOW + DAY), NOW)
        .await?;

    let forgotten = database.forget_expired(NOW).await?;
    assert_eq!(
        forgotten,
        Forgotten {
            credentials: 2,
            credential_memories: 0,
            invitations: 1,
            password_resets: 1,
        }
    );
    // What still works still works; what ended lately is still known as ended.
    assert!(matches!(
        database.access([2; 32], NOW).await?,
        AccessLookup::Valid(_)
    ));
    assert_eq!(database.access([1; 32], NOW).await?, AccessLookup::Unknown);
    assert_eq!(database.access([3; 32], NOW).await?, AccessLookup::Expired);
    assert!(database.invitation_open([open; 32], NOW).await?);
    assert!(!database
        .invitations_access(workspace)
        .await?
        .contains_key(&[old; 32]));
    let pending = database
        .pending_invitations(workspace, NOW - 2 * DAY)
        .await?;
    let listed: Vec<[u8; 32]> = pending.iter().map(|invitation| invitation.digest).collect();
    assert!(listed.contains(&[recent; 32]) && listed.contains(&[open; 32]));
    assert!(!listed.contains(&[old; 32]));
    assert_eq!(
        database.password_reset_open([20; 32], NOW).await?,
        Err(ResetRefusal::Unknown)
    );
    assert_eq!(database.password_reset_open([21; 32], NOW).await?, Ok(()));
    // A second pass finds nothing more.
    assert_eq!(database.forget_expired(NOW).await?, Forgotten::default());
    Ok(())
}
