//! The decision logic, as tables: what each outcome becomes, how waivers apply, what the
//! decision and the exit code are. Plans are built through the real loader from a small pack, so
//! these tests exercise the same path `gonogo check` takes, without a process or a file.

use std::collections::BTreeMap;

use jiff::civil::{Date, date};

use super::*;
use crate::diag::Diagnostics;
use crate::evidence::{Evidence, TestCase, TestOutcome, TestReport};
use crate::model::{EnvType, Need, Waiver};
use crate::rules::{LoadedFile, build_plan, load_catalog};

const TODAY: Date = date(2026, 12, 2);

/// A pack with three stages and the given rules (YAML list items, indented by two spaces).
pub(crate) fn pack(rules: &str) -> crate::rules::load::CompiledPack {
    let text = format!(
        "pack: t\ntitle: T\nstages:\n  - {{number: 1, id: one, title: One}}\n  - {{number: 2, id: two, title: Two}}\n  - {{number: 3, id: three, title: Three}}\nvars:\n  min: 80\nrules:\n{rules}"
    );
    let mut diags = Diagnostics::default();
    let catalog = load_catalog(
        &[LoadedFile {
            name: "t.yaml".into(),
            text,
        }],
        &mut diags,
    );
    let pack = catalog.compile("t", &BTreeMap::new(), &mut diags);
    assert!(diags.is_empty(), "{}", diags.render());
    pack.expect("the pack compiles")
}

fn plan_at(rules: &str, stage: u32) -> Plan {
    let pack = pack(rules);
    let stage = pack
        .pack
        .stages
        .iter()
        .find(|s| s.number == stage)
        .unwrap()
        .clone();
    build_plan(
        &pack,
        &stage,
        EnvType::Nonprod,
        &[],
        TODAY,
        &BTreeMap::new(),
    )
    .unwrap()
}

/// One `tests` rule with this level and `on_missing`.
fn tests_rule(level: &str, on_missing: &str) -> String {
    format!(
        "  - {{id: R, title: r, why: w, reference: x, level: {level}, on_missing: {on_missing}, check: {{kind: tests}}}}\n"
    )
}

fn report(passed: u64, failed: &[&str]) -> Evidence {
    let mut r = TestReport::default();
    for i in 0..passed {
        r.record(TestCase {
            suite: "s".into(),
            classname: "c".into(),
            name: format!("ok{i}"),
            outcome: TestOutcome::Passed,
            message: None,
            location: None,
        });
    }
    for name in failed {
        r.record(TestCase {
            suite: "s".into(),
            classname: "c".into(),
            name: (*name).into(),
            outcome: TestOutcome::Failed,
            message: Some("boom".into()),
            location: None,
        });
    }
    Evidence::Tests(r)
}

fn evidence(e: Result<Evidence, Missing>) -> EvidenceMap {
    [(Need::Source("tests".into()), e)].into()
}

fn missing() -> Result<Evidence, Missing> {
    Err(Missing::new(MissingReason::NotFound, "no file matches"))
}

fn waiver(pattern: Option<&str>, expires: Date) -> Waiver {
    Waiver {
        rule: "R".into(),
        pattern: pattern.map(str::to_string),
        reason: "known".into(),
        expires,
        ticket: Some("T-1".into()),
        origin: "gonogo.yaml:9".into(),
    }
}

fn inconclusive(blocking: bool) -> Outcome {
    Outcome::Inconclusive {
        reason: MissingReason::NotFound,
        blocking,
    }
}

#[test]
fn missing_evidence_follows_the_level_and_on_missing() {
    let table = [
        ("fail", "block", inconclusive(true)),
        // A rule that fails at this stage blocks on missing evidence whatever `on_missing`
        // says (the planner raises it); only an override under a waiver can lower it.
        ("fail", "warn", inconclusive(true)),
        ("fail", "fail", Outcome::Fail),
        ("warn", "block", inconclusive(false)),
        ("warn", "warn", inconclusive(false)),
        ("warn", "fail", Outcome::Warn),
        ("info", "block", inconclusive(false)),
        ("info", "fail", Outcome::Info),
    ];
    for (level, on_missing, want) in table {
        let plan = plan_at(&tests_rule(level, on_missing), 1);
        let v = evaluate(&plan, &evidence(missing()), &[], TODAY);
        assert_eq!(v.results[0].outcome, want, "{level}/{on_missing}");
        assert!(
            v.results[0].message.contains("no file matches"),
            "{level}/{on_missing}: the reason is kept: {}",
            v.results[0].message
        );
    }
}

