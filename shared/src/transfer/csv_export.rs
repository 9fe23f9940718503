//! CSV export of accounts, contacts, deals and catalogue products, for spreadsheets.
//!
//! UTF-8 with a byte-order mark (so Excel reads accents right), CRLF line ends, French headers
//! that [`super::Mapping::guess`] maps back, and with `;` the decimal comma French spreadsheets
//! expect. Several phones or e-mails share one cell, comma-separated, as the import reads them.

use super::entity::Entity;
use super::mapping::Field;
use super::row::MOBILE_LABEL;
use super::sniff::Delimiter;
use crate::account::{Account, LifecycleStage};
use crate::contact::Contact;
use crate::deal::Deal;
use crate::record::{EmailEntry, KeySet, PhoneEntry};
use crate::sales::Product;
use crate::values::Money;

/// The CSV could not be written (only a bug could cause it: the output is memory).
#[derive(Debug, thiserror::Error)]
#[error("the CSV file could not be written")]
pub struct ExportError(#[from] csv::Error);

/// Accounts as CSV, one row each.
pub fn export_accounts<'a>(
    accounts: impl IntoIterator<Item = &'a Account>,
    delimiter: Delimiter,
) -> Result<Vec<u8>, ExportError> {
    write(Entity::Account, delimiter, accounts, |account, field| {
        let address = account.display_address();
        let address_part = |part: fn(&crate::record::Address) -> &String| {
            address
                .map(|address| part(address).clone())
                .unwrap_or_default()
        };
        match field {
            Field::AccountName => account.name.clone(),
            Field::Siret => text_of(account.siret),
            Field::Siren => text_of(account.siren),
            Field::Vat => text_of(account.vat.as_ref()),
            Field::Industry => account.industry.clone().unwrap_or_default(),
            Field::LifecycleStage => stage_label(&account.stage).to_owned(),
            Field::Street => address_part(|address| &address.street),
            Field::Postcode => address_part(|address| &address.postcode),
            Field::City => address_part(|address| &address.city),
            Field::Country => address_part(|address| &address.country),
            Field::Territory => account.territory.clone().unwrap_or_default(),
            Field::Phone => phones(account.phones.values(), |_| true),
            Field::Email => emails(account.emails.values()),
            Field::Website => account.website.clone().unwrap_or_default(),
            Field::Tags => tags(&account.tags),
            Field::Notes => account.notes.as_str().to_owned(),
            _ => String::new(),
        }
    })
}

/// Contacts as CSV, one row each.
pub fn export_contacts<'a>(
    contacts: impl IntoIterator<Item = &'a Contact>,
    delimiter: Delimiter,
) -> Result<Vec<u8>, ExportError> {
    write(
        Entity::Contact,
        delimiter,
        contacts,
        |contact, field| match field {
            Field::FirstName => contact.first_name.clone(),
            Field::LastName => contact.last_name.clone(),
            Field::JobTitle => contact.job_title.clone(),
            Field::Phone => phones(contact.phones.values(), |entry| !is_mobile(entry)),
            Field::Mobile => phones(contact.phones.values(), is_mobile),
            Field::Email => emails(contact.emails.values()),
            Field::Birthday => text_of(contact.birthday),
            Field::Tags => tags(&contact.tags),
            Field::Notes => contact.notes.as_str().to_owned(),
            _ => String::new(),
        },
    )
}

/// Deals as CSV, one row each. The stage column holds the pipeline stage's key.
pub fn export_deals<'a>(
    deals: impl IntoIterator<Item = &'a Deal>,
    delimiter: Delimiter,
) -> Result<Vec<u8>, ExportError> {
    write(Entity::Deal, delimiter, deals, |deal, field| match field {
        Field::Title => deal.title.clone(),
        Field::Amount => deal
            .amount
            .map(|money| amount(money, delimiter))
            .unwrap_or_default(),
        Field::Currency => deal
            .amount
            .map(|money| money.currency.to_string())
            .unwrap_or_default(),
        Field::PipelineStage => deal.stage.clone(),
        Field::Probability => text_of(deal.probability),
        Field::ExpectedClose => text_of(deal.expected_close),
        Field::Status => deal.status.to_string(),
        Field::Notes => deal.notes.as_str().to_owned(),
        _ => String::new(),
    })
}

