//! The per-record authorisation matrix: who receives and who may change which record, through
//! every way a device reads (catch-up, bootstrap, a snapshot asked for by id) and writes (push).
//!
//! One workspace: an admin; a manager leading team A (rep `inside`, territory `idf`); a manager
//! leading team B (rep `outside`, territory `sud`); a disabled rep; and a device of another
//! workspace. Records: an account held by `inside` in `idf`, a contact, a deal, a quote and an
//! order of it, the workspace settings and a catalogue product, each carrying a marker no
//! device outside its reach may ever see.

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc, ROOT};
use futures_util::StreamExt;
use server::identity::{Principal, Role};
use server::storage::access::TeamSpec;
use shared::account::{Account, AccountDocument};
use shared::cockpit::{Filter, Segment};
use shared::contact::{Contact, ContactDocument};
use shared::deal::{Deal, DealDocument};
use shared::edit::{Edit, Editor};
use shared::ids::{AccountId, ContactId, DealId, LineId, OrderId, ProductId, QuoteId};
use shared::protocol::client::ClientPhase;
use shared::protocol::{Change, ClientMessage, DocumentId, ServerMessage};
use shared::sales::{
    DeviceCode, Line, NumberBook, Order, OrderDocument, Product, ProductDocument, ProductDraft,
    Quantity, Quote, QuoteDocument, QuoteStatus, QuoteTransition, Series, VatRate,
};
use shared::settings::{
    ObjectiveMetric, ObjectiveSetting, SegmentSetting, Settings, SettingsDocument,
};
use shared::values::{CurrencyCode, Date, Money};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use crate::harness::{send, shared_user, Device, Relay, TestResult};

const NOW: i64 = 1_780_000_000;

/// The people of the matrix, in its row order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Admin,
    LeadOfTeam,
    LeadOfOtherTeam,
    RepInTerritory,
    RepOutside,
    Disabled,
    OtherWorkspace,
}

const EVERYONE: [Who; 7] = [
    Who::Admin,
    Who::LeadOfTeam,
    Who::LeadOfOtherTeam,
    Who::RepInTerritory,
    Who::RepOutside,
    Who::Disabled,
    Who::OtherWorkspace,
];

/// The records of the matrix, in its column order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum What {
    Account,
    Contact,
    Deal,
    Settings,
    Product,
    Quote,
    Order,
}

const RECORDS: [What; 7] = [
    What::Account,
    What::Contact,
    What::Deal,
    What::Settings,
    What::Product,
    What::Quote,
    What::Order,
];

/// Whether `who` may read `what` (the matrix of `ARCHITECTURE.md`).
fn reads(who: Who, what: What) -> bool {
    match who {
        Who::Admin | Who::LeadOfTeam | Who::RepInTerritory => true,
        // The settings and the catalogue are everyone's; quotes and orders follow the account.
        Who::LeadOfOtherTeam | Who::RepOutside => matches!(what, What::Settings | What::Product),
        Who::Disabled | Who::OtherWorkspace => false,
    }
}

/// Whether `who` may change `what`.
fn writes(who: Who, what: What) -> bool {
    match what {
        What::Settings => who == Who::Admin,
        What::Product => matches!(who, Who::Admin | Who::LeadOfTeam | Who::LeadOfOtherTeam),
        _ => reads(who, what),
    }
}

struct Matrix {
    relay: Relay,
    people: Vec<(Who, Principal)>,
    records: Vec<(What, DocumentId, String)>,
    /// The admin's copies, to make colleagues' edits on top of.
    copies: Vec<AutoCommit>,
}

pub(crate) fn editor(principal: Principal) -> Editor {
    Editor {
        user: shared_user(principal.user),
        device: shared::ids::DeviceId::from_bytes(*principal.device.0.as_bytes()),
    }
}

pub(crate) fn document_of(bytes: [u8; 16]) -> DocumentId {
    DocumentId(Uuid::from_bytes(bytes))
}

