//! What the `harbor-scan` check asks of a `harbor` source.

use serde::{Deserialize, Serialize};

/// A request from the `harbor-scan` check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum HarborRequest {
    HarborScan(ScanRequest),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    pub project: String,
    /// Repository inside the project; may hold slashes.
    pub repository: String,
    /// A digest (`sha256:...`) or a tag.
    pub reference: String,
}
