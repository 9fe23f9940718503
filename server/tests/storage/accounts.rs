//! Conformance of the accounts storage.