impl Matrix {
    async fn set_up() -> TestResult<Self> {
        let relay = Relay::start().await?;
        let seed = relay.workspace(1).await?[0];
        let admin = relay.person(seed, Role::Admin, None).await?;
        let lead = relay.person(seed, Role::Manager, None).await?;
        let other_lead = relay.person(seed, Role::Manager, None).await?;
        let inside = relay.person(seed, Role::Rep, None).await?;
        let outside = relay.person(seed, Role::Rep, None).await?;
        let disabled = relay.person(seed, Role::Rep, Some(NOW)).await?;
        let stranger = relay.workspace(1).await?[0];
        let access = &relay.state.access;
        for (name, leads, member, territory) in [
            ("A", lead, inside, "idf"),
            ("B", other_lead, outside, "sud"),
        ] {
            let team = TeamSpec {
                name: name.to_owned(),
                leads: vec![leads.user],
                members: vec![member.user],
                territories: vec![territory.to_owned()],
            };
            access.set_team(seed.workspace, team).await?;
            access
                .set_territories(seed.workspace, member.user, vec![territory.to_owned()])
                .await?;
        }
        access
            .set_territories(seed.workspace, disabled.user, vec!["idf".to_owned()])
            .await?;

        // The admin creates every record, each with its marker.
        let marker = |what: &str| format!("MARKER-{what}-{}", Uuid::new_v4().simple());
        let edit = Edit::by(editor(admin), NOW);
        let account_id = AccountId::from_bytes(*Uuid::new_v4().as_bytes());
        let account_marker = marker("account");
        let mut account = Account::named(&account_marker);
        account.owner = Some(shared_user(inside.user));
        account.territory = Some("idf".to_owned());
        let mut account = AccountDocument::new(account_id, &account, &edit)?;
        let contact_id = ContactId::from_bytes(*Uuid::new_v4().as_bytes());
        let contact_marker = marker("contact");
        let mut contact = Contact::named("Claire", &contact_marker);
        contact.accounts.insert(account_id.to_string());
        let mut contact = ContactDocument::new(contact_id, &contact, &edit)?;
        let deal_id = DealId::from_bytes(*Uuid::new_v4().as_bytes());
        let deal_marker = marker("deal");
        let mut deal = Deal::new(&deal_marker, "qualify");
        deal.account = Some(account_id);
        deal.owner = Some(shared_user(inside.user));
        let mut deal = DealDocument::new(deal_id, &deal, &edit)?;
        let settings_id = shared::ids::WorkspaceId::from_bytes(*seed.workspace.0.as_bytes());
        let settings_marker = marker("settings");
        let mut settings = Settings::starter();
        settings.territories.insert(
            "idf".to_owned(),
            shared::settings::Territory::named(&settings_marker),
        );
        let mut settings = SettingsDocument::new(settings_id, &settings, &edit)?;
        let product_id = ProductId::from_bytes(*Uuid::new_v4().as_bytes());
        let product_marker = marker("product");
        let product = Product::from_draft(&ProductDraft {
            reference: "REF-1".to_owned(),
            name: product_marker.clone(),
            unit_price: "10".to_owned(),
            vat_rate: "20".to_owned(),
            ..ProductDraft::default()
        })?;
        let mut product = ProductDocument::new(product_id, &product, &edit)?;
        let mut book = NumberBook::new(DeviceCode::parse("7K2Q")?);
        let line = Line::free(
            "Révision",
            Quantity::ONE,
            Money::new(48_000, CurrencyCode::EUR),
            VatRate::Standard,
            0,
        );
        let issued = Date::parse("2026-06-01")?;
        let quote_id = QuoteId::from_bytes(*Uuid::new_v4().as_bytes());
        let quote_marker = marker("quote");
        let mut quote = Quote::new(
            book.issue(Series::Quote, 2026)?,
            account_id,
            issued,
            CurrencyCode::EUR,
        )?;
        quote.payment_terms = quote_marker.clone();
        quote.lines.insert(LineId::generate(), line.clone());
        let mut quote = QuoteDocument::create(quote_id, &quote, &edit)?;
        let order_id = OrderId::from_bytes(*Uuid::new_v4().as_bytes());
        let order_marker = marker("order");
        let mut order = Order::direct(
            book.issue(Series::Order, 2026)?,
            account_id,
            CurrencyCode::EUR,
            issued,
            [(LineId::generate(), line)].into_iter().collect(),
        )?;
        order.payment_terms = order_marker.clone();
        let mut order = OrderDocument::create(order_id, &order, &edit)?;

        let records = vec![
            (
                What::Account,
                document_of(*account_id.as_bytes()),
                account_marker,
            ),
            (
                What::Contact,
                document_of(*contact_id.as_bytes()),
                contact_marker,
            ),
            (What::Deal, document_of(*deal_id.as_bytes()), deal_marker),
            (
                What::Settings,
                document_of(*settings_id.as_bytes()),
                settings_marker,
            ),
            (
                What::Product,
                document_of(*product_id.as_bytes()),
                product_marker,
            ),
            (What::Quote, document_of(*quote_id.as_bytes()), quote_marker),
            (What::Order, document_of(*order_id.as_bytes()), order_marker),
        ];
        let copies = vec![
            AutoCommit::load(&account.save())?,
            AutoCommit::load(&contact.save())?,
            AutoCommit::load(&deal.save())?,
            AutoCommit::load(&settings.save())?,
            AutoCommit::load(&product.save())?,
            AutoCommit::load(&quote.save())?,
            AutoCommit::load(&order.save())?,
        ];
        let mut writer = Device::new(admin);
        for ((_, document, _), copy) in records.iter().zip(&copies) {
            for change in copy.clone().get_changes(&[]) {
                writer
                    .queue(Change {
                        document: *document,
                        bytes: change.raw_bytes().to_vec(),
                    })
                    .await?;
            }
        }
        writer.connect(&relay).await?;
        writer
            .until("the records stored", |device| device.outbox.is_empty())
            .await?;
        assert_eq!(writer.forbidden, 0);
        Ok(Self {
            relay,
            people: vec![
                (Who::Admin, admin),
                (Who::LeadOfTeam, lead),
                (Who::LeadOfOtherTeam, other_lead),
                (Who::RepInTerritory, inside),
                (Who::RepOutside, outside),
                (Who::Disabled, disabled),
                (Who::OtherWorkspace, stranger),
            ],
            records,
            copies,
        })
    }

