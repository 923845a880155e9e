//! Every JUnit file and the GitLab test_report of the shared corpus, and our own fixtures, parse to
//! exact counts.
//!
//! The corpus lives outside the repository; `GONOGO_CORPUS` points to it (relative paths are
//! resolved from the crate root). The expected counts below are the MANIFEST's, except where a
//! correct reading differs from the MANIFEST's plain parser; those rows say why, and
//! `table_agrees_with_manifest` checks that every other row still matches the MANIFEST text.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use gonogo::evidence::TestReport;
use gonogo::parse::{gitlab_test_report, junit};

use crate::support::{corpus, fixture_path};

struct Expect {
    file: &'static str,
    /// total, passed, failed, errors, skipped, flaky (flaky cases are also counted as passed)
    counts: [u64; 6],
    /// Substrings of the notes, one per expected note, in order.
    notes: &'static [&'static str],
    /// Why this row deliberately differs from the MANIFEST's plain count, if it does.
    differs_from_manifest: Option<&'static str>,
}

const fn row(file: &'static str, counts: [u64; 6], notes: &'static [&'static str]) -> Expect {
    Expect {
        file,
        counts,
        notes,
        differs_from_manifest: None,
    }
}

const CORPUS: &[Expect] = &[
    row(
        "junit/ant-junit-task-failures.xml",
        [10, 4, 4, 0, 2, 0],
        &[],
    ),
    row(
        "junit/ant-junitreport-TESTS-TestSuites.xml",
        [3, 3, 0, 0, 0, 0],
        &[],
    ),
    row("junit/bazel-suite-logs.xml", [1, 0, 0, 1, 0, 0], &[]),
    row("junit/catch2-junit.xml", [1, 0, 1, 0, 0, 0], &[]),
    row("junit/cfn-lint-junit.xml", [141, 121, 1, 0, 19, 0], &[]),
    row(
        "junit/container-structure-test.xml",
        [3, 3, 0, 0, 0, 0],
        &["declared tests=8 on <testsuites> but its test cases give tests=3"],
    ),
    row("junit/ctest-output-junit.xml", [1, 0, 1, 0, 0, 0], &[]),
    row(
        "junit/ginkgo-k8s-e2e-sonobuoy.xml",
        [710, 4, 1, 0, 705, 0],
        &["declared tests=5 on <testsuite> but its test cases give tests=710"],
    ),
    row("junit/gitleaks-junit.xml", [2, 0, 2, 0, 0, 0], &[]),
    row(
        "junit/go-junit-report-pass-fail-skip.xml",
        [5, 2, 1, 0, 2, 0],
        &[],
    ),
    row(
        "junit/gradle-TEST-CalculatorTest.xml",
        [24, 24, 0, 0, 0, 0],
        &[],
    ),
    row("junit/jasmine-karma-unicode.xml", [2, 1, 1, 0, 0, 0], &[]),
    row(
        "junit/jenkins-time-with-commas.xml",
        [8, 8, 0, 0, 0, 0],
        &[],
    ),
    row("junit/jest-junit-failures.xml", [6, 1, 4, 0, 1, 0], &[]),
    row(
        "junit/junit-xml-testlogger-dotnet.xml",
        [52, 32, 14, 0, 6, 0],
        &[],
    ),
    row(
        "junit/junit3-errors-no-classname.xml",
        [8, 5, 0, 3, 0, 0],
        &[],
    ),
    row("junit/minimal-attributes.xml", [4, 1, 1, 1, 1, 0], &[]),
    row(
        "junit/mocha-junit-reporter-rootsuite.xml",
        [1, 1, 0, 0, 0, 0],
        &[
            "declared tests=15515, skipped=1 on <testsuites name=\"Mocha Tests\"> but its test cases give tests=1, skipped=0",
        ],
    ),
    row(
        "junit/mocha-xunit-latex-utensils.xml",
        [109, 109, 0, 0, 0, 0],
        &[],
    ),
    row("junit/nextest-basic.xml", [3, 2, 1, 0, 0, 0], &[]),
    row(
        "junit/phpunit-empty-testsuites.xml",
        [0, 0, 0, 0, 0, 0],
        &[],
    ),
    row("junit/phpunit-end-to-end.xml", [12, 10, 2, 0, 0, 0], &[]),
    row(
        "junit/pulsar-testng-merged.xml",
        [808, 793, 1, 0, 14, 0],
        &[],
    ),
    row("junit/pytest-junit-fail.xml", [5, 3, 1, 0, 1, 0], &[]),
    row(
        "junit/surefire-StringUtilsTest.xml",
        [5, 2, 2, 0, 1, 0],
        &[],
    ),
    // The one test case passed after two flakyFailure reruns: passed (and flaky), as the MANIFEST
    // counts it; the suite's tests=3 failures=2 count the attempts and become a note.
    row(
        "junit/surefire-flakyFailure-FlakyTest.xml",
        [1, 1, 0, 0, 0, 1],
        &[
            "declared tests=3, failures=2 on <testsuite name=\"io.olamy.FlakyTest\"> but its test cases give tests=1, failures=0 (1 flaky, counted as passed)",
        ],
    ),
    // No skipped marker on test_always_skip: it is a pass as far as the report says.
    row("junit/swift-xunit.xml", [3, 2, 1, 0, 0, 0], &[]),
    row("junit/trivy-junit-template.xml", [4, 0, 4, 0, 0, 0], &[]),
    Expect {
        file: "junit/tst-disabled.xml",
        counts: [31, 6, 19, 1, 5, 0],
        notes: &[],
        differs_from_manifest: Some(
            "five cases carry status='disabled' and no child element; the plain parser counted them \
             as passed (11), but they did not run: skipped. The root's skipped=0 disabled=5 agrees.",
        ),
    },
    row("junit/vitest-junit.xml", [2, 1, 1, 0, 0, 0], &[]),
    row("junit/xml-entities.xml", [4, 0, 1, 1, 2, 0], &[]),
    Expect {
        file: "gitlab/pipeline-test_report.json",
        counts: [5, 2, 0, 3, 0, 0],
        notes: &[
            "declared total_count=8, success_count=4, error_count=4 on suite \"Failing\" but its test cases give total_count=4, success_count=1, error_count=3",
            "declared total_count=9, success_count=5, error_count=4 on the test report but its test cases give total_count=5, success_count=2, error_count=3",
        ],
        differs_from_manifest: Some(
            "the MANIFEST repeats the declared total_count 9 / success 5 / error 4; the file lists \
             5 test cases (3 error, 2 success). Counts come from the cases, the declared figures \
             become notes.",
        ),
    },
];

/// Our own fixtures under tests/fixtures/junit (see the README there).
const FIXTURES: &[Expect] = &[
    row("pytest/pytest-junit.xml", [4, 1, 1, 1, 1, 0], &[]),
    row("pytest/pytest-junit-xunit1.xml", [4, 1, 1, 1, 1, 0], &[]),
    row("nextest/nextest-junit.xml", [2, 1, 1, 0, 0, 0], &[]),
    row("nextest/nextest-retries-junit.xml", [3, 2, 1, 0, 0, 1], &[]),
];

fn parse_file(path: &Path) -> TestReport {
    let file = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let result = if path.extension().is_some_and(|e| e == "json") {
        gitlab_test_report::parse(file)
    } else {
        junit::parse(BufReader::new(file))
    };
    result.unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn check(dir: &Path, rows: &[Expect]) {
    for expect in rows {
        let r = parse_file(&dir.join(expect.file));
        let counts = [r.total, r.passed, r.failed, r.errors, r.skipped, r.flaky];
        assert_eq!(
            counts, expect.counts,
            "{}: [total, passed, failed, errors, skipped, flaky]",
            expect.file
        );
        assert_eq!(
            r.notes.len(),
            expect.notes.len(),
            "{}: notes {:#?}",
            expect.file,
            r.notes
        );
        for (note, want) in r.notes.iter().zip(expect.notes) {
            assert!(
                note.contains(want),
                "{}: note {note:?} lacks {want:?}",
                expect.file
            );
        }
        let kept = r.failed + r.errors + r.flaky;
        assert_eq!(r.cases.len() as u64, kept, "{}: kept cases", expect.file);
        for case in &r.cases {
            assert!(
                !case.name.is_empty(),
                "{}: unnamed case {case:?}",
                expect.file
            );
        }
    }
}

#[test]
#[ignore = "needs GONOGO_CORPUS (the shared corpus of real reports); .ci/run runs it"]
fn corpus_counts() {
    let dir = corpus();
    check(&dir, CORPUS);
}

#[test]
#[ignore = "needs GONOGO_CORPUS (the shared corpus of real reports); .ci/run runs it"]
fn every_corpus_junit_file_is_in_the_table() {
    let dir = corpus();
    let on_disk: BTreeSet<String> = std::fs::read_dir(dir.join("junit"))
        .expect("corpus junit directory")
        .map(|entry| {
            format!(
                "junit/{}",
                entry.expect("entry").file_name().to_string_lossy()
            )
        })
        .collect();
    let in_table: BTreeSet<String> = CORPUS
        .iter()
        .map(|e| e.file.to_string())
        .filter(|f| f.starts_with("junit/"))
        .collect();
    assert_eq!(on_disk, in_table);
}

/// The MANIFEST's "testcases N: passed P, failed F, error E, skipped S" (JUnit) or
/// "total N, success P, failed F, skipped S, error E" (GitLab) for a file.
fn manifest_counts(manifest: &str, file: &str) -> Option<[u64; 5]> {
    let row = manifest
        .lines()
        .find(|l| l.starts_with(&format!("| {file} |")))?;
    let numbers_after = |marker: &str| -> Option<Vec<u64>> {
        let tail = &row[row.find(marker)? + marker.len()..];
        let tail = tail.split(';').next()?;
        Some(
            tail.split(',')
                .filter_map(|part| {
                    part.split_whitespace()
                        .last()?
                        .trim_end_matches(':')
                        .parse()
                        .ok()
                })
                .collect(),
        )
    };
    if let Some(n) = numbers_after("testcases ") {
        let first = row[row.find("testcases ")? + 10..]
            .split(':')
            .next()?
            .trim()
            .parse()
            .ok()?;
        let [p, f, e, s] = n.get(..4)?.try_into().ok()?;
        return Some([first, p, f, e, s]);
    }
    let n = numbers_after("test_report: ")?;
    let [t, p, f, s, e] = n.get(..5)?.try_into().ok()?;
    Some([t, p, f, e, s])
}

#[test]
#[ignore = "needs GONOGO_CORPUS (the shared corpus of real reports); .ci/run runs it"]
fn table_agrees_with_manifest() {
    let dir = corpus();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.md")).expect("MANIFEST.md");
    for expect in CORPUS {
        let manifest = manifest_counts(&manifest, expect.file)
            .unwrap_or_else(|| panic!("{}: no counts in the MANIFEST row", expect.file));
        let [total, passed, failed, errors, skipped, _flaky] = expect.counts;
        let ours = [total, passed, failed, errors, skipped];
        match expect.differs_from_manifest {
            None => assert_eq!(
                ours, manifest,
                "{}: [total, passed, failed, errors, skipped]",
                expect.file
            ),
            Some(_) => assert_ne!(
                ours, manifest,
                "{}: marked as differing but agrees",
                expect.file
            ),
        }
    }
}

#[test]
fn own_fixtures() {
    check(&fixture_path("junit"), FIXTURES);
}

#[test]
fn own_fixture_details() {
    let dir = fixture_path("junit");
    let r = parse_file(&dir.join("pytest/pytest-junit-xunit1.xml"));
    let failed = r
        .cases
        .iter()
        .find(|c| c.name == "test_fails")
        .expect("test_fails");
    assert_eq!(failed.id(), "test_sample.test_fails");
    assert!(
        failed
            .message
            .as_deref()
            .unwrap_or_default()
            .starts_with("AssertionError: strings differ")
    );
    let location = failed.location.as_ref().expect("location");
    assert_eq!(
        (location.path.as_str(), location.line),
        ("test_sample.py", Some(15))
    );

    let r = parse_file(&dir.join("nextest/nextest-retries-junit.xml"));
    let flaky = r
        .cases
        .iter()
        .find(|c| c.name == "tests::flaky_once")
        .expect("flaky_once");
    assert_eq!(flaky.outcome, gonogo::evidence::TestOutcome::Flaky);
    let failed = r
        .cases
        .iter()
        .find(|c| c.name == "tests::fails_on_purpose")
        .expect("failed");
    assert_eq!(failed.outcome, gonogo::evidence::TestOutcome::Failed);
}

#[test]
#[ignore = "needs GONOGO_CORPUS (the shared corpus of real reports); .ci/run runs it"]
fn sniffers_claim_exactly_their_corpus_files() {
    let dir = corpus();
    let mut checked = 0;
    for kind in std::fs::read_dir(&dir).expect("corpus directory") {
        let kind = kind.expect("entry").path();
        if !kind.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&kind).expect("corpus subdirectory") {
            let path = file.expect("entry").path();
            let bytes = std::fs::read(&path).expect("corpus file");
            let head = &bytes[..bytes.len().min(4096)];
            let relative = path
                .strip_prefix(&dir)
                .expect("inside the corpus")
                .to_string_lossy()
                .into_owned();
            let is_junit = relative.starts_with("junit/");
            let is_gitlab_report = relative == "gitlab/pipeline-test_report.json";
            assert_eq!(junit::sniff(head), is_junit, "junit::sniff on {relative}");
            assert_eq!(
                gitlab_test_report::sniff(head),
                is_gitlab_report,
                "gitlab_test_report::sniff on {relative}"
            );
            checked += 1;
        }
    }
    assert!(checked > 31, "only {checked} corpus files found");
}
