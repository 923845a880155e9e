//! `gonogo init`: a commented gonogo.yaml for this project, with the report files it already
//! has detected by content (not by name), so the first `gonogo check` reads real evidence.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use super::{Failure, print, write_file};
use crate::cli::InitArgs;
use crate::eval::Exit;
use crate::parse::format::{Format, detect};

const SKIP: &[&str] = &[
    ".git",
    "node_modules",
    "target",
    ".venv",
    "venv",
    "__pycache__",
    "dist",
    "build",
];
const MAX_DEPTH: usize = 6;

/// The source name rules read for a format.
fn source_name(format: Format) -> &'static str {
    match format {
        Format::Junit
        | Format::GitlabTestReport
        | Format::Nunit
        | Format::Trx
        | Format::Xunit
        | Format::GoTest
        | Format::Mochawesome
        | Format::Mocha
        | Format::Rspec
        | Format::Dart
        | Format::Tap => "tests",
        Format::Cobertura
        | Format::Jacoco
        | Format::Clover
        | Format::OpenCover
        | Format::Lcov
        | Format::GoCover => "coverage",
        Format::Trivy | Format::Grype => "image-scan",
        Format::Gitleaks => "secrets",
        Format::DependencyCheck | Format::NpmAudit | Format::Osv => "dependency-scan",
        Format::Sarif | Format::CodeQuality => "sast",
    }
}

fn scan(root: &Path) -> BTreeMap<&'static str, Vec<(String, Format)>> {
    let mut found: BTreeMap<&'static str, Vec<(String, Format)>> = BTreeMap::new();
    let mut stack = vec![(root.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                if depth < MAX_DEPTH && !SKIP.contains(&name.as_str()) && !name.starts_with('.') {
                    stack.push((path, depth + 1));
                }
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let candidate = matches!(ext, "xml" | "json" | "sarif" | "info" | "lcov" | "out");
            if !candidate || name == "package.json" || name.ends_with("-lock.json") {
                continue;
            }
            let mut head = [0u8; 4096];
            let Ok(mut file) = std::fs::File::open(&path) else {
                continue;
            };
            let n = file.read(&mut head).unwrap_or(0);
            if let Some(format) = detect(&head[..n]) {
                let rel = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .into_owned();
                found
                    .entry(source_name(format))
                    .or_default()
                    .push((rel, format));
            }
        }
    }
    found
}

fn glob_for(files: &[(String, Format)]) -> String {
    if files.len() == 1 {
        return files[0].0.clone();
    }
    let dirs: Vec<PathBuf> = files
        .iter()
        .map(|(f, _)| {
            Path::new(f)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        })
        .collect();
    let same_dir = dirs.windows(2).all(|w| w[0] == w[1]);
    let ext = Path::new(&files[0].0)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("*");
    if same_dir && !dirs[0].as_os_str().is_empty() {
        format!("{}/*.{ext}", dirs[0].display())
    } else {
        format!("**/*.{ext}")
    }
}

pub(super) fn render(stage: &str, found: &BTreeMap<&'static str, Vec<(String, Format)>>) -> String {
    let mut out = String::from(
        "# gonogo configuration — https://github.com/ (see README: Configuration)\n\
         # Validate with `gonogo validate`; see what a stage checks with `gonogo explain`.\n\n",
    );
    let _ = writeln!(out, "project: my-project");
    let _ = writeln!(
        out,
        "# The stage the project is at: 1 opportunity, 2 plan, 3 sandbox, 4 production, 5 excellence."
    );
    let _ = writeln!(out, "stage: {stage}");
    let _ = writeln!(out, "# nonprod (policy rules warn) or prod (they fail).");
    let _ = writeln!(out, "environment: nonprod\n");
    let _ = writeln!(
        out,
        "# Values for the rules' ${{variables}} (see `gonogo rules --format markdown`)."
    );
    let _ = writeln!(out, "vars:\n  namespace: my-namespace\n  app: my-app\n");
    let _ = writeln!(
        out,
        "# Where evidence lives. Names are what rules read: tests, coverage, image-scan, sast, secrets..."
    );
    let _ = writeln!(
        out,
        "# `kind` is detected from the content when omitted; `max_age` makes old reports inconclusive."
    );
    out.push_str("sources:\n");
    if found.is_empty() {
        out.push_str("  # No report found yet. Examples:\n  # tests: {kind: junit, path: \"reports/junit/*.xml\"}\n  # coverage: {kind: cobertura, path: coverage.xml}\n  {}\n");
    }
    for (name, files) in found {
        let kinds: Vec<&str> = files.iter().map(|(_, f)| f.id()).collect();
        let _ = writeln!(out, "  {name}:");
        if kinds.windows(2).all(|w| w[0] == w[1]) {
            let _ = writeln!(out, "    kind: {}", kinds[0]);
        }
        let _ = writeln!(out, "    path: \"{}\"", glob_for(files));
        let _ = writeln!(
            out,
            "    # found: {}",
            files
                .iter()
                .map(|(f, _)| f.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out.push_str("\n# Exceptions need a reason and an expiry date:\n# waivers:\n#   - rule: CPN-S3-07\n#     match: CVE-2024-0000\n#     reason: \"no fix upstream; not reachable in our use\"\n#     expires: 2026-12-31\n");
    out
}

/// The onboarding answers file, with every question in French and English.
pub(super) const ONBOARDING_TEMPLATE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/rules/cloud-pi-native/onboarding.template.yaml"
));

pub(super) fn init(args: &InitArgs) -> Result<Exit, Failure> {
    let target = args.dir.join(crate::config::DEFAULT_FILE);
    let early = matches!(args.stage.as_str(), "1" | "2" | "opportunity" | "plan");
    let answers = args.dir.join("onboarding.yaml");
    for path in std::iter::once(&target).chain(early.then_some(&answers)) {
        if path.exists() && !args.force {
            return Err(Failure::Usage(format!(
                "{} exists; pass --force to overwrite it",
                path.display()
            )));
        }
    }
    let found = scan(&args.dir);
    write_file(&target, &render(&args.stage, &found))?;
    let mut summary = format!("wrote {}", target.display());
    if early {
        write_file(&answers, ONBOARDING_TEMPLATE)?;
        let _ = write!(summary, " and {} (answer every TODO)", answers.display());
    }
    let n: usize = found.values().map(Vec::len).sum();
    let _ = writeln!(
        summary,
        " ({n} report file{} detected)",
        if n == 1 { "" } else { "s" }
    );
    print(&summary);
    Ok(Exit::Go)
}
