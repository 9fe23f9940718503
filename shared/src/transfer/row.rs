//! One CSV row checked and turned into a record, or the reasons it cannot be.
//!
//! Every value goes through the domain's own validators (`Siret::parse`, `EmailAddress::parse`,
//! `Money::parse`…): this module adds no rule of its own about values, only how spreadsheet
//! cells spell them (a `€` after an amount, "Client actif" for a stage, several e-mails in one
//! cell). A row either becomes a [`Candidate`] or carries every problem found, each with a
//! stable code, so the rep can fix the file in one pass.

use std::collections::BTreeMap;

use autosurgeon::Text;

use super::mapping::{Field, Mapping};
use super::plan::ImportRules;
use super::table::Row;
use crate::account::{Account, LifecycleStage, MAIN_ADDRESS};
use crate::contact::Contact;
use crate::deal::{Deal, DealStatus};
use crate::ids::EntryId;
use crate::record::{Address, AddressKind, EmailEntry, KeySet, PhoneEntry};
use crate::sales::{Product, ProductDraft, ProductError, VatRateError};
use crate::search::search_terms;
use crate::values::{
    CurrencyCode, CurrencyError, Date, DateError, EmailAddress, EmailError, Money, MoneyError,
    PhoneError, PhoneNumber, RegistrationError, Siren, Siret, VatError, VatNumber,
};

/// A record built from one valid row.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Candidate {
    /// A company.
    Account(Account),
    /// A person.
    Contact(Contact),
    /// An opportunity.
    Deal(Deal),
    /// A catalogue product.
    Product(Product),
}

/// One data row after validation.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidatedRow {
    /// The physical line the row starts on.
    pub line: u64,
    /// The record, or every reason the row was refused.
    pub outcome: Result<Candidate, Vec<RowProblem>>,
}

/// Why a row (or one of its cells) was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    /// The row does not have as many cells as the header.
    #[error("the line has {found} fields where the header has {expected}")]
    WrongFieldCount {
        /// The header's width.
        expected: usize,
        /// The row's width.
        found: usize,
    },
    /// A required field is empty.
    #[error("{} is empty", .field.header())]
    Missing {
        /// The field.
        field: Field,
    },
    /// The SIRET is not valid.
    #[error("SIRET {value:?}: {reason}")]
    BadSiret {
        /// The cell.
        value: String,
        /// Why.
        reason: RegistrationError,
    },
    /// The SIREN is not valid.
    #[error("SIREN {value:?}: {reason}")]
    BadSiren {
        /// The cell.
        value: String,
        /// Why.
        reason: RegistrationError,
    },
    /// SIRET and SIREN are both valid but the SIRET is another company's.
    #[error("the SIRET does not belong to the SIREN")]
    SiretNotOfSiren,
    /// The VAT number is not valid.
    #[error("VAT number {value:?}: {reason}")]
    BadVat {
        /// The cell.
        value: String,
        /// Why.
        reason: VatError,
    },
    /// An e-mail address is not valid.
    #[error("e-mail {value:?}: {reason}")]
    BadEmail {
        /// The address.
        value: String,
        /// Why.
        reason: EmailError,
    },
    /// A phone number is not valid.
    #[error("phone {value:?}: {reason}")]
    BadPhone {
        /// The number.
        value: String,
        /// Why.
        reason: PhoneError,
    },
    /// A stage the workspace does not have.
    #[error("unknown stage {value:?}")]
    UnknownStage {
        /// The cell.
        value: String,
    },
    /// A territory the workspace does not have.
    #[error("unknown territory {value:?}")]
    UnknownTerritory {
        /// The cell.
        value: String,
    },
    /// A deal status other than open, won or lost.
    #[error("unknown status {value:?} (expected open, won or lost)")]
    UnknownStatus {
        /// The cell.
        value: String,
    },
    /// The amount is not a number in the currency.
    #[error("amount {value:?}: {reason}")]
    BadAmount {
        /// The cell.
        value: String,
        /// Why.
        reason: MoneyError,
    },
    /// The currency is not an ISO 4217 code.
    #[error("currency {value:?}: {reason}")]
    BadCurrency {
        /// The cell.
        value: String,
        /// Why.
        reason: CurrencyError,
    },
    /// A date that does not parse.
    #[error("{} {value:?}: {reason}", .field.header())]
    BadDate {
        /// Which date.
        field: Field,
        /// The cell.
        value: String,
        /// Why.
        reason: DateError,
    },
    /// A probability that is not a whole percentage.
    #[error("probability {value:?} is not a whole percentage from 0 to 100")]
    BadProbability {
        /// The cell.
        value: String,
    },
    /// A product reference longer than the catalogue prints.
    #[error("reference {value:?} is too long")]
    ReferenceTooLong {
        /// The cell.
        value: String,
    },
    /// A product's unit price is not an amount.
    #[error("unit price {value:?}: {reason}")]
    BadPrice {
        /// The cell.
        value: String,
        /// Why.
        reason: MoneyError,
    },
    /// A product's unit price is below zero.
    #[error("unit price {value:?} is negative")]
    NegativePrice {
        /// The cell.
        value: String,
    },
    /// A VAT rate that is not a French rate (20, 10, 5.5, 2.1 or 0).
    #[error("VAT rate {value:?}: {reason}")]
    BadVatRate {
        /// The cell.
        value: String,
        /// Why.
        reason: VatRateError,
    },
    /// The product could not be made for another reason (kept with its words).
    #[error("the product is not valid: {reason}")]
    InvalidProduct {
        /// Why.
        reason: String,
    },
}

