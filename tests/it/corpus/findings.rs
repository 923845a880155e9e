//! Every scan report of the shared corpus parses to the counts its MANIFEST states.
//!
//! The corpus lives outside the repository (`GONOGO_CORPUS`, relative paths resolved from the
//! crate root); the tests that read it are ignored by default, and fail saying so when run
//! without it.
//!
//! SARIF rows of the MANIFEST count results by `level`; the expected severities below apply the
//! parser's documented mapping: the rule's `defaultConfiguration.level` when the result has none
//! (CodeQL: error 11, warning 4, note 57), `security-severity` when present (Snyk 7.5/7.5/6.3,
//! Trivy 5.3, Semgrep's words CRITICAL 34 / HIGH 1 / MEDIUM 42), the SARIF default `warning` for
//! gitleaks' rule-less result. Flawfinder's 54 results include one `kind: "pass"` result, which is
//! not a finding: 53.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::PathBuf;

use gonogo::evidence::{Category, FindingSet, Severity};
use gonogo::parse::{
    ParseError, codequality, dependency_check, gitleaks, grype, npm_audit, osv, sarif, trivy,
};

use crate::support::{corpus, fixture_path};

type Parser = fn(File) -> Result<FindingSet, ParseError>;
type Sniffer = fn(&[u8]) -> bool;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Sarif,
    Trivy,
    Grype,
    Gitleaks,
    DependencyCheck,
    CodeQuality,
    NpmAudit,
    Osv,
}

const KINDS: [Kind; 8] = [
    Kind::Sarif,
    Kind::Trivy,
    Kind::Grype,
    Kind::Gitleaks,
    Kind::DependencyCheck,
    Kind::CodeQuality,
    Kind::NpmAudit,
    Kind::Osv,
];

impl Kind {
    fn parser(self) -> Parser {
        match self {
            Kind::Sarif => sarif::parse,
            Kind::Trivy => trivy::parse,
            Kind::Grype => grype::parse,
            Kind::Gitleaks => gitleaks::parse,
            Kind::DependencyCheck => dependency_check::parse,
            Kind::CodeQuality => codequality::parse,
            Kind::NpmAudit => npm_audit::parse,
            Kind::Osv => osv::parse,
        }
    }

    fn sniffer(self) -> Sniffer {
        match self {
            Kind::Sarif => sarif::sniff,
            Kind::Trivy => trivy::sniff,
            Kind::Grype => grype::sniff,
            Kind::Gitleaks => gitleaks::sniff,
            Kind::DependencyCheck => dependency_check::sniff,
            Kind::CodeQuality => codequality::sniff,
            Kind::NpmAudit => npm_audit::sniff,
            Kind::Osv => osv::sniff,
        }
    }
}

use Category::{CodeQuality, Misconfiguration, Secret, Vulnerability};
use Severity::{Critical, High, Low, Medium};

struct Case {
    file: &'static str,
    kind: Kind,
    total: u64,
    severities: &'static [(Severity, u64)],
    categories: &'static [(Category, u64)],
    fixable: Option<u64>,
    /// Whether `sniff` must recognise the file (false: too little to tell, e.g. `[]`).
    sniffable: bool,
}

const fn case(
    file: &'static str,
    kind: Kind,
    total: u64,
    severities: &'static [(Severity, u64)],
    categories: &'static [(Category, u64)],
) -> Case {
    Case {
        file,
        kind,
        total,
        severities,
        categories,
        fixable: None,
        sniffable: true,
    }
}

