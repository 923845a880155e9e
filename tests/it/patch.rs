//! Patch coverage end to end: `--diff FILE`, `--diff -`, `--diff-base REF` (a real git), and the
//! ways a diff can be missing or unusable, each leaving the patch rule inconclusive with why.

use serde_json::Value;

use crate::support::{self, Project, status};

const PACK: &str = r#"
pack: team
title: T
stages: [{number: 1, id: one, title: One}]
rules:
  - id: T-PATCH
    title: Changed lines are tested
    why: w
    reference: r
    level: fail
    check: {kind: coverage}
    expect: {patch_line_percent: ">= 80"}
  - id: T-ALL
    title: Some coverage
    why: w
    reference: r
    level: fail
    check: {kind: coverage}
    expect: {line_percent: ">= 1"}
"#;

fn project(coverage: &str) -> Project {
    let p = Project::new();
    p.write("team.yaml", PACK).write(
        "gonogo.yaml",
        &format!(
            "project: demo\npack: team\nrules: [team.yaml]\nstage: one\nsources:\n  coverage: {{path: {coverage}}}\n"
        ),
    );
    p
}

fn metric(v: &Value, name: &str) -> f64 {
    support::result(v, "T-PATCH")["metrics"][name]
        .as_f64()
        .unwrap_or_else(|| panic!("no {name}: {v}"))
}

/// The diff-cover fixture (tests/fixtures/patch): 23 coverable changed lines, 16 covered.
fn diff_cover_project() -> Project {
    let p = project("coverage.xml");
    p.copy("patch/python/coverage.xml", "coverage.xml")
        .copy("patch/python/change.diff", "change.diff");
    p
}

#[test]
fn a_diff_file_is_measured_and_recorded() {
    let p = diff_cover_project();
    let (code, v) = p.check_json(&["--diff", "change.diff"]);
    assert_eq!(code, 1, "69.6 % < 80: {v}");
    assert_eq!(status(&v, "T-PATCH"), "fail");
    assert_eq!(status(&v, "T-ALL"), "pass");
    assert_eq!(metric(&v, "patch_lines_total"), 23.0);
    assert_eq!(metric(&v, "patch_lines_covered"), 16.0);
    assert!((metric(&v, "patch_line_percent") - 1600.0 / 23.0).abs() < 1e-9);
    let patch = &v["patch"];
    assert!(
        patch["source"].as_str().unwrap().contains("change.diff"),
        "{v}"
    );
    assert_eq!(patch["sha256"].as_str().unwrap().len(), 64, "{v}");
    assert_eq!(patch["files_changed"], 6, "{v}");
    let notes = support::result(&v, "T-PATCH")["notes"].to_string();
    assert!(
        notes.contains("README.md"),
        "unknown files are listed: {notes}"
    );
    assert!(
        notes.contains("16-18"),
        "uncovered lines are listed: {notes}"
    );
}

#[test]
fn a_diff_on_stdin() {
    let p = diff_cover_project();
    let out = p
        .gonogo()
        .args(["check", "--format", "json", "--diff", "-"])
        .write_stdin(std::fs::read(p.path().join("change.diff")).unwrap())
        .output()
        .unwrap();
    let v = support::verdict(&out);
    assert_eq!(metric(&v, "patch_lines_covered"), 16.0);
    assert_eq!(v["patch"]["source"], "stdin");
}

#[test]
fn without_a_diff_only_patch_rules_are_inconclusive() {
    let p = diff_cover_project();
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 3, "{v}");
    let r = support::result(&v, "T-PATCH");
    assert_eq!(r["outcome"]["reason"], "not_configured", "{r}");
    assert!(
        r["message"].as_str().unwrap().contains("--diff-base"),
        "{r}"
    );
    assert_eq!(status(&v, "T-ALL"), "pass");
    assert!(v.get("patch").is_none_or(Value::is_null), "{v}");
}

