//! The server over real HTTP on a loopback port: the app shell's cache rules and the health check.

use std::net::SocketAddr;
use std::path::Path;

use server::config::Config;
use server::state::AppState;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A server on port 0 serving a small fake build; stopped when the test ends.
struct TestApp {
    address: SocketAddr,
    _data: tempfile::TempDir,
    _dist: tempfile::TempDir,
}

async fn spawn_app() -> Result<TestApp, Box<dyn std::error::Error>> {
    let data = tempfile::tempdir()?;
    let dist = tempfile::tempdir()?;
    write_build(dist.path())?;
    let config = <Config as clap::Parser>::try_parse_from([
        "carnet-server".as_ref(),
        "--bind".as_ref(),
        "127.0.0.1:0".as_ref(),
        "--data-dir".as_ref(),
        data.path().as_os_str(),
        "--dist-dir".as_ref(),
        dist.path().as_os_str(),
    ])?;
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    let address = listener.local_addr()?;
    let state = AppState::open(&config).await?;
    tokio::spawn(server::run(listener, state, std::future::pending()));
    Ok(TestApp {
        address,
        _data: data,
        _dist: dist,
    })
}

fn write_build(dist: &Path) -> std::io::Result<()> {
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>Carnet</title>",
    )?;
    std::fs::write(dist.join("sw.js"), "// worker")?;
    std::fs::write(dist.join("manifest.webmanifest"), "{}")?;
    std::fs::write(
        dist.join("client-3f9a0c1d2e4b5a69_bg.wasm"),
        [0, 97, 115, 109],
    )?;
    std::fs::create_dir_all(dist.join("icons"))?;
    std::fs::write(dist.join("icons/icon-192.png"), [137, 80, 78, 71])?;
    Ok(())
}

/// A minimal HTTP/1.1 GET over a raw socket: status, headers (lower-cased names) and body.
async fn get(
    address: SocketAddr,
    path: &str,
) -> Result<(u16, Vec<(String, String)>, String), Box<dyn std::error::Error>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no header end")?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .ok_or("no status line")?
        .parse()?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Ok((status, headers, body.to_owned()))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(header, _)| header == name)
        .map(|(_, value)| value.as_str())
}

#[tokio::test]
async fn hashed_assets_are_cached_forever() -> TestResult {
    let app = spawn_app().await?;
    let (status, headers, _) = get(app.address, "/client-3f9a0c1d2e4b5a69_bg.wasm").await?;
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(header(&headers, "content-type"), Some("application/wasm"));
    Ok(())
}

#[tokio::test]
async fn the_index_the_manifest_and_the_worker_are_always_revalidated() -> TestResult {
    let app = spawn_app().await?;
    for path in ["/", "/index.html", "/sw.js", "/manifest.webmanifest"] {
        let (status, headers, _) = get(app.address, path).await?;
        assert_eq!(status, 200, "{path}");
        assert_eq!(
            header(&headers, "cache-control"),
            Some("no-cache"),
            "{path}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn deep_links_answer_the_index_page() -> TestResult {
    let app = spawn_app().await?;
    let (status, headers, body) = get(app.address, "/accounts/5f1c/history").await?;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "cache-control"), Some("no-cache"));
    assert!(body.contains("<title>Carnet</title>"));
    Ok(())
}

#[tokio::test]
async fn unknown_asset_paths_are_not_found() -> TestResult {
    let app = spawn_app().await?;
    for path in [
        "/client-0000000000000000.js",
        "/icons/missing.png",
        "/api/nothing",
    ] {
        let (status, _, _) = get(app.address, path).await?;
        assert_eq!(status, 404, "{path}");
    }
    Ok(())
}

#[tokio::test]
async fn the_health_check_reports_the_database() -> TestResult {
    let app = spawn_app().await?;
    let (status, _, body) = get(app.address, "/api/health").await?;
    assert_eq!(status, 200);
    let health: serde_json::Value = serde_json::from_str(&body)?;
    assert_eq!(health["status"], "ok");
    assert_eq!(
        health["storage"]["schema_version"],
        server::storage::sqlite::SCHEMA_VERSION
    );
    Ok(())
}
