use super::*;
use crate::parse::tests_common::{counts, hostile};

fn parse_str(text: &str) -> Result<TestReport, ParseError> {
    parse(text.as_bytes())
}

const FIXTURE: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/tests/mocha/mochawesome.json"
));

/// mochawesome 8.1.1's own stats for the suite (tests/fixtures/tests/mocha/README.md):
/// `{testsRegistered: 8, passes: 3, failures: 2, pending: 2, skipped: 1, other: 1}` (`other` is
/// the failed `before all` hook). `[total, passed, failed, errors, skipped, flaky]`.
#[test]
fn fixture_matches_mochawesomes_stats() {
    let r = parse(FIXTURE).unwrap();
    assert_eq!(counts(&r), [9, 3, 2, 1, 3, 0]);
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
        Some("Error: cannot open the inventory database")
    );
    assert_eq!(
        hook.location,
        Some(Location {
            path: "/test/cart.spec.js".into(),
            line: Some(15)
        })
    );
    let failed = r
        .cases
        .iter()
        .find(|c| c.name == "cart checkout throws on an empty cart")
        .unwrap();
    assert_eq!(failed.message.as_deref(), Some("TypeError: cart is empty"));
}

#[test]
fn nested_suites_and_tests_without_an_outcome() {
    let r = parse_str(
        r#"{"stats":{"passes":1},"results":[{"file":"a.js","tests":[],"suites":[{"file":"a.js","tests":[
            {"fullTitle":"x","pass":true},{"fullTitle":"y"}],
            "suites":[{"file":"","suites":null,"tests":[{"fullTitle":"z","fail":true,"err":{"message":"no","estack":"Error: no\n    at a.js:9:1"}}]}]}]}]}"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [3, 1, 1, 1, 0, 0]);
    assert_eq!(r.cases[1].location, None);
    assert!(
        r.notes.iter().any(|n| n.contains("first: \"y\"")),
        "{:?}",
        r.notes
    );
}

#[test]
fn errors_carry_positions_and_nesting_is_bounded() {
    let err = parse_str("{\"results\": [ {\"tests\": [ {\"pass\": \"yes\"} ] } ]}").unwrap_err();
    assert!(err.position.is_some(), "{err}");
    let deep = format!("{{\"results\":[{}", "{\"suites\":[".repeat(5_000));
    let err = parse_str(&deep).unwrap_err();
    assert!(err.message.contains("recursion limit"), "{err}");
    let err = parse_str("{\"results\": [").unwrap_err();
    assert!(err.message.starts_with("truncated JSON"), "{err}");
}

#[test]
fn hostile_inputs_never_panic() {
    hostile::survives(FIXTURE, |b| parse(b));
}

#[test]
fn sniff_claims_only_mochawesome() {
    assert!(sniff(FIXTURE));
    assert!(!sniff(include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tests/mocha/mocha-json.json"
    ))));
    assert!(!sniff(b"{\"Results\": [], \"SchemaVersion\": 2}"));
}