#[test]
fn a_need_fetch_never_answered_is_missing_not_passed() {
    let plan = plan_at(&tests_rule("fail", "block"), 1);
    let v = evaluate(&plan, &EvidenceMap::new(), &[], TODAY);
    assert_eq!(v.results[0].outcome, inconclusive(true));
    assert_eq!(v.decision, Decision::Inconclusive);
}

#[test]
fn measured_evidence_meets_or_violates_the_criteria() {
    let table = [
        ("fail", report(3, &[]), Outcome::Pass),
        ("fail", report(3, &["a"]), Outcome::Fail),
        ("warn", report(3, &["a"]), Outcome::Warn),
        ("info", report(3, &["a"]), Outcome::Info),
    ];
    for (level, ev, want) in table {
        let plan = plan_at(&tests_rule(level, "block"), 1);
        let v = evaluate(&plan, &evidence(Ok(ev)), &[], TODAY);
        assert_eq!(v.results[0].outcome, want, "{level}");
    }
}

#[test]
fn a_preferred_target_short_of_met_is_a_warning_or_info() {
    let rule = |level: &str| {
        format!(
            "  - {{id: R, title: r, why: w, reference: x, level: {level}, check: {{kind: tests}}, expect: {{failed_total: '== 0'}}, prefer: {{total: '>= 10'}}}}\n"
        )
    };
    for (level, want) in [
        ("fail", Outcome::Warn),
        ("warn", Outcome::Warn),
        ("info", Outcome::Info),
    ] {
        let plan = plan_at(&rule(level), 1);
        let v = evaluate(&plan, &evidence(Ok(report(3, &[]))), &[], TODAY);
        assert_eq!(v.results[0].outcome, want, "{level}");
        assert!(v.results[0].message.contains("short of the target"));
    }
}

#[test]
fn the_decision_orders_fail_then_blocking_then_warnings() {
    let r = |outcome: Outcome| RuleResult {
        outcome,
        ..plan_result()
    };
    let table = [
        (vec![r(Outcome::Pass)], Decision::Go),
        (vec![r(Outcome::Pass), r(Outcome::Info)], Decision::Go),
        (vec![r(Outcome::Waived)], Decision::Go),
        (vec![r(Outcome::Warn)], Decision::GoWithWarnings),
        (vec![r(inconclusive(false))], Decision::GoWithWarnings),
        (
            vec![r(inconclusive(true)), r(Outcome::Warn)],
            Decision::Inconclusive,
        ),
        (
            vec![r(Outcome::Fail), r(inconclusive(true))],
            Decision::NoGo,
        ),
    ];
    for (results, want) in table {
        assert_eq!(Decision::of(&results), want, "{results:?}");
    }
}

fn plan_result() -> RuleResult {
    let plan = plan_at(&tests_rule("fail", "block"), 1);
    evaluate(&plan, &evidence(Ok(report(1, &[]))), &[], TODAY)
        .results
        .remove(0)
}

#[test]
fn the_exit_code_contract() {
    let table = [
        (Decision::Go, false, 0),
        (Decision::Go, true, 0),
        (Decision::GoWithWarnings, false, 0),
        (Decision::GoWithWarnings, true, 2),
        (Decision::NoGo, false, 1),
        (Decision::NoGo, true, 1),
        (Decision::Inconclusive, false, 3),
        (Decision::Inconclusive, true, 3),
    ];
    for (d, strict, code) in table {
        assert_eq!(d.exit(strict).code(), code, "{d:?} strict={strict}");
        assert_eq!(d.passes(strict), code == 0);
    }
    assert_eq!(Exit::Usage.code(), 4);
}

#[test]
fn a_rule_wide_waiver_covers_a_failure_and_says_so() {
    let plan = plan_at(&tests_rule("fail", "block"), 1);
    let w = waiver(None, date(2027, 1, 31));
    let v = evaluate(&plan, &evidence(Ok(report(1, &["a"]))), &[w], TODAY);
    let r = &v.results[0];
    assert_eq!(r.outcome, Outcome::Waived);
    assert_eq!(r.waived_outcome.as_deref(), Some(&Outcome::Fail));
    assert!(
        r.message.contains("waived until 2027-01-31: known (T-1)"),
        "{}",
        r.message
    );
    assert_eq!(v.decision, Decision::Go);
    assert_eq!(v.waivers[0].state, WaiverState::Applied);
}

