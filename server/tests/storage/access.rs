//! Conformance of the access storage.
