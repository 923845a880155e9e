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
use reruns::{Contribution, MAX_TRACKED, RunState, combine, test_id};
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
    /// The tests seen so far, so that a rerun combines with its first run (see the module docs).
    #[serde(skip_serializing_if = "Reruns::is_empty")]
    pub reruns: Reruns,
    /// When the report says it was produced (JUnit `timestamp`), the oldest across files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub produced_at: Option<jiff::Timestamp>,
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
            self.count(outcome);
            self.keep(case, outcome);
            return;
        };
        let fold = self.reruns.fold_within;
        match self.reruns.failing.get(&id).copied() {
            Some(before) if fold && !before.ambiguous => self.fold(id, before, outcome, case),
            Some(_) if is_kept(outcome) => {
                // A second failing test of this name in a report that does not fold.
                self.count(outcome);
                self.keep(case, outcome);
                self.mark_ambiguous(id);
            }
            _ if outcome == TestOutcome::Passed => {
                self.count(outcome);
                self.reruns.push_pass(id);
            }
            _ => {
                self.count(outcome);
                let index = self.keep(case, outcome);
                let state = RunState {
                    outcome,
                    case: index,
                    ambiguous: false,
                };
                self.reruns.failing.insert(id, state);
            }
        }
        if outcome != TestOutcome::Passed && self.reruns.failing.contains_key(&id) {
            self.reruns.settled = false;
        }
    }

    /// Counts `n` failed or errored tests a report declares but does not list (a suite saying
    /// `failures="3"` over cases that show one): the larger figure counts, so a report cannot pass
    /// by leaving failures out. `case` stands for them all in the verdict; it has no identity,
    /// so it never folds with a rerun.
    pub fn record_unlisted(&mut self, case: TestCase, n: u64) {
        if n == 0 || !matches!(case.outcome, TestOutcome::Failed | TestOutcome::Errored) {
            return;
        }
        let outcome = case.outcome;
        self.total = self.total.saturating_add(n);
        let mut c = Contribution::of(outcome);
        c.failed = c.failed.saturating_mul(n);
        c.errors = c.errors.saturating_mul(n);
        self.add(c);
        self.keep(Some(case), outcome);
    }

    fn count(&mut self, outcome: TestOutcome) {
        self.total = self.total.saturating_add(1);
        self.add(Contribution::of(outcome));
    }

    fn mark_ambiguous(&mut self, id: u64) {
        if let Some(state) = self.reruns.failing.get_mut(&id) {
            state.ambiguous = true;
        }
    }

    /// Folds a new run (`outcome`, not yet counted) into the failing identity `id`.
    fn fold(&mut self, id: u64, before: RunState, outcome: TestOutcome, case: Option<TestCase>) {
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
            None => self.keep(case, after),
        };
        if let Some(state) = self.reruns.failing.get_mut(&id) {
            state.outcome = after;
            state.case = index;
        }
    }

    /// Sorts and deduplicates the passing identities, and resolves what appending could not: a
    /// pass seen twice (one test run twice in a report that folds, else two tests sharing a
    /// name) and a test both passing and failing (a rerun in a report that folds, else two
    /// tests). [`merge`](TestReport::merge) settles both sides; a parser whose report folds
    /// settles it when it finishes. Idempotent.
    pub fn settle_reruns(&mut self) {
        if self.reruns.settled {
            return;
        }
        let fold = self.reruns.fold_within;
        let passes = &mut self.reruns.passes;
        passes.sort_unstable();
        let mut repeats = 0u64;
        let mut shared = Vec::new();
        let mut write = 0;
        for read in 0..passes.len() {
            let id = passes[read];
            if write > 0 && passes[write - 1] == id {
                repeats += 1;
                if shared.last() != Some(&id) {
                    shared.push(id);
                }
            } else {
                passes[write] = id;
                write += 1;
            }
        }
        passes.truncate(write);
        if fold {
            self.total = self.total.saturating_sub(repeats);
            self.passed = self.passed.saturating_sub(repeats);
            self.reruns.repeated += repeats;
        } else {
            self.reruns.ambiguous.extend(shared);
        }
        let mut both: Vec<(u64, RunState)> = self
            .reruns
            .failing
            .iter()
            .filter(|(id, _)| self.reruns.passes.binary_search(id).is_ok())
            .map(|(id, state)| (*id, *state))
            .collect();
        both.sort_unstable_by_key(|(id, _)| *id);
        for (id, state) in both {
            if fold && !state.ambiguous {
                // Passed, then failed: one test, flaky. The pass was counted on its own.
                self.fold(id, state, TestOutcome::Passed, None);
                self.total = self.total.saturating_sub(1);
                self.sub(Contribution::of(TestOutcome::Passed));
                if let Ok(at) = self.reruns.passes.binary_search(&id) {
                    self.reruns.passes.remove(at);
                }
            } else {
                self.mark_ambiguous(id);
                self.reruns.ambiguous.push(id);
            }
        }
        self.reruns.ambiguous.sort_unstable();
        self.reruns.ambiguous.dedup();
        self.reruns.settled = true;
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
        self.passed = self.passed.saturating_add(c.passed);
        self.failed = self.failed.saturating_add(c.failed);
        self.errors = self.errors.saturating_add(c.errors);
        self.skipped = self.skipped.saturating_add(c.skipped);
        self.flaky = self.flaky.saturating_add(c.flaky);
    }

    fn sub(&mut self, c: Contribution) {
        self.passed = self.passed.saturating_sub(c.passed);
        self.failed = self.failed.saturating_sub(c.failed);
        self.errors = self.errors.saturating_sub(c.errors);
        self.skipped = self.skipped.saturating_sub(c.skipped);
        self.flaky = self.flaky.saturating_sub(c.flaky);
    }

    /// Adds another report (the next file of a glob). A test present in both is one test whose
    /// runs combine, as in a report that folds, whatever the order of the files; a name that
    /// stands for two tests in either report is never combined.
    pub fn merge(&mut self, mut other: TestReport) {
        self.settle_reruns();
        other.settle_reruns();
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
            reruns: theirs,
            produced_at,
        } = other;
        self.produced_at = super::older(self.produced_at, produced_at);
        self.total = self.total.saturating_add(total);
        self.add(Contribution {
            passed,
            failed,
            errors,
            skipped,
            flaky,
        });
        self.cases_truncated = self.cases_truncated.saturating_add(cases_truncated);
        self.reruns.repeated += theirs.repeated;
        self.reruns.recovered += theirs.recovered;
        self.reruns.overflowed |= theirs.overflowed;

        // Their cases: `Some(outcome)` to append with that outcome, `None` to drop.
        let mut plan: Vec<Option<TestOutcome>> = cases.iter().map(|c| Some(c.outcome)).collect();
        let mut added: Vec<(u64, RunState)> = Vec::new();
        let mut adopted: Vec<(u64, Option<u32>)> = Vec::new();
        let mut no_longer_passing: Vec<u64> = Vec::new();
        let mut ambiguous: Vec<u64> = theirs.ambiguous.clone();

        let mut their_failing: Vec<(u64, RunState)> =
            theirs.failing.iter().map(|(id, s)| (*id, *s)).collect();
        their_failing.sort_unstable_by_key(|(id, _)| *id);
        for (id, t) in their_failing {
            if let Some(ours) = self.reruns.failing.get(&id).copied() {
                if ours.ambiguous || t.ambiguous {
                    self.mark_ambiguous(id);
                    continue;
                }
                let after = self.combine_counted(ours.outcome, t.outcome);
                let case = match ours.case {
                    Some(i) => {
                        if let Some(kept) = self.cases.get_mut(i as usize) {
                            kept.outcome = after;
                        }
                        if let Some(slot) = t.case.and_then(|j| plan.get_mut(j as usize)) {
                            *slot = None;
                        }
                        Some(i)
                    }
                    None => {
                        if let Some(slot) = t.case.and_then(|j| plan.get_mut(j as usize)) {
                            *slot = Some(after);
                            adopted.push((id, t.case));
                        }
                        None
                    }
                };
                if let Some(state) = self.reruns.failing.get_mut(&id) {
                    state.outcome = after;
                    state.case = case;
                }
            } else if self.reruns.has_pass(id) {
                if t.ambiguous || self.reruns.is_ambiguous_pass(id) {
                    ambiguous.push(id);
                    added.push((
                        id,
                        RunState {
                            ambiguous: true,
                            ..t
                        },
                    ));
                    continue;
                }
                let after = self.combine_counted(TestOutcome::Passed, t.outcome);
                no_longer_passing.push(id);
                if let Some(slot) = t.case.and_then(|j| plan.get_mut(j as usize)) {
                    *slot = Some(after);
                }
                added.push((
                    id,
                    RunState {
                        outcome: after,
                        ..t
                    },
                ));
            } else {
                added.push((id, t));
            }
        }

        let mut new_passes = Vec::new();
        for &id in &theirs.passes {
            if let Some(ours) = self.reruns.failing.get(&id).copied() {
                if ours.ambiguous || theirs.is_ambiguous_pass(id) {
                    self.mark_ambiguous(id);
                    ambiguous.push(id);
                    new_passes.push(id);
                    continue;
                }
                let after = self.combine_counted(ours.outcome, TestOutcome::Passed);
                if let Some(kept) = ours.case.and_then(|i| self.cases.get_mut(i as usize)) {
                    kept.outcome = after;
                }
                if let Some(state) = self.reruns.failing.get_mut(&id) {
                    state.outcome = after;
                }
            } else if self.reruns.has_pass(id) && !no_longer_passing.contains(&id) {
                if self.reruns.is_ambiguous_pass(id) || theirs.is_ambiguous_pass(id) {
                    ambiguous.push(id);
                    continue;
                }
                self.total = self.total.saturating_sub(1);
                self.sub(Contribution::of(TestOutcome::Passed));
                self.reruns.repeated += 1;
            } else {
                new_passes.push(id);
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
        for (id, their_case) in adopted {
            if let Some(state) = self.reruns.failing.get_mut(&id) {
                state.case = remap(their_case);
            }
        }
        for (id, state) in added {
            let state = RunState {
                case: remap(state.case),
                ..state
            };
            self.reruns.failing.insert(id, state);
        }

        let ours = std::mem::take(&mut self.reruns.passes);
        let mut merged = Vec::with_capacity((ours.len() + new_passes.len()).min(MAX_TRACKED));
        let (mut a, mut b) = (
            ours.into_iter().peekable(),
            new_passes.into_iter().peekable(),
        );
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x <= y => a.next(),
                (Some(_), Some(_)) | (None, Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, None) => break,
            };
            let Some(id) = next else { break };
            if no_longer_passing.contains(&id) || merged.last() == Some(&id) {
                continue;
            }
            if merged.len() < MAX_TRACKED {
                merged.push(id);
            } else {
                self.reruns.overflowed = true;
                break;
            }
        }
        self.reruns.passes = merged;
        self.reruns.ambiguous.extend(ambiguous);
        self.reruns.ambiguous.sort_unstable();
        self.reruns.ambiguous.dedup();
        self.reruns.settled = true;
        self.notes.extend(notes);
    }

    /// Combines two counted runs of one test into one: the counts lose both and gain the result.
    fn combine_counted(&mut self, first: TestOutcome, second: TestOutcome) -> TestOutcome {
        let after = combine(first, second);
        self.total = self.total.saturating_sub(1);
        self.reruns.repeated += 1;
        if after == TestOutcome::Flaky
            && first != TestOutcome::Flaky
            && second != TestOutcome::Flaky
        {
            self.reruns.recovered += 1;
        }
        self.sub(Contribution::of(first));
        self.sub(Contribution::of(second));
        self.add(Contribution::of(after));
        after
    }

    /// Applies a source's `reruns:` policy once all its files are merged. [`RerunPolicy::Flaky`]
    /// keeps the counts as they are; [`RerunPolicy::Fail`] counts every flaky test (one that
    /// failed before it passed, by rerun or Surefire's `flakyFailure`) as failed, and says so.
    pub fn apply_rerun_policy(&mut self, policy: RerunPolicy) {
        if policy == RerunPolicy::Flaky || self.flaky == 0 {
            return;
        }
        let flaky = self.flaky;
        self.failed = self.failed.saturating_add(flaky);
        self.passed = self.passed.saturating_sub(flaky);
        self.flaky = 0;
        for case in &mut self.cases {
            if case.outcome == TestOutcome::Flaky {
                case.outcome = TestOutcome::Failed;
            }
        }
        for state in self.reruns.failing.values_mut() {
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
