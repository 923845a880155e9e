//! `yaml-fields` and `markdown-sections`: the declarative deliverables of the early stages
//! (answers file, project plan) are checked for being *filled*, not just present.
//!
//! "Filled" means: not null, not an empty string or list, and not a template placeholder left as
//! is (`TODO`, `TBD`, `...`, `<...>`, `À compléter`). A field can also be constrained
//! (`one_of`, `equals`) and made conditional on another (`when`), for requirements such as
//! "if exposed to the internet, an anti-DDoS service is planned".

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CheckKind, wrong_kind};
use crate::evidence::{Evidence, Location, Missing, MissingReason};
use crate::model::{Item, Measurement, MetricDoc, Need, Waive};
use crate::yaml::{Node, NodeKind};

pub const SUMMARY: &str = "Required fields of a YAML answers file, or required sections of a Markdown document, are filled.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "missing",
        description: "required fields or sections that are absent or empty",
    },
    MetricDoc {
        name: "invalid",
        description: "fields present but outside their allowed values",
    },
    MetricDoc {
        name: "present",
        description: "required fields or sections that are filled",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("missing", "== 0"), ("invalid", "== 0")];

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

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkdownSectionsCheck {
    /// The Markdown file, relative to the project root.
    pub file: String,
    /// Headings that must exist with content under them (case-insensitive; a heading containing
    /// the text matches).
    pub sections: Vec<String>,
}

const PLACEHOLDERS: &[&str] = &[
    "todo",
    "tbd",
    "tbc",
    "...",
    "…",
    "xxx",
    "à compléter",
    "a completer",
    "to be completed",
    "n/a?",
];

fn is_placeholder(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    t.is_empty()
        || PLACEHOLDERS.contains(&t.as_str())
        || (t.starts_with('<') && t.ends_with('>'))
        || t.starts_with("<!--")
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

fn document<'a>(
    need: &Need,
    evidence: &'a Evidence,
) -> Result<&'a crate::evidence::Document, Missing> {
    match evidence {
        Evidence::Document(doc) => Ok(doc),
        other => Err(wrong_kind(need, other, "a document")),
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

/// Headings with their level, line and whether real content follows before the next heading of
/// the same or a higher level.
fn sections(text: &str) -> Vec<(usize, String, usize, bool)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut headings = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let level = t.bytes().take_while(|b| *b == b'#').count();
        if (1..=6).contains(&level) && t[level..].starts_with(' ') {
            headings.push((
                i,
                level,
                t[level..].trim().trim_end_matches('#').trim().to_string(),
            ));
        }
    }
    for (idx, (line, level, title)) in headings.iter().enumerate() {
        let end = headings[idx + 1..]
            .iter()
            .find(|(_, l, _)| l <= level)
            .map_or(lines.len(), |(l, _, _)| *l);
        let mut in_comment = false;
        let filled = lines[line + 1..end].iter().any(|l| {
            let t = l.trim();
            if t.starts_with("<!--") {
                in_comment = !t.contains("-->");
                return false;
            }
            if in_comment {
                in_comment = !t.contains("-->");
                return false;
            }
            !t.starts_with('#') && !is_placeholder(t.trim_start_matches(['-', '*', '>', ' ']))
        });
        out.push((*level, title.clone(), line + 1, filled));
    }
    out
}

impl CheckKind for MarkdownSectionsCheck {
    fn need(&self) -> Need {
        Need::Document(self.file.clone())
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let doc = document(&self.need(), evidence)?;
        let found = sections(&doc.text);
        let mut m = Measurement::default();
        let (mut missing, mut present) = (0u64, 0u64);
        for wanted in &self.sections {
            let w = wanted.to_lowercase();
            let hit = found
                .iter()
                .find(|(_, title, _, _)| title.to_lowercase().contains(&w));
            match hit {
                Some((_, _, _, true)) => present += 1,
                _ if waive(wanted) => m.waived_items += 1,
                Some((_, title, line, false)) => {
                    missing += 1;
                    m.items.push(Item {
                        key: wanted.clone(),
                        text: format!("section \"{title}\" is empty"),
                        location: Some(Location {
                            path: doc.path.clone(),
                            line: Some(*line as u64),
                        }),
                    });
                }
                None => {
                    missing += 1;
                    m.items.push(Item {
                        key: wanted.clone(),
                        text: format!("no section \"{wanted}\""),
                        location: Some(Location {
                            path: doc.path.clone(),
                            line: None,
                        }),
                    });
                }
            }
        }
        m.set("missing", missing);
        m.set("invalid", 0u64);
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

    #[test]
    fn markdown_sections_need_content() {
        let check = MarkdownSectionsCheck {
            file: "PLAN.md".into(),
            sections: vec![
                "Business context".into(),
                "Team".into(),
                "Architecture".into(),
            ],
        };
        let text = "# Plan\n## Business context\nWe sell cheese.\n## Team\n<!-- fill me -->\nTODO\n### Skills\n## Other\n```\n## Architecture\n```\n";
        let m = check.measure(&doc("PLAN.md", text), &mut never).unwrap();
        assert_eq!(m.metrics["present"], 1.0.into());
        assert_eq!(m.metrics["missing"], 2.0.into(), "{:?}", m.items);
    }
}
