//! Deterministic demo data: a workspace of plausible French accounts, contacts, deals,
//! activities and tasks, built as real documents through the domain's own constructors.
//!
//! The relay's `--demo` mode seeds its demo workspace with it, and benchmarks use it at 10,000
//! and 50,000 accounts. Everything derives from a `u64` seed and a `now` passed in: the same
//! inputs give the same ids, records and change bytes (each document's changes carry actors
//! derived from its id and its editors', see [`Document::new_as`]), so re-seeding a relay
//! deduplicates instead of creating conflicting copies. Each account draws from its own random stream, so account `i`
//! is the same whether 200 or 50,000 are generated. This module must not do IO, read the clock
//! or use an external random crate (the client is wasm and shared stays small).

mod sales;

use std::collections::BTreeMap;

use automerge::ActorId;
use autosurgeon::{Reconcile, Text};

use crate::account::{
    Account, AccountDocument, Activity, ActivityKind, CheckIn, LifecycleStage, Task, MAIN_ADDRESS,
};
use crate::contact::{Contact, ContactChannel, ContactDocument};
use crate::deal::{Deal, DealDocument, DealStatus};
use crate::document::{Document, DocumentError};
use crate::edit::{Edit, Editor};
use crate::field::FieldPath;
use crate::ids::{
    AccountId, ActivityId, ContactId, DealId, DeviceId, EntryId, Identifier, ProductId, TaskId,
    UserId, WorkspaceId,
};
use crate::record::{Address, AddressKind, CustomValue, EmailEntry, PhoneEntry, Record};
use crate::sales::{OrderDocument, Product, ProductDocument, ProductDraft, QuoteDocument};
use crate::search::search_terms;
use crate::settings::{
    CompanyIdentity, CustomFieldDefinition, CustomFieldKind, RecordKind, Settings,
    SettingsDocument, Territory,
};
use crate::values::{
    CurrencyCode, Date, DateError, EmailAddress, EmailError, GeoError, GeoPoint, Money, PhoneError,
    PhoneNumber, RegistrationError, Siren, Siret, VatError, VatNumber,
};

/// What to generate: how much, for whom, from which seed, as of when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoSpec {
    /// The seed every id, name and date derives from.
    pub seed: u64,
    /// How many accounts to generate.
    pub accounts: usize,
    /// The manager: creates the workspace settings, owns a few key accounts, joins some visits.
    pub manager: UserId,
    /// The reps, who own the territories in turn (the manager owns everything when empty).
    pub reps: Vec<UserId>,
    /// "Now" in Unix seconds: history lies before it, tasks fall due around it.
    pub now: i64,
    /// The workspace the documents are for (its settings document carries its id, which is how
    /// devices find the settings); `None`: an id derived from the seed.
    pub workspace: Option<WorkspaceId>,
}

/// The generated workspace: every document, ready to save or to feed a relay's change log.
#[derive(Debug)]
pub struct DemoData {
    /// The workspace's id, also its settings document's id.
    pub workspace: WorkspaceId,
    /// Pipeline stages, territories and custom fields.
    pub settings: SettingsDocument,
    /// The accounts, with their activities and tasks inside.
    pub accounts: Vec<AccountDocument>,
    /// The contacts, each linked to one account.
    pub contacts: Vec<ContactDocument>,
    /// The deals, each linked to one account and some of its contacts.
    pub deals: Vec<DealDocument>,
    /// The catalogue of a bakery supplier, written by the manager.
    pub products: Vec<ProductDocument>,
    /// Quotes, none unless [`DemoData::add_sales`] added them.
    pub quotes: Vec<QuoteDocument>,
    /// Orders, none unless [`DemoData::add_sales`] added them.
    pub orders: Vec<OrderDocument>,
}

pub use sales::SalesSpec;

/// One document's whole history as raw Automerge changes, for a relay's append-only log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentChanges {
    /// The record kind (`account`, `contact`, `deal`, `settings`, `product`).
    pub kind: &'static str,
    /// The document's id (a UUID's bytes).
    pub id: [u8; 16],
    /// Every change, in causal order.
    pub changes: Vec<Vec<u8>>,
}

/// One document saved whole, in Automerge's binary format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedDocument {
    /// The record kind (`account`, `contact`, `deal`, `settings`, `product`).
    pub kind: &'static str,
    /// The document's id (a UUID's bytes).
    pub id: [u8; 16],
    /// What [`Document::save`] returned.
    pub bytes: Vec<u8>,
}

