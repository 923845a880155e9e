//! What changed since the baseline, as the human, Markdown and HTML reports show it: which
//! baseline was used (or why none could be), each rule's deltas with a mark for up or down and
//! a word for better or worse, and its new items before the ones the baseline already had.
//!
//! Up is not always better: a coverage drop and a rise in critical CVEs are both worse. The
//! direction comes from the rule's own criteria on the metric (`>=`/`>`: more is better,
//! `<=`/`<`: less is better), the same judgement the verdict made; a metric no ordering criterion
//! names gets its mark and no verdict on it, rather than a guess.

use crate::eval::{BaselineRecord, RuleResult, Verdict};
use crate::evidence::format_number;
use crate::i18n::Lang;
use crate::model::Item;
use crate::t;

/// One delta of a rule: `<metric>` moved by `delta` since the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Delta {
    /// The metric (without `_delta`).
    pub metric: String,
    pub delta: f64,
    /// Whether the move is an improvement; `None` when no criterion orders the metric.
    pub better: Option<bool>,
}

impl Delta {
    /// `▲` or `▼`.
    pub fn arrow(&self) -> &'static str {
        if self.delta > 0.0 { "▲" } else { "▼" }
    }

    /// `line_percent ▼ -1.5 (worse)`.
    pub fn text(&self, lang: Lang) -> String {
        let sign = if self.delta > 0.0 { "+" } else { "" };
        let judged = match self.better {
            Some(true) => format!(" ({})", t!(lang, "change-better")),
            Some(false) => format!(" ({})", t!(lang, "change-worse")),
            None => String::new(),
        };
        format!(
            "{} {} {sign}{}{judged}",
            self.metric,
            self.arrow(),
            format_number(self.delta)
        )
    }
}

/// Whether more of `metric` is better, by the rule's criteria on it (or on its delta).
fn more_is_better(r: &RuleResult, metric: &str) -> Option<bool> {
    let delta = format!("{metric}_delta");
    [metric, delta.as_str()].iter().find_map(|m| {
        r.criteria.iter().filter(|c| c.metric == *m).find_map(|c| {
            let op = c
                .criterion
                .strip_prefix(&c.metric)?
                .split_whitespace()
                .next()?;
            match op {
                ">=" | ">" => Some(true),
                "<=" | "<" => Some(false),
                _ => None,
            }
        })
    })
}

/// The rule's non-zero deltas since the baseline, in metric order: those of the metrics its
/// criteria judge (directly or by their delta), what the rule is about; the JSON verdict keeps
/// every other.
pub fn deltas(r: &RuleResult) -> Vec<Delta> {
    let Some(c) = &r.comparison else {
        return Vec::new();
    };
    let judged = |name: &str| {
        r.criteria
            .iter()
            .any(|c| c.metric == name || format!("{}_delta", c.metric) == name)
    };
    c.deltas
        .iter()
        .filter(|(name, d)| d.is_finite() && **d != 0.0 && judged(name))
        .map(|(name, d)| {
            let metric = name.strip_suffix("_delta").unwrap_or(name).to_string();
            let better = more_is_better(r, &metric).map(|more| more == (*d > 0.0));
            Delta {
                better,
                metric,
                delta: *d,
            }
        })
        .collect()
}

/// `2 new, 1 gone`, when the rule's items changed since the baseline.
pub fn items_line(r: &RuleResult, lang: Lang) -> Option<String> {
    let c = r.comparison.as_ref()?;
    let new: u64 = c.new.values().sum();
    let gone: u64 = c.gone.values().sum();
    (new > 0 || gone > 0).then(|| t!(lang, "change-items", new = new, gone = gone))
}

/// The rule's change in one line after `since the baseline:`: its deltas (as the caller
/// renders them), then its items new and gone; `None` when nothing moved.
pub fn summary(r: &RuleResult, lang: Lang, deltas: &[String]) -> Option<String> {
    let mut parts = deltas.join(", ");
    if let Some(items) = items_line(r, lang) {
        if !parts.is_empty() {
            parts.push_str("; ");
        }
        parts.push_str(&items);
    }
    (!parts.is_empty()).then_some(parts)
}