    fn principal(&self, who: Who) -> TestResult<Principal> {
        self.people
            .iter()
            .find(|(person, _)| *person == who)
            .map(|(_, principal)| *principal)
            .ok_or_else(|| format!("no {who:?}").into())
    }

    /// What a new device of `who` holds once synced (`None`: the relay refused the session).
    async fn download(&self, who: Who) -> TestResult<Option<Device>> {
        let mut device = Device::new(self.principal(who)?);
        device.connect(&self.relay).await?;
        let synced = device
            .until("the download", |device| {
                device.client.phase() == ClientPhase::Live
            })
            .await;
        if synced.is_err() {
            assert_eq!(
                device.refusals,
                vec![shared::protocol::ErrorCode::Unauthorised],
                "{who:?}: {synced:?}"
            );
            return Ok(None);
        }
        Ok(Some(device))
    }

    /// Asserts that a synced device holds exactly what `who` may read, and that nothing it holds
    /// carries the marker of a record out of its reach.
    fn assert_holds(&self, who: Who, device: Option<&Device>, how: &str) -> TestResult {
        let Some(device) = device else {
            assert!(
                RECORDS.iter().all(|what| !reads(who, *what)),
                "{who:?} was refused but may read something ({how})"
            );
            return Ok(());
        };
        let held: HashSet<DocumentId> = device.others.keys().copied().collect();
        for (what, document, marker) in &self.records {
            assert_eq!(
                held.contains(document),
                reads(who, *what),
                "{who:?} × {what:?} ({how})"
            );
            if !reads(who, *what) {
                for replica in device.others.values() {
                    assert!(
                        !text_of(replica).contains(marker.as_str()),
                        "{who:?} holds {what:?}'s marker ({how})"
                    );
                }
            }
        }
        Ok(())
    }

    /// The bytes of the snapshot `who` is answered for `document`.
    async fn snapshot_for(&self, who: Who, document: DocumentId) -> TestResult<Option<Vec<u8>>> {
        let mut device = Device::new(self.principal(who)?);
        device.connect(&self.relay).await?;
        let welcomed = device
            .until("the welcome", |device| {
                device.client.phase() != ClientPhase::Handshaking
            })
            .await;
        if welcomed.is_err() {
            return Ok(None);
        }
        let socket = device.socket.as_mut().ok_or("not connected")?;
        send(socket, &ClientMessage::Snapshot { document }).await?;
        loop {
            match tokio::time::timeout(Duration::from_secs(5), socket.next()).await? {
                Some(Ok(Message::Binary(frame))) => {
                    if let Ok(ServerMessage::Snapshot { bytes, .. }) =
                        shared::protocol::codec::decode_server(&frame)
                    {
                        return Ok(Some(bytes));
                    }
                }
                Some(Ok(_)) => {}
                _ => return Err("no snapshot answer".into()),
            }
        }
    }

