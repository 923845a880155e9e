use super::*;
use crate::parse::tests_common::{counts, hostile};

fn parse_str(text: &str) -> Result<TestReport, ParseError> {
    parse(text.as_bytes())
}

const FIXTURE: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/tests/mocha/mocha-json.json"
));

/// mocha 12.0.3's own summary for the suite (tests/fixtures/tests/mocha/README.md): "3 passing,
/// 2 pending, 3 failing" (one failure is a `before all` hook) and stats `{tests: 7, passes: 3,
/// pending: 2, failures: 3}`; one passing test needed a retry. `[total, passed, failed, errors,
/// skipped, flaky]`.
#[test]
fn fixture_matches_mochas_summary() {
    let r = parse(FIXTURE).unwrap();
    assert_eq!(counts(&r), [8, 3, 2, 1, 2, 1]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let hook = r
        .cases
        .iter()
        .find(|c| c.outcome == TestOutcome::Errored)
        .unwrap();
    assert_eq!(
        hook.name,
        "inventory \"before all\" hook for \"counts stock\""
    );
    assert_eq!(
        hook.message.as_deref(),
        Some("cannot open the inventory database")
    );
    let failed = r
        .cases
        .iter()
        .find(|c| c.name == "cart computes the total")
        .unwrap();
    assert_eq!(
        failed.message.as_deref(),
        Some("Expected values to be strictly equal:")
    );
    let location = failed.location.as_ref().unwrap();
    assert!(location.path.ends_with("cart.spec.js"));
    assert_eq!(location.line, Some(5));
    let flaky = r
        .cases
        .iter()
        .find(|c| c.outcome == TestOutcome::Flaky)
        .unwrap();
    assert_eq!(flaky.name, "retries passes on the second attempt");
}

#[test]
fn tests_alone_are_read_when_the_lists_are_missing() {
    let r = parse_str(
        r#"{"stats":{"tests":3,"passes":1,"pending":1,"failures":1,"duration":1},
            "tests":[{"fullTitle":"a","err":{}},{"fullTitle":"b","err":{"message":"no"}},{"fullTitle":"c","pending":true,"err":{}}]}"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [3, 1, 1, 0, 1, 0]);
    assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
}

#[test]
fn stats_are_cross_checked() {
    let r = parse_str(
        r#"{"stats":{"tests":5,"passes":5,"pending":0,"failures":0},"tests":[{"fullTitle":"a","err":{}}],"pending":[],"failures":[],"passes":[{"fullTitle":"a","err":{}}]}"#,
    )
    .unwrap();
    assert_eq!(
        r.notes,
        ["declared tests=5, passes=5 on stats but its test cases give tests=1, passes=1"]
    );
}

#[test]
fn errors_carry_positions() {
    let err = parse_str("{\"stats\": {},\n \"passes\": [ {\"fullTitle\": 3} ]}").unwrap_err();
    assert!(err.position.is_some(), "{err}");
    let err = parse_str("{\"stats\": {}, \"passes\": [").unwrap_err();
    assert!(err.message.starts_with("truncated JSON"), "{err}");
    let err = parse_str("[]").unwrap_err();
    assert!(err.message.contains("mocha"), "{err}");
    let err = parse_str("").unwrap_err();
    assert!(err.message.contains("empty input"), "{err}");
    let deep = format!("{{\"stats\":{}", "[".repeat(10_000));
    assert!(parse_str(&deep).is_err());
}

#[test]
fn hostile_inputs_never_panic() {
    hostile::survives(FIXTURE, |b| parse(b));
}

#[test]
fn sniff_claims_only_mocha_json() {
    assert!(sniff(FIXTURE));
    assert!(!sniff(include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tests/mocha/mochawesome.json"
    ))));
    assert!(!sniff(b"{\"test_suites\": []}"));
    assert!(!sniff(b"{\"version\":\"3.12.0\",\"examples\":[]}"));
}
