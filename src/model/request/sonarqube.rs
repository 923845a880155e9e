//! What the `quality-gate` and `sonar-measures` checks ask of a `sonarqube` source, and the
//! measures they read.

use serde::{Deserialize, Serialize};

/// A request from the `quality-gate` and `sonar-measures` checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum SonarRequest {
    QualityGate(QualityGateRequest),
    SonarMeasures(MeasuresRequest),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualityGateRequest {
    pub project: Option<String>,
    pub branch: Option<String>,
    pub pull_request: Option<String>,
    /// The scanner's `report-task.txt`, relative to the project root.
    pub report_task: Option<String>,
    /// How long to wait for the compute-engine task, in seconds.
    pub wait_secs: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuresRequest {
    pub component: String,
    pub branch: Option<String>,
    pub pull_request: Option<String>,
    /// Analyses of history to read (0: none).
    pub history: u32,
}

/// Which way is better for a metric, for `worsened`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    Neither,
}

/// The measures read, with the direction that counts as better. Ratings are 1 (A) to 5 (E).
pub const MEASURE_KEYS: &[(&str, Better)] = &[
    ("coverage", Better::Higher),
    ("new_coverage", Better::Higher),
    ("bugs", Better::Lower),
    ("vulnerabilities", Better::Lower),
    ("code_smells", Better::Lower),
    ("security_hotspots", Better::Lower),
    ("security_hotspots_reviewed", Better::Higher),
    ("security_rating", Better::Lower),
    ("reliability_rating", Better::Lower),
    ("sqale_rating", Better::Lower),
    ("duplicated_lines_density", Better::Lower),
    ("new_duplicated_lines_density", Better::Lower),
    ("ncloc", Better::Neither),
    ("violations", Better::Lower),
];

/// Keys with a history (`new_*` values are relative to a moving period, so their history is not
/// a trend of the code).
pub fn history_keys() -> impl Iterator<Item = (&'static str, Better)> {
    MEASURE_KEYS
        .iter()
        .copied()
        .filter(|(k, _)| !k.starts_with("new_"))
}
