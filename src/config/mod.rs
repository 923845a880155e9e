//! `gonogo.yaml`: raw YAML → validated [`Config`], with CLI flags and `GONOGO_*` variables
//! merged in one place.
//!
//! Every problem is collected (unknown keys with a suggestion, wrong types, missing reasons on
//! waivers, unknown source kinds...) and returned together as [`Diagnostics`] pointing at
//! `file:line:column`, so a user fixes a broken file in one round trip.

mod attestation;
mod source;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

pub use attestation::{AttestationSpec, Subject};
pub use source::{
    Access, AuthSpec, DEFAULT_MAX_REPORT_BYTES, GITHUB_API, GithubArtifact, GitlabArtifact,
    GitlabTestReport, Location, Problem, Reruns, Source, SourceKind, SourceSpec, known_kinds,
};

use jiff::civil::Date;

use crate::diag::{Diagnostics, Doc};
use crate::i18n::process_lang;
use crate::model::Waiver;
use crate::model::{EnvType, StageRef};
use crate::t;
use crate::yaml::{self, Span, SpanIndex};

pub const DEFAULT_FILE: &str = "gonogo.yaml";

/// Largest gonogo.yaml read: far more than any real one, far less than a machine's memory.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The documented shape of `gonogo.yaml` (for `gonogo schema` and editors).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Format version of this file; 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// Project name, shown in reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// The stage the project is at: its number or its id (`3` or `sandbox`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<StageRef>,
    /// `nonprod` (default) or `prod`: selects per-environment levels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<EnvType>,
    /// The rule pack (default `cloud-pi-native`); a pack defined in one of `rules` works too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pack: Option<String>,
    /// Extra rule files: new rules, overrides, or a whole pack of your own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// Values for `${name}` in rules (namespace, registry allow-list, SLO numbers...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vars: BTreeMap<String, Json>,
    /// Where evidence lives, by the name rules use (`tests`, `coverage`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, SourceSpec>,
    /// An earlier JSON verdict to compare with (`<metric>_delta`, `new_failed`, `new_total`...):
    /// `path`, `url`, `gitlab_artifact` (the latest of a job on a ref) or `github_artifact`,
    /// with `max_age`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<SourceSpec>,
    /// The change patch coverage is measured on: `{path: change.diff}` (a unified diff, relative
    /// to this file) or `{base: origin/main}` (`git diff --relative BASE...HEAD`). `--diff` and
    /// `--diff-base` replace it; without any, the CI's merge-request base is used when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<DiffSpec>,
    /// Reasoned, expiring exceptions: a list, or `{max_days: N, list: [...]}` to allow waivers
    /// longer than a year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waivers: Option<WaiversSpec>,
    #[serde(default)]
    pub output: OutputSpec,
    /// What an in-toto statement of the verdict (`--report intoto=PATH`) is about:
    /// `{subjects: [NAME@sha256:HEX, ...]}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<AttestationSpec>,
}

/// `waivers:` as a list, or with the longest expiry the project accepts.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum WaiversSpec {
    List(Vec<Waiver>),
    Policy {
        /// The longest a waiver may run from the day it is evaluated (default 365).
        max_days: u32,
        #[serde(default)]
        list: Vec<Waiver>,
    },
}

/// How far ahead a waiver may expire unless gonogo.yaml says otherwise: a waiver is a dated
/// promise, and one that runs for years is a loosening nobody revisits.
pub const DEFAULT_WAIVER_MAX_DAYS: u32 = 365;

/// Where the diff of patch coverage comes from: exactly one of `path` and `base`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffSpec {
    /// A unified diff file, relative to gonogo.yaml.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A git revision: gonogo runs `git diff --relative BASE...HEAD` in the project root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    /// Also write the JSON verdict to this file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<String>,
    /// Warnings fail the gate with exit code 2.
    #[serde(default)]
    pub strict: bool,
    /// Evaluate the next stage too, as a non-blocking preview.
    #[serde(default)]
    pub next: bool,
}

