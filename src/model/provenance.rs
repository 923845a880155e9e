//! Provenance: what was read for each need (location, digest, size, time), so a verdict can
//! be archived as proof of the evidence behind it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Need;
use crate::evidence::{Evidence, Missing};

/// What fetch produced for each need: the evidence, or why there is none.
pub type EvidenceMap = BTreeMap<Need, Result<Evidence, Missing>>;

/// One input read: a file or a URL (without credentials).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputRecord {
    pub location: String,
    /// Digest of the bytes read; for an endpoint query, of the normalised answer (see `digest_of`).
    pub sha256: String,
    pub size: u64,
    /// `answer` when the digest covers gonogo's canonical JSON of an endpoint's answer rather
    /// than the raw response bytes (several requests may make one answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest_of: Option<String>,
    /// RFC 3339 time the input was read.
    pub read_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
}

/// What one need resolved to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceReport {
    pub need: Need,
    /// The report format or endpoint kind used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub inputs: Vec<InputRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What a glob left out (ignored, hidden, VCS paths), when anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}
