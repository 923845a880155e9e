use super::*;
use crate::parse::tests_common::{counts, hostile};

fn parse_str(text: &str) -> Result<TestReport, ParseError> {
    parse(text.as_bytes())
}

const FIXTURE: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/tests/rspec/rspec.json"
));
const LOAD_ERROR: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/tests/rspec/rspec-load-error.json"
));

/// RSpec 3.12's own summary lines (tests/fixtures/tests/rspec/README.md): "6 examples, 2
/// failures, 2 pending" and "0 examples, 0 failures, 1 error occurred outside of examples".
/// `[total, passed, failed, errors, skipped, flaky]`.
#[test]
fn fixtures_match_rspecs_summary() {
    let r = parse(FIXTURE).unwrap();
    assert_eq!(counts(&r), [6, 2, 2, 0, 2, 0]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let zero = r
        .cases
        .iter()
        .find(|c| c.name == "Calculator raises on zero")
        .unwrap();
    assert_eq!(zero.message.as_deref(), Some("divided by 0"));
    assert_eq!(
        zero.location,
        Some(Location {
            path: "./spec/calculator_spec.rb".into(),
            line: Some(15)
        })
    );
    let divides = r
        .cases
        .iter()
        .find(|c| c.name == "Calculator divides exactly")
        .unwrap();
    assert_eq!(divides.message.as_deref(), Some("expected: 3.5"));

    let r = parse(LOAD_ERROR).unwrap();
    assert_eq!(counts(&r), [1, 0, 0, 1, 0, 0]);
    assert_eq!(
        r.cases[0].message.as_deref(),
        Some(
            "An error occurred while loading ./spec/broken_spec.rb. cannot load such file -- missing_library_that_does_not_exist"
        )
    );
}

#[test]
fn unknown_status_and_summary_cross_check() {
    let r = parse_str(
        r#"{"examples":[{"full_description":"a","status":"passed"},{"full_description":"b","status":"exploded"}],
            "summary":{"example_count":3,"failure_count":0,"pending_count":0,"errors_outside_of_examples_count":0}}"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [2, 1, 0, 1, 0, 0]);
    assert_eq!(r.notes.len(), 2, "{:?}", r.notes);
}

#[test]
fn a_huge_outside_error_count_is_counted_not_looped() {
    let r = parse_str(
        r#"{"examples":[],"summary":{"errors_outside_of_examples_count":18446744073709551615}}"#,
    )
    .unwrap();
    assert_eq!(r.errors, u64::MAX);
    assert_eq!(r.total, u64::MAX);
    assert_eq!(r.cases.len(), crate::evidence::MAX_ITEMS);
}

#[test]
fn errors_carry_positions() {
    let err = parse_str("{\"examples\": [\n {\"status\": 1}]}").unwrap_err();
    assert_eq!(
        err.position,
        Some(crate::parse::Position::LineCol {
            line: 2,
            column: 14
        })
    );
    let err = parse_str("{\"examples\": [").unwrap_err();
    assert!(err.message.starts_with("truncated JSON"), "{err}");
}

#[test]
fn hostile_inputs_never_panic() {
    hostile::survives(FIXTURE, |b| parse(b));
    hostile::survives(LOAD_ERROR, |b| parse(b));
}

#[test]
fn sniff_claims_only_rspec() {
    assert!(sniff(FIXTURE));
    assert!(sniff(LOAD_ERROR));
    assert!(!sniff(b"{\"stats\":{},\"tests\":[]}"));
    assert!(!sniff(b"{\"version\":\"2.1.0\",\"runs\":[]}"));
}
