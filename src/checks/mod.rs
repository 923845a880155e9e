//! Check kinds: what a rule measures, and from which evidence.
//!
//! A check kind is one module (its parameters, its metrics, its measuring function) and one line
//! in the `check_kinds!` list below; the closed enum it generates is what rule files name in
//! `check.kind`, so a typo fails at load time with its position, not mid-run. A kind never
//! decides pass or fail: it measures named metrics, and the rule's criteria compare them.

pub mod alerts;
pub mod argocd_app;
pub mod check_run;
pub mod contains;
pub mod coverage;
pub mod dockerfile;
pub mod documents;
pub mod files;
pub mod findings;
pub mod harbor_scan;
pub mod http_health;
pub mod http_json;
pub mod manifests;
pub mod metric;
pub mod pipeline;
pub mod quality_gate;
pub(crate) mod saas;
pub mod sonar_measures;
pub mod tests;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::evidence::{Evidence, Location, Missing, MissingReason, Value};

/// The evidence a check needs; also the key under which `fetch` stores it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "name")]
pub enum Need {
    /// A named source from `gonogo.yaml`.
    Source(String),
    /// Paths in the project matching any of these globs.
    Files(Vec<String>),
    /// One project file, read as text.
    Document(String),
    /// Every project file matching any of these globs, each read as text (manifests,
    /// Dockerfiles); no match is `not found`.
    Documents(Vec<String>),
    /// A rule-specific request to an endpoint source (a PromQL query, a quality-gate lookup):
    /// the source's name and the request as canonical JSON, so equal requests are fetched once.
    Query { source: String, request: String },
}

impl std::fmt::Display for Need {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Need::Source(s) => write!(f, "source `{s}`"),
            Need::Files(p) => write!(f, "files {}", p.join(", ")),
            Need::Document(p) => write!(f, "file {p}"),
            Need::Documents(p) => write!(f, "files {}", p.join(", ")),
            Need::Query { source, request } => write!(f, "source `{source}` query {request}"),
        }
    }
}

/// A detail behind a measurement: a failed test, a finding, a missing field.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Item {
    /// What a waiver's `match` compares against.
    pub key: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Measurement {
    pub metrics: BTreeMap<String, Value>,
    /// Metrics the evidence cannot give, with why (a report without branch data).
    pub unavailable: BTreeMap<String, String>,
    pub items: Vec<Item>,
    /// Items excluded by a waiver's `match`.
    pub waived_items: u64,
    pub notes: Vec<String>,
}

impl Measurement {
    pub fn set(&mut self, metric: &str, value: impl Into<Value>) {
        self.metrics.insert(metric.to_string(), value.into());
    }

    pub fn set_opt(&mut self, metric: &str, value: Option<f64>, why_missing: &str) {
        match value {
            Some(v) => self.set(metric, v),
            None => {
                self.unavailable
                    .insert(metric.to_string(), why_missing.to_string());
            }
        }
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Self {
        Value::Number(n as f64)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// Documentation of a metric, for `gonogo rules` and the generated rule reference.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MetricDoc {
    pub name: &'static str,
    pub description: &'static str,
}

/// Decides whether an item key is waived; records the waiver as used when it is.
pub type Waive<'a> = dyn FnMut(&str) -> bool + 'a;

/// What every check kind implements.
pub trait CheckKind {
    fn need(&self) -> Need;
    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing>;
}

/// Documentation of a check kind.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct KindDoc {
    pub id: &'static str,
    pub summary: &'static str,
    pub metrics: &'static [MetricDoc],
    /// Criteria used when a rule gives no `expect`.
    pub default_expect: &'static [(&'static str, &'static str)],
}

macro_rules! check_kinds {
    ($($variant:ident = $id:literal => $module:ident :: $ty:ident),* $(,)?) => {
        /// The closed set of check kinds, tagged by `kind`.
        #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
        #[serde(tag = "kind")]
        pub enum Check {
            $(#[serde(rename = $id)] $variant($module::$ty),)*
        }

        /// Every check kind with its documentation, in declaration order.
        pub const KINDS: &[KindDoc] = &[$(KindDoc {
            id: $id,
            summary: $module::SUMMARY,
            metrics: $module::METRICS,
            default_expect: $module::DEFAULT_EXPECT,
        }),*];

        impl Check {
            pub fn kind_id(&self) -> &'static str {
                match self { $(Check::$variant(_) => $id,)* }
            }

            fn inner(&self) -> &dyn CheckKind {
                match self { $(Check::$variant(c) => c,)* }
            }
        }
    };
}

check_kinds! {
    Tests = "tests" => tests::TestsCheck,
    Coverage = "coverage" => coverage::CoverageCheck,
    Findings = "findings" => findings::FindingsCheck,
    FileExists = "file-exists" => files::FileExistsCheck,
    FileContains = "file-contains" => contains::FileContainsCheck,
    YamlFields = "yaml-fields" => documents::YamlFieldsCheck,
    MarkdownSections = "markdown-sections" => documents::MarkdownSectionsCheck,
    QualityGate = "quality-gate" => quality_gate::QualityGateCheck,
    SonarMeasures = "sonar-measures" => sonar_measures::SonarMeasuresCheck,
    Pipeline = "pipeline" => pipeline::PipelineCheck,
    CheckRun = "check-run" => check_run::CheckRunCheck,
    HarborScan = "harbor-scan" => harbor_scan::HarborScanCheck,
    ArgocdApp = "argocd-app" => argocd_app::ArgocdAppCheck,
    Manifests = "manifests" => manifests::ManifestsCheck,
    Dockerfile = "dockerfile" => dockerfile::DockerfileCheck,
    Metric = "metric" => metric::MetricCheck,
    Alerts = "alerts" => alerts::AlertsCheck,
    HttpJson = "http-json" => http_json::HttpJsonCheck,
    HttpHealth = "http-health" => http_health::HttpHealthCheck,
}

impl Check {
    pub fn doc(&self) -> &'static KindDoc {
        let id = self.kind_id();
        KINDS
            .iter()
            .find(|k| k.id == id)
            .expect("every variant is listed in KINDS")
    }

    pub fn need(&self) -> Need {
        self.inner().need()
    }

    pub fn measure(
        &self,
        evidence: &Evidence,
        waive: &mut Waive<'_>,
    ) -> Result<Measurement, Missing> {
        self.inner().measure(evidence, waive)
    }
}

/// The error for evidence of the wrong type: a source configured with the wrong kind.
pub fn wrong_kind(need: &Need, got: &Evidence, want: &str) -> Missing {
    Missing::new(
        MissingReason::WrongKind,
        format!(
            "{need} gives {} evidence, but this check needs {want}",
            got.type_name()
        ),
    )
}

pub(crate) fn default_source_tests() -> String {
    "tests".into()
}

pub(crate) fn default_source_coverage() -> String {
    "coverage".into()
}
