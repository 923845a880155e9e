//! Evaluation: a pure function of (plan, evidence, waivers, today) to a [`Verdict`].
//!
//! No IO, no clock, no printing: everything it needs is an argument, so the same inputs always
//! give the same verdict, and tests can pin any date. Missing evidence is never a pass: it
//! becomes `inconclusive` with its reason, and the rule's `on_missing` policy decides what that
//! does to the decision.

pub mod baseline;
pub mod patch;
mod verdict;
pub mod waivers;

pub use waivers::{WaiverState, WaiverStatus};

use jiff::civil::Date;

pub use verdict::{
    Counts, CriterionResult, Decision, Exit, NextPreview, Outcome, RuleResult,
    VERDICT_SCHEMA_VERSION, Verdict,
};

use crate::evidence::{Missing, MissingReason};
use crate::model::Measurement;
use crate::model::baseline::KeySet;
use crate::model::waiver::EXPIRY_WARNING_DAYS;
use crate::model::{EvidenceMap, SourceReport, Waiver};

use crate::model::{Level, OnMissing};
use crate::rules::{Plan, PlannedRule};
pub use baseline::{Baseline, BaselineRecord, BaselineState, Comparison};
pub use patch::{PatchInput, PatchRecord, PatchState};

/// How many items (failed tests, findings, missing fields) a rule result keeps.
pub const MAX_RESULT_ITEMS: usize = 100;

pub fn evaluate(plan: &Plan, evidence: &EvidenceMap, waivers: &[Waiver], today: Date) -> Verdict {
    evaluate_against(plan, evidence, waivers, today, &BaselineState::None)
}

/// [`evaluate`], with each rule also compared with `baseline` (see [`baseline`]).
pub fn evaluate_against(
    plan: &Plan,
    evidence: &EvidenceMap,
    waivers: &[Waiver],
    today: Date,
    baseline: &BaselineState,
) -> Verdict {
    evaluate_change(plan, evidence, waivers, today, baseline, &PatchState::None)
}

/// [`evaluate_against`], with coverage also measured on the lines `patch` changed (see
/// [`patch`]).
pub fn evaluate_change(
    plan: &Plan,
    evidence: &EvidenceMap,
    waivers: &[Waiver],
    today: Date,
    baseline: &BaselineState,
    patch: &PatchState,
) -> Verdict {
    let mut uses: Vec<u64> = vec![0; waivers.len()];
    for rule_id in &plan.waivers_used_by_overrides {
        if let Some(i) = waivers
            .iter()
            .position(|w| &w.rule == rule_id && w.pattern.is_none() && !w.is_expired(today))
        {
            uses[i] += 1;
        }
    }
    let mut results = Vec::with_capacity(plan.rules.len());
    for planned in &plan.rules {
        results.push(evaluate_rule(
            planned, evidence, waivers, today, &mut uses, baseline, patch,
        ));
    }
    results.sort_by(|a, b| a.id.cmp(&b.id));

    let statuses: Vec<WaiverStatus> = waivers
        .iter()
        .zip(uses)
        .map(|(w, n)| {
            let days_left = w.days_left(today);
            let state = if w.is_expired(today) {
                WaiverState::Expired
            } else if n > 0 {
                WaiverState::Applied
            } else {
                WaiverState::Unused
            };
            WaiverStatus {
                waiver: w.clone(),
                state,
                uses: n,
                days_left,
                expiring_soon: state != WaiverState::Expired && days_left <= EXPIRY_WARNING_DAYS,
            }
        })
        .collect();

    let mut notices: Vec<String> = plan.loosened.clone();
    for s in &statuses {
        let w = &s.waiver;
        let what = match &w.pattern {
            Some(p) => format!("{} (match `{p}`)", w.rule),
            None => w.rule.clone(),
        };
        match s.state {
            WaiverState::Expired => notices.push(format!(
                "waiver for {what} expired on {} and no longer applies ({})",
                w.expires, w.origin
            )),
            WaiverState::Unused => notices.push(format!(
                "waiver for {what} matched nothing at this stage; remove it if it is obsolete ({})",
                w.origin
            )),
            WaiverState::Applied => {}
        }
        if s.expiring_soon {
            notices.push(format!(
                "waiver for {what} expires on {} ({} day{} left)",
                w.expires,
                s.days_left,
                if s.days_left == 1 { "" } else { "s" }
            ));
        }
    }

    let counts = Counts::of(&results);
    let decision = Decision::of(&results);
    if results.is_empty() {
        notices.push(format!(
            "no rule applies at stage {} {} of pack {}: nothing was judged, so nothing can be GO",
            plan.stage.number, plan.stage.id, plan.pack
        ));
    }
    Verdict {
        schema_version: VERDICT_SCHEMA_VERSION,
        tool: format!("gonogo {}", env!("CARGO_PKG_VERSION")),
        project: None,
        pack: plan.pack.clone(),
        stage: plan.stage.clone(),
        environment: plan.environment,
        stages: Vec::new(),
        evaluated_on: today,
        offline: results.iter().any(|r| r.outcome == Outcome::Offline),
        evaluated_at: None,
        decision,
        counts,
        results,
        waivers: statuses,
        sources: Vec::new(),
        notices,
        overrides: plan.overrides.clone(),
        baseline: baseline.record(),
        patch: patch.record(),
        next: None,
    }
}

