//! `yaml-fields`: the answers file of the early stages is checked for being *filled*, not just
//! present.
//!
//! A field can be constrained (`one_of`, `equals`, `min`) and made conditional on another
//! (`when`), for requirements such as "if exposed to the internet, an anti-DDoS service is
//! planned". What counts as filled is shared with `markdown-sections` (see `filled`).
//!
//! Answers may be written in French or English: `oui`/`non` (and `yes`/`no`, `vrai`/`faux`) are
//! booleans, and the check's `aliases` map other answers to the values its constraints name
//! (`nouveau` → `new`, `DR` → `restricted`), compared without case or accents. A number may be
//! written with a decimal comma (`0,5`). Messages name the accepted values with their aliases.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::CheckKind;
use super::filled::{document, is_placeholder};
use crate::evidence::{Evidence, Location, Missing, MissingReason};
use crate::model::{Item, Measurement, Need, Waive, file_item_key, waive_in_file};
use crate::yaml::{Node, NodeKind};

pub const SUMMARY: &str = "Required fields of a YAML answers file are filled.";

pub use super::filled::{DEFAULT_EXPECT, METRICS};

/// A required field: a dotted path (`sponsor.name`), optionally constrained.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum FieldSpec {
    Path(String),
    Constrained(Box<Constrained>),
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Constrained {
    pub path: String,
    /// Allowed values (compared as text, case-insensitively).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub one_of: Vec<serde_json::Value>,
    /// The one accepted value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<serde_json::Value>,
    /// Smallest accepted number (for estimates that must be positive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Only required when this other field has this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub path: String,
    pub equals: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct YamlFieldsCheck {
    /// The YAML file, relative to the project root.
    pub file: String,
    pub fields: Vec<FieldSpec>,
    /// Other ways to write an answer (`nouveau: new`, `DR: restricted`), compared without case
    /// or accents; `oui`/`non`, `yes`/`no`, `vrai`/`faux` are always booleans.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub aliases: BTreeMap<String, serde_json::Value>,
}

/// Lower case, accents removed, inner spaces single: how answers are compared.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            '’' => '\'',
            c => c,
        };
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

const BOOLEANS: &[(&str, bool)] = &[
    ("oui", true),
    ("non", false),
    ("yes", true),
    ("no", false),
    ("vrai", true),
    ("faux", false),
    ("true", true),
    ("false", false),
];

fn lookup<'a>(root: &'a Node, path: &str) -> Option<&'a Node> {
    path.split('.')
        .try_fold(root, |node, seg| match &node.kind {
            NodeKind::Map(_) => node.get(seg),
            NodeKind::Seq(items) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
}

fn is_filled(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Null => false,
        NodeKind::Str(s) => !is_placeholder(s),
        NodeKind::Seq(items) => items.iter().any(is_filled),
        NodeKind::Map(entries) => entries.iter().any(|(_, v)| is_filled(v)),
        NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) => true,
    }
}

