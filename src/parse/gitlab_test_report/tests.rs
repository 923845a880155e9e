use super::*;

fn parse_str(json: &str) -> Result<TestReport, ParseError> {
    parse(json.as_bytes())
}

fn counts(r: &TestReport) -> [u64; 5] {
    [r.total, r.passed, r.failed, r.errors, r.skipped]
}

#[test]
fn counts_come_from_test_cases() {
    let r = parse_str(
        r#"{"total_time": 5, "total_count": 4, "success_count": 1, "failed_count": 1,
            "skipped_count": 1, "error_count": 1,
            "test_suites": [{"name": "rspec", "total_count": 4, "success_count": 1,
              "failed_count": 1, "skipped_count": 1, "error_count": 1, "suite_error": null,
              "test_cases": [
                {"status": "success", "name": "ok", "classname": "a", "execution_time": 1.5},
                {"status": "failed", "name": "boom", "classname": "a", "file": "./spec/a_spec.rb",
                 "system_output": "Failure/Error: expected 3\n  got 2", "stack_trace": null,
                 "recent_failures": {"count": 3, "base_branch": "main"}},
                {"status": "skipped", "name": "later", "classname": "a"},
                {"status": "error", "name": "crash", "classname": "a", "system_output": null,
                 "stack_trace": "\n  RuntimeError: no db\n  at x"}
              ]}]}"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [4, 1, 1, 1, 1]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let boom = &r.cases[0];
    assert_eq!(
        (boom.suite.as_str(), boom.id().as_str()),
        ("rspec", "a.boom")
    );
    assert_eq!(boom.message.as_deref(), Some("Failure/Error: expected 3"));
    assert_eq!(
        boom.location,
        Some(Location {
            path: "./spec/a_spec.rb".into(),
            line: None
        })
    );
    assert_eq!(r.cases[1].message.as_deref(), Some("RuntimeError: no db"));
}

#[test]
fn system_output_shapes() {
    let r = parse_str(
        r#"{"total_count": 4, "test_suites": [{"test_cases": [
            {"status": "error", "name": "s", "system_output": "as string"},
            {"status": "error", "name": "o", "system_output": {"message": "as object", "type": "E"}},
            {"status": "error", "name": "a", "system_output": ["as array", "second"]},
            {"status": "error", "name": "n", "system_output": null},
            {"status": "error", "name": "x", "system_output": 42}
        ], "name": "late name"}]}"#,
    )
    .unwrap();
    let messages: Vec<_> = r.cases.iter().map(|c| c.message.as_deref()).collect();
    assert_eq!(
        messages,
        [
            Some("as string"),
            Some("as object"),
            Some("as array"),
            None,
            None
        ]
    );
    assert!(r.cases.iter().all(|c| c.suite == "late name"));
    assert_eq!(
        r.notes,
        ["declared total_count=4 on the test report but its test cases give total_count=5"]
    );
}

#[test]
fn disagreements_become_notes() {
    let r = parse_str(
        r#"{"total_count": 9, "success_count": 5, "error_count": 4,
            "test_suites": [{"name": "Failing", "total_count": 8, "success_count": 4, "error_count": 4,
              "test_cases": [{"status": "error", "name": "a"}, {"status": "success", "name": "b"}]}]}"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [2, 1, 0, 1, 0]);
    assert_eq!(
        r.notes,
        [
            "declared total_count=8, success_count=4, error_count=4 on suite \"Failing\" but its test cases give total_count=2, success_count=1, error_count=1",
            "declared total_count=9, success_count=5, error_count=4 on the test report but its test cases give total_count=2, success_count=1, error_count=1",
        ]
    );
}