/// The next stage, previewed: its rules that are not met today and are new or judged
/// differently than in `current` (a rule the next stage raises, a rule it introduces). It never
/// changes the current decision.
pub fn preview(
    current: &Verdict,
    plan: &Plan,
    evidence: &EvidenceMap,
    waivers: &[Waiver],
    today: Date,
) -> NextPreview {
    let next = evaluate(plan, evidence, waivers, today);
    let rules = u32::try_from(next.results.len()).unwrap_or(u32::MAX);
    let met = u32::try_from(
        next.results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Pass | Outcome::Info | Outcome::Waived))
            .count(),
    )
    .unwrap_or(u32::MAX);
    let blockers = next
        .results
        .into_iter()
        .filter(|r| !matches!(r.outcome, Outcome::Pass | Outcome::Info))
        .filter(|r| {
            current
                .results
                .iter()
                .find(|c| c.id == r.id)
                .is_none_or(|c| c.outcome != r.outcome || c.level != r.level)
        })
        .collect();
    NextPreview {
        stage: plan.stage.clone(),
        decision: next.decision,
        blockers,
        rules,
        met,
    }
}

impl Verdict {
    /// Keeps, of what fetch read, the record of the needs of `plan` (a preview may have read
    /// more), so the archived verdict lists exactly the evidence behind its decision.
    pub fn record_sources(&mut self, sources: &[SourceReport], plan: &Plan) {
        let needs = plan.needs();
        self.sources = sources
            .iter()
            .filter(|s| needs.contains(&s.need))
            .cloned()
            .collect();
    }
}

fn evaluate_rule(
    planned: &PlannedRule,
    evidence: &EvidenceMap,
    waivers: &[Waiver],
    today: Date,
    uses: &mut [u64],
    baseline: &BaselineState,
    patch: &PatchState,
) -> RuleResult {
    let rule = &planned.rule.rule;
    let need = planned.need();
    let mut result = RuleResult::new(planned, &need);

    let active: Vec<usize> = waivers
        .iter()
        .enumerate()
        .filter(|(_, w)| w.rule == rule.id && !w.is_expired(today))
        .map(|(i, _)| i)
        .collect();

    let measured = match evidence.get(&need) {
        _ if planned.rule.not_configured.is_some() => Err(Missing::new(
            MissingReason::NotConfigured,
            planned.rule.not_configured.clone().unwrap_or_default(),
        )),
        None => Err(Missing::new(
            MissingReason::NotFound,
            format!("{need} was not fetched"),
        )),
        Some(Err(missing)) => Err(missing.clone()),
        Some(Ok(ev)) => {
            let mut waive = |key: &str| {
                for &i in &active {
                    if waivers[i].matches(key) {
                        uses[i] += 1;
                        if result.waived_keys.len() < MAX_RESULT_ITEMS {
                            result.waived_keys.push(key.to_string());
                        }
                        return true;
                    }
                }
                false
            };
            match (&rule.check, patch.input()) {
                (crate::checks::Check::Coverage(c), Some(input)) => {
                    c.measure_with(ev, &mut waive, Some(input))
                }
                _ => rule.check.measure(ev, &mut waive),
            }
        }
    };

    let outcome = match measured {
        Err(missing) if missing.reason == MissingReason::Offline => {
            result.message = missing.detail;
            Outcome::Offline
        }
        Err(missing) => missing_outcome(planned, &mut result, missing),
        Ok(mut m) => {
            result.metrics = m.metrics.clone();
            result.keys = KeySet::of(baseline::classified(&m));
            let wanted: Vec<&str> = planned
                .expect
                .iter()
                .chain(&planned.prefer)
                .map(|c| c.metric.as_str())
                .collect();
            let compared = patch::require(&m, &wanted, patch).and_then(|()| {
                baseline::compare(&mut m, &rule.id, rule.check.family(), &wanted, baseline)
            });
            match compared {
                Ok(comparison) => {
                    result.comparison = comparison;
                    result.metrics = m.metrics.clone();
                    judge(planned, &mut result, m)
                }
                Err(missing) if missing.reason == MissingReason::Offline => {
                    result.message = missing.detail;
                    Outcome::Offline
                }
                Err(missing) => missing_outcome(planned, &mut result, missing),
            }
        }
    };
    result.outcome = outcome;

    if matches!(
        result.outcome,
        Outcome::Fail | Outcome::Warn | Outcome::Inconclusive { .. }
    ) && let Some(&i) = active.iter().find(|&&i| waivers[i].pattern.is_none())
    {
        uses[i] += 1;
        let w = &waivers[i];
        result.waived_outcome = Some(Box::new(result.outcome.clone()));
        result.outcome = Outcome::Waived;
        result.message = format!(
            "waived until {}: {}{}",
            w.expires,
            w.reason,
            w.ticket
                .as_ref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default()
        );
    }
    result
}

