//! The relay's panic guards (`catch_unwind` around Automerge, panicked tasks answered as errors)
//! hold only in a build that unwinds. `server/src/ingest.rs` refuses to compile under
//! `panic = "abort"`; these tests check, cheaply, that every profile the server is built with
//! unwinds, and that the client's size-tuned abort profile stays the client's (Trunk's).

use std::collections::BTreeMap;
use std::path::Path;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The `[profile.NAME]` sections of the workspace manifest: each key and its raw value.
fn profiles() -> Result<BTreeMap<String, BTreeMap<String, String>>, std::io::Error> {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml"))?;
    let mut profiles: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            current = line
                .strip_prefix("[profile.")
                .and_then(|rest| rest.strip_suffix(']'))
                .filter(|name| !name.contains('.'))
                .map(str::to_owned);
            if let Some(name) = &current {
                profiles.entry(name.clone()).or_default();
            }
        } else if let (Some(name), Some((key, value))) = (&current, line.split_once('=')) {
            if !line.starts_with('#') {
                profiles.entry(name.clone()).or_default().insert(
                    key.trim().to_owned(),
                    value.trim().trim_matches('"').to_owned(),
                );
            }
        }
    }
    Ok(profiles)
}

/// `key` of `profile`, following `inherits` (Cargo's built-in profiles end the chain: `dev`,
/// `test` and `release`, `bench` unwind by default).
fn setting(
    profiles: &BTreeMap<String, BTreeMap<String, String>>,
    profile: &str,
    key: &str,
) -> Option<String> {
    let mut name = profile.to_owned();
    for _ in 0..8 {
        let section = profiles.get(&name)?;
        if let Some(value) = section.get(key) {
            return Some(value.clone());
        }
        name = match (section.get("inherits"), name.as_str()) {
            (Some(parent), _) => parent.clone(),
            (None, "bench") => "release".to_owned(),
            (None, "test") => "dev".to_owned(),
            (None, _) => return None,
        };
    }
    None
}

#[test]
fn every_profile_the_server_is_built_with_unwinds() -> TestResult {
    let profiles = profiles()?;
    assert!(
        profiles.contains_key("release"),
        "no [profile.release] found"
    );
    for profile in ["dev", "test", "release", "server-release", "bench"] {
        let panic = setting(&profiles, profile, "panic");
        assert_ne!(
            panic.as_deref(),
            Some("abort"),
            "`cargo build --profile {profile} -p server` would abort on panic and lose the guards"
        );
    }
    Ok(())
}

#[test]
fn trunk_builds_the_client_with_its_own_size_tuned_abort_profile() -> TestResult {
    let profiles = profiles()?;
    let wasm = |key| setting(&profiles, "wasm-release", key);
    assert_eq!(wasm("panic").as_deref(), Some("abort"));
    assert_eq!(wasm("opt-level").as_deref(), Some("z"));
    assert_eq!(wasm("lto").as_deref(), Some("true"));
    assert_eq!(wasm("codegen-units").as_deref(), Some("1"));
    let index = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../client/index.html"),
    )?;
    let rust_link = index
        .lines()
        .find(|line| line.contains("rel=\"rust\""))
        .ok_or("client/index.html has no rust link")?;
    assert!(
        rust_link.contains("data-cargo-profile-release=\"wasm-release\""),
        "Trunk would build the client with `release`: {rust_link}"
    );
    Ok(())
}
