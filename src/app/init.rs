//! `gonogo init`: meet the project where it is. It scans the folder once (report files by
//! content, Dockerfiles, Helm charts, Kubernetes manifests, the DSO pipeline file, a project plan,
//! the onboarding answers), proposes the stage those files point to and says why, and writes a
//! commented gonogo.yaml whose `sources:` and `vars:` name what it found, so the first
//! `gonogo check` reads real evidence instead of reporting missing defaults. It also writes the
//! onboarding answers file and, from stage 2, the project-plan skeleton.
//!
//! The proposal is deliberately conservative: files can show that a project builds and deploys
//! (stage 3), or that it has a plan (stage 2), never that it runs in production, so stages 4
//! and 5 are only ever declared (`--stage`).
//!
//! A file that exists is never rewritten without `--force`: running init again adds only what is
//! missing, prints what it kept, and names what it detected that the existing gonogo.yaml does
//! not mention, rather than editing the user's configuration.

use std::collections::{BTreeMap, BTreeSet};
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

/// The default pack's stages, by number.
const STAGES: [&str; 5] = ["opportunity", "plan", "sandbox", "production", "excellence"];

/// The names the `dockerfile` check searches folders for.
const DOCKERFILE_NAMES: &[&str] = &["Dockerfile", "Containerfile"];
const DOCKERFILE_SUFFIXES: &[&str] = &[".Dockerfile", ".dockerfile"];

/// The default pack's `dso_ci_file`, then the other spellings the offer's documentation uses.
const DSO_CI_DEFAULT: &str = ".gitlab-ci-dso.yml";
const DSO_CI_NAMES: &[&str] = &[
    DSO_CI_DEFAULT,
    ".gitlab-ci-dso.yaml",
    "gitlab-ci-dso.yml",
    "gitlab-ci-dso.yaml",
];

/// The default pack's `answers_file` and `plan_file`.
const ANSWERS_DEFAULT: &str = "onboarding.yaml";
const PLAN_DEFAULT: &str = "docs/project-plan.md";

/// The folders the default pack's `manifests` variable reads (with `infra_repo: "."`).
const MANIFEST_DEFAULT_DIRS: &[&str] = &["deploy", "k8s", "manifests", "helm", "chart", "charts"];

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

/// What `init` found in the project, paths relative to it with `/` separators.
#[derive(Debug, Default)]
pub(super) struct Found {
    reports: BTreeMap<&'static str, Vec<(String, Format)>>,
    dockerfiles: Vec<String>,
    /// Folders holding a `Chart.yaml` (`.` for the project's root).
    charts: Vec<String>,
    /// YAML files with `apiVersion:` and `kind:` outside the charts.
    manifests: Vec<String>,
    dso_ci: Option<String>,
    plan: Option<String>,
    answers: Option<String>,
}

