//! One device's network link: a loopback relay between the browser and the server that can be
//! cut (every open connection reset, new ones refused) and restored, as a tunnel or a dead zone
//! would, or made silent: bytes stop moving in both directions but nothing is reset and every
//! connection stays open, as on a link that drops packets (a NAT that forgot the flow, a
//! captive portal); what was held moves on once the link forwards again, as TCP retransmits
//! it. Service-worker fetches, page loads and sockets all go through it, and it counts the
//! sync sockets it carried (`GET /sync`), so a test can tell a new connection from an old one.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::{HarnessError, HarnessResult};

/// The bytes a sync socket's upgrade request starts with.
const SYNC_REQUEST: &[u8] = b"GET /sync";

/// A cuttable relay from a local port to the server's port.
#[derive(Debug)]
pub struct NetworkLink {
    port: u16,
    online: Arc<AtomicBool>,
    cut: watch::Sender<u64>,
    silent: watch::Sender<bool>,
    sync_connections: Arc<AtomicUsize>,
    received: Arc<AtomicU64>,
    accept_loop: JoinHandle<()>,
}

/// What every connection of a link shares.
#[derive(Clone)]
struct Shared {
    upstream_port: u16,
    online: Arc<AtomicBool>,
    cuts: watch::Receiver<u64>,
    silent: watch::Receiver<bool>,
    sync_connections: Arc<AtomicUsize>,
    received: Arc<AtomicU64>,
}

impl NetworkLink {
    /// Starts relaying `127.0.0.1:<new port>` to `127.0.0.1:upstream_port`.
    pub async fn start(upstream_port: u16) -> HarnessResult<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|source| HarnessError::io("cannot bind a device link", source))?;
        let port = listener
            .local_addr()
            .map_err(|source| HarnessError::io("cannot read a device link's port", source))?
            .port();
        let online = Arc::new(AtomicBool::new(true));
        let (cut, cuts) = watch::channel(0_u64);
        let (silent, silences) = watch::channel(false);
        let sync_connections = Arc::new(AtomicUsize::new(0));
        let received = Arc::new(AtomicU64::new(0));
        let shared = Shared {
            upstream_port,
            online: Arc::clone(&online),
            cuts,
            silent: silences,
            sync_connections: Arc::clone(&sync_connections),
            received: Arc::clone(&received),
        };
        let accept_loop = tokio::spawn(accept(listener, shared));
        Ok(Self {
            port,
            online,
            cut,
            silent,
            sync_connections,
            received,
            accept_loop,
        })
    }

    /// Every byte the server sent the browser through this link so far (pages, files, sync).
    pub fn bytes_received(&self) -> u64 {
        self.received.load(Ordering::SeqCst)
    }

    /// The port the browser connects to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Cuts the link: open connections are reset and new ones are refused until restored.
    pub fn go_offline(&self) {
        self.online.store(false, Ordering::SeqCst);
        self.cut.send_modify(|generation| *generation += 1);
    }

    /// Restores the link.
    pub fn go_online(&self) {
        self.online.store(true, Ordering::SeqCst);
    }

    /// Makes the link silent (`true`): no byte moves either way, no connection is reset or
    /// refused, new ones are accepted and hold; or lets everything move again (`false`).
    pub fn set_silent(&self, silent: bool) {
        self.silent.send_replace(silent);
    }

    /// How many sync sockets (`GET /sync` upgrades) the browser opened through this link.
    pub fn sync_connections(&self) -> usize {
        self.sync_connections.load(Ordering::SeqCst)
    }
}

impl Drop for NetworkLink {
    fn drop(&mut self) {
        self.accept_loop.abort();
        self.go_offline();
        self.set_silent(false);
    }
}

async fn accept(listener: TcpListener, shared: Shared) {
    while let Ok((inbound, _)) = listener.accept().await {
        if !shared.online.load(Ordering::SeqCst) {
            // Offline: the connection dies at once, like a network that does not answer.
            drop(inbound);
            continue;
        }
        let mut cuts = shared.cuts.clone();
        cuts.mark_unchanged();
        let shared = shared.clone();
        tokio::spawn(async move {
            let Ok(outbound) = TcpStream::connect(("127.0.0.1", shared.upstream_port)).await else {
                return;
            };
            let (from_browser, to_server) = (inbound.into_split(), outbound.into_split());
            let (browser_reader, browser_writer) = from_browser;
            let (server_reader, server_writer) = to_server;
            let upload = forward(
                browser_reader,
                server_writer,
                shared.silent.clone(),
                Counters::Upload(Arc::clone(&shared.sync_connections)),
            );
            let download = forward(
                server_reader,
                browser_writer,
                shared.silent.clone(),
                Counters::Download(Arc::clone(&shared.received)),
            );
            tokio::select! {
                _both = async { tokio::join!(upload, download) } => {}
                _cut = cuts.changed() => {}
            }
        });
    }
}

/// What one direction of a connection counts.
enum Counters {
    /// Browser to server: the sync sockets opened.
    Upload(Arc<AtomicUsize>),
    /// Server to browser: the bytes.
    Download(Arc<AtomicU64>),
}

/// Copies one direction until it ends, holding bytes while the link is silent; counts the
/// connection in `sync_connections` when its first bytes open a sync socket (upload), or the
/// bytes it carries (download).
async fn forward(
    mut reader: tokio::net::tcp::OwnedReadHalf,
    mut writer: tokio::net::tcp::OwnedWriteHalf,
    mut silent: watch::Receiver<bool>,
    counters: Counters,
) {
    let mut buffer = vec![0_u8; 64 * 1024];
    let mut first = true;
    loop {
        // Nothing is read while silent, so the sender's buffers fill as on a dead path.
        if silent.wait_for(|silent| !silent).await.is_err() {
            return;
        }
        let read = match reader.read(&mut buffer).await {
            Ok(0) | Err(_) => {
                let _closed = writer.shutdown().await;
                return;
            }
            Ok(read) => read,
        };
        match &counters {
            Counters::Upload(sync_connections) => {
                if std::mem::take(&mut first) && buffer[..read].starts_with(SYNC_REQUEST) {
                    sync_connections.fetch_add(1, Ordering::SeqCst);
                }
            }
            Counters::Download(received) => {
                received.fetch_add(u64::try_from(read).unwrap_or(u64::MAX), Ordering::SeqCst);
            }
        }
        // Bytes read just before the link went silent wait for it too.
        if silent.wait_for(|silent| !silent).await.is_err() {
            return;
        }
        if writer.write_all(&buffer[..read]).await.is_err() {
            return;
        }
    }
}
