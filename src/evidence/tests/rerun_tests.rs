use super::reruns::{MAX_TRACKED, test_id};
use super::*;

fn run(name: &str, outcome: TestOutcome) -> TestCase {
    TestCase {
        suite: "S".into(),
        classname: "C".into(),
        name: name.into(),
        outcome,
        message: Some(format!("{name} {outcome:?}")),
        location: None,
    }
}

fn counts(r: &TestReport) -> [u64; 6] {
    [r.total, r.passed, r.failed, r.errors, r.skipped, r.flaky]
}

fn report(runs: &[(&str, TestOutcome)]) -> TestReport {
    let mut r = TestReport::folding_reruns();
    for (name, outcome) in runs {
        r.record(run(name, *outcome));
    }
    r.settle_reruns();
    r
}

use TestOutcome::{Errored, Failed, Flaky, Passed, Skipped};

#[test]
fn failed_then_passed_is_flaky_and_passed() {
    let r = report(&[("a", Failed), ("b", Passed), ("a", Passed)]);
    assert_eq!(counts(&r), [2, 2, 0, 0, 0, 1]);
    assert_eq!(r.cases.len(), 1);
    assert_eq!(r.cases[0].outcome, Flaky);
    assert_eq!(r.cases[0].message.as_deref(), Some("a Failed"));
    assert_eq!(
        r.rerun_notes(),
        [
            "1 repeated run(s) of the same test (suite, class and name) counted once; 1 failed and then passed (flaky)"
        ]
    );
}

#[test]
fn failing_every_time_is_failed_once() {
    let r = report(&[("a", Failed), ("a", Failed), ("a", Errored)]);
    assert_eq!(counts(&r), [1, 0, 1, 0, 0, 0]);
    assert_eq!(r.cases.len(), 1);
    assert_eq!(r.cases[0].message.as_deref(), Some("a Failed"));
}

#[test]
fn passed_then_failed_is_flaky_with_the_failure_kept() {
    let r = report(&[("a", Passed), ("a", Errored)]);
    assert_eq!(counts(&r), [1, 1, 0, 0, 0, 1]);
    assert_eq!(r.cases[0].outcome, Flaky);
    assert_eq!(r.cases[0].message.as_deref(), Some("a Errored"));
}

#[test]
fn repeated_passes_count_once_but_skips_are_never_folded() {
    let r = report(&[("a", Passed), ("a", Passed), ("s", Skipped), ("s", Skipped)]);
    assert_eq!(counts(&r), [3, 1, 0, 0, 2, 0]);
    let r = report(&[("s", Skipped), ("s", Passed), ("t", Failed), ("t", Skipped)]);
    assert_eq!(counts(&r), [4, 1, 1, 0, 2, 0]);
    assert_eq!(r.cases.len(), 1);
}

#[test]
fn without_folding_a_repeat_is_a_second_test_and_never_folded_later() {
    let mut junit = TestReport::default();
    junit.record(run("param", Failed));
    junit.record(run("param", Passed));
    junit.record(run("once", Failed));
    assert_eq!(counts(&junit), [3, 1, 2, 0, 0, 0]);
    let rerun = report(&[("param", Passed), ("once", Passed)]);
    for (x, y) in [(junit.clone(), rerun.clone()), (rerun, junit)] {
        let mut merged = x;
        merged.merge(y);
        assert_eq!(counts(&merged), [4, 3, 1, 0, 0, 1], "{:?}", merged.cases);
        let failed: Vec<_> = merged
            .cases
            .iter()
            .filter(|c| c.outcome == Failed)
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(failed, ["param"]);
    }
}

#[test]
fn different_suites_classes_or_names_are_different_tests() {
    let mut r = TestReport::folding_reruns();
    r.record(run("a", Failed));
    let mut other = run("a", Passed);
    other.classname = "D".into();
    r.record(other);
    let mut other = run("a", Passed);
    other.suite = "T".into();
    r.record(other);
    r.settle_reruns();
    assert_eq!(counts(&r), [3, 2, 1, 0, 0, 0]);
}

#[test]
fn nameless_tests_are_never_folded() {
    let r = report(&[("", Failed), ("", Passed), ("", Passed)]);
    assert_eq!(counts(&r), [3, 2, 1, 0, 0, 0]);
}

#[test]
fn record_run_matches_record() {
    let mut r = TestReport::folding_reruns();
    r.record(run("a", Failed));
    r.record_run("S", "C", "a", Passed);
    r.record_run("S", "C", "b", Skipped);
    r.record_run("S", "C", "c", Errored);
    r.settle_reruns();
    assert_eq!(counts(&r), [3, 1, 0, 1, 1, 1]);
    assert_eq!(r.cases.len(), 2);
}

#[test]
fn merge_folds_reruns_in_either_order() {
    let first = report(&[("a", Failed), ("b", Passed), ("c", Errored), ("d", Failed)]);
    let rerun = report(&[("a", Passed), ("c", Errored), ("d", Failed), ("e", Passed)]);
    for (x, y) in [(first.clone(), rerun.clone()), (rerun, first)] {
        let mut merged = x;
        merged.merge(y);
        assert_eq!(counts(&merged), [5, 3, 1, 1, 0, 1]);
        let mut outcomes: Vec<_> = merged
            .cases
            .iter()
            .map(|c| (c.name.as_str(), c.outcome))
            .collect();
        outcomes.sort_by_key(|(n, _)| *n);
        assert_eq!(outcomes, [("a", Flaky), ("c", Errored), ("d", Failed)]);
    }
}

