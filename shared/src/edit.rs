//! Who makes an edit and when: the provenance every change carries.
//!
//! The author of a change is recorded with automerge's Authors API: the author bytes are the
//! user's id followed by the device's id, so history can say "Marie, on her tablet" for changes
//! made offline days before they were synced. The time is passed in by the caller (sans-IO:
//! `SystemTime::now()` traps on wasm), as Unix seconds of the device's clock at the edit.

use automerge::Author;

use crate::ids::{DeviceId, UserId};

/// A user on one of their devices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Editor {
    /// The person.
    pub user: UserId,
    /// The device they used.
    pub device: DeviceId,
}

/// The provenance of one edit: by whom (when known) and at what time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Edit {
    /// Who edits; `None` for edits made before anyone signed in.
    pub editor: Option<Editor>,
    /// Unix seconds on the editing device's clock.
    pub time: i64,
}

impl Edit {
    /// An edit by `editor` at `time`.
    pub fn by(editor: Editor, time: i64) -> Self {
        Self {
            editor: Some(editor),
            time,
        }
    }

    /// An edit by nobody in particular at `time`.
    pub fn anonymous(time: i64) -> Self {
        Self { editor: None, time }
    }
}

impl Editor {
    /// The automerge author recorded on this editor's changes.
    pub fn to_author(self) -> Author<'static> {
        let mut bytes = Vec::with_capacity(32);
        bytes.extend_from_slice(self.user.as_bytes());
        bytes.extend_from_slice(self.device.as_bytes());
        Author::from(bytes)
    }

    /// The editor an author stands for, when it was written by [`Editor::to_author`].
    pub fn from_author(author: &Author<'_>) -> Option<Self> {
        let (user, device) = author.as_bytes().split_at_checked(16)?;
        Some(Self {
            user: UserId::from_bytes(user.try_into().ok()?),
            device: DeviceId::from_bytes(device.try_into().ok()?),
        })
    }
}

#[cfg(test)]
impl Editor {
    /// A fresh user on a fresh device.
    pub(crate) fn random() -> Self {
        Self {
            user: UserId::generate(),
            device: DeviceId::generate(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_editor_survives_the_trip_through_author_bytes() {
        let editor = Editor::random();
        assert_eq!(Editor::from_author(&editor.to_author()), Some(editor));
        assert_eq!(Editor::from_author(&Author::from(vec![1, 2, 3])), None);
    }
}
