//! Per-record access in SQLite: `record_access` (each document's keys), and `teams`,
//! `team_members`, `team_territories` and `territory_members`, which make a person's grants.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{params, Connection, OptionalExtension};
use shared::protocol::{DeviceId, DocumentId};
use shared::replica::RecordKind;
use uuid::Uuid;

use super::SqliteStorage;
use crate::access::{AccessKeys, Grants};
use crate::identity::{Role, UserId};
use crate::storage::access::{AccessStore, InvitationAccess, TeamSpec};
use crate::storage::columns::{names as invitation_lines, uuid};
use crate::storage::{StorageError, StoreFuture, WorkspaceId};

impl AccessStore for SqliteStorage {
    fn record_access(
        &self,
        workspace: WorkspaceId,
    ) -> StoreFuture<'_, HashMap<DocumentId, AccessKeys>> {
        Box::pin(self.call(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT document, kind, owner, creator, territory, accounts
                 FROM record_access WHERE workspace = ?1",
            )?;
            let rows = statement.query_map([workspace.to_string()], read_keys)?;
            rows.map(|row| decode(row?)).collect()
        }))
    }

    fn record_access_of(
        &self,
        workspace: WorkspaceId,
        documents: Vec<DocumentId>,
    ) -> StoreFuture<'_, HashMap<DocumentId, AccessKeys>> {
        Box::pin(self.call(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT document, kind, owner, creator, territory, accounts
                 FROM record_access WHERE workspace = ?1 AND document = ?2",
            )?;
            let workspace = workspace.to_string();
            let mut found = HashMap::with_capacity(documents.len());
            for document in documents {
                let row = statement
                    .query_row(params![workspace, document.0.as_bytes()], read_keys)
                    .optional()?;
                if let Some(row) = row {
                    let (document, keys) = decode(row)?;
                    found.insert(document, keys);
                }
            }
            Ok(found)
        }))
    }

    fn set_record_access(
        &self,
        workspace: WorkspaceId,
        records: Vec<(DocumentId, AccessKeys)>,
    ) -> StoreFuture<'_, ()> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            {
                let mut statement = transaction.prepare_cached(
                    "INSERT OR REPLACE INTO record_access
                     (workspace, document, kind, owner, creator, territory, accounts)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                let workspace = workspace.to_string();
                for (document, keys) in records {
                    let accounts: Vec<u8> = keys
                        .accounts
                        .iter()
                        .flat_map(|account| *account.0.as_bytes())
                        .collect();
                    statement.execute(params![
                        workspace,
                        document.0.as_bytes(),
                        keys.kind.map(RecordKind::as_str),
                        keys.owner.map(|user| user.to_string()),
                        keys.creator.map(|user| user.to_string()),
                        keys.territory,
                        accounts,
                    ])?;
                }
            }
            transaction.commit()?;
            Ok(())
        }))
    }

    fn documents_without_access(
        &self,
        limit: usize,
    ) -> StoreFuture<'_, Vec<(WorkspaceId, DocumentId)>> {
        Box::pin(self.call(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT DISTINCT log.workspace, log.document FROM change_log AS log
                 WHERE NOT EXISTS (SELECT 1 FROM record_access AS access
                     WHERE access.workspace = log.workspace AND access.document = log.document)
                 LIMIT ?1",
            )?;
            let rows = statement.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
            })?;
            rows.map(|row| {
                let (workspace, document) = row?;
                Ok((
                    WorkspaceId(uuid(&workspace)?),
                    DocumentId(
                        Uuid::from_slice(&document)
                            .map_err(|_| StorageError::Corrupt("a logged document id"))?,
                    ),
                ))
            })
            .collect()
        }))
    }

    fn creator(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
    ) -> StoreFuture<'_, Option<UserId>> {
        Box::pin(self.call(move |connection| {
            let user: Option<String> = connection
                .query_row(
                    "SELECT devices.user FROM change_log INDEXED BY change_log_by_document
                     JOIN devices ON devices.id = change_log.device
                     WHERE change_log.workspace = ?1 AND change_log.document = ?2
                     ORDER BY change_log.position LIMIT 1",
                    params![workspace.to_string(), document.0.as_bytes()],
                    |row| row.get(0),
                )
                .optional()?;
            user.map(|user| uuid(&user).map(UserId)).transpose()
        }))
    }

    fn grants(&self, workspace: WorkspaceId, user: UserId) -> StoreFuture<'_, Option<Grants>> {
        Box::pin(self.call(move |connection| grants(connection, workspace, user)))
    }

    fn set_team(&self, workspace: WorkspaceId, team: TeamSpec) -> StoreFuture<'_, ()> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            let workspace_text = workspace.to_string();
            let existing: Option<String> = transaction
                .query_row(
                    "SELECT id FROM teams WHERE workspace = ?1 AND name = ?2",
                    params![workspace_text, team.name],
                    |row| row.get(0),
                )
                .optional()?;
            let id = match existing {
                Some(id) => id,
                None => {
                    let id = Uuid::new_v4().to_string();
                    transaction.execute(
                        "INSERT INTO teams (id, workspace, name) VALUES (?1, ?2, ?3)",
                        params![id, workspace_text, team.name],
                    )?;
                    id
                }
            };
            transaction.execute("DELETE FROM team_members WHERE team = ?1", [&id])?;
            transaction.execute("DELETE FROM team_territories WHERE team = ?1", [&id])?;
            let people = team
                .leads
                .iter()
                .map(|user| (user, true))
                .chain(team.members.iter().map(|user| (user, false)));
            for (user, leads) in people {
                transaction.execute(
                    "INSERT OR REPLACE INTO team_members (team, user, leads)
                     SELECT ?1, id, ?3 FROM users WHERE id = ?2 AND workspace = ?4",
                    params![id, user.to_string(), leads, workspace_text],
                )?;
            }
            for territory in &team.territories {
                transaction.execute(
                    "INSERT OR IGNORE INTO team_territories (team, territory) VALUES (?1, ?2)",
                    params![id, territory],
                )?;
            }
            transaction.commit()?;
            Ok(())
        }))
    }

    fn acknowledge_purge(
        &self,
        workspace: WorkspaceId,
        device: DeviceId,
        documents: Vec<DocumentId>,
        at: i64,
    ) -> StoreFuture<'_, ()> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            {
                let mut statement = transaction.prepare_cached(
                    "INSERT OR REPLACE INTO purges (workspace, device, document, acknowledged_at)
                     VALUES (?1, ?2, ?3, ?4)",
                )?;
                let (workspace, device) = (workspace.to_string(), device.0.to_string());
                for document in documents {
                    statement.execute(params![workspace, device, document.0.as_bytes(), at])?;
                }
            }
            transaction.commit()?;
            Ok(())
        }))
    }

    fn purges(
        &self,
        workspace: WorkspaceId,
        device: DeviceId,
    ) -> StoreFuture<'_, Vec<(DocumentId, i64)>> {
        Box::pin(self.call(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT document, acknowledged_at FROM purges
                 WHERE workspace = ?1 AND device = ?2 ORDER BY acknowledged_at, document",
            )?;
            let rows = statement.query_map(
                params![workspace.to_string(), device.0.to_string()],
                |row| Ok((row.get::<_, Vec<u8>>(0)?, row.get::<_, i64>(1)?)),
            )?;
            rows.map(|row| {
                let (document, at) = row?;
                let document = Uuid::from_slice(&document)
                    .map(DocumentId)
                    .map_err(|_| StorageError::Corrupt("a purged document id"))?;
                Ok((document, at))
            })
            .collect()
        }))
    }

    fn teams(&self, workspace: WorkspaceId) -> StoreFuture<'_, Vec<TeamSpec>> {
        Box::pin(self.call(move |connection| {
            let workspace = workspace.to_string();
            let mut names = connection
                .prepare_cached("SELECT id, name FROM teams WHERE workspace = ?1 ORDER BY name")?;
            let teams: Vec<(String, String)> = names
                .query_map([&workspace], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<Result<_, _>>()?;
            let mut people = connection.prepare_cached(
                "SELECT user, leads FROM team_members WHERE team = ?1 ORDER BY user",
            )?;
            let mut places = connection.prepare_cached(
                "SELECT territory FROM team_territories WHERE team = ?1 ORDER BY territory",
            )?;
            let mut specs = Vec::with_capacity(teams.len());
            for (id, name) in teams {
                let mut spec = TeamSpec {
                    name,
                    leads: Vec::new(),
                    members: Vec::new(),
                    territories: Vec::new(),
                };
                let rows: Vec<(String, bool)> = people
                    .query_map([&id], |row| Ok((row.get(0)?, row.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                for (user, leads) in rows {
                    let user = UserId(uuid(&user)?);
                    if leads {
                        spec.leads.push(user);
                    } else {
                        spec.members.push(user);
                    }
                }
                spec.territories = places
                    .query_map([&id], |row| row.get(0))?
                    .collect::<Result<_, _>>()?;
                specs.push(spec);
            }
            Ok(specs)
        }))
    }

    fn territories(&self, workspace: WorkspaceId) -> StoreFuture<'_, HashMap<UserId, Vec<String>>> {
        Box::pin(self.call(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT user, territory FROM territory_members WHERE workspace = ?1
                 ORDER BY user, territory",
            )?;
            let rows: Vec<(String, String)> = statement
                .query_map([workspace.to_string()], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?
                .collect::<Result<_, _>>()?;
            let mut territories: HashMap<UserId, Vec<String>> = HashMap::new();
            for (user, territory) in rows {
                territories
                    .entry(UserId(uuid(&user)?))
                    .or_default()
                    .push(territory);
            }
            Ok(territories)
        }))
    }

    fn set_role(&self, workspace: WorkspaceId, user: UserId, role: Role) -> StoreFuture<'_, bool> {
        Box::pin(self.call(move |connection| {
            let changed = connection.execute(
                "UPDATE users SET role = ?3
                 WHERE id = ?1 AND workspace = ?2 AND disabled_at IS NULL",
                params![user.to_string(), workspace.to_string(), role.as_str()],
            )?;
            Ok(changed == 1)
        }))
    }

    fn set_invitation_access(
        &self,
        workspace: WorkspaceId,
        digest: [u8; 32],
        access: InvitationAccess,
    ) -> StoreFuture<'_, ()> {
        Box::pin(self.call(move |connection| {
            connection.execute(
                "INSERT OR REPLACE INTO invitation_access (digest, workspace, teams, territories)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    digest.to_vec(),
                    workspace.to_string(),
                    access.teams.join("\n"),
                    access.territories.join("\n")
                ],
            )?;
            Ok(())
        }))
    }

    fn invitations_access(
        &self,
        workspace: WorkspaceId,
    ) -> StoreFuture<'_, HashMap<[u8; 32], InvitationAccess>> {
        Box::pin(self.call(move |connection| {
            let mut statement = connection.prepare(
                "SELECT digest, teams, territories FROM invitation_access WHERE workspace = ?1",
            )?;
            let rows = statement.query_map([workspace.to_string()], |row| {
                Ok((
                    row.get::<_, Vec<u8>>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })?;
            let mut gives = HashMap::new();
            for row in rows {
                let (digest, teams, territories) = row?;
                let digest: [u8; 32] = digest
                    .try_into()
                    .map_err(|_| StorageError::Corrupt("an invitation's digest"))?;
                gives.insert(
                    digest,
                    InvitationAccess {
                        teams: invitation_lines(&teams),
                        territories: invitation_lines(&territories),
                    },
                );
            }
            Ok(gives)
        }))
    }

    fn take_invitation_access(
        &self,
        workspace: WorkspaceId,
        digest: [u8; 32],
    ) -> StoreFuture<'_, InvitationAccess> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            let (workspace, digest) = (workspace.to_string(), digest.to_vec());
            let found: Option<(String, String)> = transaction
                .query_row(
                    "SELECT teams, territories FROM invitation_access
                     WHERE digest = ?1 AND workspace = ?2",
                    params![digest, workspace],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            transaction.execute(
                "DELETE FROM invitation_access WHERE digest = ?1 AND workspace = ?2",
                params![digest, workspace],
            )?;
            transaction.commit()?;
            Ok(
                found.map_or_else(InvitationAccess::default, |(teams, territories)| {
                    InvitationAccess {
                        teams: invitation_lines(&teams),
                        territories: invitation_lines(&territories),
                    }
                }),
            )
        }))
    }

    fn set_territories(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        territories: Vec<String>,
    ) -> StoreFuture<'_, ()> {
        Box::pin(self.call(move |connection| {
            let transaction = connection.transaction()?;
            let (workspace, user) = (workspace.to_string(), user.to_string());
            transaction.execute(
                "DELETE FROM territory_members WHERE workspace = ?1 AND user = ?2",
                params![workspace, user],
            )?;
            for territory in territories {
                transaction.execute(
                    "INSERT OR IGNORE INTO territory_members (workspace, territory, user)
                     SELECT ?1, ?2, id FROM users WHERE id = ?3 AND workspace = ?1",
                    params![workspace, territory, user],
                )?;
            }
            transaction.commit()?;
            Ok(())
        }))
    }
}

