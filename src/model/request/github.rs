//! What the `check-run` check asks of a `github` source.

use serde::{Deserialize, Serialize};

/// A request from the `check-run` check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum GithubRequest {
    CheckRun(CheckRunRequest),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRunRequest {
    /// `owner/name`.
    pub repo: String,
    /// The commit; `$GITHUB_SHA` when absent.
    pub sha: Option<String>,
    /// The check run's name.
    pub name: String,
}
