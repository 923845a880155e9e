//! `coverage`: line and branch coverage from Cobertura, JaCoCo, LCOV and friends.
//!
//! A waiver `match` names files (glob) to leave out of the totals, for generated code; it only
//! works when the report has per-file figures, which is said in the notes otherwise.
//!
//! Given a change (a diff), it also measures patch coverage, the coverage of the added and
//! changed lines: `patch_*` metrics, computed in [`super::coverage_patch`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CheckKind, wrong_kind};
use crate::evidence::{Evidence, FileCoverage, Missing, Patch};
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
    MetricDoc {
        name: "patch_line_percent",
        description: "covered / coverable lines among the lines a change added or changed, in percent (needs --diff or --diff-base; unavailable when no changed line is coverable, see docs/patch-coverage.md)",
    },
    MetricDoc {
        name: "patch_lines_total",
        description: "added or changed lines the coverage report knows as coverable (needs --diff or --diff-base)",
    },
    MetricDoc {
        name: "patch_lines_covered",
        description: "added or changed lines the coverage report shows as covered (needs --diff or --diff-base)",
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
        self.measure_with(evidence, waive, None)
    }
}

impl CoverageCheck {
    /// [`CheckKind::measure`], and the patch metrics when a change is given: the diff and the
    /// project root as an absolute path (see [`super::coverage_patch`]).
    pub fn measure_with(
        &self,
        evidence: &Evidence,
        waive: &mut Waive<'_>,
        patch: Option<(&Patch, &str)>,
    ) -> Result<Measurement, Missing> {
        let Evidence::Coverage(report) = evidence else {
            return Err(wrong_kind(&self.need(), evidence, "coverage"));
        };
        let mut m = Measurement::default();
        let (mut lc, mut lt) = (report.lines_covered, report.lines_total);
        let (mut bc, mut bt) = (report.branches_covered, report.branches_total);
        let mut waived_files = std::collections::HashSet::new();
        for file in &report.files {
            if waive(&file.path) {
                waived_files.insert(file.path.as_str());
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
        if let Some((patch, root)) = patch {
            let waived = |f: &FileCoverage| waived_files.contains(f.path.as_str());
            super::coverage_patch::measure(report, patch, root, &waived, &mut m);
        }
        Ok(m)
    }
}