#[test]
fn merge_of_a_file_with_itself_counts_it_once() {
    let a = report(&[("a", Failed), ("b", Passed), ("c", Errored)]);
    let mut merged = a.clone();
    merged.merge(a.clone());
    assert_eq!(counts(&merged), counts(&a));
    assert_eq!(merged.cases.len(), 2);
}

#[test]
fn merge_keeps_count_only_reports() {
    let mut r = report(&[("a", Passed)]);
    r.merge(TestReport {
        total: 10,
        passed: 7,
        failed: 3,
        ..TestReport::default()
    });
    assert_eq!(counts(&r), [11, 8, 3, 0, 0, 0]);
}

#[test]
fn rerun_policy_fail_counts_flaky_as_failed() {
    let mut r = report(&[("a", Failed), ("a", Passed), ("b", Flaky), ("c", Passed)]);
    assert_eq!(counts(&r), [3, 3, 0, 0, 0, 2]);
    r.apply_rerun_policy(RerunPolicy::Flaky);
    assert_eq!(counts(&r), [3, 3, 0, 0, 0, 2]);
    r.apply_rerun_policy(RerunPolicy::Fail);
    assert_eq!(counts(&r), [3, 1, 2, 0, 0, 0]);
    assert!(r.cases.iter().all(|c| c.outcome == Failed));
    assert_eq!(
        r.notes,
        ["2 test(s) passed only on a rerun and count as failed (reruns: fail)"]
    );
}

#[test]
fn identities_are_capped_but_failures_always_fit() {
    let mut r = TestReport::folding_reruns();
    for i in 0..MAX_TRACKED + 10 {
        r.record_run("S", "C", &format!("p{i}"), Passed);
    }
    r.record(run("late", Failed));
    r.record_run("S", "C", "late", Passed);
    r.record_run("S", "C", &format!("p{}", MAX_TRACKED + 5), Passed);
    r.settle_reruns();
    assert_eq!(r.total, MAX_TRACKED as u64 + 12);
    assert_eq!(r.flaky, 1);
    assert!(r.rerun_notes().iter().any(|n| n.contains("more than")));
    assert!(r.reruns.passes.len() <= MAX_TRACKED);
}

#[test]
fn ids_separate_their_parts() {
    assert_ne!(test_id("a", "bc", "d"), test_id("ab", "c", "d"));
    assert_eq!(test_id("a", "b", "c"), test_id("a", "b", "c"));
    assert_eq!(test_id("a", "b", ""), None);
    assert_ne!(test_id("", "", "abcdefgh"), test_id("", "", "abcdefgh\0"));
    assert_ne!(test_id("", "", "x"), test_id("", "", "y"));
    let ids: std::collections::HashSet<_> = (0..100_000)
        .map(|i| test_id("S", "C", &format!("t{i}")))
        .collect();
    assert_eq!(ids.len(), 100_000);
}

#[test]
fn settling_twice_changes_nothing_and_records_after_a_merge_settle_again() {
    let mut r = report(&[("a", Passed), ("a", Passed), ("b", Failed)]);
    let before = counts(&r);
    r.settle_reruns();
    assert_eq!(counts(&r), before);
    r.merge(report(&[("c", Passed)]));
    r.record(run("c", Passed));
    r.merge(TestReport::default());
    assert_eq!(counts(&r), [3, 2, 1, 0, 0, 0]);
}

#[test]
fn ambiguous_passes_are_never_folded_across_files() {
    let mut junit = TestReport::default();
    junit.record(run("p", Passed));
    junit.record(run("p", Passed));
    let mut merged = junit.clone();
    merged.merge(report(&[("p", Failed)]));
    assert_eq!(counts(&merged), [3, 2, 1, 0, 0, 0]);
    let mut merged = report(&[("p", Failed)]);
    merged.merge(junit);
    assert_eq!(counts(&merged), [3, 2, 1, 0, 0, 0]);
}

#[test]
fn merge_is_order_independent_on_a_mixed_glob() {
    let files = [
        report(&[("a", Failed), ("b", Passed), ("c", Errored), ("d", Passed)]),
        report(&[("a", Passed), ("c", Errored), ("e", Failed)]),
        report(&[("e", Passed), ("d", Passed), ("f", Skipped)]),
    ];
    let orders = [[0, 1, 2], [2, 1, 0], [1, 0, 2], [2, 0, 1]];
    for order in orders {
        let mut merged = TestReport::default();
        for i in order {
            merged.merge(files[i].clone());
        }
        assert_eq!(counts(&merged), [6, 4, 0, 1, 1, 2], "{order:?}");
        assert_eq!(merged.cases.len(), 3, "{order:?}");
    }
}

#[test]
fn huge_counts_saturate_when_merged() {
    let huge = TestReport {
        total: u64::MAX,
        errors: u64::MAX,
        ..TestReport::default()
    };
    let mut merged = huge.clone();
    merged.merge(huge);
    merged.record(run("a", Failed));
    assert_eq!(
        (merged.total, merged.errors, merged.failed),
        (u64::MAX, u64::MAX, 1)
    );
}