/// Why demo data could not be generated. Apart from a `now` outside the calendar, each variant
/// is a generated value its validator refused: a bug in this module's word lists.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// `now` is too far from the present for the dates Carnet stores.
    #[error("the demo's time {0} is outside the years Carnet stores")]
    TimeOutOfRange(i64),
    /// A generated date does not exist.
    #[error("a generated date is invalid")]
    Date(#[from] DateError),
    /// A generated SIREN or SIRET is invalid.
    #[error("a generated registration number is invalid")]
    Registration(#[from] RegistrationError),
    /// A generated VAT number is invalid.
    #[error("a generated VAT number is invalid")]
    Vat(#[from] VatError),
    /// A generated phone number is invalid.
    #[error("a generated phone number is invalid")]
    Phone(#[from] PhoneError),
    /// A generated e-mail address is invalid.
    #[error("a generated e-mail address is invalid")]
    Email(#[from] EmailError),
    /// A generated coordinate is invalid.
    #[error("a generated coordinate is invalid")]
    Geo(#[from] GeoError),
    /// The document layer refused a record.
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// A catalogue entry was refused.
    #[error("a demo product is invalid")]
    Product(#[source] crate::sales::ProductError),
    /// A generated quote, order or line was refused (the rule it broke).
    #[error("a demo sale is invalid: {0}")]
    Sale(String),
}

impl DemoData {
    /// Generates the workspace `spec` describes.
    pub fn generate(spec: &DemoSpec) -> Result<Self, DemoError> {
        let mut random = Random::new(spec.seed, 0);
        let derived = WorkspaceId::from_bytes(random.uuid());
        let workspace = spec.workspace.unwrap_or(derived);
        let team = Team::new(spec);
        let manager = team.editor(spec.manager);
        let settings_edit = Edit::by(manager, spec.now - 800 * DAY);
        let settings_record = demo_settings();
        let settings = Document::new_as(
            actor_of(&workspace, manager),
            workspace,
            &settings_record,
            &settings_edit,
        )?;
        let mut data = Self {
            workspace,
            settings,
            accounts: Vec::with_capacity(spec.accounts),
            contacts: Vec::with_capacity(spec.accounts * 2),
            deals: Vec::with_capacity(spec.accounts),
            products: Vec::with_capacity(CATALOGUE.len()),
            quotes: Vec::new(),
            orders: Vec::new(),
        };
        for (index, (reference, name, category, unit, price, vat)) in CATALOGUE.iter().enumerate() {
            let mut random = Random::new(spec.seed, u64::MAX - 1 - index as u64);
            let draft = ProductDraft {
                reference: (*reference).to_owned(),
                name: (*name).to_owned(),
                category: (*category).to_owned(),
                unit: (*unit).to_owned(),
                unit_price: (*price).to_owned(),
                vat_rate: (*vat).to_owned(),
                ..ProductDraft::default()
            };
            let product = Product::from_draft(&draft).map_err(DemoError::Product)?;
            let id = ProductId::from_bytes(random.uuid());
            let edit = Edit::by(manager, spec.now - 700 * DAY);
            data.products.push(Document::new_as(
                actor_of(&workspace, manager),
                id,
                &product,
                &edit,
            )?);
        }
        for index in 0..spec.accounts {
            let stream = u64::try_from(index).unwrap_or(u64::MAX).wrapping_add(1);
            let mut generator = AccountGenerator {
                random: Random::new(spec.seed, stream),
                team: &team,
                settings: &settings_record,
                now: spec.now,
            };
            generator.generate(&mut data)?;
        }
        Ok(data)
    }

    /// Every document's changes (settings first, then accounts, contacts, deals).
    pub fn changes(&mut self) -> Vec<DocumentChanges> {
        self.each_document(|kind, id, automerge| DocumentChanges {
            kind,
            id,
            changes: automerge
                .get_changes(&[])
                .into_iter()
                .map(|mut change| change.bytes().into_owned())
                .collect(),
        })
    }

    /// Every document saved whole (settings first, then accounts, contacts, deals).
    pub fn saved(&mut self) -> Vec<SavedDocument> {
        self.each_document(|kind, id, automerge| SavedDocument {
            kind,
            id,
            bytes: automerge.save(),
        })
    }

    /// How many documents there are, the settings included.
    pub fn document_count(&self) -> usize {
        1 + self.accounts.len()
            + self.contacts.len()
            + self.deals.len()
            + self.products.len()
            + self.quotes.len()
            + self.orders.len()
    }

    fn each_document<T>(
        &mut self,
        mut read: impl FnMut(&'static str, [u8; 16], &mut automerge::AutoCommit) -> T,
    ) -> Vec<T> {
        fn visit<R: Record, T>(
            document: &mut Document<R>,
            read: &mut impl FnMut(&'static str, [u8; 16], &mut automerge::AutoCommit) -> T,
        ) -> T {
            let id = document.id().to_bytes();
            read(R::KIND, id, document.automerge_mut())
        }
        let mut out = Vec::with_capacity(self.document_count());
        out.push(visit(&mut self.settings, &mut read));
        out.extend(self.accounts.iter_mut().map(|d| visit(d, &mut read)));
        out.extend(self.contacts.iter_mut().map(|d| visit(d, &mut read)));
        out.extend(self.deals.iter_mut().map(|d| visit(d, &mut read)));
        out.extend(self.products.iter_mut().map(|d| visit(d, &mut read)));
        out.extend(self.quotes.iter_mut().map(|d| visit(d, &mut read)));
        out.extend(self.orders.iter_mut().map(|d| visit(d, &mut read)));
        out
    }
}

/// The demo workspace's settings: the starter pipeline, territories, three custom fields.
fn demo_settings() -> Settings {
    let mut settings = Settings::starter();
    settings.territories = TERRITORIES
        .iter()
        .map(|(key, name, departements)| {
            let territory = Territory {
                departements: departements.iter().copied().collect(),
                ..Territory::named(name)
            };
            ((*key).to_owned(), territory)
        })
        .collect();
    settings.custom_fields = [
        (SURFACE, "Surface de vente (m²)", CustomFieldKind::Number),
        (CLOSING_DAY, "Jour de fermeture", CustomFieldKind::Text),
        (TRUCK_ACCESS, "Accès poids lourd", CustomFieldKind::Flag),
    ]
    .into_iter()
    .map(|(key, label, kind)| {
        let definition = CustomFieldDefinition {
            label: label.to_owned(),
            kind,
            applies_to: RecordKind::Account,
        };
        (key.to_owned(), definition)
    })
    .collect();
    settings.identity = CompanyIdentity {
        legal_name: "Carnet Démo SAS".to_owned(),
        legal_form: "SAS au capital de 10 000 €".to_owned(),
        siret: "73282932000074".to_owned(),
        registry: "RCS Lyon 732 829 320".to_owned(),
        vat_number: "FR44732829320".to_owned(),
        street: "12 rue de la Charité".to_owned(),
        postcode: "69002".to_owned(),
        city: "Lyon".to_owned(),
        logo: None,
        mentions: "Assurance responsabilité civile professionnelle : Mutuelle du Commerce, contrat 0042-7731."
            .to_owned(),
    };
    settings
}

/// The demo supplier's catalogue: reference, name, category, unit, price excluding VAT, VAT
/// rate.
const CATALOGUE: [(&str, &str, &str, &str, &str, &str); 10] = [
    (
        "FAR-T65-25",
        "Farine de blé T65, sac de 25 kg",
        "Farines",
        "sac",
        "18,40",
        "5,5",
    ),
    (
        "FAR-T45-25",
        "Farine de blé T45, sac de 25 kg",
        "Farines",
        "sac",
        "19,90",
        "5,5",
    ),
    (
        "FAR-SEI-10",
        "Farine de seigle T130, sac de 10 kg",
        "Farines",
        "sac",
        "14,60",
        "5,5",
    ),
    (
        "LEV-FR-500",
        "Levure fraîche, pain de 500 g",
        "Levures",
        "pain",
        "2,35",
        "5,5",
    ),
    (
        "BEU-AOP-10",
        "Beurre AOP Charentes-Poitou, plaque de 10 kg",
        "Crèmerie",
        "plaque",
        "96,00",
        "5,5",
    ),
    (
        "SUC-25",
        "Sucre semoule, sac de 25 kg",
        "Épicerie",
        "sac",
        "27,50",
        "5,5",
    ),
    (
        "EMB-BAG-1000",
        "Sachets à baguette kraft, carton de 1 000",
        "Emballages",
        "carton",
        "31,20",
        "20",
    ),
    (
        "FOUR-REV",
        "Révision annuelle de four à sole",
        "Services",
        "intervention",
        "480,00",
        "20",
    ),
    (
        "FORM-VIEN",
        "Formation viennoiserie, une journée",
        "Services",
        "jour",
        "650,00",
        "20",
    ),
    (
        "LIV-EXP",
        "Livraison express",
        "Services",
        "",
        "35,00",
        "20",
    ),
];

const SURFACE: &str = "surface_vente";
const CLOSING_DAY: &str = "jour_fermeture";
const TRUCK_ACCESS: &str = "acces_poids_lourd";

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

/// The actor of `editor`'s changes to document `id`: the two ids' bytes, so a re-run reproduces
/// the changes and each actor belongs to one author, as automerge's Authors API expects.
/// (Migrations use the id followed by `migration`, so the two never collide.)
fn actor_of(id: &impl Identifier, editor: Editor) -> ActorId {
    let mut bytes = id.to_bytes().to_vec();
    bytes.extend_from_slice(editor.user.as_bytes());
    ActorId::from(bytes)
}

/// Writes `value` at `path` in the account's document, leaving the change open for
/// [`Document::commit`]: the same operations [`Document::update`] would make, without hydrating
/// and reconciling the whole account for every edit (which made 10,000 accounts take a minute).
fn put_at(
    document: &mut AccountDocument,
    path: &[&str],
    value: &impl Reconcile,
) -> Result<(), DemoError> {
    let automerge = document.automerge_mut();
    let (object, prop) = FieldPath::new(path.iter().copied())
        .locate(automerge)
        .map_err(DocumentError::from)?;
    autosurgeon::reconcile_prop(automerge, object, prop, value)
        .map_err(|error| DocumentError::reconcile(error).into())
}

/// Makes `editor` the author of `document`'s next change under its deterministic actor.
/// The actor goes second: automerge picks a random one whenever the author changes, and the
/// edit's own `set_author` then finds the author unchanged and keeps this actor.
fn act_as<R: Record>(document: &mut Document<R>, editor: Editor) {
    let actor = actor_of(&document.id(), editor);
    let automerge = document.automerge_mut();
    automerge.set_author(Some(editor.to_author()));
    automerge.set_actor(actor);
}

/// The users, each on one device derived from the seed, and who owns which territory.
struct Team {
    manager: UserId,
    reps: Vec<UserId>,
    devices: BTreeMap<UserId, DeviceId>,
}

impl Team {
    fn new(spec: &DemoSpec) -> Self {
        let devices = std::iter::once(spec.manager)
            .chain(spec.reps.iter().copied())
            .map(|user| {
                let bytes = user.as_bytes();
                let (high, low) = bytes.split_at(8);
                let fold = |half: &[u8]| {
                    half.iter()
                        .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte))
                };
                let mut random = Random::new(spec.seed ^ fold(high), fold(low));
                (user, DeviceId::from_bytes(random.uuid()))
            })
            .collect();
        Self {
            manager: spec.manager,
            reps: spec.reps.clone(),
            devices,
        }
    }

    fn editor(&self, user: UserId) -> Editor {
        let device = self
            .devices
            .get(&user)
            .copied()
            .unwrap_or_else(|| DeviceId::from_bytes(*user.as_bytes()));
        Editor { user, device }
    }

    /// The rep owning the territory at `territory_index`: the territories, in their order, are
    /// shared out in runs of neighbours (with four reps: two, two, two and one), so each rep
    /// covers one region and a team of reps covers a contiguous part of the country.
    fn territory_owner(&self, territory_index: usize) -> UserId {
        let count = self.reps.len();
        let index = territory_index.saturating_mul(count) / TERRITORIES.len().max(1);
        self.reps.get(index).copied().unwrap_or(self.manager)
    }
}

/// Generates one account and the contacts and deals that belong to it.
struct AccountGenerator<'a> {
    random: Random,
    team: &'a Team,
    settings: &'a Settings,
    now: i64,
}

/// One dated edit of an account after its creation.
enum Step {
    Log {
        key: String,
        activity: Box<Activity>,
        follow_up: Option<(String, Task)>,
    },
    Plan {
        key: String,
        task: Task,
    },
    Complete {
        key: String,
    },
}

/// What the account's contacts, deals and history are generated from.
struct AccountFacts {
    id: AccountId,
    business: &'static Business,
    stage: LifecycleStage,
    /// The family name the company may be named after (its manager's, often).
    family: &'static str,
    /// The company's mail domain, or a webmail's.
    domain: String,
    /// Whether `domain` is the company's own.
    own_domain: bool,
    location: GeoPoint,
    created_at: i64,
    owner: UserId,
}

/// A generated contact before it becomes a document.
struct PersonDraft {
    id: ContactId,
    first_name: &'static str,
}

/// A generated deal's links, for activities and tasks to mention.
struct DealLink {
    id: DealId,
    title: &'static str,
}

impl AccountGenerator<'_> {
    fn generate(&mut self, data: &mut DemoData) -> Result<(), DemoError> {
        let random = &mut self.random;
        let id = AccountId::from_bytes(random.uuid());
        let business = random.pick(BUSINESSES);
        let city = random.pick(CITIES);
        let family = random.word(LAST_NAMES);
        let name = company_name(random, business, family);
        let stage = random
            .weighted(&[
                (LifecycleStage::Prospect, 25),
                (LifecycleStage::NewCustomer, 10),
                (LifecycleStage::Active, 40),
                (LifecycleStage::ToReactivate, 15),
                (LifecycleStage::Lost, 10),
            ])
            .clone();
        let created_at = match stage {
            LifecycleStage::Prospect => self.now - random.between(20, 300) * DAY,
            LifecycleStage::NewCustomer => self.now - random.between(40, 150) * DAY,
            _ => self.now - random.between(220, 720) * DAY,
        };
        let territory_index = TERRITORIES
            .iter()
            .position(|(key, _, _)| *key == city.territory)
            .unwrap_or(0);
        let owner = if random.percent(8) {
            self.team.manager
        } else {
            self.team.territory_owner(territory_index)
        };

        let mut account = Account::named(&name);
        account.stage = stage.clone();
        account.industry = Some(business.industry.to_owned());
        account.owner = Some(owner);
        account.territory = Some(city.territory.to_owned());
        let siren = random_siren(random)?;
        account.siret = Some(random_siret(random, &siren)?);
        account.vat = Some(vat_of(&siren)?);
        account.siren = Some(siren);

        let location = jitter(random, city.latitude, city.longitude, 0.025)?;
        let mut main = Address::in_city(AddressKind::Visit, city.name);
        main.street = street(random);
        main.postcode = random.word(city.postcodes).to_owned();
        main.location = Some(location);
        let main_postcode = main.postcode.clone();
        account.addresses.insert(MAIN_ADDRESS.to_owned(), main);
        if random.percent(15) {
            let head_office = random.pick(CITIES);
            let mut billing = Address::in_city(AddressKind::Billing, head_office.name);
            billing.street = street(random);
            billing.postcode = random.word(head_office.postcodes).to_owned();
            account
                .addresses
                .insert(EntryId::from_bytes(random.uuid()).to_string(), billing);
        }

        let slug = search_terms(&name).join("-");
        let own_domain = random.percent(70);
        let domain = if own_domain {
            format!("{slug}.{}", if random.percent(80) { "fr" } else { "com" })
        } else {
            random.word(MAIL_PROVIDERS).to_owned()
        };
        if own_domain && random.percent(85) {
            account.website = Some(format!("https://www.{domain}"));
        }
        let standard = PhoneNumber::parse(&landline(random, city.phone_zone))?;
        insert_phone(random, &mut account.phones, "Standard", standard);
        if random.percent(35) {
            let mobile = PhoneNumber::parse(&mobile(random))?;
            insert_phone(random, &mut account.phones, "Portable", mobile);
        }
        let mailboxes: &[(&str, &str)] = if own_domain {
            &[("Contact", "contact"), ("Commandes", "commandes")]
        } else {
            &[("Contact", "")]
        };
        for (label, local) in mailboxes.iter().take(1 + random.index(mailboxes.len())) {
            let address = if local.is_empty() {
                // Webmail names are taken: people add their département, like 69 or 33.
                let department = main_postcode.get(..2).unwrap_or_default();
                format!("{}{department}@{domain}", slug.replace('-', "."))
            } else {
                format!("{local}@{domain}")
            };
            account.emails.insert(
                EntryId::from_bytes(random.uuid()).to_string(),
                EmailEntry {
                    label: (*label).to_owned(),
                    address: EmailAddress::parse(&address)?,
                },
            );
        }
        for _ in 0..random.between(1, 3) {
            account.tags.insert(random.word(business.tags));
        }
        if random.percent(40) {
            account.tags.insert(random.word(GENERIC_TAGS));
        }
        if random.percent(60) {
            let surface = random.between(2, 40) * 10;
            account
                .custom
                .insert(SURFACE.to_owned(), CustomValue::Number(surface as f64));
        }
        if random.percent(50) {
            let day = random.word(&["lundi", "mardi", "mercredi", "dimanche"]);
            account
                .custom
                .insert(CLOSING_DAY.to_owned(), CustomValue::Text(day.to_owned()));
        }
        if random.percent(40) {
            let access = random.percent(50);
            account
                .custom
                .insert(TRUCK_ACCESS.to_owned(), CustomValue::Flag(access));
        }
        if random.percent(55) {
            account.notes = Text::with_value(random.word(ACCOUNT_NOTES));
        }

        let owner_edit = Edit::by(self.team.editor(owner), created_at);
        let actor = actor_of(&id, self.team.editor(owner));
        let mut document = AccountDocument::new_as(actor, id, &account, &owner_edit)?;

        let facts = AccountFacts {
            id,
            business,
            stage,
            family,
            domain,
            own_domain,
            location,
            created_at,
            owner,
        };
        let people = self.contacts(data, &facts)?;
        let deals = self.deals(data, &facts, &people)?;
        let steps = self.history(&facts, &people, &deals)?;
        for (time, by, step) in steps {
            let edit = Edit::by(self.team.editor(by), time);
            act_as(&mut document, self.team.editor(by));
            let message = match step {
                Step::Log {
                    key,
                    activity,
                    follow_up,
                } => {
                    put_at(&mut document, &["activities", &key], &*activity)?;
                    if let Some((key, task)) = follow_up {
                        put_at(&mut document, &["tasks", &key], &task)?;
                    }
                    format!("log {}", activity.kind)
                }
                Step::Plan { key, task } => {
                    put_at(&mut document, &["tasks", &key], &task)?;
                    "add task".to_owned()
                }
                Step::Complete { key } => {
                    put_at(&mut document, &["tasks", &key, "done"], &true)?;
                    "complete task".to_owned()
                }
            };
            document.commit(&edit, &message);
        }
        data.accounts.push(document);
        Ok(())
    }

    /// One to four contacts of the account, the first its manager, as documents in `data`.
    fn contacts(
        &mut self,
        data: &mut DemoData,
        facts: &AccountFacts,
    ) -> Result<Vec<PersonDraft>, DemoError> {
        let AccountFacts {
            id: account,
            family,
            ref domain,
            own_domain,
            created_at,
            owner,
            ..
        } = *facts;
        let random = &mut self.random;
        let count = *random.weighted(&[(1, 35), (2, 35), (3, 20), (4, 10)]);
        let mut people = Vec::with_capacity(count);
        for position in 0..count {
            let id = ContactId::from_bytes(random.uuid());
            let feminine = random.percent(50);
            let first_name = if feminine {
                random.word(FEMININE_FIRST_NAMES)
            } else {
                random.word(MASCULINE_FIRST_NAMES)
            };
            let last_name = if position == 0 && random.percent(60) {
                family
            } else {
                random.word(LAST_NAMES)
            };
            let (masculine_title, feminine_title) = if position == 0 {
                *random.pick(LEAD_ROLES)
            } else {
                *random.pick(STAFF_ROLES)
            };
            let mut contact = Contact::named(first_name, last_name);
            contact.job_title = if feminine {
                feminine_title
            } else {
                masculine_title
            }
            .to_owned();
            contact.accounts.insert(account.to_string());
            let mobile = PhoneNumber::parse(&mobile(random))?;
            insert_phone(random, &mut contact.phones, "Portable", mobile);
            let local = format!(
                "{}.{}",
                search_terms(first_name).join("-"),
                search_terms(last_name).join("-")
            );
            let (label, address) = if own_domain && random.percent(80) {
                ("Travail", format!("{local}@{domain}"))
            } else {
                let number = random.between(1, 99);
                let provider = random.word(MAIL_PROVIDERS);
                ("Personnel", format!("{local}{number}@{provider}"))
            };
            contact.emails.insert(
                EntryId::from_bytes(random.uuid()).to_string(),
                EmailEntry {
                    label: label.to_owned(),
                    address: EmailAddress::parse(&address)?,
                },
            );
            contact.consent_email = random.percent(70);
            contact.consent_phone = random.percent(85);
            contact.preferred_channel = Some(
                random
                    .pick(&[
                        ContactChannel::Phone,
                        ContactChannel::Email,
                        ContactChannel::Visit,
                        ContactChannel::Sms,
                    ])
                    .clone(),
            );
            if random.percent(30) {
                let year = u16::try_from(random.between(1955, 2000)).unwrap_or(1980);
                let month = u8::try_from(random.between(1, 12)).unwrap_or(1);
                let day = u8::try_from(random.between(1, 28)).unwrap_or(1);
                contact.birthday = Some(Date::new(year, month, day)?);
            }
            if position == 0 {
                contact.tags.insert("décideur");
            } else if random.percent(30) {
                contact
                    .tags
                    .insert(random.word(&["prescripteur", "technique", "compta"]));
            }
            if random.percent(25) {
                contact.notes = Text::with_value(random.word(CONTACT_NOTES));
            }
            let time = created_at + random.between(60, 2 * HOUR);
            let editor = self.team.editor(owner);
            let edit = Edit::by(editor, time);
            data.contacts.push(ContactDocument::new_as(
                actor_of(&id, editor),
                id,
                &contact,
                &edit,
            )?);
            people.push(PersonDraft { id, first_name });
        }
        Ok(people)
    }

    /// Zero to three deals of the account, as documents in `data`: created at the first stage,
    /// then moved on, won or lost in a later change.
    fn deals(
        &mut self,
        data: &mut DemoData,
        facts: &AccountFacts,
        people: &[PersonDraft],
    ) -> Result<Vec<DealLink>, DemoError> {
        let AccountFacts {
            id: account,
            business,
            ref stage,
            created_at,
            owner,
            ..
        } = *facts;
        let now = self.now;
        let random = &mut self.random;
        let count = match stage {
            LifecycleStage::Prospect => random.between(0, 2),
            LifecycleStage::NewCustomer => random.between(1, 2),
            LifecycleStage::Active => random.between(0, 3),
            _ => random.between(0, 1),
        };
        let settings = self.settings;
        let stages = settings.ordered_stages();
        let mut links = Vec::new();
        for _ in 0..count {
            let id = DealId::from_bytes(random.uuid());
            let (title, low, high) = *random.pick(business.offers);
            let status = match stage {
                LifecycleStage::Lost => DealStatus::Lost,
                LifecycleStage::Prospect => random
                    .weighted(&[(DealStatus::Open, 85), (DealStatus::Lost, 15)])
                    .clone(),
                _ => random
                    .weighted(&[
                        (DealStatus::Open, 55),
                        (DealStatus::Won, 30),
                        (DealStatus::Lost, 15),
                    ])
                    .clone(),
            };
            let opened = created_at + random.between(1, 30) * DAY;
            let opened = opened.min(now - 10 * DAY);
            let mut deal = Deal::new(title, stages.first().copied().unwrap_or("qualify"));
            deal.account = Some(account);
            deal.owner = Some(owner);
            let euros = random.between(low / 10, high / 10) * 10;
            deal.amount = Some(Money::new(euros * 100, CurrencyCode::EUR));
            deal.probability = probability_of(settings, &deal.stage);
            for person in people.iter().take(random.between(1, 2) as usize) {
                deal.contacts.insert(person.id.to_string());
            }
            let target = date_of(now + random.between(15, 120) * DAY)?;
            deal.expected_close = Some(target);
            let editor = self.team.editor(owner);
            let edit = Edit::by(editor, opened);
            let mut document = DealDocument::new_as(actor_of(&id, editor), id, &deal, &edit)?;
            act_as(&mut document, editor);

            let later = opened + random.between(1, ((now - opened) / DAY).max(2) - 1) * DAY;
            let later = later.min(now - HOUR);
            let edit = Edit::by(editor, later);
            match status {
                DealStatus::Open => {
                    let reached = random.index(stages.len());
                    let moved_to = stages.get(reached).copied().unwrap_or("qualify");
                    let close_in = if random.percent(10) {
                        -random.between(1, 20)
                    } else {
                        random.between(5, 120)
                    };
                    let expected = date_of(now + close_in * DAY)?;
                    let probability = probability_of(settings, moved_to);
                    document.update(&edit, &format!("move to {moved_to}"), |deal| {
                        deal.stage = moved_to.to_owned();
                        deal.probability = probability;
                        deal.expected_close = Some(expected);
                    })?;
                }
                DealStatus::Won => {
                    let closed = date_of(later)?;
                    let reason = random.word(WON_REASONS);
                    let last = stages.last().copied().unwrap_or("sign");
                    document.update(&edit, "mark won", |deal| {
                        deal.stage = last.to_owned();
                        deal.status = DealStatus::Won;
                        deal.probability = Some(100);
                        deal.expected_close = Some(closed);
                        deal.status_reason = Some(reason.to_owned());
                    })?;
                }
                _ => {
                    let closed = date_of(later)?;
                    let reason = random.word(LOST_REASONS);
                    let reached = stages
                        .get(random.index(stages.len().saturating_sub(1)))
                        .copied()
                        .unwrap_or("qualify");
                    document.update(&edit, "mark lost", |deal| {
                        deal.stage = reached.to_owned();
                        deal.status = DealStatus::Lost;
                        deal.probability = Some(0);
                        deal.expected_close = Some(closed);
                        deal.status_reason = Some(reason.to_owned());
                    })?;
                }
            }
            data.deals.push(document);
            links.push(DealLink { id, title });
        }
        Ok(links)
    }

    /// The account's activities and tasks as dated steps, in time order.
    fn history(
        &mut self,
        facts: &AccountFacts,
        people: &[PersonDraft],
        deals: &[DealLink],
    ) -> Result<Vec<(i64, UserId, Step)>, DemoError> {
        let AccountFacts {
            ref stage,
            location,
            created_at,
            owner,
            ..
        } = *facts;
        let dormant = matches!(stage, LifecycleStage::ToReactivate | LifecycleStage::Lost);
        let now = self.now;
        let manager = self.team.manager;
        let random = &mut self.random;
        let count = match stage {
            LifecycleStage::Prospect => random.between(1, 3),
            LifecycleStage::NewCustomer => random.between(2, 4),
            LifecycleStage::Active => random.between(3, 7),
            _ => random.between(2, 4),
        };
        // Dormant accounts have not been seen for months: that is what makes them dormant.
        // Two days' margin: `working_hours` may move a weekend day to the next Monday.
        let latest = if dormant {
            now - 120 * DAY
        } else {
            now - 2 * DAY
        };
        let mut steps = Vec::new();
        for _ in 0..count {
            let day = random_between(random, created_at + DAY, latest);
            let at = working_hours(random, day);
            let kind = random
                .weighted(&[
                    (ActivityKind::Visit, 40),
                    (ActivityKind::Call, 30),
                    (ActivityKind::Meeting, 8),
                    (ActivityKind::Email, 10),
                    (ActivityKind::Note, 12),
                ])
                .clone();
            let by = if kind == ActivityKind::Meeting && random.percent(40) {
                manager
            } else {
                owner
            };
            let mut activity = Activity::new(kind.clone(), at);
            activity.by = Some(by);
            let person = (kind != ActivityKind::Note && !people.is_empty())
                .then(|| &people[random.index(people.len())]);
            if let Some(person) = person {
                activity.contacts.insert(person.id.to_string());
            }
            let deal = (!deals.is_empty() && random.percent(40))
                .then(|| &deals[random.index(deals.len())]);
            activity.deal = deal.map(|deal| deal.id);
            let offer = deal.map_or_else(|| random.word(GENERIC_OFFERS), |deal| deal.title);
            let first_name = person.map_or("le gérant", |person| person.first_name);
            let (templates, outcomes): (&[&str], &[&str]) = match kind {
                ActivityKind::Visit => (VISIT_REPORTS, VISIT_OUTCOMES),
                ActivityKind::Call => (CALL_REPORTS, CALL_OUTCOMES),
                ActivityKind::Meeting => (MEETING_REPORTS, VISIT_OUTCOMES),
                ActivityKind::Email => (EMAIL_REPORTS, CALL_OUTCOMES),
                _ => (NOTE_REPORTS, &[]),
            };
            let report = random
                .pick(templates)
                .replace("{contact}", first_name)
                .replace("{offre}", offer);
            activity.report = Text::with_value(report);
            if !outcomes.is_empty() {
                activity.outcome = Some((random.word(outcomes)).to_owned());
            }
            if kind == ActivityKind::Visit && random.percent(85) {
                activity.check_in = Some(CheckIn {
                    location: jitter(
                        random,
                        location.latitude.degrees(),
                        location.longitude.degrees(),
                        0.0006,
                    )?,
                    accuracy_metres: random.between(4, 35) as f64,
                    captured_at: at - random.between(0, 300),
                });
            }
            let activity_id = ActivityId::from_bytes(random.uuid());
            let follow_up = if kind != ActivityKind::Note && random.percent(55) {
                let due_at = at + random.between(2, 21) * DAY;
                let key = TaskId::from_bytes(random.uuid()).to_string();
                let title = random
                    .pick(TASK_TITLES)
                    .replace("{contact}", first_name)
                    .replace("{offre}", offer);
                let mut task = Task::new(&title, Some(date_of(due_at)?));
                task.assignee = Some(owner);
                task.activity = Some(activity_id);
                task.contact = person.map(|person| person.id);
                task.deal = deal.map(|deal| deal.id);
                // Most tasks past their date were done (some late); the rest are overdue.
                if due_at < now && random.percent(75) {
                    let done_at = (due_at + random.between(-DAY, 3 * DAY)).clamp(at + HOUR, now);
                    steps.push((done_at, owner, Step::Complete { key: key.clone() }));
                }
                Some((key, task))
            } else {
                None
            };
            steps.push((
                at,
                by,
                Step::Log {
                    key: activity_id.to_string(),
                    activity: Box::new(activity),
                    follow_up,
                },
            ));
        }
        if !dormant || random.percent(50) {
            for _ in 0..random.between(0, 2) {
                let planned_at = (now - random.between(1, 10) * DAY).max(created_at + HOUR);
                let due = date_of(now + random.between(0, 30) * DAY)?;
                let title = random
                    .pick(TASK_TITLES)
                    .replace("{contact}", people.first().map_or("", |p| p.first_name))
                    .replace("{offre}", random.word(GENERIC_OFFERS));
                let mut task = Task::new(title.trim(), Some(due));
                task.assignee = Some(owner);
                task.contact = people.first().map(|person| person.id);
                let key = TaskId::from_bytes(random.uuid()).to_string();
                steps.push((planned_at, owner, Step::Plan { key, task }));
            }
        }
        // Some reps' rounds today: a visit planned a few days ago, due today. Drawn last from
        // the account's own stream, so everything else stays as it was.
        if !dormant && random.percent(20) {
            let planned_at = (now - random.between(1, 6) * DAY).max(created_at + HOUR);
            let title = random.pick(VISIT_TITLES).replace(
                "{contact}",
                people.first().map_or("le gérant", |p| p.first_name),
            );
            let mut task = Task::visit(&title, date_of(now)?);
            task.assignee = Some(owner);
            task.contact = people.first().map(|person| person.id);
            let key = TaskId::from_bytes(random.uuid()).to_string();
            steps.push((planned_at, owner, Step::Plan { key, task }));
        }
        // Completions come after the activity that created their task, even at equal times.
        steps.sort_by_key(|(time, _, step)| (*time, matches!(step, Step::Complete { .. })));
        Ok(steps)
    }
}

/// The default probability of pipeline stage `key`.
fn probability_of(settings: &Settings, key: &str) -> Option<u8> {
    settings
        .pipeline_stages
        .get(key)
        .and_then(|stage| stage.probability)
}

/// A company name from the business's patterns: `{nom}` a family name, `{lieu}` a place.
fn company_name(random: &mut Random, business: &Business, family: &str) -> String {
    let pattern = if random.percent(12) {
        random.word(GENERIC_PATTERNS)
    } else {
        random.word(business.patterns)
    };
    pattern
        .replace("{nom}", family)
        .replace("{lieu}", random.word(PLACES))
        .replace("{prénom}", random.word(MASCULINE_FIRST_NAMES))
}

/// A SIREN: eight random digits (not starting with 0) and the Luhn digit the validator accepts.
fn random_siren(random: &mut Random) -> Result<Siren, DemoError> {
    let body = random.between(10_000_000, 99_999_999);
    with_check_digit(&body.to_string(), Siren::parse)
}

/// A SIRET of `siren`: a small establishment number and its Luhn digit.
fn random_siret(random: &mut Random, siren: &Siren) -> Result<Siret, DemoError> {
    let establishment = random.between(1, 9);
    with_check_digit(&format!("{siren}000{establishment}"), Siret::parse)
}

/// The one digit that makes `body` + digit pass `parse` (Luhn: exactly one of ten does).
fn with_check_digit<T>(
    body: &str,
    parse: impl Fn(&str) -> Result<T, RegistrationError>,
) -> Result<T, DemoError> {
    let mut last = Err(RegistrationError::BadCheckDigit);
    for digit in 0..10 {
        last = parse(&format!("{body}{digit}"));
        if last.is_ok() {
            break;
        }
    }
    Ok(last?)
}

/// The French VAT number of `siren`: `FR`, the key `(12 + 3 × (SIREN mod 97)) mod 97`, SIREN.
fn vat_of(siren: &Siren) -> Result<VatNumber, DemoError> {
    let value: u64 = siren
        .as_str()
        .bytes()
        .fold(0, |acc, digit| acc * 10 + u64::from(digit - b'0'));
    let key = (12 + 3 * (value % 97)) % 97;
    Ok(VatNumber::parse(&format!("FR{key:02}{siren}"))?)
}

/// A point up to `spread` degrees (north–south) from the given one; east–west scaled to match.
fn jitter(
    random: &mut Random,
    latitude: f64,
    longitude: f64,
    spread: f64,
) -> Result<GeoPoint, DemoError> {
    let north = (random.fraction() * 2.0 - 1.0) * spread;
    let east = (random.fraction() * 2.0 - 1.0) * spread / latitude.to_radians().cos();
    Ok(GeoPoint::new(latitude + north, longitude + east)?)
}

/// `12 rue de la République`, `3 bis avenue Jean Jaurès`…
fn street(random: &mut Random) -> String {
    let number = random.between(1, 140);
    let suffix = if random.percent(6) { " bis" } else { "" };
    format!("{number}{suffix} {}", random.pick(STREETS))
}

/// A landline in `zone` (01 Île-de-France … 05 Sud-Ouest), written as a rep types it.
fn landline(random: &mut Random, zone: u8) -> String {
    format!(
        "0{zone} {:02} {:02} {:02} {:02}",
        random.between(10, 99),
        random.between(0, 99),
        random.between(0, 99),
        random.between(0, 99)
    )
}

/// A mobile number (06 or 07).
fn mobile(random: &mut Random) -> String {
    let prefix = if random.percent(70) { 6 } else { 7 };
    let first = if prefix == 7 {
        random.between(50, 89)
    } else {
        random.between(0, 99)
    };
    format!(
        "0{prefix} {first:02} {:02} {:02} {:02}",
        random.between(0, 99),
        random.between(0, 99),
        random.between(0, 99)
    )
}

fn insert_phone(
    random: &mut Random,
    phones: &mut BTreeMap<String, PhoneEntry>,
    label: &str,
    number: PhoneNumber,
) {
    let entry = PhoneEntry {
        label: label.to_owned(),
        number,
    };
    phones.insert(EntryId::from_bytes(random.uuid()).to_string(), entry);
}

/// A uniform time in `low..=high` (just `low` when the range is empty).
fn random_between(random: &mut Random, low: i64, high: i64) -> i64 {
    if high <= low {
        low
    } else {
        random.between(low, high)
    }
}

/// Moves `time` to a weekday between 8:00 and 18:00 (UTC, close enough for a demo).
fn working_hours(random: &mut Random, time: i64) -> i64 {
    let days = time.div_euclid(DAY);
    // 1970-01-01 was a Thursday: (days + 4) % 7 is 0 on Sundays, 6 on Saturdays.
    let shift = match (days + 4).rem_euclid(7) {
        6 => -1,
        0 => 1,
        _ => 0,
    };
    (days + shift) * DAY + random.between(7 * HOUR, 17 * HOUR)
}

/// The UTC calendar date of Unix time `seconds` (Howard Hinnant's `civil_from_days`).
fn date_of(seconds: i64) -> Result<Date, DemoError> {
    let days = seconds.div_euclid(DAY) + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let out_of_range = |_| DemoError::TimeOutOfRange(seconds);
    Ok(Date::new(
        u16::try_from(year).map_err(out_of_range)?,
        u8::try_from(month).map_err(out_of_range)?,
        u8::try_from(day).map_err(out_of_range)?,
    )?)
}

/// SplitMix64: tiny, fast, and good enough to make demo data look random; never for secrets.
#[derive(Clone, Debug)]
struct Random {
    state: u64,
}

impl Random {
    /// The stream `stream` of `seed`: neighbouring streams are decorrelated by one mixing round.
    fn new(seed: u64, stream: u64) -> Self {
        let mut mixer = Self {
            state: seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03),
        };
        Self {
            state: mixer.next_u64(),
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = self.state;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        mixed ^ (mixed >> 31)
    }

    /// A number in `0..bound` (0 when `bound` is 0), by multiply-shift rather than modulo.
    fn below(&mut self, bound: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// An index into a collection of `length` items.
    fn index(&mut self, length: usize) -> usize {
        self.below(length as u64) as usize
    }

    /// One of `items`, which must not be empty (every table here is a non-empty constant).
    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.index(items.len())]
    }

    /// One of `words`, which must not be empty.
    fn word(&mut self, words: &[&'static str]) -> &'static str {
        words[self.index(words.len())]
    }

    /// One of `items`, each as likely as its weight.
    fn weighted<'t, T>(&mut self, items: &'t [(T, u64)]) -> &'t T {
        let total: u64 = items.iter().map(|(_, weight)| weight).sum();
        let mut draw = self.below(total);
        for (item, weight) in items {
            if draw < *weight {
                return item;
            }
            draw -= weight;
        }
        &items[items.len() - 1].0
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        let span = high.abs_diff(low) + 1;
        low.wrapping_add(self.below(span) as i64)
    }

    /// True `percent` times in a hundred.
    fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A number in `0.0..1.0`.
    fn fraction(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Sixteen bytes shaped as a UUID v4, like the ids devices generate.
    fn uuid(&mut self) -> [u8; 16] {
        let mut bytes = [0; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_be_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_be_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        bytes
    }
}

/// A kind of business the reps call on.
struct Business {
    /// The industry field.
    industry: &'static str,
    /// Name patterns (`{nom}`, `{lieu}`, `{prénom}`).
    patterns: &'static [&'static str],
    /// Tags that fit.
    tags: &'static [&'static str],
    /// What is sold to it: title and amount range in euros.
    offers: &'static [(&'static str, i64, i64)],
}

const BUSINESSES: &[Business] = &[
    Business {
        industry: "Boulangerie-pâtisserie",
        patterns: &[
            "Boulangerie {nom}",
            "Boulangerie {lieu}",
            "Boulangerie-Pâtisserie {nom}",
            "Au Fournil {lieu}",
            "Maison {nom}",
        ],
        tags: &["artisan", "boulangerie", "centre-ville", "bio"],
        offers: &[
            ("Four à sole 4 étages", 18_000, 45_000),
            ("Contrat d'entretien du fournil", 900, 2_400),
            ("Vitrine réfrigérée pâtisserie", 3_500, 9_000),
            ("Farines bio, contrat annuel", 6_000, 20_000),
        ],
    },
    Business {
        industry: "Entretien et réparation automobile",
        patterns: &[
            "Garage {lieu}",
            "Garage {nom}",
            "Garage {nom} & Fils",
            "Carrosserie {nom}",
            "Auto Service {nom}",
        ],
        tags: &["automobile", "atelier", "zone artisanale"],
        offers: &[
            ("Pont élévateur 2 colonnes", 3_500, 8_000),
            ("Station de climatisation", 2_500, 6_000),
            ("Lubrifiants, contrat annuel", 4_000, 15_000),
            ("Valise de diagnostic", 2_000, 7_000),
        ],
    },
    Business {
        industry: "Pharmacie",
        patterns: &[
            "Pharmacie {lieu}",
            "Pharmacie {nom}",
            "Grande Pharmacie {lieu}",
        ],
        tags: &["santé", "parapharmacie", "centre-ville"],
        offers: &[
            ("Robot de dispensation", 60_000, 150_000),
            ("Agencement espace parapharmacie", 15_000, 60_000),
            ("Gamme dermo-cosmétique", 3_000, 12_000),
            ("Croix LED", 2_500, 7_000),
        ],
    },
    Business {
        industry: "Caviste",
        patterns: &[
            "Cave à vins {nom}",
            "La Cave {lieu}",
            "Les Vins de {prénom}",
            "Cave {nom}",
        ],
        tags: &["vins", "spiritueux", "épicerie fine"],
        offers: &[
            ("Référencement vins de Loire", 2_000, 9_000),
            ("Cave de vieillissement climatisée", 4_000, 15_000),
            ("Commande des fêtes de fin d'année", 3_000, 20_000),
        ],
    },
    Business {
        industry: "Restauration traditionnelle",
        patterns: &[
            "Brasserie {lieu}",
            "Restaurant {lieu}",
            "Chez {prénom}",
            "Le Bistrot {lieu}",
            "Auberge {lieu}",
        ],
        tags: &["restauration", "terrasse", "CHR"],
        offers: &[
            ("Piano de cuisson", 8_000, 30_000),
            ("Lave-vaisselle à capot", 3_000, 8_000),
            ("Café et machine, contrat 3 ans", 2_500, 10_000),
            ("Mobilier de terrasse", 4_000, 18_000),
        ],
    },
    Business {
        industry: "Boucherie-charcuterie",
        patterns: &[
            "Boucherie {nom}",
            "Boucherie-Charcuterie {lieu}",
            "Maison {nom}",
        ],
        tags: &["artisan", "métiers de bouche", "traiteur"],
        offers: &[
            ("Vitrine réfrigérée 3 m", 6_000, 15_000),
            ("Chambre froide positive", 8_000, 25_000),
            ("Trancheuse professionnelle", 1_500, 4_000),
        ],
    },
    Business {
        industry: "Fromagerie",
        patterns: &["Fromagerie {nom}", "La Fromagerie {lieu}", "Crèmerie {nom}"],
        tags: &["métiers de bouche", "affinage", "marché"],
        offers: &[
            ("Cave d'affinage", 5_000, 20_000),
            ("Vitrine à fromages", 4_000, 12_000),
        ],
    },
    Business {
        industry: "Hôtellerie",
        patterns: &["Hôtel {lieu}", "Hôtel {nom}", "Le Relais {lieu}"],
        tags: &["hôtellerie", "CHR", "saisonnier"],
        offers: &[
            ("Linge de lit, contrat annuel", 5_000, 30_000),
            ("Rénovation de la literie", 10_000, 60_000),
            ("Produits d'accueil", 1_500, 6_000),
        ],
    },
    Business {
        industry: "Fleuriste",
        patterns: &["Fleurs {nom}", "L'Atelier Floral {lieu}", "Fleuriste {nom}"],
        tags: &["fleurs", "événementiel", "centre-ville"],
        offers: &[
            ("Chambre froide fleurs", 4_000, 12_000),
            ("Approvisionnement hebdomadaire", 6_000, 20_000),
        ],
    },
    Business {
        industry: "Quincaillerie",
        patterns: &[
            "Quincaillerie {nom}",
            "Quincaillerie {lieu}",
            "Établissements {nom}",
        ],
        tags: &["bricolage", "professionnels", "zone artisanale"],
        offers: &[
            ("Outillage électroportatif", 2_000, 9_000),
            ("Linéaire quincaillerie", 3_000, 12_000),
        ],
    },
    Business {
        industry: "Menuiserie",
        patterns: &[
            "Menuiserie {nom}",
            "SARL {nom} & Fils",
            "Ateliers {nom} Frères",
        ],
        tags: &["bâtiment", "atelier", "zone artisanale"],
        offers: &[
            ("Scie à format", 8_000, 25_000),
            ("Aspiration des copeaux", 5_000, 15_000),
        ],
    },
    Business {
        industry: "Opticien",
        patterns: &["Optique {nom}", "Optique {lieu}", "Lunetterie {nom}"],
        tags: &["santé", "centre-ville", "franchise"],
        offers: &[
            ("Présentoirs à montures", 3_000, 10_000),
            ("Réfracteur automatique", 12_000, 30_000),
        ],
    },
    Business {
        industry: "Épicerie fine",
        patterns: &[
            "Épicerie fine {nom}",
            "Comptoir {lieu}",
            "Les Saveurs de {prénom}",
        ],
        tags: &["épicerie fine", "produits locaux", "bio"],
        offers: &[
            ("Référencement huiles d'olive", 1_000, 5_000),
            ("Rayonnages bois", 2_500, 8_000),
        ],
    },
    Business {
        industry: "Café, tabac, presse",
        patterns: &[
            "Café {lieu}",
            "Tabac-Presse {lieu}",
            "Le Balto",
            "Café des Sports",
        ],
        tags: &["CHR", "presse", "FDJ"],
        offers: &[
            ("Machine à café 2 groupes", 4_000, 9_000),
            ("Terminal de paiement", 500, 1_500),
        ],
    },
    Business {
        industry: "Coiffure",
        patterns: &[
            "Salon {prénom}",
            "Coiffure {nom}",
            "L'Atelier Coiffure {lieu}",
        ],
        tags: &["beauté", "centre-ville", "franchise"],
        offers: &[
            ("Bacs à shampoing", 2_000, 6_000),
            ("Produits techniques, contrat annuel", 3_000, 9_000),
        ],
    },
];

/// Patterns any business may use.
const GENERIC_PATTERNS: &[&str] = &[
    "SARL {nom} & Fils",
    "Établissements {nom}",
    "{nom} Frères",
    "{nom} et Associés",
];

/// Places with their article, after a business word: "Garage du Centre".
const PLACES: &[&str] = &[
    "du Centre",
    "de la Gare",
    "du Marché",
    "de la Place",
    "des Halles",
    "du Port",
    "de l'Église",
    "du Château",
    "des Remparts",
    "du Parc",
    "de la Mairie",
    "du Pont",
    "des Arts",
    "du Lac",
];

/// Offers that suit any business, for activities not tied to a deal.
const GENERIC_OFFERS: &[&str] = &[
    "catalogue de printemps",
    "nouvelle gamme",
    "promotion du mois",
    "contrat de maintenance",
    "conditions tarifaires",
];

const GENERIC_TAGS: &[&str] = &[
    "fidèle",
    "grand compte",
    "à relancer",
    "salon 2025",
    "paiement à 30 jours",
    "livraison le matin",
];

/// One city: name, postcodes, approximate centre (WGS 84), phone zone, territory key.
struct City {
    name: &'static str,
    postcodes: &'static [&'static str],
    latitude: f64,
    longitude: f64,
    phone_zone: u8,
    territory: &'static str,
}

