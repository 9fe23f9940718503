//! Device codes in PostgreSQL (`devices.code`, migration 2). Of two instances giving one device
//! a code at once, the second's conditional update waits for the first's and then finds the
//! code set, so both read back the first's.

use shared::protocol::DeviceId;
use shared::sales::DeviceCode;
use tokio_postgres::error::SqlState;

use super::PostgresStorage;
use crate::storage::device_codes::{draw, draw_lengths, stored, DeviceCodes};
use crate::storage::{StorageError, StoreFuture};

impl DeviceCodes for PostgresStorage {
    fn device_code(&self, device: DeviceId) -> StoreFuture<'_, Option<DeviceCode>> {
        Box::pin(async move {
            let client = self.client().await?;
            let device = device.0.to_string();
            let read_code = || async {
                let row = client
                    .query_opt("SELECT code FROM devices WHERE id = $1", &[&device])
                    .await?;
                row.map(|row| row.try_get::<_, Option<String>>(0))
                    .transpose()
                    .map_err(StorageError::from)
            };
            match read_code().await? {
                None => return Ok(None),
                Some(Some(code)) => return stored(&code).map(Some),
                Some(None) => {}
            }
            for length in draw_lengths() {
                let code = draw(length)?;
                // Only a device with no code takes one, so a code once given never changes.
                match client
                    .execute(
                        "UPDATE devices SET code = $1 WHERE id = $2 AND code IS NULL",
                        &[&code.as_str(), &device],
                    )
                    .await
                {
                    Ok(_) => {
                        return match read_code().await? {
                            Some(Some(code)) => stored(&code).map(Some),
                            Some(None) => Err(StorageError::Corrupt("a device code not kept")),
                            None => Ok(None),
                        };
                    }
                    Err(error) if error.code() == Some(&SqlState::UNIQUE_VIOLATION) => {}
                    Err(error) => return Err(error.into()),
                }
            }
            Err(StorageError::NoFreeDeviceCode)
        })
    }
}
