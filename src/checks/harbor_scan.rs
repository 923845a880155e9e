//! `harbor-scan`: Harbor's vulnerability scan of one pushed artifact, and its cosign signature.
//!
//! Counts exist only for a finished, successful scan: queued, running, failed or missing scans
//! leave them unavailable with the scan status as the reason, so a rule on them is
//! inconclusive — a scan not finished is never a pass. Scan the digest that is deployed, not
//! only the tag that was built: `deployed_in: {app: <Argo CD application>}` reads it from what
//! Argo CD reports as running.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::CheckKind;
use super::saas::{canonical, measure_values};
use crate::evidence::{Evidence, Missing};
use crate::model::request::harbor::{Deployed, HarborRequest, ScanRequest};
use crate::model::{Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str =
    "Harbor vulnerability scan summary of an artifact, and whether a cosign signature is attached.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "scan_status",
        description: "Harbor's scan status: Success, Running, Pending, Error, Stopped, or Not Scanned",
    },
    MetricDoc {
        name: "scanned",
        description: "true when the scan status is Success",
    },
    MetricDoc {
        name: "critical",
        description: "critical vulnerabilities (after a successful scan)",
    },
    MetricDoc {
        name: "high",
        description: "high vulnerabilities",
    },
    MetricDoc {
        name: "medium",
        description: "medium vulnerabilities",
    },
    MetricDoc {
        name: "low",
        description: "low and negligible vulnerabilities",
    },
    MetricDoc {
        name: "unknown",
        description: "vulnerabilities of unknown severity",
    },
    MetricDoc {
        name: "total",
        description: "all vulnerabilities",
    },
    MetricDoc {
        name: "fixable",
        description: "vulnerabilities with a fixed version available",
    },
    MetricDoc {
        name: "signed",
        description: "a cosign signature is attached to the artifact (Harbor accessories)",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("critical", "== 0")];

/// Where the deployed image is read from: an Argo CD application.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployedIn {
    /// The `sources` entry of kind `argocd`.
    #[serde(default = "default_argocd")]
    pub source: String,
    /// The Argo CD Application whose `status.summary.images` says what runs.
    pub app: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_namespace: Option<String>,
}

fn default_argocd() -> String {
    "argocd".into()
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HarborScanSpec {
    /// The `sources` entry of kind `harbor`.
    #[serde(default = "default_source")]
    pub source: String,
    /// The Harbor project (`<org>-<project>` on Cloud Pi Native).
    pub project: String,
    /// The repository inside the project; slashes allowed (`team/api`).
    pub repository: String,
    /// A digest (`sha256:...`, preferred) or a tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Scan what an Argo CD application runs: the digest (or tag) of this repository's image in
    /// its `status.summary.images`, instead of `reference`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployed_in: Option<DeployedIn>,
}

fn default_source() -> String {
    "harbor".into()
}

/// `harbor-scan`: one artifact, named by `reference` or by what Argo CD deploys (checked on
/// load: exactly one of the two).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "HarborScanSpec", into = "HarborScanSpec")]
pub struct HarborScanCheck(HarborScanSpec);

impl TryFrom<HarborScanSpec> for HarborScanCheck {
    type Error = String;

    fn try_from(s: HarborScanSpec) -> Result<Self, String> {
        match (&s.reference, &s.deployed_in) {
            (Some(_), Some(_)) => {
                Err("give `reference` or `deployed_in`, not both".into())
            }
            (None, None) => Err(
                "name the artifact: `reference` (a digest or tag) or `deployed_in: {app: <Argo CD application>}`"
                    .into(),
            ),
            _ => Ok(HarborScanCheck(s)),
        }
    }
}

impl From<HarborScanCheck> for HarborScanSpec {
    fn from(c: HarborScanCheck) -> Self {
        c.0
    }
}

impl CheckKind for HarborScanCheck {
    fn need(&self) -> Need {
        let s = &self.0;
        let request = HarborRequest::HarborScan(ScanRequest {
            project: s.project.clone(),
            repository: s.repository.clone(),
            reference: s.reference.clone().unwrap_or_default(),
            deployed: s.deployed_in.as_ref().map(|d| Deployed {
                source: d.source.clone(),
                app: d.app.clone(),
                app_namespace: d.app_namespace.clone(),
            }),
        });
        Need::Query {
            source: s.source.clone(),
            request: canonical(&request),
        }
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        Ok(measure_values(&self.need(), evidence, METRICS, waive)?.0)
    }
}