impl RowProblem {
    /// A stable identifier of the problem, for the UI and for logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongFieldCount { .. } => "wrong_field_count",
            Self::Missing { .. } => "missing_value",
            Self::BadSiret { .. } => "bad_siret",
            Self::BadSiren { .. } => "bad_siren",
            Self::SiretNotOfSiren => "siret_not_of_siren",
            Self::BadVat { .. } => "bad_vat",
            Self::BadEmail { .. } => "bad_email",
            Self::BadPhone { .. } => "bad_phone",
            Self::UnknownStage { .. } => "unknown_stage",
            Self::UnknownTerritory { .. } => "unknown_territory",
            Self::UnknownStatus { .. } => "unknown_status",
            Self::BadAmount { .. } => "bad_amount",
            Self::BadCurrency { .. } => "bad_currency",
            Self::BadDate { .. } => "bad_date",
            Self::BadProbability { .. } => "bad_probability",
            Self::ReferenceTooLong { .. } => "reference_too_long",
            Self::BadPrice { .. } => "bad_price",
            Self::NegativePrice { .. } => "negative_price",
            Self::BadVatRate { .. } => "bad_vat_rate",
            Self::InvalidProduct { .. } => "invalid_product",
        }
    }
}

/// The phone label given to numbers from a mobile column, and recognised as mobile on export.
pub(super) const MOBILE_LABEL: &str = "Portable";

/// Validates `row` under `mapping` (the header has `width` cells).
pub(super) fn validate(
    row: &Row,
    mapping: &Mapping,
    width: usize,
    rules: &ImportRules,
) -> ValidatedRow {
    let mut cells = Cells {
        row,
        mapping,
        problems: Vec::new(),
    };
    let extra = row.cells.get(width..).unwrap_or_default();
    if row.cells.len() < width || extra.iter().any(|cell| !cell.is_empty()) {
        cells.problems.push(RowProblem::WrongFieldCount {
            expected: width,
            found: row.cells.len(),
        });
    }
    let candidate = match mapping.entity {
        super::Entity::Account => Candidate::Account(cells.account(rules)),
        super::Entity::Contact => Candidate::Contact(cells.contact()),
        super::Entity::Deal => Candidate::Deal(cells.deal(rules)),
        super::Entity::Product => match cells.product(rules) {
            Some(product) => Candidate::Product(product),
            None => {
                return ValidatedRow {
                    line: row.line,
                    outcome: Err(cells.problems),
                }
            }
        },
    };
    ValidatedRow {
        line: row.line,
        outcome: if cells.problems.is_empty() {
            Ok(candidate)
        } else {
            Err(cells.problems)
        },
    }
}

/// Reads mapped cells of one row, collecting problems as it goes.
struct Cells<'a> {
    row: &'a Row,
    mapping: &'a Mapping,
    problems: Vec<RowProblem>,
}