fn rel(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

fn head(path: &Path, size: usize) -> Vec<u8> {
    let mut buf = vec![0u8; size];
    let Ok(mut file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let n = file.read(&mut buf).unwrap_or(0);
    buf.truncate(n);
    buf
}

fn is_dockerfile(name: &str) -> bool {
    DOCKERFILE_NAMES.contains(&name) || DOCKERFILE_SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// A project plan by its name: the default, or a Markdown file named after a project plan in
/// French or English (`plan-projet.md`, `modele-plan-projet.md`, `project_plan.md`).
fn is_plan(name: &str) -> bool {
    let lower = name.to_lowercase();
    let Some(stem) = lower.strip_suffix(".md") else {
        return false;
    };
    stem.contains("plan") && (stem.contains("projet") || stem.contains("project"))
}

/// The onboarding answers by name: the default, its `.yml` spelling, or a prequalification file.
fn is_answers(name: &str) -> bool {
    let lower = name.to_lowercase();
    let Some(stem) = lower
        .strip_suffix(".yaml")
        .or_else(|| lower.strip_suffix(".yml"))
    else {
        return false;
    };
    stem == "onboarding"
        || stem.starts_with("prequalification")
        || stem.starts_with("préqualification")
}

/// A Kubernetes object: top-level `apiVersion:` and `kind:` lines in the file's first bytes.
fn looks_like_manifest(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let mut api = false;
    let mut kind = false;
    for line in text.lines() {
        api |= line.starts_with("apiVersion:");
        kind |= line.starts_with("kind:");
    }
    api && kind
}

fn scan(root: &Path) -> Found {
    let mut found = Found::default();
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
            if !ft.is_file() {
                continue;
            }
            let rel_path = rel(root, &path);
            if is_dockerfile(&name) {
                found.dockerfiles.push(rel_path);
                continue;
            }
            if name == "Chart.yaml" {
                let parent = rel(root, path.parent().unwrap_or(root));
                found.charts.push(if parent.is_empty() {
                    ".".into()
                } else {
                    parent
                });
                continue;
            }
            if depth == 0 && DSO_CI_NAMES.contains(&name.as_str()) {
                if found.dso_ci.as_deref() != Some(DSO_CI_DEFAULT) {
                    found.dso_ci = Some(rel_path);
                }
                continue;
            }
            // Deeper, a plan or an answers file is more likely an example's than the project's.
            if depth <= 2 && is_plan(&name) {
                if found.plan.as_deref() != Some(PLAN_DEFAULT) {
                    found.plan = Some(rel_path);
                }
                continue;
            }
            if depth <= 1 && is_answers(&name) {
                if found.answers.as_deref() != Some(ANSWERS_DEFAULT) {
                    found.answers = Some(rel_path);
                }
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if matches!(ext, "yaml" | "yml") {
                if depth == 0 && (name == crate::config::DEFAULT_FILE || name.starts_with(".")) {
                    continue;
                }
                if looks_like_manifest(&head(&path, 8192)) {
                    found.manifests.push(rel_path);
                }
                continue;
            }
            let candidate = matches!(ext, "xml" | "json" | "sarif" | "info" | "lcov" | "out");
            if !candidate || name == "package.json" || name.ends_with("-lock.json") {
                continue;
            }
            if let Some(format) = detect(&head(&path, 4096)) {
                found
                    .reports
                    .entry(source_name(format))
                    .or_default()
                    .push((rel_path, format));
            }
        }
    }
    // A chart's templates and subcharts are the chart's, rendered with it.
    let charts = found.charts.clone();
    found.manifests.retain(|m| {
        !charts.iter().any(|c| {
            let prefix = if c == "." {
                String::new()
            } else {
                format!("{c}/")
            };
            m.starts_with(&format!("{prefix}templates/"))
                || m.starts_with(&format!("{prefix}charts/"))
        })
    });
    // Subcharts (`<chart>/charts/<sub>`) are rendered with their parent.
    found.charts.retain(|c| {
        !charts.iter().any(|outer| {
            let prefix = if outer == "." {
                String::new()
            } else {
                format!("{outer}/")
            };
            outer != c && c.starts_with(&format!("{prefix}charts/"))
        })
    });
    found.charts.sort();
    found.charts.dedup();
    found.manifests.sort();
    found.dockerfiles.sort();
    found
}

/// The paths for the `manifests` variable: each chart folder, and the folders of the manifests
/// (the outermost ones; a manifest at the root is named itself, the root holding much else).
fn manifest_paths(found: &Found) -> Vec<String> {
    let mut paths: BTreeSet<String> = BTreeSet::new();
    for c in &found.charts {
        paths.insert(if c == "." {
            "Chart.yaml".into()
        } else {
            c.clone()
        });
    }
    for m in &found.manifests {
        match m.rsplit_once('/') {
            Some((dir, _)) => paths.insert(dir.to_string()),
            None => paths.insert(m.clone()),
        };
    }
    let all: Vec<String> = paths.into_iter().collect();
    all.iter()
        .filter(|p| {
            !all.iter()
                .any(|o| o != *p && p.starts_with(&format!("{o}/")))
        })
        .cloned()
        .collect()
}

/// Whether the default `manifests` variable already reads `path`.
fn default_reads(path: &str) -> bool {
    path == "Chart.yaml"
        || MANIFEST_DEFAULT_DIRS
            .iter()
            .any(|d| path == *d || path.starts_with(&format!("{d}/")))
}

/// The variables the detected files call for, each with its value as YAML: only those whose
/// default would miss what was found.
fn detected_vars(found: &Found) -> Vec<(&'static str, String)> {
    let mut vars = Vec::new();
    let manifests = manifest_paths(found);
    if !manifests.is_empty() && !manifests.iter().all(|p| default_reads(p)) {
        let list = |items: &[String]| {
            items
                .iter()
                .map(|i| format!("\"{i}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        vars.push(("manifests", format!("[{}]", list(&manifests))));
        // CPN-S2-11 looks for the same files as infrastructure as code.
        let mut iac: Vec<String> = vec![
            "**/Chart.yaml".into(),
            "**/kustomization.yaml".into(),
            "**/kustomization.yml".into(),
        ];
        for p in &manifests {
            if p.ends_with(".yaml") || p.ends_with(".yml") {
                iac.push(p.clone());
            } else if !found.charts.contains(p) {
                iac.push(format!("{p}/**/*.yaml"));
                iac.push(format!("{p}/**/*.yml"));
            }
        }
        vars.push(("iac_files", format!("[{}]", list(&iac))));
    }
    if let Some(dso) = found.dso_ci.as_deref().filter(|d| *d != DSO_CI_DEFAULT) {
        vars.push(("dso_ci_file", format!("\"{dso}\"")));
    }
    if let Some(plan) = found.plan.as_deref().filter(|p| *p != PLAN_DEFAULT) {
        vars.push(("plan_file", format!("\"{plan}\"")));
    }
    if let Some(answers) = found.answers.as_deref().filter(|a| *a != ANSWERS_DEFAULT) {
        vars.push(("answers_file", format!("\"{answers}\"")));
    }
    vars
}

/// A stage init proposes, and the sentence that says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Proposal {
    pub(super) stage: u32,
    pub(super) reason: String,
}

fn first_and_count(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} and {} more", items[0], n - 1),
    }
}

/// The rules of the proposal (docs/cloud-pi-native.md says them too):
/// - what the sandbox judges (a Dockerfile, a chart, manifests, CI reports, the DSO pipeline
///   file) means the project builds and deploys: stage 3;
/// - a project plan without any of those: stage 2;
/// - otherwise (nothing, or only the answers file): stage 1.
///
/// Stages 4 and 5 are judged on the running production; no file shows that.
pub(super) fn propose(found: &Found) -> Proposal {
    let mut sandbox: Vec<String> = Vec::new();
    if !found.dockerfiles.is_empty() {
        sandbox.push(format!(
            "a Dockerfile ({})",
            first_and_count(&found.dockerfiles)
        ));
    }
    if !found.charts.is_empty() {
        sandbox.push(format!("a Helm chart ({})", first_and_count(&found.charts)));
    }
    if !found.manifests.is_empty() {
        sandbox.push(format!(
            "Kubernetes manifests ({})",
            first_and_count(&found.manifests)
        ));
    }
    if let Some(dso) = &found.dso_ci {
        sandbox.push(format!("the DSO pipeline file ({dso})"));
    }
    for (name, files) in &found.reports {
        let paths: Vec<String> = files.iter().map(|(f, _)| f.clone()).collect();
        sandbox.push(format!("a `{name}` report ({})", first_and_count(&paths)));
    }
    if !sandbox.is_empty() {
        return Proposal {
            stage: 3,
            reason: format!(
                "the project has what the sandbox judges: {}",
                sandbox.join(", ")
            ),
        };
    }
    if let Some(plan) = &found.plan {
        return Proposal {
            stage: 2,
            reason: format!(
                "the project has a project plan ({plan}) and nothing the sandbox judges yet \
                 (no Dockerfile, chart, manifest, report or DSO pipeline file)"
            ),
        };
    }
    let reason = match &found.answers {
        Some(answers) => format!(
            "the project has its onboarding answers ({answers}) and no project plan, \
             Dockerfile, chart, manifest or report yet"
        ),
        None => "the project has no project plan, Dockerfile, chart, manifest, report or DSO \
                 pipeline file yet: the path starts with the onboarding answers"
            .to_string(),
    };
    Proposal { stage: 1, reason }
}

const NEVER_4_OR_5: &str = "stages 4 and 5 are never proposed from files: they are judged on \
    the running production (metrics, Argo CD, backups); declare them with `--stage 4`";

/// `# `-prefixed lines of at most 100 columns.
fn comment(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() + 1 + word.len() > 100 && line.len() > 1 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// A project name from the folder's name, when it is a plain one.
fn project_name(dir: &Path) -> String {
    let name = std::fs::canonicalize(dir)
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if plain { name } else { "my-project".into() }
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

/// gonogo.yaml: the stage with the reason it was chosen, the detected variables and sources.
pub(super) fn render(project: &str, stage: u32, why: &str, found: &Found) -> String {
    let mut out = String::from(
        "# gonogo configuration (see the README's Configuration section and docs/cloud-pi-native.md).\n\
         # Validate with `gonogo validate`; see what a stage checks with `gonogo explain`.\n\n",
    );
    let _ = writeln!(out, "project: {project}");
    let _ = writeln!(
        out,
        "# The stage the project is at: 1 opportunity, 2 plan, 3 sandbox, 4 production, 5 excellence."
    );
    out.push_str(&comment(why));
    let _ = writeln!(out, "stage: {stage}");
    let _ = writeln!(out, "# nonprod (policy rules warn) or prod (they fail).");
    let _ = writeln!(out, "environment: nonprod\n");
    let _ = writeln!(
        out,
        "# Values for the rules' ${{variables}} (see `gonogo rules --format markdown`)."
    );
    out.push_str("vars:\n");
    let vars = detected_vars(found);
    if !vars.is_empty() {
        out.push_str(
            "  # Detected by `gonogo init` where the pack's defaults would not find them:\n",
        );
        for (name, value) in &vars {
            let _ = writeln!(out, "  {name}: {value}");
        }
    }
    out.push_str(
        "  # Platform and project values no source gives: rules that need one stay inconclusive\n\
         \x20 # (\"not configured\") until it is set. `gonogo explain` lists them.\n\
         \x20 # harbor_host: harbor.apps.c6.numerique-interieur.com\n\
         \x20 # namespace: my-project-dev\n\
         \x20 # In the usual split layout, the Helm chart lives in its own repository:\n\
         \x20 # infra_repo: ../my-project-infra\n",
    );
    if vars.is_empty() {
        out.push_str("  {}\n");
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "# Where evidence lives. Names are what rules read: tests, coverage, image-scan, sast, secrets..."
    );
    let _ = writeln!(
        out,
        "# `kind` is detected from the content when omitted; `max_age` makes old reports inconclusive."
    );
    out.push_str("sources:\n");
    if found.reports.is_empty() {
        out.push_str("  # No report found yet. Examples:\n  # tests: {kind: junit, path: \"reports/junit/*.xml\"}\n  # coverage: {kind: cobertura, path: coverage.xml}\n  {}\n");
    }
    for (name, files) in &found.reports {
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

/// A stage of the default pack, by number or id.
fn stage_number(stage: &str) -> Option<u32> {
    let stage = stage.trim();
    if let Some(i) = STAGES.iter().position(|s| *s == stage) {
        return Some(i as u32 + 1);
    }
    stage.parse().ok().filter(|n| (1..=5).contains(n))
}

fn stage_label(n: u32) -> String {
    format!(
        "stage {n} ({})",
        STAGES[(n as usize).saturating_sub(1).min(4)]
    )
}

/// What `init` writes: the configuration, the answers file (read from stage 1 to stage 5), the
/// plan skeleton from stage 2; an existing file is kept unless `--force`.
pub(super) fn files_to_write(stage: u32) -> Vec<(&'static str, bool)> {
    vec![
        (crate::config::DEFAULT_FILE, true),
        (ANSWERS_DEFAULT, true),
        (PLAN_DEFAULT, stage >= 2),
    ]
}

/// The existing gonogo.yaml, read only for what init reports on: its stage, and the sources and
/// variables it names.
struct Existing {
    stage: Option<u32>,
    keys: BTreeSet<String>,
}

fn read_existing(path: &Path) -> Option<Existing> {
    let text = std::fs::read_to_string(path).ok()?;
    let Ok(root) = crate::yaml::parse(&text) else {
        return Some(Existing {
            stage: None,
            keys: BTreeSet::new(),
        });
    };
    let stage = root.get("stage").and_then(|s| match &s.kind {
        crate::yaml::NodeKind::Int(i) => u32::try_from(*i).ok().filter(|n| (1..=5).contains(n)),
        crate::yaml::NodeKind::Str(s) => stage_number(s),
        _ => None,
    });
    let mut keys = BTreeSet::new();
    for section in ["sources", "vars"] {
        if let Some(crate::yaml::NodeKind::Map(entries)) = root.get(section).map(|n| &n.kind) {
            keys.extend(
                entries
                    .iter()
                    .map(|(k, _)| format!("{section}.{}", k.as_key())),
            );
        }
    }
    Some(Existing { stage, keys })
}

pub(super) fn init(args: &InitArgs) -> Result<Exit, Failure> {
    let given = match &args.stage {
        Some(s) => Some(stage_number(s).ok_or_else(|| {
            Failure::Usage(format!(
                "--stage `{s}` is not a stage of the default pack: give 1 to 5, or one of {}",
                STAGES.join(", ")
            ))
        })?),
        None => None,
    };
    let found = scan(&args.dir);
    let proposal = propose(&found);
    let config_path = args.dir.join(crate::config::DEFAULT_FILE);
    let existing = if args.force {
        None
    } else {
        read_existing(&config_path)
    };

    let mut out = String::new();
    // The stage the files are written for: the one given, else the one gonogo.yaml declares,
    // else the proposal.
    let (stage, why) = match (given, existing.as_ref().and_then(|e| e.stage)) {
        (Some(n), _) => {
            let _ = writeln!(out, "{}, as --stage says", stage_label(n));
            if n != proposal.stage {
                let _ = writeln!(
                    out,
                    "  from its files the project looks like {}: {}",
                    stage_label(proposal.stage),
                    proposal.reason
                );
            }
            (n, format!("Declared with `gonogo init --stage {n}`."))
        }
        (None, Some(n)) => {
            let _ = writeln!(out, "{}, as gonogo.yaml declares", stage_label(n));
            if n != proposal.stage {
                let _ = writeln!(
                    out,
                    "  from its files the project looks like {}: {}; change `stage:` when it is",
                    stage_label(proposal.stage),
                    proposal.reason
                );
            }
            (n, String::new())
        }
        (None, None) => {
            let _ = writeln!(
                out,
                "proposed {}: {}",
                stage_label(proposal.stage),
                proposal.reason
            );
            let _ = writeln!(out, "  {NEVER_4_OR_5}");
            (
                proposal.stage,
                format!(
                    "Proposed by `gonogo init`: {}, because {}. {}.",
                    stage_label(proposal.stage),
                    proposal.reason,
                    upper_first(NEVER_4_OR_5)
                ),
            )
        }
    };

    let mut todo = Vec::new();
    let mut added = 0;
    for (name, wanted) in files_to_write(stage) {
        if !wanted {
            continue;
        }
        // An answers file or a plan found elsewhere is the project's; gonogo.yaml points at it.
        let elsewhere = match name {
            ANSWERS_DEFAULT => found.answers.as_deref().filter(|a| *a != ANSWERS_DEFAULT),
            PLAN_DEFAULT => found.plan.as_deref().filter(|p| *p != PLAN_DEFAULT),
            _ => None,
        };
        if let Some(path) = elsewhere {
            let _ = writeln!(out, "kept {path} (found; used instead of {name})");
            continue;
        }
        let path = args.dir.join(name);
        if path.exists() && !args.force {
            let _ = writeln!(out, "kept {name} (--force rewrites it)");
            continue;
        }
        let text = match name {
            ANSWERS_DEFAULT => ONBOARDING_TEMPLATE.to_string(),
            PLAN_DEFAULT => PLAN_TEMPLATE.to_string(),
            _ => render(&project_name(&args.dir), stage, &why, &found),
        };
        let verb = if path.exists() { "rewrote" } else { "added" };
        write_file(&path, &text)?;
        let detail = if name == crate::config::DEFAULT_FILE {
            let mut parts: Vec<String> = found
                .reports
                .keys()
                .map(|s| format!("sources.{s}"))
                .collect();
            parts.extend(
                detected_vars(&found)
                    .iter()
                    .map(|(v, _)| format!("vars.{v}")),
            );
            if parts.is_empty() {
                String::new()
            } else {
                format!(" ({})", parts.join(", "))
            }
        } else {
            todo.push(name);
            String::new()
        };
        let _ = writeln!(out, "{verb} {name}{detail}");
        added += 1;
    }
    if added == 0 {
        let _ = writeln!(out, "nothing to add");
    }
    if let Some(existing) = &existing {
        let mut missing: Vec<String> = found
            .reports
            .iter()
            .filter(|(s, _)| !existing.keys.contains(&format!("sources.{s}")))
            .map(|(s, files)| format!("sources.{s} ({})", glob_for(files)))
            .collect();
        missing.extend(
            detected_vars(&found)
                .into_iter()
                .filter(|(v, _)| !existing.keys.contains(&format!("vars.{v}")))
                .map(|(v, value)| format!("vars.{v}: {value}")),
        );
        if !missing.is_empty() {
            let _ = writeln!(
                out,
                "not in gonogo.yaml, which init does not edit: {}\n  add them, or `gonogo init --force` rewrites gonogo.yaml",
                missing.join("; ")
            );
        }
    }
    if !todo.is_empty() {
        let _ = writeln!(
            out,
            "next: answer every TODO in {}, then `gonogo check`",
            todo.join(" and ")
        );
    } else {
        let _ = writeln!(out, "next: `gonogo check`");
    }
    print(&out);
    Ok(Exit::Go)
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    /// A project's files: name and content.
    type Files<'a> = &'a [(&'a str, &'a str)];

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n";
    const JUNIT: &str = "<?xml version=\"1.0\"?>\n<testsuite name=\"s\" tests=\"1\" failures=\"0\"><testcase name=\"t\" classname=\"c\"/></testsuite>\n";

    #[test]
    fn each_stage_writes_what_its_rules_read() {
        let names = |s: u32| -> Vec<&str> {
            files_to_write(s)
                .into_iter()
                .filter(|(_, w)| *w)
                .map(|(n, _)| n)
                .collect()
        };
        assert_eq!(names(1), ["gonogo.yaml", "onboarding.yaml"]);
        assert_eq!(
            names(stage_number("plan").unwrap()),
            ["gonogo.yaml", "onboarding.yaml", "docs/project-plan.md"]
        );
        assert!(PLAN_TEMPLATE.contains("## Contexte métier de la demande"));
        assert!(
            ONBOARDING_TEMPLATE.contains("offer_fit:"),
            "the stage-1 fit questions are asked"
        );
    }

    #[test]
    fn stages_are_numbers_or_names_of_the_default_pack() {
        assert_eq!(stage_number("sandbox"), Some(3));
        assert_eq!(stage_number("5"), Some(5));
        for bad in ["0", "6", "prod", ""] {
            assert_eq!(stage_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_proposal_follows_what_the_project_has() {
        let cases: &[(Files, u32, &str)] = &[
            (&[], 1, "no project plan"),
            (
                &[("onboarding.yaml", "context: {}\n")],
                1,
                "onboarding answers (onboarding.yaml)",
            ),
            (
                &[("docs/plan-projet.md", "# Plan\n")],
                2,
                "project plan (docs/plan-projet.md)",
            ),
            (
                &[("Dockerfile", "FROM x:1\n")],
                3,
                "a Dockerfile (Dockerfile)",
            ),
            (
                &[("chart/Chart.yaml", "name: a\n")],
                3,
                "a Helm chart (chart)",
            ),
            (
                &[("ops/app.yaml", DEPLOYMENT)],
                3,
                "Kubernetes manifests (ops/app.yaml)",
            ),
            (
                &[(".gitlab-ci-dso.yml", "include: []\n")],
                3,
                "the DSO pipeline file",
            ),
            (
                &[("out/junit.xml", JUNIT)],
                3,
                "a `tests` report (out/junit.xml)",
            ),
            // A plan and a Dockerfile: the sandbox wins; production is never proposed.
            (
                &[
                    ("docs/project-plan.md", "x"),
                    ("api/Containerfile", "FROM x:1\n"),
                ],
                3,
                "api/Containerfile",
            ),
        ];
        for (files, stage, says) in cases {
            let dir = project(files);
            let p = propose(&scan(dir.path()));
            assert_eq!(p.stage, *stage, "{files:?}: {}", p.reason);
            assert!(p.reason.contains(says), "{files:?}: {}", p.reason);
        }
    }

    #[test]
    fn plain_yaml_and_chart_templates_are_not_manifests() {
        let dir = project(&[
            ("config/app.yaml", "server: {port: 8080}\n"),
            ("helm/Chart.yaml", "name: a\n"),
            ("helm/templates/deploy.yaml", DEPLOYMENT),
            ("helm/charts/db/Chart.yaml", "name: db\n"),
            ("gonogo.yaml", "apiVersion: x\nkind: y\n"),
        ]);
        let found = scan(dir.path());
        assert!(found.manifests.is_empty(), "{:?}", found.manifests);
        assert_eq!(found.charts, ["helm"]);
        // The default `manifests` variable reads helm/: nothing to write.
        assert!(detected_vars(&found).is_empty());
    }

    #[test]
    fn manifests_and_files_off_the_defaults_become_variables() {
        let dir = project(&[
            ("ops/k8s/base/deploy.yaml", DEPLOYMENT),
            ("ops/k8s/overlays/dev/deploy.yaml", DEPLOYMENT),
            ("infra/Chart.yaml", "name: a\n"),
            (".gitlab-ci-dso.yaml", "include: []\n"),
            ("docs/plan-projet.md", "# Plan\n"),
        ]);
        let vars: BTreeMap<_, _> = detected_vars(&scan(dir.path())).into_iter().collect();
        assert_eq!(
            vars["manifests"],
            r#"["infra", "ops/k8s/base", "ops/k8s/overlays/dev"]"#
        );
        assert!(vars["iac_files"].contains("\"ops/k8s/base/**/*.yaml\""));
        assert!(
            !vars["iac_files"].contains("\"infra/**"),
            "a chart is found by Chart.yaml"
        );
        assert_eq!(vars["dso_ci_file"], "\".gitlab-ci-dso.yaml\"");
        assert_eq!(vars["plan_file"], "\"docs/plan-projet.md\"");
        assert!(!vars.contains_key("answers_file"));
    }

    #[test]
    fn the_written_configuration_is_valid_yaml_with_the_reason_above_the_stage() {
        let dir = project(&[("k/app.yaml", DEPLOYMENT), ("out/junit.xml", JUNIT)]);
        let found = scan(dir.path());
        let p = propose(&found);
        let text = render("p", p.stage, &format!("Proposed: {}.", p.reason), &found);
        let root = crate::yaml::parse(&text).unwrap();
        assert_eq!(
            root.get("stage").map(|s| s.kind.clone()),
            Some(crate::yaml::NodeKind::Int(3))
        );
        let before_stage = text.split("\nstage: 3\n").next().unwrap();
        assert!(before_stage.ends_with("(out/junit.xml)."), "{before_stage}");
        assert!(root.get("vars").and_then(|v| v.get("manifests")).is_some());
        assert!(root.get("sources").and_then(|s| s.get("tests")).is_some());
    }

    #[test]
    fn an_existing_configuration_is_kept_and_missing_files_added() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("gonogo.yaml"), "stage: 1\n").unwrap();
        let args = InitArgs {
            dir: dir.path().to_path_buf(),
            stage: Some("2".into()),
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

    #[test]
    fn an_unknown_stage_is_a_usage_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let args = InitArgs {
            dir: dir.path().to_path_buf(),
            stage: Some("prod".into()),
            force: false,
        };
        assert!(matches!(init(&args), Err(Failure::Usage(m)) if m.contains("`prod`")));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
