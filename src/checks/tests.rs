//! `tests`: counts from test reports (JUnit XML of any dialect, GitLab test reports).
//!
//! Failed and errored tests can be waived one by one (`match: "com.acme.FlakyTest.*"`); a waived
//! failure leaves the failed counts, not the total.
//!
//! A report in which no test ran (empty, or every test skipped) is no evidence that anything
//! works: it is `empty`, hence inconclusive, never a pass whatever the criteria say.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CheckKind, wrong_kind};
use crate::evidence::{Evidence, Missing, MissingReason, TestOutcome};
use crate::model::{Item, Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str =
    "Test results: totals, failures, errors, skips, flaky tests and pass rate.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "total",
        description: "test cases found",
    },
    MetricDoc {
        name: "executed",
        description: "test cases that ran: total - skipped",
    },
    MetricDoc {
        name: "passed",
        description: "test cases that passed (flaky ones included)",
    },
    MetricDoc {
        name: "failed",
        description: "failed test cases, waived ones excluded",
    },
    MetricDoc {
        name: "errors",
        description: "errored test cases (and suites that failed to load)",
    },
    MetricDoc {
        name: "failed_total",
        description: "failed + errors",
    },
    MetricDoc {
        name: "skipped",
        description: "skipped or disabled test cases",
    },
    MetricDoc {
        name: "flaky",
        description: "test cases that passed only on a rerun",
    },
    MetricDoc {
        name: "pass_rate",
        description: "passed / (total - skipped), in percent",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("failed_total", "== 0"), ("executed", ">= 1")];

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestsCheck {
    /// The `sources` entry holding the test reports.
    #[serde(default = "super::default_source_tests")]
    pub source: String,
}

impl CheckKind for TestsCheck {
    fn need(&self) -> Need {
        Need::Source(self.source.clone())
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let Evidence::Tests(report) = evidence else {
            return Err(wrong_kind(&self.need(), evidence, "test results"));
        };
        let executed = report.total - report.skipped;
        if executed == 0 {
            return Err(Missing::new(
                MissingReason::Empty,
                if report.total == 0 {
                    format!("{} holds no test case: no test ran", self.need())
                } else {
                    format!(
                        "{} lists {} test case(s), all skipped: no test ran",
                        self.need(),
                        report.total
                    )
                },
            ));
        }
        let mut m = Measurement::default();
        let (mut failed, mut errors) = (report.failed, report.errors);
        for case in &report.cases {
            let id = case.id();
            let bad = matches!(case.outcome, TestOutcome::Failed | TestOutcome::Errored);
            if bad && waive(&id) {
                m.waived_items += 1;
                match case.outcome {
                    TestOutcome::Failed => failed -= 1,
                    _ => errors -= 1,
                }
                continue;
            }
            let what = match case.outcome {
                TestOutcome::Failed => "failed",
                TestOutcome::Errored => "error",
                TestOutcome::Flaky => "flaky",
                TestOutcome::Passed | TestOutcome::Skipped => continue,
            };
            m.classes.insert(id.clone(), what.to_string());
            let message = case
                .message
                .as_deref()
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            m.items.push(Item {
                key: id.clone(),
                text: format!("{what} {id}{message}"),
                location: case.location.clone(),
            });
        }
        if report.cases_truncated > 0 {
            m.notes.push(format!(
                "{} more failing cases not listed (report too large)",
                report.cases_truncated
            ));
        }
        m.set("total", report.total);
        m.set("passed", report.passed);
        m.set("failed", failed);
        m.set("errors", errors);
        m.set("failed_total", failed + errors);
        m.set("skipped", report.skipped);
        m.set("flaky", report.flaky);
        m.set("executed", executed);
        m.set_opt(
            "pass_rate",
            (executed > 0).then(|| (executed - failed - errors) as f64 * 100.0 / executed as f64),
            "no test was executed",
        );
        m.notes.extend(report.notes.iter().cloned());
        m.notes.extend(report.rerun_notes());
        Ok(m)
    }
}
