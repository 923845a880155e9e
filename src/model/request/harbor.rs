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
    /// A digest (`sha256:...`) or a tag; empty when `deployed` says where to read it.
    pub reference: String,
    /// Read the reference from what an Argo CD application reports as deployed
    /// (`status.summary.images`), instead of `reference`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployed: Option<Deployed>,
}

/// An Argo CD application whose deployed image is the one to scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deployed {
    /// The `sources` entry of kind `argocd`.
    pub source: String,
    pub app: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_namespace: Option<String>,
}