#[test]
fn summary_shape_uses_declared_counts() {
    let r = parse_str(
        r#"{"total": {"time": 1904, "count": 3363, "success": 3351, "failed": 0, "skipped": 12,
                      "error": 0, "suite_error": null},
            "test_suites": [{"name": "test", "total_time": 1904, "total_count": 3363,
                             "success_count": 3351, "failed_count": 0, "skipped_count": 12,
                             "error_count": 0, "build_ids": [66004], "suite_error": null}]}"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [3363, 3351, 0, 0, 12]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn summary_without_suites_uses_total_and_suite_errors_count() {
    let r = parse_str(
        r#"{"total": {"count": 3, "success": 2, "failed": 1, "skipped": 0, "error": 0, "suite_error": null},
            "test_suites": []}"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [3, 2, 1, 0, 0]);

    let r = parse_str(
        r#"{"total": {"count": 0, "success": 0, "failed": 0, "skipped": 0, "error": 0,
                      "suite_error": "JUnit XML parsing failed: 1:1: FATAL: Document is empty"},
            "test_suites": [{"name": "rspec", "total_count": 0, "success_count": 0, "failed_count": 0,
                             "skipped_count": 0, "error_count": 0, "build_ids": [1],
                             "suite_error": "JUnit XML parsing failed: 1:1: FATAL: Document is empty"}]}"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [1, 0, 0, 1, 0]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    assert_eq!(r.cases[0].name, "rspec");
    assert_eq!(
        r.cases[0].message.as_deref(),
        Some("JUnit XML parsing failed: 1:1: FATAL: Document is empty")
    );
}

#[test]
fn unknown_status_is_an_error_with_a_note() {
    let r = parse_str(r#"{"test_suites": [{"name": "s", "test_cases": [{"status": "weird", "name": "a"}, {"name": "b"}]}]}"#)
        .unwrap();
    assert_eq!(counts(&r), [2, 0, 0, 2, 0]);
    assert_eq!(
        r.notes,
        ["2 test case(s) with an unknown status (first: \"weird\") counted as errors"]
    );
}

#[test]
fn empty_test_cases_with_declared_counts() {
    let r = parse_str(
        r#"{"total_count": 2, "test_suites": [{"name": "s", "total_count": 2, "success_count": 2, "test_cases": []}]}"#,
    )
    .unwrap();
    assert_eq!(counts(&r), [2, 2, 0, 0, 0]);
    assert_eq!(
        r.notes,
        ["suite \"s\" lists no test cases; its declared counts (2 tests) are used"]
    );
}

#[test]
fn bad_input_is_a_positioned_error() {
    let err = parse_str("[1, 2]").unwrap_err();
    assert!(
        err.message
            .contains("expected a GitLab pipeline test_report"),
        "{err}"
    );
    assert_eq!(err.position, Some(Position::LineCol { line: 1, column: 1 }));

    let err = parse_str("{\"total_count\": 1,\n \"success_count\": \"five\"}").unwrap_err();
    assert!(
        err.message.contains("invalid type: string \"five\""),
        "{err}"
    );
    assert!(
        matches!(err.position, Some(Position::LineCol { line: 2, .. })),
        "{err}"
    );

    let err = parse_str(r#"{"test_suites": [{"test_cases": [{"status": "success"#).unwrap_err();
    assert!(err.message.contains("EOF"), "{err}");

    let err = parse_str(r#"{"vulnerabilities": []}"#).unwrap_err();
    assert!(err.message.starts_with("not a GitLab test report"), "{err}");

    let err = parse_str("{} trailing").unwrap_err();
    assert!(err.message.contains("trailing characters"), "{err}");

    let err = parse(&[0xFF, 0xFE, b'{', 0][..]).unwrap_err();
    assert!(err.message.contains("UTF-16"), "{err}");

    let deep = format!("{{\"x\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(parse_str(&deep).is_err());
}

#[test]
fn bom_is_skipped() {
    let r = parse("\u{feff}{\"total_count\": 0, \"test_suites\": []}".as_bytes()).unwrap();
    assert_eq!(r.total, 0);
}

#[test]
fn sniff_needs_gitlab_keys() {
    assert!(sniff(
        br#"{"total_time": 1, "total_count": 1, "success_count": 1, "test_suites": ["#
    ));
    assert!(sniff(
        br#"  {"total": {"count": 0, "suite_error": null}, "test_suites": []}"#
    ));
    assert!(!sniff(br#"{"version": "2.1.0", "runs": []}"#));
    assert!(!sniff(br#"{"SchemaVersion": 2, "Results": []}"#));
    assert!(!sniff(b"<testsuites/>"));
}
