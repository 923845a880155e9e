//! The plan: which rules apply at the declared stage and environment, at what level, with the
//! project's overrides applied, and what evidence they need.
//!
//! A loosening is judged against the rule *as the pack ships it*, whatever made it: an override
//! in a project's rule file, or a variable the project set (in gonogo.yaml, with `--var`, or in
//! a rule file). Tightening is free. Loosening a rule that would fail at this stage (lower level,
//! weaker threshold, evidence made optional, rule disabled) is refused unless a current waiver
//! for that rule says why; the plan records every change, loosening or not, so the verdict
//! shows what the GO was judged against.
//!
//! Missing evidence for a rule that fails at this stage never passes quietly: its `on_missing`
//! is at least `block` (a rule raised to `fail` by a later stage takes that with it).

use std::collections::BTreeMap;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::load::CompiledPack;
use super::{CompiledRule, EnvType, Level, LevelSpec, OnMissing, Stage};
use crate::model::AppliedOverride;
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
    /// Every change to a rule as shipped: overrides and the project's variables.
    pub overrides: Vec<AppliedOverride>,
}

impl Plan {
    /// How fetch judges the samples of sampled requests: by the plan's own checks.
    pub fn sample_judge(&self) -> std::sync::Arc<crate::model::SampleJudge> {
        crate::checks::sample_judge(self.rules.iter().map(|r| &r.rule.rule.check))
    }

    /// Every distinct piece of evidence the plan needs, in a stable order. A rule waiting for a
    /// required variable needs nothing: it is not fetched with a made-up value.
    pub fn needs(&self) -> Vec<Need> {
        let mut needs: Vec<Need> = self
            .rules
            .iter()
            .filter(|r| r.rule.not_configured.is_none())
            .map(PlannedRule::need)
            .collect();
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

/// The level and missing-evidence policy of a rule at a stage: a rule that fails here blocks
/// when its evidence is missing, whatever its `on_missing` says for earlier stages.
fn planned(compiled: &CompiledRule, stage: u32, env: EnvType) -> PlannedRule {
    let level = compiled.level_at(stage, env);
    let on_missing = if level == Level::Fail {
        compiled.rule.on_missing.max(OnMissing::Block)
    } else {
        compiled.rule.on_missing
    };
    PlannedRule {
        rule: compiled.clone(),
        level,
        on_missing,
        expect: compiled.expect.clone(),
        prefer: compiled.prefer.clone(),
        overridden_by: Vec::new(),
    }
}

/// Selects the rules of `stage`, applies overrides, and checks loosenings against waivers.
/// `var_origins` says where the project set each variable, for the record.
pub fn build_plan(
    pack: &CompiledPack,
    stage: &Stage,
    env: EnvType,
    waivers: &[Waiver],
    today: Date,
    var_origins: &BTreeMap<String, String>,
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
        overrides: Vec::new(),
    };
    for compiled in &pack.rules {
        if compiled.since > stage.number {
            continue;
        }
        let id = &compiled.rule.id;
        let shipped = pack.defaults.get(id).unwrap_or(compiled);
        let base = planned(shipped, stage.number, env);
        let mut planned = planned(compiled, stage.number, env);
        let mut disabled = false;
        let mut origins: Vec<String> = compiled
            .vars_changed
            .iter()
            .map(|v| {
                format!(
                    "var {v} ({})",
                    var_origins.get(v).map_or("gonogo.yaml", String::as_str)
                )
            })
            .collect();
        for ov in pack.overrides.iter().filter(|o| o.rule == *id) {
            planned.overridden_by.push(ov.origin.clone());
            origins.push(ov.origin.clone());
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
        let changes = changes(&base, &planned, disabled);
        let loosenings: Vec<&str> = changes
            .iter()
            .filter(|(_, loose)| *loose)
            .map(|(c, _)| c.as_str())
            .collect();
        let mut waiver_note = None;
        if !loosenings.is_empty() && base.level == Level::Fail {
            let waiver = waivers
                .iter()
                .find(|w| w.rule == *id && w.pattern.is_none() && !w.is_expired(today));
            match waiver {
                Some(w) => {
                    plan.waivers_used_by_overrides.push(w.rule.clone());
                    plan.loosened.push(format!(
                        "{id} loosened ({}) by {}, under waiver until {}: {}",
                        loosenings.join("; "),
                        origins.join(", "),
                        w.expires,
                        w.reason
                    ));
                    waiver_note = Some(format!("until {}: {}", w.expires, w.reason));
                }
                None => refused.push(Refused {
                    origin: origins.join(", "),
                    message: format!(
                        "{} loosens fail rule {id} at stage {} ({}); add a waiver for {id} with a reason and an expiry date, or tighten instead",
                        if compiled.vars_changed.is_empty() {
                            "override"
                        } else {
                            "the project's variables"
                        },
                        stage.id,
                        loosenings.join("; "),
                    ),
                }),
            }
        }
        if !changes.is_empty() {
            plan.overrides.push(AppliedOverride {
                what: format!("rule {id}"),
                change: changes
                    .iter()
                    .map(|(c, _)| c.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                origin: origins.join(", "),
                waiver: waiver_note.filter(|_| !loosenings.is_empty()),
            });
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

/// Every difference between the rule as shipped and as planned, each marked `true` when it
/// accepts something the shipped rule rejected.
fn changes(base: &PlannedRule, new: &PlannedRule, disabled: bool) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    if disabled {
        out.push(("disabled".into(), true));
    }
    if new.level != base.level {
        out.push((
            format!("level {} → {}", base.level.as_str(), new.level.as_str()),
            new.level < base.level,
        ));
    }
    if new.on_missing != base.on_missing {
        out.push((
            format!(
                "on_missing {} → {}",
                base.on_missing.as_str(),
                new.on_missing.as_str()
            ),
            new.on_missing < base.on_missing,
        ));
    }
    for old in &base.expect {
        match new.expect.iter().find(|c| c.metric == old.metric) {
            Some(c) if c == old => {}
            Some(c) => out.push((format!("`{old}` → `{c}`"), c.is_looser_than(old))),
            None => out.push((format!("`{old}` removed"), true)),
        }
    }
    for c in &new.expect {
        if !base.expect.iter().any(|o| o.metric == c.metric) {
            out.push((format!("`{c}` added"), false));
        }
    }
    for old in &base.prefer {
        match new.prefer.iter().find(|c| c.metric == old.metric) {
            Some(c) if c == old => {}
            Some(c) => out.push((format!("preferred `{old}` → `{c}`"), false)),
            None => out.push((format!("preferred `{old}` removed"), false)),
        }
    }
    out
}
