//! Loading rule files: the packs embedded in the binary, then the project's own files.
//!
//! Files are read in two passes. The first collects pack definitions (stages, default vars) and
//! keeps rules as spanned JSON; the second, once the pack and the variables are known, expands
//! `${var}` templates and types each rule on its own, so one broken rule does not hide the next.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value as Json;

use super::{CompiledRule, Override, RequiredVar, Rule, Stage};
use crate::checks::KINDS;
use crate::diag::{Diagnostics, Doc, display_path};
use crate::model::Criterion;
use crate::yaml::{self, SpanIndex};

pub use super::template::expand;
use super::template::{resolve_nested, template};

/// A rule file's name and text.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub name: String,
    pub text: String,
}

macro_rules! embedded {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $path)))),*]
    };
}

const EMBEDDED: &[(&str, &str)] = embedded![
    "rules/cloud-pi-native/pack.yaml",
    "rules/cloud-pi-native/1-opportunity.yaml",
    "rules/cloud-pi-native/2-plan.yaml",
    "rules/cloud-pi-native/3-sandbox.yaml",
    "rules/cloud-pi-native/4-production.yaml",
    "rules/cloud-pi-native/5-excellence.yaml",
];

/// Rule files compiled into the binary that a project adds by name (`rules:
/// [builtin:cloud-pi-native/debt]`): variants of a pack, never loaded unless asked for.
const BUILTIN: &[(&str, &str)] = &[(
    "cloud-pi-native/debt",
    include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/cloud-pi-native/variants/debt.yaml"
    )),
)];

/// The optional built-in rule file `name` (without the `builtin:` prefix).
pub fn builtin_file(name: &str) -> Option<LoadedFile> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, text)| LoadedFile {
            name: format!("{}{n}", crate::model::BUILTIN_PREFIX),
            text: text.to_string(),
        })
}

/// The names `builtin:` accepts.
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(n, _)| *n)
}

/// The rule files compiled into the binary.
pub fn embedded_files() -> Vec<LoadedFile> {
    EMBEDDED
        .iter()
        .map(|(name, text)| LoadedFile {
            name: format!("embedded:{name}"),
            text: text.to_string(),
        })
        .collect()
}

const FILE_KEYS: &[&str] = &[
    "pack",
    "title",
    "description",
    "stages",
    "vars",
    "required_vars",
    "rules",
    "overrides",
];

#[derive(Debug, Clone)]
pub struct PackDef {
    pub name: String,
    pub title: String,
    pub description: String,
    pub stages: Vec<Stage>,
    pub vars: BTreeMap<String, Json>,
    /// Variables without a default, with what they are and an example.
    pub required: BTreeMap<String, RequiredVar>,
    pub defined_in: String,
}

#[derive(Debug, Clone)]
struct Pending {
    file: usize,
    pointer: String,
    json: Json,
}

/// Every pack and rule found, before a pack is chosen.
#[derive(Debug, Default)]
pub struct Catalog {
    pub packs: BTreeMap<String, PackDef>,
    files: Vec<(String, SpanIndex)>,
    /// Rules per pack name; `None` for user files that do not name a pack (they join the chosen one).
    rules: Vec<(Option<String>, Pending)>,
    overrides: Vec<(Option<String>, Pending)>,
    /// `vars:` of each file: the pack it names, the file's index, the values.
    pack_vars: Vec<(Option<String>, usize, BTreeMap<String, Json>)>,
}

/// A pack with its rules typed and templated, and the project's overrides.
#[derive(Debug, Clone)]
pub struct CompiledPack {
    pub pack: PackDef,
    pub rules: Vec<CompiledRule>,
    pub overrides: Vec<Override>,
    /// Every variable after merging pack defaults and the project's values.
    pub vars: BTreeMap<String, Json>,
    /// Rules as the pack ships them, for those the project's variables changed: what a
    /// loosening is judged against.
    pub defaults: BTreeMap<String, CompiledRule>,
    /// Where variables set outside the pack were written (`rules/mine.yaml:4`); the caller adds
    /// gonogo.yaml's and the command line's.
    pub var_origins: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    pack: Option<String>,
    title: Option<String>,
    description: Option<String>,
    stages: Option<Vec<Stage>>,
    #[serde(default)]
    vars: BTreeMap<String, Json>,
    #[serde(default)]
    required_vars: BTreeMap<String, RequiredVar>,
}