impl Cells<'_> {
    /// The trimmed cell feeding `field` (empty when unmapped or missing).
    fn text(&self, field: Field) -> &str {
        self.mapping
            .column_of(field)
            .and_then(|column| self.row.cells.get(column))
            .map_or("", String::as_str)
    }

    fn optional(&self, field: Field) -> Option<String> {
        Some(self.text(field).to_owned()).filter(|text| !text.is_empty())
    }

    fn required(&mut self, field: Field) -> String {
        let text = self.text(field).to_owned();
        if text.is_empty() {
            self.problems.push(RowProblem::Missing { field });
        }
        text
    }

    /// Parses the cell feeding `field` when it is not empty, recording `problem` on failure.
    fn parsed<T, E>(
        &mut self,
        field: Field,
        parse: impl FnOnce(&str) -> Result<T, E>,
        problem: impl FnOnce(String, E) -> RowProblem,
    ) -> Option<T> {
        let text = self.text(field);
        if text.is_empty() {
            return None;
        }
        match parse(text) {
            Ok(value) => Some(value),
            Err(error) => {
                let problem = problem(text.to_owned(), error);
                self.problems.push(problem);
                None
            }
        }
    }

    fn account(&mut self, rules: &ImportRules) -> Account {
        let mut account = Account::named(&self.required(Field::AccountName));
        account.siret = self.parsed(Field::Siret, Siret::parse, |value, reason| {
            RowProblem::BadSiret { value, reason }
        });
        let siren = self.parsed(Field::Siren, Siren::parse, |value, reason| {
            RowProblem::BadSiren { value, reason }
        });
        if let (Some(siret), Some(siren)) = (account.siret, siren) {
            if siret.siren() != siren {
                self.problems.push(RowProblem::SiretNotOfSiren);
            }
        }
        account.siren = siren.or(account.siret.map(|siret| siret.siren()));
        account.vat = self.parsed(Field::Vat, VatNumber::parse, |value, reason| {
            RowProblem::BadVat { value, reason }
        });
        account.industry = self.optional(Field::Industry);
        account.website = self.optional(Field::Website);
        if let Some(stage) = self.parsed(Field::LifecycleStage, lifecycle_stage, |value, ()| {
            RowProblem::UnknownStage { value }
        }) {
            account.stage = stage;
        }
        if let Some(address) = self.address() {
            account.addresses.insert(MAIN_ADDRESS.to_owned(), address);
        }
        // A territory named by the file wins over the one its postcode would give.
        if let Some(value) = self.optional(Field::Territory) {
            match rules.territory_key(&value) {
                Some(key) => account.territory = Some(key.to_owned()),
                None => self.problems.push(RowProblem::UnknownTerritory { value }),
            }
        }
        self.phones(&mut account.phones, Field::Phone, "Standard");
        self.emails(&mut account.emails);
        account.tags = self.tags();
        account.notes = Text::with_value(self.text(Field::Notes));
        account
    }

    fn contact(&mut self) -> Contact {
        let first_name = self.text(Field::FirstName).to_owned();
        let last_name = self.text(Field::LastName).to_owned();
        if first_name.is_empty() && last_name.is_empty() {
            self.problems.push(RowProblem::Missing {
                field: Field::LastName,
            });
        }
        let mut contact = Contact::named(&first_name, &last_name);
        contact.job_title = self.text(Field::JobTitle).to_owned();
        self.phones(&mut contact.phones, Field::Phone, "Bureau");
        self.phones(&mut contact.phones, Field::Mobile, MOBILE_LABEL);
        self.emails(&mut contact.emails);
        contact.birthday = self.parsed(Field::Birthday, Date::parse, |value, reason| {
            RowProblem::BadDate {
                field: Field::Birthday,
                value,
                reason,
            }
        });
        contact.tags = self.tags();
        contact.notes = Text::with_value(self.text(Field::Notes));
        contact
    }

    fn deal(&mut self, rules: &ImportRules) -> Deal {
        let title = self.required(Field::Title);
        let stage = match self.optional(Field::PipelineStage) {
            None => rules.first_stage().unwrap_or_default().to_owned(),
            Some(value) => match rules.stage_key(&value) {
                Some(key) => key.to_owned(),
                None => {
                    self.problems.push(RowProblem::UnknownStage { value });
                    String::new()
                }
            },
        };
        let mut deal = Deal::new(&title, &stage);
        let currency = self
            .parsed(Field::Currency, currency, |value, reason| {
                RowProblem::BadCurrency { value, reason }
            })
            .unwrap_or(rules.currency);
        deal.amount = self.parsed(
            Field::Amount,
            |text| Money::parse(without_currency_sign(text), currency),
            |value, reason| RowProblem::BadAmount { value, reason },
        );
        deal.probability = self.parsed(Field::Probability, probability, |value, ()| {
            RowProblem::BadProbability { value }
        });
        deal.expected_close = self.parsed(Field::ExpectedClose, Date::parse, |value, reason| {
            RowProblem::BadDate {
                field: Field::ExpectedClose,
                value,
                reason,
            }
        });
        if let Some(status) = self.parsed(Field::Status, deal_status, |value, ()| {
            RowProblem::UnknownStatus { value }
        }) {
            deal.status = status;
        }
        deal.notes = Text::with_value(self.text(Field::Notes));
        deal
    }

    /// The product the row describes, checked by [`Product::from_draft`] (priced in the
    /// workspace's currency). `from_draft` stops at the first fault; the faulty field is then
    /// replaced by a valid stand-in and the draft checked again, so every fault of the row is
    /// reported at once. `None` when the row has any fault.
    fn product(&mut self, rules: &ImportRules) -> Option<Product> {
        let mut draft = ProductDraft {
            reference: self.text(Field::Reference).to_owned(),
            name: self.text(Field::ProductName).to_owned(),
            description: self.text(Field::Description).to_owned(),
            unit: self.text(Field::Unit).to_owned(),
            unit_price: without_currency_sign(self.text(Field::UnitPrice)).to_owned(),
            currency: rules.currency,
            vat_rate: self.text(Field::VatRate).to_owned(),
            category: self.text(Field::Category).to_owned(),
        };
        let price = self.text(Field::UnitPrice).to_owned();
        let vat_rate = self.text(Field::VatRate).to_owned();
        let mut faulty = false;
        // One pass per field at most: reference, name, price, VAT rate.
        for _ in 0..5 {
            let error = match Product::from_draft(&draft) {
                Ok(product) => return Some(product).filter(|_| !faulty),
                Err(error) => error,
            };
            faulty = true;
            match error {
                ProductError::MissingReference => {
                    self.problems.push(RowProblem::Missing {
                        field: Field::Reference,
                    });
                    draft.reference = "-".to_owned();
                }
                ProductError::ReferenceTooLong => {
                    self.problems.push(RowProblem::ReferenceTooLong {
                        value: draft.reference.trim().to_owned(),
                    });
                    draft.reference = "-".to_owned();
                }
                ProductError::MissingName => {
                    self.problems.push(RowProblem::Missing {
                        field: Field::ProductName,
                    });
                    draft.name = "-".to_owned();
                }
                ProductError::BadPrice(reason) => {
                    self.problems.push(if price.is_empty() {
                        RowProblem::Missing {
                            field: Field::UnitPrice,
                        }
                    } else {
                        RowProblem::BadPrice {
                            value: price.clone(),
                            reason,
                        }
                    });
                    draft.unit_price = "0".to_owned();
                }
                ProductError::NegativePrice => {
                    self.problems.push(RowProblem::NegativePrice {
                        value: price.clone(),
                    });
                    draft.unit_price = "0".to_owned();
                }
                ProductError::BadVatRate(reason) => {
                    self.problems.push(if vat_rate.is_empty() {
                        RowProblem::Missing {
                            field: Field::VatRate,
                        }
                    } else {
                        RowProblem::BadVatRate {
                            value: vat_rate.clone(),
                            reason,
                        }
                    });
                    draft.vat_rate = "0".to_owned();
                }
                ProductError::Document(error) => {
                    self.problems.push(RowProblem::InvalidProduct {
                        reason: error.to_string(),
                    });
                    return None;
                }
            }
        }
        None
    }

    /// The main (visit) address, when any of its cells is filled.
    fn address(&self) -> Option<Address> {
        let [street, postcode, city, country] =
            [Field::Street, Field::Postcode, Field::City, Field::Country]
                .map(|field| self.text(field).to_owned());
        if [&street, &postcode, &city, &country]
            .iter()
            .all(|text| text.is_empty())
        {
            return None;
        }
        Some(Address {
            kind: AddressKind::Visit,
            street,
            postcode,
            city,
            country: country_code(&country),
            location: None,
        })
    }

    /// Adds the numbers of the cell feeding `field` (several may be separated by commas).
    fn phones(&mut self, phones: &mut BTreeMap<String, PhoneEntry>, field: Field, label: &str) {
        let text = self.text(field).to_owned();
        for value in split_list(&text) {
            match PhoneNumber::parse(value) {
                Ok(number) => {
                    let entry = PhoneEntry {
                        label: label.to_owned(),
                        number,
                    };
                    phones.insert(EntryId::generate().to_string(), entry);
                }
                Err(reason) => self.problems.push(RowProblem::BadPhone {
                    value: value.to_owned(),
                    reason,
                }),
            }
        }
    }

    /// Adds the addresses of the e-mail cell (several may be separated by commas).
    fn emails(&mut self, emails: &mut BTreeMap<String, EmailEntry>) {
        let text = self.text(Field::Email).to_owned();
        for value in split_list(&text) {
            match EmailAddress::parse(value) {
                Ok(address) => {
                    let entry = EmailEntry {
                        label: String::new(),
                        address,
                    };
                    emails.insert(EntryId::generate().to_string(), entry);
                }
                Err(reason) => self.problems.push(RowProblem::BadEmail {
                    value: value.to_owned(),
                    reason,
                }),
            }
        }
    }

    fn tags(&self) -> KeySet {
        split_list(self.text(Field::Tags)).collect()
    }
}