const fn city(
    name: &'static str,
    postcodes: &'static [&'static str],
    latitude: f64,
    longitude: f64,
    phone_zone: u8,
    territory: &'static str,
) -> City {
    City {
        name,
        postcodes,
        latitude,
        longitude,
        phone_zone,
        territory,
    }
}

/// The demo workspace's territories as stored in the settings: key, name and départements, in
/// the order reps share them out. Together they cover every département of metropolitan France
/// once (each demo city's postcodes fall in its own territory); overseas is left to the admin.
pub const TERRITORIES: &[(&str, &str, &[&str])] = &[
    (
        "idf",
        "Île-de-France",
        &["75", "77", "78", "91", "92", "93", "94", "95"],
    ),
    (
        "nord-est",
        "Nord et Est",
        &[
            "02", "08", "10", "25", "39", "51", "52", "54", "55", "57", "59", "60", "62", "67",
            "68", "70", "80", "88", "90",
        ],
    ),
    (
        "ouest",
        "Grand Ouest",
        &[
            "14", "22", "27", "29", "35", "44", "49", "50", "53", "56", "61", "72", "76", "85",
        ],
    ),
    (
        "centre",
        "Centre et Bourgogne",
        &["18", "21", "28", "36", "37", "41", "45", "58", "71", "89"],
    ),
    (
        "sud-ouest",
        "Sud-Ouest",
        &[
            "09", "12", "16", "17", "19", "23", "24", "31", "32", "33", "40", "46", "47", "64",
            "65", "79", "81", "82", "86", "87",
        ],
    ),
    (
        "rhone-alpes",
        "Auvergne-Rhône-Alpes",
        &[
            "01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74",
        ],
    ),
    (
        "mediterranee",
        "Méditerranée",
        &[
            "04", "05", "06", "11", "13", "2A", "2B", "30", "34", "48", "66", "83", "84",
        ],
    ),
];

