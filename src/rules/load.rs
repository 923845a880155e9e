//! Loading rule files: the packs embedded in the binary, then the project's own files.
//!
//! Files are read in two passes. The first collects pack definitions (stages, default vars) and
//! keeps rules as spanned JSON; the second, once the pack and the variables are known, expands
//! `${var}` templates and types each rule on its own, so one broken rule does not hide the next.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value as Json;

use super::{CompiledRule, Override, Rule, Stage};
use crate::checks::KINDS;
use crate::diag::{Diagnostics, Doc, display_path};
use crate::model::Criterion;
use crate::yaml::{self, SpanIndex};

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
    pack_vars: Vec<(Option<String>, BTreeMap<String, Json>)>,
}

/// A pack with its rules typed and templated, and the project's overrides.
#[derive(Debug, Clone)]
pub struct CompiledPack {
    pub pack: PackDef,
    pub rules: Vec<CompiledRule>,
    pub overrides: Vec<Override>,
    /// Every variable after merging pack defaults and the project's values.
    pub vars: BTreeMap<String, Json>,
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
                        "pack" | "title" | "description" | "stages" | "vars"
                    )
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        );
        let Some(header) = doc.typed::<RawHeader>(&header_json, "", diags) else {
            continue;
        };
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
                        defined_in: file.name.clone(),
                    },
                );
            }
        }
        catalog.pack_vars.push((header.pack.clone(), header.vars));
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
    for (pack, vars) in std::mem::take(&mut catalog.pack_vars) {
        if let Some(def) = pack.as_ref().and_then(|p| catalog.packs.get_mut(p)) {
            def.vars.extend(vars);
        } else {
            catalog.pack_vars.push((pack, vars));
        }
    }
    catalog
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
        let mut vars = pack.vars.clone();
        for (p, v) in &self.pack_vars {
            if p.as_deref().is_none_or(|p| p == pack_name) {
                vars.extend(v.clone());
            }
        }
        vars.extend(project_vars.clone());
        resolve_nested(&mut vars);
        let belongs = |p: &Option<String>| p.as_deref().is_none_or(|p| p == pack_name);

        let mut rules: Vec<CompiledRule> = Vec::new();
        for (_, pending) in self.rules.iter().filter(|(p, _)| belongs(p)) {
            let (file, spans) = &self.files[pending.file];
            let doc = Doc { file, spans };
            let mut json = pending.json.clone();
            if !template(&mut json, &vars, &pending.pointer, &doc, diags) {
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
            if let Some(compiled) = compile_rule(rule, pack, &pending.pointer, &doc, diags) {
                rules.push(compiled);
            }
        }

        let mut overrides = Vec::new();
        for (_, pending) in self.overrides.iter().filter(|(p, _)| belongs(p)) {
            let (file, spans) = &self.files[pending.file];
            let doc = Doc { file, spans };
            let mut json = pending.json.clone();
            if !template(&mut json, &vars, &pending.pointer, &doc, diags) {
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
            let metrics: Vec<&str> = target
                .rule
                .check
                .doc()
                .metrics
                .iter()
                .map(|m| m.name)
                .collect();
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
        })
    }
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
    let metrics: Vec<&str> = kind.metrics.iter().map(|m| m.name).collect();
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
        rule,
        since,
        raise,
        expect,
        prefer,
    })
}

/// Expands `${name}` in every string. A string that is exactly `${name}` takes the variable's
/// type (a number, a list); `$${` is a literal `${`. Returns false when a variable is unknown.
fn template(
    value: &mut Json,
    vars: &BTreeMap<String, Json>,
    pointer: &str,
    doc: &Doc<'_>,
    diags: &mut Diagnostics,
) -> bool {
    match value {
        Json::String(s) => {
            if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}'))
                && !name.contains('}')
                && !name.contains("${")
            {
                return match vars.get(name) {
                    Some(v) => {
                        *value = v.clone();
                        true
                    }
                    None => {
                        unknown_var(name, vars, pointer, doc, diags);
                        false
                    }
                };
            }
            match expand(s, vars) {
                Ok(out) => {
                    *s = out;
                    true
                }
                Err(name) => {
                    unknown_var(&name, vars, pointer, doc, diags);
                    false
                }
            }
        }
        Json::Array(items) => {
            let mut ok = true;
            for (i, item) in items.iter_mut().enumerate() {
                ok &= template(item, vars, &format!("{pointer}/{i}"), doc, diags);
            }
            ok
        }
        Json::Object(map) => {
            let mut ok = true;
            for (k, v) in map.iter_mut() {
                ok &= template(
                    v,
                    vars,
                    &format!("{pointer}/{}", crate::yaml::escape_pointer(k)),
                    doc,
                    diags,
                );
            }
            ok
        }
        _ => true,
    }
}

