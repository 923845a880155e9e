//! Hostile input for the JSON scan parsers: every bad file is a clean `ParseError`, never a panic,
//! a stack overflow or an unbounded allocation.

use gonogo::evidence::FindingSet;
use gonogo::parse::{
    ParseError, Position, codequality, dependency_check, gitleaks, grype, npm_audit, osv, sarif,
    trivy,
};

type Parser = fn(&[u8]) -> Result<FindingSet, ParseError>;

struct Format {
    name: &'static str,
    parse: Parser,
    /// A small valid report with exactly one finding.
    valid: &'static str,
    /// Whether a top-level `null` is a valid empty report (gitleaks writes it).
    null_ok: bool,
    /// Where a nested value is deserialized (prefix, suffix around it).
    typed_slot: (&'static str, &'static str),
    /// Where a nested value is skipped unread (prefix, suffix around it).
    ignored_slot: (&'static str, &'static str),
    /// A document with a wrong type in a known place, and the words its error must contain.
    wrong_type: (&'static str, &'static str),
}

const FORMATS: &[Format] = &[
    Format {
        name: "sarif",
        parse: |b| sarif::parse(b),
        valid: r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"T","rules":[{"id":"R"}]}},"results":[{"ruleId":"R","level":"error","message":{"text":"m"}}]}]}"#,
        null_ok: false,
        typed_slot: (
            r#"{"runs":[{"results":[{"partialFingerprints":{"a":"#,
            "}}]}]}",
        ),
        ignored_slot: (
            r#"{"runs":[{"invocations":[{"toolExecutionNotifications":"#,
            r#"}],"results":[{"ruleId":"R"}]}]}"#,
        ),
        wrong_type: (
            r#"{"runs":[{"results":3}]}"#,
            "expected a list of SARIF results",
        ),
    },
    Format {
        name: "trivy",
        parse: |b| trivy::parse(b),
        valid: r#"{"SchemaVersion":2,"Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-1","Severity":"HIGH"}]}]}"#,
        // Legacy Trivy (< 0.20) writes `null` for a clean scan.
        null_ok: true,
        typed_slot: (
            r#"{"SchemaVersion":2,"Results":[{"Vulnerabilities":[{"Title":"#,
            "}]}]}",
        ),
        ignored_slot: (
            r#"{"SchemaVersion":2,"Metadata":{"RepoTags":"#,
            r#"},"Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"X"}]}]}"#,
        ),
        wrong_type: (
            r#"{"SchemaVersion":2,"Results":3}"#,
            "expected a list of Trivy results",
        ),
    },
    Format {
        name: "grype",
        parse: |b| grype::parse(b),
        valid: r#"{"matches":[{"vulnerability":{"id":"CVE-1","severity":"High"},"artifact":{"name":"a"}}]}"#,
        null_ok: false,
        typed_slot: (r#"{"matches":[{"vulnerability":{"id":"#, "}}]}"),
        ignored_slot: (
            r#"{"source":"#,
            r#","matches":[{"vulnerability":{"id":"X"}}]}"#,
        ),
        wrong_type: (r#"{"matches":"many"}"#, "expected a list of Grype matches"),
    },
    Format {
        name: "gitleaks",
        parse: |b| gitleaks::parse(b),
        valid: r#"[{"RuleID":"r","File":"f","StartLine":1,"Secret":"s"}]"#,
        null_ok: true,
        typed_slot: (r#"[{"RuleID":"#, "}]"),
        ignored_slot: (r#"[{"Match":"#, r#","RuleID":"r"}]"#),
        wrong_type: (r#"{"RuleID":"r"}"#, "expected a list of gitleaks leaks"),
    },
    Format {
        name: "dependency-check",
        parse: |b| dependency_check::parse(b),
        valid: r#"{"reportSchema":"1.1","dependencies":[{"fileName":"a.jar","vulnerabilities":[{"name":"CVE-1","severity":"HIGH"}]}]}"#,
        null_ok: false,
        typed_slot: (r#"{"dependencies":[{"vulnerabilities":[{"name":"#, "}]}]}"),
        ignored_slot: (
            r#"{"scanInfo":"#,
            r#","dependencies":[{"vulnerabilities":[{"name":"X"}]}]}"#,
        ),
        wrong_type: (
            r#"{"dependencies":[{"vulnerabilities":{"name":"x"}}]}"#,
            "expected a list of Dependency-Check vulnerabilities",
        ),
    },
    Format {
        name: "codequality",
        parse: |b| codequality::parse(b),
        valid: r#"[{"check_name":"c","description":"d","fingerprint":"f","severity":"major","location":{"path":"a","lines":{"begin":1}}}]"#,
        null_ok: false,
        typed_slot: (r#"[{"check_name":"#, "}]"),
        ignored_slot: (r#"[{"content":"#, r#","check_name":"c"}]"#),
        wrong_type: (
            r#"[{"check_name":"c","location":{"lines":{"begin":"one"}}}]"#,
            "invalid type: string \"one\"",
        ),
    },
    Format {
        name: "npm-audit",
        parse: |b| npm_audit::parse(b),
        valid: r#"{"auditReportVersion":2,"vulnerabilities":{"a":{"name":"a","severity":"high","via":[{"source":1,"title":"t","url":"https://github.com/advisories/GHSA-1"}],"fixAvailable":true}},"metadata":{"vulnerabilities":{"high":1,"total":1}}}"#,
        null_ok: false,
        typed_slot: (
            r#"{"auditReportVersion":2,"vulnerabilities":{"a":{"via":["#,
            "]}}}",
        ),
        ignored_slot: (
            r#"{"auditReportVersion":2,"extra":"#,
            r#","vulnerabilities":{"a":{"severity":"low"}}}"#,
        ),
        wrong_type: (
            r#"{"auditReportVersion":2,"vulnerabilities":["a"]}"#,
            "expected a map of vulnerable packages",
        ),
    },
    Format {
        name: "osv",
        parse: |b| osv::parse(b),
        valid: r#"{"results":[{"source":{"path":"p"},"packages":[{"package":{"name":"a","version":"1"},"vulnerabilities":[{"id":"X"}],"groups":[{"ids":["X"],"max_severity":"7.5"}]}]}]}"#,
        null_ok: false,
        typed_slot: (r#"{"results":[{"packages":[{"groups":[{"ids":"#, "}]}]}]}"),
        ignored_slot: (
            r#"{"experimental_config":"#,
            r#","results":[{"packages":[{"vulnerabilities":[{"id":"X"}]}]}]}"#,
        ),
        wrong_type: (
            r#"{"results":[{"packages":[{"groups":[{"ids":"GHSA-1"}]}]}]}"#,
            "invalid type: string \"GHSA-1\"",
        ),
    },
];

fn parse(f: &Format, input: &[u8]) -> Result<FindingSet, ParseError> {
    (f.parse)(input)
}

#[test]
fn valid_documents_have_one_finding() {
    for f in FORMATS {
        let set = parse(f, f.valid.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", f.name));
        assert_eq!(set.total(), 1, "{}", f.name);
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(f.valid.as_bytes());
        assert_eq!(
            parse(f, &with_bom).map(|s| s.total()),
            Ok(1),
            "{} with a UTF-8 BOM",
            f.name
        );
    }
}

#[test]
fn empty_and_blank_input_are_errors() {
    for f in FORMATS {
        let err = parse(f, b"").unwrap_err();
        assert!(err.message.contains("empty input"), "{}: {err}", f.name);
        let err = parse(f, b"  \n\t ").unwrap_err();
        assert!(err.message.contains("truncated JSON"), "{}: {err}", f.name);
    }
}

#[test]
fn null_is_an_empty_report_only_for_gitleaks_and_legacy_trivy() {
    for f in FORMATS {
        match parse(f, b"null") {
            Ok(set) => assert!(f.null_ok && set.total() == 0, "{}: null accepted", f.name),
            Err(e) => assert!(!f.null_ok, "{}: {e}", f.name),
        }
    }
}

#[test]
fn wrong_root_types_are_errors() {
    for f in FORMATS {
        for doc in ["3", "\"report\"", "true", "-1.5e3"] {
            let err = parse(f, doc.as_bytes()).unwrap_err();
            assert!(
                err.message.contains("invalid type"),
                "{} on {doc}: {err}",
                f.name
            );
            assert!(
                matches!(err.position, Some(Position::LineCol { .. })),
                "{}: {err:?}",
                f.name
            );
        }
    }
}

#[test]
fn wrong_field_types_name_what_was_expected() {
    for f in FORMATS {
        let (doc, words) = f.wrong_type;
        let err = parse(f, doc.as_bytes()).unwrap_err();
        assert!(err.message.contains(words), "{}: {err}", f.name);
        assert!(
            matches!(err.position, Some(Position::LineCol { line: 1, .. })),
            "{}: {err:?}",
            f.name
        );
    }
}

#[test]
fn every_truncation_is_an_error() {
    for f in FORMATS {
        let doc = f.valid.as_bytes();
        for cut in 0..doc.len() {
            let result = parse(f, &doc[..cut]);
            assert!(
                result.is_err(),
                "{}: prefix of {cut} bytes parsed: {result:?}",
                f.name
            );
        }
    }
}

#[test]
fn trailing_data_is_an_error() {
    for f in FORMATS {
        let doc = format!("{}\n{{\"again\": 1}}", f.valid);
        let err = parse(f, doc.as_bytes()).unwrap_err();
        assert!(
            err.message.contains("unexpected data after"),
            "{}: {err}",
            f.name
        );
        assert_eq!(
            err.position,
            Some(Position::LineCol { line: 2, column: 1 }),
            "{}",
            f.name
        );
    }
}

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn binary_garbage_is_an_error() {
    for f in FORMATS {
        for seed in 0..200u64 {
            let bytes = noise(seed, 1 + (seed as usize * 37) % 3000);
            assert!(
                parse(f, &bytes).is_err(),
                "{}: garbage seed {seed} parsed",
                f.name
            );
        }
        let err = parse(f, b"\xFF\xFE{\0\"\0").unwrap_err();
        assert!(err.message.contains("UTF-16"), "{}: {err}", f.name);
        let err = parse(f, b"{\0\"\0r\0").unwrap_err();
        assert!(err.message.contains("NUL"), "{}: {err}", f.name);
    }
}

#[test]
fn mutated_documents_never_panic() {
    for f in FORMATS {
        let doc = f.valid.as_bytes();
        for seed in 0..2000u64 {
            let mut bytes = doc.to_vec();
            let r = noise(seed, 6);
            for pair in r.chunks(2) {
                let at = usize::from(pair[0]) * bytes.len() / 256;
                bytes[at] = pair[1];
            }
            let _ = parse(f, &bytes);
        }
    }
}

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn deep_nesting_hits_the_recursion_limit_cleanly() {
    for f in FORMATS {
        for doc in [nested(100_000), "{\"a\":".repeat(50_000)] {
            assert!(
                parse(f, doc.as_bytes()).is_err(),
                "{}: top-level nesting parsed",
                f.name
            );
        }
        let (pre, post) = f.typed_slot;
        let doc = format!("{pre}{}{post}", nested(10_000));
        let err = parse(f, doc.as_bytes()).unwrap_err();
        assert!(err.position.is_some(), "{}: {err:?}", f.name);
        let doc = format!("{pre}{}", "[".repeat(100_000));
        assert!(
            parse(f, doc.as_bytes()).is_err(),
            "{}: unclosed nesting parsed",
            f.name
        );
    }
    let sarif = &FORMATS[0];
    let (pre, post) = sarif.typed_slot;
    let err = parse(sarif, format!("{pre}{}{post}", nested(1_000)).as_bytes()).unwrap_err();
    assert!(err.message.contains("recursion limit"), "{err}");
}

/// serde_json skips unknown values iteratively: deep but well-formed nesting in a field nobody
/// reads costs one byte per level and parses.
#[test]
fn deep_nesting_in_ignored_fields_is_skipped() {
    for f in FORMATS {
        let (pre, post) = f.ignored_slot;
        let doc = format!("{pre}{}{post}", nested(100_000));
        let set = parse(f, doc.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", f.name));
        assert_eq!(set.total(), 1, "{}", f.name);
    }
}

#[test]
fn numbers_and_strings_at_the_edges() {
    let sarif = &FORMATS[0];
    let doc = r#"{"runs":[{"tool":{"driver":{"name":"T","rules":[{"id":"R","properties":{"security-severity":1e999}}]}},"results":[{"ruleId":"R"}]}]}"#;
    assert!(parse(sarif, doc.as_bytes()).is_err());
    let doc = r#"{"runs":[{"tool":{"driver":{"name":"T","rules":[{"id":"R","properties":{"security-severity":"NaN"}}]}},"results":[{"ruleId":"R"}]}]}"#;
    assert_eq!(parse(sarif, doc.as_bytes()).map(|s| s.total()), Ok(1));
    let trivy = &FORMATS[1];
    let doc = r#"{"SchemaVersion":2,"Results":[{"Secrets":[{"RuleID":"r","StartLine":99999999999999999999}]}]}"#;
    assert!(parse(trivy, doc.as_bytes()).is_err());
    let doc = r#"{"SchemaVersion":2,"Results":[{"Secrets":[{"RuleID":"\ud800","StartLine":-5}]}]}"#;
    let _ = parse(trivy, doc.as_bytes());
    let long = "x".repeat(1_000_000);
    let doc = format!(r#"[{{"RuleID":"r","Description":"{long}","File":"f"}}]"#);
    let set = parse(&FORMATS[3], doc.as_bytes()).unwrap();
    assert!(set.findings[0].message.chars().count() < 1_100);
}

#[test]
fn dependency_check_xml_is_never_expanded_or_fetched() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE analysis [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<analysis><dependencies><dependency><fileName>a</fileName><vulnerabilities>
<vulnerability><name>&lol3;</name><severity>HIGH</severity><description>&xxe;</description></vulnerability>
</vulnerabilities></dependency></dependencies></analysis>"#;
    let set = dependency_check::parse(laughs.as_bytes()).unwrap();
    assert_eq!(set.findings[0].id, "&lol3;");
    assert_eq!(set.findings[0].message, "&xxe;");
    for bad in [
        "<analysis>",
        "<analysis><dependencies></analysis>",
        "<<<>>>",
        "<?xml?>",
    ] {
        assert!(dependency_check::parse(bad.as_bytes()).is_err(), "{bad}");
    }
    for seed in 0..200u64 {
        let mut bytes = b"<".to_vec();
        bytes.extend(noise(seed, 500));
        let _ = dependency_check::parse(&bytes[..]);
    }
}
