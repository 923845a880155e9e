//! What the `pipeline` check asks of a `gitlab` source.

use serde::{Deserialize, Serialize};

/// A request from the `pipeline` check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum GitlabRequest {
    Pipeline(PipelineRequest),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineRequest {
    /// Project id or full path.
    pub project: String,
    /// The commit; `$CI_COMMIT_SHA` when absent.
    pub sha: Option<String>,
    /// Only pipelines of this branch or tag.
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
}
