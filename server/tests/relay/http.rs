//! What one client can hold of the relay over HTTP, and the headers every response carries.

use std::time::Duration;

use server::admission::PreAuthSlots;
use shared::protocol::{ClientMessage, Hello, Seq, ServerMessage};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::harness::{header, http_get, next_message, send, Relay, Socket, TestResult, PATIENCE};

/// Reads until the relay closes the connection; an error if it keeps it open past `PATIENCE`.
async fn read_until_closed(stream: &mut TcpStream) -> TestResult<Vec<u8>> {
    let mut received = Vec::new();
    match tokio::time::timeout(PATIENCE, stream.read_to_end(&mut received)).await {
        Err(_elapsed) => Err("the relay kept the connection open".into()),
        // A reset is a close too.
        Ok(Ok(_) | Err(_)) => Ok(received),
    }
}

#[tokio::test]
async fn a_client_that_sends_half_a_header_is_disconnected() -> TestResult {
    let relay =
        Relay::start_with(|state| state.http.header_timeout = Duration::from_millis(200)).await?;
    let mut stream = TcpStream::connect(relay.address).await?;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await?;
    let received = read_until_closed(&mut stream).await?;
    assert!(
        !String::from_utf8_lossy(&received).contains("200 OK"),
        "a half header was answered"
    );
    // A client that sends its headers in time is served.
    let (status, _, body) = http_get(relay.address, "/healthz").await?;
    assert_eq!((status, body.as_str()), (200, "ok"));
    Ok(())
}

#[tokio::test]
async fn a_request_whose_body_never_arrives_is_answered_408_and_closed() -> TestResult {
    let relay = Relay::start_with(|state| {
        state.http.request_timeout = Duration::from_millis(300);
    })
    .await?;
    let mut stream = TcpStream::connect(relay.address).await?;
    stream
        .write_all(
            b"POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"email\":",
        )
        .await?;
    let received = read_until_closed(&mut stream).await?;
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 408"), "got {text:?}");
    Ok(())
}

#[tokio::test]
async fn the_connection_cap_closes_connections_past_it() -> TestResult {
    let relay = Relay::start_with(|state| {
        state.http.max_open_connections = 2;
        // Idle connections must stay open for the length of the test.
        state.http.header_timeout = Duration::from_secs(600);
    })
    .await?;
    // Two idle keep-alive connections, each served once so the relay holds both.
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(relay.address).await?;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .await?;
        let mut answer = [0; 512];
        let read = tokio::time::timeout(PATIENCE, stream.read(&mut answer)).await??;
        assert!(String::from_utf8_lossy(&answer[..read]).starts_with("HTTP/1.1 200"));
        held.push(stream);
    }
    let mut third = TcpStream::connect(relay.address).await?;
    // The write may already fail: the relay closed the socket at once.
    let _sent = third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await;
    let received = read_until_closed(&mut third).await?;
    assert!(received.is_empty(), "a connection past the cap was served");

    // A freed slot serves the next client.
    drop(held.pop());
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        match http_get(relay.address, "/metrics").await {
            Ok((200, _, body)) => {
                let refused: u64 = body
                    .lines()
                    .find_map(|line| line.strip_prefix("carnet_connections_refused_open_total "))
                    .ok_or("no refusal counter")?
                    .parse()?;
                assert!(refused >= 1, "{body}");
                break;
            }
            _ if tokio::time::Instant::now() < deadline => tokio::task::yield_now().await,
            other => return Err(format!("never served after a slot was freed: {other:?}").into()),
        }
    }
    Ok(())
}

/// A WebSocket to the relay's `/sync` from the loopback address `source`.
async fn socket_from(relay: &Relay, source: [u8; 4]) -> TestResult<Socket> {
    let socket = TcpSocket::new_v4()?;
    socket.bind((source, 0).into())?;
    let stream = socket.connect(relay.address).await?;
    let (socket, _) = tokio_tungstenite::client_async_with_config(
        format!("ws://{}/sync", relay.address),
        tokio_tungstenite::MaybeTlsStream::Plain(stream),
        None,
    )
    .await?;
    Ok(socket)
}

