//! Who may read and change which record: the relay's per-record access, as pure decisions.
//!
//! Every document has [`AccessKeys`], derived by the relay from the merged document (its kind,
//! owner, territory and accounts) and the person who first pushed it. A person's [`Grants`]
//! come from their role, the teams they lead and the territories they cover. From both, a
//! session computes its [`Scope`] (the documents its device may receive) and ingest decides
//! whether a push may change a record. No IO here: storage reads the keys and grants, and this
//! module answers.
//!
//! The matrix (`ARCHITECTURE.md` has it as a table):
//! - an *admin* reads and changes every record, and alone changes the settings beyond objectives
//!   and segments;
//! - a *manager* reads and changes the records held by the people of the teams they lead (and
//!   their own) or sitting in those teams' territories, and may hand them to anyone in that
//!   reach;
//! - a *rep* reads and changes the records they hold or that sit in their territories; a change
//!   that would take a record out of their reach (giving it to someone else outside their
//!   territories) is refused;
//! - a contact or a deal is read by whoever reads one of its accounts (or holds it);
//! - a quote or an order is read and changed by whoever reads its account, and by nobody else;
//! - everyone reads the catalogue's products; managers and admins change them;
//! - everyone reads the settings; managers change their objectives and segments
//!   ([`Grants::may_change_plans`], when ingest found nothing else of them changed); nobody but an
//!   admin changes the rest.

use std::collections::{BTreeSet, HashMap, HashSet};

use automerge::{AutoCommit, ReadDoc, ScalarValue, Value, ROOT};
use shared::protocol::DocumentId;
use shared::replica::{describe, Folded, IndexRow, RecordKind, ReplicaError};

use crate::identity::{Role, UserId};

/// What the relay knows of a record to decide who may read it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccessKeys {
    /// Its kind, once its document says (`None`: unknown so far, or written by a newer build).
    pub kind: Option<RecordKind>,
    /// The owner it names.
    pub owner: Option<UserId>,
    /// The person who first pushed it (its holder while it names no owner).
    pub creator: Option<UserId>,
    /// The territory it sits in (an account's; contacts and deals follow their accounts).
    pub territory: Option<String>,
    /// The accounts a contact or deal belongs to.
    pub accounts: Vec<DocumentId>,
}

impl AccessKeys {
    /// The keys of `automerge`, the merged document stored under `document`, first pushed by
    /// `creator`.
    pub fn of_document(
        document: DocumentId,
        automerge: AutoCommit,
        creator: Option<UserId>,
    ) -> Result<Self, ReplicaError> {
        Ok(Self::of_folded(&describe(document, automerge)?, creator))
    }

    /// The keys of a document already folded (its row derived), first pushed by `creator`.
    pub fn of_folded(folded: &Folded, creator: Option<UserId>) -> Self {
        let territory = root_text(&folded.automerge, "territory");
        let (owner, accounts) = match &folded.row {
            IndexRow::Account(row) => (user_of(row.owner.as_deref()), Vec::new()),
            IndexRow::Contact(row) => (user_of(row.owner.as_deref()), documents_of(&row.accounts)),
            IndexRow::Deal(row) => (
                user_of(row.owner.as_deref()),
                documents_of(row.account.as_slice()),
            ),
            IndexRow::Quote(row) => (None, documents_of(std::slice::from_ref(&row.account))),
            IndexRow::Order(row) => (None, documents_of(std::slice::from_ref(&row.account))),
            IndexRow::Product(_) | IndexRow::None => (None, Vec::new()),
        };
        Self {
            kind: folded.kind,
            owner,
            creator,
            territory: territory.filter(|_| folded.kind == Some(RecordKind::Account)),
            accounts,
        }
    }

    /// The person the record belongs to: its owner, else whoever created it.
    pub fn holder(&self) -> Option<UserId> {
        self.owner.or(self.creator)
    }
}

fn user_of(text: Option<&str>) -> Option<UserId> {
    text.and_then(|text| text.parse::<uuid::Uuid>().ok())
        .map(UserId)
}

