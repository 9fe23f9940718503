//! Device codes: the short code the relay gives each device, unique across the relay, which the
//! device writes into the numbers of the quotes and orders it issues offline
//! (`D-2026-7K2Q-0042`).
//!
//! A device gets its code the first time it is asked for, so devices enrolled before codes
//! existed get one too. Codes are drawn at random, never derived from the device's id, and a
//! code taken by another device is drawn again; this module decides the draws, the backends
//! store them. It must not choose a code twice for one device: the first stored stays.

use shared::protocol::DeviceId;
use shared::sales::{DeviceCode, MAX_DEVICE_CODE_CHARS, MIN_DEVICE_CODE_CHARS};

use super::{StorageError, StoreFuture};

/// Draws of one length taken by other devices before the next draw is one character longer.
pub const DRAWS_PER_LENGTH: usize = 4;

/// The code of each device, given on first request.
pub trait DeviceCodes: Send + Sync {
    /// `device`'s code, drawn and stored now if it has none yet; `None` if no such device.
    /// Of two instances asking at once for one device, both answer the same code.
    fn device_code(&self, device: DeviceId) -> StoreFuture<'_, Option<DeviceCode>>;
}

/// The lengths of the successive draws: [`DRAWS_PER_LENGTH`] of four characters, then as many
/// of five, and so on up to the longest code.
pub(crate) fn draw_lengths() -> impl Iterator<Item = usize> {
    (MIN_DEVICE_CODE_CHARS..=MAX_DEVICE_CODE_CHARS)
        .flat_map(|length| std::iter::repeat_n(length, DRAWS_PER_LENGTH))
}

/// A random code of `length` characters.
pub(crate) fn draw(length: usize) -> Result<DeviceCode, StorageError> {
    let mut bytes = [0_u8; 8];
    getrandom::fill(&mut bytes).map_err(StorageError::Random)?;
    DeviceCode::from_number(u64::from_be_bytes(bytes), length)
        .map_err(|_| StorageError::Corrupt("a device code length out of range"))
}

/// A stored code, decoded.
pub(crate) fn stored(code: &str) -> Result<DeviceCode, StorageError> {
    DeviceCode::parse(code).map_err(|_| StorageError::Corrupt("a stored device code"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_grow_one_character_after_each_run_of_conflicts() {
        let lengths: Vec<usize> = draw_lengths().collect();
        assert_eq!(
            lengths.len(),
            DRAWS_PER_LENGTH * (MAX_DEVICE_CODE_CHARS - MIN_DEVICE_CODE_CHARS + 1)
        );
        assert_eq!(lengths.first(), Some(&MIN_DEVICE_CODE_CHARS));
        assert_eq!(
            lengths.get(DRAWS_PER_LENGTH),
            Some(&(MIN_DEVICE_CODE_CHARS + 1))
        );
        assert_eq!(lengths.last(), Some(&MAX_DEVICE_CODE_CHARS));
    }

    #[test]
    fn a_drawn_code_has_the_length_asked_for() -> Result<(), StorageError> {
        for length in MIN_DEVICE_CODE_CHARS..=MAX_DEVICE_CODE_CHARS {
            assert_eq!(draw(length)?.as_str().len(), length);
        }
        Ok(())
    }
}