/// Whether `item` is new since the baseline.
pub fn is_new(r: &RuleResult, item: &Item) -> bool {
    r.comparison
        .as_ref()
        .is_some_and(|c| c.new_keys.contains(&item.key))
}

/// The rule's items, those new since the baseline first (each group in its recorded order).
pub fn items_new_first(r: &RuleResult) -> Vec<(&Item, bool)> {
    let mut items: Vec<(&Item, bool)> = r.items.iter().map(|i| (i, is_new(r, i))).collect();
    items.sort_by_key(|(_, new)| !new);
    items
}

/// Whether the rule has items new since the baseline: such rules are listed first.
pub fn has_new(r: &RuleResult) -> bool {
    r.comparison
        .as_ref()
        .is_some_and(|c| c.new.values().sum::<u64>() > 0)
}

/// `rules`, those with new items first (each group in its order).
pub fn new_first<'a>(rules: &[&'a RuleResult]) -> Vec<&'a RuleResult> {
    let mut out = rules.to_vec();
    out.sort_by_key(|r| !has_new(r));
    out
}

/// The line under the decision: which baseline the run compared with, or why it could not.
pub fn baseline_line(v: &Verdict, lang: Lang) -> Option<String> {
    let b: &BaselineRecord = v.baseline.as_ref()?;
    Some(match &b.error {
        Some(error) => t!(
            lang,
            "change-baseline-unusable",
            location = b.location.as_str(),
            error = error.as_str()
        ),
        None => t!(
            lang,
            "change-baseline",
            location = b.location.as_str(),
            evaluated = b.evaluated_at.as_deref().unwrap_or("?")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Comparison, CriterionResult};

    fn rule(criteria: &[(&str, &str)], deltas: &[(&str, f64)]) -> RuleResult {
        let mut r: RuleResult = serde_json::from_value(serde_json::json!({
            "id": "R", "title": "t", "reference": "r", "check": "coverage", "level": "fail",
            "on_missing": "fail", "outcome": {"status": "pass"}, "message": "",
            "criteria": [], "evidence": "e", "items": [], "items_total": 0, "waived_items": 0
        }))
        .unwrap();
        r.criteria = criteria
            .iter()
            .map(|(metric, criterion)| CriterionResult {
                criterion: format!("{metric} {criterion}"),
                metric: metric.to_string(),
                measured: None,
                ok: Some(true),
                preferred: false,
            })
            .collect();
        r.comparison = Some(Comparison {
            deltas: deltas.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            ..Comparison::default()
        });
        r
    }

    #[test]
    fn better_or_worse_follows_the_criterion_direction() {
        let coverage = rule(
            &[("line_percent", ">= 80")],
            &[("line_percent_delta", -1.5)],
        );
        assert_eq!(deltas(&coverage)[0].better, Some(false));
        assert_eq!(deltas(&coverage)[0].arrow(), "▼");
        let cves = rule(
            &[("critical", "== 0"), ("critical", "<= 0")],
            &[("critical_delta", 2.0)],
        );
        assert_eq!(deltas(&cves)[0].better, Some(false));
        assert_eq!(deltas(&cves)[0].arrow(), "▲");
        let fewer = rule(&[("critical", "< 1")], &[("critical_delta", -1.0)]);
        assert_eq!(deltas(&fewer)[0].better, Some(true));
        let on_delta = rule(&[("total_delta", ">= 0")], &[("total_delta", 3.0)]);
        assert_eq!(deltas(&on_delta)[0].better, Some(true));
        let unordered = rule(&[("duration", "== 3")], &[("duration_delta", 3.0)]);
        assert_eq!(deltas(&unordered)[0].better, None);
        let unjudged = rule(
            &[("line_percent", ">= 80")],
            &[("branch_percent_delta", -3.0)],
        );
        assert!(deltas(&unjudged).is_empty());
        let still = rule(&[("line_percent", ">= 80")], &[("line_percent_delta", 0.0)]);
        assert!(deltas(&still).is_empty());
    }
}
