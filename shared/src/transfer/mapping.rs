//! Which column of a CSV file feeds which field of a record, guessed from the header names.
//!
//! Headers are compared folded (accents, case and punctuation ignored, so "N° SIRET",
//! "n siret" and "N. Siret" are one name), first exactly against each field's French and
//! English names, then by containment ("Téléphone fixe" is a phone). The rep can change any
//! column's field; a field feeds from at most one column. This module knows names, not values.

use super::entity::Entity;
use crate::search::search_terms;

/// A field a column can feed. Which fields apply depends on the [`Entity`].
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Field {
    /// The company's name.
    AccountName,
    /// SIRET (an establishment).
    Siret,
    /// SIREN (a company).
    Siren,
    /// Intra-community VAT number.
    Vat,
    /// Industry or NAF code.
    Industry,
    /// Account lifecycle stage.
    LifecycleStage,
    /// Street lines.
    Street,
    /// Postcode.
    Postcode,
    /// City.
    City,
    /// Country (ISO code or name).
    Country,
    /// The sales territory (a key or a name of the workspace's territories).
    Territory,
    /// Main phone number.
    Phone,
    /// Mobile phone number.
    Mobile,
    /// E-mail address.
    Email,
    /// Website.
    Website,
    /// Tags, separated by commas.
    Tags,
    /// Free notes.
    Notes,
    /// A person's given name.
    FirstName,
    /// A person's family name.
    LastName,
    /// A person's job title.
    JobTitle,
    /// A person's birthday.
    Birthday,
    /// A deal's title.
    Title,
    /// A deal's amount.
    Amount,
    /// The amount's currency.
    Currency,
    /// A deal's pipeline stage.
    PipelineStage,
    /// A deal's win probability in percent.
    Probability,
    /// A deal's expected close date.
    ExpectedClose,
    /// A deal's status (open, won, lost).
    Status,
    /// A product's reference.
    Reference,
    /// A product's name.
    ProductName,
    /// A product's description.
    Description,
    /// What one unit of a product is (`kg`, `pièce`).
    Unit,
    /// A product's unit price, excluding VAT.
    UnitPrice,
    /// A product's VAT rate.
    VatRate,
    /// A product's category.
    Category,
}

/// The column → field mapping of one file, for one kind of record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    /// The kind of record the rows become.
    pub entity: Entity,
    /// For each column, the field it feeds, or `None` to ignore it.
    pub columns: Vec<Option<Field>>,
}