fn missing_outcome(planned: &PlannedRule, result: &mut RuleResult, missing: Missing) -> Outcome {
    result.message = missing.to_string();
    result.missing = Some(missing.reason);
    match planned.on_missing {
        OnMissing::Fail => violation(planned.level),
        OnMissing::Block => Outcome::Inconclusive {
            reason: missing.reason,
            blocking: planned.level == Level::Fail,
        },
        OnMissing::Warn => Outcome::Inconclusive {
            reason: missing.reason,
            blocking: false,
        },
    }
}

fn violation(level: Level) -> Outcome {
    match level {
        Level::Fail => Outcome::Fail,
        Level::Warn => Outcome::Warn,
        Level::Info => Outcome::Info,
    }
}

fn judge(planned: &PlannedRule, result: &mut RuleResult, m: Measurement) -> Outcome {
    let mut failed = Vec::new();
    let mut unmet_prefs = Vec::new();
    let mut unknown = Vec::new();
    for (criterion, preferred) in planned
        .expect
        .iter()
        .map(|c| (c, false))
        .chain(planned.prefer.iter().map(|c| (c, true)))
    {
        let measured = m.metrics.get(&criterion.metric).cloned();
        let ok = measured.as_ref().and_then(|v| criterion.check(v));
        match (ok, &measured) {
            (Some(false), _) if preferred => unmet_prefs.push(criterion.to_string()),
            (Some(false), _) => failed.push(criterion.to_string()),
            (None, None) => unknown.push(format!(
                "{}: {}",
                criterion.metric,
                m.unavailable
                    .get(&criterion.metric)
                    .map_or("not measured", String::as_str)
            )),
            (None, Some(v)) => {
                unknown.push(format!("{}: `{v}` cannot be compared", criterion.metric))
            }
            (Some(true), _) => {}
        }
        result.criteria.push(CriterionResult {
            criterion: criterion.to_string(),
            metric: criterion.metric.clone(),
            measured,
            ok,
            preferred,
        });
    }
    result.items_total = m.items.len() as u64;
    result.items = m.items.into_iter().take(MAX_RESULT_ITEMS).collect();
    result.waived_items = m.waived_items;
    result.notes = m.notes;

    if !failed.is_empty() {
        result.message = format!("not met: {}", failed.join(", "));
        violation(planned.level)
    } else if !unknown.is_empty() {
        let missing = Missing::new(
            MissingReason::Empty,
            format!("cannot judge {}", unknown.join("; ")),
        );
        missing_outcome(planned, result, missing)
    } else if !unmet_prefs.is_empty() {
        result.message = format!("met, but short of the target: {}", unmet_prefs.join(", "));
        match planned.level {
            Level::Info => Outcome::Info,
            _ => Outcome::Warn,
        }
    } else {
        result.message = "met".into();
        Outcome::Pass
    }
}

#[cfg(test)]
mod cases;
#[cfg(test)]
mod tests;
