//! The demo workspace's people, created on the first start with `--demo` so that the README's run
//! command lets anyone sign in at once. Demo *documents* are seeded elsewhere; this module only
//! makes the accounts, and must never run outside demo mode (its password is public).

use uuid::Uuid;

use shared::protocol::DeviceId;

use super::{Accounts, AccountsError};
use crate::identity::{Role, SignInEmail, UserId, WorkspaceId};

/// The name of the device the demo documents are recorded as coming from.
const SEEDING_DEVICE: &str = "Données de démonstration";

/// The demo workspace's people, and the admin's device its seeded documents come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoSeeder {
    /// The admin (the sales director, who also holds a few accounts).
    pub manager: UserId,
    /// The reps, in [`USERS`]' order.
    pub reps: Vec<UserId>,
    /// Every demo person, in [`USERS`]' order (`None`: missing from a workspace an older
    /// version made).
    pub people: Vec<Option<UserId>>,
    /// The device the seeded changes are bound to.
    pub device: DeviceId,
}

/// The demo workspace's name.
pub const WORKSPACE_NAME: &str = "Démo Carnet";

/// Every demo user's password.
pub const PASSWORD: &str = "carnet-demo";

/// A demo user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoUser {
    /// The sign-in address.
    pub email: &'static str,
    /// The display name.
    pub name: &'static str,
    /// The role.
    pub role: Role,
}

/// The demo workspace's people: the sales director (an admin), the manager leading both teams,
/// and four reps (see [`TEAMS`]).
pub const USERS: [DemoUser; 6] = [
    DemoUser {
        email: "manon@demo.carnet.test",
        name: "Manon Lefèvre",
        role: Role::Admin,
    },
    DemoUser {
        email: "remi@demo.carnet.test",
        name: "Rémi Garnier",
        role: Role::Manager,
    },
    DemoUser {
        email: "rachida@demo.carnet.test",
        name: "Rachida Benali",
        role: Role::Rep,
    },
    DemoUser {
        email: "julien@demo.carnet.test",
        name: "Julien Moreau",
        role: Role::Rep,
    },
    DemoUser {
        email: "sophie@demo.carnet.test",
        name: "Sophie Marchand",
        role: Role::Rep,
    },
    DemoUser {
        email: "karim@demo.carnet.test",
        name: "Karim Haddad",
        role: Role::Rep,
    },
];

/// A demo team: its name, and its people and territories as indexes into [`USERS`] and keys of
/// `shared::demo::TERRITORIES`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoTeam {
    /// The team's name.
    pub name: &'static str,
    /// Who leads it.
    pub leads: &'static [usize],
    /// Its other people.
    pub members: &'static [usize],
    /// The territories it covers.
    pub territories: &'static [&'static str],
}

/// The demo's two teams. Rémi leads both; the director sells in the north. The reps' own
/// territories follow how `shared::demo` shares accounts out ([`TERRITORIES_OF`]).
pub const TEAMS: [DemoTeam; 2] = [
    DemoTeam {
        name: "Équipe Nord",
        leads: &[1],
        members: &[0, 2, 3],
        territories: &["idf", "nord-est", "ouest", "centre"],
    },
    DemoTeam {
        name: "Équipe Sud",
        leads: &[1],
        members: &[4, 5],
        territories: &["sud-ouest", "rhone-alpes", "mediterranee"],
    },
];

/// Each rep's territories (index into [`USERS`], keys), as `shared::demo` gives them accounts.
pub const TERRITORIES_OF: [(usize, &[&str]); 4] = [
    (2, &["idf", "nord-est"]),
    (3, &["ouest", "centre"]),
    (4, &["sud-ouest", "rhone-alpes"]),
    (5, &["mediterranee"]),
];

/// The demo workspace after seeding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoWorkspace {
    /// Its id (to seed its documents under).
    pub id: WorkspaceId,
    /// Whether this call created it (`false`: an earlier start did).
    pub created: bool,
}

impl Accounts {
    /// Creates the demo workspace and its people unless they exist. Safe to call on every start.
    pub async fn seed_demo(&self) -> Result<DemoWorkspace, AccountsError> {
        let manager = demo_email(USERS[0].email)?;
        if let Some(existing) = self.store.user_by_email(manager.clone()).await? {
            return Ok(DemoWorkspace {
                id: existing.workspace,
                created: false,
            });
        }
        let mut users = Vec::with_capacity(USERS.len());
        for user in USERS {
            users.push(
                self.new_user(user.email, user.name, PASSWORD.to_owned(), user.role)
                    .await?,
            );
        }
        let id = WorkspaceId(Uuid::new_v4());
        let created = self
            .store
            .create_workspace(id, WORKSPACE_NAME.to_owned(), users, super::unix_now())
            .await?;
        if created {
            return Ok(DemoWorkspace { id, created });
        }
        // Another start racing this one won: its workspace is the demo's.
        let existing = self
            .store
            .user_by_email(manager)
            .await?
            .ok_or(AccountsError::EmailTaken)?;
        Ok(DemoWorkspace {
            id: existing.workspace,
            created,
        })
    }
}

impl Accounts {
    /// The demo people, and a device of the manager's for the seeded documents.
    pub async fn demo_seeder(&self) -> Result<DemoSeeder, AccountsError> {
        // A demo workspace made by an older version lacks the people added since: they are
        // left out (`None`), and the documents are shared among those who exist.
        let mut people = Vec::with_capacity(USERS.len());
        for user in USERS {
            let record = self.store.user_by_email(demo_email(user.email)?).await?;
            people.push(record.map(|record| record.id));
        }
        let manager = people
            .first()
            .copied()
            .flatten()
            .ok_or(AccountsError::NotFound)?;
        let reps = USERS
            .iter()
            .zip(&people)
            .filter(|(user, _)| user.role == Role::Rep)
            .filter_map(|(_, id)| *id)
            .collect();
        let device = self
            .store
            .register_device(manager, None, SEEDING_DEVICE.to_owned(), super::unix_now())
            .await?
            .ok_or(AccountsError::NotFound)?;
        Ok(DemoSeeder {
            manager,
            reps,
            people,
            device,
        })
    }
}

fn demo_email(text: &str) -> Result<SignInEmail, AccountsError> {
    SignInEmail::parse(text).map_err(|_| AccountsError::InvalidInput("a demo address"))
}
