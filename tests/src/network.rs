//! One device's network link: a loopback relay between the browser and the server that can be
//! cut (every open connection reset, new ones refused) and restored, as a tunnel or a dead zone
//! would. Service-worker fetches, page loads and sockets all go through it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::{HarnessError, HarnessResult};

/// A cuttable relay from a local port to the server's port.
#[derive(Debug)]
pub struct NetworkLink {
    port: u16,
    online: Arc<AtomicBool>,
    cut: watch::Sender<u64>,
    accept_loop: JoinHandle<()>,
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
        let accept_loop = tokio::spawn(accept(listener, upstream_port, Arc::clone(&online), cuts));
        Ok(Self {
            port,
            online,
            cut,
            accept_loop,
        })
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
}

impl Drop for NetworkLink {
    fn drop(&mut self) {
        self.accept_loop.abort();
        self.go_offline();
    }
}

async fn accept(
    listener: TcpListener,
    upstream_port: u16,
    online: Arc<AtomicBool>,
    cuts: watch::Receiver<u64>,
) {
    while let Ok((mut inbound, _)) = listener.accept().await {
        if !online.load(Ordering::SeqCst) {
            // Offline: the connection dies at once, like a network that does not answer.
            drop(inbound);
            continue;
        }
        let mut cuts = cuts.clone();
        cuts.mark_unchanged();
        tokio::spawn(async move {
            let Ok(mut outbound) = TcpStream::connect(("127.0.0.1", upstream_port)).await else {
                return;
            };
            tokio::select! {
                _copied = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                _cut = cuts.changed() => {}
            }
        });
    }
}
