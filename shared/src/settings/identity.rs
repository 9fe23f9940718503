//! The workspace's identity as printed on its quotes and orders: who sells (legal name, form,
//! registration, VAT number, address), its logo, and the legal mentions a French quote carries.
//!
//! Kept in the settings document and written by admins. Every field is free text the print
//! page shows as text (never as markup); the SIRET is checked when set, and the logo is a small
//! `data:` image of a raster type only (an SVG could carry script), bounded in size.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::values::{RegistrationError, Siret};

/// The largest logo kept, in bytes of its `data:` URL.
pub const MAX_LOGO_BYTES: usize = 96 * 1024;
/// The longest field, in characters (the legal mentions excepted).
pub const MAX_IDENTITY_FIELD_CHARS: usize = 200;
/// The longest legal mentions, in characters.
pub const MAX_MENTIONS_CHARS: usize = 4000;

/// Who sells, as printed on quotes and orders.
#[derive(Clone, Debug, Default, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct CompanyIdentity {
    /// The registered name (`Carnet Démo SAS`).
    #[autosurgeon(missing = "Default::default")]
    pub legal_name: String,
    /// The legal form and capital (`SAS au capital de 10 000 €`).
    #[autosurgeon(missing = "Default::default")]
    pub legal_form: String,
    /// The SIRET of the establishment that sells (14 digits), when set.
    #[autosurgeon(missing = "Default::default")]
    pub siret: String,
    /// The trade register entry (`RCS Lyon 123 456 789`).
    #[autosurgeon(missing = "Default::default")]
    pub registry: String,
    /// The intra-EU VAT number (`FR32123456789`).
    #[autosurgeon(missing = "Default::default")]
    pub vat_number: String,
    /// Street and number.
    #[autosurgeon(missing = "Default::default")]
    pub street: String,
    /// Postcode.
    #[autosurgeon(missing = "Default::default")]
    pub postcode: String,
    /// City.
    #[autosurgeon(missing = "Default::default")]
    pub city: String,
    /// The logo as a `data:image/png|jpeg|webp;base64,…` URL, when set.
    #[autosurgeon(missing = "Default::default")]
    pub logo: Option<String>,
    /// Further legal mentions printed at the foot of every quote and order (insurance,
    /// late-payment terms beyond the statutory ones…).
    #[autosurgeon(missing = "Default::default")]
    pub mentions: String,
}

/// Why an identity is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// The SIRET is not one.
    #[error(transparent)]
    Siret(#[from] RegistrationError),
    /// A field is longer than allowed.
    #[error("the {0} is too long")]
    TooLong(&'static str),
    /// The logo is not a small raster image.
    #[error("the logo must be a PNG, JPEG or WebP image of at most {MAX_LOGO_BYTES} bytes")]
    BadLogo,
}

impl CompanyIdentity {
    /// Checks the SIRET, the logo and every field's length.
    pub fn check(&self) -> Result<(), IdentityError> {
        let fields = [
            ("legal name", &self.legal_name),
            ("legal form", &self.legal_form),
            ("registry", &self.registry),
            ("VAT number", &self.vat_number),
            ("street", &self.street),
            ("postcode", &self.postcode),
            ("city", &self.city),
        ];
        if let Some((field, _)) = fields
            .into_iter()
            .find(|(_, text)| text.chars().count() > MAX_IDENTITY_FIELD_CHARS)
        {
            return Err(IdentityError::TooLong(field));
        }
        if self.mentions.chars().count() > MAX_MENTIONS_CHARS {
            return Err(IdentityError::TooLong("legal mentions"));
        }
        if !self.siret.trim().is_empty() {
            Siret::parse(&self.siret)?;
        }
        if let Some(logo) = &self.logo {
            let raster = [
                "data:image/png;base64,",
                "data:image/jpeg;base64,",
                "data:image/webp;base64,",
            ]
            .iter()
            .any(|prefix| logo.starts_with(prefix));
            let base64 = logo.split_once(',').is_some_and(|(_, data)| {
                data.bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b"+/=".contains(&byte))
            });
            if !raster || !base64 || logo.len() > MAX_LOGO_BYTES {
                return Err(IdentityError::BadLogo);
            }
        }
        Ok(())
    }

    /// Whether nothing is filled in (the print page then asks an admin to fill it in).
    pub fn is_blank(&self) -> bool {
        self.legal_name.trim().is_empty() && self.siret.trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identity_with_a_valid_siret_and_a_small_png_logo_is_kept() {
        let identity = CompanyIdentity {
            legal_name: "Carnet Démo SAS".into(),
            siret: "732 829 320 00074".into(),
            logo: Some("data:image/png;base64,iVBORw0KGgo=".into()),
            ..CompanyIdentity::default()
        };
        assert_eq!(identity.check(), Ok(()));
        assert!(!identity.is_blank());
        assert!(CompanyIdentity::default().is_blank());
    }

    #[test]
    fn a_wrong_siret_a_script_logo_or_an_overlong_field_is_refused() {
        let siret = CompanyIdentity {
            siret: "732 829 320 00075".into(),
            ..CompanyIdentity::default()
        };
        assert!(matches!(siret.check(), Err(IdentityError::Siret(_))));
        for logo in [
            "data:image/svg+xml;base64,PHN2Zz4=",
            "javascript:alert(1)",
            "data:image/png;base64,<script>",
        ] {
            let identity = CompanyIdentity {
                logo: Some(logo.into()),
                ..CompanyIdentity::default()
            };
            assert_eq!(identity.check(), Err(IdentityError::BadLogo), "{logo}");
        }
        let huge = CompanyIdentity {
            logo: Some(format!(
                "data:image/png;base64,{}",
                "A".repeat(MAX_LOGO_BYTES)
            )),
            ..CompanyIdentity::default()
        };
        assert_eq!(huge.check(), Err(IdentityError::BadLogo));
        let long = CompanyIdentity {
            city: "x".repeat(MAX_IDENTITY_FIELD_CHARS + 1),
            ..CompanyIdentity::default()
        };
        assert_eq!(long.check(), Err(IdentityError::TooLong("city")));
    }
}
