//! `coverage`: line and branch coverage from Cobertura, JaCoCo, LCOV and friends.
//!
//! A waiver `match` names files (glob) to leave out of the totals, for generated code; it only
//! works when the report has per-file figures, which is said in the notes otherwise.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CheckKind, wrong_kind};
use crate::evidence::{Evidence, Missing};
use crate::model::{Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str = "Code coverage: line and branch percentages and counters.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "line_percent",
        description: "covered lines / coverable lines, in percent",
    },
    MetricDoc {
        name: "branch_percent",
        description: "covered branches / branches, in percent (unavailable when the report has no branch data)",
    },
    MetricDoc {
        name: "lines_covered",
        description: "covered lines",
    },
    MetricDoc {
        name: "lines_total",
        description: "coverable lines",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("line_percent", ">= 80")];

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoverageCheck {
    /// The `sources` entry holding the coverage reports.
    #[serde(default = "super::default_source_coverage")]
    pub source: String,
}

impl CheckKind for CoverageCheck {
    fn need(&self) -> Need {
        Need::Source(self.source.clone())
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let Evidence::Coverage(report) = evidence else {
            return Err(wrong_kind(&self.need(), evidence, "coverage"));
        };
        let mut m = Measurement::default();
        let (mut lc, mut lt) = (report.lines_covered, report.lines_total);
        let (mut bc, mut bt) = (report.branches_covered, report.branches_total);
        for file in &report.files {
            if waive(&file.path) {
                m.waived_items += 1;
                lc = lc.saturating_sub(file.lines_covered);
                lt = lt.saturating_sub(file.lines_total);
                bc = bc.saturating_sub(file.branches_covered);
                bt = bt.saturating_sub(file.branches_total);
            }
        }
        m.set("lines_covered", lc);
        m.set("lines_total", lt);
        m.set_opt(
            "line_percent",
            (lt > 0).then(|| lc as f64 * 100.0 / lt as f64),
            "the report has no coverable lines",
        );
        m.set_opt(
            "branch_percent",
            (report.has_branches && bt > 0).then(|| bc as f64 * 100.0 / bt as f64),
            "the report has no branch data",
        );
        m.notes.extend(report.notes.iter().cloned());
        Ok(m)
    }
}
