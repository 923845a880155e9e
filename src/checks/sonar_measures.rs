//! `sonar-measures`: a fixed, documented set of SonarQube measures of a component, and, for
//! "quality never decreases", their change since the previous analysis and over the last N.
//!
//! The key list is fixed so the metrics are static and documented; ratings are numbers from
//! 1 (A) to 5 (E), so for them a higher number is worse. `<key>_delta` is the latest value minus
//! the previous analysis' value, `<key>_trend` the latest minus the value N analyses back, and
//! `worsened` counts the keys that got worse in their own direction — so `worsened: "== 0"`
//! reads "no measure got worse since the last analysis". The measures of new code (`new_*`)
//! have no delta: their period moves with each analysis. A key worse than before is an item,
//! which a waiver can name (`match: code_smells`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::CheckKind;
use super::saas::{canonical, measure_values, reduce};
use crate::evidence::{Evidence, Missing};
use crate::model::request::sonarqube::{MeasuresRequest, SonarRequest};
use crate::model::{Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str = "SonarQube measures (coverage, issues, ratings, duplication) with their change across analyses.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "coverage",
        description: "overall coverage (lines and conditions), percent",
    },
    MetricDoc {
        name: "new_coverage",
        description: "coverage of new code, percent",
    },
    MetricDoc {
        name: "bugs",
        description: "bugs (reliability issues)",
    },
    MetricDoc {
        name: "vulnerabilities",
        description: "vulnerabilities (security issues)",
    },
    MetricDoc {
        name: "code_smells",
        description: "code smells (maintainability issues)",
    },
    MetricDoc {
        name: "security_hotspots",
        description: "security hotspots",
    },
    MetricDoc {
        name: "security_hotspots_reviewed",
        description: "security hotspots reviewed, percent",
    },
    MetricDoc {
        name: "security_rating",
        description: "security rating, 1 (A) to 5 (E)",
    },
    MetricDoc {
        name: "reliability_rating",
        description: "reliability rating, 1 (A) to 5 (E)",
    },
    MetricDoc {
        name: "sqale_rating",
        description: "maintainability rating, 1 (A) to 5 (E)",
    },
    MetricDoc {
        name: "duplicated_lines_density",
        description: "duplicated lines, percent",
    },
    MetricDoc {
        name: "new_duplicated_lines_density",
        description: "duplicated lines in new code, percent",
    },
    MetricDoc {
        name: "ncloc",
        description: "lines of code",
    },
    MetricDoc {
        name: "violations",
        description: "open issues",
    },
    MetricDoc {
        name: "coverage_delta",
        description: "coverage at the latest analysis minus the previous analysis (higher is better; needs `history`)",
    },
    MetricDoc {
        name: "bugs_delta",
        description: "bugs at the latest analysis minus the previous analysis (lower is better; needs `history`)",
    },
    MetricDoc {
        name: "vulnerabilities_delta",
        description: "vulnerabilities at the latest analysis minus the previous analysis (lower is better; needs `history`)",
    },
    MetricDoc {
        name: "code_smells_delta",
        description: "code_smells at the latest analysis minus the previous analysis (lower is better; needs `history`)",
    },
    MetricDoc {
        name: "security_hotspots_delta",
        description: "security_hotspots at the latest analysis minus the previous analysis (lower is better; needs `history`)",
    },
    MetricDoc {
        name: "security_hotspots_reviewed_delta",
        description: "security_hotspots_reviewed at the latest analysis minus the previous analysis (higher is better; needs `history`)",
    },
    MetricDoc {
        name: "security_rating_delta",
        description: "security_rating at the latest analysis minus the previous analysis (lower is better; needs `history`)",
    },
    MetricDoc {
        name: "reliability_rating_delta",
        description: "reliability_rating at the latest analysis minus the previous analysis (lower is better; needs `history`)",
    },
    MetricDoc {
        name: "sqale_rating_delta",
        description: "sqale_rating at the latest analysis minus the previous analysis (lower is better; needs `history`)",
    },
    MetricDoc {
        name: "duplicated_lines_density_delta",
        description: "duplicated_lines_density at the latest analysis minus the previous analysis (lower is better; needs `history`)",
    },
    MetricDoc {
        name: "ncloc_delta",
        description: "ncloc at the latest analysis minus the previous analysis (neither way is better; needs `history`)",
    },
    MetricDoc {
        name: "violations_delta",
        description: "violations at the latest analysis minus the previous analysis (lower is better; needs `history`)",
    },
    MetricDoc {
        name: "coverage_trend",
        description: "coverage at the latest analysis minus N analyses back, N = `history` (the window's net change)",
    },
    MetricDoc {
        name: "bugs_trend",
        description: "bugs at the latest analysis minus N analyses back, N = `history` (the window's net change)",
    },
    MetricDoc {
        name: "vulnerabilities_trend",
        description: "vulnerabilities at the latest analysis minus N analyses back, N = `history` (the window's net change)",
    },
    MetricDoc {
        name: "code_smells_trend",
        description: "code_smells at the latest analysis minus N analyses back, N = `history` (the window's net change)",
    },
    MetricDoc {
        name: "security_hotspots_trend",
        description: "security_hotspots at the latest analysis minus N analyses back, N = `history` (the window's net change)",
    },
    MetricDoc {
        name: "security_hotspots_reviewed_trend",
        description: "security_hotspots_reviewed at the latest analysis minus N analyses back, N = `history` (the window's net change)",
    },
    MetricDoc {
        name: "security_rating_trend",
        description: "security_rating at the latest analysis minus N analyses back, N = `history` (the window's net change)",
    },
    MetricDoc {
        name: "reliability_rating_trend",
        description: "reliability_rating at the latest analysis minus N analyses back, N = `history` (the window's net change)",
    },
    MetricDoc {
        name: "sqale_rating_trend",
        description: "sqale_rating at the latest analysis minus N analyses back, N = `history` (the window's net change)",
    },
    MetricDoc {
        name: "duplicated_lines_density_trend",
        description: "duplicated_lines_density at the latest analysis minus N analyses back, N = `history` (the window's net change)",
    },
    MetricDoc {
        name: "ncloc_trend",
        description: "ncloc at the latest analysis minus N analyses back, N = `history` (the window's net change)",
    },
    MetricDoc {
        name: "violations_trend",
        description: "violations at the latest analysis minus N analyses back, N = `history` (the window's net change)",
    },
    MetricDoc {
        name: "worsened",
        description: "measures (ncloc aside) worse at the latest analysis than at the previous one, each listed as an item",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("coverage", ">= 80")];

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SonarMeasuresCheck {
    /// The `sources` entry of kind `sonarqube`.
    #[serde(default = "default_source")]
    pub source: String,
    /// The component: a project key (`sonar.projectKey`).
    pub component: String,
    /// A branch; the main branch when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// A pull/merge request id, instead of `branch`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_request: Option<String>,
    /// Analyses of history to read for `_delta`, `_trend` and `worsened` (2 or more; none when
    /// absent, which saves a request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<u32>,
}

fn default_source() -> String {
    "sonarqube".into()
}

impl CheckKind for SonarMeasuresCheck {
    fn need(&self) -> Need {
        let request = SonarRequest::SonarMeasures(MeasuresRequest {
            component: self.component.clone(),
            branch: self.branch.clone(),
            pull_request: self.pull_request.clone(),
            history: self.history.unwrap_or(0),
        });
        Need::Query {
            source: self.source.clone(),
            request: canonical(&request),
        }
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let (mut m, waived) = measure_values(&self.need(), evidence, METRICS, waive)?;
        reduce(&mut m, "worsened", waived.len());
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::request::sonarqube::{MEASURE_KEYS, history_keys};

    #[test]
    fn metrics_follow_the_fetched_keys() {
        let names: Vec<&str> = METRICS.iter().map(|m| m.name).collect();
        for (k, _) in MEASURE_KEYS {
            assert!(names.contains(k), "{k}");
        }
        for (k, _) in history_keys() {
            assert!(names.contains(&format!("{k}_delta").as_str()), "{k}");
            assert!(names.contains(&format!("{k}_trend").as_str()), "{k}");
        }
        assert_eq!(
            names.len(),
            MEASURE_KEYS.len() + 2 * history_keys().count() + 1
        );
    }
}
