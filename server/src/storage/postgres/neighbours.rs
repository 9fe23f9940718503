//! The other relay instances on the PostgreSQL database: signals go out with `pg_notify` on a
//! pooled connection once the commit they follow has returned, and come in on a dedicated
//! connection that `LISTEN`s (outside the pool, reconnected when it drops).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::Pool;
use futures_util::StreamExt as _;
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, NoTls};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::storage::neighbours::{decode, encode, Heard, Neighbours, Signal};

/// The notification channel every instance listens on.
const CHANNEL: &str = "carnet_relay";

/// Signals heard but not yet handled, past which the listener waits (and PostgreSQL queues).
const HEARD_CAPACITY: usize = 1024;

/// How long the listener waits before connecting again, at most.
const RECONNECT_LIMIT: Duration = Duration::from_secs(5);

/// This instance's neighbours on one PostgreSQL database.
#[derive(Clone)]
pub struct PostgresNeighbours {
    /// This instance, so that it ignores its own signals.
    instance: Uuid,
    pool: Pool,
    config: tokio_postgres::Config,
    /// Whether the listening connection is up now.
    listening: Arc<AtomicBool>,
}

impl std::fmt::Debug for PostgresNeighbours {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("PostgresNeighbours")
            .field("instance", &self.instance)
            .finish_non_exhaustive()
    }
}

impl PostgresNeighbours {
    /// Neighbours reached through `pool` and heard on a connection made from `config`.
    pub(crate) fn new(pool: Pool, config: tokio_postgres::Config) -> Self {
        Self {
            instance: Uuid::new_v4(),
            pool,
            config,
            listening: Arc::default(),
        }
    }

    /// Whether this instance hears the others now.
    pub(crate) fn listening(&self) -> bool {
        self.listening.load(Ordering::Relaxed)
    }
}

impl Neighbours for PostgresNeighbours {
    fn tell(&self, signal: Signal) {
        let pool = self.pool.clone();
        let payload = encode(self.instance, signal);
        tokio::spawn(async move {
            let told = async {
                let client = pool.get().await.map_err(|error| error.to_string())?;
                client
                    .execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &payload])
                    .await
                    .map_err(|error| error.to_string())
            };
            if let Err(error) = told.await {
                // Only a delay: the others catch up on their next look at the log.
                tracing::warn!(%error, "cannot tell the other relay instances");
            }
        });
    }

    fn listen(&self, shutdown: CancellationToken) -> mpsc::Receiver<Heard> {
        let (heard, receiver) = mpsc::channel(HEARD_CAPACITY);
        tokio::spawn(listen(self.clone(), heard, shutdown));
        receiver
    }
}

/// Listens until `shutdown` (or until nobody reads what is heard), reconnecting after a lost
/// connection; each (re)connection is announced as [`Heard::Reconnected`].
async fn listen(
    neighbours: PostgresNeighbours,
    heard: mpsc::Sender<Heard>,
    shutdown: CancellationToken,
) {
    let mut wait = Duration::from_millis(100);
    loop {
        let listened = tokio::select! {
            () = shutdown.cancelled() => return,
            listened = listen_once(&neighbours, &heard, &shutdown) => listened,
        };
        match listened {
            Ok(Ended::Shutdown | Ended::Unheard) => return,
            Ok(Ended::ConnectionLost) => {
                tracing::warn!("lost the connection listening to the other relay instances");
                wait = Duration::from_millis(100);
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen to the other relay instances");
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(wait) => {}
        }
        wait = (wait * 2).min(RECONNECT_LIMIT);
    }
}

/// Why one listening connection ended.
enum Ended {
    Shutdown,
    /// Nobody reads the signals any more.
    Unheard,
    ConnectionLost,
}

async fn listen_once(
    neighbours: &PostgresNeighbours,
    heard: &mpsc::Sender<Heard>,
    shutdown: &CancellationToken,
) -> Result<Ended, tokio_postgres::Error> {
    let (client, mut connection) = neighbours.config.connect(NoTls).await?;
    let (notifications, mut incoming) = mpsc::channel::<String>(HEARD_CAPACITY);
    // The connection is driven here; its notifications are forwarded until it ends.
    let driver = tokio::spawn(async move {
        let mut messages =
            futures_util::stream::poll_fn(move |context| connection.poll_message(context));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(notification)) => {
                    if notifications
                        .send(notification.payload().to_owned())
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
                Ok(_notice) => {}
                Err(_lost) => return,
            }
        }
    });
    let listening = client.batch_execute(&format!("LISTEN {CHANNEL}")).await;
    if let Err(error) = listening {
        driver.abort();
        return Err(error);
    }
    neighbours.listening.store(true, Ordering::Relaxed);
    if heard.send(Heard::Reconnected).await.is_err() {
        driver.abort();
        return Ok(Ended::Unheard);
    }
    let ended = loop {
        tokio::select! {
            () = shutdown.cancelled() => break Ended::Shutdown,
            payload = incoming.recv() => {
                let Some(payload) = payload else {
                    break Ended::ConnectionLost;
                };
                let Some((instance, signal)) = decode(&payload) else {
                    tracing::warn!("ignored a notification that is not a relay signal");
                    continue;
                };
                if instance == neighbours.instance {
                    continue;
                }
                if heard.send(Heard::Signal(signal)).await.is_err() {
                    break Ended::Unheard;
                }
            }
        }
    };
    neighbours.listening.store(false, Ordering::Relaxed);
    drop(client);
    driver.abort();
    Ok(ended)
}
