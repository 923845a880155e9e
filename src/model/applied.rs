//! What changed the rules of this run away from the pack as shipped: a later stage or `prod`
//! asked on the command line, a variable set by the project, a rule overridden by a project's
//! file. Every one is recorded in the verdict, so a GO can be read with what it was judged
//! against; a loosening also names the waiver that allowed it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AppliedOverride {
    /// What changed: `stage`, `environment`, `var min_line_coverage`, `rule CPN-S3-04`.
    pub what: String,
    /// The change, in words: `3 sandbox → 4 production`, `` `line_percent >= 80` → `>= 70` ``.
    pub change: String,
    /// Where it came from: `--stage/GONOGO_STAGE`, `gonogo.yaml:14`, `rules/mine.yaml:3`.
    pub origin: String,
    /// For a loosening: the waiver that allowed it (`until 2027-01-31: reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<String>,
}

impl std::fmt::Display for AppliedOverride {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({})", self.what, self.change, self.origin)?;
        if let Some(w) = &self.waiver {
            write!(f, ", loosened under waiver {w}")?;
        }
        Ok(())
    }
}
