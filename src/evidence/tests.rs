//! Test results, from JUnit XML in all its dialects or a CI server's test report.
//!
//! Counts come from test cases, not from the counts a report declares about itself: producers
//! disagree with themselves often enough (trimmed fixtures, reruns, skipped cases left out) that
//! the declared numbers are only cross-checked, and a disagreement is kept as a note.

use serde::Serialize;

use super::{Location, MAX_ITEMS};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TestOutcome {
    Passed,
    Failed,
    Errored,
    Skipped,
    /// Failed at least once, then passed on a rerun.
    Flaky,
}

/// A test case worth showing: failed, errored or flaky.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestCase {
    pub suite: String,
    pub classname: String,
    pub name: String,
    pub outcome: TestOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl TestCase {
    /// The identifier a waiver matches: `classname.name`, or `name` alone.
    pub fn id(&self) -> String {
        if self.classname.is_empty() {
            self.name.clone()
        } else {
            format!("{}.{}", self.classname, self.name)
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TestReport {
    pub total: u64,
    pub passed: u64,
    pub failed: u64,
    pub errors: u64,
    pub skipped: u64,
    pub flaky: u64,
    /// Failed, errored and flaky cases, at most [`MAX_ITEMS`].
    pub cases: Vec<TestCase>,
    /// Cases not kept in `cases` because of the cap.
    pub cases_truncated: u64,
    /// Disagreements between declared and counted totals, and similar remarks.
    pub notes: Vec<String>,
}

impl TestReport {
    pub fn record(&mut self, case: TestCase) {
        self.total += 1;
        match case.outcome {
            TestOutcome::Passed => self.passed += 1,
            TestOutcome::Failed => self.failed += 1,
            TestOutcome::Errored => self.errors += 1,
            TestOutcome::Skipped => self.skipped += 1,
            TestOutcome::Flaky => {
                self.flaky += 1;
                self.passed += 1;
            }
        }
        if matches!(
            case.outcome,
            TestOutcome::Failed | TestOutcome::Errored | TestOutcome::Flaky
        ) {
            if self.cases.len() < MAX_ITEMS {
                self.cases.push(case);
            } else {
                self.cases_truncated += 1;
            }
        }
    }

    pub fn merge(&mut self, other: TestReport) {
        self.total += other.total;
        self.passed += other.passed;
        self.failed += other.failed;
        self.errors += other.errors;
        self.skipped += other.skipped;
        self.flaky += other.flaky;
        self.cases_truncated += other.cases_truncated;
        for case in other.cases {
            if self.cases.len() < MAX_ITEMS {
                self.cases.push(case);
            } else {
                self.cases_truncated += 1;
            }
        }
        self.notes.extend(other.notes);
    }

    /// Percentage of executed (non-skipped) tests that passed; `None` when nothing ran.
    pub fn pass_rate(&self) -> Option<f64> {
        let executed = self.total - self.skipped;
        (executed > 0).then(|| self.passed as f64 * 100.0 / executed as f64)
    }
}
