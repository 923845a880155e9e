use super::*;
use crate::parse::tests_common::{counts, hostile};

fn parse_str(text: &str) -> Result<TestReport, ParseError> {
    parse(text.as_bytes())
}

macro_rules! fixture {
    ($name:literal) => {
        &include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/tests/dart/",
            $name
        ))[..]
    };
}

/// Expected counts are the streams' own `testDone` events, hidden ones aside (see
/// tests/fixtures/tests/dart/README.md); both runs end with `{"success":false,"type":"done"}`.
/// `[total, passed, failed, errors, skipped, flaky]`.
#[test]
fn fixtures_match_their_test_done_events() {
    let r = parse(fixture!("dorny-dart-json.jsonl")).unwrap();
    assert_eq!(counts(&r), [6, 1, 1, 3, 1, 0]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let failing = r
        .cases
        .iter()
        .find(|c| c.outcome == TestOutcome::Failed)
        .unwrap();
    assert_eq!(failing.name, "Test 1 Test 1.1 Failing test");
    assert_eq!(failing.suite, "test\\main_test.dart");
    assert_eq!(failing.message.as_deref(), Some("Expected: <2>"));
    assert_eq!(failing.location.as_ref().unwrap().line, Some(12));
    assert!(
        failing
            .location
            .as_ref()
            .unwrap()
            .path
            .ends_with("main_test.dart")
    );

    // publish-unit-test-result-action's own parse of this file agrees: 20 tests, 1 skipped,
    // 1 failure, 2 errors.
    let r = parse(fixture!("enricomi-tests.jsonl")).unwrap();
    assert_eq!(counts(&r), [20, 16, 1, 2, 1, 0]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

const START: &str =
    r#"{"protocolVersion":"0.1.1","runnerVersion":"1.25.0","pid":1,"type":"start","time":0}"#;

#[test]
fn a_suite_that_fails_to_load_is_an_error() {
    let r = parse_str(&format!(
        "{START}\n{}\n{}\n{}\n{}\n{}\n",
        r#"{"suite":{"id":0,"platform":"vm","path":"test/a_test.dart"},"type":"suite","time":0}"#,
        r#"{"test":{"id":1,"name":"loading test/a_test.dart","suiteID":0,"groupIDs":[]},"type":"testStart","time":1}"#,
        r#"{"testID":1,"error":"Failed to load \"test/a_test.dart\": Compilation failed","stackTrace":"","isFailure":false,"type":"error","time":2}"#,
        r#"{"testID":1,"result":"error","skipped":false,"hidden":true,"type":"testDone","time":3}"#,
        r#"{"success":false,"type":"done","time":4}"#,
    ))
    .unwrap();
    assert_eq!(counts(&r), [1, 0, 0, 1, 0, 0]);
    assert_eq!(r.cases[0].suite, "test/a_test.dart");
    assert_eq!(
        r.cases[0].message.as_deref(),
        Some("Failed to load \"test/a_test.dart\": Compilation failed")
    );
}

#[test]
fn the_run_fails_closed() {
    // No `done`: the runner died; one test never finished.
    let r = parse_str(&format!(
        "{START}\n{}\n{}\n{}\n",
        r#"{"test":{"id":1,"name":"a","suiteID":0,"groupIDs":[]},"type":"testStart","time":1}"#,
        r#"{"testID":1,"result":"success","skipped":false,"hidden":false,"type":"testDone","time":3}"#,
        r#"{"test":{"id":2,"name":"b","suiteID":0,"groupIDs":[]},"type":"testStart","time":1}"#,
    ))
    .unwrap();
    assert_eq!(counts(&r), [3, 1, 0, 2, 0, 0]);
    assert_eq!(r.cases[0].name, "b");
    assert_eq!(r.cases[1].name, "test run");
    // `done` says failure although every test passed.
    let r = parse_str(&format!(
        "{START}\n{}\n",
        r#"{"success":false,"type":"done","time":4}"#
    ))
    .unwrap();
    assert_eq!(counts(&r), [1, 0, 0, 1, 0, 0]);
    // A passing run.
    let r = parse_str(&format!(
        "{START}\n{}\n{}\n{}\n",
        r#"{"test":{"id":1,"name":"a","suiteID":0,"groupIDs":[],"root_url":"file:///p/test/a_test.dart","root_line":7},"type":"testStart","time":1}"#,
        r#"{"testID":1,"result":"weird","skipped":false,"hidden":false,"type":"testDone","time":3}"#,
        r#"{"success":true,"type":"done","time":4}"#,
    ))
    .unwrap();
    assert_eq!(counts(&r), [1, 0, 0, 1, 0, 0]);
    assert_eq!(
        r.cases[0].location,
        Some(Location {
            path: "/p/test/a_test.dart".into(),
            line: Some(7)
        })
    );
    assert_eq!(r.notes.len(), 1);
}

#[test]
fn errors_name_the_line() {
    let err = parse_str(&format!("{START}\n{{\"type\": 1}}\n")).unwrap_err();
    assert!(
        err.message.starts_with("not a Dart reporter event"),
        "{err}"
    );
    assert!(
        matches!(err.position, Some(Position::LineCol { line: 2, .. })),
        "{err}"
    );
    let err = parse_str("hello\n").unwrap_err();
    assert!(err.message.contains("no event"), "{err}");
}

#[test]
fn hostile_inputs_never_panic() {
    for bytes in [
        fixture!("dorny-dart-json.jsonl"),
        fixture!("enricomi-tests.jsonl"),
    ] {
        hostile::survives(bytes, |b| parse(b));
    }
}

#[test]
fn sniff_claims_only_dart_events() {
    assert!(sniff(fixture!("dorny-dart-json.jsonl")));
    assert!(sniff(fixture!("enricomi-tests.jsonl")));
    assert!(!sniff(
        b"{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"T\"}"
    ));
    assert!(!sniff(b"{\"stats\":{}}"));
}
