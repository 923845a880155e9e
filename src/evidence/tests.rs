//! Test results, from JUnit XML in all its dialects or a CI server's test report.
//!
//! Counts come from test cases, not from the counts a report declares about itself: producers
//! disagree with themselves often enough (trimmed fixtures, reruns, skipped cases left out) that
//! the declared numbers are only cross-checked, and a disagreement is kept as a note.
//!
//! The same test run more than once (a rerun in one report, or the rerun's report next to the
//! first one in a glob) is one test: see [`reruns`] for how runs combine. Counts are kept in the
//! `reruns: flaky` shape (a test that failed then passed is `flaky`, and `passed` too);
//! [`TestReport::apply_rerun_policy`] turns them into the `reruns: fail` shape once every file of a
//! source has been merged, so the order of files never matters.

mod reruns;

use serde::Serialize;

use super::{Location, MAX_ITEMS};
use reruns::{Contribution, RunState, combine, test_id};
pub use reruns::{RerunPolicy, Reruns};

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
    /// The tests seen so far, so that a rerun combines with its first run (see [`reruns`]).
    #[serde(skip_serializing_if = "Reruns::is_empty")]
    pub reruns: Reruns,
}

fn is_kept(outcome: TestOutcome) -> bool {
    matches!(
        outcome,
        TestOutcome::Failed | TestOutcome::Errored | TestOutcome::Flaky
    )
}

impl TestReport {
    /// An empty report in which a test seen again (same suite, class and name) is a rerun of
    /// the first: for formats whose producers name each test once per run (`go test -json`).
    pub fn folding_reruns() -> TestReport {
        let mut report = TestReport::default();
        report.reruns.fold_within = true;
        report
    }

    /// Counts one run of a test; a failed, errored or flaky one is kept in `cases` (capped). In a
    /// [`folding_reruns`](TestReport::folding_reruns) report, a test already seen is not counted
    /// again: the two runs combine into one outcome (failed then passed is flaky). Otherwise it
    /// is a second test of the same name, and that name is never folded.
    pub fn record(&mut self, case: TestCase) {
        let id = test_id(&case.suite, &case.classname, &case.name);
        let outcome = case.outcome;
        self.apply(id, outcome, Some(case));
    }

    /// Counts a passed or skipped run named by reference, without allocating; the hot path of
    /// streaming parsers, where most tests pass. A failing outcome is recorded like [`record`].
    ///
    /// [`record`]: TestReport::record
    pub fn record_run(&mut self, suite: &str, classname: &str, name: &str, outcome: TestOutcome) {
        if is_kept(outcome) {
            self.record(TestCase {
                suite: suite.to_string(),
                classname: classname.to_string(),
                name: name.to_string(),
                outcome,
                message: None,
                location: None,
            });
        } else {
            self.apply(test_id(suite, classname, name), outcome, None);
        }
    }

    fn apply(&mut self, id: Option<u64>, outcome: TestOutcome, case: Option<TestCase>) {
        // A skipped run is never folded: skipping says nothing about a rerun, and distinct tests
        // that share a name (Ginkgo's Kubernetes suites list some twice) are mostly skipped ones.
        let id = id.filter(|_| outcome != TestOutcome::Skipped);
        let Some(id) = id else {
            self.total += 1;
            self.add(Contribution::of(outcome));
            self.keep(case, outcome);
            return;
        };
        match self.reruns.seen.get(&id).copied() {
            None => {
                self.total += 1;
                self.add(Contribution::of(outcome));
                let index = self.keep(case, outcome);
                let state = RunState {
                    outcome,
                    case: index,
                    ambiguous: false,
                };
                self.reruns.remember(id, state);
            }
            Some(before) if !self.reruns.fold_within || before.ambiguous => {
                self.total += 1;
                self.add(Contribution::of(outcome));
                self.keep(case, outcome);
                if let Some(state) = self.reruns.seen.get_mut(&id) {
                    state.ambiguous = true;
                }
            }
            Some(before) => {
                let after = combine(before.outcome, outcome);
                self.reruns.repeated += 1;
                if after == TestOutcome::Flaky && before.outcome != TestOutcome::Flaky {
                    self.reruns.recovered += 1;
                }
                self.sub(Contribution::of(before.outcome));
                self.add(Contribution::of(after));
                let index = match before.case {
                    Some(i) => {
                        if let Some(kept) = self.cases.get_mut(i as usize) {
                            kept.outcome = after;
                        }
                        Some(i)
                    }
                    None if is_kept(after) => self.keep(case, after),
                    None => None,
                };
                if let Some(state) = self.reruns.seen.get_mut(&id) {
                    state.outcome = after;
                    state.case = index;
                }
            }
        }
    }

    /// Keeps a failing case (with `outcome`) while there is room; its index in `cases`.
    fn keep(&mut self, case: Option<TestCase>, outcome: TestOutcome) -> Option<u32> {
        let mut case = case.filter(|_| is_kept(outcome))?;
        if self.cases.len() < MAX_ITEMS {
            case.outcome = outcome;
            self.cases.push(case);
            u32::try_from(self.cases.len() - 1).ok()
        } else {
            self.cases_truncated += 1;
            None
        }
    }

    fn add(&mut self, c: Contribution) {
        self.passed += c.passed;
        self.failed += c.failed;
        self.errors += c.errors;
        self.skipped += c.skipped;
        self.flaky += c.flaky;
    }