#[test]
fn a_malformed_diff_says_where() {
    let p = diff_cover_project();
    p.write(
        "bad.diff",
        "--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,3 @@\n a\n+b\nnot a hunk line\n",
    );
    let (code, v) = p.check_json(&["--diff", "bad.diff"]);
    assert_eq!(code, 3, "{v}");
    let r = support::result(&v, "T-PATCH");
    assert_eq!(r["outcome"]["reason"], "parse_error", "{r}");
    let message = r["message"].as_str().unwrap();
    assert!(
        message.contains("bad.diff") && message.contains("6:1"),
        "{message}"
    );
    assert!(v["patch"]["error"].as_str().unwrap().contains("6:1"), "{v}");
}

fn git(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(["-c", "user.email=t@example.org", "-c", "user.name=t"])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

const LCOV: &str = "TN:\nSF:src/a.js\nDA:1,1\nDA:2,1\nDA:3,0\nDA:4,1\nend_of_record\n";

#[test]
fn diff_base_runs_git_and_a_bad_base_is_inconclusive() {
    let p = project("lcov.info");
    p.write("src/a.js", "a\nb\n").write("lcov.info", LCOV);
    git(p.path(), &["init", "-q", "-b", "main"]);
    git(p.path(), &["add", "-A"]);
    git(p.path(), &["commit", "-qm", "one"]);
    p.write("src/a.js", "a\nb\nc\nd\n");
    git(p.path(), &["commit", "-qam", "two"]);

    let (code, v) = p.check_json(&["--diff-base", "main~1"]);
    assert_eq!(code, 1, "line 3 added and not run, line 4 run: 50 %: {v}");
    assert_eq!(metric(&v, "patch_lines_total"), 2.0);
    assert_eq!(metric(&v, "patch_lines_covered"), 1.0);
    assert!(
        v["patch"]["source"].as_str().unwrap().contains("git diff"),
        "{v}"
    );

    let out = p
        .gonogo()
        .args(["check", "--format", "json"])
        .env("CI_MERGE_REQUEST_DIFF_BASE_SHA", "no-such-ref")
        .output()
        .unwrap();
    let v = support::verdict(&out);
    assert_eq!(out.status.code(), Some(3), "{v}");
    let r = support::result(&v, "T-PATCH");
    assert!(
        r["message"].as_str().unwrap().contains("no-such-ref"),
        "{r}"
    );
    assert!(
        v["patch"]["source"]
            .as_str()
            .unwrap()
            .contains("CI_MERGE_REQUEST_DIFF_BASE_SHA"),
        "{v}"
    );
    assert_eq!(status(&v, "T-ALL"), "pass");
}

#[test]
fn gonogo_yaml_names_the_diff_and_the_command_line_replaces_it() {
    let p = diff_cover_project();
    let yaml = std::fs::read_to_string(p.path().join("gonogo.yaml")).unwrap();
    p.write(
        "gonogo.yaml",
        &format!("{yaml}diff: {{path: change.diff}}\n"),
    )
    .write("other.diff", "");
    let (_, v) = p.check_json(&[]);
    assert_eq!(metric(&v, "patch_lines_total"), 23.0);
    assert!(v["overrides"].as_array().unwrap().is_empty(), "{v}");

    let (code, v) = p.check_json(&["--diff", "other.diff"]);
    assert_eq!(code, 3, "an empty change has no coverable line: {v}");
    assert_eq!(metric(&v, "patch_lines_total"), 0.0);
    let overrides = v["overrides"].to_string();
    assert!(
        overrides.contains("\"what\":\"diff\"") && overrides.contains("other.diff"),
        "{overrides}"
    );

    p.write(
        "gonogo.yaml",
        &format!("{yaml}diff: {{path: a.diff, base: main}}\n"),
    );
    let (code, _, err) = p.run(&["check"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("exactly one of `path`"), "{err}");
}