const PARIS: &[&str] = &[
    "75001", "75002", "75003", "75004", "75005", "75006", "75007", "75008", "75009", "75010",
    "75011", "75012", "75013", "75014", "75015", "75016", "75017", "75018", "75019", "75020",
];

const CITIES: &[City] = &[
    city("Paris", PARIS, 48.8566, 2.3522, 1, "idf"),
    city("Paris", PARIS, 48.8566, 2.3522, 1, "idf"),
    city(
        "Boulogne-Billancourt",
        &["92100"],
        48.8397,
        2.2399,
        1,
        "idf",
    ),
    city("Versailles", &["78000"], 48.8049, 2.1204, 1, "idf"),
    city("Saint-Denis", &["93200"], 48.9362, 2.3574, 1, "idf"),
    city("Créteil", &["94000"], 48.7904, 2.4556, 1, "idf"),
    city("Lille", &["59000", "59800"], 50.6292, 3.0573, 3, "nord-est"),
    city("Roubaix", &["59100"], 50.6942, 3.1746, 3, "nord-est"),
    city(
        "Amiens",
        &["80000", "80090"],
        49.8941,
        2.2958,
        3,
        "nord-est",
    ),
    city("Reims", &["51100"], 49.2583, 4.0317, 3, "nord-est"),
    city("Metz", &["57000", "57050"], 49.1193, 6.1757, 3, "nord-est"),
    city("Nancy", &["54000", "54100"], 48.6921, 6.1844, 3, "nord-est"),
    city(
        "Strasbourg",
        &["67000", "67100", "67200"],
        48.5734,
        7.7521,
        3,
        "nord-est",
    ),
    city(
        "Mulhouse",
        &["68100", "68200"],
        47.7508,
        7.3359,
        3,
        "nord-est",
    ),
    city("Besançon", &["25000"], 47.2378, 6.0241, 3, "nord-est"),
    city("Dijon", &["21000"], 47.3220, 5.0415, 3, "centre"),
    city("Orléans", &["45000"], 47.9030, 1.9093, 2, "centre"),
    city("Tours", &["37000", "37100"], 47.3941, 0.6848, 2, "centre"),
    city("Bourges", &["18000"], 47.0810, 2.3988, 2, "centre"),
    city("Rouen", &["76000", "76100"], 49.4432, 1.0999, 2, "ouest"),
    city("Le Havre", &["76600", "76610"], 49.4944, 0.1079, 2, "ouest"),
    city("Caen", &["14000"], 49.1829, -0.3707, 2, "ouest"),
    city(
        "Rennes",
        &["35000", "35200", "35700"],
        48.1173,
        -1.6778,
        2,
        "ouest",
    ),
    city("Brest", &["29200"], 48.3904, -4.4861, 2, "ouest"),
    city("Quimper", &["29000"], 47.9960, -4.1024, 2, "ouest"),
    city(
        "Nantes",
        &["44000", "44100", "44300"],
        47.2184,
        -1.5536,
        2,
        "ouest",
    ),
    city("Angers", &["49000", "49100"], 47.4784, -0.5632, 2, "ouest"),
    city("Le Mans", &["72000", "72100"], 48.0061, 0.1996, 2, "ouest"),
    city("Poitiers", &["86000"], 46.5802, 0.3404, 5, "sud-ouest"),
    city("La Rochelle", &["17000"], 46.1603, -1.1511, 5, "sud-ouest"),
    city(
        "Limoges",
        &["87000", "87100"],
        45.8336,
        1.2611,
        5,
        "sud-ouest",
    ),
    city(
        "Bordeaux",
        &["33000", "33100", "33200", "33300", "33800"],
        44.8378,
        -0.5792,
        5,
        "sud-ouest",
    ),
    city("Pau", &["64000"], 43.2951, -0.3708, 5, "sud-ouest"),
    city("Bayonne", &["64100"], 43.4929, -1.4748, 5, "sud-ouest"),
    city(
        "Toulouse",
        &["31000", "31200", "31300", "31400", "31500"],
        43.6047,
        1.4442,
        5,
        "sud-ouest",
    ),
    city(
        "Clermont-Ferrand",
        &["63000", "63100"],
        45.7772,
        3.0870,
        4,
        "rhone-alpes",
    ),
    city(
        "Lyon",
        &[
            "69001", "69002", "69003", "69004", "69005", "69006", "69007", "69008", "69009",
        ],
        45.7640,
        4.8357,
        4,
        "rhone-alpes",
    ),
    city(
        "Villeurbanne",
        &["69100"],
        45.7719,
        4.8902,
        4,
        "rhone-alpes",
    ),
    city(
        "Saint-Étienne",
        &["42000", "42100"],
        45.4397,
        4.3872,
        4,
        "rhone-alpes",
    ),
    city(
        "Grenoble",
        &["38000", "38100"],
        45.1885,
        5.7245,
        4,
        "rhone-alpes",
    ),
    city("Annecy", &["74000"], 45.8992, 6.1294, 4, "rhone-alpes"),
    city("Chambéry", &["73000"], 45.5646, 5.9178, 4, "rhone-alpes"),
    city("Valence", &["26000"], 44.9334, 4.8924, 4, "rhone-alpes"),
    city(
        "Montpellier",
        &["34000", "34070", "34080"],
        43.6108,
        3.8767,
        4,
        "mediterranee",
    ),
    city(
        "Nîmes",
        &["30000", "30900"],
        43.8367,
        4.3601,
        4,
        "mediterranee",
    ),
    city("Avignon", &["84000"], 43.9493, 4.8055, 4, "mediterranee"),
    city(
        "Marseille",
        &["13001", "13002", "13004", "13006", "13008", "13013"],
        43.2965,
        5.3698,
        4,
        "mediterranee",
    ),
    city(
        "Aix-en-Provence",
        &["13090", "13100"],
        43.5297,
        5.4474,
        4,
        "mediterranee",
    ),
    city(
        "Toulon",
        &["83000", "83100", "83200"],
        43.1242,
        5.9280,
        4,
        "mediterranee",
    ),
    city(
        "Nice",
        &["06000", "06100", "06200", "06300"],
        43.7102,
        7.2620,
        4,
        "mediterranee",
    ),
    city(
        "Perpignan",
        &["66000", "66100"],
        42.6887,
        2.8948,
        4,
        "mediterranee",
    ),
    city(
        "Ajaccio",
        &["20000", "20090"],
        41.9192,
        8.7386,
        4,
        "mediterranee",
    ),
];

