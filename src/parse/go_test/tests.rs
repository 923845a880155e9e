use super::*;
use crate::parse::tests_common::{counts, hostile};

fn parse_str(text: &str) -> Result<TestReport, ParseError> {
    parse(text.as_bytes())
}

macro_rules! fixture {
    ($name:literal) => {
        &include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/tests/go/",
            $name
        ))[..]
    };
}

/// Expected counts come from `go test -v` on the same suite (see tests/fixtures/tests/go/README.md):
/// 7 `--- PASS`, 5 `--- FAIL`, 1 `--- SKIP`, plus `FAIL example.com/fx/broken [build failed]`
/// and `FAIL example.com/fx/setupfail` with no failed test: `[total, passed, failed, errors,
/// skipped, flaky]`.
#[test]
fn go_test_json_matches_go_test_v() {
    let r = parse(fixture!("go-test-json.jsonl")).unwrap();
    assert_eq!(counts(&r), [15, 7, 5, 2, 1, 0]);
    let by_name = |n: &str| r.cases.iter().find(|c| c.name == n).unwrap();
    let div = by_name("TestDivWrong");
    assert_eq!(div.suite, "example.com/fx/calc");
    assert_eq!(div.message.as_deref(), Some("Div(7, 2) = 3, want 4"));
    assert_eq!(
        div.location,
        Some(Location {
            path: "calc_test.go".into(),
            line: Some(13)
        })
    );
    assert_eq!(
        by_name("TestTable/wrong").message.as_deref(),
        Some("Add(2, 2) = 4, want 5")
    );
    let setup = by_name("example.com/fx/setupfail (package)");
    assert_eq!(setup.outcome, TestOutcome::Errored);
    assert_eq!(
        setup.message.as_deref(),
        Some("cannot connect to the test database")
    );
    let broken = by_name("example.com/fx/broken (package)");
    assert_eq!(broken.message.as_deref(), Some("build failed"));
    assert_eq!(r.notes.len(), 0, "{:?}", r.notes);
}

/// The second run (`go test -json -run '^(TestFlaky|TestAlwaysFails)$' ./flaky`, appended as
/// gotestsum --rerun-fails does) passes TestFlaky and fails TestAlwaysFails again.
#[test]
fn an_appended_rerun_makes_flaky_tests() {
    let r = parse(fixture!("rerun-concatenated.jsonl")).unwrap();
    assert_eq!(counts(&r), [15, 8, 4, 2, 1, 1]);
    let flaky = r.cases.iter().find(|c| c.name == "TestFlaky").unwrap();
    assert_eq!(flaky.outcome, TestOutcome::Flaky);
    assert_eq!(flaky.message.as_deref(), Some("connection reset by peer"));
    let always = r
        .cases
        .iter()
        .filter(|c| c.name == "TestAlwaysFails")
        .count();
    assert_eq!(always, 1);
    assert!(
        r.rerun_notes()[0].starts_with("2 repeated run(s)"),
        "{:?}",
        r.rerun_notes()
    );
}

#[test]
fn go_1_24_build_events() {
    let r = parse_str(concat!(
        r##"{"ImportPath":"ex/calc [ex/calc.test]","Action":"build-output","Output":"# ex/calc [ex/calc.test]\n"}"##,
        "\n",
        r#"{"ImportPath":"ex/calc [ex/calc.test]","Action":"build-output","Output":"./calc_test.go:6:17: undefined: Value\n"}"#,
        "\n",
        r#"{"ImportPath":"ex/calc [ex/calc.test]","Action":"build-fail"}"#,
        "\n",
        r#"{"Action":"start","Package":"ex/calc"}"#,
        "\n",
        r#"{"Action":"output","Package":"ex/calc","Output":"FAIL\tex/calc [build failed]\n"}"#,
        "\n",
        r#"{"Action":"fail","Package":"ex/calc","Elapsed":0,"FailedBuild":"ex/calc [ex/calc.test]"}"#,
        "\n",
    ))
    .unwrap();
    assert_eq!(counts(&r), [1, 0, 0, 1, 0, 0]);
    assert_eq!(r.cases[0].name, "ex/calc (package)");
    assert_eq!(
        r.cases[0].message.as_deref(),
        Some("./calc_test.go:6:17: undefined: Value")
    );
}