impl Field {
    /// The fields a record of `entity` has, in the order exports write them.
    pub fn for_entity(entity: Entity) -> &'static [Field] {
        match entity {
            Entity::Account => &[
                Self::AccountName,
                Self::Siret,
                Self::Siren,
                Self::Vat,
                Self::Industry,
                Self::LifecycleStage,
                Self::Street,
                Self::Postcode,
                Self::City,
                Self::Country,
                Self::Territory,
                Self::Phone,
                Self::Email,
                Self::Website,
                Self::Tags,
                Self::Notes,
            ],
            Entity::Contact => &[
                Self::FirstName,
                Self::LastName,
                Self::JobTitle,
                Self::Phone,
                Self::Mobile,
                Self::Email,
                Self::Birthday,
                Self::Tags,
                Self::Notes,
            ],
            Entity::Deal => &[
                Self::Title,
                Self::Amount,
                Self::Currency,
                Self::PipelineStage,
                Self::Probability,
                Self::ExpectedClose,
                Self::Status,
                Self::Notes,
            ],
            Entity::Product => &[
                Self::Reference,
                Self::ProductName,
                Self::Description,
                Self::Unit,
                Self::UnitPrice,
                Self::VatRate,
                Self::Category,
            ],
        }
    }

    /// A stable key for the field (for the UI and saved mappings).
    pub fn code(self) -> &'static str {
        match self {
            Self::AccountName => "account_name",
            Self::Siret => "siret",
            Self::Siren => "siren",
            Self::Vat => "vat",
            Self::Industry => "industry",
            Self::LifecycleStage => "lifecycle_stage",
            Self::Street => "street",
            Self::Postcode => "postcode",
            Self::City => "city",
            Self::Country => "country",
            Self::Territory => "territory",
            Self::Phone => "phone",
            Self::Mobile => "mobile",
            Self::Email => "email",
            Self::Website => "website",
            Self::Tags => "tags",
            Self::Notes => "notes",
            Self::FirstName => "first_name",
            Self::LastName => "last_name",
            Self::JobTitle => "job_title",
            Self::Birthday => "birthday",
            Self::Title => "title",
            Self::Amount => "amount",
            Self::Currency => "currency",
            Self::PipelineStage => "pipeline_stage",
            Self::Probability => "probability",
            Self::ExpectedClose => "expected_close",
            Self::Status => "status",
            Self::Reference => "reference",
            Self::ProductName => "product_name",
            Self::Description => "description",
            Self::Unit => "unit",
            Self::UnitPrice => "unit_price",
            Self::VatRate => "vat_rate",
            Self::Category => "category",
        }
    }

    /// The header exports write for this field (French, as the reps' spreadsheets are).
    pub fn header(self) -> &'static str {
        match self {
            Self::AccountName => "Raison sociale",
            Self::Siret => "SIRET",
            Self::Siren => "SIREN",
            Self::Vat => "N° TVA",
            Self::Industry => "Secteur",
            Self::LifecycleStage | Self::PipelineStage => "Étape",
            Self::Street => "Adresse",
            Self::Postcode => "Code postal",
            Self::City => "Ville",
            Self::Country => "Pays",
            Self::Territory => "Territoire",
            Self::Phone => "Téléphone",
            Self::Mobile => "Mobile",
            Self::Email => "E-mail",
            Self::Website => "Site web",
            Self::Tags => "Étiquettes",
            Self::Notes => "Notes",
            Self::FirstName => "Prénom",
            Self::LastName => "Nom",
            Self::JobTitle => "Fonction",
            Self::Birthday => "Date de naissance",
            Self::Title => "Intitulé",
            Self::Amount => "Montant",
            Self::Currency => "Devise",
            Self::Probability => "Probabilité",
            Self::ExpectedClose => "Date de clôture",
            Self::Status => "Statut",
            Self::Reference => "Référence",
            Self::ProductName => "Désignation",
            Self::Description => "Description",
            Self::Unit => "Unité",
            Self::UnitPrice => "Prix unitaire HT",
            Self::VatRate => "Taux de TVA",
            Self::Category => "Catégorie",
        }
    }

    /// The folded header names (French and English) this field is recognised by. Fields of
    /// different entities share names ("Nom" is the company for accounts, the family name for
    /// contacts, the title for deals): only the entity's own fields are tried.
    fn names(self) -> &'static [&'static str] {
        match self {
            Self::AccountName => &[
                "raison sociale",
                "nom",
                "societe",
                "entreprise",
                "nom de l entreprise",
                "nom societe",
                "denomination",
                "client",
                "compte",
                "company",
                "company name",
                "name",
                "account",
                "account name",
                "organisation",
                "organization",
            ],
            Self::Siret => &[
                "siret",
                "n siret",
                "no siret",
                "numero siret",
                "siret number",
            ],
            Self::Siren => &["siren", "n siren", "no siren", "numero siren"],
            Self::Vat => &[
                "tva",
                "n tva",
                "no tva",
                "numero de tva",
                "tva intracommunautaire",
                "n tva intracommunautaire",
                "vat",
                "vat number",
            ],
            Self::Industry => &[
                "secteur",
                "secteur d activite",
                "activite",
                "code naf",
                "naf",
                "code ape",
                "industry",
                "sector",
            ],
            Self::LifecycleStage => &["etape", "statut", "cycle de vie", "stage", "status"],
            Self::Street => &[
                "adresse",
                "rue",
                "voie",
                "adresse 1",
                "address",
                "street",
                "address line 1",
            ],
            Self::Postcode => &[
                "code postal",
                "cp",
                "code postale",
                "postcode",
                "postal code",
                "zip",
                "zip code",
            ],
            Self::City => &["ville", "commune", "localite", "city", "town"],
            Self::Country => &["pays", "country"],
            Self::Territory => &[
                "territoire",
                "territoire commercial",
                "zone commerciale",
                "region commerciale",
                "territory",
                "sales territory",
            ],
            Self::Phone => &[
                "telephone",
                "tel",
                "telephone fixe",
                "telephone bureau",
                "standard",
                "phone",
                "phone number",
                "work phone",
                "business phone",
            ],
            Self::Mobile => &[
                "mobile",
                "portable",
                "tel portable",
                "telephone portable",
                "telephone mobile",
                "gsm",
                "cell",
                "mobile phone",
            ],
            Self::Email => &[
                "e mail",
                "email",
                "courriel",
                "mail",
                "adresse e mail",
                "adresse email",
                "adresse mail",
                "email address",
            ],
            Self::Website => &["site web", "site", "site internet", "website", "web", "url"],
            Self::Tags => &[
                "etiquettes",
                "etiquette",
                "tags",
                "tag",
                "categories",
                "categorie",
                "mots cles",
            ],
            Self::Notes => &[
                "notes",
                "note",
                "commentaire",
                "commentaires",
                "remarques",
                "observations",
                "comments",
                "description",
            ],
            Self::FirstName => &["prenom", "first name", "firstname", "given name"],
            Self::LastName => &[
                "nom",
                "nom de famille",
                "last name",
                "lastname",
                "surname",
                "family name",
                "name",
            ],
            Self::JobTitle => &["fonction", "poste", "titre", "job title", "title", "role"],
            Self::Birthday => &[
                "date de naissance",
                "anniversaire",
                "naissance",
                "birthday",
                "birth date",
            ],
            Self::Title => &[
                "intitule",
                "titre",
                "nom",
                "affaire",
                "opportunite",
                "objet",
                "title",
                "deal",
                "deal name",
                "name",
            ],
            Self::Amount => &[
                "montant",
                "montant ht",
                "valeur",
                "chiffre d affaires",
                "amount",
                "value",
            ],
            Self::Currency => &["devise", "monnaie", "currency"],
            Self::PipelineStage => &[
                "etape",
                "phase",
                "etape du pipeline",
                "stage",
                "pipeline stage",
            ],
            Self::Probability => &["probabilite", "proba", "probability"],
            Self::ExpectedClose => &[
                "date de cloture",
                "cloture",
                "date de cloture prevue",
                "date de signature prevue",
                "echeance",
                "close date",
                "expected close",
                "expected close date",
            ],
            Self::Status => &["statut", "etat", "status"],
            Self::Reference => &[
                "reference",
                "ref",
                "ref produit",
                "reference produit",
                "reference article",
                "code article",
                "code produit",
                "code",
                "sku",
                "product code",
                "item code",
            ],
            Self::ProductName => &[
                "designation",
                "libelle",
                "nom",
                "produit",
                "article",
                "nom du produit",
                "name",
                "product",
                "product name",
                "item",
                "item name",
            ],
            Self::Description => &[
                "description",
                "descriptif",
                "description longue",
                "details",
                "long description",
            ],
            Self::Unit => &[
                "unite",
                "unite de vente",
                "conditionnement",
                "unit",
                "sales unit",
                "uom",
            ],
            Self::UnitPrice => &[
                "prix ht",
                "prix unitaire ht",
                "pu ht",
                "prix unitaire",
                "prix",
                "tarif",
                "tarif ht",
                "price",
                "unit price",
                "unit price excl vat",
                "price excl vat",
                "net price",
            ],
            Self::VatRate => &[
                "tva",
                "taux de tva",
                "taux tva",
                "vat",
                "vat rate",
                "tax rate",
            ],
            Self::Category => &[
                "categorie",
                "famille",
                "gamme",
                "rayon",
                "category",
                "family",
                "product category",
            ],
        }
    }
}

