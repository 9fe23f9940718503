//! Who is asking: workspaces, users, their roles, and the authenticated device of a request.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use shared::protocol::DeviceId;
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
    /// A field rep.
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
            Self::Rep => "rep",
        }
    }
}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "admin" => Ok(Self::Admin),
            "rep" => Ok(Self::Rep),
            _ => Err(UnknownRole),
        }
    }
}

/// A stored role this build does not know.
#[derive(Debug, thiserror::Error)]
#[error("unknown role")]
pub struct UnknownRole;
