//! Every process the harness starts, and the proof that none outlives it.
//!
//! A process is started in its own process group and carries a marker in its environment,
//! `CARNET_E2E_PROCESS=<run>/<role>-<test pid>-<n>`, which what it starts inherits (ChromeDriver's
//! Chromium, Chromium's crash handlers).
//! Dropping a [`Spawned`] (a test that passes, fails or panics) kills its group and then every
//! process still carrying its marker, so nothing depends on ChromeDriver cleaning up after
//! itself (killed, it leaves its browser running). Both ways are needed: Chromium's crash
//! handlers start process groups of their own (a group kill misses them), and its zygote and
//! renderers start without the marker but in ChromeDriver's group (checked by hand on Debian's
//! Chromium 156 under ChromeDriver). The run (`CARNET_E2E_RUN`, set by
//! `cargo xtask test`) prefixes every marker, so [`survivors`] finds whatever a whole run left.
//!
//! It signals through `/usr/bin/kill` rather than `libc` (the workspace forbids `unsafe`) and
//! reads `/proc`: Linux only, like the rest of the harness.

use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::process::{Child, Command};

use crate::{HarnessError, HarnessResult};

/// The environment variable that marks every process the harness started.
pub const MARKER_VARIABLE: &str = "CARNET_E2E_PROCESS";

/// The environment variable naming the run (`cargo xtask test` sets it; otherwise the test
/// process's id names it).
pub const RUN_VARIABLE: &str = "CARNET_E2E_RUN";

/// A process that still carries a marker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Survivor {
    /// Its process id.
    pub pid: u32,
    /// Its command line, arguments separated by spaces.
    pub command: String,
}

/// The marker prefix of this run: every process this run starts carries it.
pub fn run_marker() -> String {
    let run = std::env::var(RUN_VARIABLE)
        .ok()
        .filter(|run| !run.is_empty() && !run.contains('/'))
        .unwrap_or_else(|| format!("local-{}", std::process::id()));
    format!("{run}/")
}

/// A child process in its own group, ended with everything it started when dropped.
#[derive(Debug)]
pub struct Spawned {
    child: Child,
    group: Option<u32>,
    marker: String,
}

impl Spawned {
    /// Starts `command` as `role` (a word naming it in its marker).
    pub fn start(command: &mut Command, role: &str) -> std::io::Result<Self> {
        let marker = new_marker(role);
        let child = command
            .env(MARKER_VARIABLE, &marker)
            .process_group(0)
            .kill_on_drop(true)
            .spawn()?;
        // In its own group, the child's pid is its group's id.
        let group = child.id();
        Ok(Self {
            child,
            group,
            marker,
        })
    }

    /// The process.
    pub fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }

    /// The marker this process and everything it started carry.
    pub fn marker(&self) -> &str {
        &self.marker
    }

    /// Kills the process, its group and everything carrying its marker, and reaps it.
    pub async fn kill(&mut self) -> HarnessResult {
        self.end();
        match self.child.wait().await {
            Ok(_status) => Ok(()),
            Err(source) => Err(HarnessError::io("cannot reap a killed process", source)),
        }
    }

    fn end(&mut self) {
        if let Some(group) = self.group.take() {
            signal(&[format!("-{group}")]);
        }
        end_marked(&self.marker);
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        self.end();
    }
}

/// A new marker for a process of `role`, unique in this run.
pub fn new_marker(role: &str) -> String {
    static STARTED: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}{role}-{}-{}",
        run_marker(),
        std::process::id(),
        STARTED.fetch_add(1, Ordering::Relaxed)
    )
}

/// Every live process whose marker starts with `prefix` (a run's or one process's).
pub fn survivors(prefix: &str) -> Vec<Survivor> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let wanted = format!("{MARKER_VARIABLE}={prefix}");
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|name| name.parse::<u32>().ok())
        else {
            continue;
        };
        // Another user's process, or one that just ended: not ours.
        let Ok(environment) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        let marked = environment
            .split(|byte| *byte == 0)
            .any(|variable| variable.starts_with(wanted.as_bytes()));
        if marked {
            let command = std::fs::read(entry.path().join("cmdline"))
                .map(|bytes| {
                    String::from_utf8_lossy(&bytes)
                        .replace('\0', " ")
                        .trim()
                        .to_owned()
                })
                .unwrap_or_default();
            found.push(Survivor { pid, command });
        }
    }
    found
}

/// Kills every live process whose marker starts with `prefix`; returns those it found.
pub fn end_marked(prefix: &str) -> Vec<Survivor> {
    let found = survivors(prefix);
    if !found.is_empty() {
        let pids: Vec<String> = found
            .iter()
            .map(|survivor| survivor.pid.to_string())
            .collect();
        signal(&pids);
    }
    found
}

/// Sends SIGKILL to `targets` (pids, or `-group`), ignoring those already gone.
fn signal(targets: &[String]) {
    let _status = std::process::Command::new("kill")
        .arg("-KILL")
        .arg("--")
        .args(targets)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Waits (bounded) until `condition` holds; whether it held.
    async fn eventually(mut condition: impl FnMut() -> bool) -> bool {
        for _ in 0..100 {
            if condition() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        condition()
    }

    #[tokio::test]
    async fn dropping_a_spawned_process_ends_its_children_even_those_that_left_its_group(
    ) -> std::io::Result<()> {
        // A shell with one child in its group and one in a session of its own (as a browser's
        // helpers may be).
        let mut command = Command::new("sh");
        command.args(["-c", "sleep 300 & setsid sleep 300 & wait"]);
        let spawned = Spawned::start(&mut command, "shell")?;
        let marker = spawned.marker().to_owned();
        assert!(
            eventually(|| survivors(&marker).len() == 3).await,
            "the shell and both sleeps carry the marker: {:?}",
            survivors(&marker)
        );
        drop(spawned);
        assert!(
            eventually(|| survivors(&marker).is_empty()).await,
            "left behind: {:?}",
            survivors(&marker)
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_killed_process_is_reaped_with_everything_it_started() -> HarnessResult {
        let mut command = Command::new("sh");
        command.args(["-c", "sleep 300 & wait"]);
        let mut spawned = Spawned::start(&mut command, "shell")
            .map_err(|source| HarnessError::io("cannot start sh", source))?;
        let marker = spawned.marker().to_owned();
        assert!(eventually(|| survivors(&marker).len() == 2).await);
        spawned.kill().await?;
        assert!(eventually(|| survivors(&marker).is_empty()).await);
        assert!(marker.starts_with(&run_marker()));
        Ok(())
    }
}
