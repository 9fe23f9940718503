//! Who is asking: workspaces, users, their roles, and the authenticated device of a request.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use shared::protocol::DeviceId;
use shared::values::EmailError;
use uuid::Uuid;

/// A workspace (one company's CRM): the unit of data isolation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WorkspaceId(pub Uuid);

/// A person with an account in a workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UserId(pub Uuid);

/// What a user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the workspace: invites people, revokes devices, sees everything.
    Admin,
    /// Leads one or more teams: every record of their teams' people and territories.
    Manager,
    /// A field rep: the records they own or that sit in their territories.
    Rep,
}

/// The authenticated device behind a request or a sync session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Principal {
    /// Its workspace; the only data it ever sees.
    pub workspace: WorkspaceId,
    /// Its user.
    pub user: UserId,
    /// Its role.
    pub role: Role,
    /// The device.
    pub device: DeviceId,
}

macro_rules! uuid_text {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.as_hyphenated().fmt(formatter)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(text).map(Self)
            }
        }
    };
}

uuid_text!(WorkspaceId);
uuid_text!(UserId);

impl Role {
    /// The stored text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Manager => "manager",
            Self::Rep => "rep",
        }
    }
}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "admin" => Ok(Self::Admin),
            "manager" => Ok(Self::Manager),
            "rep" => Ok(Self::Rep),
            _ => Err(UnknownRole),
        }
    }
}

/// A stored role this build does not know.
#[derive(Debug, thiserror::Error)]
#[error("unknown role")]
pub struct UnknownRole;

/// A sign-in address: a valid e-mail address by the CRM's rules ([`shared::values::EmailAddress`]),
/// wholly lower-cased, so that one person has one account whatever case they type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SignInEmail(String);

impl SignInEmail {
    /// Validates and normalises `text`.
    pub fn parse(text: &str) -> Result<Self, EmailError> {
        let address = shared::values::EmailAddress::parse(text)?;
        Ok(Self(address.as_str().to_lowercase()))
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SignInEmail {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(formatter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_addresses_are_trimmed_and_lower_cased() -> Result<(), EmailError> {
        let address = SignInEmail::parse("  Manon@Demo.Carnet.TEST ")?;
        assert_eq!(address.as_str(), "manon@demo.carnet.test");
        Ok(())
    }

    #[test]
    fn malformed_email_addresses_are_refused() {
        for text in [
            "",
            "manon",
            "@demo.test",
            "manon@",
            "manon@test",
            "ma non@demo.test",
        ] {
            assert!(SignInEmail::parse(text).is_err(), "{text}");
        }
    }
}