const STREETS: &[&str] = &[
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "place du Général de Gaulle",
    "rue Pasteur",
    "rue Nationale",
    "rue du Commerce",
    "avenue de la Libération",
    "rue Gambetta",
    "rue des Écoles",
    "chemin des Vignes",
    "allée des Tilleuls",
    "quai de la Loire",
    "rue de l'Église",
    "avenue Foch",
    "rue Carnot",
    "rue du Moulin",
    "impasse des Artisans",
    "rue Émile Zola",
    "boulevard de Strasbourg",
    "rue Saint-Michel",
    "place du Marché",
    "rue de la Gare",
    "avenue des Champs",
];

const LAST_NAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefèvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Henry",
    "Roussel",
    "Mathieu",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Le Gall",
    "Le Goff",
    "Lemoine",
    "Aubert",
    "Benoît",
    "Ménard",
    "Bouvier",
    "Carré",
    "Pelletier",
    "Hamon",
    "Besnard",
    "Chauvin",
    "Lebrun",
    "Ferrand",
];

const FEMININE_FIRST_NAMES: &[&str] = &[
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Sophie",
    "Christine",
    "Céline",
    "Julie",
    "Aurélie",
    "Émilie",
    "Camille",
    "Léa",
    "Chloé",
    "Manon",
    "Inès",
    "Claire",
    "Hélène",
    "Valérie",
    "Sandrine",
    "Karine",
    "Anaïs",
    "Élodie",
    "Laëtitia",
    "Agnès",
    "Béatrice",
    "Chantal",
    "Françoise",
    "Maëlle",
    "Noémie",
    "Rachida",
    "Amélie",
];

