//! The accept loop: HTTP/1.1 connections with a header read timeout and a cap on open ones.
//!
//! `axum::serve` has neither, so one client trickling header bytes (or opening sockets and
//! sending nothing) could hold connections for ever. Here every connection takes a slot of the
//! cap (past it, the socket is closed at once), its headers must arrive within the header
//! timeout, and each request sees the peer's address (`ConnectInfo<SocketAddr>`). WebSocket
//! upgrades still work; an upgraded sync socket leaves this cap for the sync cap. On shutdown the
//! loop stops accepting, lets in-flight requests finish and closes idle connections.
//!
//! It does not know any route: it serves whatever `Router` it is given.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

use crate::config::Resources;
use crate::metrics::Metrics;

/// How the accept loop bounds what clients hold.
#[derive(Clone, Debug)]
pub struct HttpLimits {
    /// How long a client may take to send a request's headers (from the connection's start or
    /// the previous response).
    pub header_timeout: Duration,
    /// How long a request may take from its headers to its answer, body included.
    pub request_timeout: Duration,
    /// Open connections, past which new ones are closed at once.
    pub max_open_connections: usize,
}

impl From<&Resources> for HttpLimits {
    fn from(resources: &Resources) -> Self {
        Self {
            header_timeout: Duration::from_secs(resources.header_timeout_seconds),
            request_timeout: Duration::from_secs(resources.request_timeout_seconds),
            max_open_connections: resources.max_open_connections,
        }
    }
}

/// How long the loop waits after a failed accept (out of file descriptors, say) before trying
/// again, so that it does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Serves `router` on `listener` until `shutdown` resolves, then waits for open requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &HttpLimits,
    metrics: Metrics,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_open_connections));
    let connections = TaskTracker::new();
    let draining = CancellationToken::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            // At the cap: closing at once costs nothing, and the client may retry.
            metrics.refused_connection();
            drop(stream);
            continue;
        };
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot disable Nagle's algorithm");
        }
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let router = router.clone();
            async move {
                Ok::<_, Infallible>(
                    router
                        .oneshot(request)
                        .await
                        .unwrap_or_else(|never| match never {}),
                )
            }
        });
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .with_upgrades();
        let draining = draining.clone();
        connections.spawn(async move {
            let _slot = slot;
            tokio::pin!(connection);
            let finished = tokio::select! {
                finished = connection.as_mut() => finished,
                () = draining.cancelled() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = finished {
                // Timeouts and clients that leave mid-request end here; nothing to do about them.
                tracing::debug!(%peer, %error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    draining.cancel();
    connections.close();
    connections.wait().await;
}
