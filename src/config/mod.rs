//! `gonogo.yaml`: raw YAML → validated [`Config`], with CLI flags and `GONOGO_*` variables
//! merged in one place.
//!
//! Every problem is collected (unknown keys with a suggestion, wrong types, missing reasons on
//! waivers, unknown source kinds...) and returned together as [`Diagnostics`] pointing at
//! `file:line:column`, so a user fixes a broken file in one round trip.

mod source;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

pub use source::{
    Access, AuthSpec, GITHUB_API, GithubArtifact, GitlabArtifact, GitlabTestReport, Location,
    Problem, Source, SourceKind, SourceSpec, known_kinds,
};

use crate::diag::{Diagnostics, Doc};
use crate::model::Waiver;
use crate::model::{EnvType, StageRef};
use crate::yaml::{self, Span, SpanIndex};

pub const DEFAULT_FILE: &str = "gonogo.yaml";

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
    /// Reasoned, expiring exceptions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<Waiver>,
    #[serde(default)]
    pub output: OutputSpec,
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

/// Values from the command line and the environment, which win over the file.
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
    pub stage: Option<StageRef>,
    pub environment: EnvType,
    pub pack: String,
    pub rule_files: Vec<PathBuf>,
    pub vars: BTreeMap<String, Json>,
    pub sources: BTreeMap<String, Source>,
    pub waivers: Vec<Waiver>,
    pub output: OutputSpec,
    /// Where `stage:` was written, for errors about it.
    pub stage_span: Option<Span>,
}

const TOP_KEYS: &[&str] = &[
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
];

/// Reads and validates `path`; the text is returned with the diagnostics for rendering.
pub fn load(path: &Path, overrides: &Overrides) -> Result<Config, Diagnostics> {
    let name = path.display().to_string();
    let mut diags = Diagnostics::default();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            let hint = if e.kind() == std::io::ErrorKind::NotFound {
                " (run `gonogo init` to write one, or pass --config PATH)"
            } else {
                ""
            };
            diags.error(
                &name,
                Span { line: 1, column: 1 },
                format!("cannot read {name}: {e}{hint}"),
            );
            return Err(diags);
        }
    };
    let config = parse(&name, &text, path, overrides, &mut diags);
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
    diags: &mut Diagnostics,
) -> Option<Config> {
    diags.add_source(name, text);
    let root = match yaml::parse(text) {
        Ok(r) => r,
        Err(e) => {
            diags.error(name, e.span, format!("invalid YAML: {}", e.message));
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
        doc.error_at(
            "",
            "gonogo.yaml must be a mapping (`stage: ...`, `sources: ...`)",
            diags,
        );
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
    let mut vars: BTreeMap<String, Json> = field("vars")
        .and_then(|v| doc.typed(v, "/vars", diags))
        .unwrap_or_default();
    let output: OutputSpec = field("output")
        .and_then(|v| doc.typed(v, "/output", diags))
        .unwrap_or_default();
    if let Some(v) = field("version") {
        match v.as_u64() {
            Some(1) => {}
            _ => doc.error_at(
                "/version",
                "unsupported `version`: this gonogo reads version 1",
                diags,
            ),
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
            "`sources` must be a mapping of names to sources",
            diags,
        ),
    }

    let mut waivers = Vec::new();
    match field("waivers") {
        None => {}
        Some(Json::Array(items)) => {
            for (i, value) in items.iter().enumerate() {
                let pointer = format!("/waivers/{i}");
                if let Some(mut w) = doc.typed::<Waiver>(value, &pointer, diags) {
                    if w.reason.trim().is_empty() {
                        doc.error_at(
                            &format!("{pointer}/reason"),
                            "a waiver needs a non-empty `reason`",
                            diags,
                        );
                    }
                    w.origin = format!("{name}:{}", spans.value(&pointer).line);
                    waivers.push(w);
                }
            }
        }
        Some(_) => doc.error_at("/waivers", "`waivers` must be a list", diags),
    }

    for (k, v) in &overrides.vars {
        vars.insert(k.clone(), Json::String(v.clone()));
    }
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let base = if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base
    };
    let stage_span = spans.values.get("/stage").copied();
    let stage = match &overrides.stage {
        Some(s) => Some(match s.parse::<u32>() {
            Ok(n) => StageRef::Number(n),
            Err(_) => StageRef::Name(s.clone()),
        }),
        None => stage,
    };
    Some(Config {
        file: path.to_path_buf(),
        root: base.clone(),
        project: overrides.project.clone().or(project),
        stage,
        environment: overrides.environment.or(environment).unwrap_or_default(),
        pack: overrides
            .pack
            .clone()
            .or(pack)
            .unwrap_or_else(|| crate::model::DEFAULT_PACK.to_string()),
        rule_files: rules.iter().map(|r| base.join(r)).collect(),
        vars,
        sources,
        waivers,
        output,
        stage_span,
    })
}