/// The non-empty, trimmed items of a cell holding a list (`a, b` or `a | b`).
pub(super) fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '|', '\n'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// A lifecycle stage from its stored name or how a French or English spreadsheet spells it.
fn lifecycle_stage(text: &str) -> Result<LifecycleStage, ()> {
    let folded = search_terms(text).join(" ");
    Ok(match folded.as_str() {
        "prospect" | "prospection" | "lead" => LifecycleStage::Prospect,
        "new customer" | "nouveau client" | "nouveau" => LifecycleStage::NewCustomer,
        "active" | "actif" | "client" | "client actif" | "customer" => LifecycleStage::Active,
        "to reactivate" | "a reactiver" | "a relancer" | "inactif" | "client inactif" => {
            LifecycleStage::ToReactivate
        }
        "lost" | "perdu" | "ancien client" => LifecycleStage::Lost,
        _ => return Err(()),
    })
}

/// A deal status from its stored name or a French or English spelling.
fn deal_status(text: &str) -> Result<DealStatus, ()> {
    let folded = search_terms(text).join(" ");
    Ok(match folded.as_str() {
        "open" | "ouvert" | "ouverte" | "en cours" => DealStatus::Open,
        "won" | "gagne" | "gagnee" | "signe" | "signee" => DealStatus::Won,
        "lost" | "perdu" | "perdue" => DealStatus::Lost,
        _ => return Err(()),
    })
}

