//! The real `carnet-server` binary for tests and benchmarks: started with the demo workspace on a
//! loopback port, and spoken to over plain HTTP/1.1 for sign-in and sync tickets.
//! Included with `#[path]` by `tests/crash.rs` and `benches/relay.rs`.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use shared::protocol::DeviceId;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

/// The error type of these helpers.
pub(crate) type BinaryResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// How long the server may take to start.
const START_LIMIT: Duration = Duration::from_secs(60);

/// Starts the binary with `--demo` on `port` (0 for any) and waits until it listens.
pub(crate) async fn start_server(data: &Path, port: u16) -> BinaryResult<(Child, SocketAddr)> {
    start_demo_server(data, port, None, START_LIMIT).await
}

/// Starts the binary with `--demo` (and `accounts` demo accounts when given) on `port`, and
/// waits until it listens, at most `limit`.
pub(crate) async fn start_demo_server(
    data: &Path,
    port: u16,
    accounts: Option<usize>,
    limit: Duration,
) -> BinaryResult<(Child, SocketAddr)> {
    start_demo_server_on(data, port, accounts, limit, None).await
}

/// Starts the binary as [`start_demo_server`] does, on the PostgreSQL database `database` when
/// given (one instance among others sharing it).
pub(crate) async fn start_demo_server_on(
    data: &Path,
    port: u16,
    accounts: Option<usize>,
    limit: Duration,
    database: Option<&str>,
) -> BinaryResult<(Child, SocketAddr)> {
    let dist = data.join("dist");
    std::fs::create_dir_all(&dist)?;
    let accounts = accounts
        .map(|accounts| vec!["--demo-accounts".to_owned(), accounts.to_string()])
        .unwrap_or_default();
    let mut child = Command::new(env!("CARGO_BIN_EXE_carnet-server"))
        .args(["--demo", "--bind", &format!("127.0.0.1:{port}")])
        .args(accounts)
        .arg("--data-dir")
        .arg(data)
        .arg("--dist-dir")
        .arg(&dist)
        .args(database.map(|url| format!("--database={url}")))
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let address = tokio::time::timeout(limit, async {
        while let Some(line) = lines.next_line().await? {
            if let Some(rest) = line.strip_prefix("Carnet is running at http://") {
                let address: SocketAddr = rest.trim_end_matches('/').parse()?;
                return Ok::<_, Box<dyn std::error::Error + Send + Sync>>(address);
            }
        }
        Err("the server exited before listening".into())
    })
    .await
    .map_err(|_| "the server did not start")??;
    // Keep draining stdout so the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_line)) = lines.next_line().await {} });
    Ok((child, address))
}

/// A signed-in device.
pub(crate) struct SignedIn {
    /// Its bearer token.
    pub(crate) access: String,
    /// Its id.
    pub(crate) device: DeviceId,
}

/// Signs in as a demo user (password `carnet-demo`) on a new device.
pub(crate) async fn sign_in(address: SocketAddr, email: &str) -> BinaryResult<SignedIn> {
    let body = serde_json::json!({"email": email, "password": "carnet-demo", "device_name": "test device"});
    let (status, answer) = post(address, "/api/auth/login", None, &body).await?;
    if status != 200 {
        return Err(format!("sign-in answered {status}: {answer}").into());
    }
    Ok(SignedIn {
        access: answer["access_token"]
            .as_str()
            .ok_or("no access token")?
            .to_owned(),
        device: serde_json::from_value(answer["device_id"].clone())?,
    })
}

/// A fresh single-use sync ticket for a signed-in device.
pub(crate) async fn ticket(address: SocketAddr, device: &SignedIn) -> BinaryResult<String> {
    let (status, answer) = post(
        address,
        "/api/sync/ticket",
        Some(&device.access),
        &serde_json::json!({}),
    )
    .await?;
    if status != 200 {
        return Err(format!("the ticket request answered {status}: {answer}").into());
    }
    Ok(answer["ticket"].as_str().ok_or("no ticket")?.to_owned())
}

/// A minimal HTTP/1.1 JSON POST over a raw socket: the status and the JSON body.
pub(crate) async fn post(
    address: SocketAddr,
    path: &str,
    bearer: Option<&str>,
    body: &serde_json::Value,
) -> BinaryResult<(u16, serde_json::Value)> {
    let body = body.to_string();
    let authorization = bearer
        .map(|token| format!("Authorization: Bearer {token}\r\n"))
        .unwrap_or_default();
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    stream
        .write_all(
            format!(
                "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n{authorization}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
        .await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no header end")?;
    let status = head.split_whitespace().nth(1).ok_or("no status")?.parse()?;
    let body = if body.trim().is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(body.trim())?
    };
    Ok((status, body))
}