/// Values from the command line and the environment. They may only tighten what the file
/// declares (a later stage, `prod`, the same pack); `app` checks that against the pack.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub stage: Option<String>,
    pub environment: Option<EnvType>,
    pub pack: Option<String>,
    pub project: Option<String>,
    pub vars: Vec<(String, String)>,
}

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub file: PathBuf,
    /// The directory relative paths are resolved against: the config file's.
    pub root: PathBuf,
    pub project: Option<String>,
    /// The stage declared in the file.
    pub stage: Option<StageRef>,
    /// The environment declared in the file (`nonprod` when absent).
    pub environment: EnvType,
    /// The pack declared in the file (the default pack when absent).
    pub pack: String,
    pub rule_files: Vec<PathBuf>,
    /// The file's `vars:`.
    pub vars: BTreeMap<String, Json>,
    /// Where each of `vars` was written (`gonogo.yaml:12`).
    pub var_origins: BTreeMap<String, String>,
    /// The command line's and the environment's values, not yet applied.
    pub overrides: Overrides,
    /// The longest a waiver may run.
    pub waiver_max_days: u32,
    /// The earlier verdict to compare with, as a source.
    pub baseline: Option<Source>,
    /// The diff of patch coverage (`path` relative to the project root).
    pub diff: Option<DiffSpec>,
    pub sources: BTreeMap<String, Source>,
    pub waivers: Vec<Waiver>,
    pub output: OutputSpec,
    /// The images an in-toto statement of the verdict is about (`attestation.subjects`).
    pub subjects: Vec<Subject>,
    /// Where `stage:` was written, for errors about it.
    pub stage_span: Option<Span>,
}

const TOP_KEYS: &[&str] = &[
    "baseline",
    "diff",
    "version",
    "project",
    "stage",
    "environment",
    "pack",
    "rules",
    "vars",
    "sources",
    "waivers",
    "output",
    "attestation",
];

impl Config {
    /// The configuration of a project that has no gonogo.yaml yet: the default pack, its
    /// default variables, no source; for commands that only read rules (`explain`).
    pub fn defaults(path: &Path, overrides: &Overrides) -> Config {
        let root = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Config {
            file: path.to_path_buf(),
            root,
            project: None,
            stage: None,
            environment: EnvType::default(),
            pack: overrides
                .pack
                .clone()
                .unwrap_or_else(|| crate::model::DEFAULT_PACK.to_string()),
            rule_files: Vec::new(),
            vars: BTreeMap::new(),
            var_origins: BTreeMap::new(),
            overrides: Overrides {
                pack: None,
                ..overrides.clone()
            },
            waiver_max_days: DEFAULT_WAIVER_MAX_DAYS,
            baseline: None,
            diff: None,
            sources: BTreeMap::new(),
            waivers: Vec::new(),
            output: OutputSpec::default(),
            subjects: Vec::new(),
            stage_span: None,
        }
    }
}

/// Reads and validates `path`; the text is returned with the diagnostics for rendering.
pub fn load(path: &Path, overrides: &Overrides, today: Date) -> Result<Config, Diagnostics> {
    let name = path.display().to_string();
    let mut diags = Diagnostics::default();
    let text = match crate::read::text(path, MAX_FILE_BYTES) {
        Ok(t) => t,
        Err(e) => {
            let hint = if e.kind == crate::read::ReadErrorKind::NotFound {
                format!(" ({})", t!(process_lang(), "config-not-found-hint"))
            } else {
                String::new()
            };
            // English keeps the reader's own words (they carry the OS error); French says it.
            let what = match (process_lang(), e.kind) {
                (crate::i18n::Lang::Fr, crate::read::ReadErrorKind::NotFound) => {
                    t!(process_lang(), "config-not-found", file = name.as_str())
                }
                _ => e.to_string(),
            };
            diags.error(&name, Span { line: 1, column: 1 }, format!("{what}{hint}"));
            return Err(diags);
        }
    };
    let config = parse(&name, &text, path, overrides, today, &mut diags);
    match config {
        Some(c) if diags.is_empty() => Ok(c),
        _ => Err(diags),
    }
}

