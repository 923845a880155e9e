//! `document`: a project document exists *and has content*. `file-exists` says a path matched;
//! an empty `docs/architecture.md`, a flow matrix with only its header row, or a file that
//! matched the glob by accident (`docs/influxdb-notes.md` for `*flux*`) is not the deliverable
//! a reviewer asked for, and a rule that passes on it passes on nothing.
//!
//! What "content" means depends on the kind of text, read from the extension:
//! - Markdown and AsciiDoc: at least one heading and one line of text that is not a heading, a
//!   comment or a template placeholder (`TODO`, `<...>`, `À compléter`);
//! - CSV: a row after the header;
//! - draw.io, SVG and other XML: more than an empty root (`<mxfile><diagram/></mxfile>` is an
//!   empty diagram);
//! - anything else (YAML, JSON, PlantUML, plain text): one substantive line.
//!
//! `contains_any` narrows further (an OpenAPI description says `openapi:` or `swagger:`).
//! Binary formats (PDF, spreadsheets, images) cannot be read: found, they count as without
//! content, with a message asking for a text version beside them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::filled::is_placeholder;
use super::{CheckKind, wrong_kind};
use crate::evidence::{Document, Evidence, Location, Missing};
use crate::model::{Item, Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str = "Project documents matching globs, and how many have content (headings and text, a data row), not just a name.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "found",
        description: "documents matching the patterns",
    },
    MetricDoc {
        name: "with_content",
        description: "documents with content: a heading and text for Markdown/AsciiDoc, a data row for CSV, a substantive line otherwise (and one of `contains_any`)",
    },
    MetricDoc {
        name: "empty",
        description: "documents found without content",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("with_content", ">= 1")];

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentCheck {
    /// Globs relative to the project root (`docs/architecture*.md`, `DAT.md`); text formats only.
    pub paths: Vec<String>,
    /// A document has content only if it also contains one of these snippets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contains_any: Vec<String>,
}

