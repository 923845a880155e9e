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
            "/tests/fixtures/tests/xunit/",
            $name
        ))[..]
    };
}

/// Expected counts are each file's `<assembly>` totals (see tests/fixtures/tests/xunit/README.md):
/// `[total, passed, failed, errors, skipped, flaky]`.
#[test]
fn fixtures_match_the_counts_xunit_wrote() {
    // xUnit.net 2.0: <assembly total="3" passed="1" failed="1" skipped="1" errors="0">
    let r = parse(fixture!("xunit2-jenkins-testcase1.xml")).unwrap();
    assert_eq!(counts(&r), [3, 1, 1, 0, 1, 0]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let case = &r.cases[0];
    assert_eq!(case.id(), "MyProject.Tests.SampleFact.FailedTest");
    assert_eq!(case.name, "FailedTest");
    assert_eq!(case.message.as_deref(), Some("Assert.True() Failure"));
    let location = case.location.as_ref().unwrap();
    assert!(location.path.ends_with("SampleFact.cs"));
    assert_eq!(location.line, Some(16));

    // xUnit.net 1.9: <assembly total="4" passed="3" failed="1" skipped="0">
    let r = parse(fixture!("xunit1-pickles.xml")).unwrap();
    assert_eq!(counts(&r), [4, 3, 1, 0, 0, 0]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn results_and_assembly_errors() {
    let r = parse_str(
        r#"<assemblies>
          <assembly name="A.dll" total="5" passed="1" failed="1" skipped="2" errors="2">
            <errors>
              <error type="assembly-cleanup" name="A.dll"><failure exception-type="System.InvalidOperationException"><message>fixture teardown threw</message></failure></error>
              <error type="fatal"><failure><message>runner crashed</message></failure></error>
            </errors>
            <collection name="c">
              <test name="N.C.a" type="N.C" method="a" result="Pass"/>
              <test name="N.C.b(x: 1)" type="N.C" method="b" result="Fail"><failure><message>no</message><stack-trace>at N.C.b() in /s/C.cs:line 9</stack-trace></failure></test>
              <test name="N.C.c" type="N.C" method="c" result="Skip"><reason>later</reason></test>
              <test name="N.C.d" type="N.C" method="d" result="NotRun"/>
              <test name="N.C.e" type="N.C" method="e" result="Maybe"/>
            </collection>
          </assembly>
        </assemblies>"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [7, 1, 1, 3, 2, 0]);
    let names: Vec<_> = r.cases.iter().map(|c| c.id()).collect();
    assert_eq!(
        names,
        ["A.dll (assembly-cleanup)", "fatal", "N.C.b(x: 1)", "N.C.e"]
    );
    assert_eq!(
        r.cases[0].message.as_deref(),
        Some("fixture teardown threw")
    );
    assert_eq!(r.cases[2].location.as_ref().unwrap().line, Some(9));
    assert_eq!(
        r.notes,
        ["1 test(s) with outcome unknown or missing result (first: \"e\") counted as errors"]
    );
}

#[test]
fn declared_totals_are_cross_checked() {
    let r = parse_str(r#"<assembly name="A" total="2" passed="2"><class><test name="a" result="Pass"/></class></assembly>"#)
        .unwrap();
    assert_eq!(
        r.notes,
        [
            "declared total=2, passed=2 on <assembly name=\"A\"> but its test cases give total=1, passed=1"
        ]
    );
}

#[test]
fn structural_errors_name_the_position() {
    let err = parse_str("<testsuites/>").unwrap_err();
    assert_eq!(
        err.message,
        format!("expected {ROOT} root, found <testsuites>")
    );
    let err = parse_str("<assemblies>\n<assembly>\n<test name=\"a\"><test/>").unwrap_err();
    assert!(err.message.contains("inside <test>"), "{err}");
    assert_eq!(
        err.position,
        Some(Position::LineCol {
            line: 3,
            column: 16
        })
    );
    let err = parse_str("<assemblies><assembly>").unwrap_err();
    assert!(err.message.contains("truncated"), "{err}");
}

#[test]
fn hostile_inputs_never_panic() {
    for bytes in [
        fixture!("xunit2-jenkins-testcase1.xml"),
        fixture!("xunit1-pickles.xml"),
    ] {
        hostile::survives(bytes, |b| parse(b));
    }
}

#[test]
fn sniff_claims_only_xunit_roots() {
    assert!(sniff(fixture!("xunit2-jenkins-testcase1.xml")));
    assert!(sniff(fixture!("xunit1-pickles.xml")));
    assert!(!sniff(b"<testsuites>"));
    assert!(!sniff(b"<test-run>"));
}
