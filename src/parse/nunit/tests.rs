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
            "/tests/fixtures/tests/nunit/",
            $name
        ))[..]
    };
}

/// Expected counts are the root's own figures (see tests/fixtures/tests/nunit/README.md):
/// `[total, passed, failed, errors, skipped, flaky]`.
#[test]
fn fixtures_match_the_counts_nunit_wrote() {
    // <test-run total="9" passed="3" failed="5" inconclusive="0" skipped="1">: 2 of the 5
    // failures carry label="Error".
    let r = parse(fixture!("dotnet-nunit3.xml")).unwrap();
    assert_eq!(counts(&r), [9, 3, 3, 2, 1, 0]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let failing = r.cases.iter().find(|c| c.name == "Failing_Test").unwrap();
    assert_eq!(failing.classname, "DotnetTests.XUnitTests.CalculatorTests");
    assert_eq!(failing.message.as_deref(), Some("Expected: 3"));
    assert_eq!(failing.location.as_ref().unwrap().line, Some(27));
    assert!(
        failing
            .location
            .as_ref()
            .unwrap()
            .path
            .ends_with("CalculatorTests.cs")
    );

    // <test-run total="18" passed="12" failed="2" inconclusive="1" skipped="3">
    let r = parse(fixture!("nunit3-mock-assembly.xml")).unwrap();
    assert_eq!(counts(&r), [18, 12, 1, 1, 4, 0]);
    assert_eq!(
        r.notes,
        [
            "1 test(s) with outcome Inconclusive (first: \"NUnit.Tests.Assemblies.MockTestFixture.InconclusiveTest\") counted as skipped"
        ]
    );

    // <test-results total="21" errors="1" failures="1" not-run="7" inconclusive="1" ignored="4"
    // invalid="3">: total counts executed tests only; the 3 invalid ones are errors here.
    let r = parse(fixture!("nunit25-mock-assembly.xml")).unwrap();
    assert_eq!(counts(&r), [28, 18, 1, 4, 5, 0]);
    assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
    let bad = r
        .cases
        .iter()
        .find(|c| c.name.ends_with("BadFixture.SomeTest"))
        .unwrap();
    assert_eq!(bad.outcome, TestOutcome::Errored);
    assert_eq!(
        bad.message.as_deref(),
        Some("No suitable constructor was found")
    );
}

#[test]
fn outcome_mapping() {
    let r = parse_str(
        r#"<test-run><test-suite type="TestFixture" name="F">
            <test-case fullname="N.C.a" classname="N.C" result="Passed"/>
            <test-case fullname="N.C.b" classname="N.C" result="Failed"><failure><message>boom</message></failure></test-case>
            <test-case fullname="N.C.c" classname="N.C" result="Failed" label="Error"/>
            <test-case fullname="N.C.d" classname="N.C" result="Failed" label="Cancelled"/>
            <test-case fullname="N.C.e" classname="N.C" result="Failed" site="Parent"/>
            <test-case fullname="N.C.f" classname="N.C" result="Skipped" label="Ignored"/>
            <test-case fullname="N.C.g" classname="N.C" result="Skipped" label="Explicit"/>
            <test-case fullname="N.C.h" classname="N.C" result="Inconclusive"/>
            <test-case fullname="N.C.i" classname="N.C" result="Warning"/>
            <test-case fullname="N.C.j" classname="N.C" result="Exploded"/>
        </test-suite></test-run>"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [10, 2, 1, 4, 3, 0]);
    assert_eq!(r.cases[0].id(), "N.C.b");
    assert_eq!(r.cases[0].message.as_deref(), Some("boom"));
    assert_eq!(r.notes.len(), 3, "{:?}", r.notes);
    assert!(
        r.notes[2].contains("outcome unknown (first: \"j\") counted as errors"),
        "{:?}",
        r.notes
    );
}

#[test]
fn nunit2_without_result_uses_executed_and_success() {
    let r = parse_str(
        r#"<test-results><test-suite name="s"><results>
            <test-case name="a" executed="True" success="True"/>
            <test-case name="b" executed="True" success="False"/>
            <test-case name="c" executed="False"/>
        </results></test-suite></test-results>"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [3, 1, 1, 0, 1, 0]);
}

#[test]
fn setup_and_teardown_failures_are_errors() {
    let r = parse_str(
        r#"<test-run>
          <test-suite type="TestFixture" fullname="N.Setup" result="Failed" label="Error" site="SetUp">
            <failure><message>OneTimeSetUp: db down</message><stack-trace>at X() in /src/S.cs:line 12</stack-trace></failure>
            <test-case fullname="N.Setup.a" classname="N.Setup" result="Failed" site="Parent"/>
          </test-suite>
          <test-suite type="TestFixture" fullname="N.Teardown" result="Failed" site="TearDown">
            <failure><message>OneTimeTearDown: leak</message></failure>
            <test-case fullname="N.Teardown.a" classname="N.Teardown" result="Passed"/>
          </test-suite>
          <test-suite type="TestFixture" fullname="N.Child" result="Failed" site="Child">
            <failure><message>One or more child tests had errors</message></failure>
            <test-case fullname="N.Child.a" classname="N.Child" result="Failed"/>
          </test-suite>
        </test-run>"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [5, 1, 1, 3, 0, 0]);
    let setup = r.cases.iter().find(|c| c.name == "N.Setup").unwrap();
    assert_eq!(setup.message.as_deref(), Some("OneTimeSetUp: db down"));
    assert_eq!(setup.location.as_ref().unwrap().path, "/src/S.cs");
    assert!(r.cases.iter().any(|c| c.name == "N.Teardown"));
    assert!(!r.cases.iter().any(|c| c.name == "N.Child"));

    // NUnit 2: a failed suite whose cases all passed failed on its own (teardown).
    let r = parse_str(
        r#"<test-results><test-suite name="F" result="Error" success="False">
            <failure><message>TearDown : leak</message></failure>
            <results><test-case name="F.a" result="Success"/></results>
        </test-suite></test-results>"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [2, 1, 0, 1, 0, 0]);
}

#[test]
fn declared_totals_are_cross_checked() {
    let r = parse_str(r#"<test-run total="5" passed="5" failed="0"><test-case name="a" result="Passed"/></test-run>"#)
        .unwrap();
    assert_eq!(
        r.notes,
        ["declared total=5, passed=5 on <test-run> but its test cases give total=1, passed=1"]
    );
}

#[test]
fn utf16_and_bom() {
    let xml = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-16\"?><test-run><test-case name=\"€\" result=\"Failed\"/></test-run>";
    let bytes: Vec<u8> = xml.encode_utf16().flat_map(u16::to_le_bytes).collect();
    assert!(sniff(&bytes));
    let r = parse(&bytes[..]).unwrap();
    assert_eq!(counts(&r), [1, 0, 1, 0, 0, 0]);
    assert_eq!(r.cases[0].name, "€");
}

#[test]
fn structural_errors_name_the_position() {
    let err = parse_str("<?xml version=\"1.0\"?>\n<testsuites/>").unwrap_err();
    assert_eq!(
        err.message,
        format!("expected {ROOT} root, found <testsuites>")
    );
    assert_eq!(err.position, Some(Position::LineCol { line: 2, column: 1 }));
    let err = parse_str("<test-run>\n<test-case name=\"a\">\n<test-case/>").unwrap_err();
    assert!(
        err.message.contains("<test-case> inside <test-case>"),
        "{err}"
    );
    assert_eq!(err.position, Some(Position::LineCol { line: 3, column: 1 }));
    let err = parse_str("<test-run>\n<test-suite>").unwrap_err();
    assert!(err.message.contains("truncated"), "{err}");
    let err = parse_str("<test-run/><test-run/>").unwrap_err();
    assert!(err.message.contains("after the root"), "{err}");
    let err = parse_str(&format!("<test-run>{}", "<test-suite>".repeat(300))).unwrap_err();
    assert!(err.message.contains("nest deeper"), "{err}");
    let err = parse_str("<test-run>\n  <test-case name='a' name='b'/></test-run>").unwrap_err();
    assert!(err.message.contains("malformed attribute"), "{err}");
    assert_eq!(err.position, Some(Position::LineCol { line: 2, column: 3 }));
}

#[test]
fn entities_stay_unexpanded_and_huge_counts_are_only_notes() {
    let r = parse_str(
        "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><test-run total=\"18446744073709551615\"><test-case name=\"&e;\" result=\"Failed\"><failure><message>&e; &lt;x&gt;</message></failure></test-case></test-run>",
    )
    .unwrap();
    assert_eq!(r.cases[0].name, "&e;");
    assert_eq!(r.cases[0].message.as_deref(), Some("&e; <x>"));
    assert_eq!(r.total, 1);
    assert_eq!(r.notes.len(), 1);
}

#[test]
fn hostile_inputs_never_panic() {
    for bytes in [
        fixture!("dotnet-nunit3.xml"),
        fixture!("nunit3-mock-assembly.xml"),
        fixture!("nunit25-mock-assembly.xml"),
    ] {
        hostile::survives(bytes, |b| parse(b));
    }
}

#[test]
fn sniff_claims_only_nunit_roots() {
    assert!(sniff(fixture!("dotnet-nunit3.xml")));
    assert!(sniff(fixture!("nunit25-mock-assembly.xml")));
    assert!(sniff(b"\xEF\xBB\xBF<test-run id=\"2\""));
    assert!(!sniff(b"<testsuites><testsuite name=\"test-run\">"));
    assert!(!sniff(b"<assemblies>"));
    assert!(!sniff(
        b"<TestRun xmlns=\"http://microsoft.com/schemas/VisualStudio/TeamTest/2010\">"
    ));
}
