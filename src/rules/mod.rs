//! Rule packs: the model, loading (embedded and user files), and stage selection.
//!
//! A pack declares ordered stages and rules. A rule applies from its `since` stage on
//! (stages are cumulative) and may be raised, never lowered, at later stages (`raise`), so
//! "warn in the sandbox, fail in production" is data, not code. Everything platform-specific is
//! a `${var}` the project's `gonogo.yaml` can set.

pub mod load;
pub mod plan;
pub mod schema;
mod template;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use load::{Catalog, LoadedFile, builtin_file, builtin_names, embedded_files, load_catalog};
pub use plan::{Override, Plan, PlannedRule, build_plan};

use crate::checks::Check;
use crate::model::{Criterion, EnvType, Level, LevelSpec, OnMissing, Stage, StageRef};

/// A rule as written in a pack or user rule file.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable identifier (`CPN-S3-03`); waivers and overrides name it.
    pub id: String,
    pub title: String,
    /// Why the rule exists, in one or two sentences.
    pub why: String,
    /// The requirement or document the rule implements (`EXI-ORG-10 (I)`).
    pub reference: String,
    /// Set when the default threshold is gonogo's own proposal rather than the source's number.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub own_threshold: bool,
    /// Why the level is not the one the source's type gives (a CCT requirement typed P fails at
    /// the gate of the stage that introduces it, one typed I warns), or where the level comes
    /// from when the source has no type (a platform admission policy, the seed's gate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_reason: Option<String>,
    /// Where the sources disagree about this rule (the seed path and the offer documentation),
    /// and which one the pack follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources_disagree: Option<String>,
    /// The first stage the rule applies at; it then applies at every later stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<StageRef>,
    pub level: LevelSpec,
    /// Raised levels from a later stage on: `{production: fail}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub raise: BTreeMap<String, LevelSpec>,
    #[serde(default)]
    pub on_missing: OnMissing,
    pub check: Check,
    /// Criteria that must hold; a violation has the rule's level.
    #[serde(default)]
    pub expect: BTreeMap<String, String>,
    /// Criteria that should hold; a violation is a warning (when `expect` holds).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prefer: BTreeMap<String, String>,
    /// The rule's words in French (`fr: {title: ..., why: ...}`), shown under `--lang fr`;
    /// without it French reports use the English `title` and `why`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fr: Option<RuleText>,
}

/// A rule's title and reason in another language than the pack's English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleText {
    pub title: String,
    pub why: String,
}

/// A rule ready to evaluate: criteria parsed, stage resolved.
#[derive(Debug, Clone, Serialize)]
pub struct CompiledRule {
    pub rule: Rule,
    pub since: u32,
    pub raise: Vec<(u32, LevelSpec)>,
    pub expect: Vec<Criterion>,
    pub prefer: Vec<Criterion>,
    /// The file the rule came from (`embedded:rules/...` or a user path).
    pub origin: String,
    /// The project's variables that made this rule differ from the pack as shipped.
    pub vars_changed: Vec<String>,
    /// Set when the rule uses a required variable nobody set (the platform's Harbor, a quota):
    /// the sentence that says which and how to set it (`set vars.harbor_host in gonogo.yaml
    /// (...)`), the detail of its `not configured` outcome. Such a rule is not fetched and is
    /// inconclusive (`not configured`), never judged on an invented value.
    pub not_configured: Option<String>,
}

impl CompiledRule {
    /// The level at a stage and environment, with stage raises applied.
    pub fn level_at(&self, stage: u32, env: EnvType) -> Level {
        self.raise
            .iter()
            .filter(|(s, _)| *s <= stage)
            .max_by_key(|(s, _)| *s)
            .map_or(self.rule.level, |(_, l)| *l)
            .resolve(env)
    }
}

/// A variable the project must set: what it is, and an example value (used to type the rules
/// that need it and shown in the docs; never used to judge).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredVar {
    pub help: String,
    pub example: serde_json::Value,
}

/// The documented shape of a rule file (for `gonogo schema rules`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleFileSchema {
    /// The pack these rules belong to; a file with `stages` defines it.
    #[serde(default)]
    pub pack: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub stages: Option<Vec<Stage>>,
    #[serde(default)]
    pub vars: BTreeMap<String, serde_json::Value>,
    /// Variables with no default: platform or project values no source documents (the
    /// platform's Harbor host, a quota). A rule that uses one stays inconclusive until the
    /// project sets it.
    #[serde(default)]
    pub required_vars: BTreeMap<String, RequiredVar>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub overrides: Vec<Override>,
}

#[cfg(test)]
mod tests;