    /// Pushes an edit of `who`'s to record `index` and says whether it was stored.
    async fn push(&self, who: Who, index: usize) -> TestResult<Option<bool>> {
        let principal = self.principal(who)?;
        let (_, document, _) = self.records.get(index).ok_or("no record")?;
        let mut copy = self.copies.get(index).ok_or("no copy")?.clone();
        copy.set_actor(automerge::ActorId::random());
        copy.put(ROOT, "notes_by", principal.user.to_string())?;
        copy.commit();
        let bytes = copy
            .get_last_local_change()
            .ok_or("no change")?
            .raw_bytes()
            .to_vec();
        let mut device = Device::new(principal);
        device
            .queue(Change {
                document: *document,
                bytes,
            })
            .await?;
        device.connect(&self.relay).await?;
        let answered = device
            .until("the push's answer", |device| {
                device.acknowledged + device.forbidden > 0
            })
            .await;
        if answered.is_err() {
            return Ok(None);
        }
        Ok(Some(device.acknowledged > 0))
    }
}

impl Matrix {
    /// Pushes `who`'s edit of the settings, made through the settings record as a device makes
    /// it, and says whether it was stored.
    async fn push_settings(
        &self,
        who: Who,
        message: &str,
        change: impl FnOnce(&mut Settings),
    ) -> TestResult<Option<bool>> {
        let principal = self.principal(who)?;
        let index = RECORDS
            .iter()
            .position(|what| *what == What::Settings)
            .ok_or("no settings")?;
        let (_, document, _) = self.records.get(index).ok_or("no record")?;
        let copy = self.copies.get(index).ok_or("no copy")?.clone();
        let mut settings = SettingsDocument::from_automerge(copy)?;
        settings.update(&Edit::by(editor(principal), NOW), message, change)?;
        let bytes = settings
            .automerge_mut()
            .get_last_local_change()
            .ok_or("no change")?
            .raw_bytes()
            .to_vec();
        let mut device = Device::new(principal);
        device
            .queue(Change {
                document: *document,
                bytes,
            })
            .await?;
        device.connect(&self.relay).await?;
        let answered = device
            .until("the push's answer", |device| {
                device.acknowledged + device.forbidden > 0
            })
            .await;
        if answered.is_err() {
            return Ok(None);
        }
        Ok(Some(device.acknowledged > 0))
    }

    /// The settings' document id.
    fn settings_document(&self) -> TestResult<DocumentId> {
        self.records
            .iter()
            .find(|(what, _, _)| *what == What::Settings)
            .map(|(_, document, _)| *document)
            .ok_or_else(|| "no settings".into())
    }
}

fn objective_for(rep: Principal) -> ObjectiveSetting {
    ObjectiveSetting {
        rep: Some(shared_user(rep.user)),
        team: None,
        period: "2026-06".to_owned(),
        metric: ObjectiveMetric::Visits,
        currency: None,
        target: 12,
    }
}

#[tokio::test]
async fn a_manager_sets_an_objective_and_it_is_stored_and_reaches_the_reps_device() -> TestResult {
    let matrix = Matrix::set_up().await?;
    let settings = matrix.settings_document()?;
    let mut rep = matrix
        .download(Who::RepInTerritory)
        .await?
        .ok_or("the rep was refused")?;
    let inside = matrix.principal(Who::RepInTerritory)?;
    let stored = matrix
        .push_settings(Who::LeadOfTeam, "set an objective", |settings| {
            settings
                .objectives
                .insert("june-visits".to_owned(), objective_for(inside));
        })
        .await?;
    assert_eq!(stored, Some(true));
    rep.until("the objective", |device| {
        device.others.get(&settings).is_some_and(|replica| {
            SettingsDocument::from_automerge(replica.clone())
                .and_then(|document| document.record())
                .is_ok_and(|read| read.objectives.contains_key("june-visits"))
        })
    })
    .await?;
    // A segment too: the manager's other plan.
    let lead = matrix.principal(Who::LeadOfTeam)?;
    let segment = Segment {
        name: "Sans visite depuis 60 jours".to_owned(),
        filters: vec![Filter::NoVisitFor { days: 60 }],
    };
    let saved = SegmentSetting::new(&segment, shared_user(lead.user), NOW)?;
    let stored = matrix
        .push_settings(Who::LeadOfTeam, "save a segment", |settings| {
            settings.segments.insert("silent".to_owned(), saved);
        })
        .await?;
    assert_eq!(stored, Some(true));
    Ok(())
}

