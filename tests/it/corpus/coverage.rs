//! Coverage parsers against the shared corpus of real reports (`GONOGO_CORPUS`), the fixtures
//! produced by the real tools (tests/fixtures/coverage), and hostile inputs.

use std::fs;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use gonogo::evidence::CoverageReport;
use gonogo::parse::{ParseError, Position, clover, cobertura, gocover, jacoco, lcov, opencover};

use crate::support::{corpus, fixture_path};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cobertura,
    Jacoco,
    Lcov,
    Go,
    Clover,
    OpenCover,
}

const KINDS: [Kind; 6] = [
    Kind::Cobertura,
    Kind::Jacoco,
    Kind::Lcov,
    Kind::Go,
    Kind::Clover,
    Kind::OpenCover,
];

fn parse(kind: Kind, bytes: &[u8]) -> Result<CoverageReport, ParseError> {
    match kind {
        Kind::Cobertura => cobertura::parse(bytes),
        Kind::Jacoco => jacoco::parse(bytes),
        Kind::Lcov => lcov::parse(bytes),
        Kind::Go => gocover::parse(bytes),
        Kind::Clover => clover::parse(bytes),
        Kind::OpenCover => opencover::parse(bytes),
    }
}

fn parse_file(kind: Kind, path: &Path) -> Result<CoverageReport, ParseError> {
    let file = fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader = BufReader::new(file);
    match kind {
        Kind::Cobertura => cobertura::parse(reader),
        Kind::Jacoco => jacoco::parse(reader),
        Kind::Lcov => lcov::parse(reader),
        Kind::Go => gocover::parse(reader),
        Kind::Clover => clover::parse(reader),
        Kind::OpenCover => opencover::parse(reader),
    }
}

fn sniff(kind: Kind, head: &[u8]) -> bool {
    match kind {
        Kind::Cobertura => cobertura::sniff(head),
        Kind::Jacoco => jacoco::sniff(head),
        Kind::Lcov => lcov::sniff(head),
        Kind::Go => gocover::sniff(head),
        Kind::Clover => clover::sniff(head),
        Kind::OpenCover => opencover::sniff(head),
    }
}

/// What a file must parse to: lines covered/total, branches covered/total, has_branches,
/// per-file entries, notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    lines: (u64, u64),
    branches: (u64, u64),
    has_branches: bool,
    files: usize,
    notes: usize,
}

