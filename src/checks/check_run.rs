//! `check-run`: the conclusion of another GitHub check run on a commit (a required scan, a
//! deployment check), read through the checks API.
//!
//! `succeeded` follows GitHub's required-check semantics (success, neutral and skipped pass);
//! until the run has completed, `conclusion` and `succeeded` are unavailable, so a rule on them
//! is inconclusive, never a pass. When a check was re-run, the latest run counts.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::CheckKind;
use super::saas::{canonical, measure_values};
use crate::evidence::{Evidence, Missing};
use crate::model::request::github::{CheckRunRequest, GithubRequest};
use crate::model::{Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str = "Conclusion of a GitHub check run on a commit.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "status",
        description: "queued, in_progress, completed (or waiting, requested, pending)",
    },
    MetricDoc {
        name: "conclusion",
        description: "success, failure, neutral, cancelled, skipped, timed_out, action_required, stale; once completed",
    },
    MetricDoc {
        name: "succeeded",
        description: "true when the conclusion is success, neutral or skipped; once completed",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("succeeded", "== true")];

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRunCheck {
    /// The `sources` entry of kind `github`.
    #[serde(default = "default_source")]
    pub source: String,
    /// `owner/name`.
    pub repo: String,
    /// The commit (`$GITHUB_SHA` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    /// The check run's name, as shown on the commit (a job name for Actions).
    pub name: String,
}

fn default_source() -> String {
    "github".into()
}

impl CheckKind for CheckRunCheck {
    fn need(&self) -> Need {
        let request = GithubRequest::CheckRun(CheckRunRequest {
            repo: self.repo.clone(),
            sha: self.sha.clone(),
            name: self.name.clone(),
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
