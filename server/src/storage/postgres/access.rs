//! Per-record access in PostgreSQL: `record_access` (each document's keys), and `teams`,
//! `team_members`, `team_territories` and `territory_members`, which make a person's grants.
//!
//! The same answers as [`crate::storage::sqlite`]'s: texts are ordered bytewise (`COLLATE "C"`,
//! SQLite's `BINARY`), and a batch that names one row twice keeps its last mention, as SQLite's
//! `INSERT OR REPLACE` does. Bulk writes send arrays (`UNNEST`) rather than a statement per row.

use std::collections::{BTreeSet, HashMap, HashSet};

use deadpool_postgres::Transaction;
use shared::protocol::{DeviceId, DocumentId};
use shared::replica::RecordKind;
use tokio_postgres::{IsolationLevel, Row};
use uuid::Uuid;

use super::PostgresStorage;
use crate::access::{AccessKeys, Grants};
use crate::identity::{Role, UserId};
use crate::storage::access::{AccessStore, InvitationAccess, TeamSpec};
use crate::storage::columns::{names as lines, uuid};
use crate::storage::{StorageError, StoreFuture, WorkspaceId};

/// Records whose keys one `INSERT` carries at most (a batch larger than this takes several, in
/// one transaction).
const RECORDS_PER_STATEMENT: usize = 5_000;

