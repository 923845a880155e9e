//! `gonogo inspect` prints what gonogo read from one report, in the documented JSON shape, and
//! exits 4 with the file and position when the file cannot be read as that kind.

use std::path::Path;

use serde_json::{Value, json};

use crate::support::{gonogo, ran, root};

fn inspect(args: &[&str]) -> (i32, String, String) {
    ran(&gonogo()
        .current_dir(root())
        .arg("inspect")
        .args(args)
        .output()
        .unwrap())
}

fn json_of(path: &str) -> Value {
    let (code, out, err) = inspect(&[path, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn tests_shape_with_detection() {
    let v = json_of("examples/stage3-nogo/reports/junit.xml");
    assert_eq!(v["kind"], "junit");
    assert_eq!(
        v["tests"],
        json!({"total": 8, "passed": 7, "failed": 1, "errors": 0, "skipped": 0, "flaky": 0})
    );
}

#[test]
fn coverage_shape_with_percentages() {
    let v = json_of("examples/stage3-nogo/reports/coverage.xml");
    assert_eq!(v["kind"], "cobertura");
    assert_eq!(v["coverage"]["lines_covered"], 22);
    assert_eq!(v["coverage"]["lines_total"], 27);
    assert_eq!(v["coverage"]["line_percent"], 81.48);
    assert_eq!(v["coverage"]["branch_percent"], 66.67);
    let lcov = json_of("examples/stage3-nogo/reports/coverage.lcov");
    assert_eq!(lcov["kind"], "lcov");
    assert_eq!(
        lcov["coverage"]["lines_covered"], 22,
        "coverage.py's LCOV and XML agree"
    );
}

#[test]
fn findings_shape_by_severity_and_category() {
    let v = json_of("examples/stage3-nogo/reports/trivy-image.json");
    assert_eq!(v["kind"], "trivy");
    assert_eq!(v["findings"]["total"], 4);
    assert_eq!(
        v["findings"]["by_severity"],
        json!({"critical": 2, "high": 1, "medium": 0, "low": 1, "info": 0, "unknown": 0})
    );
    assert_eq!(v["findings"]["by_category"], json!({"vulnerability": 4}));
}

#[test]
fn unreadable_reports_exit_4_with_file_and_position() {
    let dir = tempfile::tempdir().unwrap();
    let truncated = dir.path().join("junit.xml");
    std::fs::write(&truncated, "<testsuite><testcase name=\"a\">").unwrap();
    let p = truncated.to_str().unwrap();
    let (code, _, err) = inspect(&[p]);
    assert_eq!(code, 4);
    assert!(err.contains(&format!("{p}:1:31")), "{err}");
    assert!(err.contains("truncated"), "{err}");

    let (code, _, err) = inspect(&[p, "--kind", "cobertura"]);
    assert_eq!(code, 4);
    assert!(err.contains("found <testsuite>"), "{err}");

    let garbage = dir.path().join("garbage.bin");
    std::fs::write(&garbage, [0u8, 159, 146, 150, 255, 1, 2]).unwrap();
    let (code, _, err) = inspect(&[garbage.to_str().unwrap()]);
    assert_eq!(code, 4);
    assert!(err.contains("set `kind:`"), "{err}");

    let (code, _, err) = inspect(&[p, "--kind", "junitx"]);
    assert_eq!(code, 4);
    assert!(err.contains("unknown report kind `junitx`"), "{err}");
    assert!(Path::new(p).exists());
}