/// Why a document has no content, or `None` when it has.
fn emptiness(doc: &Document, contains_any: &[String]) -> Option<String> {
    if doc.binary {
        return Some(
            "no content gonogo can read: it is not text (a PDF, a spreadsheet, an image); keep a text version beside it (Markdown, CSV)"
                .into(),
        );
    }
    let ext = doc
        .path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let mut headings = 0usize;
    let mut text = 0usize;
    let mut rows = 0usize;
    let mut in_comment = false;
    let mut in_fence = false;
    for line in doc.text.lines() {
        let t = line.trim();
        if in_comment {
            in_comment = !t.contains("-->");
            continue;
        }
        if t.starts_with("<!--") {
            in_comment = !t.contains("-->");
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if t.is_empty() {
            continue;
        }
        let heading = match ext.as_str() {
            "md" | "markdown" => !in_fence && t.starts_with('#'),
            "adoc" | "asciidoc" => t.starts_with('='),
            _ => false,
        };
        if heading {
            headings += 1;
            continue;
        }
        let body = t.trim_start_matches(['-', '*', '>', '|', ' ', '#']);
        if body.trim_matches(['|', '-', ':', ' ', ',', ';']).is_empty() || is_placeholder(body) {
            continue;
        }
        rows += 1;
        text += 1;
    }
    let xml = matches!(ext.as_str(), "drawio" | "xml" | "svg" | "html");
    let elements = doc.text.matches('<').filter(|_| xml).count();
    let why = match ext.as_str() {
        _ if xml && elements <= 4 => Some("an empty diagram or document"),
        _ if xml => None,
        "md" | "markdown" | "adoc" | "asciidoc" if headings == 0 => Some("no heading"),
        "md" | "markdown" | "adoc" | "asciidoc" if text == 0 => Some("headings but no text"),
        "csv" | "tsv" if rows < 2 => Some("no row after the header"),
        _ if text == 0 => Some("no content"),
        _ => None,
    };
    if let Some(why) = why {
        return Some(why.to_string());
    }
    if !contains_any.is_empty() && !contains_any.iter().any(|s| doc.text.contains(s.as_str())) {
        return Some(format!("none of {} in it", contains_any.join(", ")));
    }
    None
}

impl CheckKind for DocumentCheck {
    fn need(&self) -> Need {
        Need::Documents(self.paths.clone())
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let Evidence::Documents(docs) = evidence else {
            return Err(wrong_kind(&self.need(), evidence, "project documents"));
        };
        let mut m = Measurement::default();
        let (mut found, mut with_content, mut empty) = (0u64, 0u64, 0u64);
        for doc in docs {
            if waive(&doc.path) {
                m.waived_items += 1;
                continue;
            }
            found += 1;
            let location = Some(Location {
                path: doc.path.clone(),
                line: None,
            });
            match emptiness(doc, &self.contains_any) {
                None => {
                    with_content += 1;
                    m.items.push(Item {
                        key: doc.path.clone(),
                        text: format!("{} has content", doc.path),
                        location,
                    });
                }
                Some(why) => {
                    empty += 1;
                    m.items.push(Item {
                        key: doc.path.clone(),
                        text: format!("{} is there but has {why}", doc.path),
                        location,
                    });
                }
            }
        }
        m.set("found", found);
        m.set("with_content", with_content);
        m.set("empty", empty);
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(files: &[(&str, &str)]) -> Evidence {
        Evidence::Documents(
            files
                .iter()
                .map(|(p, t)| Document {
                    path: p.to_string(),
                    text: t.to_string(),
                    binary: false,
                })
                .collect(),
        )
    }

    fn measure(files: &[(&str, &str)], contains_any: &[&str]) -> Measurement {
        let c = DocumentCheck {
            paths: vec!["docs/*".into()],
            contains_any: contains_any.iter().map(|s| s.to_string()).collect(),
        };
        c.measure(&docs(files), &mut |_| false).unwrap()
    }

    #[test]
    fn presence_is_not_content() {
        let table = [
            ("docs/architecture.md", "", 0.0),
            (
                "docs/architecture.md",
                "# Architecture\n\nTODO\n<!-- fill -->\n",
                0.0,
            ),
            ("docs/architecture.md", "Just text, no heading.\n", 0.0),
            (
                "docs/architecture.md",
                "# Architecture\n\nA Spring API behind nginx, PostgreSQL by CloudNativePG.\n",
                1.0,
            ),
            ("docs/DAT.adoc", "= DAT\n\nComposants : API, base.\n", 1.0),
            ("docs/flux.csv", "source;destination;port\n", 0.0),
            (
                "docs/flux.csv",
                "source;destination;port\napi;db;5432\n",
                1.0,
            ),
            ("docs/diagram.drawio", "<mxfile><diagram/></mxfile>\n", 0.0),
            (
                "docs/diagram.drawio",
                "<mxfile><diagram><mxGraphModel><root><mxCell id=\"0\"/><mxCell id=\"1\" value=\"API\"/></root></mxGraphModel></diagram></mxfile>",
                1.0,
            ),
            ("docs/notes.txt", "   \n\n", 0.0),
        ];
        let binary = Document {
            path: "docs/matrice-des-flux.xlsx".into(),
            text: String::new(),
            binary: true,
        };
        let c = DocumentCheck {
            paths: vec!["docs/*".into()],
            contains_any: vec![],
        };
        let m = c
            .measure(&Evidence::Documents(vec![binary]), &mut |_| false)
            .unwrap();
        assert_eq!(m.metrics["found"], 1.0.into());
        assert_eq!(m.metrics["with_content"], 0.0.into());
        assert!(m.items[0].text.contains("not text"), "{:?}", m.items);
        for (path, text, want) in table {
            let m = measure(&[(path, text)], &[]);
            assert_eq!(
                m.metrics["with_content"],
                want.into(),
                "{path}: {text:?} {:?}",
                m.items
            );
        }
    }

    #[test]
    fn contains_any_narrows_and_items_say_why() {
        let m = measure(
            &[
                ("openapi.yaml", "openapi: 3.0.3\npaths: {}\n"),
                ("docs/other.yaml", "a: 1\n"),
            ],
            &["openapi:", "swagger:"],
        );
        assert_eq!(m.metrics["found"], 2.0.into());
        assert_eq!(m.metrics["with_content"], 1.0.into());
        assert_eq!(m.metrics["empty"], 1.0.into());
        assert!(
            m.items[1].text.contains("none of openapi:, swagger:"),
            "{:?}",
            m.items
        );
        let c = DocumentCheck {
            paths: vec!["x".into()],
            contains_any: vec![],
        };
        let e = c
            .measure(&Evidence::Files(vec![]), &mut |_| false)
            .unwrap_err();
        assert_eq!(e.reason, crate::evidence::MissingReason::WrongKind);
    }
}
