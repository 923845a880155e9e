use super::*;
use crate::parse::tests_common::{counts, hostile};

fn parse_str(text: &str) -> Result<TestReport, ParseError> {
    parse(text.as_bytes())
}

macro_rules! fixture {
    ($name:literal) => {
        &include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/tests/tap/",
            $name
        ))[..]
    };
}

/// node 20.20.2's own closing comments: `# tests 7`, `# pass 3`, `# fail 2`, `# skipped 1`,
/// `# todo 1` (leaf tests; the two suites are not tests). The TODO counts as skipped here.
/// `[total, passed, failed, errors, skipped, flaky]`.
#[test]
fn node_test_runner_tap_matches_its_summary() {
    let r = parse(fixture!("node-test.tap")).unwrap();
    assert_eq!(counts(&r), [7, 3, 2, 0, 2, 0]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let divides = r.cases.iter().find(|c| c.name == "divides").unwrap();
    assert_eq!(
        divides.message.as_deref(),
        Some("Expected values to be strictly equal:")
    );
    assert_eq!(
        divides.location,
        Some(Location {
            path: "/tmp/fx/tap/math.test.mjs".into(),
            line: Some(5)
        })
    );
    let junk = r.cases.iter().find(|c| c.name == "rejects junk").unwrap();
    assert_eq!(junk.location.as_ref().unwrap().line, Some(10));
}

/// `prove t/basic.t`: "Tests: 7 Failed: 3" counting the subtest `parser` as one test; here its
/// two leaves count instead (one passed, one failed), so 8 tests with the same 3 failures
/// (`adds`, `writes`, `compares`), and the skip and the TODO skipped.
#[test]
fn perl_test_more_matches_prove() {
    let r = parse(fixture!("perl-basic.tap")).unwrap();
    assert_eq!(counts(&r), [8, 3, 3, 0, 2, 0]);
    let names: Vec<_> = r.cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["adds", "writes", "compares"]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

/// `prove t/bail.t`: "Tests: 2 Failed: 0", "Bad plan. You planned 4 tests but ran 2", "FAILED--
/// Further testing stopped: database is gone". The bail out stands for test 3, test 4 is
/// missing: 2 errors.
#[test]
fn bail_out_and_the_plan_are_errors() {
    let r = parse(fixture!("perl-bail.tap")).unwrap();
    assert_eq!(counts(&r), [4, 2, 0, 2, 0, 0]);
    assert_eq!(
        r.cases[0].message.as_deref(),
        Some("Bail out! database is gone")
    );
    assert_eq!(r.cases[1].name, "test 3 (planned, not run)");
}

/// `prove t/short.t`: "Tests: 2 Failed: 0", "Bad plan. You planned 5 tests but ran 2": the
/// three missing tests are errors.
#[test]
fn missing_planned_tests_are_errors() {
    let r = parse(fixture!("perl-short.tap")).unwrap();
    assert_eq!(counts(&r), [5, 2, 0, 3, 0, 0]);
    assert_eq!(r.cases.len(), 1);
    assert_eq!(
        r.cases[0].message.as_deref(),
        Some("planned 5 test(s) but only 2 ran")
    );
}

#[test]
fn directives_and_plans() {
    let r = parse_str(
        "TAP version 14\n1..6\nok 1 - a\nnot ok 2 - b # TODO later\nok 3 - c # todo bonus\nnot ok 4 # SKIP no db\nok 5 - has \\# hash\nok - six\n",
    )
    .unwrap();
    assert_eq!(counts(&r), [6, 3, 0, 0, 3, 0]);
    let r = parse_str("1..0 # SKIP no tests on this platform\n").unwrap();
    assert_eq!(counts(&r), [0, 0, 0, 0, 0, 0]);
    let r = parse_str("ok 1\nok 2\n").unwrap();
    assert_eq!(counts(&r), [3, 2, 0, 1, 0, 0], "no plan");
    let r = parse_str("1..1\nok 1\nok 2\n").unwrap();
    assert_eq!(counts(&r), [3, 2, 0, 1, 0, 0], "more than planned");
}

#[test]
fn a_failed_parent_with_passing_children_is_an_error() {
    let r = parse_str(
        "1..2\n# Subtest: suite\n    1..1\n    ok 1 - inner\nnot ok 1 - suite\n  ---\n  error: 'after hook failed'\n  ...\n    # Subtest: other\n    ok 1 - x\nok 2 - other\n",
    )
    .unwrap();
    // `other` has one child at depth 1 but its header is indented: still its child.
    assert_eq!(counts(&r), [3, 2, 0, 1, 0, 0]);
    assert_eq!(r.cases[0].name, "suite");
}

#[test]
fn huge_plans_are_counted_not_looped() {
    let r = parse_str("1..18446744073709551615\nok 1\n").unwrap();
    assert_eq!(r.errors, u64::MAX - 1);
    assert_eq!(r.cases.len(), 1);
}

#[test]
fn not_tap_is_an_error() {
    let err = parse_str("hello\nworld\n").unwrap_err();
    assert!(err.message.starts_with("not TAP"), "{err}");
    assert_eq!(err.position, Some(Position::LineCol { line: 2, column: 1 }));
    assert!(parse_str("").is_err());
}

#[test]
fn deep_nesting_is_bounded() {
    let mut text = String::from("1..1\n");
    for depth in (1..200).rev() {
        text.push_str(&" ".repeat(depth * 4));
        text.push_str("ok 1 - x\n");
    }
    text.push_str("ok 1 - top\n");
    let r = parse_str(&text).unwrap();
    assert!(
        r.notes.iter().any(|n| n.contains("deeper")),
        "{:?}",
        r.notes
    );
}

#[test]
fn hostile_inputs_never_panic() {
    for bytes in [
        fixture!("node-test.tap"),
        fixture!("perl-basic.tap"),
        fixture!("perl-bail.tap"),
        fixture!("perl-short.tap"),
    ] {
        hostile::survives(bytes, |b| parse(b));
    }
}

#[test]
fn sniff_claims_only_tap() {
    assert!(sniff(fixture!("node-test.tap")));
    assert!(sniff(fixture!("perl-basic.tap")));
    assert!(sniff(b"ok 1 - a\n"));
    assert!(!sniff(b"ok  \texample.com/x\t0.1s\n"));
    assert!(!sniff(b"TN:\nSF:a.c\n"));
    assert!(!sniff(b"mode: set\n"));
    assert!(!sniff(b"okay\n"));
}