#[tokio::test]
async fn a_manager_renaming_a_stage_or_changing_a_territory_is_refused_and_nothing_is_stored(
) -> TestResult {
    let matrix = Matrix::set_up().await?;
    let workspace = matrix.principal(Who::Admin)?.workspace;
    let inside = matrix.principal(Who::RepInTerritory)?;
    let head = matrix.relay.state.log.head(workspace).await?;
    let renamed = matrix
        .push_settings(Who::LeadOfTeam, "rename a stage", |settings| {
            if let Some(stage) = settings.pipeline_stages.get_mut("meet") {
                stage.name = "Visite".to_owned();
            }
        })
        .await?;
    assert_eq!(renamed, Some(false));
    // An objective in the same change does not carry a territory's change through.
    let moved = matrix
        .push_settings(Who::LeadOfTeam, "change a territory", |settings| {
            settings
                .objectives
                .insert("june-visits".to_owned(), objective_for(inside));
            if let Some(territory) = settings.territories.get_mut("idf") {
                territory.name = "Île-de-France et Rhône".to_owned();
            }
        })
        .await?;
    assert_eq!(moved, Some(false));
    assert_eq!(matrix.relay.state.log.head(workspace).await?, head);
    Ok(())
}

#[tokio::test]
async fn a_rep_saving_a_segment_or_setting_an_objective_is_refused() -> TestResult {
    let matrix = Matrix::set_up().await?;
    let workspace = matrix.principal(Who::Admin)?.workspace;
    let inside = matrix.principal(Who::RepInTerritory)?;
    let head = matrix.relay.state.log.head(workspace).await?;
    let segment = Segment {
        name: "Mes boulangeries".to_owned(),
        filters: Vec::new(),
    };
    let saved = SegmentSetting::new(&segment, shared_user(inside.user), NOW)?;
    let stored = matrix
        .push_settings(Who::RepInTerritory, "save a segment", |settings| {
            settings.segments.insert("mine".to_owned(), saved);
        })
        .await?;
    assert_eq!(stored, Some(false));
    let stored = matrix
        .push_settings(Who::RepInTerritory, "set an objective", |settings| {
            settings
                .objectives
                .insert("mine".to_owned(), objective_for(inside));
        })
        .await?;
    assert_eq!(stored, Some(false));
    assert_eq!(matrix.relay.state.log.head(workspace).await?, head);
    Ok(())
}

/// Every text of a replica's root (enough to find a marker).
fn text_of(replica: &AutoCommit) -> String {
    let mut texts = Vec::new();
    for key in replica.keys(ROOT) {
        if let Ok(Some((value, id))) = replica.get(ROOT, &key) {
            texts.push(format!("{value:?}"));
            if let Ok(text) = replica.text(&id) {
                texts.push(text);
            }
        }
    }
    texts.join(" ")
}

#[tokio::test]
async fn every_person_receives_exactly_the_records_they_may_read_by_catch_up_and_by_bootstrap(
) -> TestResult {
    let matrix = Matrix::set_up().await?;
    // Catch-up: nothing compacted yet, so a new device reads the log.
    for who in EVERYONE {
        let device = matrix.download(who).await?;
        matrix.assert_holds(who, device.as_ref(), "catch-up")?;
        if let Some(device) = &device {
            assert_eq!(device.snapshots_received, 0);
        }
    }
    // Bootstrap: compacted, a new device starts from snapshots.
    let workspace = matrix.principal(Who::Admin)?.workspace;
    server::compaction::compact_workspace(matrix.relay.state.log.as_ref(), workspace).await?;
    for who in EVERYONE {
        let device = matrix.download(who).await?;
        matrix.assert_holds(who, device.as_ref(), "bootstrap")?;
        if let Some(device) = &device {
            let expected = RECORDS.iter().filter(|what| reads(who, **what)).count();
            assert_eq!(device.snapshots_received, expected, "{who:?}");
        }
    }
    // A snapshot asked for by id: out of reach answers like absent (empty).
    for who in EVERYONE {
        for (what, document, marker) in &matrix.records {
            let answer = matrix.snapshot_for(who, *document).await?;
            let Some(bytes) = answer else {
                assert!(!reads(who, *what), "{who:?} refused a session");
                continue;
            };
            assert_eq!(!bytes.is_empty(), reads(who, *what), "{who:?} × {what:?}");
            if !reads(who, *what) {
                let haystack = String::from_utf8_lossy(&bytes);
                assert!(!haystack.contains(marker.as_str()));
            }
        }
    }
    Ok(())
}

