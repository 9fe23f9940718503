//! The shared crate's integration tests: documents across devices, versions and time.
//!
//! - `convergence`: property tests of replicas exchanging changes over a lossy network;
//! - `compatibility`: older and newer schema versions reading and editing each other's documents;
//! - `fixtures`: documents written by the first schema versions, kept in `tests/fixtures/`.

mod compatibility;
mod convergence;
mod fixtures;
mod legacy;
