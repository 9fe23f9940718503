//! Device codes in SQLite (`devices.code`, migration 12).

use rusqlite::{params, Connection, ErrorCode, OptionalExtension};
use shared::protocol::DeviceId;
use shared::sales::DeviceCode;

use super::SqliteStorage;
use crate::storage::device_codes::{draw, draw_lengths, stored, DeviceCodes};
use crate::storage::{StorageError, StoreFuture};

impl DeviceCodes for SqliteStorage {
    fn device_code(&self, device: DeviceId) -> StoreFuture<'_, Option<DeviceCode>> {
        Box::pin(self.call(move |connection| {
            let device = device.0.to_string();
            match read_code(connection, &device)? {
                None => return Ok(None),
                Some(Some(code)) => return stored(&code).map(Some),
                Some(None) => {}
            }
            for length in draw_lengths() {
                let code = draw(length)?;
                // Only a device with no code takes one, so a code once given never changes.
                match connection.execute(
                    "UPDATE devices SET code = ?1 WHERE id = ?2 AND code IS NULL",
                    params![code.as_str(), device],
                ) {
                    Ok(_) => {
                        return match read_code(connection, &device)? {
                            Some(Some(code)) => stored(&code).map(Some),
                            Some(None) => Err(StorageError::Corrupt("a device code not kept")),
                            None => Ok(None),
                        };
                    }
                    Err(rusqlite::Error::SqliteFailure(failure, _))
                        if failure.code == ErrorCode::ConstraintViolation => {}
                    Err(error) => return Err(error.into()),
                }
            }
            Err(StorageError::NoFreeDeviceCode)
        }))
    }
}

/// `device`'s stored code: `None` if there is no such device, `Some(None)` if it has no code.
fn read_code(
    connection: &Connection,
    device: &str,
) -> Result<Option<Option<String>>, StorageError> {
    Ok(connection
        .query_row("SELECT code FROM devices WHERE id = ?1", [device], |row| {
            row.get(0)
        })
        .optional()?)
}