const CASES: &[Case] = &[
    case(
        "sarif/checkov-3.2.470-small.sarif",
        Kind::Sarif,
        1,
        &[(High, 1)],
        &[(Misconfiguration, 1)],
    ),
    case(
        "sarif/codeql-2.5.4.sarif",
        Kind::Sarif,
        72,
        &[(High, 11), (Medium, 4), (Low, 57)],
        &[(CodeQuality, 72)],
    ),
    case(
        "sarif/eslint-simple-example.sarif",
        Kind::Sarif,
        1,
        &[(High, 1)],
        &[(CodeQuality, 1)],
    ),
    case(
        "sarif/flawfinder-2.0.19.sarif",
        Kind::Sarif,
        53,
        &[(High, 2), (Medium, 1), (Low, 50)],
        &[(CodeQuality, 53)],
    ),
    case(
        "sarif/gitleaks-sarif-simple.sarif",
        Kind::Sarif,
        1,
        &[(Medium, 1)],
        &[(Secret, 1)],
    ),
    case(
        "sarif/semgrep-oss-1.69.0.sarif",
        Kind::Sarif,
        77,
        &[(Critical, 34), (High, 1), (Medium, 42)],
        &[(Vulnerability, 77)],
    ),
    case(
        "sarif/snyk-code.sarif",
        Kind::Sarif,
        3,
        &[(High, 2), (Medium, 1)],
        &[(Vulnerability, 3)],
    ),
    case(
        "sarif/trivy-image-alpine310.sarif",
        Kind::Sarif,
        4,
        &[(Medium, 4)],
        &[(Vulnerability, 4)],
    ),
    case(
        "trivy/trivy-config-dockerfile.json",
        Kind::Trivy,
        1,
        &[(High, 1)],
        &[(Misconfiguration, 1)],
    ),
    Case {
        fixable: Some(2),
        ..case(
            "trivy/trivy-fs-misconfig-and-secrets.json",
            Kind::Trivy,
            5,
            &[(Critical, 2), (High, 2), (Medium, 1)],
            &[(Vulnerability, 2), (Misconfiguration, 1), (Secret, 2)],
        )
    },
    Case {
        fixable: Some(4),
        ..case(
            "trivy/trivy-image-alpine310.json",
            Kind::Trivy,
            4,
            &[(Medium, 4)],
            &[(Vulnerability, 4)],
        )
    },
    case(
        "trivy/trivy-image-many-vulns.json",
        Kind::Trivy,
        5,
        &[(Critical, 1), (High, 1), (Medium, 3)],
        &[(Vulnerability, 5)],
    ),
    Case {
        fixable: Some(0),
        ..case(
            "grype/grype-dir-many-vulns.json",
            Kind::Grype,
            9,
            &[(Critical, 2), (High, 2), (Medium, 5)],
            &[(Vulnerability, 9)],
        )
    },
    Case {
        fixable: Some(1),
        ..case(
            "grype/grype-image-epss.json",
            Kind::Grype,
            15,
            &[(Critical, 1), (High, 10), (Medium, 2), (Low, 2)],
            &[(Vulnerability, 15)],
        )
    },
    Case {
        sniffable: false,
        ..case(
            "gitleaks/gitleaks-no-leaks-empty-array.json",
            Kind::Gitleaks,
            0,
            &[],
            &[],
        )
    },
    case(
        "gitleaks/gitleaks8-many.json",
        Kind::Gitleaks,
        4,
        &[(High, 4)],
        &[(Secret, 4)],
    ),
    case(
        "dependency-check/dc-report-6.5.3.xml",
        Kind::DependencyCheck,
        1,
        &[(Low, 1)],
        &[(Vulnerability, 1)],
    ),
    case(
        "dependency-check/dc-report-cvssv4.json",
        Kind::DependencyCheck,
        1,
        &[(Medium, 1)],
        &[(Vulnerability, 1)],
    ),
    case(
        "dependency-check/dc-report-multimodule-maven.json",
        Kind::DependencyCheck,
        40,
        &[(Critical, 6), (High, 19), (Medium, 14), (Low, 1)],
        &[(Vulnerability, 40)],
    ),
    case(
        "gitlab/trivy-gitlab-codequality.json",
        Kind::CodeQuality,
        4,
        &[(Low, 4)],
        &[(CodeQuality, 4)],
    ),
    case(
        "other/npm-audit-v6-many.json",
        Kind::NpmAudit,
        5,
        &[(High, 3), (Medium, 1), (Low, 1)],
        &[(Vulnerability, 5)],
    ),
    case(
        "other/npm-audit-v7-many.json",
        Kind::NpmAudit,
        6,
        &[(Medium, 4), (Low, 2)],
        &[(Vulnerability, 6)],
    ),
    case(
        "other/osv-scanner-javascript.json",
        Kind::Osv,
        6,
        &[(Critical, 1), (High, 2), (Medium, 3)],
        &[(Vulnerability, 6)],
    ),
];

