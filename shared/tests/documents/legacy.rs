//! Writers for document versions this build no longer writes, byte-for-byte as those versions
//! wrote them, so migrations and fixtures can be tested against the real old shape.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{AutoCommit, AutomergeError, ScalarValue, ROOT};
use shared::ids::AccountId;

/// An account as the first slice (schema 1) created it: `kind`, `schema`, `id`, `name` and
/// `city` at the root, in one anonymous change.
pub(crate) fn account_schema_1(
    id: AccountId,
    name: &str,
    city: &str,
    time: i64,
) -> Result<AutoCommit, AutomergeError> {
    let mut document = AutoCommit::new();
    document.put(ROOT, "kind", "account")?;
    document.put(ROOT, "schema", ScalarValue::Uint(1))?;
    document.put(ROOT, "id", id.to_string())?;
    document.put(ROOT, "name", name)?;
    document.put(ROOT, "city", city)?;
    document.commit_with(
        CommitOptions::default()
            .with_message("create account")
            .with_time(time),
    );
    Ok(document)
}
