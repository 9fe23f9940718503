//! Convergence under a hostile network: 3–7 replicas of one account and one deal apply random
//! CRM operations while their changes are delivered late, out of order, twice, or never (until a
//! final anti-entropy round). Every replica must end with the same heads and the same records,
//! and `load(save(document))` must equal the document after every step.
//!
//! Agreement is not enough (replicas that all lost the same edit agree): the merged record must
//! also preserve every edit made on any replica unless an edit removed it. Every typed word is
//! there, its characters in order (no character lost or duplicated unless a deletion took it),
//! every added task and activity is there unless removed, every completed task is still done.
//!
//! Runs 500 cases by default; set `CARNET_PROPTEST_CASES=10000` for a long soak.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use shared::account::{Account, AccountDocument, AccountDraft, Activity, ActivityKind, Task};
use shared::deal::{Deal, DealDocument};
use shared::document::Document;
use shared::edit::{Edit, Editor};
use shared::field::FieldPath;
use shared::ids::{AccountId, DealId, DeviceId, UserId};
use shared::record::Record;
use shared::values::{CurrencyCode, Date, Money};
use std::collections::{BTreeMap, HashSet};

use super::legacy;

/// How many cases to run: `CARNET_PROPTEST_CASES`, else 500.
fn cases() -> u32 {
    std::env::var("CARNET_PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(500)
}

const NAMES: [&str; 4] = [
    "Boulangerie Élevé",
    "Garage Dupuis",
    "Cave Lamartine",
    "Forge Bardin",
];
const CITIES: [&str; 3] = ["Lyon", "Orléans", "Saint-Étienne"];
const WORDS: [&str; 4] = ["visite ", "commande ", "rappeler ", "très satisfait "];
const STAGES: [&str; 4] = ["qualify", "meet", "propose", "sign"];
const TAGS: [&str; 3] = ["vin", "bio", "export"];

/// One step of the simulation.
#[derive(Clone, Debug)]
enum Step {
    Rename {
        replica: usize,
        name: usize,
    },
    MoveCity {
        replica: usize,
        city: usize,
    },
    TypeNotes {
        replica: usize,
        position: usize,
        delete: usize,
        word: usize,
    },
    AddActivity {
        replica: usize,
        at: i64,
    },
    TypeReport {
        replica: usize,
        pick: usize,
        position: usize,
        word: usize,
    },
    RemoveActivity {
        replica: usize,
        pick: usize,
    },
    AddTask {
        replica: usize,
        day: u8,
    },
    CompleteTask {
        replica: usize,
        pick: usize,
    },
    RemoveTask {
        replica: usize,
        pick: usize,
    },
    ToggleTag {
        replica: usize,
        tag: usize,
    },
    MoveDeal {
        replica: usize,
        stage: usize,
    },
    PriceDeal {
        replica: usize,
        cents: i64,
    },
    Migrate {
        replica: usize,
    },
    Send {
        from: usize,
        to: usize,
    },
    Deliver {
        message: usize,
    },
    Duplicate {
        message: usize,
    },
    Drop {
        message: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let replica = 0..7_usize;
    prop_oneof![
        1 => (replica.clone(), 0..NAMES.len()).prop_map(|(replica, name)| Step::Rename { replica, name }),
        1 => (replica.clone(), 0..CITIES.len()).prop_map(|(replica, city)| Step::MoveCity { replica, city }),
        3 => (replica.clone(), 0..40_usize, 0..4_usize, 0..WORDS.len()).prop_map(
            |(replica, position, delete, word)| Step::TypeNotes { replica, position, delete, word }
        ),
        2 => (replica.clone(), 0..1_000_i64).prop_map(|(replica, at)| Step::AddActivity { replica, at }),
        2 => (replica.clone(), 0..8_usize, 0..30_usize, 0..WORDS.len()).prop_map(
            |(replica, pick, position, word)| Step::TypeReport { replica, pick, position, word }
        ),
        1 => (replica.clone(), 0..8_usize).prop_map(|(replica, pick)| Step::RemoveActivity { replica, pick }),
        1 => (replica.clone(), 1..28_u8).prop_map(|(replica, day)| Step::AddTask { replica, day }),
        1 => (replica.clone(), 0..8_usize).prop_map(|(replica, pick)| Step::CompleteTask { replica, pick }),
        1 => (replica.clone(), 0..8_usize).prop_map(|(replica, pick)| Step::RemoveTask { replica, pick }),
        1 => (replica.clone(), 0..TAGS.len()).prop_map(|(replica, tag)| Step::ToggleTag { replica, tag }),
        2 => (replica.clone(), 0..STAGES.len()).prop_map(|(replica, stage)| Step::MoveDeal { replica, stage }),
        1 => (replica.clone(), 0..1_000_000_i64).prop_map(|(replica, cents)| Step::PriceDeal { replica, cents }),
        1 => (replica.clone()).prop_map(|replica| Step::Migrate { replica }),
        4 => (replica.clone(), replica).prop_map(|(from, to)| Step::Send { from, to }),
        4 => (0..64_usize).prop_map(|message| Step::Deliver { message }),
        1 => (0..64_usize).prop_map(|message| Step::Duplicate { message }),
        1 => (0..64_usize).prop_map(|message| Step::Drop { message }),
    ]
}

/// Changes in flight from one replica to another.
struct Message {
    /// The receiving replica (unused in the final all-to-all round).
    to: usize,
    account: Vec<Vec<u8>>,
    deal: Vec<Vec<u8>>,
}

/// One device: its copies of the two documents and what it last sent to each peer.
struct Replica {
    editor: Editor,
    account: AccountDocument,
    deal: DealDocument,
    sent_account: Vec<Vec<automerge::ChangeHash>>,
    sent_deal: Vec<Vec<automerge::ChangeHash>>,
}

/// Every edit made on any replica that the merged record must still show.
#[derive(Debug, Default)]
struct Ledger {
    /// Words typed into the account's notes, in typing order.
    typed_notes: Vec<&'static str>,
    /// Characters the notes' deletions removed where they were made (concurrent deletions
    /// of the same character count twice, so this bounds what may be missing from above).
    deleted_notes: usize,
    /// Tasks added (by id), completed, and removed.
    tasks_added: Vec<String>,
    tasks_completed: Vec<String>,
    tasks_removed: HashSet<String>,
    /// Activities added and removed, and the words typed into each one's report.
    activities_added: Vec<String>,
    activities_removed: HashSet<String>,
    reports: BTreeMap<String, Vec<&'static str>>,
}

/// The length in characters of the text at `path`, 0 when there is none (yet).
fn text_length(document: &AccountDocument, path: &FieldPath) -> usize {
    document.text(path).map_or(0, |text| text.chars().count())
}

/// Whether `word`'s characters appear in `text` in order.
fn is_subsequence(word: &str, text: &str) -> bool {
    let mut characters = text.chars();
    word.chars()
        .all(|wanted| characters.any(|found| found == wanted))
}

/// Every edit the ledger holds is in `document`, unless an edit removed it.
fn assert_preserved(document: &AccountDocument, ledger: &Ledger) -> Result<(), TestCaseError> {
    let account = document.record().map_err(fail)?;
    // A legacy document nobody typed into has no notes text yet.
    let notes = document.text(&FieldPath::root("notes")).unwrap_or_default();
    let typed: usize = ledger
        .typed_notes
        .iter()
        .map(|word| word.chars().count())
        .sum();
    let length = notes.chars().count();
    prop_assert!(
        length <= typed,
        "notes grew past what was typed: {:?}",
        notes
    );
    prop_assert!(
        length + ledger.deleted_notes >= typed,
        "notes lost characters no deletion took: {:?} after typing {:?}",
        notes,
        ledger.typed_notes
    );
    if ledger.deleted_notes == 0 {
        for word in &ledger.typed_notes {
            prop_assert!(
                is_subsequence(word, &notes),
                "{:?} lost from {:?}",
                word,
                notes
            );
        }
    }
    for id in &ledger.tasks_added {
        if !ledger.tasks_removed.contains(id) {
            prop_assert!(account.tasks.contains_key(id), "task {} lost", id);
        }
    }
    for id in &ledger.tasks_completed {
        if !ledger.tasks_removed.contains(id) {
            prop_assert!(
                account.tasks.get(id).is_some_and(|task| task.done),
                "task {} is no longer done",
                id
            );
        }
    }
    for id in &ledger.activities_added {
        if !ledger.activities_removed.contains(id) {
            prop_assert!(account.activities.contains_key(id), "activity {} lost", id);
        }
    }
    for (id, words) in &ledger.reports {
        if ledger.activities_removed.contains(id) {
            continue;
        }
        let report = document
            .text(&FieldPath::new(["activities", id.as_str(), "report"]))
            .map_err(fail)?;
        let typed: usize = words.iter().map(|word| word.chars().count()).sum();
        prop_assert_eq!(report.chars().count(), typed, "report {:?}", report);
        for word in words {
            prop_assert!(
                is_subsequence(word, &report),
                "{:?} lost from {:?}",
                word,
                report
            );
        }
    }
    Ok(())
}

fn fail(error: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(error.to_string())
}

/// `load(save(document))` has the same heads, content and record as `document`.
fn assert_round_trip<R: Record>(document: &mut Document<R>) -> Result<(), TestCaseError> {
    let mut loaded = Document::<R>::load(&document.save()).map_err(fail)?;
    prop_assert_eq!(loaded.heads(), document.heads());
    prop_assert_eq!(
        loaded.automerge_mut().document().hydrate(None),
        document.automerge_mut().document().hydrate(None)
    );
    prop_assert_eq!(
        loaded.record().map_err(fail)?,
        document.record().map_err(fail)?
    );
    Ok(())
}

/// The key of the `pick`-th entry of a map, if any.
fn nth_key<V>(map: &std::collections::BTreeMap<String, V>, pick: usize) -> Option<String> {
    if map.is_empty() {
        None
    } else {
        map.keys().nth(pick % map.len()).cloned()
    }
}

fn apply(
    replicas: &mut [Replica],
    network: &mut Vec<Message>,
    ledger: &mut Ledger,
    step: &Step,
    clock: i64,
) -> Result<Option<usize>, TestCaseError> {
    let count = replicas.len();
    let at = |replica: &usize| replica % count;
    let edit_of = |replica: &Replica| Edit::by(replica.editor, clock);
    let touched = match step {
        Step::Rename { replica, name } => {
            let r = &mut replicas[at(replica)];
            r.account
                .update(&edit_of(r), "rename", |a| a.name = NAMES[*name].to_owned())
                .map_err(fail)?;
            Some(at(replica))
        }
        Step::MoveCity { replica, city } => {
            let r = &mut replicas[at(replica)];
            r.account
                .update(&edit_of(r), "move", |a| {
                    for address in a.addresses.values_mut() {
                        address.city = CITIES[*city].to_owned();
                    }
                })
                .map_err(fail)?;
            Some(at(replica))
        }
        Step::TypeNotes {
            replica,
            position,
            delete,
            word,
        } => {
            let r = &mut replicas[at(replica)];
            let edit = edit_of(r);
            let notes = FieldPath::root("notes");
            let before = text_length(&r.account, &notes);
            r.account
                .splice_text(&edit, &notes, *position, *delete, WORDS[*word])
                .map_err(fail)?;
            let inserted = WORDS[*word].chars().count();
            ledger.typed_notes.push(WORDS[*word]);
            ledger.deleted_notes +=
                (before + inserted).saturating_sub(text_length(&r.account, &notes));
            Some(at(replica))
        }
        Step::AddActivity { replica, at: when } => {
            let r = &mut replicas[at(replica)];
            let id = shared::ids::ActivityId::generate().to_string();
            ledger.activities_added.push(id.clone());
            r.account
                .update(&edit_of(r), "log", |a| {
                    a.activities
                        .insert(id, Activity::new(ActivityKind::Visit, *when));
                })
                .map_err(fail)?;
            Some(at(replica))
        }
        Step::TypeReport {
            replica,
            pick,
            position,
            word,
        } => {
            let r = &mut replicas[at(replica)];
            let account = r.account.record().map_err(fail)?;
            if let Some(key) = nth_key(&account.activities, *pick) {
                let edit = edit_of(r);
                let report = FieldPath::new(["activities", key.as_str(), "report"]);
                r.account
                    .splice_text(&edit, &report, *position, 0, WORDS[*word])
                    .map_err(fail)?;
                ledger.reports.entry(key).or_default().push(WORDS[*word]);
            }
            Some(at(replica))
        }
        Step::RemoveActivity { replica, pick } => {
            let r = &mut replicas[at(replica)];
            let edit = edit_of(r);
            r.account
                .update(&edit, "remove activity", |a| {
                    if let Some(key) = nth_key(&a.activities, *pick) {
                        a.activities.remove(&key);
                        ledger.activities_removed.insert(key);
                    }
                })
                .map_err(fail)?;
            Some(at(replica))
        }
        Step::AddTask { replica, day } => {
            let r = &mut replicas[at(replica)];
            let due = Date::new(2026, 3, *day).map_err(fail)?;
            let id = shared::ids::TaskId::generate().to_string();
            ledger.tasks_added.push(id.clone());
            r.account
                .update(&edit_of(r), "task", |a| {
                    a.tasks.insert(id, Task::new("Relancer", Some(due)));
                })
                .map_err(fail)?;
            Some(at(replica))
        }
        Step::CompleteTask { replica, pick } => {
            let r = &mut replicas[at(replica)];
            let edit = edit_of(r);
            r.account
                .update(&edit, "done", |a| {
                    if let Some(key) = nth_key(&a.tasks, *pick) {
                        if let Some(task) = a.tasks.get_mut(&key) {
                            task.done = true;
                            ledger.tasks_completed.push(key);
                        }
                    }
                })
                .map_err(fail)?;
            Some(at(replica))
        }
        Step::RemoveTask { replica, pick } => {
            let r = &mut replicas[at(replica)];
            let edit = edit_of(r);
            r.account
                .update(&edit, "remove task", |a| {
                    if let Some(key) = nth_key(&a.tasks, *pick) {
                        a.tasks.remove(&key);
                        ledger.tasks_removed.insert(key);
                    }
                })
                .map_err(fail)?;
            Some(at(replica))
        }
        Step::ToggleTag { replica, tag } => {
            let r = &mut replicas[at(replica)];
            r.account
                .update(&edit_of(r), "tag", |a| {
                    if !a.tags.remove(TAGS[*tag]) {
                        a.tags.insert(TAGS[*tag]);
                    }
                })
                .map_err(fail)?;
            Some(at(replica))
        }
        Step::MoveDeal { replica, stage } => {
            let r = &mut replicas[at(replica)];
            r.deal
                .update(&edit_of(r), "move", |d| d.stage = STAGES[*stage].to_owned())
                .map_err(fail)?;
            Some(at(replica))
        }
        Step::PriceDeal { replica, cents } => {
            let r = &mut replicas[at(replica)];
            r.deal
                .update(&edit_of(r), "price", |d| {
                    d.amount = Some(Money::new(*cents, CurrencyCode::EUR));
                })
                .map_err(fail)?;
            Some(at(replica))
        }
        Step::Migrate { replica } => {
            let r = &mut replicas[at(replica)];
            let edit = edit_of(r);
            r.account.migrate(&edit).map_err(fail)?;
            Some(at(replica))
        }
        Step::Send { from, to } => {
            let (from, to) = (at(from), at(to));
            if from != to {
                let sender = &mut replicas[from];
                let account = sender.account.changes_since(&sender.sent_account[to]);
                let deal = sender.deal.changes_since(&sender.sent_deal[to]);
                sender.sent_account[to] = sender.account.heads();
                sender.sent_deal[to] = sender.deal.heads();
                network.push(Message { to, account, deal });
            }
            None
        }
        Step::Deliver { message } | Step::Duplicate { message } => {
            if network.is_empty() {
                return Ok(None);
            }
            let index = message % network.len();
            let to = network[index].to;
            let receiver = &mut replicas[to];
            receiver
                .account
                .apply_changes(&network[index].account)
                .map_err(fail)?;
            receiver
                .deal
                .apply_changes(&network[index].deal)
                .map_err(fail)?;
            if matches!(step, Step::Deliver { .. }) {
                network.remove(index);
            }
            Some(to)
        }
        Step::Drop { message } => {
            if !network.is_empty() {
                let index = message % network.len();
                network.remove(index);
            }
            None
        }
    };
    Ok(touched)
}

fn simulate(count: usize, legacy_start: bool, steps: &[Step]) -> Result<(), TestCaseError> {
    let account_id = AccountId::generate();
    let mut origin = if legacy_start {
        let legacy =
            legacy::account_schema_1(account_id, "Boulangerie Élevé", "Lyon", 1).map_err(fail)?;
        AccountDocument::from_automerge(legacy).map_err(fail)?
    } else {
        let draft = AccountDraft {
            name: "Boulangerie Élevé".to_owned(),
            city: "Lyon".to_owned(),
            postcode: String::new(),
        };
        AccountDocument::create(account_id, &draft, 1).map_err(fail)?
    };
    let mut deal_origin = DealDocument::new(
        DealId::generate(),
        &Deal::new("Fournitures 2026", STAGES[0]),
        &Edit::anonymous(1),
    )
    .map_err(fail)?;
    let account_bytes = origin.save();
    let deal_bytes = deal_origin.save();
    let mut replicas = Vec::with_capacity(count);
    for _ in 0..count {
        replicas.push(Replica {
            editor: Editor {
                user: UserId::generate(),
                device: DeviceId::generate(),
            },
            account: AccountDocument::load(&account_bytes).map_err(fail)?,
            deal: DealDocument::load(&deal_bytes).map_err(fail)?,
            sent_account: vec![Vec::new(); count],
            sent_deal: vec![Vec::new(); count],
        });
    }
    let mut network = Vec::new();
    let mut ledger = Ledger::default();
    for (clock, step) in (2..).zip(steps) {
        if let Some(touched) = apply(&mut replicas, &mut network, &mut ledger, step, clock)? {
            let replica = &mut replicas[touched];
            assert_round_trip(&mut replica.account)?;
            assert_round_trip(&mut replica.deal)?;
        }
    }

    // Anti-entropy: every replica receives everything every other replica has.
    let everything: Vec<Message> = replicas
        .iter_mut()
        .map(|r| Message {
            to: 0,
            account: r.account.changes_since(&[]),
            deal: r.deal.changes_since(&[]),
        })
        .collect();
    for replica in &mut replicas {
        for message in everything.iter().rev() {
            replica
                .account
                .apply_changes(&message.account)
                .map_err(fail)?;
            replica.deal.apply_changes(&message.deal).map_err(fail)?;
        }
    }

    let (first, rest) = replicas
        .split_first_mut()
        .ok_or_else(|| fail("no replicas"))?;
    let heads = (first.account.heads(), first.deal.heads());
    let records: (Account, Deal) = (
        first.account.record().map_err(fail)?,
        first.deal.record().map_err(fail)?,
    );
    for replica in rest {
        prop_assert_eq!(&(replica.account.heads(), replica.deal.heads()), &heads);
        prop_assert_eq!(
            &(
                replica.account.record().map_err(fail)?,
                replica.deal.record().map_err(fail)?
            ),
            &records
        );
        assert_round_trip(&mut replica.account)?;
    }
    assert_preserved(&first.account, &ledger)?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn replicas_converge_whatever_the_network_does(
        count in 3..=7_usize,
        legacy_start in any::<bool>(),
        steps in prop::collection::vec(step(), 1..48),
    ) {
        simulate(count, legacy_start, &steps)?;
    }
}