const MASCULINE_FIRST_NAMES: &[&str] = &[
    "Jean",
    "Pierre",
    "Michel",
    "Philippe",
    "Alain",
    "Nicolas",
    "Christophe",
    "Laurent",
    "Stéphane",
    "Frédéric",
    "Julien",
    "Sébastien",
    "David",
    "Olivier",
    "Thomas",
    "Antoine",
    "François",
    "Jérôme",
    "Cédric",
    "Mathieu",
    "Hugo",
    "Lucas",
    "Théo",
    "Maxime",
    "Guillaume",
    "Benoît",
    "Hervé",
    "Thierry",
    "Jean-Pierre",
    "Jean-François",
    "Loïc",
    "Gaël",
    "Yannick",
    "Rémi",
    "Grégoire",
    "Karim",
];

/// The first contact's role, masculine and feminine.
const LEAD_ROLES: &[(&str, &str)] = &[
    ("Gérant", "Gérante"),
    ("Directeur", "Directrice"),
    ("Fondateur", "Fondatrice"),
    ("Responsable du magasin", "Responsable du magasin"),
];

/// Other contacts' roles, masculine and feminine.
const STAFF_ROLES: &[(&str, &str)] = &[
    ("Responsable des achats", "Responsable des achats"),
    ("Comptable", "Comptable"),
    ("Chef d'atelier", "Cheffe d'atelier"),
    ("Assistant de direction", "Assistante de direction"),
    ("Second", "Seconde"),
    ("Vendeur", "Vendeuse"),
    ("Associé", "Associée"),
];