type KeysRow = (
    Vec<u8>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Vec<u8>,
);

fn read_keys(row: &rusqlite::Row<'_>) -> rusqlite::Result<KeysRow> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
    ))
}

fn decode(row: KeysRow) -> Result<(DocumentId, AccessKeys), StorageError> {
    let (document, kind, owner, creator, territory, accounts) = row;
    let document = Uuid::from_slice(&document)
        .map(DocumentId)
        .map_err(|_| StorageError::Corrupt("a record's document id"))?;
    if accounts.len() % 16 != 0 {
        return Err(StorageError::Corrupt("a record's accounts"));
    }
    let accounts = accounts
        .chunks_exact(16)
        .filter_map(|chunk| Uuid::from_slice(chunk).ok().map(DocumentId))
        .collect();
    Ok((
        document,
        AccessKeys {
            kind: kind.as_deref().and_then(RecordKind::from_name),
            owner: owner.as_deref().map(uuid).transpose()?.map(UserId),
            creator: creator.as_deref().map(uuid).transpose()?.map(UserId),
            territory,
            accounts,
        },
    ))
}

fn grants(
    connection: &Connection,
    workspace: WorkspaceId,
    user: UserId,
) -> Result<Option<Grants>, StorageError> {
    let (workspace, user_text) = (workspace.to_string(), user.to_string());
    let role: Option<String> = connection
        .query_row(
            "SELECT role FROM users WHERE id = ?1 AND workspace = ?2 AND disabled_at IS NULL",
            params![user_text, workspace],
            |row| row.get(0),
        )
        .optional()?;
    let Some(role) = role else {
        return Ok(None);
    };
    let role: Role = role
        .parse()
        .map_err(|_| StorageError::Corrupt("a user's role"))?;
    if role == Role::Admin {
        return Ok(Some(Grants::admin(user)));
    }
    let mut territories: BTreeSet<String> = strings(
        connection,
        "SELECT territory FROM territory_members WHERE workspace = ?1 AND user = ?2",
        &workspace,
        &user_text,
    )?;
    let mut people = BTreeSet::from([user]);
    if role == Role::Manager {
        territories.extend(strings(
            connection,
            "SELECT team_territories.territory FROM team_territories
             JOIN team_members ON team_members.team = team_territories.team
             JOIN teams ON teams.id = team_members.team
             WHERE teams.workspace = ?1 AND team_members.user = ?2 AND team_members.leads = 1",
            &workspace,
            &user_text,
        )?);
        for member in strings(
            connection,
            "SELECT others.user FROM team_members AS others
             JOIN team_members AS mine ON mine.team = others.team
             JOIN teams ON teams.id = mine.team
             WHERE teams.workspace = ?1 AND mine.user = ?2 AND mine.leads = 1",
            &workspace,
            &user_text,
        )? {
            people.insert(UserId(uuid(&member)?));
        }
    }
    Ok(Some(Grants {
        user,
        role,
        people,
        territories,
    }))
}

fn strings(
    connection: &Connection,
    sql: &str,
    workspace: &str,
    user: &str,
) -> Result<BTreeSet<String>, StorageError> {
    let mut statement = connection.prepare_cached(sql)?;
    let rows = statement.query_map(params![workspace, user], |row| row.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