impl Mapping {
    /// The best guess for `headers` when the rows are `entity` records.
    pub fn guess(entity: Entity, headers: &[String]) -> Self {
        let folded: Vec<String> = headers
            .iter()
            .map(|header| search_terms(header).join(" "))
            .collect();
        let mut mapping = Self {
            entity,
            columns: vec![None; headers.len()],
        };
        // Exact names first, so "Téléphone portable" is not taken as the phone when a plain
        // "Téléphone" column exists; then containment for what is left.
        for exact in [true, false] {
            for (column, header) in folded.iter().enumerate() {
                if mapping.columns[column].is_some() || header.is_empty() {
                    continue;
                }
                let found = Field::for_entity(entity).iter().copied().find(|field| {
                    mapping.column_of(*field).is_none()
                        && field.names().iter().any(|name| {
                            if exact {
                                header == name
                            } else {
                                contains_words(header, name)
                            }
                        })
                });
                mapping.columns[column] = found;
            }
        }
        mapping
    }

    /// Makes `column` feed `field` (or nothing); a column that fed `field` before stops.
    /// Returns false when `column` does not exist or `field` does not apply to this entity.
    pub fn set(&mut self, column: usize, field: Option<Field>) -> bool {
        if column >= self.columns.len()
            || field.is_some_and(|field| !Field::for_entity(self.entity).contains(&field))
        {
            return false;
        }
        if let Some(field) = field {
            for slot in &mut self.columns {
                if *slot == Some(field) {
                    *slot = None;
                }
            }
        }
        self.columns[column] = field;
        true
    }

