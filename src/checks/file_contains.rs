//! `file-contains`: a project file holds each of the given snippets (a CI file includes the
//! mandatory job, a Dockerfile has a HEALTHCHECK...). Plain substring matching, on purpose:
//! predictable, and no regular expression to get wrong.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CheckKind, wrong_kind};
use crate::evidence::{Evidence, Location, Missing};
use crate::model::{Item, Measurement, MetricDoc, Need, Waive, file_item_key, waive_in_file};

pub const SUMMARY: &str = "A project file contains each of the given snippets.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "missing",
        description: "snippets not found in the file",
    },
    MetricDoc {
        name: "present",
        description: "snippets found",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("missing", "== 0")];

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileContainsCheck {
    /// The file, relative to the project root.
    pub file: String,
    /// Snippets that must each appear somewhere in it.
    pub contains: Vec<String>,
}

impl CheckKind for FileContainsCheck {
    fn need(&self) -> Need {
        Need::Document(self.file.clone())
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let Evidence::Document(doc) = evidence else {
            return Err(wrong_kind(&self.need(), evidence, "a document"));
        };
        let mut m = Measurement::default();
        let (mut missing, mut present) = (0u64, 0u64);
        for snippet in &self.contains {
            if doc.text.contains(snippet.as_str()) {
                present += 1;
            } else if waive_in_file(waive, &doc.path, snippet) {
                m.waived_items += 1;
            } else {
                missing += 1;
                m.items.push(Item {
                    key: file_item_key(&doc.path, snippet),
                    text: format!("`{snippet}` not found in {}", doc.path),
                    location: Some(Location {
                        path: doc.path.clone(),
                        line: None,
                    }),
                });
            }
        }
        m.set("missing", missing);
        m.set("present", present);
        Ok(m)
    }
}