/// Parses configuration text; problems are added to `diags`.
pub fn parse(
    name: &str,
    text: &str,
    path: &Path,
    overrides: &Overrides,
    today: Date,
    diags: &mut Diagnostics,
) -> Option<Config> {
    diags.add_source(name, text);
    let root = match yaml::parse(text) {
        Ok(r) => r,
        Err(e) => {
            diags.error(
                name,
                e.span,
                t!(
                    process_lang(),
                    "config-invalid-yaml",
                    message = e.message.as_str()
                ),
            );
            return None;
        }
    };
    let mut spans = SpanIndex::default();
    let json = root.to_json(&mut spans);
    let doc = Doc {
        file: name,
        spans: &spans,
    };
    let Json::Object(map) = &json else {
        doc.error_at("", t!(process_lang(), "config-not-a-mapping"), diags);
        return None;
    };
    for key in map.keys() {
        if !TOP_KEYS.contains(&key.as_str()) {
            doc.unknown_key("", key, TOP_KEYS, diags);
        }
    }
    let field = |key: &str| map.get(key).filter(|v| !v.is_null());

    let project: Option<String> = field("project").and_then(|v| doc.typed(v, "/project", diags));
    let stage: Option<StageRef> = field("stage").and_then(|v| doc.typed(v, "/stage", diags));
    let environment: Option<EnvType> =
        field("environment").and_then(|v| doc.typed(v, "/environment", diags));
    let pack: Option<String> = field("pack").and_then(|v| doc.typed(v, "/pack", diags));
    let rules: Vec<String> = field("rules")
        .and_then(|v| doc.typed(v, "/rules", diags))
        .unwrap_or_default();
    let vars: BTreeMap<String, Json> = field("vars")
        .and_then(|v| doc.typed(v, "/vars", diags))
        .unwrap_or_default();
    let output: OutputSpec = field("output")
        .and_then(|v| doc.typed(v, "/output", diags))
        .unwrap_or_default();
    let attestation: AttestationSpec = field("attestation")
        .and_then(|v| doc.typed(v, "/attestation", diags))
        .unwrap_or_default();
    let mut subjects = Vec::new();
    for (i, text) in attestation.subjects.iter().enumerate() {
        match Subject::parse(text) {
            Ok(s) => subjects.push(s),
            Err(e) => doc.error_at(&format!("/attestation/subjects/{i}"), e, diags),
        }
    }
    if let Some(v) = field("version") {
        match v.as_u64() {
            Some(1) => {}
            _ => doc.error_at("/version", t!(process_lang(), "config-version"), diags),
        }
    }

    let mut sources = BTreeMap::new();
    match field("sources") {
        None => {}
        Some(Json::Object(items)) => {
            for (key, value) in items {
                let pointer = format!("/sources/{}", yaml::escape_pointer(key));
                if let Some(spec) = doc.typed::<SourceSpec>(value, &pointer, diags) {
                    match spec.into_source(key) {
                        Ok(source) => {
                            sources.insert(key.clone(), source);
                        }
                        Err(problems) => {
                            for p in problems {
                                let at = format!("{pointer}{}", p.at);
                                match p.help {
                                    Some(help) => doc.error_help_at(&at, p.message, help, diags),
                                    None => doc.error_at(&at, p.message, diags),
                                }
                            }
                        }
                    }
                }
            }
        }
        Some(_) => doc.error_at(
            "/sources",
            t!(process_lang(), "config-sources-mapping"),
            diags,
        ),
    }

    let baseline = field("baseline").and_then(|value| {
        let spec = doc.typed::<SourceSpec>(value, "/baseline", diags)?;
        if let Some(k) = &spec.kind {
            doc.error_at(
                "/baseline/kind",
                format!("a baseline is a gonogo JSON verdict; `kind: {k}` does not apply"),
                diags,
            );
            return None;
        }
        match spec.into_source("baseline") {
            Ok(s) => Some(s),
            Err(problems) => {
                for p in problems {
                    let at = format!("/baseline{}", p.at);
                    match p.help {
                        Some(help) => doc.error_help_at(&at, p.message, help, diags),
                        None => doc.error_at(&at, p.message, diags),
                    }
                }
                None
            }
        }
    });
    let diff = field("diff").and_then(|value| {
        let spec = doc.typed::<DiffSpec>(value, "/diff", diags)?;
        match (&spec.path, &spec.base) {
            (Some(_), None) | (None, Some(_)) => {}
            _ => {
                doc.error_at(
                    "/diff",
                    "give `diff:` exactly one of `path` (a unified diff file) and `base` (a git revision)",
                    diags,
                );
                return None;
            }
        }
        Some(spec)
    });
    let mut waivers = Vec::new();
    let mut waiver_max_days = DEFAULT_WAIVER_MAX_DAYS;
    let (items, list_pointer) = match field("waivers") {
        None => (None, ""),
        Some(Json::Array(items)) => (Some(items), "/waivers"),
        Some(Json::Object(map)) => {
            for key in map.keys() {
                if !matches!(key.as_str(), "max_days" | "list") {
                    doc.unknown_key("/waivers", key, &["max_days", "list"], diags);
                }
            }
            match map.get("max_days").map(|v| v.as_u64()) {
                Some(Some(n)) if (1..=3650).contains(&n) => waiver_max_days = n as u32,
                Some(_) => doc.error_at(
                    "/waivers/max_days",
                    "`max_days` is a number of days, from 1 to 3650",
                    diags,
                ),
                None => doc.error_help_at(
                    "/waivers",
                    "`waivers` as a mapping needs `max_days`",
                    "write `waivers: [...]` for the default (a year at most), or `waivers: {max_days: 730, list: [...]}`",
                    diags,
                ),
            }
            match map.get("list") {
                None => (None, ""),
                Some(Json::Array(items)) => (Some(items), "/waivers/list"),
                Some(_) => {
                    doc.error_at("/waivers/list", "`list` must be a list of waivers", diags);
                    (None, "")
                }
            }
        }
        Some(_) => {
            doc.error_at(
                "/waivers",
                "`waivers` must be a list (or `{max_days: N, list: [...]}`)",
                diags,
            );
            (None, "")
        }
    };
    match items {
        None => {}
        Some(items) => {
            for (i, value) in items.iter().enumerate() {
                let pointer = format!("{list_pointer}/{i}");
                if let Some(mut w) = doc.typed::<Waiver>(value, &pointer, diags) {
                    if w.reason.trim().is_empty() {
                        doc.error_at(
                            &format!("{pointer}/reason"),
                            t!(process_lang(), "config-waiver-reason"),
                            diags,
                        );
                    }
                    let days = (w.expires - today).get_days();
                    if days > i32::try_from(waiver_max_days).unwrap_or(i32::MAX) {
                        doc.error_help_at(
                            &format!("{pointer}/expires"),
                            t!(
                                process_lang(),
                                "config-waiver-too-long",
                                days = days,
                                today = today.to_string(),
                                max = waiver_max_days
                            ),
                            t!(process_lang(), "config-waiver-too-long-help"),
                            diags,
                        );
                    }
                    w.origin = format!("{name}:{}", spans.value(&pointer).line);
                    waivers.push(w);
                }
            }
        }
    }

    let var_origins = vars
        .keys()
        .map(|k| {
            let line = spans
                .values
                .get(&format!("/vars/{}", yaml::escape_pointer(k)))
                .map_or(1, |s| s.line);
            (k.clone(), format!("{name}:{line}"))
        })
        .collect();
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let base = if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base
    };
    let stage_span = spans.values.get("/stage").copied();
    Some(Config {
        file: path.to_path_buf(),
        root: base.clone(),
        project: overrides.project.clone().or(project),
        stage,
        environment: environment.unwrap_or_default(),
        pack: pack.unwrap_or_else(|| crate::model::DEFAULT_PACK.to_string()),
        rule_files: rules
            .iter()
            .map(|r| {
                if r.starts_with(crate::model::BUILTIN_PREFIX) {
                    PathBuf::from(r)
                } else {
                    base.join(r)
                }
            })
            .collect(),
        vars,
        var_origins,
        overrides: overrides.clone(),
        waiver_max_days,
        baseline,
        diff,
        sources,
        waivers,
        output,
        subjects,
        stage_span,
    })
}
