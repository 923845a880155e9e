//! Hostile and degenerate input for the test-report parsers: each case is an error or a correct
//! parse, never a panic, an entity expansion, a file read or unbounded memory.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::time::Instant;

use gonogo::evidence::TestReport;
use gonogo::parse::{ParseError, gitlab_test_report, junit};

fn parse(bytes: &[u8]) -> Result<TestReport, ParseError> {
    junit::parse(bytes)
}

const SMALL_REPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="all" tests="4" failures="1" errors="1" skipped="1">
  <testsuite name="unit" tests="4">
    <properties><property name="go.version" value="1.22"/></properties>
    <testcase classname="a.B" name="passes" time="0.1"/>
    <testcase classname="a.B" name="fails" file="a/b.py" line="3"><failure message="x &lt; y">trace &amp; more</failure></testcase>
    <testcase classname="a.B" name="errors"><error><![CDATA[boom]]></error></testcase>
    <testcase classname="a.B" name="skips"><skipped/></testcase>
    <system-out>log</system-out>
  </testsuite>
</testsuites>
"#;

#[test]
fn every_truncation_is_an_error() {
    let full = SMALL_REPORT.trim_end().as_bytes();
    let r = parse(full).expect("full report");
    assert_eq!(
        [r.total, r.passed, r.failed, r.errors, r.skipped],
        [4, 1, 1, 1, 1]
    );
    for cut in 0..full.len() {
        let err = parse(&full[..cut]).expect_err(&format!("prefix of {cut} bytes parsed"));
        assert!(
            err.position.is_some(),
            "no position for a cut at {cut}: {err}"
        );
    }
}

#[test]
fn truncated_report_names_the_problem() {
    let err =
        parse(b"<testsuites>\n  <testsuite name=\"x\">\n    <testcase name=\"a\"/>\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "4:1: unexpected end of input inside <testsuite name=\"x\">: the report is truncated"
    );
}

#[test]
fn wrong_roots() {
    for (xml, found) in [
        ("<coverage/>", "<coverage>"),
        (
            "<?xml version=\"1.0\"?><report name=\"jacoco\"></report>",
            "<report>",
        ),
        ("<test-run id=\"2\"/>", "<test-run>"),
    ] {
        let err = parse(xml.as_bytes()).unwrap_err();
        assert_eq!(
            err.message,
            format!("expected <testsuites> or <testsuite> root, found {found}")
        );
    }
    assert!(gitlab_test_report::parse(SMALL_REPORT.as_bytes()).is_err());
    assert!(junit::parse(&br#"{"total_count": 1, "test_suites": []}"#[..]).is_err());
}

/// A small deterministic generator, so the garbage is the same on every run.
fn garbage(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as u8
        })
        .collect()
}

#[test]
fn binary_garbage_is_an_error() {
    for seed in 0..200 {
        let bytes = garbage(seed, 64 + (seed as usize * 37) % 4000);
        assert!(parse(&bytes).is_err(), "seed {seed}");
        assert!(
            gitlab_test_report::parse(&bytes[..]).is_err(),
            "seed {seed}"
        );
        let _ = junit::sniff(&bytes);
        let _ = gitlab_test_report::sniff(&bytes);
    }
    let mut prefixed = b"<testsuites><testsuite><testcase name=\"".to_vec();
    prefixed.extend(garbage(7, 5000));
    assert!(parse(&prefixed).is_err());
}

#[test]
fn mutated_reports_never_panic() {
    let base = SMALL_REPORT.as_bytes();
    for seed in 0..2000u64 {
        let noise = garbage(seed, 8);
        let mut bytes = base.to_vec();
        let at = (seed as usize * 131) % bytes.len();
        match seed % 3 {
            0 => bytes[at] = noise[0],
            1 => bytes.splice(at..at, noise.iter().copied()).for_each(drop),
            _ => {
                bytes.remove(at);
            }
        }
        if let Ok(r) = parse(&bytes) {
            assert_eq!(
                r.total,
                r.passed + r.failed + r.errors + r.skipped,
                "seed {seed}"
            );
        }
    }
}