#[tokio::test]
async fn every_person_may_change_exactly_the_records_the_matrix_gives_them() -> TestResult {
    let matrix = Matrix::set_up().await?;
    let mut refused = BTreeSet::new();
    let workspace = matrix.principal(Who::Admin)?.workspace;
    for who in EVERYONE {
        for (index, what) in RECORDS.iter().enumerate() {
            let before = matrix.relay.state.log.head(workspace).await?;
            let stored = matrix.push(who, index).await?;
            let after = matrix.relay.state.log.head(workspace).await?;
            assert_eq!(
                after > before,
                writes(who, *what),
                "{who:?} × {what:?}: the log moved from {before:?} to {after:?}"
            );
            if who == Who::OtherWorkspace {
                // Its push lands in its own workspace, never in this one (asserted above).
                continue;
            }
            match stored {
                Some(stored) => assert_eq!(stored, writes(who, *what), "{who:?} × {what:?}"),
                // The session itself was refused: only for those who may change nothing.
                None => {
                    assert!(!writes(who, *what), "{who:?} × {what:?} refused a session");
                    refused.insert(format!("{who:?}"));
                }
            }
        }
    }
    assert_eq!(
        refused,
        BTreeSet::from(["Disabled".to_owned()]),
        "only the disabled person is refused a session"
    );
    Ok(())
}

/// Pushes `change` made on `copy` by `device`'s person and waits for its ack.
pub(crate) async fn push_and_wait(
    relay: &Relay,
    device: &mut Device,
    document: DocumentId,
    copy: &mut AutoCommit,
) -> TestResult {
    let bytes = copy
        .get_last_local_change()
        .ok_or("no change")?
        .raw_bytes()
        .to_vec();
    device.queue(Change { document, bytes }).await?;
    if device.socket.is_none() {
        device.connect(relay).await?;
    }
    device
        .until("the ack", |device| device.outbox.is_empty())
        .await
}

#[tokio::test]
async fn a_reassigned_account_leaves_the_old_reps_devices_with_their_offline_edit_set_aside_and_reaches_the_new_rep(
) -> TestResult {
    let relay = Relay::start().await?;
    let seed = relay.workspace(1).await?[0];
    let lead = relay.person(seed, Role::Manager, None).await?;
    let rep_a = relay.person(seed, Role::Rep, None).await?;
    let rep_b = relay.person(seed, Role::Rep, None).await?;
    let rep_b_laptop = Principal {
        device: shared::protocol::DeviceId(Uuid::new_v4()),
        ..rep_b
    };
    relay
        .add_device(rep_b.user, rep_b_laptop.device, "laptop")
        .await?;
    relay
        .state
        .access
        .set_team(
            seed.workspace,
            TeamSpec {
                name: "A".to_owned(),
                leads: vec![lead.user],
                members: vec![rep_a.user, rep_b.user],
                territories: Vec::new(),
            },
        )
        .await?;

    // The lead creates an account for rep A.
    let account_id = AccountId::from_bytes(*Uuid::new_v4().as_bytes());
    let document = document_of(*account_id.as_bytes());
    let mut draft = Account::named("Boulangerie du Marché");
    draft.owner = Some(shared_user(rep_a.user));
    let mut created = AccountDocument::new(account_id, &draft, &Edit::by(editor(lead), NOW))?;
    let mut lead_copy = AutoCommit::load(&created.save())?;
    let mut lead_device = Device::new(lead);
    for change in lead_copy.get_changes(&[]) {
        lead_device
            .queue(Change {
                document,
                bytes: change.raw_bytes().to_vec(),
            })
            .await?;
    }
    lead_device.connect(&relay).await?;
    lead_device
        .until("the account stored", |device| device.outbox.is_empty())
        .await?;

    // Rep A's tablet gets it; rep B's devices do not (B's laptop syncs, then goes offline).
    let mut tablet = Device::new(rep_a);
    tablet.connect(&relay).await?;
    tablet
        .until("the account", |device| {
            device.others.contains_key(&document)
        })
        .await?;
    let mut phone = Device::new(rep_b);
    phone.connect(&relay).await?;
    phone
        .until("live", |device| device.client.phase() == ClientPhase::Live)
        .await?;
    let mut laptop = Device::new(rep_b_laptop);
    laptop.connect(&relay).await?;
    laptop
        .until("live", |device| device.client.phase() == ClientPhase::Live)
        .await?;
    assert!(!phone.others.contains_key(&document) && !laptop.others.contains_key(&document));
    laptop.disconnect();

    // Offline, rep A writes a note on it.
    tablet.disconnect();
    let mut tablet_copy = tablet.others.get(&document).ok_or("no replica")?.clone();
    tablet_copy.set_actor(automerge::ActorId::random());
    tablet_copy.put(ROOT, "notes", "Commande de 40 baguettes")?;
    tablet_copy.commit();
    let edit = tablet_copy
        .get_last_local_change()
        .ok_or("no change")?
        .raw_bytes()
        .to_vec();
    tablet
        .queue(Change {
            document,
            bytes: edit.clone(),
        })
        .await?;

    // The lead hands the account to rep B.
    lead_copy.put(ROOT, "owner", rep_b.user.to_string())?;
    lead_copy.commit();
    push_and_wait(&relay, &mut lead_device, document, &mut lead_copy).await?;
    let keys = relay
        .state
        .access
        .record_access_of(seed.workspace, vec![document])
        .await?;
    assert_eq!(
        keys.get(&document).and_then(|keys| keys.owner),
        Some(rep_b.user)
    );

    // B's connected phone receives it whole at once; B's laptop when it reconnects.
    phone
        .until("the account granted", |device| {
            device.others.contains_key(&document)
        })
        .await?;
    assert_eq!(phone.granted, vec![document]);
    laptop.connect(&relay).await?;
    // (The reassignment itself may come first, through the catch-up; the rest comes whole.)
    laptop
        .until("the account granted", |device| {
            device.granted.contains(&document)
        })
        .await?;
    for device in [&phone, &laptop] {
        let replica = device.others.get(&document).ok_or("no replica")?;
        assert!(text_of(replica).contains("Boulangerie du Marché"));
        assert!(text_of(replica).contains(&rep_b.user.to_string()));
    }

    // A's tablet reconnects: the account is purged, the purge acknowledged, and the offline
    // note is set aside on the tablet, never stored by the relay.
    tablet.connect(&relay).await?;
    tablet
        .until("the purge", |device| device.purged.contains(&document))
        .await?;
    assert!(!tablet.others.contains_key(&document));
    tablet
        .until("the note set aside", |device| {
            device.set_aside.iter().any(|change| change.bytes == edit)
        })
        .await?;
    let mut acknowledged = Vec::new();
    for _ in 0..50 {
        acknowledged = relay
            .state
            .access
            .purges(seed.workspace, rep_a.device)
            .await?;
        if !acknowledged.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        acknowledged
            .iter()
            .map(|(document, _)| *document)
            .collect::<Vec<_>>(),
        vec![document]
    );
    let head = relay.state.log.head(seed.workspace).await?;
    let stored = relay
        .state
        .log
        .document_changes(seed.workspace, document, shared::protocol::Seq(0), head)
        .await?;
    assert!(!stored.contains(&edit), "the refused note reached the log");
    Ok(())
}