fn scalar_text(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Str(s) => Some(s.clone()),
        NodeKind::Bool(b) => Some(b.to_string()),
        NodeKind::Int(i) => Some(i.to_string()),
        NodeKind::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl YamlFieldsCheck {
    /// The answer as the constraints name it: a French or English alias resolved, a boolean
    /// word read as a boolean.
    fn canonical(&self, node: &Node) -> Option<String> {
        let text = scalar_text(node)?;
        let folded = fold(&text);
        if let Some((_, v)) = self.aliases.iter().find(|(k, _)| fold(k) == folded) {
            return Some(fold(&json_text(v)));
        }
        if let Some((_, b)) = BOOLEANS.iter().find(|(w, _)| *w == folded) {
            return Some(b.to_string());
        }
        Some(folded)
    }

    fn matches_value(&self, node: &Node, expected: &serde_json::Value) -> bool {
        self.canonical(node)
            .is_some_and(|t| t == fold(&json_text(expected)))
    }

    /// `new (nouveau), migration, ...`: the accepted values with the aliases that reach them.
    fn accepted(&self, values: &[serde_json::Value]) -> String {
        values
            .iter()
            .map(|v| {
                let canon = fold(&json_text(v));
                let mut alts: Vec<&str> = self
                    .aliases
                    .iter()
                    .filter(|(_, to)| fold(&json_text(to)) == canon)
                    .map(|(k, _)| k.as_str())
                    .collect();
                match v {
                    serde_json::Value::Bool(true) => alts.push("oui"),
                    serde_json::Value::Bool(false) => alts.push("non"),
                    _ => {}
                }
                if alts.is_empty() {
                    json_text(v)
                } else {
                    format!("{} ({})", json_text(v), alts.join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A number, written as YAML writes it or with a decimal comma (`0,5`).
fn number(node: &Node) -> Option<f64> {
    match &node.kind {
        NodeKind::Int(i) => Some(*i as f64),
        NodeKind::Float(f) => Some(*f),
        NodeKind::Str(s) => s.trim().replace(',', ".").parse().ok(),
        _ => None,
    }
}

impl CheckKind for YamlFieldsCheck {
    fn need(&self) -> Need {
        Need::Document(self.file.clone())
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let doc = document(&self.need(), evidence)?;
        let root = crate::yaml::parse(&doc.text).map_err(|e| {
            Missing::new(
                MissingReason::ParseError,
                format!(
                    "{}:{}:{}: {}",
                    doc.path, e.span.line, e.span.column, e.message
                ),
            )
        })?;
        let mut m = Measurement::default();
        let (mut missing, mut invalid, mut present) = (0u64, 0u64, 0u64);
        for spec in &self.fields {
            let (path, constraint) = match spec {
                FieldSpec::Path(p) => (p.as_str(), None),
                FieldSpec::Constrained(c) => (c.path.as_str(), Some(c)),
            };
            if let Some(cond) = constraint.and_then(|c| c.when.as_ref()) {
                let applies =
                    lookup(&root, &cond.path).is_some_and(|n| self.matches_value(n, &cond.equals));
                if !applies {
                    continue;
                }
            }
            let node = lookup(&root, path);
            let location = |line: Option<u64>| {
                Some(Location {
                    path: doc.path.clone(),
                    line,
                })
            };
            match node {
                Some(n) if is_filled(n) => {
                    let bad = constraint.and_then(|c| {
                        if let Some(eq) = &c.equals {
                            (!self.matches_value(n, eq)).then(|| {
                                format!(
                                    "must be {} / doit valoir {}",
                                    self.accepted(std::slice::from_ref(eq)),
                                    self.accepted(std::slice::from_ref(eq))
                                )
                            })
                        } else if let Some(min) = c.min {
                            match number(n) {
                                Some(v) if v >= min => None,
                                Some(v) => Some(format!(
                                    "must be at least {min} (is {v}) / doit valoir au moins {min}"
                                )),
                                None => Some(format!(
                                    "must be a number of at least {min} / doit être un nombre d'au moins {min}"
                                )),
                            }
                        } else if !c.one_of.is_empty() {
                            (!c.one_of.iter().any(|v| self.matches_value(n, v))).then(|| {
                                let allowed = self.accepted(&c.one_of);
                                format!("must be one of {allowed} / doit être l'une des valeurs : {allowed}")
                            })
                        } else {
                            None
                        }
                    });
                    match bad {
                        Some(why) if !waive_in_file(waive, &doc.path, path) => {
                            invalid += 1;
                            let got = scalar_text(n).unwrap_or_else(|| "a structure".into());
                            m.items.push(Item {
                                key: file_item_key(&doc.path, path),
                                text: format!("`{path}` is `{got}`: {why}"),
                                location: location(Some(n.span.line as u64)),
                            });
                        }
                        Some(_) => m.waived_items += 1,
                        None => present += 1,
                    }
                }
                other => {
                    if waive_in_file(waive, &doc.path, path) {
                        m.waived_items += 1;
                        continue;
                    }
                    missing += 1;
                    let (text, line) = match other {
                        Some(n) => (
                            format!("`{path}` is empty / sans réponse"),
                            Some(n.span.line as u64),
                        ),
                        None => (format!("`{path}` is missing / absent"), None),
                    };
                    m.items.push(Item {
                        key: file_item_key(&doc.path, path),
                        text,
                        location: location(line),
                    });
                }
            }
        }
        m.set("missing", missing);
        m.set("invalid", invalid);
        m.set("present", present);
        Ok(m)
    }
}

/// The JSON Schema of an answers file, from the `yaml-fields` checks that read it, for editors:
/// the nesting of the fields the rules read (a section is a mapping), and for a constrained
/// field the answers the check accepts — its values, their aliases and the boolean words, in any
/// case and with or without accents, as the check compares them — or a number for `min`. A field
/// may also be still unanswered (empty, `TODO`, `<...>`), as in the template `init` writes; other
/// keys are allowed, since the file carries more than the rules read.
pub fn answers_schema(checks: &[&YamlFieldsCheck]) -> serde_json::Value {
    #[derive(Default)]
    struct Tree {
        children: BTreeMap<String, Tree>,
        leaf: Option<serde_json::Value>,
    }
    fn to_schema(tree: &Tree) -> serde_json::Value {
        if tree.children.is_empty() {
            return tree.leaf.clone().unwrap_or_else(|| serde_json::json!({}));
        }
        let props: serde_json::Map<String, serde_json::Value> = tree
            .children
            .iter()
            .map(|(k, t)| (k.clone(), to_schema(t)))
            .collect();
        serde_json::json!({"type": ["object", "null"], "properties": props})
    }
    let mut root = Tree::default();
    for check in checks {
        for field in &check.fields {
            let (path, constrained) = match field {
                FieldSpec::Path(p) => (p.as_str(), None),
                FieldSpec::Constrained(c) => (c.path.as_str(), Some(c.as_ref())),
            };
            let mut node = &mut root;
            for seg in path.split('.') {
                if seg.parse::<usize>().is_ok() {
                    break;
                }
                node = node.children.entry(seg.to_string()).or_default();
            }
            if let Some(c) = constrained
                && node.children.is_empty()
            {
                node.leaf = Some(leaf_schema(c, &check.aliases));
            }
        }
    }
    let mut schema = to_schema(&root);
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$schema".into(),
            "https://json-schema.org/draft/2020-12/schema".into(),
        );
        obj.insert("title".into(), "gonogo answers file".into());
        obj.insert("type".into(), "object".into());
    }
    schema
}

/// What one constrained field accepts.
fn leaf_schema(
    c: &Constrained,
    aliases: &BTreeMap<String, serde_json::Value>,
) -> serde_json::Value {
    let mut words: Vec<String> = super::filled::PLACEHOLDERS
        .iter()
        .map(|p| fold(p))
        .collect();
    let mut others: Vec<serde_json::Value> = Vec::new();
    // `equals: true` asks a yes/no question whose expected answer the rule judges: either
    // answer is well formed. A conditional `equals` of another kind constrains nothing here.
    let both = [
        serde_json::Value::Bool(true),
        serde_json::Value::Bool(false),
    ];
    let allowed: Vec<&serde_json::Value> = match (&c.when, &c.equals) {
        (_, Some(serde_json::Value::Bool(_))) => both.iter().collect(),
        (Some(_), Some(_)) => return serde_json::json!({}),
        _ => c.one_of.iter().chain(c.equals.as_ref()).collect(),
    };
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => fold(s),
        other => fold(&other.to_string()),
    };
    for v in &allowed {
        match v {
            serde_json::Value::Bool(b) => {
                others.push((*v).clone());
                words.extend(
                    BOOLEANS
                        .iter()
                        .filter(|(_, x)| x == b)
                        .map(|(w, _)| (*w).to_string()),
                );
            }
            serde_json::Value::Number(_) => {
                others.push((*v).clone());
                words.push(v.to_string());
            }
            _ => words.push(text(v)),
        }
    }
    let folded: Vec<String> = allowed.iter().map(|v| text(v)).collect();
    for (alias, target) in aliases {
        if folded.contains(&text(target)) {
            words.push(fold(alias));
        }
    }
    let mut any_of = vec![serde_json::json!({"type": "null"})];
    if allowed.is_empty() {
        if c.min.is_some() {
            any_of.push(serde_json::json!({"type": "number"}));
            any_of.push(serde_json::json!({
                "type": "string",
                "pattern": r"^\s*-?[0-9]+([.,][0-9]+)?\s*$"
            }));
        } else {
            return serde_json::json!({});
        }
    }
    if !others.is_empty() {
        any_of.push(serde_json::json!({"enum": others}));
    }
    words.sort();
    words.dedup();
    let alternatives: Vec<String> = words.iter().map(|w| any_case(w)).collect();
    any_of.push(serde_json::json!({
        "type": "string",
        "pattern": format!(r"^\s*({})\s*$|^\s*<.*>\s*$", alternatives.join("|"))
    }));
    serde_json::json!({"anyOf": any_of})
}

/// An ECMA-262 pattern matching `folded` (lower case, no accents) in any case and with the
/// accents `fold` removes: JSON Schema patterns have no case-insensitive flag.
fn any_case(folded: &str) -> String {
    let mut out = String::new();
    for c in folded.chars() {
        let variants: &str = match c {
            'a' => "aAàâäáÀÂÄÁ",
            'e' => "eEéèêëÉÈÊË",
            'i' => "iIîïíÎÏÍ",
            'o' => "oOôöóÔÖÓ",
            'u' => "uUùûüúÙÛÜÚ",
            'c' => "cCçÇ",
            '\'' => "'’",
            _ => "",
        };
        if !variants.is_empty() {
            out.push('[');
            out.push_str(variants);
            out.push(']');
        } else if c.is_alphabetic() {
            out.push('[');
            out.push(c);
            out.extend(c.to_uppercase());
            out.push(']');
        } else if c == ' ' {
            out.push_str(r"\s+");
        } else if "^$\\.*+?()[]{}|/".contains(c) {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Document;

    fn doc(path: &str, text: &str) -> Evidence {
        Evidence::Document(Document {
            path: path.into(),
            text: text.into(),
            binary: false,
        })
    }

    fn never(_: &str) -> bool {
        false
    }

    #[test]
    fn yaml_fields_filled_empty_missing_and_constrained() {
        let check: YamlFieldsCheck = serde_json::from_value(serde_json::json!({
            "file": "onboarding.yaml",
            "fields": [
                "project.name", "project.owner", "sponsor.name", "funding",
                {"path": "project.type", "one_of": ["new", "migration"]},
                {"path": "security.anti_ddos", "equals": true,
                 "when": {"path": "exposure.internet", "equals": true}}
            ]
        }))
        .unwrap();
        let ev = doc(
            "onboarding.yaml",
            "project:\n  name: Demo\n  owner: TODO\n  type: rewrite\nsponsor:\n  name: ''\nexposure:\n  internet: true\nsecurity:\n  anti_ddos: false\n",
        );
        let m = check.measure(&ev, &mut never).unwrap();
        assert_eq!(m.metrics["missing"], 3.0.into(), "{:?}", m.items);
        assert_eq!(m.metrics["invalid"], 2.0.into(), "{:?}", m.items);
        assert_eq!(m.metrics["present"], 1.0.into());
        assert!(
            m.items
                .iter()
                .any(|i| i.text.contains("`funding` is missing"))
        );
    }

    #[test]
    fn french_answers_and_aliases() {
        let check: YamlFieldsCheck = serde_json::from_value(serde_json::json!({
            "file": "onboarding.yaml",
            "aliases": {"nouveau": "new", "DR": "restricted", "diffusion restreinte": "restricted",
                        "usuelle": "usual", "acquis": "funded", "à acquérir": "pending"},
            "fields": [
                {"path": "a", "one_of": ["new", "migration"]},
                {"path": "b", "one_of": ["usual", "restricted"]},
                {"path": "c", "equals": true},
                {"path": "d", "min": 0.1},
                {"path": "e", "one_of": ["funded", "pending", "none"]},
                {"path": "f", "equals": true, "when": {"path": "g", "equals": true}},
                {"path": "h", "one_of": ["usual", "restricted"]}
            ]
        }))
        .unwrap();
        let ev = doc(
            "onboarding.yaml",
            "a: Nouveau
b: Diffusion  Restreinte
c: oui
d: '0,5'
e: À acquérir
g: non
f: non
h: secret
",
        );
        let m = check.measure(&ev, &mut never).unwrap();
        assert_eq!(m.metrics["invalid"], 1.0.into(), "{:?}", m.items);
        assert_eq!(m.metrics["present"], 5.0.into(), "{:?}", m.items);
        assert_eq!(
            m.items[0].text,
            "`h` is `secret`: must be one of usual (usuelle), restricted (DR, diffusion restreinte) / doit être l'une des valeurs : usual (usuelle), restricted (DR, diffusion restreinte)"
        );
        let ev = doc(
            "onboarding.yaml",
            "a: new
b: DR
c: non
d: 0
e: acquis
h: usual
",
        );
        let m = check.measure(&ev, &mut never).unwrap();
        assert_eq!(m.metrics["invalid"], 2.0.into(), "{:?}", m.items);
        assert!(
            m.items[0].text.contains("must be true (oui)"),
            "{:?}",
            m.items
        );
        assert!(
            m.items[1].text.contains("doit valoir au moins 0.1"),
            "{:?}",
            m.items
        );
    }

    #[test]
    fn yaml_parse_errors_are_inconclusive_with_position() {
        let check = YamlFieldsCheck {
            file: "a.yaml".into(),
            fields: vec![],
            aliases: Default::default(),
        };
        let err = check
            .measure(&doc("a.yaml", "a: [1\n"), &mut never)
            .unwrap_err();
        assert_eq!(err.reason, MissingReason::ParseError);
        assert!(err.detail.starts_with("a.yaml:"), "{}", err.detail);
    }
}