fn currency(text: &str) -> Result<CurrencyCode, CurrencyError> {
    match text {
        "€" => Ok(CurrencyCode::EUR),
        other => CurrencyCode::parse(other),
    }
}

/// The amount without a trailing `€` or `EUR`, as spreadsheets format money.
fn without_currency_sign(text: &str) -> &str {
    let text = text.trim();
    text.strip_suffix('€')
        .or_else(|| text.strip_suffix("EUR"))
        .unwrap_or(text)
        .trim_end()
}

/// `25`, `25 %` or `25%` as a whole percentage from 0 to 100.
fn probability(text: &str) -> Result<u8, ()> {
    let number = text.trim().trim_end_matches('%').trim_end();
    match number.parse::<u8>() {
        Ok(percent) if percent <= 100 => Ok(percent),
        _ => Err(()),
    }
}

/// The ISO code of a country cell: `FR` when empty or French, a two-letter code upper-cased,
/// anything else kept as typed.
fn country_code(text: &str) -> String {
    let folded = search_terms(text).join(" ");
    match folded.as_str() {
        "" | "france" | "fr" => "FR".to_owned(),
        "belgique" | "belgium" => "BE".to_owned(),
        "suisse" | "switzerland" => "CH".to_owned(),
        "luxembourg" => "LU".to_owned(),
        "allemagne" | "germany" => "DE".to_owned(),
        "espagne" | "spain" => "ES".to_owned(),
        "italie" | "italy" => "IT".to_owned(),
        code if code.len() == 2 => code.to_ascii_uppercase(),
        _ => text.to_owned(),
    }
}

