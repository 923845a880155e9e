//! `harbor-scan`: Harbor's vulnerability scan of one pushed artifact, and its cosign signature.
//!
//! Counts exist only for a finished, successful scan: queued, running, failed or missing scans
//! leave them unavailable with the scan status as the reason, so a rule on them is
//! inconclusive — a scan not finished is never a pass. Scan the digest that is deployed, not
//! only the tag that was built.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::CheckKind;
use super::saas::{canonical, measure_values};
use crate::evidence::{Evidence, Missing};
use crate::model::request::harbor::{HarborRequest, ScanRequest};
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

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HarborScanCheck {
    /// The `sources` entry of kind `harbor`.
    #[serde(default = "default_source")]
    pub source: String,
    /// The Harbor project (`<org>-<project>` on Cloud Pi Native).
    pub project: String,
    /// The repository inside the project; slashes allowed (`team/api`).
    pub repository: String,
    /// A digest (`sha256:...`, preferred) or a tag.
    pub reference: String,
}

fn default_source() -> String {
    "harbor".into()
}

impl CheckKind for HarborScanCheck {
    fn need(&self) -> Need {
        let request = HarborRequest::HarborScan(ScanRequest {
            project: self.project.clone(),
            repository: self.repository.clone(),
            reference: self.reference.clone(),
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
