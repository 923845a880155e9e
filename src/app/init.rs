//! `gonogo init`: a commented gonogo.yaml for this project, with the report files it already
//! has detected by content (not by name), so the first `gonogo check` reads real evidence; the
//! onboarding answers file and, from stage 2, the project-plan skeleton.
//!
//! On a project that already has a gonogo.yaml, `init --stage N` keeps it and adds only what is
//! missing (the answers file, the plan): moving to the next stage never means rewriting a
//! configuration. `--force` rewrites everything.

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
        "# gonogo configuration (see the README's Configuration section and docs/cloud-pi-native.md).\n\
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
    out.push_str(
        "vars:\n\
         \x20 # Platform and project values no source gives: rules that need one stay inconclusive\n\
         \x20 # (\"not configured\") until it is set. `gonogo explain` lists them.\n\
         \x20 # harbor_host: harbor.apps.c6.numerique-interieur.com\n\
         \x20 # namespace: my-project-dev\n\
         \x20 # In the usual split layout, the Helm chart lives in its own repository:\n\
         \x20 # infra_repo: ../my-project-infra\n\
         \x20 {}\n\n",
    );
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

/// The project-plan skeleton, with the seed template's French headings.
pub(super) const PLAN_TEMPLATE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/rules/cloud-pi-native/project-plan.template.md"
));

/// The stage number `init` was given (a number or a stage id of the default pack).
fn stage_number(stage: &str) -> u32 {
    match stage {
        "opportunity" => 1,
        "plan" => 2,
        "sandbox" => 3,
        "production" => 4,
        "excellence" => 5,
        n => n.parse().unwrap_or(3),
    }
}

/// What `init` writes: the configuration, the answers file (read from stage 1 to stage 5), the
/// plan skeleton from stage 2; an existing file is kept unless `--force`.
pub(super) fn files_to_write(stage: &str) -> Vec<(&'static str, bool)> {
    let n = stage_number(stage);
    vec![
        (crate::config::DEFAULT_FILE, true),
        ("onboarding.yaml", true),
        ("docs/project-plan.md", n >= 2),
    ]
}

pub(super) fn init(args: &InitArgs) -> Result<Exit, Failure> {
    let mut wrote = Vec::new();
    let mut kept = Vec::new();
    let mut found_reports = None;
    for (name, wanted) in files_to_write(&args.stage) {
        if !wanted {
            continue;
        }
        let path = args.dir.join(name);
        if path.exists() && !args.force {
            kept.push(path.display().to_string());
            continue;
        }
        let text = match name {
            "onboarding.yaml" => ONBOARDING_TEMPLATE.to_string(),
            "docs/project-plan.md" => PLAN_TEMPLATE.to_string(),
            _ => {
                let found = scan(&args.dir);
                let text = render(&args.stage, &found);
                found_reports = Some(found.values().map(Vec::len).sum::<usize>());
                text
            }
        };
        write_file(&path, &text)?;
        wrote.push(path.display().to_string());
    }
    let mut summary = if wrote.is_empty() {
        "nothing to add".to_string()
    } else {
        format!("wrote {}", wrote.join(", "))
    };
    if let Some(n) = found_reports {
        let _ = write!(
            summary,
            " ({n} report file{} detected)",
            if n == 1 { "" } else { "s" }
        );
    }
    if !kept.is_empty() {
        let _ = write!(summary, "; kept {} (--force rewrites)", kept.join(", "));
    }
    if wrote
        .iter()
        .any(|w| w.ends_with("onboarding.yaml") || w.ends_with("project-plan.md"))
    {
        summary.push_str("; answer every TODO");
    }
    summary.push('\n');
    print(&summary);
    Ok(Exit::Go)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_stage_writes_what_its_rules_read() {
        let names = |s: &str| -> Vec<&str> {
            files_to_write(s)
                .into_iter()
                .filter(|(_, w)| *w)
                .map(|(n, _)| n)
                .collect()
        };
        assert_eq!(names("1"), ["gonogo.yaml", "onboarding.yaml"]);
        assert_eq!(
            names("plan"),
            ["gonogo.yaml", "onboarding.yaml", "docs/project-plan.md"]
        );
        assert!(PLAN_TEMPLATE.contains("## Contexte métier de la demande"));
        assert!(
            ONBOARDING_TEMPLATE.contains("offer_fit:"),
            "the stage-1 fit questions are asked"
        );
    }

    #[test]
    fn an_existing_configuration_is_kept_and_missing_files_added() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("gonogo.yaml"), "stage: 1\n").unwrap();
        let args = InitArgs {
            dir: dir.path().to_path_buf(),
            stage: "2".into(),
            force: false,
        };
        init(&args).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("gonogo.yaml")).unwrap(),
            "stage: 1\n"
        );
        assert!(dir.path().join("onboarding.yaml").is_file());
        assert!(dir.path().join("docs/project-plan.md").is_file());
    }
}
