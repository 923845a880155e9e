//! The plan: which rules apply at the declared stage and environment, at what level, with the
//! project's overrides applied, and what evidence they need.
//!
//! Overrides may tighten freely. Loosening a rule that would fail at this stage (lower level,
//! weaker threshold, evidence made optional, rule disabled) is refused unless a current waiver
//! for that rule says why; the plan records every loosening so the verdict shows it.

use std::collections::BTreeMap;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::load::CompiledPack;
use super::{CompiledRule, EnvType, Level, LevelSpec, OnMissing, Stage};
use crate::model::Criterion;
use crate::model::Need;
use crate::model::Waiver;

/// A project's change to a pack rule, from a user rule file's `overrides:`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The rule id to change.
    pub rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<LevelSpec>,
    /// Criteria replacing the rule's criteria of the same metric.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub expect: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prefer: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_missing: Option<OnMissing>,
    /// Turns the rule off (a loosening: needs a waiver when the rule would fail).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable: bool,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: String,
}

/// A rule as it will be evaluated.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedRule {
    pub rule: CompiledRule,
    pub level: Level,
    pub on_missing: OnMissing,
    pub expect: Vec<Criterion>,
    pub prefer: Vec<Criterion>,
    /// `file:line` of the overrides that changed it.
    pub overridden_by: Vec<String>,
}

impl PlannedRule {
    pub fn need(&self) -> Need {
        self.rule.rule.check.need()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub pack: String,
    pub pack_title: String,
    pub stage: Stage,
    pub environment: EnvType,
    pub rules: Vec<PlannedRule>,
    /// Loosenings accepted because a waiver covers them, as sentences for the verdict.
    pub loosened: Vec<String>,
    /// Rule ids whose loosening consumed a rule-wide waiver.
    #[serde(skip)]
    pub waivers_used_by_overrides: Vec<String>,
}

impl Plan {
    /// How fetch judges the samples of sampled requests: by the plan's own checks.
    pub fn sample_judge(&self) -> std::sync::Arc<crate::model::SampleJudge> {
        crate::checks::sample_judge(self.rules.iter().map(|r| &r.rule.rule.check))
    }

    /// Every distinct piece of evidence the plan needs, in a stable order.
    pub fn needs(&self) -> Vec<Need> {
        let mut needs: Vec<Need> = self.rules.iter().map(PlannedRule::need).collect();
        needs.sort();
        needs.dedup();
        needs
    }
}

/// A loosening refused for lack of a waiver.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub origin: String,
    pub message: String,
}

/// Selects the rules of `stage`, applies overrides, and checks loosenings against waivers.
pub fn build_plan(
    pack: &CompiledPack,
    stage: &Stage,
    env: EnvType,
    waivers: &[Waiver],
    today: Date,
) -> Result<Plan, Vec<Refused>> {
    let mut refused = Vec::new();
    let mut plan = Plan {
        pack: pack.pack.name.clone(),
        pack_title: pack.pack.title.clone(),
        stage: stage.clone(),
        environment: env,
        rules: Vec::new(),
        loosened: Vec::new(),
        waivers_used_by_overrides: Vec::new(),
    };
    for compiled in &pack.rules {
        if compiled.since > stage.number {
            continue;
        }
        let base = PlannedRule {
            rule: compiled.clone(),
            level: compiled.level_at(stage.number, env),
            on_missing: compiled.rule.on_missing,
            expect: compiled.expect.clone(),
            prefer: compiled.prefer.clone(),
            overridden_by: Vec::new(),
        };
        let mut planned = base.clone();
        let mut disabled = false;
        for ov in pack.overrides.iter().filter(|o| o.rule == compiled.rule.id) {
            planned.overridden_by.push(ov.origin.clone());
            if let Some(level) = ov.level {
                planned.level = level.resolve(env);
            }
            if let Some(om) = ov.on_missing {
                planned.on_missing = om;
            }
            for (metric, expr) in &ov.expect {
                if let Ok(c) = Criterion::parse(metric, expr) {
                    planned.expect.retain(|e| e.metric != *metric);
                    planned.expect.push(c);
                }
            }
            for (metric, expr) in &ov.prefer {
                if let Ok(c) = Criterion::parse(metric, expr) {
                    planned.prefer.retain(|e| e.metric != *metric);
                    planned.prefer.push(c);
                }
            }
            disabled |= ov.disable;
        }
        let loosenings = loosenings(&base, &planned, disabled);
        if !loosenings.is_empty() && base.level == Level::Fail {
            let waiver = waivers.iter().find(|w| {
                w.rule == compiled.rule.id && w.pattern.is_none() && !w.is_expired(today)
            });
            match waiver {
                Some(w) => {
                    plan.waivers_used_by_overrides.push(w.rule.clone());
                    plan.loosened.push(format!(
                        "{} loosened ({}) by {}, under waiver until {}: {}",
                        compiled.rule.id,
                        loosenings.join("; "),
                        planned.overridden_by.join(", "),
                        w.expires,
                        w.reason
                    ));
                }
                None => refused.push(Refused {
                    origin: planned.overridden_by.join(", "),
                    message: format!(
                        "override loosens fail rule {} at stage {} ({}); add a waiver for {} with a reason and an expiry date, or tighten instead",
                        compiled.rule.id,
                        stage.id,
                        loosenings.join("; "),
                        compiled.rule.id
                    ),
                }),
            }
        }
        if !disabled {
            planned.expect.sort_by(|a, b| a.metric.cmp(&b.metric));
            planned.prefer.sort_by(|a, b| a.metric.cmp(&b.metric));
            plan.rules.push(planned);
        }
    }
    plan.rules
        .sort_by(|a, b| a.rule.rule.id.cmp(&b.rule.rule.id));
    if refused.is_empty() {
        Ok(plan)
    } else {
        Err(refused)
    }
}

fn loosenings(base: &PlannedRule, new: &PlannedRule, disabled: bool) -> Vec<String> {
    let mut out = Vec::new();
    if disabled {
        out.push("disabled".into());
    }
    if new.level < base.level {
        out.push(format!(
            "level {} → {}",
            base.level.as_str(),
            new.level.as_str()
        ));
    }
    if new.on_missing < base.on_missing {
        out.push(format!(
            "on_missing {} → {}",
            base.on_missing.as_str(),
            new.on_missing.as_str()
        ));
    }
    for old in &base.expect {
        match new.expect.iter().find(|c| c.metric == old.metric) {
            Some(c) if c.is_looser_than(old) => out.push(format!("`{old}` → `{c}`")),
            Some(_) => {}
            None => out.push(format!("`{old}` removed")),
        }
    }
    out
}