const MAIL_PROVIDERS: &[&str] = &[
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "laposte.net",
    "gmail.com",
    "sfr.fr",
];

const ACCOUNT_NOTES: &[&str] = &[
    "Fermeture annuelle trois semaines en août.",
    "Livraisons uniquement avant 10 h, entrée par la cour.",
    "Changement de gérant prévu à la rentrée, à suivre.",
    "Très attaché au service après-vente, a eu un litige avec le concurrent.",
    "Paie toujours à 30 jours fin de mois. Demande les factures par e-mail.",
    "Parking difficile : se garer place du marché.",
    "Ouvert le dimanche matin, éviter les visites le samedi.",
];

const CONTACT_NOTES: &[&str] = &[
    "Préfère être appelé(e) en début d'après-midi.",
    "Décide avec son associé, prévoir les deux au rendez-vous.",
    "Très sensible aux délais de livraison.",
    "Fan de rugby : parler du match du week-end.",
];

const VISIT_REPORTS: &[&str] = &[
    "Visite en magasin avec {contact}. Présentation de l'offre « {offre} ». Bon accueil, \
     demande un devis détaillé.",
    "Passage rapide : {contact} absent(e), laissé le catalogue au comptoir.",
    "Tour du magasin avec {contact}. Le matériel actuel montre des signes d'usure ; \
     intérêt pour « {offre} ».",
    "Visite de courtoisie. {contact} satisfait(e) de la dernière livraison, pas de besoin \
     immédiat.",
    "Démonstration sur place pour « {offre} ». {contact} veut comparer avec le concurrent \
     avant de s'engager.",
];

