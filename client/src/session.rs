//! The signed-in session a device keeps: who signs its changes and how it reaches the relay.
//!
//! Plain data, built on every target. The refresh credential is kept in IndexedDB because the
//! app must sign in again after days offline without asking; it only reaches the relay's own
//! origin, and signing out (or revoking the device from another one) ends it on the server.

use serde::{Deserialize, Serialize};
use shared::edit::Editor;
use shared::ids::{DeviceId, UserId, WorkspaceId};
use shared::sales::DeviceCode;

/// The person signed in on this device and their credentials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The short-lived bearer token for the HTTP API.
    pub access_token: String,
    /// The long-lived credential that gets a new access token.
    pub refresh_token: String,
    /// This device, as the relay registered it.
    pub device_id: DeviceId,
    /// The code this device's quote and order numbers carry, given by the relay at sign-in
    /// (`None` in sessions kept before it was given: the next sign-in brings it).
    #[serde(default)]
    pub device_code: Option<DeviceCode>,
    /// The person.
    pub user: SessionUser,
    /// Their workspace.
    pub workspace: SessionWorkspace,
}

/// The signed-in person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    /// Their id.
    pub id: UserId,
    /// Their e-mail address.
    pub email: String,
    /// Their name.
    pub name: String,
}

/// The workspace the person belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionWorkspace {
    /// Its id.
    pub id: WorkspaceId,
    /// Its name.
    pub name: String,
}

impl Session {
    /// The author recorded in this device's changes.
    pub fn editor(&self) -> Editor {
        Editor {
            user: self.user.id,
            device: self.device_id,
        }
    }
}