#[tokio::test]
async fn a_territory_given_then_taken_away_reaches_a_connected_device_at_once() -> TestResult {
    let matrix = Matrix::set_up().await?;
    let admin = matrix.principal(Who::Admin)?;
    let outside = matrix.principal(Who::RepOutside)?;
    let mut device = matrix
        .download(Who::RepOutside)
        .await?
        .ok_or("the rep was refused")?;
    let account = matrix
        .records
        .first()
        .map(|(_, document, _)| *document)
        .ok_or("no account")?;
    assert!(!device.others.contains_key(&account));

    let state = &matrix.relay.state;
    let give = |territories: Vec<String>| {
        server::teams::set_person_access(
            state.access.as_ref(),
            &state.hub,
            admin,
            outside.user,
            Role::Rep,
            territories,
        )
    };
    give(vec!["sud".to_owned(), "idf".to_owned()]).await?;
    // The account sits in Île-de-France: it comes whole, with its contact and deal.
    device
        .until("the territory's records", |device| {
            matrix.records[..3]
                .iter()
                .all(|(_, document, _)| device.granted.contains(document))
        })
        .await?;
    let replica = device.others.get(&account).ok_or("no account")?;
    assert!(text_of(replica).contains(matrix.records[0].2.as_str()));

    give(vec!["sud".to_owned()]).await?;
    device
        .until("the purge", |device| {
            matrix.records[..3]
                .iter()
                .all(|(_, document, _)| device.purged.contains(document))
        })
        .await?;
    for (_, document, _) in &matrix.records[..3] {
        assert!(!device.others.contains_key(document));
    }
    assert!(
        device.others.contains_key(&matrix.records[3].1),
        "the settings stay"
    );
    Ok(())
}

