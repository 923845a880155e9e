//! Levels, environments, stages and the missing-evidence policy: the words a rule pack, a
//! configuration and a verdict all use.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The name of the pack gonogo uses when the configuration names none.
pub const DEFAULT_PACK: &str = "cloud-pi-native";

/// How gonogo.yaml names a rule file compiled into the binary (`rules: [builtin:NAME]`).
pub const BUILTIN_PREFIX: &str = "builtin:";

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

    pub(crate) fn min(self) -> Level {
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum StageRef {
    Number(u32),
    Name(String),
}

impl<'de> Deserialize<'de> for StageRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<StageRef, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        match &v {
            serde_json::Value::Number(n) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(StageRef::Number)
                .ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "`{n}` is not a stage: write its number (3) or its id (sandbox)"
                    ))
                }),
            serde_json::Value::String(s) if !s.trim().is_empty() => {
                Ok(StageRef::Name(s.trim().to_string()))
            }
            other => Err(serde::de::Error::custom(format!(
                "`{other}` is not a stage: write its number (3) or its id (sandbox)"
            ))),
        }
    }
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
