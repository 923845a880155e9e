//! What "filled" means for the declarative deliverables of the early stages (answers file,
//! project plan): not null, not an empty string or list, and not a template placeholder left as
//! is (`TODO`, `TBD`, `...`, `<...>`, `À compléter`). Shared by `yaml-fields` and
//! `markdown-sections`, which also share their metrics.

use super::wrong_kind;
use crate::evidence::{Document, Evidence, Missing};
use crate::model::{MetricDoc, Need};

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

pub(super) const PLACEHOLDERS: &[&str] = &[
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

pub(super) fn is_placeholder(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    t.is_empty()
        || PLACEHOLDERS.contains(&t.as_str())
        || (t.starts_with('<') && t.ends_with('>'))
        || t.starts_with("<!--")
}

pub(super) fn document<'a>(need: &Need, evidence: &'a Evidence) -> Result<&'a Document, Missing> {
    match evidence {
        Evidence::Document(doc) => Ok(doc),
        other => Err(wrong_kind(need, other, "a document")),
    }
}