#[tokio::test]
async fn unauthenticated_sockets_are_capped_per_address_while_another_address_connects(
) -> TestResult {
    let relay = Relay::start_with(|state| {
        state.pre_auth = PreAuthSlots::new(3);
        state.limits = std::sync::Arc::new(server::session::Limits {
            handshake_timeout: Duration::from_secs(60),
            ..server::session::Limits::default()
        });
    })
    .await?;
    let principals = relay.workspace(1).await?;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(relay.socket().await?);
    }
    let refused = relay
        .socket()
        .await
        .err()
        .ok_or("a fourth unauthenticated socket from one address was accepted")?;
    assert!(refused.to_string().contains("429"), "{refused}");

    // Another client address is not affected (127.0.0.2 is loopback too).
    let _other = socket_from(&relay, [127, 0, 0, 2]).await?;

    // A socket that authenticates gives its slot back.
    let first = held.first_mut().ok_or("no socket")?;
    send(
        first,
        &ClientMessage::Hello(Hello {
            ticket: relay.ticket(principals[0]).await?,
            device: principals[0].device,
            cursor: Seq(0),
        }),
    )
    .await?;
    assert!(matches!(
        next_message(first).await?,
        Some(ServerMessage::Welcome { .. })
    ));
    let _fourth = relay.socket().await?;
    Ok(())
}

/// What Trunk writes into `index.html`: an inline module script that loads the wasm.
const BUILT_INDEX: &str = "<!doctype html><html><head>\
    <link rel=\"stylesheet\" href=\"/style-00aa11bb22cc33dd.css\">\
    <script src=\"/pwa.js\" defer></script>\
    <script type=\"module\">\nimport init, * as bindings from '/client-3f9a0c1d2e4b5a69.js';\n\
    const wasm = await init({ module_or_path: '/client-3f9a0c1d2e4b5a69_bg.wasm' });\n\
    window.wasmBindings = bindings;\n</script></head><body></body></html>";

#[tokio::test]
async fn every_response_carries_the_security_headers() -> TestResult {
    let relay = Relay::start_built(Some(BUILT_INDEX), |_| {}).await?;
    let (_, _, index) = http_get(relay.address, "/").await?;
    let hashes = server::headers::inline_script_hashes(&index);
    let [inline_script] = hashes.as_slice() else {
        return Err(format!("expected one inline script, found {hashes:?}").into());
    };
    for (path, status) in [
        ("/", 200),
        ("/accounts/42", 200),
        ("/missing.js", 404),
        ("/api/health", 200),
        ("/api/nothing-here", 404),
        ("/healthz", 200),
        ("/metrics", 200),
        // Not an upgrade: refused by the WebSocket extractor.
        ("/sync", 400),
    ] {
        let (answered, headers, _) = http_get(relay.address, path).await?;
        assert_eq!(answered, status, "{path}");
        let policy = header(&headers, "content-security-policy")
            .ok_or_else(|| format!("{path} has no Content-Security-Policy"))?;
        for directive in [
            "default-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ] {
            assert!(policy.contains(directive), "{path}: {policy}");
        }
        assert!(
            policy.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-{inline_script}'"
            )),
            "{path}: {policy}"
        );
        assert!(!policy.contains("'unsafe-eval'"), "{path}: {policy}");
        assert_eq!(
            header(&headers, "x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            header(&headers, "referrer-policy"),
            Some("no-referrer"),
            "{path}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn shutdown_closes_idle_connections_and_sessions_then_returns() -> TestResult {
    let mut relay = Relay::start().await?;
    let principals = relay.workspace(1).await?;
    let mut socket = relay.socket().await?;
    send(
        &mut socket,
        &ClientMessage::Hello(Hello {
            ticket: relay.ticket(principals[0]).await?,
            device: principals[0].device,
            cursor: Seq(0),
        }),
    )
    .await?;
    assert!(matches!(
        next_message(&mut socket).await?,
        Some(ServerMessage::Welcome { .. })
    ));
    let mut idle = TcpStream::connect(relay.address).await?;
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await?;
    let mut answer = [0; 512];
    let read = tokio::time::timeout(PATIENCE, idle.read(&mut answer)).await??;
    assert!(String::from_utf8_lossy(&answer[..read]).starts_with("HTTP/1.1 200"));

    relay.shut_down().await?;
    // The session said why it closed; the idle connection was closed.
    let mut close_code = None;
    while let Some(frame) = futures_util::StreamExt::next(&mut socket).await {
        if let Ok(tokio_tungstenite::tungstenite::Message::Close(Some(frame))) = frame {
            close_code = Some(u16::from(frame.code));
        }
    }
    assert_eq!(close_code, Some(1001));
    // Closed (an open one would time out); what remains is at most the tail of the answer.
    let rest = read_until_closed(&mut idle).await?;
    assert!(!String::from_utf8_lossy(&rest).contains("HTTP/1.1"));
    Ok(())
}
