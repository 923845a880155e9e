//! Detection: every fixture of the repository is claimed by the format that reads it, the new
//! test-report formats included, and no sniffer steals another format's files.

use super::*;

fn head(relative: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    bytes.into_iter().take(64 * 1024).collect()
}

#[test]
fn every_fixture_is_detected_as_its_format() {
    let cases = [
        (
            "tests/fixtures/tests/nunit/dotnet-nunit3.xml",
            Format::Nunit,
        ),
        (
            "tests/fixtures/tests/nunit/nunit3-mock-assembly.xml",
            Format::Nunit,
        ),
        (
            "tests/fixtures/tests/nunit/nunit25-mock-assembly.xml",
            Format::Nunit,
        ),
        ("tests/fixtures/tests/trx/dotnet-xunit.trx", Format::Trx),
        ("tests/fixtures/tests/trx/dotnet-xunitv3.trx", Format::Trx),
        (
            "tests/fixtures/tests/trx/nunit-netcoreapp31.trx",
            Format::Trx,
        ),
        (
            "tests/fixtures/tests/xunit/xunit2-jenkins-testcase1.xml",
            Format::Xunit,
        ),
        (
            "tests/fixtures/tests/xunit/xunit1-pickles.xml",
            Format::Xunit,
        ),
        ("tests/fixtures/tests/go/go-test-json.jsonl", Format::GoTest),
        (
            "tests/fixtures/tests/go/rerun-concatenated.jsonl",
            Format::GoTest,
        ),
        ("tests/fixtures/tests/mocha/mocha-json.json", Format::Mocha),
        (
            "tests/fixtures/tests/mocha/mochawesome.json",
            Format::Mochawesome,
        ),
        ("tests/fixtures/tests/rspec/rspec.json", Format::Rspec),
        (
            "tests/fixtures/tests/rspec/rspec-load-error.json",
            Format::Rspec,
        ),
        (
            "tests/fixtures/tests/dart/dorny-dart-json.jsonl",
            Format::Dart,
        ),
        (
            "tests/fixtures/tests/dart/enricomi-tests.jsonl",
            Format::Dart,
        ),
        ("tests/fixtures/tests/tap/node-test.tap", Format::Tap),
        ("tests/fixtures/tests/tap/perl-basic.tap", Format::Tap),
        ("tests/fixtures/tests/tap/perl-bail.tap", Format::Tap),
        ("tests/fixtures/tests/tap/perl-short.tap", Format::Tap),
        // Existing formats keep their files.
        (
            "tests/fixtures/junit/pytest/pytest-junit.xml",
            Format::Junit,
        ),
        (
            "tests/fixtures/junit/nextest/nextest-junit.xml",
            Format::Junit,
        ),
        ("tests/fixtures/coverage/gcovr/clover.xml", Format::Clover),
        (
            "tests/fixtures/coverage/gcovr/coverage.cobertura.xml",
            Format::Cobertura,
        ),
        ("tests/fixtures/coverage/gcovr/coverage.lcov", Format::Lcov),
        ("tests/fixtures/coverage/gcovr/jacoco.xml", Format::Jacoco),
        ("tests/fixtures/coverage/python/coverage.lcov", Format::Lcov),
        ("tests/fixtures/coverage/go/set.out", Format::GoCover),
        (
            "tests/fixtures/findings/semgrep/semgrep-1.185.0.sarif",
            Format::Sarif,
        ),
        (
            "tests/fixtures/findings/trivy-image-handwritten.json",
            Format::Trivy,
        ),
        ("examples/stage3-nogo/reports/junit.xml", Format::Junit),
        (
            "examples/stage3-nogo/reports/trivy-image.json",
            Format::Trivy,
        ),
    ];
    for (path, expected) in cases {
        assert_eq!(detect(&head(path)), Some(expected), "{path}");
    }
}

#[test]
fn every_format_reads_what_it_detects() {
    for path in [
        "tests/fixtures/tests/nunit/dotnet-nunit3.xml",
        "tests/fixtures/tests/trx/dotnet-xunit.trx",
        "tests/fixtures/tests/xunit/xunit1-pickles.xml",
        "tests/fixtures/tests/go/go-test-json.jsonl",
        "tests/fixtures/tests/mocha/mocha-json.json",
        "tests/fixtures/tests/mocha/mochawesome.json",
        "tests/fixtures/tests/rspec/rspec.json",
        "tests/fixtures/tests/dart/dorny-dart-json.jsonl",
        "tests/fixtures/tests/tap/node-test.tap",
    ] {
        let bytes = head(path);
        let format = detect(&bytes).unwrap();
        let evidence = format.parse(&mut &bytes[..]).unwrap();
        assert!(matches!(evidence, Evidence::Tests(_)), "{path}");
        assert_eq!(Format::from_id(format.id()), Some(format));
    }
}

#[test]
fn look_alikes_are_not_claimed() {
    for text in [
        &b"{\"stats\": {\"suites\": 1}, \"suites\": []}"[..],
        b"{\"numTotalTests\": 3, \"testResults\": []}",
        b"ok  \texample.com/x\t0.012s\n",
        b"<testsuites><testsuite name=\"test-run\"/></testsuites>",
    ] {
        let found = detect(text);
        assert!(
            matches!(found, None | Some(Format::Junit)),
            "{:?} claimed by {found:?}",
            String::from_utf8_lossy(text)
        );
    }
}