/// Catalogue products as CSV, one row each: prices in their currency's units without the code
/// (the import prices in the workspace's currency), VAT rates as percentages without the sign.
pub fn export_products<'a>(
    products: impl IntoIterator<Item = &'a Product>,
    delimiter: Delimiter,
) -> Result<Vec<u8>, ExportError> {
    write(
        Entity::Product,
        delimiter,
        products,
        |product, field| match field {
            Field::Reference => product.reference.clone(),
            Field::ProductName => product.name.clone(),
            Field::Description => product.description.as_str().to_owned(),
            Field::Unit => product.unit.clone(),
            Field::UnitPrice => amount(product.unit_price, delimiter),
            Field::VatRate => decimal(&product.vat_rate.to_string(), delimiter),
            Field::Category => product.category.clone().unwrap_or_default(),
            _ => String::new(),
        },
    )
}

/// An amount's number without its currency, with the decimal comma under `;`.
fn amount(money: Money, delimiter: Delimiter) -> String {
    let amount = money.to_string();
    decimal(amount.split(' ').next().unwrap_or_default(), delimiter)
}

/// A decimal number with the decimal comma French spreadsheets expect under `;`.
fn decimal(number: &str, delimiter: Delimiter) -> String {
    match delimiter {
        Delimiter::Semicolon => number.replace('.', ","),
        Delimiter::Comma | Delimiter::Tab => number.to_owned(),
    }
}

/// Writes the header of `entity`'s fields, then one row per record with `cell` per field.
fn write<'a, R: 'a>(
    entity: Entity,
    delimiter: Delimiter,
    records: impl IntoIterator<Item = &'a R>,
    cell: impl Fn(&R, Field) -> String,
) -> Result<Vec<u8>, ExportError> {
    let fields = Field::for_entity(entity);
    let headers = fields.iter().map(|field| field.header());
    let rows = records
        .into_iter()
        .map(|record| fields.iter().map(|field| cell(record, *field)).collect());
    write_rows(delimiter, headers, rows)
}

/// A CSV file as every export writes it: UTF-8 with a byte-order mark, CRLF line ends, the
/// `headers` line, then `rows`.
pub(crate) fn write_rows<'h>(
    delimiter: Delimiter,
    headers: impl IntoIterator<Item = &'h str>,
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter.as_byte())
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(headers)?;
    for row in rows {
        writer.write_record(row)?;
    }
    writer
        .into_inner()
        .map_err(|error| ExportError(csv::Error::from(error.into_error())))
}

fn text_of<T: ToString>(value: Option<T>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

fn phones<'a>(
    entries: impl Iterator<Item = &'a PhoneEntry>,
    keep: impl Fn(&PhoneEntry) -> bool,
) -> String {
    // Sorted: entries are keyed by random ids, and the same record must export the same way.
    let mut numbers: Vec<String> = entries
        .filter(|entry| keep(entry))
        .map(|entry| entry.number.to_national())
        .collect();
    numbers.sort();
    numbers.join(", ")
}

fn emails<'a>(entries: impl Iterator<Item = &'a EmailEntry>) -> String {
    let mut addresses: Vec<&str> = entries.map(|entry| entry.address.as_str()).collect();
    addresses.sort_unstable();
    addresses.join(", ")
}

fn tags(tags: &KeySet) -> String {
    tags.iter().collect::<Vec<_>>().join(", ")
}

/// Whether a phone entry is a mobile number by its label.
pub(super) fn is_mobile(entry: &PhoneEntry) -> bool {
    let label = entry.label.to_lowercase();
    label == MOBILE_LABEL.to_lowercase() || ["mobile", "cell", "gsm"].contains(&label.as_str())
}

/// The French label of a lifecycle stage, which the import reads back.
pub(crate) fn stage_label(stage: &LifecycleStage) -> &str {
    match stage {
        LifecycleStage::Prospect => "Prospect",
        LifecycleStage::NewCustomer => "Nouveau client",
        LifecycleStage::Active => "Client actif",
        LifecycleStage::ToReactivate => "À relancer",
        LifecycleStage::Lost => "Perdu",
        LifecycleStage::Other(name) => name,
    }
}
