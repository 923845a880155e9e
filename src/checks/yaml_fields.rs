//! `yaml-fields`: the answers file of the early stages is checked for being *filled*, not just
//! present.
//!
//! A field can be constrained (`one_of`, `equals`, `min`) and made conditional on another
//! (`when`), for requirements such as "if exposed to the internet, an anti-DDoS service is
//! planned". What counts as filled is shared with `markdown-sections` (see `filled`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::CheckKind;
use super::filled::{document, is_placeholder};
use crate::evidence::{Evidence, Location, Missing, MissingReason};
use crate::model::{Item, Measurement, Need, Waive};
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
}

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

fn matches_value(node: &Node, expected: &serde_json::Value) -> bool {
    scalar_text(node).is_some_and(|t| t.eq_ignore_ascii_case(&json_text(expected)))
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
                    lookup(&root, &cond.path).is_some_and(|n| matches_value(n, &cond.equals));
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
                            (!matches_value(n, eq)).then(|| format!("must be {}", json_text(eq)))
                        } else if let Some(min) = c.min {
                            let n = match &n.kind {
                                NodeKind::Int(i) => Some(*i as f64),
                                NodeKind::Float(f) => Some(*f),
                                _ => None,
                            };
                            match n {
                                Some(v) if v >= min => None,
                                Some(v) => Some(format!("must be at least {min} (is {v})")),
                                None => Some(format!("must be a number of at least {min}")),
                            }
                        } else if !c.one_of.is_empty() {
                            (!c.one_of.iter().any(|v| matches_value(n, v))).then(|| {
                                let allowed: Vec<String> = c.one_of.iter().map(json_text).collect();
                                format!("must be one of {}", allowed.join(", "))
                            })
                        } else {
                            None
                        }
                    });
                    match bad {
                        Some(why) if !waive(path) => {
                            invalid += 1;
                            let got = scalar_text(n).unwrap_or_else(|| "a structure".into());
                            m.items.push(Item {
                                key: path.to_string(),
                                text: format!("`{path}` is `{got}`: {why}"),
                                location: location(Some(n.span.line as u64)),
                            });
                        }
                        Some(_) => m.waived_items += 1,
                        None => present += 1,
                    }
                }
                other => {
                    if waive(path) {
                        m.waived_items += 1;
                        continue;
                    }
                    missing += 1;
                    let (text, line) = match other {
                        Some(n) => (format!("`{path}` is empty"), Some(n.span.line as u64)),
                        None => (format!("`{path}` is missing"), None),
                    };
                    m.items.push(Item {
                        key: path.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Document;

    fn doc(path: &str, text: &str) -> Evidence {
        Evidence::Document(Document {
            path: path.into(),
            text: text.into(),
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
    fn yaml_parse_errors_are_inconclusive_with_position() {
        let check = YamlFieldsCheck {
            file: "a.yaml".into(),
            fields: vec![],
        };
        let err = check
            .measure(&doc("a.yaml", "a: [1\n"), &mut never)
            .unwrap_err();
        assert_eq!(err.reason, MissingReason::ParseError);
        assert!(err.detail.starts_with("a.yaml:"), "{}", err.detail);
    }
}
