//! The server over real HTTP on a loopback port: the app shell's cache rules, its compressed
//! copies, and the health check.

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
    std::fs::write(
        dist.join("carnet-worker_loader.js"),
        "importScripts('./carnet-worker.js');",
    )?;
    std::fs::write(dist.join("carnet-worker.js"), "// workspace worker")?;
    std::fs::write(dist.join("carnet-worker_bg.wasm"), b"\0asm\x01\0\0\0")?;
    std::fs::write(dist.join("manifest.webmanifest"), "{}")?;
    std::fs::write(
        dist.join("client-3f9a0c1d2e4b5a69_bg.wasm"),
        [0, 97, 115, 109],
    )?;
    // The build's compressed copies, each with its own text so a test sees which one it got.
    std::fs::write(dist.join("client-3f9a0c1d2e4b5a69.js"), SCRIPT)?;
    std::fs::write(dist.join("client-3f9a0c1d2e4b5a69.js.br"), SCRIPT_BROTLI)?;
    std::fs::write(dist.join("client-3f9a0c1d2e4b5a69.js.gz"), SCRIPT_GZIP)?;
    std::fs::write(dist.join("index.html.br"), INDEX_BROTLI)?;
    std::fs::create_dir_all(dist.join("icons"))?;
    std::fs::write(dist.join("icons/icon-192.png"), [137, 80, 78, 71])?;
    Ok(())
}

const SCRIPT: &str = "export default function start() {}";
const SCRIPT_BROTLI: &str = "the brotli copy of the script";
const SCRIPT_GZIP: &str = "the gzip copy of the script";
const INDEX_BROTLI: &str = "the brotli copy of the index page";

/// What Chromium sends.
const BROWSER_ENCODINGS: &str = "gzip, deflate, br, zstd";

/// A minimal HTTP/1.1 GET over a raw socket: status, headers (lower-cased names) and body.
async fn get(
    address: SocketAddr,
    path: &str,
) -> Result<(u16, Vec<(String, String)>, String), Box<dyn std::error::Error>> {
    let (status, headers, body) = get_encoded(address, path, None).await?;
    Ok((status, headers, String::from_utf8_lossy(&body).into_owned()))
}

/// A GET sending `Accept-Encoding: accepted` when given, with the body's bytes as they came.
async fn get_encoded(
    address: SocketAddr,
    path: &str,
    accepted: Option<&str>,
) -> Result<(u16, Vec<(String, String)>, Vec<u8>), Box<dyn std::error::Error>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    let accept_encoding = accepted
        .map(|accepted| format!("Accept-Encoding: {accepted}\r\n"))
        .unwrap_or_default();
    stream
        .write_all(
            format!(
                "GET {path} HTTP/1.1\r\nHost: {address}\r\n{accept_encoding}\
                 Connection: close\r\n\r\n"
            )
            .as_bytes(),
        )
        .await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let end = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .ok_or("no header end")?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let body = raw[end + 4..].to_vec();
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
    Ok((status, headers, body))
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
async fn the_index_the_manifest_and_the_workers_are_always_revalidated() -> TestResult {
    let app = spawn_app().await?;
    for path in [
        "/",
        "/index.html",
        "/sw.js",
        "/manifest.webmanifest",
        "/carnet-worker_loader.js",
        "/carnet-worker.js",
        "/carnet-worker_bg.wasm",
    ] {
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

#[tokio::test]
async fn a_browser_accepting_brotli_gets_the_brotli_copy_marked_as_varying() -> TestResult {
    let app = spawn_app().await?;
    let (status, headers, body) = get_encoded(
        app.address,
        "/client-3f9a0c1d2e4b5a69.js",
        Some(BROWSER_ENCODINGS),
    )
    .await?;
    assert_eq!(status, 200);
    assert_eq!(body, SCRIPT_BROTLI.as_bytes());
    assert_eq!(header(&headers, "content-encoding"), Some("br"));
    assert_eq!(header(&headers, "vary"), Some("accept-encoding"));
    assert_eq!(header(&headers, "content-type"), Some("text/javascript"));
    assert_eq!(
        header(&headers, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    Ok(())
}

#[tokio::test]
async fn a_client_refusing_brotli_gets_the_gzip_copy() -> TestResult {
    let app = spawn_app().await?;
    for accepted in ["gzip", "br;q=0, gzip"] {
        let (status, headers, body) =
            get_encoded(app.address, "/client-3f9a0c1d2e4b5a69.js", Some(accepted)).await?;
        assert_eq!(status, 200, "{accepted}");
        assert_eq!(body, SCRIPT_GZIP.as_bytes(), "{accepted}");
        assert_eq!(
            header(&headers, "content-encoding"),
            Some("gzip"),
            "{accepted}"
        );
        assert_eq!(
            header(&headers, "vary"),
            Some("accept-encoding"),
            "{accepted}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_client_accepting_no_encoding_gets_the_file_itself_marked_as_varying() -> TestResult {
    let app = spawn_app().await?;
    for accepted in [None, Some("identity")] {
        let (status, headers, body) =
            get_encoded(app.address, "/client-3f9a0c1d2e4b5a69.js", accepted).await?;
        assert_eq!(status, 200, "{accepted:?}");
        assert_eq!(body, SCRIPT.as_bytes(), "{accepted:?}");
        assert_eq!(header(&headers, "content-encoding"), None, "{accepted:?}");
        assert_eq!(
            header(&headers, "vary"),
            Some("accept-encoding"),
            "{accepted:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn deep_links_answer_the_compressed_index_page_when_the_browser_accepts_it() -> TestResult {
    let app = spawn_app().await?;
    let (status, headers, body) =
        get_encoded(app.address, "/accounts/5f1c", Some(BROWSER_ENCODINGS)).await?;
    assert_eq!(status, 200);
    assert_eq!(body, INDEX_BROTLI.as_bytes());
    assert_eq!(header(&headers, "content-encoding"), Some("br"));
    assert_eq!(header(&headers, "content-type"), Some("text/html"));
    assert_eq!(header(&headers, "vary"), Some("accept-encoding"));
    assert_eq!(header(&headers, "cache-control"), Some("no-cache"));
    // No gzip copy of the index in this build: a gzip-only client gets the page itself.
    let (_, headers, body) = get_encoded(app.address, "/accounts/5f1c", Some("gzip")).await?;
    assert_eq!(header(&headers, "content-encoding"), None);
    assert!(String::from_utf8(body)?.contains("<title>Carnet</title>"));
    Ok(())
}