impl Candidate {
    /// Copies into `self` what `other` knows and `self` does not: empty fields are filled,
    /// phones, e-mails and tags are added, other notes are appended. Nothing is overwritten.
    pub fn absorb(&mut self, other: &Candidate) {
        match (self, other) {
            (Self::Account(account), Self::Account(other)) => absorb_account(account, other),
            (Self::Contact(contact), Self::Contact(other)) => absorb_contact(contact, other),
            (Self::Deal(deal), Self::Deal(other)) => absorb_deal(deal, other),
            (Self::Product(product), Self::Product(other)) => absorb_product(product, other),
            _ => {}
        }
    }
}

pub(super) fn absorb_account(account: &mut Account, other: &Account) {
    fill(&mut account.siren, &other.siren);
    fill(&mut account.siret, &other.siret);
    fill(&mut account.vat, &other.vat);
    fill(&mut account.industry, &other.industry);
    fill(&mut account.website, &other.website);
    fill(&mut account.territory, &other.territory);
    if let Some(address) = other.addresses.get(MAIN_ADDRESS) {
        if account.addresses.is_empty() {
            account
                .addresses
                .insert(MAIN_ADDRESS.to_owned(), address.clone());
        }
    }
    absorb_phones(&mut account.phones, &other.phones);
    absorb_emails(&mut account.emails, &other.emails);
    account.tags.0.extend(other.tags.0.iter().cloned());
    append_notes(&mut account.notes, &other.notes);
}

pub(super) fn absorb_contact(contact: &mut Contact, other: &Contact) {
    for (mine, theirs) in [
        (&mut contact.first_name, &other.first_name),
        (&mut contact.last_name, &other.last_name),
        (&mut contact.job_title, &other.job_title),
    ] {
        if mine.is_empty() {
            mine.clone_from(theirs);
        }
    }
    fill(&mut contact.birthday, &other.birthday);
    absorb_phones(&mut contact.phones, &other.phones);
    absorb_emails(&mut contact.emails, &other.emails);
    contact.tags.0.extend(other.tags.0.iter().cloned());
    append_notes(&mut contact.notes, &other.notes);
}

pub(super) fn absorb_deal(deal: &mut Deal, other: &Deal) {
    fill(&mut deal.amount, &other.amount);
    fill(&mut deal.probability, &other.probability);
    fill(&mut deal.expected_close, &other.expected_close);
    append_notes(&mut deal.notes, &other.notes);
}

pub(super) fn absorb_product(product: &mut Product, other: &Product) {
    for (mine, theirs) in [
        (&mut product.name, &other.name),
        (&mut product.unit, &other.unit),
    ] {
        if mine.trim().is_empty() {
            mine.clone_from(theirs);
        }
    }
    if product.description.as_str().trim().is_empty() && !other.description.as_str().is_empty() {
        product.description.update(other.description.as_str());
    }
    fill(&mut product.category, &other.category);
}

fn fill<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) {
    if mine.is_none() {
        mine.clone_from(theirs);
    }
}

fn absorb_phones(phones: &mut BTreeMap<String, PhoneEntry>, other: &BTreeMap<String, PhoneEntry>) {
    for (key, entry) in other {
        if !phones.values().any(|known| known.number == entry.number) {
            phones.insert(key.clone(), entry.clone());
        }
    }
}

fn absorb_emails(emails: &mut BTreeMap<String, EmailEntry>, other: &BTreeMap<String, EmailEntry>) {
    for (key, entry) in other {
        let same = |known: &EmailEntry| {
            known
                .address
                .as_str()
                .eq_ignore_ascii_case(entry.address.as_str())
        };
        if !emails.values().any(same) {
            emails.insert(key.clone(), entry.clone());
        }
    }
}

fn append_notes(notes: &mut Text, other: &Text) {
    let theirs = other.as_str().trim();
    if theirs.is_empty() || notes.as_str().contains(theirs) {
        return;
    }
    let joined = if notes.as_str().trim().is_empty() {
        theirs.to_owned()
    } else {
        format!("{}\n\n{theirs}", notes.as_str())
    };
    notes.update(joined);
}