/// Parses every file; problems go to `diags`, and the good parts are kept.
pub fn load_catalog(files: &[LoadedFile], diags: &mut Diagnostics) -> Catalog {
    let mut catalog = Catalog::default();
    for file in files {
        diags.add_source(&file.name, &file.text);
        let root = match yaml::parse(&file.text) {
            Ok(root) => root,
            Err(e) => {
                diags.error(&file.name, e.span, format!("invalid YAML: {}", e.message));
                continue;
            }
        };
        let mut spans = SpanIndex::default();
        let json = root.to_json(&mut spans);
        let idx = catalog.files.len();
        catalog.files.push((file.name.clone(), spans));
        let doc = Doc {
            file: &file.name,
            spans: &catalog.files[idx].1,
        };
        let Json::Object(map) = json else {
            doc.error_at(
                "",
                "a rule file must be a mapping with `rules:` (and `pack:`, `stages:`...)",
                diags,
            );
            continue;
        };
        for key in map.keys() {
            if !FILE_KEYS.contains(&key.as_str()) {
                doc.unknown_key("", key, FILE_KEYS, diags);
            }
        }
        let header_json = Json::Object(
            map.iter()
                .filter(|(k, _)| {
                    matches!(
                        k.as_str(),
                        "pack" | "title" | "description" | "stages" | "vars" | "required_vars"
                    )
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        );
        let Some(header) = doc.typed::<RawHeader>(&header_json, "", diags) else {
            continue;
        };
        if header.stages.is_none() && !header.required_vars.is_empty() {
            doc.error_at(
                "/required_vars",
                "`required_vars:` belongs in the file that defines the pack (the one with `stages:`); set values under `vars:`",
                diags,
            );
        }
        if let Some(stages) = header.stages {
            let Some(name) = header.pack.clone() else {
                doc.error_at(
                    "/stages",
                    "`stages:` defines a pack, so the file needs `pack: <name>`",
                    diags,
                );
                continue;
            };
            check_stages(&stages, &doc, diags);
            if let Some(prev) = catalog.packs.get(&name) {
                doc.error_at(
                    "/pack",
                    format!("pack `{name}` is already defined in {}", prev.defined_in),
                    diags,
                );
            } else {
                catalog.packs.insert(
                    name.clone(),
                    PackDef {
                        name,
                        title: header.title.clone().unwrap_or_default(),
                        description: header.description.clone().unwrap_or_default(),
                        stages,
                        vars: BTreeMap::new(),
                        required: header.required_vars.clone(),
                        defined_in: file.name.clone(),
                    },
                );
            }
        }
        catalog
            .pack_vars
            .push((header.pack.clone(), idx, header.vars));
        for (key, list) in [
            ("rules", &mut catalog.rules),
            ("overrides", &mut catalog.overrides),
        ] {
            match map.get(key) {
                None => {}
                Some(Json::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        list.push((
                            header.pack.clone(),
                            Pending {
                                file: idx,
                                pointer: format!("/{key}/{i}"),
                                json: item.clone(),
                            },
                        ));
                    }
                }
                Some(_) => {
                    doc.error_at(&format!("/{key}"), format!("`{key}` must be a list"), diags)
                }
            }
        }
    }
    // A pack's defaults are the vars of the files it ships in: for an embedded pack, the
    // embedded files; for a project's own pack, its own files. A project file that names an
    // embedded pack sets values like gonogo.yaml does, and is judged like it.
    for (pack, idx, vars) in std::mem::take(&mut catalog.pack_vars) {
        let same_origin =
            |def: &PackDef| is_embedded(&catalog.files[idx].0) == is_embedded(&def.defined_in);
        match pack.as_ref().and_then(|p| catalog.packs.get_mut(p)) {
            Some(def) if same_origin(def) => def.vars.extend(vars),
            _ => catalog.pack_vars.push((pack, idx, vars)),
        }
    }
    catalog
}

/// Whether a rule, as written, uses `${name}` (directly; nested variables are resolved before).
fn mentions(json: &Json, name: &str) -> bool {
    match json {
        Json::String(s) => s.contains(&format!("${{{name}}}")),
        Json::Array(items) => items.iter().any(|i| mentions(i, name)),
        Json::Object(map) => map.values().any(|v| mentions(v, name)),
        _ => false,
    }
}

fn is_embedded(file: &str) -> bool {
    file.starts_with("embedded:")
}

fn check_stages(stages: &[Stage], doc: &Doc<'_>, diags: &mut Diagnostics) {
    if stages.is_empty() {
        doc.error_at("/stages", "a pack needs at least one stage", diags);
    }
    for (i, s) in stages.iter().enumerate() {
        let dup = stages[..i]
            .iter()
            .any(|o| o.number == s.number || o.id == s.id);
        if dup {
            doc.error_at(
                &format!("/stages/{i}"),
                format!("stage {} ({}) is declared twice", s.number, s.id),
                diags,
            );
        }
        if s.id.parse::<u32>().is_ok() {
            doc.error_at(
                &format!("/stages/{i}/id"),
                "a stage id must be a name, not a number",
                diags,
            );
        }
    }
}

impl Catalog {
    /// Types, templates and validates the rules of `pack_name`, with `project_vars` overriding
    /// the pack's defaults.
    pub fn compile(
        &self,
        pack_name: &str,
        project_vars: &BTreeMap<String, Json>,
        diags: &mut Diagnostics,
    ) -> Option<CompiledPack> {
        let pack = self.packs.get(pack_name)?;
        let mut defaults = pack.vars.clone();
        for name in pack.required.keys() {
            defaults.entry(name.clone()).or_insert(Json::Null);
        }
        let mut vars = defaults.clone();
        let mut var_origins = BTreeMap::new();
        for (p, idx, v) in &self.pack_vars {
            if p.as_deref().is_none_or(|p| p == pack_name) {
                let (file, spans) = &self.files[*idx];
                for name in v.keys() {
                    let line = spans
                        .values
                        .get(&format!("/vars/{}", crate::yaml::escape_pointer(name)))
                        .map_or(1, |s| s.line);
                    var_origins.insert(name.clone(), format!("{file}:{line}"));
                }
                vars.extend(v.clone());
            }
        }
        vars.extend(project_vars.clone());
        let unset = Unset::of(&vars, &pack.required);
        let typing = unset.typing(&vars);
        let typing_defaults = Unset::of(&defaults, &pack.required).typing(&defaults);
        resolve_nested(&mut defaults);
        resolve_nested(&mut vars);
        let changed: Vec<&String> = vars
            .iter()
            .filter(|(k, v)| defaults.get(*k) != Some(*v))
            .map(|(k, _)| k)
            .collect();
        let belongs = |p: &Option<String>| p.as_deref().is_none_or(|p| p == pack_name);

        let mut rules: Vec<CompiledRule> = Vec::new();
        let mut defaults_by_rule = BTreeMap::new();
        for (_, pending) in self.rules.iter().filter(|(p, _)| belongs(p)) {
            let (file, spans) = &self.files[pending.file];
            let doc = Doc { file, spans };
            let mut json = pending.json.clone();
            if !template(&mut json, &typing, &pending.pointer, &doc, diags) {
                continue;
            }
            let Some(rule) = doc.typed::<Rule>(&json, &pending.pointer, diags) else {
                continue;
            };
            if let Some(prev) = rules.iter().find(|r| r.rule.id == rule.id) {
                doc.error_help_at(
                    &format!("{}/id", pending.pointer),
                    format!("rule `{}` is already defined in {}", rule.id, prev.origin),
                    "to change an existing rule, use `overrides:` with `rule: <id>`",
                    diags,
                );
                continue;
            }
            if let Some(mut compiled) = compile_rule(rule, pack, &pending.pointer, &doc, diags) {
                compiled.not_configured = unset.message_for(&pending.json);
                compiled.vars_changed = changed
                    .iter()
                    .filter(|name| mentions(&pending.json, name))
                    .map(|name| (*name).clone())
                    .collect();
                if !compiled.vars_changed.is_empty() {
                    let mut quiet = Diagnostics::default();
                    let mut json = pending.json.clone();
                    let shipped = template(
                        &mut json,
                        &typing_defaults,
                        &pending.pointer,
                        &doc,
                        &mut quiet,
                    )
                    .then(|| doc.typed::<Rule>(&json, &pending.pointer, &mut quiet))
                    .flatten()
                    .and_then(|r| compile_rule(r, pack, &pending.pointer, &doc, &mut quiet));
                    if let Some(shipped) = shipped {
                        defaults_by_rule.insert(compiled.rule.id.clone(), shipped);
                    }
                }
                rules.push(compiled);
            }
        }

        let mut overrides = Vec::new();
        for (_, pending) in self.overrides.iter().filter(|(p, _)| belongs(p)) {
            let (file, spans) = &self.files[pending.file];
            let doc = Doc { file, spans };
            let mut json = pending.json.clone();
            if !template(&mut json, &typing, &pending.pointer, &doc, diags) {
                continue;
            }
            let Some(mut ov) = doc.typed::<Override>(&json, &pending.pointer, diags) else {
                continue;
            };
            ov.origin = format!("{file}:{}", spans.value(&pending.pointer).line);
            let Some(target) = rules.iter().find(|r| r.rule.id == ov.rule) else {
                let hint =
                    crate::diag::did_you_mean(&ov.rule, rules.iter().map(|r| r.rule.id.as_str()));
                let msg = format!("override names unknown rule `{}`", ov.rule);
                match hint {
                    Some(h) => doc.error_help_at(
                        &format!("{}/rule", pending.pointer),
                        msg,
                        format!("did you mean `{h}`?"),
                        diags,
                    ),
                    None => doc.error_at(&format!("{}/rule", pending.pointer), msg, diags),
                }
                continue;
            };
            let names = target.rule.check.metric_names();
            let metrics: Vec<&str> = names.iter().map(String::as_str).collect();
            for (section, map) in [("expect", &ov.expect), ("prefer", &ov.prefer)] {
                for (metric, expr) in map {
                    let at = format!(
                        "{}/{section}/{}",
                        pending.pointer,
                        crate::yaml::escape_pointer(metric)
                    );
                    parse_criterion(metric, expr, &metrics, &at, &doc, diags);
                }
            }
            overrides.push(ov);
        }
        rules.sort_by(|a, b| (a.since, &a.rule.id).cmp(&(b.since, &b.rule.id)));
        Some(CompiledPack {
            pack: pack.clone(),
            rules,
            overrides,
            vars,
            defaults: defaults_by_rule,
            var_origins,
        })
    }
}

/// The variables nobody set (the pack's `required_vars` without a value, or any variable set
/// to `null`), and the variables built on them.
struct Unset {
    /// Unset variable → the sentence that says what to set.
    names: BTreeMap<String, String>,
    /// Every variable → the variables its value uses, directly or not.
    uses: BTreeMap<String, BTreeSet<String>>,
    required: BTreeMap<String, RequiredVar>,
}

impl Unset {
    fn of(vars: &BTreeMap<String, Json>, required: &BTreeMap<String, RequiredVar>) -> Unset {
        let names = vars
            .iter()
            .filter(|(_, v)| v.is_null())
            .map(|(k, _)| {
                let help = match required.get(k) {
                    Some(r) => format!(
                        " ({}, e.g. {})",
                        r.help,
                        r.example
                            .as_str()
                            .map_or_else(|| r.example.to_string(), str::to_string)
                    ),
                    None => String::new(),
                };
                (k.clone(), format!("set vars.{k} in gonogo.yaml{help}"))
            })
            .collect();
        let direct: BTreeMap<String, BTreeSet<String>> = vars
            .iter()
            .map(|(k, v)| (k.clone(), mentioned(v)))
            .collect();
        let mut uses = direct.clone();
        for _ in 0..8 {
            let snapshot = uses.clone();
            for set in uses.values_mut() {
                let more: BTreeSet<String> = set
                    .iter()
                    .flat_map(|n| snapshot.get(n).into_iter().flatten().cloned())
                    .collect();
                set.extend(more);
            }
        }
        Unset {
            names,
            uses,
            required: required.clone(),
        }
    }

    /// The values rules are typed with: each unset variable takes its documented example (so a
    /// rule and its reference page stay well-formed), never used to judge.
    fn typing(&self, vars: &BTreeMap<String, Json>) -> BTreeMap<String, Json> {
        let mut out = vars.clone();
        for name in self.names.keys() {
            let example = self
                .required
                .get(name)
                .map_or_else(|| Json::String(format!("<{name}>")), |r| r.example.clone());
            out.insert(name.clone(), example);
        }
        resolve_nested(&mut out);
        out
    }

    /// What a rule written as `json` lacks, as the sentence of its `not configured` outcome.
    fn message_for(&self, json: &Json) -> Option<String> {
        let used = mentioned(json);
        let mut missing: BTreeSet<&String> = BTreeSet::new();
        for name in &used {
            if self.names.contains_key(name) {
                missing.insert(name);
            }
            for dep in self.uses.get(name).into_iter().flatten() {
                if let Some((k, _)) = self.names.get_key_value(dep) {
                    missing.insert(k);
                }
            }
        }
        if missing.is_empty() {
            return None;
        }
        let parts: Vec<&str> = missing
            .iter()
            .filter_map(|n| self.names.get(*n).map(String::as_str))
            .collect();
        Some(parts.join("; "))
    }
}

/// The `${name}` a value uses (`$${` is a literal and names nothing).
fn mentioned(json: &Json) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![json];
    while let Some(v) = stack.pop() {
        match v {
            Json::String(s) => {
                let mut rest = s.as_str();
                while let Some(i) = rest.find('$') {
                    let after = &rest[i + 1..];
                    if let Some(lit) = after.strip_prefix("${") {
                        rest = lit;
                    } else if let Some(body) = after.strip_prefix('{') {
                        match body.find('}') {
                            Some(end) => {
                                out.insert(body[..end].to_string());
                                rest = &body[end + 1..];
                            }
                            None => break,
                        }
                    } else {
                        rest = after;
                    }
                }
            }
            Json::Array(items) => stack.extend(items),
            Json::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    out
}

fn parse_criterion(
    metric: &str,
    expr: &str,
    metrics: &[&str],
    at: &str,
    doc: &Doc<'_>,
    diags: &mut Diagnostics,
) -> Option<Criterion> {
    if !metrics.contains(&metric) {
        doc.unknown_key(
            at.rsplit_once('/').map_or("", |(p, _)| p),
            metric,
            metrics,
            diags,
        );
        return None;
    }
    match Criterion::parse(metric, expr) {
        Ok(c) => Some(c),
        Err(e) => {
            doc.error_at(at, format!("{}: {e}", display_path(at)), diags);
            None
        }
    }
}

fn compile_rule(
    rule: Rule,
    pack: &PackDef,
    pointer: &str,
    doc: &Doc<'_>,
    diags: &mut Diagnostics,
) -> Option<CompiledRule> {
    let before = diags.items.len();
    let since = match &rule.since {
        None => pack.stages.iter().map(|s| s.number).min().unwrap_or(1),
        Some(r) => match r.resolve(&pack.stages) {
            Ok(s) => s.number,
            Err(e) => {
                doc.error_at(&format!("{pointer}/since"), e, diags);
                0
            }
        },
    };
    let mut raise = Vec::new();
    for (stage, level) in &rule.raise {
        let at = format!("{pointer}/raise/{}", crate::yaml::escape_pointer(stage));
        match super::StageRef::Name(stage.clone()).resolve(&pack.stages) {
            Ok(s) if s.number < since => doc.error_at(
                &at,
                format!(
                    "raise at stage {} comes before the rule applies (since {since})",
                    s.id
                ),
                diags,
            ),
            Ok(s)
                if level.min()
                    < rule
                        .level
                        .resolve(super::EnvType::Nonprod)
                        .min(rule.level.resolve(super::EnvType::Prod)) =>
            {
                doc.error_at(
                    &at,
                    format!(
                        "`raise` at {} lowers the level; stages can only raise it",
                        s.id
                    ),
                    diags,
                )
            }
            Ok(s) => raise.push((s.number, *level)),
            Err(e) => doc.error_at(&at, e, diags),
        }
    }
    let kind = rule.check.doc();
    let names = rule.check.metric_names();
    let metrics: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut expect = Vec::new();
    let mut prefer = Vec::new();
    for (section, map, out) in [
        ("expect", &rule.expect, &mut expect),
        ("prefer", &rule.prefer, &mut prefer),
    ] {
        for (metric, expr) in map {
            let at = format!(
                "{pointer}/{section}/{}",
                crate::yaml::escape_pointer(metric)
            );
            if let Some(c) = parse_criterion(metric, expr, &metrics, &at, doc, diags) {
                out.push(c);
            }
        }
    }
    if rule.expect.is_empty() {
        for (metric, expr) in kind.default_expect {
            if let Ok(c) = Criterion::parse(metric, expr) {
                expect.push(c);
            }
        }
    }
    if KINDS.iter().all(|k| k.id != rule.check.kind_id()) {
        doc.error_at(&format!("{pointer}/check"), "unknown check kind", diags);
    }
    let line = doc.spans.value(pointer).line;
    (diags.items.len() == before).then(|| CompiledRule {
        origin: format!("{}:{line}", doc.file),
        vars_changed: Vec::new(),
        not_configured: None,
        rule,
        since,
        raise,
        expect,
        prefer,
    })
}
