//! Schema versions and the migrations between them.
//!
//! Every document stores the schema version that shaped it under the root key `schema`. A
//! migration has two parts, chosen so that devices migrating the same document concurrently
//! (each offline, each on first edit) converge instead of fighting:
//!
//! - `prepare` creates the new shape (maps, texts, renamed keys). It runs on a fork of the
//!   document *as it was created*, under an actor derived from the record's id and with the
//!   creation's timestamp, so every device produces the byte-identical change: merging two
//!   migrated copies deduplicates it rather than creating two competing objects.
//! - `carry_over` then moves data that later edits wrote in the old shape, as an ordinary
//!   change; it must be idempotent, since several devices may run it.
//!
//! Fields the running version does not know are never touched, so a newer version's fields
//! survive an older version's edits. This module must not know any record's Rust type.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{
    ActorId, AutoCommit, AutomergeError, ChangeHash, ReadDoc, ScalarValue, Value, ROOT,
};

use crate::edit::Edit;

/// The root key holding the schema version.
pub(crate) const SCHEMA_KEY: &str = "schema";

/// One step from version `to - 1` to version `to`.
#[derive(Debug)]
pub struct Migration {
    /// The version this step produces.
    pub to: u64,
    /// Creates the new shape; sees the document as created. Deterministic.
    pub prepare: fn(&mut AutoCommit) -> Result<(), AutomergeError>,
    /// Moves data written in the old shape after creation. Idempotent.
    pub carry_over: fn(&mut AutoCommit) -> Result<(), AutomergeError>,
}

/// Why a document could not be migrated.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    /// Automerge refused a step.
    #[error("migrating to schema {to} failed")]
    Step {
        /// The version being produced.
        to: u64,
        /// What automerge said.
        #[source]
        source: Box<AutomergeError>,
    },
    /// A version with no migration leading to it.
    #[error("no migration leads to schema {0}")]
    Missing(u64),
}

/// The schema version of `document` as of `heads` (now when `None`); 1 when absent.
pub fn schema_version(document: &impl ReadDoc, heads: Option<&[ChangeHash]>) -> u64 {
    let value = match heads {
        Some(heads) => document.get_at(ROOT, SCHEMA_KEY, heads),
        None => document.get(ROOT, SCHEMA_KEY),
    };
    match value {
        Ok(Some((Value::Scalar(scalar), _))) => match scalar.as_ref() {
            ScalarValue::Uint(version) => *version,
            ScalarValue::Int(version) => u64::try_from(*version).unwrap_or(1),
            _ => 1,
        },
        _ => 1,
    }
}

/// Brings `document` up to `target` with `migrations`; returns whether anything changed.
/// `actor_seed` identifies the record (its id's bytes); `edit` stamps the carry-over change.
pub(crate) fn migrate(
    document: &mut AutoCommit,
    migrations: &[Migration],
    target: u64,
    actor_seed: [u8; 16],
    edit: &Edit,
) -> Result<bool, MigrationError> {
    let current = schema_version(document, None);
    if current < target {
        prepare(document, migrations, target, actor_seed)?;
    }
    // Carry-overs run on every edit, not only when the version changes: a device still on an
    // older version may write the old shape after this one migrated. They are cheap lookups.
    set_author(document, edit);
    for migration in migrations.iter().filter(|migration| migration.to <= target) {
        (migration.carry_over)(document).map_err(|source| MigrationError::Step {
            to: migration.to,
            source: Box::new(source),
        })?;
    }
    let carried = document.pending_ops() > 0;
    if carried {
        document.commit_with(
            CommitOptions::default()
                .with_message(format!("carry data over to schema {target}"))
                .with_time(edit.time),
        );
    }
    Ok(current < target || carried)
}

/// Commits the structural steps up to `target` as deterministic changes and merges them in.
fn prepare(
    document: &mut AutoCommit,
    migrations: &[Migration],
    target: u64,
    actor_seed: [u8; 16],
) -> Result<(), MigrationError> {
    let current = schema_version(document, None);
    let creation: Vec<ChangeHash> = document
        .get_changes_meta(&[])
        .iter()
        .filter(|change| change.deps.is_empty())
        .map(|change| change.hash)
        .collect();
    let creation_time = document
        .get_change_meta_by_hash(creation.first().unwrap_or(&ChangeHash([0; 32])))
        .map_or(0, |change| change.timestamp);
    let created_at = schema_version(document, Some(&creation));
    let step_error = |to| {
        move |source| MigrationError::Step {
            to,
            source: Box::new(source),
        }
    };

    let mut fork = document
        .fork_at(&creation)
        .map_err(step_error(current + 1))?;
    fork.set_author(None);
    fork.set_actor(migration_actor(actor_seed));
    for version in created_at + 1..=target {
        let migration = migrations
            .iter()
            .find(|migration| migration.to == version)
            .ok_or(MigrationError::Missing(version))?;
        (migration.prepare)(&mut fork).map_err(step_error(version))?;
        fork.put(ROOT, SCHEMA_KEY, ScalarValue::Uint(version))
            .map_err(step_error(version))?;
        fork.commit_with(
            CommitOptions::default()
                .with_message(format!("migrate to schema {version}"))
                .with_time(creation_time),
        );
    }
    document.merge(&mut fork).map_err(step_error(target))?;
    Ok(())
}

/// The actor every device uses for a record's deterministic migration changes.
fn migration_actor(seed: [u8; 16]) -> ActorId {
    let mut bytes = seed.to_vec();
    bytes.extend_from_slice(b"migration");
    ActorId::from(bytes)
}

/// Makes `edit`'s editor the author of the next change.
pub(crate) fn set_author(document: &mut AutoCommit, edit: &Edit) {
    let author = edit.editor.map(crate::edit::Editor::to_author);
    document.set_author(author);
}
