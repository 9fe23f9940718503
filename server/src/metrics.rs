//! Counters and gauges of the relay, rendered in Prometheus' text format at `/metrics`.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Upper bounds (seconds) of the fan-out latency histogram's buckets.
const LATENCY_BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
];

/// The relay's metrics; clones share the same counters.
#[derive(Clone, Debug, Default)]
pub struct Metrics {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    connections: AtomicU64,
    connections_refused_busy: AtomicU64,
    connections_refused_open: AtomicU64,
    sockets_refused_pre_auth: AtomicU64,
    pushes_refused_quota: AtomicU64,
    pushes: AtomicU64,
    changes_stored: AtomicU64,
    changes_duplicate: AtomicU64,
    acks: AtomicU64,
    refusals: AtomicU64,
    entries_sent: AtomicU64,
    fanout_buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    fanout_count: AtomicU64,
    fanout_sum_micros: AtomicU64,
}

impl Metrics {
    /// A sync connection opened.
    pub fn connection_opened(&self) {
        self.inner.connections.fetch_add(1, Ordering::Relaxed);
    }

    /// A sync connection closed.
    pub fn connection_closed(&self) {
        self.inner.connections.fetch_sub(1, Ordering::Relaxed);
    }

    /// An upgrade was refused because the relay is at capacity.
    pub fn refused_busy(&self) {
        self.inner
            .connections_refused_busy
            .fetch_add(1, Ordering::Relaxed);
    }

    /// A TCP connection was closed at once because the open-connection cap was reached.
    pub fn refused_connection(&self) {
        self.inner
            .connections_refused_open
            .fetch_add(1, Ordering::Relaxed);
    }

    /// An upgrade was refused because its client address holds its pre-authentication share.
    pub fn refused_pre_auth(&self) {
        self.inner
            .sockets_refused_pre_auth
            .fetch_add(1, Ordering::Relaxed);
    }

    /// A push was refused because it would exceed a storage quota.
    pub fn refused_quota(&self) {
        self.inner
            .pushes_refused_quota
            .fetch_add(1, Ordering::Relaxed);
    }

    /// A push was stored durably and acknowledged.
    pub fn acknowledged(&self, stored: u32, duplicates: u32) {
        self.inner.pushes.fetch_add(1, Ordering::Relaxed);
        self.inner.acks.fetch_add(1, Ordering::Relaxed);
        self.inner
            .changes_stored
            .fetch_add(u64::from(stored), Ordering::Relaxed);
        self.inner
            .changes_duplicate
            .fetch_add(u64::from(duplicates), Ordering::Relaxed);
    }

    /// A message was refused with an error code.
    pub fn refused(&self) {
        self.inner.refusals.fetch_add(1, Ordering::Relaxed);
    }

    /// Live entries reached a device `latency` after they were committed.
    pub fn fanned_out(&self, entries: usize, latency: Duration) {
        self.inner
            .entries_sent
            .fetch_add(entries as u64, Ordering::Relaxed);
        let seconds = latency.as_secs_f64();
        for (bucket, bound) in self.inner.fanout_buckets.iter().zip(LATENCY_BUCKETS) {
            if seconds <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.inner.fanout_count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.inner
            .fanout_sum_micros
            .fetch_add(micros, Ordering::Relaxed);
    }

    /// The Prometheus text exposition, with the storage counters read by the caller.
    pub fn render(&self, storage: &crate::storage::StorageHealth) -> String {
        let inner = &self.inner;
        let mut text = String::new();
        let mut line = |name: &str, kind: &str, help: &str, value: String| {
            let _infallible = writeln!(
                text,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed).to_string();
        line(
            "carnet_sync_connections",
            "gauge",
            "Open sync connections.",
            load(&inner.connections),
        );
        line(
            "carnet_sync_connections_refused_busy_total",
            "counter",
            "Upgrades refused at capacity.",
            load(&inner.connections_refused_busy),
        );
        line(
            "carnet_connections_refused_open_total",
            "counter",
            "TCP connections closed at once at the open-connection cap.",
            load(&inner.connections_refused_open),
        );
        line(
            "carnet_sync_refused_pre_auth_total",
            "counter",
            "Upgrades refused because the client address held its unauthenticated sockets.",
            load(&inner.sockets_refused_pre_auth),
        );
        line(
            "carnet_pushes_refused_quota_total",
            "counter",
            "Pushes refused because they would exceed a storage quota.",
            load(&inner.pushes_refused_quota),
        );
        line(
            "carnet_pushes_total",
            "counter",
            "Pushes stored and acknowledged.",
            load(&inner.pushes),
        );
        line(
            "carnet_acks_total",
            "counter",
            "Durable acknowledgements sent.",
            load(&inner.acks),
        );
        line(
            "carnet_changes_stored_total",
            "counter",
            "Changes newly stored.",
            load(&inner.changes_stored),
        );
        line(
            "carnet_changes_duplicate_total",
            "counter",
            "Pushed changes already in the log.",
            load(&inner.changes_duplicate),
        );
        line(
            "carnet_refusals_total",
            "counter",
            "Messages refused with an error code.",
            load(&inner.refusals),
        );
        line(
            "carnet_entries_sent_total",
            "counter",
            "Live entries sent to devices.",
            load(&inner.entries_sent),
        );
        line(
            "carnet_log_changes",
            "gauge",
            "Changes in the log.",
            storage.logged_changes.to_string(),
        );
        line(
            "carnet_log_rows_read_total",
            "counter",
            "Log and snapshot rows read for devices.",
            storage.rows_read.to_string(),
        );
        line(
            "carnet_log_bytes_read_total",
            "counter",
            "Bytes of changes and snapshots read for devices.",
            storage.bytes_read.to_string(),
        );
        if let Some(pool) = storage.pool {
            line(
                "carnet_db_pool_max_connections",
                "gauge",
                "Connections the pool opens at most.",
                pool.max.to_string(),
            );
            line(
                "carnet_db_pool_connections",
                "gauge",
                "Connections to the database open now.",
                pool.open.to_string(),
            );
            line(
                "carnet_db_pool_idle_connections",
                "gauge",
                "Open connections idle now.",
                pool.idle.to_string(),
            );
            line(
                "carnet_db_pool_waiting",
                "gauge",
                "Requests waiting for a connection.",
                pool.waiting.to_string(),
            );
        }
        if let Some(listening) = storage.listening {
            line(
                "carnet_instances_listening",
                "gauge",
                "1 when this instance hears the other instances (its LISTEN connection is up).",
                u8::from(listening).to_string(),
            );
        }
        let _infallible = writeln!(
            text,
            "# HELP carnet_fanout_latency_seconds From durable commit to the send to another device.\n# TYPE carnet_fanout_latency_seconds histogram"
        );
        for (bucket, bound) in inner.fanout_buckets.iter().zip(LATENCY_BUCKETS) {
            let _infallible = writeln!(
                text,
                "carnet_fanout_latency_seconds_bucket{{le=\"{bound}\"}} {}",
                load(bucket)
            );
        }
        let count = load(&inner.fanout_count);
        let sum = inner.fanout_sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _infallible = writeln!(
            text,
            "carnet_fanout_latency_seconds_bucket{{le=\"+Inf\"}} {count}\ncarnet_fanout_latency_seconds_sum {sum}\ncarnet_fanout_latency_seconds_count {count}"
        );
        text
    }
}
