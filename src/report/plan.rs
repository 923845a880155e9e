//! The plan, for `gonogo explain`: which rules apply at a stage, at what level, on what evidence,
//! read from where. Pure, like every reporter; where evidence is read from is passed in.

use std::fmt::Write as _;

use crate::model::{Need, OnMissing};
use crate::rules::Plan;

/// The plan as JSON; `reads` says where a need would be read from.
pub fn json(plan: &Plan, reads: &dyn Fn(&Need) -> String) -> String {
    let rules: Vec<serde_json::Value> = plan
        .rules
        .iter()
        .map(|p| {
            serde_json::json!({
                "id": p.rule.rule.id,
                "title": p.rule.rule.title,
                "level": p.level,
                "on_missing": p.on_missing,
                "check": p.rule.rule.check.kind_id(),
                "expect": p.expect.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "prefer": p.prefer.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "evidence": p.need().to_string(),
                "reads": reads(&p.need()),
                "reference": p.rule.rule.reference,
                "own_threshold": p.rule.rule.own_threshold,
                "level_reason": p.rule.rule.level_reason,
                "sources_disagree": p.rule.rule.sources_disagree,
                "not_configured": p.rule.not_configured,
                "since": p.rule.since,
            })
        })
        .collect();
    let out = serde_json::json!({
        "pack": plan.pack,
        "stage": plan.stage,
        "environment": plan.environment,
        "rules": rules,
        "notices": plan.loosened,
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&out).unwrap_or_default()
    )
}

/// The plan for people; `reads` says where a need would be read from.
pub fn human(plan: &Plan, reads: &dyn Fn(&Need) -> String) -> String {
    let mut out = format!(
        "Stage {} {} of {} ({}), {} rules:\n",
        plan.stage.number,
        plan.stage.id,
        plan.pack,
        plan.environment.as_str(),
        plan.rules.len()
    );
    if !plan.stage.gate.is_empty() {
        let _ = writeln!(out, "Gate: {}", plan.stage.gate);
    }
    for p in &plan.rules {
        let r = &p.rule.rule;
        let criteria: Vec<String> = p.expect.iter().map(ToString::to_string).collect();
        let _ = write!(
            out,
            "\n{}  {}  [{}{}]\n    check {}: {}{}\n    evidence: {} ← {}\n    source: {}\n",
            r.id,
            r.title,
            p.level.as_str(),
            if p.on_missing == OnMissing::Block {
                String::new()
            } else {
                format!(", missing → {}", p.on_missing.as_str())
            },
            r.check.kind_id(),
            criteria.join(", "),
            if r.own_threshold {
                " (gonogo's own threshold)"
            } else {
                ""
            },
            p.need(),
            reads(&p.need()),
            r.reference
        );
        if let Some(nc) = &p.rule.not_configured {
            let _ = writeln!(out, "    not configured: {nc}");
        }
        if !p.prefer.is_empty() {
            let prefs: Vec<String> = p.prefer.iter().map(ToString::to_string).collect();
            let _ = writeln!(out, "    preferred: {}", prefs.join(", "));
        }
    }
    for n in &plan.loosened {
        let _ = write!(out, "\nnotice: {n}\n");
    }
    out
}