#[test]
fn billion_laughs_is_not_expanded() {
    let mut dtd = String::from("<!DOCTYPE testsuites [\n<!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let previous = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        dtd.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{previous};").repeat(10)
        ));
    }
    dtd.push_str("]>\n");
    let xml = format!(
        "{dtd}<testsuites><testsuite name=\"&lol9;\"><testcase name=\"&lol9;\"><failure>&lol9;</failure></testcase></testsuite></testsuites>"
    );
    let started = Instant::now();
    match parse(xml.as_bytes()) {
        Ok(r) => {
            assert_eq!([r.total, r.failed], [1, 1]);
            assert_eq!(r.cases[0].name, "&lol9;");
            assert_eq!(r.cases[0].suite, "&lol9;");
            assert_eq!(r.cases[0].message.as_deref(), Some("&lol9;"));
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn external_entities_are_never_resolved() {
    let xml = r#"<?xml version="1.0"?>
<!DOCTYPE testsuites [
  <!ENTITY x SYSTEM "file:///etc/passwd">
  <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">
  %remote;
]>
<testsuites><testsuite name="s"><testcase name="&x;" classname="c"><failure message="&x;">&x;</failure></testcase></testsuite></testsuites>"#;
    let r = parse(xml.as_bytes()).expect("the DOCTYPE is skipped, the references stay literal");
    assert_eq!([r.total, r.failed], [1, 1]);
    let case = &r.cases[0];
    assert_eq!(case.name, "&x;");
    assert_eq!(case.message.as_deref(), Some("&x;"));
    let everything = format!("{r:?}");
    assert!(
        !everything.contains("root:"),
        "file content leaked: {everything}"
    );

    let xml = r#"<!DOCTYPE testsuite SYSTEM "file:///etc/passwd"><testsuite><testcase name="a"/></testsuite>"#;
    assert_eq!(
        parse(xml.as_bytes()).expect("external DTD ignored").total,
        1
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 100_000;
    let suites = format!(
        "<testsuites>{}{}</testsuites>",
        "<testsuite>".repeat(depth),
        "</testsuite>".repeat(depth)
    );
    let err = parse(suites.as_bytes()).unwrap_err();
    assert!(err.message.contains("nest deeper"), "{err}");

    let inside_case = format!("<testsuite><testcase name=\"a\">{}", "<x>".repeat(depth));
    assert!(parse(inside_case.as_bytes()).is_err());

    let json = format!(
        "{{\"test_suites\": {}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert!(gitlab_test_report::parse(json.as_bytes()).is_err());
}

#[test]
fn empty_and_blank_input() {
    for input in [
        &b""[..],
        b"\n\n  ",
        b"\xEF\xBB\xBF",
        b"<?xml version=\"1.0\"?>",
        b"<!-- only a comment -->",
    ] {
        let err = parse(input).unwrap_err();
        assert!(
            err.message.contains("found end of input"),
            "{input:?}: {err}"
        );
    }
    assert!(gitlab_test_report::parse(&b""[..]).is_err());
    assert!(gitlab_test_report::parse(&b"null"[..]).is_err());
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let bom = bom.then_some('\u{feff}');
    bom.into_iter()
        .chain(text.chars())
        .collect::<String>()
        .encode_utf16()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

#[test]
fn utf16_reports_are_decoded() {
    let xml = SMALL_REPORT.replace("UTF-8", "UTF-16");
    for (big_endian, bom) in [(false, true), (true, true), (false, false), (true, false)] {
        let r = parse(&utf16(&xml, big_endian, bom))
            .unwrap_or_else(|e| panic!("{big_endian} {bom}: {e}"));
        assert_eq!(
            [r.total, r.passed, r.failed, r.errors, r.skipped],
            [4, 1, 1, 1, 1]
        );
        assert_eq!(r.cases[0].message.as_deref(), Some("x < y"));
    }
    let mut odd = utf16(&xml, false, true);
    odd.push(b'<');
    assert!(parse(&odd).is_err());
    let err = parse(&[0xFF, 0xFE, 0x00, 0xD8, b'<', 0x00]).unwrap_err();
    assert!(err.message.contains("UTF-16"), "{err}");
    let err = parse(&[0xFF, 0xFE, 0x00, 0x00, b'<', 0, 0, 0]).unwrap_err();
    assert!(err.message.contains("UTF-32"), "{err}");
}

#[test]
fn latin1_bytes_are_a_clear_error() {
    let err =
        parse(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><testsuite name=\"caf\xE9\"/>")
            .unwrap_err();
    assert!(err.message.contains("UTF-8"), "{err}");
}

/// Writes `cases` test cases (every 100th failing, every 250th skipped) straight to disk.
fn write_report(path: &std::path::Path, cases: u64) -> (u64, u64, u64) {
    let mut out = BufWriter::new(File::create(path).expect("temp file"));
    let (mut failed, mut skipped) = (0, 0);
    writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"{cases}\">"
    )
    .unwrap();
    for suite in 0..cases.div_ceil(1000) {
        writeln!(
            out,
            "  <testsuite name=\"com.example.generated.Suite{suite}\" tests=\"1000\">"
        )
        .unwrap();
        for i in suite * 1000..((suite + 1) * 1000).min(cases) {
            write!(
                out,
                "    <testcase classname=\"com.example.generated.Suite{suite}\" name=\"test_number_{i}_does_something_useful_with_a_descriptive_name\" time=\"0.{i:03}\""
            )
            .unwrap();
            if i % 100 == 7 {
                failed += 1;
                writeln!(out, "><failure message=\"expected {i} but was {}\" type=\"AssertionError\">at com.example.generated.Suite{suite}.test({i})\n  at java.base/java.lang.Thread.run(Thread.java:833)</failure></testcase>", i + 1).unwrap();
            } else if i % 250 == 3 {
                skipped += 1;
                writeln!(out, "><skipped message=\"not today\"/></testcase>").unwrap();
            } else if i % 10 == 5 {
                writeln!(out, "><system-out>starting {i}\nconnected to db://localhost:5432\ndone</system-out></testcase>").unwrap();
            } else {
                writeln!(out, "/>").unwrap();
            }
        }
        writeln!(out, "  </testsuite>").unwrap();
    }
    writeln!(out, "</testsuites>").unwrap();
    out.flush().unwrap();
    (cases - failed - skipped, failed, skipped)
}

fn check_generated(cases: u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.xml");
    let (passed, failed, skipped) = write_report(&path, cases);
    let r = junit::parse(BufReader::new(File::open(&path).expect("open"))).expect("parse");
    assert_eq!(
        [r.total, r.passed, r.failed, r.errors, r.skipped],
        [cases, passed, failed, 0, skipped]
    );
    assert_eq!(r.cases.len() as u64 + r.cases_truncated, failed);
    assert!(r.notes.iter().all(|n| n.contains("Suite")), "{:?}", r.notes);
}

/// About 47 MB, written to a temp file as it is generated: about 5 s in a debug build here.
#[test]
fn generated_report_of_300k_cases() {
    check_generated(300_000);
}