impl AccessStore for PostgresStorage {
    fn record_access(
        &self,
        workspace: WorkspaceId,
    ) -> StoreFuture<'_, HashMap<DocumentId, AccessKeys>> {
        Box::pin(async move {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(
                    "SELECT document, kind, owner, creator, territory, accounts
                     FROM record_access WHERE workspace = $1",
                )
                .await?;
            let rows = client.query(&statement, &[&workspace.to_string()]).await?;
            rows.iter().map(decode).collect()
        })
    }

    fn record_access_of(
        &self,
        workspace: WorkspaceId,
        documents: Vec<DocumentId>,
    ) -> StoreFuture<'_, HashMap<DocumentId, AccessKeys>> {
        Box::pin(async move {
            if documents.is_empty() {
                return Ok(HashMap::new());
            }
            let documents: Vec<Vec<u8>> = documents
                .iter()
                .map(|document| document.0.as_bytes().to_vec())
                .collect();
            let client = self.client().await?;
            let statement = client
                .prepare_cached(
                    "SELECT document, kind, owner, creator, territory, accounts
                     FROM record_access WHERE workspace = $1 AND document = ANY($2::BYTEA[])",
                )
                .await?;
            let rows = client
                .query(&statement, &[&workspace.to_string(), &documents])
                .await?;
            rows.iter().map(decode).collect()
        })
    }

    fn set_record_access(
        &self,
        workspace: WorkspaceId,
        records: Vec<(DocumentId, AccessKeys)>,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            if records.is_empty() {
                return Ok(());
            }
            // One row per document, its last mention (`ON CONFLICT DO UPDATE` may not touch a
            // row twice in one statement).
            let mut seen = HashSet::with_capacity(records.len());
            let mut latest: Vec<(DocumentId, AccessKeys)> = records
                .into_iter()
                .rev()
                .filter(|(document, _)| seen.insert(*document))
                .collect();
            latest.reverse();
            let workspace = workspace.to_string();
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            let statement = transaction
                .prepare_cached(
                    "INSERT INTO record_access
                     (workspace, document, kind, owner, creator, territory, accounts)
                     SELECT $1::TEXT, * FROM UNNEST(
                         $2::BYTEA[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::BYTEA[]
                     )
                     ON CONFLICT (workspace, document) DO UPDATE SET
                         kind = EXCLUDED.kind, owner = EXCLUDED.owner,
                         creator = EXCLUDED.creator, territory = EXCLUDED.territory,
                         accounts = EXCLUDED.accounts",
                )
                .await?;
            for chunk in latest.chunks(RECORDS_PER_STATEMENT) {
                let mut documents = Vec::with_capacity(chunk.len());
                let mut kinds = Vec::with_capacity(chunk.len());
                let mut owners = Vec::with_capacity(chunk.len());
                let mut creators = Vec::with_capacity(chunk.len());
                let mut territories = Vec::with_capacity(chunk.len());
                let mut accounts = Vec::with_capacity(chunk.len());
                for (document, keys) in chunk {
                    documents.push(document.0.as_bytes().to_vec());
                    kinds.push(keys.kind.map(RecordKind::as_str));
                    owners.push(keys.owner.map(|user| user.to_string()));
                    creators.push(keys.creator.map(|user| user.to_string()));
                    territories.push(keys.territory.clone());
                    accounts.push(
                        keys.accounts
                            .iter()
                            .flat_map(|account| *account.0.as_bytes())
                            .collect::<Vec<u8>>(),
                    );
                }
                transaction
                    .execute(
                        &statement,
                        &[
                            &workspace,
                            &documents,
                            &kinds,
                            &owners,
                            &creators,
                            &territories,
                            &accounts,
                        ],
                    )
                    .await?;
            }
            transaction.commit().await?;
            Ok(())
        })
    }

    fn documents_without_access(
        &self,
        limit: usize,
    ) -> StoreFuture<'_, Vec<(WorkspaceId, DocumentId)>> {
        Box::pin(async move {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(
                    "SELECT DISTINCT log.workspace, log.document FROM change_log AS log
                     WHERE NOT EXISTS (SELECT 1 FROM record_access AS access
                         WHERE access.workspace = log.workspace
                         AND access.document = log.document)
                     LIMIT $1",
                )
                .await?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = client.query(&statement, &[&limit]).await?;
            rows.iter()
                .map(|row| {
                    let workspace: String = row.try_get(0)?;
                    let document: Vec<u8> = row.try_get(1)?;
                    Ok((
                        WorkspaceId(uuid(&workspace)?),
                        document_id(&document, "a logged document id")?,
                    ))
                })
                .collect()
        })
    }

    fn creator(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
    ) -> StoreFuture<'_, Option<UserId>> {
        Box::pin(async move {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(
                    "SELECT devices.person FROM change_log
                     JOIN devices ON devices.id = change_log.device
                     WHERE change_log.workspace = $1 AND change_log.document = $2
                     ORDER BY change_log.position LIMIT 1",
                )
                .await?;
            let row = client
                .query_opt(
                    &statement,
                    &[&workspace.to_string(), &document.0.as_bytes().as_slice()],
                )
                .await?;
            row.map(|row| {
                let person: String = row.try_get(0)?;
                uuid(&person).map(UserId)
            })
            .transpose()
        })
    }

    fn grants(&self, workspace: WorkspaceId, user: UserId) -> StoreFuture<'_, Option<Grants>> {
        Box::pin(async move {
            let mut client = self.client().await?;
            // One snapshot for the role, the territories and the teams.
            let transaction = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await?;
            let found = grants(&transaction, workspace, user).await?;
            transaction.commit().await?;
            Ok(found)
        })
    }

    fn set_team(&self, workspace: WorkspaceId, team: TeamSpec) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let workspace = workspace.to_string();
            // Each person once: as a member if named among both (SQLite's replace keeps the
            // members, inserted after the leads).
            let mut people: Vec<(String, bool)> = Vec::new();
            let mut index: HashMap<UserId, usize> = HashMap::new();
            let named = team
                .leads
                .iter()
                .map(|user| (user, true))
                .chain(team.members.iter().map(|user| (user, false)));
            for (user, leads) in named {
                match index.get(user) {
                    Some(&at) => {
                        if let Some(entry) = people.get_mut(at) {
                            entry.1 = leads;
                        }
                    }
                    None => {
                        index.insert(*user, people.len());
                        people.push((user.to_string(), leads));
                    }
                }
            }
            let (persons, leads): (Vec<String>, Vec<bool>) = people.into_iter().unzip();
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            // Creating or touching the team's row locks it: two instances replacing the same
            // team do it one after the other.
            let id: String = transaction
                .query_one(
                    "INSERT INTO teams (id, workspace, name) VALUES ($1, $2, $3)
                     ON CONFLICT (workspace, name) DO UPDATE SET name = EXCLUDED.name
                     RETURNING id",
                    &[&Uuid::new_v4().to_string(), &workspace, &team.name],
                )
                .await?
                .try_get(0)?;
            transaction
                .execute("DELETE FROM team_members WHERE team = $1", &[&id])
                .await?;
            transaction
                .execute("DELETE FROM team_territories WHERE team = $1", &[&id])
                .await?;
            if !persons.is_empty() {
                transaction
                    .execute(
                        "INSERT INTO team_members (team, person, leads)
                         SELECT $1::TEXT, users.id, named.leads
                         FROM UNNEST($2::TEXT[], $3::BOOLEAN[]) AS named (person, leads)
                         JOIN users ON users.id = named.person AND users.workspace = $4
                         ON CONFLICT (team, person) DO UPDATE SET leads = EXCLUDED.leads",
                        &[&id, &persons, &leads, &workspace],
                    )
                    .await?;
            }
            if !team.territories.is_empty() {
                transaction
                    .execute(
                        "INSERT INTO team_territories (team, territory)
                         SELECT $1::TEXT, territory FROM UNNEST($2::TEXT[]) AS territory
                         ON CONFLICT DO NOTHING",
                        &[&id, &team.territories],
                    )
                    .await?;
            }
            transaction.commit().await?;
            Ok(())
        })
    }

    fn acknowledge_purge(
        &self,
        workspace: WorkspaceId,
        device: DeviceId,
        documents: Vec<DocumentId>,
        at: i64,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let documents: Vec<Vec<u8>> = documents
                .iter()
                .map(|document| document.0.as_bytes().to_vec())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            if documents.is_empty() {
                return Ok(());
            }
            let client = self.client().await?;
            // One statement: atomic on its own.
            client
                .execute(
                    "INSERT INTO purges (workspace, device, document, acknowledged_at)
                     SELECT $1::TEXT, $2::TEXT, document, $4::BIGINT FROM UNNEST($3::BYTEA[]) AS document
                     ON CONFLICT (workspace, device, document)
                     DO UPDATE SET acknowledged_at = EXCLUDED.acknowledged_at",
                    &[&workspace.to_string(), &device.0.to_string(), &documents, &at],
                )
                .await?;
            Ok(())
        })
    }

    fn purges(
        &self,
        workspace: WorkspaceId,
        device: DeviceId,
    ) -> StoreFuture<'_, Vec<(DocumentId, i64)>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT document, acknowledged_at FROM purges
                     WHERE workspace = $1 AND device = $2 ORDER BY acknowledged_at, document",
                    &[&workspace.to_string(), &device.0.to_string()],
                )
                .await?;
            rows.iter()
                .map(|row| {
                    let document: Vec<u8> = row.try_get(0)?;
                    let at: i64 = row.try_get(1)?;
                    Ok((document_id(&document, "a purged document id")?, at))
                })
                .collect()
        })
    }

    fn teams(&self, workspace: WorkspaceId) -> StoreFuture<'_, Vec<TeamSpec>> {
        Box::pin(async move {
            let workspace = workspace.to_string();
            let mut client = self.client().await?;
            let transaction = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await?;
            let teams = transaction
                .query(
                    "SELECT id, name FROM teams WHERE workspace = $1 ORDER BY name COLLATE \"C\"",
                    &[&workspace],
                )
                .await?;
            let people = transaction
                .query(
                    "SELECT team_members.team, team_members.person, team_members.leads
                     FROM team_members JOIN teams ON teams.id = team_members.team
                     WHERE teams.workspace = $1
                     ORDER BY team_members.person COLLATE \"C\"",
                    &[&workspace],
                )
                .await?;
            let places = transaction
                .query(
                    "SELECT team_territories.team, team_territories.territory
                     FROM team_territories JOIN teams ON teams.id = team_territories.team
                     WHERE teams.workspace = $1
                     ORDER BY team_territories.territory COLLATE \"C\"",
                    &[&workspace],
                )
                .await?;
            transaction.commit().await?;
            let mut specs = Vec::with_capacity(teams.len());
            let mut by_id: HashMap<String, usize> = HashMap::with_capacity(teams.len());
            for row in &teams {
                let id: String = row.try_get(0)?;
                by_id.insert(id, specs.len());
                specs.push(TeamSpec {
                    name: row.try_get(1)?,
                    leads: Vec::new(),
                    members: Vec::new(),
                    territories: Vec::new(),
                });
            }
            for row in &people {
                let team: String = row.try_get(0)?;
                let person: String = row.try_get(1)?;
                let leads: bool = row.try_get(2)?;
                let spec = by_id
                    .get(&team)
                    .and_then(|&at| specs.get_mut(at))
                    .ok_or(StorageError::Corrupt("a team member's team"))?;
                let user = UserId(uuid(&person)?);
                if leads {
                    spec.leads.push(user);
                } else {
                    spec.members.push(user);
                }
            }
            for row in &places {
                let team: String = row.try_get(0)?;
                let spec = by_id
                    .get(&team)
                    .and_then(|&at| specs.get_mut(at))
                    .ok_or(StorageError::Corrupt("a team territory's team"))?;
                spec.territories.push(row.try_get(1)?);
            }
            Ok(specs)
        })
    }

    fn territories(&self, workspace: WorkspaceId) -> StoreFuture<'_, HashMap<UserId, Vec<String>>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT person, territory FROM territory_members WHERE workspace = $1
                     ORDER BY person COLLATE \"C\", territory COLLATE \"C\"",
                    &[&workspace.to_string()],
                )
                .await?;
            let mut territories: HashMap<UserId, Vec<String>> = HashMap::new();
            for row in &rows {
                let person: String = row.try_get(0)?;
                territories
                    .entry(UserId(uuid(&person)?))
                    .or_default()
                    .push(row.try_get(1)?);
            }
            Ok(territories)
        })
    }

    fn set_role(&self, workspace: WorkspaceId, user: UserId, role: Role) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let client = self.client().await?;
            let changed = client
                .execute(
                    "UPDATE users SET role = $3
                     WHERE id = $1 AND workspace = $2 AND disabled_at IS NULL",
                    &[&user.to_string(), &workspace.to_string(), &role.as_str()],
                )
                .await?;
            Ok(changed == 1)
        })
    }

    fn set_territories(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        territories: Vec<String>,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let (workspace, user) = (workspace.to_string(), user.to_string());
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            // Locks the person's row: two instances replacing their territories do it one
            // after the other (the last one wins, as with SQLite's single writer).
            let member = transaction
                .query_opt(
                    "SELECT id FROM users WHERE id = $1 AND workspace = $2 FOR NO KEY UPDATE",
                    &[&user, &workspace],
                )
                .await?;
            transaction
                .execute(
                    "DELETE FROM territory_members WHERE workspace = $1 AND person = $2",
                    &[&workspace, &user],
                )
                .await?;
            if member.is_some() && !territories.is_empty() {
                transaction
                    .execute(
                        "INSERT INTO territory_members (workspace, territory, person)
                         SELECT $1::TEXT, territory, $3::TEXT FROM UNNEST($2::TEXT[]) AS territory
                         ON CONFLICT DO NOTHING",
                        &[&workspace, &territories, &user],
                    )
                    .await?;
            }
            transaction.commit().await?;
            Ok(())
        })
    }

    fn set_invitation_access(
        &self,
        workspace: WorkspaceId,
        digest: [u8; 32],
        access: InvitationAccess,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(
                    "INSERT INTO invitation_access (digest, workspace, teams, territories)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (digest) DO UPDATE SET workspace = EXCLUDED.workspace,
                         teams = EXCLUDED.teams, territories = EXCLUDED.territories",
                    &[
                        &digest.as_slice(),
                        &workspace.to_string(),
                        &access.teams.join("\n"),
                        &access.territories.join("\n"),
                    ],
                )
                .await?;
            Ok(())
        })
    }

    fn invitations_access(
        &self,
        workspace: WorkspaceId,
    ) -> StoreFuture<'_, HashMap<[u8; 32], InvitationAccess>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT digest, teams, territories FROM invitation_access WHERE workspace = $1",
                    &[&workspace.to_string()],
                )
                .await?;
            let mut gives = HashMap::with_capacity(rows.len());
            for row in rows {
                let digest: Vec<u8> = row.try_get(0)?;
                let digest: [u8; 32] = digest
                    .try_into()
                    .map_err(|_| StorageError::Corrupt("an invitation's digest"))?;
                let (teams, territories): (String, String) = (row.try_get(1)?, row.try_get(2)?);
                gives.insert(
                    digest,
                    InvitationAccess {
                        teams: lines(&teams),
                        territories: lines(&territories),
                    },
                );
            }
            Ok(gives)
        })
    }

    fn take_invitation_access(
        &self,
        workspace: WorkspaceId,
        digest: [u8; 32],
    ) -> StoreFuture<'_, InvitationAccess> {
        Box::pin(async move {
            let client = self.client().await?;
            // Reads and forgets in one statement: of two instances taking it at once, one gets
            // it and the other nothing.
            let found = client
                .query_opt(
                    "DELETE FROM invitation_access WHERE digest = $1 AND workspace = $2
                     RETURNING teams, territories",
                    &[&digest.as_slice(), &workspace.to_string()],
                )
                .await?;
            let Some(row) = found else {
                return Ok(InvitationAccess::default());
            };
            let (teams, territories): (String, String) = (row.try_get(0)?, row.try_get(1)?);
            Ok(InvitationAccess {
                teams: lines(&teams),
                territories: lines(&territories),
            })
        })
    }
}