fn severity_counts(set: &FindingSet) -> BTreeMap<Severity, u64> {
    let mut counts = set.overflow_by_severity.clone();
    for f in &set.findings {
        *counts.entry(f.severity).or_default() += 1;
    }
    counts.retain(|_, n| *n > 0);
    counts
}

fn parse_case(dir: &std::path::Path, c: &Case) -> FindingSet {
    let path = dir.join(c.file);
    let file = File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (c.kind.parser())(file).unwrap_or_else(|e| panic!("{}: {e}", c.file))
}

#[test]
#[ignore = "needs GONOGO_CORPUS (the shared corpus of real reports); .ci/run runs it"]
fn corpus_counts_match_the_manifest() {
    let dir = corpus();
    let mut failures = Vec::new();
    for c in CASES {
        let set = parse_case(&dir, c);
        let got = severity_counts(&set);
        let want: BTreeMap<Severity, u64> = c.severities.iter().copied().collect();
        let mut categories: BTreeMap<Category, u64> = BTreeMap::new();
        for f in &set.findings {
            *categories.entry(f.category).or_default() += 1;
        }
        let want_categories: BTreeMap<Category, u64> = c.categories.iter().copied().collect();
        let fixable = set.findings.iter().filter(|f| f.fixable).count() as u64;
        if set.total() != c.total || got != want || categories != want_categories {
            failures.push(format!(
                "{}: total {} (want {}), severities {got:?} (want {want:?}), categories {categories:?} (want {want_categories:?})",
                c.file,
                set.total(),
                c.total
            ));
        }
        if let Some(want_fixable) = c.fixable
            && fixable != want_fixable
        {
            failures.push(format!(
                "{}: {fixable} fixable, want {want_fixable}",
                c.file
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[ignore = "needs GONOGO_CORPUS (the shared corpus of real reports); .ci/run runs it"]
fn corpus_details_spot_checks() {
    let dir = corpus();
    let find = |file: &str| {
        CASES
            .iter()
            .find(|c| c.file == file)
            .map(|c| parse_case(&dir, c))
            .unwrap_or_default()
    };

    let flawfinder = find("sarif/flawfinder-2.0.19.sarif");
    assert!(
        flawfinder
            .notes
            .iter()
            .any(|n| n.starts_with("1 result(s) with a kind")),
        "{:?}",
        flawfinder.notes
    );

    let eslint = find("sarif/eslint-simple-example.sarif");
    let f = &eslint.findings[0];
    assert_eq!(f.id, "no-unused-vars");
    let loc = f.location.as_ref().unwrap();
    assert_eq!(
        (loc.path.as_str(), loc.line),
        (
            "C:/dev/sarif/sarif-tutorials/samples/Introduction/simple-example.js",
            Some(1)
        )
    );

    let codeql = find("sarif/codeql-2.5.4.sarif");
    assert!(
        codeql
            .findings
            .iter()
            .all(|f| f.fingerprint.is_some() && f.tool == "CodeQL")
    );

    let trivy = find("trivy/trivy-image-alpine310.json");
    let v = &trivy.findings[0];
    assert_eq!(v.id, "CVE-2019-1549");
    assert_eq!(v.package.as_deref(), Some("libcrypto1.1"));
    assert_eq!(v.installed_version.as_deref(), Some("1.1.1c-r0"));
    assert_eq!(v.fixed_version.as_deref(), Some("1.1.1d-r0"));

    let gitleaks = find("gitleaks/gitleaks8-many.json");
    let dump = serde_json::to_string(&gitleaks).unwrap();
    for secret in [
        "secretAWSsecret",
        "dfjksdjfs3294dfjlsdaf213",
        "BEGIN RSA PRIVATE KEY",
    ] {
        assert!(
            !dump.contains(secret),
            "gitleaks secret {secret} leaked into findings"
        );
    }
    assert_eq!(
        gitleaks.findings[2]
            .location
            .as_ref()
            .map(|l| (l.path.as_str(), l.line)),
        Some(("conf/rsa.pk", Some(57)))
    );

    for npm in [
        "other/npm-audit-v6-many.json",
        "other/npm-audit-v7-many.json",
    ] {
        let set = find(npm);
        assert!(
            set.notes.is_empty(),
            "{npm}: metadata cross-check should agree: {:?}",
            set.notes
        );
    }

    let dc = find("dependency-check/dc-report-6.5.3.xml");
    assert_eq!(
        dc.findings[0].package.as_deref(),
        Some("pkg:maven/org.apache.logging.log4j/log4j-api@2.12.4")
    );
}

/// Each sniffer claims its own corpus files and no other file of the corpus.
#[test]
#[ignore = "needs GONOGO_CORPUS (the shared corpus of real reports); .ci/run runs it"]
fn sniffers_claim_only_their_own_files() {
    let dir = corpus();
    let mut failures = Vec::new();
    let mut seen = 0;
    for entry in walk(&dir) {
        let rel = entry
            .strip_prefix(&dir)
            .unwrap_or(&entry)
            .to_string_lossy()
            .replace('\\', "/");
        let mut head = vec![0; 4096];
        let n = std::io::Read::read(&mut File::open(&entry).unwrap(), &mut head).unwrap();
        head.truncate(n);
        let claimed: Vec<Kind> = KINDS
            .iter()
            .copied()
            .filter(|k| (k.sniffer())(&head))
            .collect();
        let want: Vec<Kind> = CASES
            .iter()
            .filter(|c| c.file == rel && c.sniffable)
            .map(|c| c.kind)
            .collect();
        if claimed != want {
            failures.push(format!("{rel}: claimed by {claimed:?}, want {want:?}"));
        }
        seen += 1;
    }
    assert!(seen > CASES.len(), "corpus walk found only {seen} files");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n != "MANIFEST.md") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn fixture(name: &str) -> File {
    let path = fixture_path("findings").join(name);
    File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Real Semgrep output: `results` come before `tool`, one result is suppressed by `# nosemgrep`.
#[test]
fn semgrep_fixture() {
    let set = sarif::parse(fixture("semgrep/semgrep-1.185.0.sarif")).unwrap();
    assert_eq!(set.total(), 2);
    let got: Vec<(&str, Severity, Option<u64>)> = set
        .findings
        .iter()
        .map(|f| {
            (
                f.id.as_str(),
                f.severity,
                f.location.as_ref().and_then(|l| l.line),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("python-shell-true", High, Some(6)),
            ("python-eval", Medium, Some(7))
        ]
    );
    assert!(
        set.findings
            .iter()
            .all(|f| f.tool == "Semgrep OSS" && f.category == CodeQuality)
    );
    assert!(set.findings.iter().all(|f| f.fingerprint.is_some()));
    assert_eq!(
        set.findings[0].location.as_ref().map(|l| l.path.as_str()),
        Some("app.py")
    );
    assert!(
        set.notes.iter().any(|n| n.starts_with("1 suppressed")),
        "{:?}",
        set.notes
    );
    let mut head = Vec::new();
    std::io::Read::read_to_end(&mut fixture("semgrep/semgrep-1.185.0.sarif"), &mut head).unwrap();
    assert!(sarif::sniff(&head[..head.len().min(4096)]));
}

#[test]
fn trivy_fixture() {
    let set = trivy::parse(fixture("trivy-image-handwritten.json")).unwrap();
    let want: BTreeMap<Severity, u64> = [(Critical, 2), (High, 2), (Medium, 1), (Low, 1)].into();
    assert_eq!(severity_counts(&set), want);
    assert_eq!(set.findings.iter().filter(|f| f.fixable).count(), 2);
    let secret = set.findings.iter().find(|f| f.category == Secret).unwrap();
    assert_eq!(
        secret.location.as_ref().map(|l| (l.path.as_str(), l.line)),
        Some(("/app/.env", Some(3)))
    );
    assert!(!secret.message.contains("AWS_ACCESS_KEY_ID"));
    let misconfig = set
        .findings
        .iter()
        .find(|f| f.category == Misconfiguration)
        .unwrap();
    assert_eq!(misconfig.id, "DS002");
    assert!(
        set.notes
            .iter()
            .any(|n| n.starts_with("1 misconfiguration")),
        "{:?}",
        set.notes
    );
}