/// Lets variables use other variables (`registries: ["${harbor_host}/", ...]`), so a project that
/// sets `harbor_host` changes every list built on it. A few passes settle any chain; cycles and
/// unknown names are left as written and reported where a rule uses them.
fn resolve_nested(vars: &mut BTreeMap<String, Json>) {
    fn walk(v: &mut Json, vars: &BTreeMap<String, Json>) -> bool {
        match v {
            Json::String(s) if s.contains("${") => match expand(s, vars) {
                Ok(out) if out != *s => {
                    *s = out;
                    true
                }
                _ => false,
            },
            Json::Array(items) => items.iter_mut().fold(false, |acc, i| walk(i, vars) | acc),
            Json::Object(map) => map.values_mut().fold(false, |acc, i| walk(i, vars) | acc),
            _ => false,
        }
    }
    for _ in 0..8 {
        let snapshot = vars.clone();
        let changed = vars
            .values_mut()
            .fold(false, |acc, v| walk(v, &snapshot) | acc);
        if !changed {
            break;
        }
    }
}

/// Expands `${name}` occurrences inside a string; `Err(name)` for an unknown variable.
pub fn expand(s: &str, vars: &BTreeMap<String, Json>) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(lit) = after.strip_prefix("${") {
            out.push_str("${");
            rest = lit;
        } else if let Some(body) = after.strip_prefix('{') {
            let Some(end) = body.find('}') else {
                out.push('$');
                rest = after;
                continue;
            };
            let name = &body[..end];
            match vars.get(name) {
                Some(Json::String(v)) => out.push_str(v),
                Some(Json::Array(items)) => {
                    let parts: Vec<String> = items
                        .iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                        .collect();
                    out.push_str(&parts.join("|"));
                }
                Some(other) => out.push_str(&other.to_string()),
                None => return Err(name.to_string()),
            }
            rest = &body[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn unknown_var(
    name: &str,
    vars: &BTreeMap<String, Json>,
    pointer: &str,
    doc: &Doc<'_>,
    diags: &mut Diagnostics,
) {
    let msg = format!(
        "unknown variable `${{{name}}}` in {}",
        display_path(pointer)
    );
    let help = match crate::diag::did_you_mean(name, vars.keys().map(String::as_str)) {
        Some(s) => format!(
            "did you mean `${{{s}}}`? Variables come from the pack's `vars:` and gonogo.yaml's `vars:`"
        ),
        None => format!("define it under `vars:` in gonogo.yaml (`{name}: ...`)"),
    };
    doc.error_help_at(pointer, msg, help, diags);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expand_substitutes_and_escapes() {
        let vars: BTreeMap<String, Json> = [
            ("ns".to_string(), Json::from("shop")),
            ("n".to_string(), Json::from(3)),
            ("regs".to_string(), serde_json::json!(["a.io", "b.io"])),
        ]
        .into();
        assert_eq!(
            expand("up{namespace=\"${ns}\"} > ${n}", &vars).unwrap(),
            "up{namespace=\"shop\"} > 3"
        );
        assert_eq!(expand("$${ns} costs $5", &vars).unwrap(), "${ns} costs $5");
        assert_eq!(expand("${regs}", &vars).unwrap(), "a.io|b.io");
        assert_eq!(expand("${nope}", &vars).unwrap_err(), "nope");
    }
}
