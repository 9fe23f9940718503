//! Administration of who reaches what: a person's role and territories, and teams (who leads,
//! who belongs, which territories). Admins only. Every change is announced to the workspace's
//! sync sessions as a change of access, so each recomputes its scope at once: records that left
//! a person's reach are purged from their devices, records that entered it are sent whole.

use std::collections::BTreeSet;
use std::time::Instant;

use crate::accounts::AccountsError;
use crate::hub::{Hub, Publication};
use crate::identity::WorkspaceId;
use crate::identity::{Principal, Role, UserId};
use crate::storage::access::{InvitationAccess, TeamSpec};
use crate::storage::AccessStore;

/// The longest team name or territory key.
pub const MAX_NAME_CHARS: usize = 80;

/// The most territories one person or team covers, and people one team holds.
pub const MAX_ENTRIES: usize = 500;

const NAME_RULE: &str = "names and territory keys have 1 to 80 characters";
const SIZE_RULE: &str = "at most 500 territories or people";
const SELF_ROLE_RULE: &str = "an admin cannot change their own role";
const TEAM_PEOPLE_RULE: &str = "a team's people must be active members of the workspace";
const KNOWN_TEAMS_RULE: &str = "an invitation names teams of the workspace";

/// Sets `user`'s role and territories (an admin, never their own role).
pub async fn set_person_access(
    store: &dyn AccessStore,
    hub: &Hub,
    principal: Principal,
    user: UserId,
    role: Role,
    territories: Vec<String>,
) -> Result<(), AccountsError> {
    if principal.role != Role::Admin {
        return Err(AccountsError::Forbidden);
    }
    if user == principal.user && role != Role::Admin {
        return Err(AccountsError::InvalidInput(SELF_ROLE_RULE));
    }
    let territories = names(territories)?;
    if !store.set_role(principal.workspace, user, role).await? {
        return Err(AccountsError::NotFound);
    }
    store
        .set_territories(principal.workspace, user, territories)
        .await?;
    tracing::info!(%user, by = %principal.user, role = role.as_str(), "a person's access changed");
    announce(hub, principal);
    Ok(())
}

/// Creates or replaces a team (an admin).
pub async fn set_team(
    store: &dyn AccessStore,
    hub: &Hub,
    principal: Principal,
    team: TeamSpec,
) -> Result<(), AccountsError> {
    if principal.role != Role::Admin {
        return Err(AccountsError::Forbidden);
    }
    let name = names(vec![team.name])?
        .pop()
        .ok_or(AccountsError::InvalidInput(NAME_RULE))?;
    let territories = names(team.territories)?;
    let people: BTreeSet<UserId> = team.leads.iter().chain(&team.members).copied().collect();
    if people.len() > MAX_ENTRIES {
        return Err(AccountsError::InvalidInput(SIZE_RULE));
    }
    for person in &people {
        if store.grants(principal.workspace, *person).await?.is_none() {
            return Err(AccountsError::InvalidInput(TEAM_PEOPLE_RULE));
        }
    }
    store
        .set_team(
            principal.workspace,
            TeamSpec {
                name,
                leads: team.leads,
                members: team.members,
                territories,
            },
        )
        .await?;
    announce(hub, principal);
    Ok(())
}

/// The workspace's teams (any member).
pub async fn teams(
    store: &dyn AccessStore,
    principal: Principal,
) -> Result<Vec<TeamSpec>, AccountsError> {
    Ok(store.teams(principal.workspace).await?)
}

/// Checks what an invitation gives its invitee (teams of the workspace, well-formed territory
/// keys), to keep beside it.
pub async fn invitation_access(
    store: &dyn AccessStore,
    workspace: WorkspaceId,
    teams: Vec<String>,
    territories: Vec<String>,
) -> Result<InvitationAccess, AccountsError> {
    let teams = if teams.is_empty() {
        teams
    } else {
        names(teams)?
    };
    let territories = names(territories)?;
    if !teams.is_empty() {
        let known = store.teams(workspace).await?;
        if !teams
            .iter()
            .all(|team| known.iter().any(|spec| spec.name == *team))
        {
            return Err(AccountsError::InvalidInput(KNOWN_TEAMS_RULE));
        }
    }
    Ok(InvitationAccess { teams, territories })
}

/// Gives `user`, who just accepted the invitation `digest`, the teams and territories it held,
/// and tells the workspace's sessions (teams removed since are skipped).
pub async fn grant_invitation_access(
    store: &dyn AccessStore,
    hub: &Hub,
    workspace: WorkspaceId,
    digest: [u8; 32],
    user: UserId,
) -> Result<(), AccountsError> {
    let access = store.take_invitation_access(workspace, digest).await?;
    if access == InvitationAccess::default() {
        return Ok(());
    }
    if !access.territories.is_empty() {
        store
            .set_territories(workspace, user, access.territories)
            .await?;
    }
    for mut team in store.teams(workspace).await? {
        if access.teams.contains(&team.name) && !team.members.contains(&user) {
            team.members.push(user);
            store.set_team(workspace, team).await?;
        }
    }
    hub.publish(
        workspace,
        Publication::entries(Vec::new(), Instant::now(), true),
    );
    Ok(())
}

/// Tells the workspace's sessions that who reaches what changed.
pub fn announce(hub: &Hub, principal: Principal) {
    hub.publish(
        principal.workspace,
        Publication::entries(Vec::new(), Instant::now(), true),
    );
}

/// Trimmed, checked, distinct names.
fn names(names: Vec<String>) -> Result<Vec<String>, AccountsError> {
    if names.len() > MAX_ENTRIES {
        return Err(AccountsError::InvalidInput(SIZE_RULE));
    }
    let mut checked = BTreeSet::new();
    for name in names {
        let name = name.trim();
        let length = name.chars().count();
        if length == 0 || length > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(AccountsError::InvalidInput(NAME_RULE));
        }
        checked.insert(name.to_owned());
    }
    Ok(checked.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_distinct_and_bounded() {
        assert_eq!(
            names(vec![
                " idf ".to_owned(),
                "idf".to_owned(),
                "ouest".to_owned()
            ])
            .ok(),
            Some(vec!["idf".to_owned(), "ouest".to_owned()])
        );
        assert!(names(vec![String::new()]).is_err());
        assert!(names(vec!["x".repeat(81)]).is_err());
        assert!(names(vec!["a\nb".to_owned()]).is_err());
        assert!(names(vec!["t".to_owned(); 501]).is_err());
    }
}
