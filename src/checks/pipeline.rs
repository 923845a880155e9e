//! `pipeline`: the latest GitLab pipeline of a commit (the secondary chain's verdict on it).
//!
//! `succeeded` exists only once the pipeline has finished: a running, pending or manual
//! pipeline leaves it unavailable, so a rule on it is inconclusive rather than a pass. Do not
//! point it at the pipeline gonogo itself runs in: that one is still running.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::CheckKind;
use super::saas::{canonical, measure_values};
use crate::evidence::{Evidence, Missing};
use crate::model::request::gitlab::{GitlabRequest, PipelineRequest};
use crate::model::{Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str = "Status of the latest GitLab pipeline of a commit.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "status",
        description: "GitLab's pipeline status: created, pending, running, success, failed, canceled, skipped, manual, scheduled...",
    },
    MetricDoc {
        name: "succeeded",
        description: "true for success, false for failed, canceled or skipped; unavailable until the pipeline finishes",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("succeeded", "== true")];

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PipelineCheck {
    /// The `sources` entry of kind `gitlab`.
    #[serde(default = "default_source")]
    pub source: String,
    /// Project id or full path (`group/app`).
    pub project: String,
    /// The commit (`$CI_COMMIT_SHA` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    /// Only pipelines of this branch or tag.
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub git_ref: Option<String>,
}

fn default_source() -> String {
    "gitlab".into()
}

impl CheckKind for PipelineCheck {
    fn need(&self) -> Need {
        let request = GitlabRequest::Pipeline(PipelineRequest {
            project: self.project.clone(),
            sha: self.sha.clone(),
            git_ref: self.git_ref.clone(),
        });
        Need::Query {
            source: self.source.clone(),
            request: canonical(&request),
        }
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        Ok(measure_values(&self.need(), evidence, METRICS, waive)?.0)
    }
}