enum Expect {
    Ok(Counts),
    /// A clean error with this position and a message containing the text.
    Err(Position, &'static str),
}

const fn ok(
    lines: (u64, u64),
    branches: (u64, u64),
    has_branches: bool,
    files: usize,
    notes: usize,
) -> Expect {
    Expect::Ok(Counts {
        lines,
        branches,
        has_branches,
        files,
        notes,
    })
}

/// Every coverage file of the corpus, with what it parses to. MANIFEST figures are quoted where
/// the parser deliberately differs.
fn corpus_expectations() -> Vec<(&'static str, Kind, Expect)> {
    use Kind::*;
    vec![
        // MANIFEST: lines 4/5, branches 1/2.
        (
            "cobertura/coveragepy-branch.xml",
            Cobertura,
            ok((4, 5), (1, 2), true, 1, 0),
        ),
        // MANIFEST: lines 289/402, branches 87/170; 21 classes over 20 files.
        (
            "cobertura/coverlet-csharp.xml",
            Cobertura,
            ok((289, 402), (87, 170), true, 20, 0),
        ),
        // MANIFEST (declared): lines 23/30. gcovr lists lines 10, 11, 26, 27, 42, 43 twice in the
        // class (one per virtual destructor variant, hits 0 and >0): 24 distinct lines, 23 covered.
        // The declared line-rate 0.76667 is noted.
        (
            "cobertura/gcovr-virtual-classes.xml",
            Cobertura,
            ok((23, 24), (18, 36), true, 1, 1),
        ),
        // MANIFEST (declared): branches 25/41. The <line> elements carry 21/32; istanbul counts
        // branches on lines it lists without condition-coverage. The declared branch-rate is noted.
        (
            "cobertura/istanbul-nyc-ts.xml",
            Cobertura,
            ok((63, 156), (21, 32), true, 12, 1),
        ),
        // MANIFEST: MALFORMED, "mismatched tag: line 1, column 29871" (expat, 0-based column one
        // past the `<`); here the `<` of the stray `</methods>`, 1-based.
        (
            "cobertura/sbt-scoverage-oneline.xml",
            Cobertura,
            Expect::Err(
                Position::LineCol {
                    line: 1,
                    column: 29870,
                },
                "`</methods>`",
            ),
        ),
        // MANIFEST: LINE 28/47, BRANCH 4/14.
        (
            "jacoco/gcovr-jacoco-nested.xml",
            Jacoco,
            ok((28, 47), (4, 14), true, 8, 0),
        ),
        // MANIFEST: LINE 225/225, BRANCH 124/128.
        (
            "jacoco/jacoco-gradle-jenkins-shared-lib.xml",
            Jacoco,
            ok((225, 225), (124, 128), true, 9, 0),
        ),
        // MANIFEST: no report-level counters; the source files sum to LINE 0/27, BRANCH 0/4.
        (
            "jacoco/jacoco-kotlin.xml",
            Jacoco,
            ok((0, 27), (0, 4), true, 1, 1),
        ),
        // MANIFEST: LINE 5/6, BRANCH 2/4. The packages repeat one package, so the source files sum
        // to 10/12 and 4/8: noted, report level used.
        (
            "jacoco/jacoco-multiple-packages.xml",
            Jacoco,
            ok((5, 6), (2, 4), true, 3, 1),
        ),
        // MANIFEST: LINE 5/6, BRANCH 2/4.
        (
            "jacoco/jacoco-oneline.xml",
            Jacoco,
            ok((5, 6), (2, 4), true, 2, 0),
        ),
        // MANIFEST: LF/LH 19/27, no DA lines; BRF:0 is no branch data.
        (
            "lcov/cargo-llvm-cov-summary-only.lcov.info",
            Lcov,
            ok((19, 27), (0, 0), false, 3, 0),
        ),
        // MANIFEST: DA 28/47, branches 4/14.
        (
            "lcov/gcovr-nested.lcov",
            Lcov,
            ok((28, 47), (4, 14), true, 8, 0),
        ),
        // MANIFEST: LF/LH 0/400, DA 0/354: DA lines win, the LF disagreement is noted.
        (
            "lcov/llvm-cov-swift.lcov.info",
            Lcov,
            ok((0, 354), (0, 0), false, 4, 1),
        ),
        // MANIFEST: DA 0/5921 (raw DA lines), branches 0/3694. SpiderMonkey repeats 245 DA lines
        // of the same source line: 5676 distinct lines; the LF (5921) disagreement is noted.
        (
            "lcov/spidermonkey-js.info",
            Lcov,
            ok((0, 5676), (0, 3694), true, 2, 1),
        ),
        // MANIFEST: statements 2376/2420, conditionals 0/0 (PHPUnit writes 0: no branch data).
        (
            "other/clover-phpunit-phpcsutils.xml",
            Clover,
            // One note: the trimmed sample keeps 79 of the 2420 statement lines.
            ok((2376, 2420), (0, 0), false, 2, 1),
        ),
        // MANIFEST: 819 blocks, statements 579/1148 raw. No two blocks are identical (the v1 and
        // v2 module paths are distinct files), so deduplication changes nothing: 579/1148.
        (
            "other/go-coverprofile-lefthook.out",
            Go,
            ok((579, 1148), (0, 0), false, 28, 1),
        ),
        // MANIFEST: sequence points 9/15, branchCoverage 50 (3/6).
        (
            "other/opencover-with-bom.xml",
            OpenCover,
            ok((9, 15), (3, 6), true, 1, 0),
        ),
    ]
}

fn check(name: &str, kind: Kind, result: Result<CoverageReport, ParseError>, expect: &Expect) {
    match (result, expect) {
        (Ok(r), Expect::Ok(want)) => {
            let got = Counts {
                lines: (r.lines_covered, r.lines_total),
                branches: (r.branches_covered, r.branches_total),
                has_branches: r.has_branches,
                files: r.files.len(),
                notes: r.notes.len(),
            };
            assert_eq!(&got, want, "{name}: notes {:?}", r.notes);
            if matches!(kind, Kind::Cobertura | Kind::Lcov | Kind::Go) && r.files_truncated == 0 {
                let sum = |f: fn(&gonogo::evidence::FileCoverage) -> u64| {
                    r.files.iter().map(f).sum::<u64>()
                };
                let per_file = (
                    sum(|f| f.lines_covered),
                    sum(|f| f.lines_total),
                    sum(|f| f.branches_covered),
                    sum(|f| f.branches_total),
                );
                let totals = (
                    r.lines_covered,
                    r.lines_total,
                    r.branches_covered,
                    r.branches_total,
                );
                assert_eq!(
                    per_file, totals,
                    "{name}: per-file figures must add up to the totals"
                );
            }
        }
        (Err(e), Expect::Err(position, text)) => {
            assert_eq!(e.position, Some(*position), "{name}: {e}");
            assert!(e.message.contains(text), "{name}: {e}");
        }
        (Ok(r), Expect::Err(..)) => panic!("{name}: expected an error, parsed {r:?}"),
        (Err(e), Expect::Ok(_)) => panic!("{name}: {e}"),
    }
}

#[test]
#[ignore = "needs GONOGO_CORPUS (the shared corpus of real reports); .ci/run runs it"]
fn corpus_files_match_the_manifest() {
    let dir = corpus();
    let manifest = fs::read_to_string(dir.join("MANIFEST.md")).expect("MANIFEST.md in the corpus");
    let expectations = corpus_expectations();
    for (name, kind, expect) in &expectations {
        assert!(
            manifest.contains(&format!("| {name} |")),
            "{name} is not in the MANIFEST"
        );
        check(name, *kind, parse_file(*kind, &dir.join(name)), expect);
    }
    let mut listed = Vec::new();
    for sub in ["cobertura", "jacoco", "lcov", "other"] {
        for entry in fs::read_dir(dir.join(sub)).expect("corpus folder") {
            let file = entry
                .expect("corpus entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            let is_mine = sub != "other"
                || ["clover", "opencover", "go-"]
                    .iter()
                    .any(|p| file.starts_with(p));
            if is_mine {
                listed.push(format!("{sub}/{file}"));
            }
        }
    }
    for name in &listed {
        assert!(
            expectations.iter().any(|(n, _, _)| n == name),
            "{name}: a corpus coverage file without an expectation"
        );
    }
}

#[test]
#[ignore = "needs GONOGO_CORPUS (the shared corpus of real reports); .ci/run runs it"]
fn sniffers_claim_exactly_their_own_corpus_files() {
    let dir = corpus();
    let expectations = corpus_expectations();
    for sub in fs::read_dir(&dir).expect("corpus dir") {
        let sub = sub.expect("entry").path();
        if !sub.is_dir() {
            continue;
        }
        for entry in fs::read_dir(&sub).expect("corpus folder") {
            let path = entry.expect("entry").path();
            let bytes = fs::read(&path).expect("corpus file");
            let head = &bytes[..bytes.len().min(4096)];
            let name = format!(
                "{}/{}",
                sub.file_name().unwrap_or_default().to_string_lossy(),
                path.file_name().unwrap_or_default().to_string_lossy()
            );
            let own = expectations
                .iter()
                .find(|(n, _, _)| *n == name)
                .map(|(_, k, _)| *k);
            for kind in KINDS {
                assert_eq!(
                    sniff(kind, head),
                    own == Some(kind),
                    "{name}: sniff {kind:?}"
                );
                // Every parser on every corpus file: a result or a clean error, never a panic.
                if own != Some(kind)
                    && let Err(e) = parse(kind, &bytes)
                {
                    assert!(!e.message.is_empty());
                }
            }
        }
    }
}

fn fixture(path: &str) -> PathBuf {
    fixture_path("coverage").join(path)
}

#[test]
fn fixtures_from_the_real_tools() {
    use Kind::*;
    let cases = [
        // coverage.py: 21 statements, 5 missed; 8 branches, 4 taken — same in both exports.
        (
            "python/coverage.xml",
            Cobertura,
            ok((16, 21), (4, 8), true, 2, 0),
        ),
        (
            "python/coverage.lcov",
            Lcov,
            ok((16, 21), (4, 8), true, 2, 0),
        ),
        // gcovr: 14 lines, 10 executed; 8 branches, 5 taken. Clover from gcovr has no conditionals.
        (
            "gcovr/coverage.cobertura.xml",
            Cobertura,
            ok((10, 14), (5, 8), true, 1, 0),
        ),
        ("gcovr/jacoco.xml", Jacoco, ok((10, 14), (5, 8), true, 1, 0)),
        (
            "gcovr/coverage.lcov",
            Lcov,
            ok((10, 14), (5, 8), true, 1, 0),
        ),
        (
            "gcovr/clover.xml",
            Clover,
            ok((10, 14), (0, 0), false, 1, 0),
        ),
        // go test: "coverage: 60.0% of statements".
        ("go/set.out", Go, ok((6, 10), (0, 0), false, 1, 1)),
        ("go/count.out", Go, ok((6, 10), (0, 0), false, 1, 1)),
        ("go/atomic.out", Go, ok((6, 10), (0, 0), false, 1, 1)),
        // -coverpkg=./... over two packages: 22 block lines, 10/22 raw; 11 distinct blocks, 9 covered.
        ("go/merged.out", Go, ok((9, 11), (0, 0), false, 2, 1)),
    ];
    for (name, kind, expect) in &cases {
        let path = fixture(name);
        check(name, *kind, parse_file(*kind, &path), expect);
        let head = fs::read(&path).expect("fixture");
        for other in KINDS {
            assert_eq!(
                sniff(other, &head[..head.len().min(4096)]),
                other == *kind,
                "{name}: sniff {other:?}"
            );
        }
    }
}

#[test]
fn truncated_reports_never_panic_and_xml_ones_fail() {
    use Kind::*;
    let cases = [
        ("python/coverage.xml", Cobertura),
        ("gcovr/coverage.cobertura.xml", Cobertura),
        ("gcovr/jacoco.xml", Jacoco),
        ("gcovr/clover.xml", Clover),
        ("python/coverage.lcov", Lcov),
        ("gcovr/coverage.lcov", Lcov),
        ("go/merged.out", Go),
    ];
    for (name, kind) in cases {
        let bytes = fs::read(fixture(name)).expect("fixture");
        let end = bytes
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
        for cut in (0..end).step_by(7) {
            let result = parse(kind, &bytes[..cut]);
            if matches!(kind, Cobertura | Jacoco | Clover) {
                let err = result.expect_err(&format!("{name} cut at {cut} must fail"));
                assert!(err.position.is_some(), "{name} cut at {cut}: {err}");
            }
        }
    }
}

#[test]
fn wrong_roots_are_named() {
    let jacoco_xml = fs::read(fixture("gcovr/jacoco.xml")).expect("fixture");
    let err = cobertura::parse(&jacoco_xml[..]).unwrap_err();
    assert!(
        err.message.contains("<coverage>") && err.message.contains("<report>"),
        "{err}"
    );
    let cobertura_xml = fs::read(fixture("python/coverage.xml")).expect("fixture");
    assert!(
        jacoco::parse(&cobertura_xml[..])
            .unwrap_err()
            .message
            .contains("<report>")
    );
    assert!(
        opencover::parse(&cobertura_xml[..])
            .unwrap_err()
            .message
            .contains("<CoverageSession>")
    );
    assert!(lcov::parse(&cobertura_xml[..]).is_err());
    assert!(gocover::parse(&cobertura_xml[..]).is_err());
}

const LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE coverage [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
 <!ENTITY xxe SYSTEM "file:///etc/passwd">
 <!ENTITY remote SYSTEM "http://127.0.0.1:9/evil.dtd">
]>
"#;

#[test]
fn entity_bombs_and_external_entities_are_never_expanded() {
    let cases = [
        (
            Kind::Cobertura,
            (1, 1),
            "<coverage lines-valid=\"1\"><packages><package><classes><class filename=\"&lol9;&xxe;&remote;\"><lines><line number=\"1\" hits=\"1\"/></lines></class></classes></package></packages>&lol9;&xxe;</coverage>",
        ),
        (
            Kind::Jacoco,
            (1, 2),
            "<report name=\"&lol9;\"><package name=\"&xxe;\"><sourcefile name=\"&lol9;\"><counter type=\"LINE\" missed=\"1\" covered=\"1\"/></sourcefile></package>&lol9;<counter type=\"LINE\" missed=\"1\" covered=\"1\"/></report>",
        ),
        (
            Kind::Clover,
            (1, 2),
            "<coverage><project>&lol9;<metrics statements=\"2\" coveredstatements=\"1\"/><file name=\"&xxe;\"><metrics statements=\"2\" coveredstatements=\"1\"/></file></project></coverage>",
        ),
        (
            Kind::OpenCover,
            (1, 2),
            "<CoverageSession><Summary numSequencePoints=\"2\" visitedSequencePoints=\"1\"/>&lol9;<Modules><Module><Files><File uid=\"1\" fullPath=\"&xxe;\"/></Files><Classes><Class><Methods><Method><Summary numSequencePoints=\"2\" visitedSequencePoints=\"1\"/><FileRef uid=\"1\"/></Method></Methods></Class></Classes></Module></Modules></CoverageSession>",
        ),
    ];
    for (kind, lines, body) in cases {
        let xml = format!("{LAUGHS}{body}");
        let started = std::time::Instant::now();
        let r = parse(kind, xml.as_bytes()).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert!(started.elapsed().as_secs() < 2, "{kind:?} took too long");
        assert_eq!((r.lines_covered, r.lines_total), lines, "{kind:?}");
        assert_eq!(r.files.len(), 1, "{kind:?}");
        for f in &r.files {
            assert!(
                f.path.len() < 64,
                "{kind:?}: a path was expanded: {}",
                f.path.len()
            );
            assert!(
                f.path.contains('&'),
                "{kind:?}: the entity reference stays literal: {}",
                f.path
            );
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 200_000;
    for (kind, root) in [
        (Kind::Cobertura, "coverage"),
        (Kind::Jacoco, "report"),
        (Kind::Clover, "coverage"),
        (Kind::OpenCover, "CoverageSession"),
    ] {
        let xml = format!(
            "<{root}>{}{}</{root}>",
            "<a>".repeat(depth),
            "</a>".repeat(depth)
        );
        let err = parse(kind, xml.as_bytes()).unwrap_err();
        assert!(err.message.contains("nested deeper"), "{kind:?}: {err}");
    }
}

#[test]
fn garbage_and_utf16_fail_cleanly() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..64 {
        let len = (next() % 2048) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        for kind in KINDS {
            let _ = parse(kind, &bytes);
            let mut xmlish =
                b"<coverage><packages><package><classes><class filename=\"a\"><lines>".to_vec();
            xmlish.extend_from_slice(&bytes);
            let _ = parse(kind, &xmlish);
            let mut lcovish = b"SF:a\nDA:".to_vec();
            lcovish.extend_from_slice(&bytes);
            let _ = parse(kind, &lcovish);
        }
        if round == 0 {
            for kind in [Kind::Cobertura, Kind::Jacoco, Kind::Clover, Kind::OpenCover] {
                let utf16: Vec<u8> = "\u{feff}<coverage/>"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect();
                assert!(
                    parse(kind, &utf16).unwrap_err().message.contains("UTF-16"),
                    "{kind:?}"
                );
            }
        }
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let cases = [
        ("python/coverage.xml", Kind::Cobertura),
        ("gcovr/jacoco.xml", Kind::Jacoco),
        ("gcovr/clover.xml", Kind::Clover),
        ("gcovr/coverage.lcov", Kind::Lcov),
        ("go/merged.out", Kind::Go),
    ];
    let tokens: [&[u8]; 8] = [
        b"<",
        b">",
        b"\"",
        b"&",
        b"\n",
        b",",
        b"-",
        b"99999999999999999999999",
    ];
    for (name, kind) in cases {
        let original = fs::read(fixture(name)).expect("fixture");
        for _ in 0..300 {
            let mut bytes = original.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() as usize) % bytes.len().max(1);
                match next() % 3 {
                    0 => bytes[at] = next() as u8,
                    1 => {
                        bytes.remove(at);
                    }
                    _ => {
                        let token = tokens[(next() as usize) % tokens.len()];
                        bytes.splice(at..at, token.iter().copied());
                    }
                }
            }
            let _ = parse(kind, &bytes);
        }
    }
}

#[test]
fn huge_hit_counts_saturate_in_every_line_format() {
    let r = lcov::parse(&b"SF:a\nDA:1,340282366920938463463374607431768211456\nBRDA:1,0,0,18446744073709551615\nBRF:1\nBRH:1\nLF:1\nLH:1\nend_of_record\n"[..]).unwrap();
    assert_eq!(
        (
            r.lines_covered,
            r.lines_total,
            r.branches_covered,
            r.branches_total
        ),
        (1, 1, 1, 1)
    );
    let r = gocover::parse(
        &b"mode: count\na.go:1.1,2.2 1 340282366920938463463374607431768211456\n"[..],
    )
    .unwrap();
    assert_eq!((r.lines_covered, r.lines_total), (1, 1));
    let r = cobertura::parse(&b"<coverage><packages><package><classes><class filename=\"a\"><lines><line number=\"1\" hits=\"340282366920938463463374607431768211456\"/></lines></class></classes></package></packages></coverage>"[..]).unwrap();
    assert_eq!((r.lines_covered, r.lines_total), (1, 1));
}
