//! `quality-gate`: the SonarQube quality gate of a project, branch, pull request, or of the exact
//! analysis the scanner just submitted (`report_task`).
//!
//! The gate's own verdict is the `status` metric (OK, ERROR, WARN on old servers, NONE when no
//! gate was computed — NONE is not OK). Failing conditions are items keyed by metric, so one can
//! be waived (`match: new_duplicated_lines_density`); a waived condition leaves
//! `failed_conditions`, not `status`, which stays SonarQube's word.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::CheckKind;
use super::saas::{WaitSpec, canonical, measure_values, reduce};
use crate::evidence::{Evidence, Missing};
use crate::model::request::sonarqube::{QualityGateRequest, SonarRequest};
use crate::model::{Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str =
    "SonarQube quality gate of a project, branch, pull request or just-submitted analysis.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "status",
        description: "the gate status: OK, ERROR, WARN (SonarQube < 7.6) or NONE (no gate computed)",
    },
    MetricDoc {
        name: "passed",
        description: "true only when status is OK",
    },
    MetricDoc {
        name: "failed_conditions",
        description: "conditions in ERROR, waived ones excluded (unavailable when status is NONE)",
    },
    MetricDoc {
        name: "conditions",
        description: "conditions the gate evaluated",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("status", "== OK")];

/// Four minutes: under gonogo's overall 5-minute deadline, so a slow analysis is reported as
/// such rather than as a missed deadline (SonarQube's own `sonar.qualitygate.timeout` is 5m).
const DEFAULT_WAIT_SECS: u64 = 240;

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QualityGateCheck {
    /// The `sources` entry of kind `sonarqube`.
    #[serde(default = "default_source")]
    pub source: String,
    /// The project key (`sonar.projectKey`); not needed with `report_task`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// A branch (`$CI_COMMIT_REF_NAME`); the main branch when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// A pull/merge request id, instead of `branch`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_request: Option<String>,
    /// The scanner's `report-task.txt` (`target/sonar/report-task.txt`,
    /// `.scannerwork/report-task.txt`): read the gate of exactly that analysis, waiting for
    /// SonarQube to process it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_task: Option<String>,
    /// How long to wait for that processing (`4m` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub wait: Option<WaitSpec>,
}

fn default_source() -> String {
    "sonarqube".into()
}

impl CheckKind for QualityGateCheck {
    fn need(&self) -> Need {
        let request = SonarRequest::QualityGate(QualityGateRequest {
            project: self.project.clone(),
            branch: self.branch.clone(),
            pull_request: self.pull_request.clone(),
            report_task: self.report_task.clone(),
            wait_secs: self.wait.as_ref().map_or(DEFAULT_WAIT_SECS, WaitSpec::secs),
        });
        Need::Query {
            source: self.source.clone(),
            request: canonical(&request),
        }
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let (mut m, waived) = measure_values(&self.need(), evidence, METRICS, waive)?;
        let waived_errors = waived
            .iter()
            .filter(|k| evidence_item_is_error(evidence, k))
            .count();
        reduce(&mut m, "failed_conditions", waived_errors);
        Ok(m)
    }
}

fn evidence_item_is_error(evidence: &Evidence, key: &str) -> bool {
    let Evidence::Values(set) = evidence else {
        return false;
    };
    set.items
        .iter()
        .any(|i| i.key == key && i.text.starts_with("error "))
}