fn documents_of(ids: &[String]) -> Vec<DocumentId> {
    ids.iter()
        .filter_map(|id| id.parse::<uuid::Uuid>().ok())
        .map(DocumentId)
        .collect()
}

fn root_text(automerge: &AutoCommit, key: &str) -> Option<String> {
    match automerge.get(ROOT, key) {
        Ok(Some((Value::Scalar(scalar), _))) => match scalar.as_ref() {
            ScalarValue::Str(text) => Some(text.to_string()),
            _ => None,
        },
        Ok(Some((Value::Object(automerge::ObjType::Text), id))) => automerge.text(id).ok(),
        _ => None,
    }
}

/// What one person may reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grants {
    /// The person.
    pub user: UserId,
    /// Their role.
    pub role: Role,
    /// The people whose records they reach: themselves, and for a manager the people of the
    /// teams they lead.
    pub people: BTreeSet<UserId>,
    /// The territories whose records they reach: a rep's own, and for a manager those of the
    /// teams they lead too.
    pub territories: BTreeSet<String>,
}

impl Grants {
    /// An admin's grants (everything).
    pub fn admin(user: UserId) -> Self {
        Self {
            user,
            role: Role::Admin,
            people: BTreeSet::from([user]),
            territories: BTreeSet::new(),
        }
    }

    /// Whether the person reads every record of the workspace.
    pub fn reads_everything(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether they may read a record with `keys`; `reads_account` says whether they read an
    /// account (for contacts and deals, which follow their accounts).
    pub fn reads(&self, keys: &AccessKeys, reads_account: impl Fn(&DocumentId) -> bool) -> bool {
        if self.reads_everything() {
            return true;
        }
        let holds = keys
            .holder()
            .is_some_and(|holder| self.people.contains(&holder));
        match keys.kind {
            Some(RecordKind::Settings | RecordKind::Product) => true,
            Some(RecordKind::Account) => {
                holds
                    || keys
                        .territory
                        .as_ref()
                        .is_some_and(|territory| self.territories.contains(territory))
            }
            Some(RecordKind::Contact | RecordKind::Deal) => {
                holds || keys.accounts.iter().any(reads_account)
            }
            // A quote or an order follows its account only: whoever wrote it reads it no more
            // once the account leaves their reach.
            Some(RecordKind::Quote | RecordKind::Order) => keys.accounts.iter().any(reads_account),
            None => holds,
        }
    }

    /// Whether a push may take a record from `before` (`None`: new to the relay) to `after`;
    /// `reads_account` answers for the accounts as they will be once the push is stored.
    pub fn may_change(
        &self,
        before: Option<&AccessKeys>,
        after: &AccessKeys,
        reads_account: impl Fn(&DocumentId) -> bool,
    ) -> bool {
        let kinds = [before.and_then(|keys| keys.kind), after.kind];
        if kinds.contains(&Some(RecordKind::Settings)) {
            return self.role == Role::Admin;
        }
        if self.reads_everything() {
            return true;
        }
        let kind_kept = match before.and_then(|keys| keys.kind) {
            Some(kind) => after.kind == Some(kind),
            None => true,
        };
        if kinds.contains(&Some(RecordKind::Product)) {
            // The catalogue: read by everyone, written by managers (and admins, above).
            return self.role == Role::Manager && kind_kept;
        }
        // Before: read through the accounts as they are now; an account the same push takes
        // out of reach is judged by its own keys.
        let reachable_before = before.is_none_or(|keys| self.reads(keys, &reads_account));
        kind_kept && reachable_before && self.reads(after, &reads_account)
    }

    /// Whether a push may take the settings from `before` to `after` when it changes nothing of
    /// them but objectives and segments (ingest compares the settings read before and after
    /// it): managers and admins plan; reps do not; a settings document new to the relay is not
    /// a plan.
    pub fn may_change_plans(&self, before: Option<&AccessKeys>, after: &AccessKeys) -> bool {
        let settings = Some(RecordKind::Settings);
        matches!(self.role, Role::Admin | Role::Manager)
            && before.and_then(|keys| keys.kind) == settings
            && after.kind == settings
    }
}

/// The documents one person's devices may receive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every document of the workspace (an admin).
    Everything,
    /// Only these.
    Only(HashSet<DocumentId>),
}