    fn sub(&mut self, c: Contribution) {
        self.passed = self.passed.saturating_sub(c.passed);
        self.failed = self.failed.saturating_sub(c.failed);
        self.errors = self.errors.saturating_sub(c.errors);
        self.skipped = self.skipped.saturating_sub(c.skipped);
        self.flaky = self.flaky.saturating_sub(c.flaky);
    }

    /// Adds another report (the next file of a glob). A test present in both is one test whose
    /// runs combine, as in [`record`](TestReport::record), whatever the order of the files.
    pub fn merge(&mut self, other: TestReport) {
        let TestReport {
            total,
            passed,
            failed,
            errors,
            skipped,
            flaky,
            cases,
            cases_truncated,
            notes,
            reruns,
        } = other;
        self.total += total;
        self.add(Contribution {
            passed,
            failed,
            errors,
            skipped,
            flaky,
        });
        self.cases_truncated += cases_truncated;
        self.reruns.repeated += reruns.repeated;
        self.reruns.recovered += reruns.recovered;
        self.reruns.overflowed |= reruns.overflowed;

        // Their cases: `Some(outcome)` to append with that outcome, `None` to drop.
        let mut plan: Vec<Option<TestOutcome>> = cases.iter().map(|c| Some(c.outcome)).collect();
        let mut new_ids = Vec::new();
        let mut shared = Vec::new();
        for (&id, &theirs) in &reruns.seen {
            match self.reruns.seen.get_mut(&id) {
                None => new_ids.push((id, theirs)),
                Some(ours) if ours.ambiguous || theirs.ambiguous => ours.ambiguous = true,
                Some(ours) => shared.push((id, *ours, theirs)),
            }
        }
        let mut adopt = Vec::new();
        for (id, ours, theirs) in shared {
            let after = combine(ours.outcome, theirs.outcome);
            self.total = self.total.saturating_sub(1);
            self.reruns.repeated += 1;
            if after == TestOutcome::Flaky
                && ours.outcome != TestOutcome::Flaky
                && theirs.outcome != TestOutcome::Flaky
            {
                self.reruns.recovered += 1;
            }
            self.sub(Contribution::of(ours.outcome));
            self.sub(Contribution::of(theirs.outcome));
            self.add(Contribution::of(after));
            let theirs_slot = theirs
                .case
                .and_then(|j| plan.get_mut(j as usize))
                .filter(|slot| slot.is_some());
            let case = match (ours.case, theirs_slot) {
                (Some(i), slot) => {
                    if let Some(kept) = self.cases.get_mut(i as usize) {
                        kept.outcome = after;
                    }
                    if let Some(slot) = slot {
                        *slot = None;
                    }
                    Some(i)
                }
                (None, Some(slot)) => {
                    *slot = Some(after);
                    adopt.push((id, theirs.case));
                    None
                }
                (None, None) => None,
            };
            if let Some(state) = self.reruns.seen.get_mut(&id) {
                state.outcome = after;
                state.case = case;
            }
        }

        let mut moved = vec![None; cases.len()];
        for ((index, case), outcome) in cases.into_iter().enumerate().zip(plan) {
            let Some(outcome) = outcome else { continue };
            if let Some(slot) = moved.get_mut(index) {
                *slot = self.keep(Some(case), outcome);
            }
        }
        let remap = |case: Option<u32>| case.and_then(|j| moved.get(j as usize).copied().flatten());
        for (id, their_case) in adopt {
            let index = remap(their_case);
            if let Some(state) = self.reruns.seen.get_mut(&id) {
                state.case = index;
            }
        }
        for (id, theirs) in new_ids {
            let state = RunState {
                case: remap(theirs.case),
                ..theirs
            };
            self.reruns.remember(id, state);
        }
        self.notes.extend(notes);
    }

    /// Applies a source's `reruns:` policy once all its files are merged. [`RerunPolicy::Flaky`]
    /// keeps the counts as they are; [`RerunPolicy::Fail`] counts every flaky test (one that
    /// failed before it passed, by rerun or Surefire's `flakyFailure`) as failed, and says so.
    pub fn apply_rerun_policy(&mut self, policy: RerunPolicy) {
        if policy == RerunPolicy::Flaky || self.flaky == 0 {
            return;
        }
        let flaky = self.flaky;
        self.failed += flaky;
        self.passed = self.passed.saturating_sub(flaky);
        self.flaky = 0;
        for case in &mut self.cases {
            if case.outcome == TestOutcome::Flaky {
                case.outcome = TestOutcome::Failed;
            }
        }
        for state in self.reruns.seen.values_mut() {
            if state.outcome == TestOutcome::Flaky {
                state.outcome = TestOutcome::Failed;
            }
        }
        self.notes.push(format!(
            "{flaky} test(s) passed only on a rerun and count as failed (reruns: fail)"
        ));
    }

    /// Remarks about reruns (tests folded into one, identities not remembered), for display.
    pub fn rerun_notes(&self) -> Vec<String> {
        self.reruns.notes()
    }

    /// Percentage of executed (non-skipped) tests that passed; `None` when nothing ran.
    pub fn pass_rate(&self) -> Option<f64> {
        let executed = self.total - self.skipped;
        (executed > 0).then(|| self.passed as f64 * 100.0 / executed as f64)
    }
}

#[cfg(test)]
mod rerun_tests;
