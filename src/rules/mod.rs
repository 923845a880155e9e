//! Rule packs: the model, loading (embedded and user files), and stage selection.
//!
//! A pack declares ordered stages and rules. A rule applies from its `since` stage on
//! (stages are cumulative) and may be raised, never lowered, at later stages (`raise`), so
//! "warn in the sandbox, fail in production" is data, not code. Everything platform-specific is
//! a `${var}` the project's `gonogo.yaml` can set.

pub mod load;
pub mod plan;

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use load::{Catalog, LoadedFile, embedded_files, load_catalog};
pub use plan::{Override, Plan, PlannedRule, build_plan};

use crate::checks::Check;
use crate::eval::criteria::Criterion;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warn,
    Fail,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Fail => "fail",
        }
    }
}

/// The environment type a project deploys to; policy rules warn in `nonprod` and fail in `prod`,
/// as the platform's admission policies do (AUDIT vs ENFORCE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EnvType {
    #[default]
    Nonprod,
    Prod,
}

impl EnvType {
    pub fn as_str(self) -> &'static str {
        match self {
            EnvType::Nonprod => "nonprod",
            EnvType::Prod => "prod",
        }
    }
}

/// A level, possibly different per environment type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum LevelSpec {
    One(Level),
    ByEnv { nonprod: Level, prod: Level },
}

impl LevelSpec {
    pub fn resolve(self, env: EnvType) -> Level {
        match self {
            LevelSpec::One(l) => l,
            LevelSpec::ByEnv { nonprod, prod } => match env {
                EnvType::Nonprod => nonprod,
                EnvType::Prod => prod,
            },
        }
    }

    fn min(self) -> Level {
        self.resolve(EnvType::Nonprod)
            .min(self.resolve(EnvType::Prod))
    }
}

impl fmt::Display for LevelSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LevelSpec::One(l) => f.write_str(l.as_str()),
            LevelSpec::ByEnv { nonprod, prod } => {
                write!(
                    f,
                    "{} (nonprod), {} (prod)",
                    nonprod.as_str(),
                    prod.as_str()
                )
            }
        }
    }
}

/// What a rule's missing, stale or unreadable evidence means.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum OnMissing {
    /// Reported as a warning, never blocks.
    Warn,
    /// The verdict is INCONCLUSIVE (exit 3) unless something failed: the default.
    #[default]
    Block,
    /// Treated as a failure of the rule.
    Fail,
}

impl OnMissing {
    pub fn as_str(self) -> &'static str {
        match self {
            OnMissing::Warn => "warn",
            OnMissing::Block => "block",
            OnMissing::Fail => "fail",
        }
    }
}

/// A stage of a pack. Stages are ordered by `number`; rules accumulate along them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub number: u32,
    /// Short name, usable instead of the number (`sandbox`).
    pub id: String,
    pub title: String,
    /// What the go/no-go of this stage decides, in one sentence.
    #[serde(default)]
    pub gate: String,
}

/// A stage named by number or by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum StageRef {
    Number(u32),
    Name(String),
}

impl fmt::Display for StageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StageRef::Number(n) => write!(f, "{n}"),
            StageRef::Name(s) => f.write_str(s),
        }
    }
}

impl StageRef {
    /// Resolves against a pack's stages; the error lists them.
    pub fn resolve<'a>(&self, stages: &'a [Stage]) -> Result<&'a Stage, String> {
        let found = match self {
            StageRef::Number(n) => stages.iter().find(|s| s.number == *n),
            StageRef::Name(name) => match name.parse::<u32>() {
                Ok(n) => stages.iter().find(|s| s.number == n),
                Err(_) => stages.iter().find(|s| s.id.eq_ignore_ascii_case(name)),
            },
        };
        found.ok_or_else(|| {
            let known: Vec<String> = stages
                .iter()
                .map(|s| format!("{} ({})", s.number, s.id))
                .collect();
            let hint = match self {
                StageRef::Name(n) => {
                    crate::diag::did_you_mean(n, stages.iter().map(|s| s.id.as_str()))
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default()
                }
                StageRef::Number(_) => String::new(),
            };
            format!(
                "unknown stage `{self}`: this pack has {}{hint}",
                known.join(", ")
            )
        })
    }
}

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
    #[serde(default)]
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub overrides: Vec<Override>,
}