    /// The column feeding `field`, if any.
    pub fn column_of(&self, field: Field) -> Option<usize> {
        self.columns.iter().position(|slot| *slot == Some(field))
    }

    /// The fields a row cannot do without that no column feeds: the name of an account, the
    /// title of a deal, a first or last name for a contact; a product's reference, name, price
    /// and VAT rate.
    pub fn missing_required(&self) -> Vec<Field> {
        let required: &[Field] = match self.entity {
            Entity::Account => &[Field::AccountName],
            Entity::Deal => &[Field::Title],
            Entity::Product => &[
                Field::Reference,
                Field::ProductName,
                Field::UnitPrice,
                Field::VatRate,
            ],
            Entity::Contact => {
                if self.column_of(Field::FirstName).is_some() {
                    &[]
                } else {
                    &[Field::LastName]
                }
            }
        };
        required
            .iter()
            .copied()
            .filter(|field| self.column_of(*field).is_none())
            .collect()
    }
}

/// Whether the words of `name` appear, in order and whole, within the words of `header`.
fn contains_words(header: &str, name: &str) -> bool {
    // Too short to mean anything inside a longer header ("cp", "tel", "nom" would match far
    // too much): those only match exactly.
    name.len() > 3 && format!(" {header} ").contains(&format!(" {name} "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn french_account_headers_are_recognised_whatever_their_accents_and_case() {
        let mapping = Mapping::guess(
            Entity::Account,
            &headers(&[
                "Raison sociale",
                "N° SIRET",
                "CP",
                "VILLE",
                "Téléphone fixe",
                "Courriel",
                "Étape",
                "Colonne inutile",
            ]),
        );
        assert_eq!(
            mapping.columns,
            vec![
                Some(Field::AccountName),
                Some(Field::Siret),
                Some(Field::Postcode),
                Some(Field::City),
                Some(Field::Phone),
                Some(Field::Email),
                Some(Field::LifecycleStage),
                None,
            ]
        );
        assert!(mapping.missing_required().is_empty());
    }

    #[test]
    fn nom_means_the_family_name_for_contacts_and_english_headers_work_too() {
        let contacts = Mapping::guess(
            Entity::Contact,
            &headers(&["Prénom", "Nom", "E-mail", "Mobile", "Téléphone"]),
        );
        assert_eq!(
            contacts.columns,
            vec![
                Some(Field::FirstName),
                Some(Field::LastName),
                Some(Field::Email),
                Some(Field::Mobile),
                Some(Field::Phone),
            ]
        );
        let deals = Mapping::guess(
            Entity::Deal,
            &headers(&["Deal name", "Amount", "Stage", "Close date"]),
        );
        assert_eq!(
            deals.columns,
            vec![
                Some(Field::Title),
                Some(Field::Amount),
                Some(Field::PipelineStage),
                Some(Field::ExpectedClose),
            ]
        );
    }

    #[test]
    fn moving_a_field_to_another_column_unmaps_the_first() {
        let mut mapping = Mapping::guess(Entity::Account, &headers(&["Nom", "Enseigne"]));
        assert_eq!(mapping.columns, vec![Some(Field::AccountName), None]);
        assert!(mapping.set(1, Some(Field::AccountName)));
        assert_eq!(mapping.columns, vec![None, Some(Field::AccountName)]);
        assert!(!mapping.set(0, Some(Field::Amount)));
        assert!(!mapping.set(7, None));
    }
}