const CALL_REPORTS: &[&str] = &[
    "Appel de {contact} : question sur la dernière facture, avoir à faire.",
    "Appel à {contact} pour confirmer le rendez-vous de la semaine prochaine.",
    "{contact} rappelle au sujet de « {offre} » : souhaite un échelonnement du paiement.",
    "Messagerie, rappeler {contact} en fin de matinée.",
];

const MEETING_REPORTS: &[&str] = &[
    "Rendez-vous avec {contact} et la direction : point annuel, objectifs validés.",
    "Négociation sur « {offre} » avec {contact}. Remise de 5 % accordée contre un \
     engagement sur deux ans.",
    "Rendez-vous en visio avec {contact} pour préparer la saison.",
];

const EMAIL_REPORTS: &[&str] = &[
    "Envoi du devis « {offre} » à {contact}.",
    "Envoi des conditions tarifaires et du catalogue à {contact}.",
    "{contact} demande par e-mail un délai de livraison pour « {offre} ».",
];

const NOTE_REPORTS: &[&str] = &[
    "Le magasin a été refait à neuf, belle vitrine.",
    "Un concurrent est passé la semaine dernière avec une offre agressive.",
    "Travaux dans la rue jusqu'à la fin du mois : accès difficile.",
    "Ouverture d'un second point de vente envisagée l'an prochain.",
];

const VISIT_OUTCOMES: &[&str] = &[
    "Devis demandé",
    "Commande passée",
    "À relancer",
    "Pas de besoin",
    "Démonstration prévue",
];

const CALL_OUTCOMES: &[&str] = &["Rappel prévu", "Information donnée", "Devis envoyé"];

const TASK_TITLES: &[&str] = &[
    "Envoyer le devis « {offre} »",
    "Rappeler {contact}",
    "Relancer pour la commande",
    "Déposer le catalogue",
    "Préparer la proposition « {offre} »",
    "Vérifier la livraison",
    "Planifier une démonstration",
    "Envoyer les conditions tarifaires",
];

const VISIT_TITLES: &[&str] = &[
    "Passer voir {contact}",
    "Visite de suivi",
    "Présenter la nouvelle gamme",
    "Faire le point sur le rayon",
];

const WON_REASONS: &[&str] = &[
    "Prix compétitif et livraison rapide",
    "Qualité du service après-vente",
    "Démonstration convaincante",
    "Relation de confiance avec le gérant",
];

const LOST_REASONS: &[&str] = &[
    "Concurrent moins cher",
    "Projet reporté à l'an prochain",
    "Budget non validé",
    "Pas de réponse après relances",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_times_become_their_utc_dates() -> Result<(), DemoError> {
        assert_eq!(date_of(0)?.to_string(), "1970-01-01");
        assert_eq!(date_of(951_782_400)?.to_string(), "2000-02-29");
        assert_eq!(date_of(1_767_225_600)?.to_string(), "2026-01-01");
        assert_eq!(date_of(1_767_225_599)?.to_string(), "2025-12-31");
        Ok(())
    }

    #[test]
    fn generated_registration_numbers_pass_the_validators() -> Result<(), DemoError> {
        let mut random = Random::new(7, 7);
        for _ in 0..1_000 {
            let siren = random_siren(&mut random)?;
            let siret = random_siret(&mut random, &siren)?;
            assert_eq!(siret.siren(), siren);
            assert!(vat_of(&siren)?.as_str().ends_with(siren.as_str()));
        }
        Ok(())
    }

    #[test]
    fn working_hours_fall_on_weekdays() {
        let mut random = Random::new(1, 1);
        for day in 0..14 {
            let time = working_hours(&mut random, 1_767_225_600 + day * DAY);
            let weekday = (time.div_euclid(DAY) + 4).rem_euclid(7);
            assert!((1..=5).contains(&weekday), "{weekday}");
        }
    }
}

#[cfg(test)]
mod planned_visits {
    use super::*;

    #[test]
    fn each_rep_has_visits_planned_today_at_addresses_with_coordinates() -> Result<(), DemoError> {
        let manager = UserId::from_bytes([1; 16]);
        let reps = [UserId::from_bytes([2; 16]), UserId::from_bytes([3; 16])];
        let now = 1_767_225_600 + 40_000;
        let mut data = DemoData::generate(&DemoSpec {
            seed: 0x00ca_52e7,
            accounts: 25,
            manager,
            reps: reps.to_vec(),
            now,
            workspace: None,
        })?;
        let today = date_of(now)?;
        let mut visits = BTreeMap::<UserId, usize>::new();
        for document in &mut data.accounts {
            let account = document.record()?;
            let planned = account
                .tasks
                .values()
                .filter(|task| task.plans_visit() && task.due == Some(today));
            for task in planned {
                assert!(account.visit_location().is_some(), "{}", account.name);
                *visits.entry(task.assignee.unwrap_or(manager)).or_default() += 1;
            }
        }
        for rep in reps {
            assert!(
                visits.get(&rep).is_some_and(|count| *count >= 2),
                "{visits:?}"
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod territories {
    use super::*;

    #[test]
    fn the_demo_territories_cover_each_metropolitan_departement_once() {
        let settings = demo_settings();
        let metropolitan = (1..=95_u8)
            .filter(|number| *number != 20)
            .map(|number| format!("{number:02}"))
            .chain(["2A".to_owned(), "2B".to_owned()]);
        for departement in metropolitan {
            let covering: Vec<&str> = settings
                .territories
                .iter()
                .filter(|(_, territory)| territory.departements.contains(&departement))
                .map(|(key, _)| key.as_str())
                .collect();
            assert_eq!(covering.len(), 1, "{departement}: {covering:?}");
        }
    }

    #[test]
    fn every_demo_city_s_postcodes_fall_in_its_own_territory() {
        let settings = demo_settings();
        for city in CITIES {
            for postcode in city.postcodes {
                assert_eq!(
                    settings.territory_of_postcode(postcode),
                    Some(city.territory),
                    "{} {postcode}",
                    city.name
                );
            }
        }
    }

    #[test]
    fn generated_accounts_sit_in_the_territory_of_their_postcode() -> Result<(), DemoError> {
        let mut data = DemoData::generate(&DemoSpec {
            seed: 0x7e44_170e,
            accounts: 60,
            manager: UserId::from_bytes([1; 16]),
            reps: vec![UserId::from_bytes([2; 16]), UserId::from_bytes([3; 16])],
            now: 1_767_225_600,
            workspace: None,
        })?;
        let settings = data.settings.record()?;
        for document in &mut data.accounts {
            let account = document.record()?;
            let postcode = account
                .display_address()
                .map(|address| address.postcode.clone())
                .unwrap_or_default();
            assert_eq!(
                account.territory.as_deref(),
                settings.territory_of_postcode(&postcode),
                "{} {postcode}",
                account.name
            );
        }
        Ok(())
    }
}