#[test]
fn a_rule_wide_waiver_also_covers_missing_evidence() {
    let plan = plan_at(&tests_rule("fail", "block"), 1);
    let w = waiver(None, date(2027, 1, 31));
    let v = evaluate(&plan, &evidence(missing()), &[w], TODAY);
    assert_eq!(v.results[0].outcome, Outcome::Waived);
    assert_eq!(
        v.results[0].waived_outcome.as_deref(),
        Some(&inconclusive(true))
    );
}

#[test]
fn an_item_waiver_removes_matching_items_before_judging() {
    let plan = plan_at(&tests_rule("fail", "block"), 1);
    let w = waiver(Some("c.flaky*"), date(2027, 1, 31));
    let v = evaluate(
        &plan,
        &evidence(Ok(report(2, &["flaky_one"]))),
        std::slice::from_ref(&w),
        TODAY,
    );
    assert_eq!(v.results[0].outcome, Outcome::Pass);
    assert_eq!(v.results[0].waived_items, 1);
    assert_eq!(v.waivers[0].uses, 1);

    let v = evaluate(
        &plan,
        &evidence(Ok(report(2, &["flaky_one", "real_bug"]))),
        &[w],
        TODAY,
    );
    assert_eq!(
        v.results[0].outcome,
        Outcome::Fail,
        "an item waiver does not cover other items"
    );
}

#[test]
fn expired_unused_and_expiring_waivers_are_reported() {
    let plan = plan_at(&tests_rule("fail", "block"), 1);
    let ev = evidence(Ok(report(1, &["a"])));

    let v = evaluate(&plan, &ev, &[waiver(None, date(2026, 12, 1))], TODAY);
    assert_eq!(v.results[0].outcome, Outcome::Fail, "expired: not applied");
    assert_eq!(v.waivers[0].state, WaiverState::Expired);
    assert!(
        v.notices
            .iter()
            .any(|n| n.contains("expired on 2026-12-01"))
    );

    let v = evaluate(&plan, &ev, &[waiver(None, TODAY)], TODAY);
    assert_eq!(
        v.results[0].outcome,
        Outcome::Waived,
        "the last day still applies"
    );
    assert!(v.notices.iter().any(|n| n.contains("(0 days left)")));

    let v = evaluate(
        &plan,
        &evidence(Ok(report(1, &[]))),
        &[waiver(Some("nothing*"), date(2027, 6, 1))],
        TODAY,
    );
    assert_eq!(v.waivers[0].state, WaiverState::Unused);
    assert!(v.notices.iter().any(|n| n.contains("matched nothing")));
}

#[test]
fn values_that_cannot_be_compared_are_inconclusive() {
    let rule = "  - {id: R, title: r, why: w, reference: x, level: fail, check: {kind: coverage}, expect: {line_percent: '>= 80'}}\n";
    let plan = plan_at(rule, 1);
    let cov = crate::evidence::CoverageReport::default();
    let ev: EvidenceMap = [(Need::Source("coverage".into()), Ok(Evidence::Coverage(cov)))].into();
    let v = evaluate(&plan, &ev, &[], TODAY);
    assert!(
        matches!(v.results[0].outcome, Outcome::Inconclusive { .. }),
        "{:?}: {}",
        v.results[0].outcome,
        v.results[0].message
    );
}

#[test]
fn the_preview_lists_what_the_next_stage_adds_or_raises() {
    let rules = "  - {id: A, title: a, why: w, reference: x, level: warn, raise: {two: fail}, check: {kind: tests}}\n  - {id: B, title: b, why: w, reference: x, since: two, level: fail, check: {kind: tests}}\n  - {id: C, title: c, why: w, reference: x, level: fail, check: {kind: file-exists, paths: [README*]}}\n";
    let now = plan_at(rules, 1);
    let next = plan_at(rules, 2);
    let mut ev = evidence(Ok(report(1, &["x"])));
    ev.insert(
        Need::Files(vec!["README*".into()]),
        Ok(Evidence::Files(vec![])),
    );
    let current = evaluate(&now, &ev, &[], TODAY);
    let p = preview(&current, &next, &ev, &[], TODAY);
    let ids: Vec<&str> = p.blockers.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["A", "B"],
        "C fails today already: not news of the next stage"
    );
    assert_eq!(p.decision, Decision::NoGo);
}
