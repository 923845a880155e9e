use super::*;
use crate::parse::Position;
use crate::parse::tests_common::{counts, hostile};

fn parse_str(xml: &str) -> Result<TestReport, ParseError> {
    parse(xml.as_bytes())
}

macro_rules! fixture {
    ($name:literal) => {
        &include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/tests/trx/",
            $name
        ))[..]
    };
}

const NS: &str = r#"xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010""#;

/// Expected counts are each file's own `<Counters>` (see tests/fixtures/tests/trx/README.md):
/// `[total, passed, failed, errors, skipped, flaky]`.
#[test]
fn fixtures_match_the_counters_vstest_wrote() {
    // <Counters total="11" executed="10" passed="5" failed="5" notExecuted="0">: the one not
    // executed is xUnit's skip, outcome NotExecuted.
    let r = parse(fixture!("dotnet-xunit.trx")).unwrap();
    assert_eq!(counts(&r), [11, 5, 5, 0, 1, 0]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let failing = r.cases.iter().find(|c| c.name == "Failing_Test").unwrap();
    assert_eq!(failing.classname, "DotnetTests.XUnitTests.CalculatorTests");
    assert_eq!(
        failing.id(),
        "DotnetTests.XUnitTests.CalculatorTests.Failing_Test"
    );
    assert!(failing.message.is_some());
    let location = failing.location.as_ref().unwrap();
    assert!(
        location.path.ends_with("CalculatorTests.cs"),
        "{location:?}"
    );
    assert!(location.line.is_some());

    // <Counters total="4" executed="4" passed="1" failed="3">
    let r = parse(fixture!("dotnet-xunitv3.trx")).unwrap();
    assert_eq!(counts(&r), [4, 1, 3, 0, 0, 0]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);

    // <Counters total="6" executed="5" passed="2" failed="3">
    let r = parse(fixture!("nunit-netcoreapp31.trx")).unwrap();
    assert_eq!(counts(&r), [6, 2, 3, 0, 1, 0]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

fn result(name: &str, outcome: &str) -> String {
    format!(r#"<UnitTestResult testId="id-{name}" testName="{name}" outcome="{outcome}"/>"#)
}

#[test]
fn every_vstst_outcome_maps() {
    let outcomes = [
        "Passed",
        "Failed",
        "NotExecuted",
        "Inconclusive",
        "Timeout",
        "Aborted",
        "Error",
        "Warning",
        "Completed",
        "InProgress",
        "Pending",
        "PassedButRunAborted",
        "Disconnected",
        "NotRunnable",
        "Sideways",
    ];
    let results: String = outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| result(&format!("t{i}"), o))
        .collect();
    let r = parse_str(&format!(
        "<TestRun {NS}><Results>{results}</Results></TestRun>"
    ))
    .unwrap();
    // passed: Passed, Warning, Completed, PassedButRunAborted; failed: Failed; skipped:
    // NotExecuted, Inconclusive; errors: the other eight.
    assert_eq!(counts(&r), [15, 4, 1, 8, 2, 0]);
    assert_eq!(r.notes.len(), 6, "{:#?}", r.notes);
}

#[test]
fn data_driven_results_count_their_inner_results() {
    let r = parse_str(&format!(
        r#"<TestRun {NS}><Results>
          <UnitTestResult testId="p" testName="Adds" outcome="Failed" resultType="DataDrivenTest"><InnerResults>
            <UnitTestResult testId="p" testName="Adds (1,2)" outcome="Passed" resultType="DataDrivenDataRow"/>
            <UnitTestResult testId="p" testName="Adds (2,2)" outcome="Failed" resultType="DataDrivenDataRow"><Output><ErrorInfo><Message>Assert.AreEqual failed</Message></ErrorInfo></Output></UnitTestResult>
            <UnitTestResult testId="p" testName="Adds (3,2)" outcome="Passed" resultType="DataDrivenDataRow"/>
          </InnerResults></UnitTestResult>
        </Results></TestRun>"#
    ))
    .unwrap();
    assert_eq!(counts(&r), [3, 2, 1, 0, 0, 0]);
    assert_eq!(r.cases[0].name, "Adds (2,2)");
    assert_eq!(
        r.cases[0].message.as_deref(),
        Some("Assert.AreEqual failed")
    );
}

#[test]
fn failing_cases_get_their_class_from_the_definitions() {
    let r = parse_str(&format!(
        r#"<TestRun {NS}><Results>
            <UnitTestResult testId="a" testName="Ns.Calc.Fails" outcome="Failed"><Output><ErrorInfo><Message>boom</Message><StackTrace>   at Ns.Calc.Fails() in /src/Calc.cs:line 12</StackTrace></ErrorInfo></Output></UnitTestResult>
            <UnitTestResult testId="b" testName="Custom name" outcome="Error"/>
          </Results>
          <TestDefinitions>
            <UnitTest name="Ns.Calc.Fails" id="a"><TestMethod className="Ns.Calc, Tests, Version=1.0.0.0" name="Fails"/></UnitTest>
            <UnitTest name="Custom name" id="b"><TestMethod className="Ns.Other" name="M"/></UnitTest>
          </TestDefinitions></TestRun>"#
    ))
    .unwrap();
    assert_eq!(r.cases[0].id(), "Ns.Calc.Fails");
    assert_eq!(r.cases[0].classname, "Ns.Calc");
    assert_eq!(
        r.cases[0].location,
        Some(Location {
            path: "/src/Calc.cs".into(),
            line: Some(12)
        })
    );
    assert_eq!(r.cases[1].id(), "Ns.Other.Custom name");
}

#[test]
fn an_aborted_run_is_an_error() {
    let r = parse_str(&format!(
        r#"<TestRun {NS}><Results>{}</Results><ResultSummary outcome="Aborted"><Counters total="1" passed="1"/>
           <RunInfos><RunInfo outcome="Warning"><Text>slow</Text></RunInfo><RunInfo outcome="Error"><Text>
           The active test run was aborted. Reason: Test host process crashed</Text></RunInfo></RunInfos></ResultSummary></TestRun>"#,
        result("a", "Passed")
    ))
    .unwrap();
    assert_eq!(counts(&r), [2, 1, 0, 1, 0, 0]);
    assert_eq!(r.cases[0].name, "test run");
    assert_eq!(
        r.cases[0].message.as_deref(),
        Some("The active test run was aborted. Reason: Test host process crashed")
    );
}

#[test]
fn counters_are_cross_checked() {
    let r = parse_str(&format!(
        r#"<TestRun {NS}><Results>{}</Results><ResultSummary outcome="Completed"><Counters total="3" passed="3" failed="0"/></ResultSummary></TestRun>"#,
        result("a", "Passed")
    ))
    .unwrap();
    assert_eq!(
        r.notes,
        ["declared total=3, passed=3 on <Counters> but its test cases give total=1, passed=1"]
    );
}

#[test]
fn structural_errors_name_the_position() {
    let err = parse_str("<?xml version=\"1.0\"?>\n<test-run/>").unwrap_err();
    assert_eq!(
        err.message,
        format!("expected {ROOT} root, found <test-run>")
    );
    assert_eq!(err.position, Some(Position::LineCol { line: 2, column: 1 }));
    let err = parse_str("<TestRun>\n<Results>\n<UnitTestResult testName=\"a\">").unwrap_err();
    assert!(err.message.contains("truncated"), "{err}");
    let err = parse_str("<TestRun>\n <Results></Result></TestRun>").unwrap_err();
    assert!(err.message.starts_with("malformed XML"), "{err}");
    assert!(
        matches!(err.position, Some(Position::LineCol { line: 2, .. })),
        "{err}"
    );
}

#[test]
fn hostile_inputs_never_panic() {
    for bytes in [
        fixture!("dotnet-xunit.trx"),
        fixture!("dotnet-xunitv3.trx"),
        fixture!("nunit-netcoreapp31.trx"),
    ] {
        hostile::survives(bytes, |b| parse(b));
    }
    let deep = format!("<TestRun>{}", "<UnitTestResult><InnerResults>".repeat(200));
    assert!(
        parse_str(&deep)
            .unwrap_err()
            .message
            .contains("nest deeper")
    );
}

#[test]
fn sniff_claims_only_trx() {
    assert!(sniff(fixture!("dotnet-xunit.trx")));
    assert!(sniff(b"<TestRun id=\"x\">"));
    assert!(!sniff(b"<test-run>"));
    assert!(!sniff(b"<testsuites>"));
}