#[test]
fn unfinished_tests_are_errors() {
    let r = parse_str(concat!(
        r#"{"Action":"run","Package":"p","Test":"TestHangs"}"#,
        "\n",
        r#"{"Action":"output","Package":"p","Test":"TestHangs","Output":"panic: test timed out after 10m0s\n"}"#,
        "\n",
        r#"{"Action":"fail","Package":"p","Elapsed":600}"#,
        "\n",
        r#"{"Action":"run","Package":"q","Test":"TestCut"}"#,
        "\n",
    ))
    .unwrap();
    assert_eq!(counts(&r), [2, 0, 0, 2, 0, 0]);
    assert_eq!(
        r.cases[0].message.as_deref(),
        Some("did not finish: panic: test timed out after 10m0s")
    );
    assert_eq!(r.cases[1].name, "TestCut");
}

#[test]
fn package_skip_and_pass_without_tests_count_nothing() {
    let r = parse_str(concat!(
        r#"{"Action":"output","Package":"a","Output":"?   \ta\t[no test files]\n"}"#,
        "\n",
        r#"{"Action":"skip","Package":"a","Elapsed":0}"#,
        "\n",
        r#"{"Action":"pass","Package":"b","Elapsed":0}"#,
        "\n",
    ))
    .unwrap();
    assert_eq!(counts(&r), [0, 0, 0, 0, 0, 0]);
}

#[test]
fn errors_name_the_line() {
    let err = parse_str("{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"T\"}\n{\"Action\":")
        .unwrap_err();
    assert!(err.message.starts_with("not a test2json event"), "{err}");
    assert_eq!(
        err.position,
        Some(Position::LineCol {
            line: 2,
            column: 10
        })
    );
    let err = parse_str("hello\nworld\n").unwrap_err();
    assert!(err.message.contains("no test2json event"), "{err}");
    let err = parse_str("").unwrap_err();
    assert!(err.message.contains("no test2json event"), "{err}");
}

#[test]
fn stderr_lines_are_noted() {
    let r =
        parse_str("warning: something\n{\"Action\":\"pass\",\"Package\":\"p\",\"Test\":\"T\"}\n")
            .unwrap();
    assert_eq!(counts(&r), [1, 1, 0, 0, 0, 0]);
    assert_eq!(r.notes.len(), 1);
}

#[test]
fn hostile_inputs_never_panic() {
    for bytes in [
        fixture!("go-test-json.jsonl"),
        fixture!("rerun-concatenated.jsonl"),
    ] {
        hostile::survives(bytes, |b| parse(b));
    }
    let many: String = (0..200_000)
        .map(|i| format!("{{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"T{i}\"}}\n"))
        .collect();
    let r = parse_str(&many).unwrap();
    assert_eq!(r.errors, MAX_RUNNING as u64);
    assert!(
        r.notes.iter().any(|n| n.contains("tracking bound")),
        "{:?}",
        r.notes
    );
}

#[test]
fn sniff_claims_only_test2json() {
    assert!(sniff(fixture!("go-test-json.jsonl")));
    assert!(sniff(
        b"{\"ImportPath\":\"x [x.test]\",\"Action\":\"build-output\"}"
    ));
    assert!(sniff(
        b"FAIL\tx [build failed]\n{\"Action\":\"run\",\"Package\":\"p\"}"
    ));
    assert!(!sniff(b"TAP version 13\nok 1 - a\n"));
    assert!(!sniff(b"{\"stats\":{\"suites\":1}}"));
    assert!(!sniff(
        b"{\"protocolVersion\":\"0.1.1\",\"type\":\"start\"}"
    ));
}
