use super::*;
use crate::parse::xml::text::MAX_MESSAGE_CHARS;

fn parse_str(xml: &str) -> Result<TestReport, ParseError> {
    parse(xml.as_bytes())
}

fn counts(r: &TestReport) -> [u64; 6] {
    [r.total, r.passed, r.failed, r.errors, r.skipped, r.flaky]
}

#[test]
fn counts_outcomes_from_children() {
    let r = parse_str(
        r#"<testsuites><testsuite name="s">
            <testcase name="ok"/>
            <testcase name="f" classname="C"><failure message="boom">trace</failure></testcase>
            <testcase name="e"><error/></testcase>
            <testcase name="s"><skipped/></testcase>
        </testsuite></testsuites>"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [4, 1, 1, 1, 1, 0]);
    assert_eq!(r.cases.len(), 2);
    let failed = &r.cases[0];
    assert_eq!((failed.suite.as_str(), failed.id().as_str()), ("s", "C.f"));
    assert_eq!(failed.message.as_deref(), Some("boom"));
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn message_falls_back_to_first_body_line() {
    let r = parse_str(
        "<testsuite><testcase name=\"t\"><failure>\n\n   Error: expected &lt;1&gt;&#10;second line</failure></testcase></testsuite>",
    )
    .unwrap();
    assert_eq!(r.cases[0].message.as_deref(), Some("Error: expected <1>"));

    let r = parse_str("<testsuite><testcase name=\"t\"><error><![CDATA[  cdata first\nrest]]></error></testcase></testsuite>")
        .unwrap();
    assert_eq!(r.cases[0].message.as_deref(), Some("cdata first"));
}

#[test]
fn long_messages_are_capped() {
    let long = "x".repeat(2000);
    let r = parse_str(&format!(
        "<testsuite><testcase name=\"a\"><failure message=\"{long}\"/></testcase><testcase name=\"b\"><failure>{long}</failure></testcase></testsuite>"
    ))
    .unwrap();
    for case in &r.cases {
        let message = case.message.as_deref().unwrap();
        assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(message.ends_with('…'));
    }
}

#[test]
fn message_attribute_keeps_character_reference_newlines() {
    let r = parse_str(
        "<testsuite><testcase name=\"t\"><failure message=\"first&#10;second\"/></testcase></testsuite>",
    )
    .unwrap();
    assert_eq!(r.cases[0].message.as_deref(), Some("first\nsecond"));
}

#[test]
fn surefire_reruns_and_flakes() {
    let r = parse_str(
        r#"<testsuite name="S" tests="3" failures="1">
            <testcase name="flaky"><flakyFailure message="first try"><stackTrace>x</stackTrace></flakyFailure></testcase>
            <testcase name="flaky-error"><flakyError message="io"/></testcase>
            <testcase name="broken"><failure message="final"/><rerunFailure message="again"/><rerunFailure/></testcase>
            <testcase name="rerun-only"><rerunError message="again"/></testcase>
        </testsuite>"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [4, 2, 1, 1, 0, 2]);
    let by_name = |n: &str| r.cases.iter().find(|c| c.name == n).unwrap();
    assert_eq!(by_name("flaky").outcome, TestOutcome::Flaky);
    assert_eq!(by_name("flaky").message.as_deref(), Some("first try"));
    assert_eq!(by_name("broken").outcome, TestOutcome::Failed);
    assert_eq!(by_name("broken").message.as_deref(), Some("final"));
    assert_eq!(by_name("rerun-only").outcome, TestOutcome::Errored);
    assert_eq!(
        r.notes,
        [
            "declared tests=3 on <testsuite name=\"S\"> but its test cases give tests=4 (2 flaky, counted as passed)"
        ]
    );
}

#[test]
fn status_and_result_attributes() {
    let r = parse_str(
        r#"<testsuite>
            <testcase name="a" status="fail"/>
            <testcase name="b" status='errored'/>
            <testcase name="c" status="disabled"/>
            <testcase name="d" status="notrun" result="suppressed"/>
            <testcase name="e" status="run" result="skipped"/>
            <testcase name="f" status="run" result="completed"/>
            <testcase name="g" status="passed"><failure/></testcase>
        </testsuite>"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [7, 1, 2, 1, 3, 0]);
}

#[test]
fn error_directly_under_suite_is_one_errored_test() {
    let r = parse_str(
        r#"<testsuites>
            <testsuite name="pkg/a" tests="0" errors="1"><error message="cannot load module">trace</error></testsuite>
            <testsuite name="pkg/b"><failure>
              setup crashed
            </failure><testcase name="t"/></testsuite>
        </testsuites>"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [3, 1, 0, 2, 0, 0]);
    assert_eq!(r.cases[0].name, "pkg/a");
    assert_eq!(r.cases[0].suite, "pkg/a");
    assert_eq!(r.cases[0].message.as_deref(), Some("cannot load module"));
    assert_eq!(r.cases[1].message.as_deref(), Some("setup crashed"));
    assert_eq!(
        r.notes,
        ["declared tests=0 on <testsuite name=\"pkg/a\"> but its test cases give tests=1"]
    );
}

#[test]
fn nested_suites_aggregate_and_cases_take_the_innermost_name() {
    let r = parse_str(
        r#"<testsuites tests="3"><testsuite name="outer" tests="3" failures="1">
            <testsuite name="inner" tests="2"><testcase name="a"/><testcase name="b"><failure/></testcase></testsuite>
            <testcase name="c"/>
        </testsuite></testsuites>"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [3, 2, 1, 0, 0, 0]);
    assert_eq!(r.cases[0].suite, "inner");
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn declared_counts_are_cross_checked() {
    let r = parse_str(
        r#"<testsuites tests="8" failures="0"><testsuite tests="1" failures="0" errors="0" skipped="1" disabled="1">
            <testcase name="a"><skipped/></testcase><testcase name="b" status="disabled"/><testcase name="c"/>
        </testsuite></testsuites>"#,
    )
    .unwrap();
    assert_eq!(
        r.notes,
        [
            "declared tests=1 on <testsuite> but its test cases give tests=3",
            "declared tests=8 on <testsuites> but its test cases give tests=3",
        ]
    );
}

#[test]
fn notes_are_capped() {
    let mut xml = String::from("<testsuites>");
    for _ in 0..MAX_NOTES + 7 {
        xml.push_str("<testsuite tests=\"2\"><testcase name=\"a\"/></testsuite>");
    }
    xml.push_str("</testsuites>");
    let r = parse_str(&xml).unwrap();
    assert_eq!(r.notes.len(), MAX_NOTES + 1);
    assert_eq!(r.notes.last().unwrap(), "… and 7 more count disagreements");
}

#[test]
fn locations_from_failure_or_testcase() {
    let r = parse_str(
        r#"<testsuite name="s">
            <testcase name="catch2"><failure file="t.cpp" line="19" message="m"/></testcase>
            <testcase name="gitleaks" file="auth.py"><failure message="m"/></testcase>
            <testcase name="both" file="a.py" line="7"><failure line="9"/></testcase>
        </testsuite>"#,
    )
    .unwrap();
    let locations: Vec<_> = r
        .cases
        .iter()
        .map(|c| c.location.clone().unwrap())
        .collect();
    assert_eq!(
        locations[0],
        Location {
            path: "t.cpp".into(),
            line: Some(19)
        }
    );
    assert_eq!(
        locations[1],
        Location {
            path: "auth.py".into(),
            line: None
        }
    );
    assert_eq!(
        locations[2],
        Location {
            path: "a.py".into(),
            line: Some(9)
        }
    );
}

#[test]
fn pytest_lines_become_one_based() {
    let r = parse_str(
        r#"<testsuites name="pytest tests"><testsuite name="pytest"><testcase classname="m" name="t" file="m.py" line="14"><failure message="x"/></testcase></testsuite></testsuites>"#,
    )
    .unwrap();
    assert_eq!(
        r.cases[0].location,
        Some(Location {
            path: "m.py".into(),
            line: Some(15)
        })
    );
}

#[test]
fn entities_quotes_and_bom() {
    let r = parse(
        "\u{feff}<testsuite name='a &amp; b'><testcase name='say &quot;hi&quot;' classname=\"c&#x2019;s\"><error message='&lt;x&gt;'/></testcase></testsuite>"
            .as_bytes(),
    )
    .unwrap();
    let case = &r.cases[0];
    assert_eq!(
        (case.suite.as_str(), case.name.as_str()),
        ("a & b", "say \"hi\"")
    );
    assert_eq!(case.classname, "c’s");
    assert_eq!(case.message.as_deref(), Some("<x>"));
}

#[test]
fn undefined_entities_stay_literal() {
    let r = parse_str(
        "<!DOCTYPE x [<!ENTITY boom \"BOOM\">]><testsuite><testcase name=\"&boom;\"><failure>&boom; text</failure></testcase></testsuite>",
    )
    .unwrap();
    assert_eq!(r.cases[0].name, "&boom;");
    assert_eq!(r.cases[0].message.as_deref(), Some("&boom; text"));
}

#[test]
fn time_is_ignored() {
    let r = parse_str(r#"<testsuite time="2,503.1"><testcase name="a" time=""/><testcase name="b" time="1967986371"/></testsuite>"#)
        .unwrap();
    assert_eq!(counts(&r), [2, 2, 0, 0, 0, 0]);
}

#[test]
fn utf16_is_transcoded() {
    let xml = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-16\"?><testsuite><testcase name=\"€\"><failure/></testcase></testsuite>";
    for big_endian in [false, true] {
        let bytes: Vec<u8> = xml
            .encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect();
        let r = parse(&bytes[..]).unwrap();
        assert_eq!(counts(&r), [1, 0, 1, 0, 0, 0]);
        assert_eq!(r.cases[0].name, "€");
        assert!(sniff(&bytes));
    }
}

#[test]
fn wrong_root_is_named() {
    let err = parse_str("<?xml version=\"1.0\"?>\n<coverage line-rate=\"1\"/>").unwrap_err();
    assert_eq!(
        err.message,
        "expected <testsuites> or <testsuite> root, found <coverage>"
    );
    assert_eq!(err.position, Some(Position::LineCol { line: 2, column: 1 }));
}

#[test]
fn errors_carry_line_and_column() {
    let err = parse_str(
        "<testsuites>\n  <testsuite>\n    <testcase name=\"a\">\n  </testsuite>\n</testsuites>",
    )
    .unwrap_err();
    assert!(err.message.starts_with("malformed XML"), "{err}");
    assert!(
        matches!(err.position, Some(Position::LineCol { line: 4, .. })),
        "{err}"
    );

    let err = parse_str("<testsuites>\n<testsuite>\n<testcase name=\"a\"/>").unwrap_err();
    assert!(
        matches!(err.position, Some(Position::LineCol { line: 3, .. })),
        "{err}"
    );
}

#[test]
fn structural_errors() {
    for (xml, expected) in [
        ("", "found end of input"),
        ("   \n", "found end of input"),
        ("hello", "found text"),
        (
            "<testsuite><testcase><testcase/></testcase></testsuite>",
            "<testcase> inside <testcase>",
        ),
        (
            "<testsuite><testcase><testsuite/></testcase></testsuite>",
            "<testsuite> inside <testcase>",
        ),
        ("<testsuite/><testsuite/>", "after the root element"),
        ("<testsuite/>trailing", "after the root element"),
        (
            "<testsuite><testcase name='a' name='b'/></testsuite>",
            "malformed attribute",
        ),
    ] {
        let err = parse_str(xml).unwrap_err();
        assert!(err.message.contains(expected), "{xml:?}: {err}");
    }
}

#[test]
fn deep_nesting_is_refused() {
    let xml = format!("<testsuites>{}", "<x>".repeat(MAX_DEPTH + 10));
    let err = parse_str(&xml).unwrap_err();
    assert!(err.message.contains("nest deeper"), "{err}");
}

#[test]
fn sniff_recognises_only_junit_roots() {
    assert!(sniff(b"<?xml version='1.0'?>\n<!-- c --><testsuites>"));
    assert!(sniff(b"\xEF\xBB\xBF<testsuite name=\"x\" tests=\"1\""));
    assert!(sniff(b"<testsuites/>"));
    assert!(!sniff(
        b"<?xml version=\"1.0\"?><!DOCTYPE coverage SYSTEM \"x.dtd\"><coverage>"
    ));
    assert!(!sniff(b"<report name=\"jacoco\">"));
    assert!(!sniff(b"{\"test_suites\": []}"));
    assert!(!sniff(b""));
    assert!(!sniff(b"\x00\x01\x02garbage"));
    assert!(!sniff(b"<testsuit"));
    assert!(!sniff(b"<!-- unterminated <testsuites>"));
    assert!(sniff(
        b"<!DOCTYPE t [<!ENTITY a \"<b>\">]><junit:testsuites xmlns:junit=\"u\">"
    ));
}

#[test]
fn defect_06_declared_failures_beyond_the_listed_cases_count() {
    let r = parse_str(
        r#"<testsuite name="x" tests="7" failures="3" errors="2"><testcase classname="a" name="t1"/></testsuite>"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [6, 1, 3, 2, 0, 0]);
    assert!(
        r.cases.iter().any(|c| c.name == "x: 3 unlisted failures"
            && c.message.as_deref().unwrap().contains("they count")),
        "{:?}",
        r.cases
    );
    let hostile = parse_str(
        r#"<testsuite name="x" tests="1" failures="4294967295"><testcase name="a"/></testsuite>"#,
    )
    .unwrap();
    assert_eq!(hostile.failed, 4_294_967_295, "counted without a case each");
    assert_eq!(hostile.cases.len(), 1);
}
