//! `file-exists`: project files that must be there (plan, architecture, Dockerfile, Helm chart).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CheckKind, wrong_kind};
use crate::evidence::{Evidence, Location, Missing};
use crate::model::{Item, Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str = "Project files matching any of the given globs.";

pub const METRICS: &[MetricDoc] = &[MetricDoc {
    name: "found",
    description: "files matching any of the patterns",
}];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("found", ">= 1")];

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileExistsCheck {
    /// Globs relative to the project root (`**/Dockerfile`, `charts/*/Chart.yaml`); any match counts.
    pub paths: Vec<String>,
}

impl CheckKind for FileExistsCheck {
    fn need(&self) -> Need {
        Need::Files(self.paths.clone())
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let Evidence::Files(found) = evidence else {
            return Err(wrong_kind(&self.need(), evidence, "a file list"));
        };
        let mut m = Measurement::default();
        let mut count = 0u64;
        for path in found {
            if waive(path) {
                m.waived_items += 1;
                continue;
            }
            count += 1;
            m.items.push(Item {
                key: path.clone(),
                text: format!("found {path}"),
                location: Some(Location {
                    path: path.clone(),
                    line: None,
                }),
            });
        }
        m.set("found", count);
        Ok(m)
    }
}
