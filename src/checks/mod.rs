//! Check kinds: what a rule measures, and from which evidence.
//!
//! A check kind is one module (its parameters, its metrics, its measuring function) and one line
//! in the `check_kinds!` list below; the closed enum it generates is what rule files name in
//! `check.kind`, so a typo fails at load time with its position, not mid-run. A kind never
//! decides pass or fail: it measures named metrics, and the rule's criteria compare them.

pub mod alerts;
pub mod argocd_app;
pub mod check_run;
pub mod coverage;
pub(crate) mod coverage_patch;
pub mod dockerfile;
pub mod document;
pub mod file_contains;
pub mod file_exists;
pub(crate) mod filled;
pub mod findings;
pub mod harbor_scan;
pub mod http_health;
pub mod http_json;
pub mod logs;
pub mod manifests;
pub mod markdown_sections;
pub mod metric;
pub mod pipeline;
pub mod quality_gate;
pub(crate) mod saas;
pub mod sonar_measures;
pub mod tests;
pub mod yaml_fields;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::evidence::{Evidence, Missing, MissingReason, ValueSet};
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::baseline::{Family, comparison_metrics};
use crate::model::{Measurement, MetricDoc, Need, SampleJudge, Waive};

/// What every check kind implements.
pub trait CheckKind {
    fn need(&self) -> Need;
    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing>;
    /// For kinds that sample an endpoint: whether one sample meets the `sampling.until`
    /// criteria; `None` for kinds that do not sample.
    fn sample_meets(&self, _values: &ValueSet) -> Option<bool> {
        None
    }
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
    FileExists = "file-exists" => file_exists::FileExistsCheck,
    Document = "document" => document::DocumentCheck,
    FileContains = "file-contains" => file_contains::FileContainsCheck,
    YamlFields = "yaml-fields" => yaml_fields::YamlFieldsCheck,
    MarkdownSections = "markdown-sections" => markdown_sections::MarkdownSectionsCheck,
    QualityGate = "quality-gate" => quality_gate::QualityGateCheck,
    SonarMeasures = "sonar-measures" => sonar_measures::SonarMeasuresCheck,
    Pipeline = "pipeline" => pipeline::PipelineCheck,
    CheckRun = "check-run" => check_run::CheckRunCheck,
    HarborScan = "harbor-scan" => harbor_scan::HarborScanCheck,
    ArgocdApp = "argocd-app" => argocd_app::ArgocdAppCheck,
    Manifests = "manifests" => manifests::ManifestsCheck,
    Dockerfile = "dockerfile" => dockerfile::DockerfileCheck,
    Metric = "metric" => metric::MetricCheck,
    Logs = "logs" => logs::LogsCheck,
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

    pub fn sample_meets(&self, values: &ValueSet) -> Option<bool> {
        self.inner().sample_meets(values)
    }

    /// Which comparisons with a baseline this kind's results support.
    pub fn family(&self) -> Family {
        family(self.kind_id())
    }

    /// Every metric a criterion of this kind may name: its own, and its comparisons with a
    /// baseline.
    pub fn metric_names(&self) -> Vec<String> {
        let doc = self.doc();
        doc.metrics
            .iter()
            .map(|m| m.name.to_string())
            .chain(
                comparison_metrics(self.family(), doc.metrics)
                    .into_iter()
                    .map(|(n, _)| n),
            )
            .collect()
    }
}

/// Which comparisons with a baseline a kind supports, by id: tests count failures, the kinds
/// whose items are findings count them by severity.
pub fn family(kind_id: &str) -> Family {
    match kind_id {
        "tests" => Family::Failures,
        "findings" | "manifests" | "dockerfile" => Family::Findings,
        _ => Family::Plain,
    }
}

/// The judge fetch uses for sampled requests: the check behind each need decides whether a
/// sample meets its `sampling.until`. A need no sampling check asked for is never met.
pub fn sample_judge<'a>(checks: impl IntoIterator<Item = &'a Check>) -> Arc<SampleJudge> {
    let by_need: BTreeMap<Need, Check> = checks
        .into_iter()
        .filter(|c| c.sample_meets(&ValueSet::default()).is_some())
        .map(|c| (c.need(), c.clone()))
        .collect();
    Arc::new(move |need: &Need, values: &ValueSet| {
        by_need
            .get(need)
            .and_then(|c| c.sample_meets(values))
            .unwrap_or(false)
    })
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
