//! Conformance of device codes: each device gets one code, its own, and keeps it; and two relay
//! instances on one PostgreSQL database agree on it.

use std::sync::Arc;

use server::identity::{Role, SignInEmail, UserId, WorkspaceId};
use server::storage::accounts::{DeviceScope, NewUser};
use server::storage::{Database, Location};
use shared::protocol::DeviceId;
use uuid::Uuid;

use crate::{conformance, TestResult};

const NOW: i64 = 1_800_000_000;

conformance!(
    a_device_is_given_a_code_once_and_keeps_it,
    two_devices_are_given_different_codes,
    an_unknown_device_has_no_code,
);

/// A new workspace of one person with `count` devices.
async fn workspace_with_devices(
    database: &dyn Database,
    count: usize,
) -> Result<(WorkspaceId, Vec<DeviceId>), Box<dyn std::error::Error + Send + Sync>> {
    let workspace = WorkspaceId(Uuid::new_v4());
    let rep = UserId(Uuid::new_v4());
    let person = NewUser {
        id: rep,
        email: SignInEmail::parse(&format!("rep.{}@codes.test", workspace.0))?,
        name: "rep".to_owned(),
        role: Role::Rep,
        password_hash: "not a real hash".to_owned(),
    };
    assert!(
        database
            .create_workspace(workspace, "Codes".to_owned(), vec![person], NOW)
            .await?
    );
    let mut devices = Vec::new();
    for index in 0..count {
        let device = database
            .register_device(rep, None, format!("tablet {index}"), NOW)
            .await?
            .ok_or("no device")?;
        devices.push(device);
    }
    Ok((workspace, devices))
}

async fn a_device_is_given_a_code_once_and_keeps_it(database: Arc<dyn Database>) -> TestResult {
    let (workspace, devices) = workspace_with_devices(database.as_ref(), 1).await?;
    let [device] = devices[..] else {
        return Err("not one device".into());
    };
    let code = database.device_code(device).await?.ok_or("no code")?;
    assert_eq!(code.as_str().len(), 4);
    assert_eq!(database.device_code(device).await?, Some(code.clone()));
    let listed = database
        .devices(DeviceScope {
            workspace,
            user: None,
        })
        .await?;
    assert_eq!(
        listed.first().and_then(|record| record.code.clone()),
        Some(code)
    );
    Ok(())
}

async fn two_devices_are_given_different_codes(database: Arc<dyn Database>) -> TestResult {
    let (_, devices) = workspace_with_devices(database.as_ref(), 2).await?;
    let mut codes = Vec::new();
    for device in devices {
        codes.push(database.device_code(device).await?.ok_or("no code")?);
    }
    assert_ne!(codes.first(), codes.last());
    Ok(())
}

async fn an_unknown_device_has_no_code(database: Arc<dyn Database>) -> TestResult {
    workspace_with_devices(database.as_ref(), 1).await?;
    assert_eq!(database.device_code(DeviceId(Uuid::new_v4())).await?, None);
    Ok(())
}

#[tokio::test]
async fn two_instances_giving_one_device_a_code_at_once_agree_on_it() -> TestResult {
    let url = crate::fresh_postgres_url().await?;
    let first = server::storage::open(&Location::Postgres(url.clone())).await?;
    let second = server::storage::open(&Location::Postgres(url)).await?;
    let (_, devices) = workspace_with_devices(first.as_ref(), 8).await?;
    for device in devices {
        let (first_code, second_code) =
            tokio::join!(first.device_code(device), second.device_code(device));
        let first_code = first_code?.ok_or("no code")?;
        assert_eq!(Some(first_code.clone()), second_code?);
        assert_eq!(first.device_code(device).await?, Some(first_code));
    }
    Ok(())
}