fn decode(row: &Row) -> Result<(DocumentId, AccessKeys), StorageError> {
    let document: Vec<u8> = row.try_get(0)?;
    let kind: Option<String> = row.try_get(1)?;
    let owner: Option<String> = row.try_get(2)?;
    let creator: Option<String> = row.try_get(3)?;
    let territory: Option<String> = row.try_get(4)?;
    let accounts: Vec<u8> = row.try_get(5)?;
    let document = document_id(&document, "a record's document id")?;
    if !accounts.len().is_multiple_of(16) {
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

fn document_id(bytes: &[u8], what: &'static str) -> Result<DocumentId, StorageError> {
    Uuid::from_slice(bytes)
        .map(DocumentId)
        .map_err(|_| StorageError::Corrupt(what))
}

async fn grants(
    transaction: &Transaction<'_>,
    workspace: WorkspaceId,
    user: UserId,
) -> Result<Option<Grants>, StorageError> {
    let (workspace, user_text) = (workspace.to_string(), user.to_string());
    let role = transaction
        .query_opt(
            "SELECT role FROM users WHERE id = $1 AND workspace = $2 AND disabled_at IS NULL",
            &[&user_text, &workspace],
        )
        .await?;
    let Some(role) = role else {
        return Ok(None);
    };
    let role: Role = role
        .try_get::<_, String>(0)?
        .parse()
        .map_err(|_| StorageError::Corrupt("a user's role"))?;
    if role == Role::Admin {
        return Ok(Some(Grants::admin(user)));
    }
    let mut territories: BTreeSet<String> = strings(
        transaction,
        "SELECT territory FROM territory_members WHERE workspace = $1 AND person = $2",
        &workspace,
        &user_text,
    )
    .await?;
    let mut people = BTreeSet::from([user]);
    if role == Role::Manager {
        territories.extend(
            strings(
                transaction,
                "SELECT team_territories.territory FROM team_territories
                 JOIN team_members ON team_members.team = team_territories.team
                 JOIN teams ON teams.id = team_members.team
                 WHERE teams.workspace = $1 AND team_members.person = $2 AND team_members.leads",
                &workspace,
                &user_text,
            )
            .await?,
        );
        for member in strings(
            transaction,
            "SELECT others.person FROM team_members AS others
             JOIN team_members AS mine ON mine.team = others.team
             JOIN teams ON teams.id = mine.team
             WHERE teams.workspace = $1 AND mine.person = $2 AND mine.leads",
            &workspace,
            &user_text,
        )
        .await?
        {
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

async fn strings(
    transaction: &Transaction<'_>,
    sql: &str,
    workspace: &str,
    user: &str,
) -> Result<BTreeSet<String>, StorageError> {
    let statement = transaction.prepare_cached(sql).await?;
    let rows = transaction.query(&statement, &[&workspace, &user]).await?;
    rows.iter()
        .map(|row| row.try_get::<_, String>(0).map_err(StorageError::from))
        .collect()
}