impl Scope {
    /// The scope of `grants` over the workspace's records.
    pub fn of(grants: &Grants, records: &HashMap<DocumentId, AccessKeys>) -> Self {
        if grants.reads_everything() {
            return Self::Everything;
        }
        let accounts: HashSet<DocumentId> = records
            .iter()
            .filter(|(_, keys)| keys.kind == Some(RecordKind::Account))
            .filter(|(_, keys)| grants.reads(keys, |_| false))
            .map(|(document, _)| *document)
            .collect();
        let readable = records
            .iter()
            .filter(|(document, keys)| {
                accounts.contains(document) || grants.reads(keys, |id| accounts.contains(id))
            })
            .map(|(document, _)| *document)
            .collect();
        Self::Only(readable)
    }

    /// Whether the scope holds `document`.
    pub fn contains(&self, document: &DocumentId) -> bool {
        match self {
            Self::Everything => true,
            Self::Only(documents) => documents.contains(document),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::account::Account;
    use shared::account::AccountDocument;
    use shared::edit::{Edit, Editor};
    use shared::ids::AccountId;
    use uuid::Uuid;

    fn user(n: u128) -> UserId {
        UserId(Uuid::from_u128(n))
    }

    fn document(n: u128) -> DocumentId {
        DocumentId(Uuid::from_u128(0xD0C0_0000 + n))
    }

    fn account(owner: Option<UserId>, territory: Option<&str>) -> AccessKeys {
        AccessKeys {
            kind: Some(RecordKind::Account),
            owner,
            creator: Some(user(99)),
            territory: territory.map(str::to_owned),
            accounts: Vec::new(),
        }
    }

    fn linked(kind: RecordKind, accounts: &[DocumentId]) -> AccessKeys {
        AccessKeys {
            kind: Some(kind),
            owner: None,
            creator: Some(user(99)),
            territory: None,
            accounts: accounts.to_vec(),
        }
    }

    fn rep(n: u128, territories: &[&str]) -> Grants {
        Grants {
            user: user(n),
            role: Role::Rep,
            people: BTreeSet::from([user(n)]),
            territories: territories.iter().map(|t| (*t).to_owned()).collect(),
        }
    }

    fn manager(n: u128, people: &[u128], territories: &[&str]) -> Grants {
        Grants {
            user: user(n),
            role: Role::Manager,
            people: people.iter().map(|p| user(*p)).chain([user(n)]).collect(),
            territories: territories.iter().map(|t| (*t).to_owned()).collect(),
        }
    }

    #[test]
    fn a_rep_reads_what_they_own_or_what_sits_in_their_territory_and_nothing_else() {
        let rachida = rep(2, &["idf"]);
        assert!(rachida.reads(&account(Some(user(2)), Some("ouest")), |_| false));
        assert!(rachida.reads(&account(Some(user(3)), Some("idf")), |_| false));
        assert!(!rachida.reads(&account(Some(user(3)), Some("ouest")), |_| false));
        assert!(!rachida.reads(&account(None, None), |_| false));
    }

    #[test]
    fn an_account_without_owner_belongs_to_whoever_created_it() {
        let mut keys = account(None, None);
        keys.creator = Some(user(2));
        assert!(rep(2, &[]).reads(&keys, |_| false));
        assert!(!rep(3, &[]).reads(&keys, |_| false));
    }

    #[test]
    fn contacts_and_deals_follow_their_accounts() {
        let rachida = rep(2, &["idf"]);
        let theirs = document(1);
        let contact = linked(RecordKind::Contact, &[document(7), theirs]);
        assert!(rachida.reads(&contact, |id| *id == theirs));
        assert!(!rachida.reads(&contact, |_| false));
        let deal = linked(RecordKind::Deal, &[theirs]);
        assert!(rachida.reads(&deal, |id| *id == theirs));
    }

    #[test]
    fn a_manager_reads_their_teams_people_and_territories_but_not_another_team() {
        let lead = manager(10, &[2, 3], &["idf", "ouest"]);
        assert!(lead.reads(&account(Some(user(2)), Some("sud")), |_| false));
        assert!(lead.reads(&account(Some(user(7)), Some("ouest")), |_| false));
        assert!(!lead.reads(&account(Some(user(7)), Some("sud")), |_| false));
    }

    #[test]
    fn everyone_reads_the_settings_and_only_an_admin_changes_them() {
        let settings = AccessKeys {
            kind: Some(RecordKind::Settings),
            ..AccessKeys::default()
        };
        let rachida = rep(2, &[]);
        let lead = manager(10, &[2], &[]);
        let admin = Grants::admin(user(1));
        for grants in [&rachida, &lead, &admin] {
            assert!(grants.reads(&settings, |_| false));
        }
        assert!(!rachida.may_change(Some(&settings), &settings, |_| false));
        assert!(!lead.may_change(Some(&settings), &settings, |_| false));
        assert!(admin.may_change(Some(&settings), &settings, |_| false));
        // A new document claiming to be the settings is the settings.
        assert!(!rachida.may_change(None, &settings, |_| false));
    }

    #[test]
    fn managers_and_admins_may_plan_in_the_settings_and_reps_may_not() {
        let settings = AccessKeys {
            kind: Some(RecordKind::Settings),
            ..AccessKeys::default()
        };
        let account = account(Some(user(2)), None);
        let rachida = rep(2, &[]);
        let lead = manager(10, &[2], &[]);
        let admin = Grants::admin(user(1));
        assert!(lead.may_change_plans(Some(&settings), &settings));
        assert!(admin.may_change_plans(Some(&settings), &settings));
        assert!(!rachida.may_change_plans(Some(&settings), &settings));
        // Not a plan: settings new to the relay, or a document that is or becomes another kind.
        assert!(!lead.may_change_plans(None, &settings));
        assert!(!lead.may_change_plans(Some(&settings), &account));
        assert!(!lead.may_change_plans(Some(&account), &settings));
    }

    #[test]
    fn everyone_reads_the_catalogue_and_only_managers_and_admins_change_it() {
        let product = AccessKeys {
            kind: Some(RecordKind::Product),
            creator: Some(user(10)),
            ..AccessKeys::default()
        };
        let rachida = rep(2, &[]);
        let lead = manager(10, &[], &[]);
        let other_lead = manager(11, &[], &[]);
        let admin = Grants::admin(user(1));
        for grants in [&rachida, &lead, &other_lead, &admin] {
            assert!(grants.reads(&product, |_| false));
        }
        assert!(!rachida.may_change(None, &product, |_| false));
        assert!(!rachida.may_change(Some(&product), &product, |_| false));
        assert!(lead.may_change(None, &product, |_| false));
        assert!(other_lead.may_change(Some(&product), &product, |_| false));
        assert!(admin.may_change(Some(&product), &product, |_| false));
        // A manager may not turn an account into a product, nor a product into an account.
        let theirs = account(Some(user(10)), None);
        assert!(!lead.may_change(Some(&theirs), &product, |_| false));
        assert!(!lead.may_change(Some(&product), &theirs, |_| false));
    }

    #[test]
    fn quotes_and_orders_follow_their_account_and_not_whoever_wrote_them() {
        let rachida = rep(2, &["idf"]);
        let mut quote = linked(RecordKind::Quote, &[document(1)]);
        quote.creator = Some(user(2));
        let order = linked(RecordKind::Order, &[document(1)]);
        let reads_hers = |id: &DocumentId| *id == document(1);
        assert!(rachida.reads(&quote, reads_hers));
        assert!(rachida.reads(&order, reads_hers));
        assert!(rachida.may_change(None, &order, reads_hers));
        // The account handed to a colleague outside her territory takes its quotes with it,
        // including the one she wrote.
        assert!(!rachida.reads(&quote, |_| false));
        assert!(!rachida.may_change(Some(&quote), &quote, |_| false));
        // A quote moved onto an account she cannot read is refused.
        let moved = linked(RecordKind::Quote, &[document(5)]);
        assert!(!rachida.may_change(Some(&quote), &moved, reads_hers));
    }

    #[test]
    fn a_rep_may_not_hand_an_account_out_of_their_reach_but_a_manager_may_within_the_team() {
        let rachida = rep(2, &["idf"]);
        let before = account(Some(user(2)), Some("ouest"));
        let to_remi = account(Some(user(3)), Some("ouest"));
        assert!(!rachida.may_change(Some(&before), &to_remi, |_| false));
        // Within her territory the account stays hers to read: allowed.
        let in_idf = account(Some(user(2)), Some("idf"));
        let in_idf_to_remi = account(Some(user(3)), Some("idf"));
        assert!(rachida.may_change(Some(&in_idf), &in_idf_to_remi, |_| false));

        let lead = manager(10, &[2, 3], &[]);
        assert!(lead.may_change(Some(&before), &to_remi, |_| false));
        let to_stranger = account(Some(user(7)), Some("sud"));
        assert!(!lead.may_change(Some(&before), &to_stranger, |_| false));
    }

    #[test]
    fn nobody_but_an_admin_changes_a_record_they_cannot_read_or_its_kind() {
        let rachida = rep(2, &["idf"]);
        let foreign = account(Some(user(3)), Some("sud"));
        let taken = account(Some(user(2)), Some("sud"));
        assert!(!rachida.may_change(Some(&foreign), &taken, |_| false));
        assert!(Grants::admin(user(1)).may_change(Some(&foreign), &taken, |_| false));
        let mut as_contact = account(Some(user(2)), None);
        as_contact.kind = Some(RecordKind::Contact);
        let mine = account(Some(user(2)), None);
        assert!(!rachida.may_change(Some(&mine), &as_contact, |_| false));
    }

    #[test]
    fn a_scope_holds_the_contacts_and_deals_of_the_accounts_it_holds() {
        let rachida = rep(2, &["idf"]);
        let records = HashMap::from([
            (document(1), account(Some(user(3)), Some("idf"))),
            (document(2), account(Some(user(3)), Some("sud"))),
            (
                document(3),
                linked(RecordKind::Contact, &[document(2), document(1)]),
            ),
            (document(4), linked(RecordKind::Deal, &[document(2)])),
            (
                document(5),
                AccessKeys {
                    kind: Some(RecordKind::Settings),
                    ..AccessKeys::default()
                },
            ),
        ]);
        let Scope::Only(scope) = Scope::of(&rachida, &records) else {
            panic!("a rep's scope is a list");
        };
        let expected: HashSet<_> = [document(1), document(3), document(5)].into();
        assert_eq!(scope, expected);
        assert_eq!(
            Scope::of(&Grants::admin(user(1)), &records),
            Scope::Everything
        );
    }

    #[test]
    fn keys_are_read_from_the_merged_document() -> Result<(), Box<dyn std::error::Error>> {
        let id = AccountId::from_bytes([7; 16]);
        let mut draft = Account::named("Boulangerie Martin");
        draft.owner = Some(shared::ids::UserId::from_bytes(*user(3).0.as_bytes()));
        draft.territory = Some("idf".to_owned());
        let editor = Editor {
            user: shared::ids::UserId::from_bytes(*user(3).0.as_bytes()),
            device: shared::ids::DeviceId::from_bytes([4; 16]),
        };
        let mut account = AccountDocument::new(id, &draft, &Edit::by(editor, 1_700_000_000))?;
        let document = DocumentId(Uuid::from_bytes(*id.as_bytes()));
        let bytes = account.save();
        let keys = AccessKeys::of_document(document, AutoCommit::load(&bytes)?, Some(user(9)))?;
        assert_eq!(keys.kind, Some(RecordKind::Account));
        assert_eq!(keys.owner, Some(user(3)));
        assert_eq!(keys.territory.as_deref(), Some("idf"));
        assert_eq!(keys.holder(), Some(user(3)));
        Ok(())
    }
}
