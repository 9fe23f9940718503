//! What the benchmarks share: their settings from the environment, the probe that times a page
//! from one action to a set of conditions with the Long Tasks API, and where reports go.
//!
//! Benchmarks measure; they assert nothing about speed. Nothing here starts a process.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use crate::{workspace_root, HarnessError, HarnessResult};

/// How many demo accounts a benchmark's workspace holds: `CARNET_BENCH_ACCOUNTS`, or 10,000.
pub fn accounts_from_env() -> usize {
    std::env::var("CARNET_BENCH_ACCOUNTS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(10_000)
}

/// Whether `cargo bench <filter>` asked for other benchmarks than `name` (`cargo bench` passes
/// its own `--` flags, which are not filters).
pub fn filtered_out(name: &str) -> bool {
    std::env::args()
        .skip(1)
        .filter(|argument| !argument.starts_with("--"))
        .any(|filter| !name.contains(filter.as_str()))
}

/// One condition a [`probe`] waits for: a name and a JavaScript expression that turns true once.
#[derive(Clone, Copy, Debug)]
pub struct Milestone<'a> {
    /// The key its time is reported under (`<name>_ms`).
    pub name: &'a str,
    /// A JavaScript expression, evaluated in the page every 10 ms until it is true.
    pub reached: &'a str,
}

/// A script for [`crate::Device::evaluate`] that evaluates `start` (an expression; a promise it
/// returns that rejects fails the probe), then checks every
/// milestone every 10 ms, and resolves once the last one is reached with an object holding
/// `<milestone>_ms` (milliseconds after `start`) for each milestone, and the long tasks (over
/// 50 ms, on the page's thread) that began between `start` and the last milestone:
/// `long_tasks` (a count), `longest_task_ms` and `long_tasks_ms` (their total duration).
///
/// The observer is buffered, so tasks the page ran before the probe was installed are seen too
/// (and left out by their start time). A milestone is timed when a check first sees it: within
/// 10 ms, or after the long task that delayed the check. The page must not navigate meanwhile.
pub fn probe(start: &str, milestones: &[Milestone<'_>]) -> String {
    probe_within(start, milestones, None)
}

/// Like [`probe`], but gives up once `cap` has passed since `start` without the last milestone:
/// it then resolves with the milestones reached by then, `capped_ms` (the cap, in milliseconds)
/// and the long tasks that began within the cap. Without a cap, it is [`probe`].
pub fn probe_within(start: &str, milestones: &[Milestone<'_>], cap: Option<Duration>) -> String {
    let cap = cap.map_or_else(
        || "null".to_owned(),
        |cap| format!("{}", cap.as_secs_f64() * 1_000.0),
    );
    let checks: String = milestones
        .iter()
        .map(|milestone| {
            format!(
                "if (!('{name}_ms' in times) && ({reached})) times['{name}_ms'] = now - began;\n",
                name = milestone.name,
                reached = milestone.reached,
            )
        })
        .collect();
    let last = milestones
        .last()
        .map(|milestone| milestone.name)
        .unwrap_or("");
    format!(
        "return new Promise((resolve, reject) => {{
           const tasks = [];
           const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries()));
           observer.observe({{ type: 'longtask', buffered: true }});
           const times = {{}};
           const cap = {cap};
           const began = performance.now();
           let timer = null;
           const check = () => {{
             const now = performance.now();
             try {{
               {checks}
             }} catch (error) {{
               clearInterval(timer);
               observer.disconnect();
               reject(String(error));
               return;
             }}
             const reached = '{last}_ms' in times;
             if (reached || (cap !== null && now - began >= cap)) {{
               clearInterval(timer);
               if (!reached) times.capped_ms = cap;
               const end = reached ? times['{last}_ms'] : cap;
               // The observer reports a task once it has ended: let the last ones arrive.
               setTimeout(() => {{
                 observer.disconnect();
                 const during = tasks.filter((task) =>
                   task.startTime >= began && task.startTime <= began + end);
                 resolve(Object.assign(times, {{
                   long_tasks: during.length,
                   longest_task_ms: Math.max(0, ...during.map((task) => task.duration)),
                   long_tasks_ms: during.reduce((sum, task) => sum + task.duration, 0),
                 }}));
               }}, 200);
             }}
           }};
           timer = setInterval(check, 10);
           Promise.resolve()
             .then(() => ({start}))
             .catch((error) => {{ clearInterval(timer); observer.disconnect(); reject(String(error)); }});
         }});"
    )
}

/// The number under `key` in a probe's result (NaN when it is missing).
pub fn number(result: &Value, key: &str) -> f64 {
    result.get(key).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

/// Writes `report` as `target/bench/<name>.json`; returns its path.
pub fn write_report(name: &str, report: &Value) -> HarnessResult<PathBuf> {
    let directory = workspace_root().join("target/bench");
    std::fs::create_dir_all(&directory)
        .map_err(|source| HarnessError::io("cannot create target/bench", source))?;
    let path = directory.join(format!("{name}.json"));
    std::fs::write(&path, report.to_string())
        .map_err(|source| HarnessError::io("cannot write the report", source))?;
    Ok(path)
}