#[tokio::test]
async fn a_refused_push_leaves_nothing_behind_for_the_next_one_to_build_on() -> TestResult {
    let matrix = Matrix::set_up().await?;
    let inside = matrix.principal(Who::RepInTerritory)?;
    let outside = matrix.principal(Who::RepOutside)?;
    let (_, account, _) = matrix.records.first().ok_or("no account")?;
    let workspace = inside.workspace;
    let mut copy = matrix.copies.first().ok_or("no copy")?.clone();
    copy.set_actor(automerge::ActorId::random());
    let mut device = Device::new(inside);
    device.connect(&matrix.relay).await?;
    device
        .until("live", |device| device.client.phase() == ClientPhase::Live)
        .await?;
    // A note: stored (the relay keeps the folded account for the next push).
    copy.put(ROOT, "delivery_day", "mardi")?;
    copy.commit();
    push_and_wait(&matrix.relay, &mut device, *account, &mut copy).await?;
    // Handing the account to a rep of another territory, and moving it there: refused.
    let mut refused = copy.clone();
    refused.put(ROOT, "owner", outside.user.to_string())?;
    refused.put(ROOT, "territory", "sud")?;
    refused.commit();
    let bytes = refused
        .get_last_local_change()
        .ok_or("no change")?
        .raw_bytes()
        .to_vec();
    device
        .queue(Change {
            document: *account,
            bytes,
        })
        .await?;
    device
        .until("the refusal", |device| device.forbidden > 0)
        .await?;
    // The next note builds on what was stored, never on the refused change.
    copy.put(ROOT, "delivery_day", "mercredi")?;
    copy.commit();
    push_and_wait(&matrix.relay, &mut device, *account, &mut copy).await?;
    let keys = matrix
        .relay
        .state
        .access
        .record_access_of(workspace, vec![*account])
        .await?;
    let keys = keys.get(account).ok_or("no keys")?;
    assert_eq!(keys.owner, Some(inside.user));
    assert_eq!(keys.territory.as_deref(), Some("idf"));
    Ok(())
}

#[tokio::test]
async fn a_device_compares_its_holdings_once_per_connection_and_is_refused_if_it_asks_again(
) -> TestResult {
    let matrix = Matrix::set_up().await?;
    let mut device = matrix
        .download(Who::RepInTerritory)
        .await?
        .ok_or("the rep was refused")?;
    let socket = device.socket.as_mut().ok_or("not connected")?;
    // Each comparison may send thousands of whole documents: a second one is not served.
    for _ in 0..2 {
        send(
            socket,
            &ClientMessage::Holding {
                documents: Vec::new(),
                complete: true,
            },
        )
        .await?;
    }
    let codes = crate::harness::refusals_until_closed(socket).await?;
    assert_eq!(codes, vec![shared::protocol::ErrorCode::OutOfOrder]);
    Ok(())
}

#[tokio::test]
async fn a_sent_quote_rewritten_by_a_device_that_skips_its_check_is_refused_and_nothing_of_it_is_stored(
) -> TestResult {
    let matrix = Matrix::set_up().await?;
    let admin = matrix.principal(Who::Admin)?;
    let index = matrix
        .records
        .iter()
        .position(|(what, _, _)| *what == What::Quote)
        .ok_or("no quote")?;
    let (_, document, terms) = matrix.records.get(index).ok_or("no quote")?;
    let copy = matrix.copies.get(index).ok_or("no copy")?.clone();
    let mut quote = QuoteDocument::from_automerge(copy)?;
    quote
        .automerge_mut()
        .set_actor(automerge::ActorId::random());
    let edit = Edit::by(editor(admin), NOW);
    let mut device = Device::new(admin);
    // Sent by the rules: stored.
    let draft = quote.heads();
    quote.apply(&edit, QuoteTransition::Send)?;
    for bytes in quote.changes_since(&draft) {
        device
            .queue(Change {
                document: *document,
                bytes,
            })
            .await?;
    }
    device.connect(&matrix.relay).await?;
    device
        .until("the sending stored", |device| device.outbox.is_empty())
        .await?;
    assert_eq!(device.forbidden, 0);
    // Then rewritten without the device's own check (a plain update, not `revise`): refused,
    // although the person may change the quote's account.
    let sent = quote.heads();
    quote.update(&edit, "terms rewritten", |quote| {
        quote.payment_terms = "à 90 jours".to_owned();
    })?;
    for bytes in quote.changes_since(&sent) {
        device
            .queue(Change {
                document: *document,
                bytes,
            })
            .await?;
    }
    device
        .until("the refusal", |device| device.forbidden > 0)
        .await?;
    // What the relay holds, as a colleague downloads it: sent, with the terms it was sent with.
    let colleague = matrix
        .download(Who::LeadOfTeam)
        .await?
        .ok_or("the manager was refused")?;
    let held = colleague
        .others
        .get(document)
        .ok_or("no quote downloaded")?;
    let held = QuoteDocument::from_automerge(held.clone())?.record()?;
    assert_eq!(held.status, QuoteStatus::Sent);
    assert_eq!(&held.payment_terms, terms);
    Ok(())
}
