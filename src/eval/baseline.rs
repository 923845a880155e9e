//! Judging what changed: a run compared with a baseline, an earlier verdict (typically the
//! default branch's last gate), so that a project with a past gates on its new failures.
//!
//! The comparisons are ordinary metrics — `<metric>_delta`, `new_failed`, `still_failed`,
//! `fixed`, `new_total`, `new_<severity>` — added to a rule's measurement before its criteria are
//! judged, so rules use them like any other. A rule whose criteria need a comparison and has no
//! usable baseline (none given, unreadable, stale, another project's or pack's) is inconclusive
//! with that reason; rules that do not compare are unaffected.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Verdict;
use crate::evidence::{MAX_ITEMS, Missing, MissingReason, Value};
use crate::model::Measurement;
use crate::model::baseline::{FAILING, Family, KeyDiff, KeySet, SEVERITIES, diff, is_comparison};

/// How the message of a rule left inconclusive for want of any baseline starts: reports tell
/// this cause from the source's own.
pub const NEEDS_BASELINE: &str = "comparing needs a baseline";

/// Where the baseline came from and what it was, recorded in the verdict that used it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineRecord {
    /// The file or URL (without credentials) it was read from.
    pub location: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluated_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pack: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<u32>,
    /// Why it could not be used, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One rule of a baseline.
#[derive(Debug, Clone, Default)]
struct RuleBefore {
    metrics: BTreeMap<String, Value>,
    keys: KeySet,
}

/// A baseline ready to compare with.
#[derive(Debug, Clone)]
pub struct Baseline {
    pub record: BaselineRecord,
    rules: BTreeMap<String, RuleBefore>,
}

/// What the run knows of its baseline.
#[derive(Debug, Clone, Default)]
pub enum BaselineState {
    /// None was asked for.
    #[default]
    None,
    Available(Box<Baseline>),
    /// One was asked for and cannot be used.
    Unavailable(BaselineRecord, Missing),
}

impl BaselineState {
    pub fn record(&self) -> Option<BaselineRecord> {
        match self {
            BaselineState::None => None,
            BaselineState::Available(b) => Some(b.record.clone()),
            BaselineState::Unavailable(r, m) => Some(BaselineRecord {
                error: Some(m.to_string()),
                ..r.clone()
            }),
        }
    }
}

impl Baseline {
    /// A baseline from an earlier verdict, checked against the run it will be compared with: it
    /// must be the same project (when both name one) and the same pack.
    pub fn from_verdict(
        v: &Verdict,
        mut record: BaselineRecord,
        project: Option<&str>,
        pack: &str,
    ) -> BaselineState {
        record.evaluated_at.clone_from(&v.evaluated_at);
        record.project.clone_from(&v.project);
        record.pack.clone_from(&v.pack);
        record.stage = Some(v.stage.number);
        if v.pack != pack {
            let m = Missing::new(
                MissingReason::WrongKind,
                format!(
                    "the baseline {} is a verdict of pack `{}`, not `{pack}`",
                    record.location, v.pack
                ),
            );
            return BaselineState::Unavailable(record, m);
        }
        if let (Some(theirs), Some(ours)) = (v.project.as_deref(), project)
            && theirs != ours
        {
            let m = Missing::new(
                MissingReason::WrongKind,
                format!(
                    "the baseline {} is a verdict of project `{theirs}`, not `{ours}`",
                    record.location
                ),
            );
            return BaselineState::Unavailable(record, m);
        }
        let rules = v
            .results
            .iter()
            .map(|r| {
                (
                    r.id.clone(),
                    RuleBefore {
                        metrics: r
                            .metrics
                            .iter()
                            .filter(|(k, _)| !is_comparison(k))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                        keys: r.keys.clone(),
                    },
                )
            })
            .collect();
        BaselineState::Available(Box::new(Baseline { record, rules }))
    }
}

/// What a rule's result shows of the comparison: the deltas and the new items.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// `<metric>_delta` of each numeric metric.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub deltas: BTreeMap<String, f64>,
    /// Items not in the baseline, by class.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub new: BTreeMap<String, u64>,
    /// Items of the baseline no longer there, by class.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub gone: BTreeMap<String, u64>,
    /// The first new items' keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_keys: Vec<String>,
}

/// New items listed at most in a result.
const NEW_KEYS_SHOWN: usize = 100;

/// The `(class, key)` of each item of a measurement; an item without a class is `item`.
pub(super) fn classified(m: &Measurement) -> Vec<(&str, &str)> {
    m.items
        .iter()
        .map(|i| {
            (
                m.classes.get(&i.key).map_or("item", String::as_str),
                i.key.as_str(),
            )
        })
        .collect()
}

/// How many of a result's items (by class) its counts say exist but it did not keep, when some:
/// the evidence keeps at most [`MAX_ITEMS`] failing tests or findings, and a comparison of the
/// kept ones would miss what lies beyond.
fn unkeyed<'a>(
    family: Family,
    metrics: &BTreeMap<String, Value>,
    classes: impl Iterator<Item = &'a str>,
) -> Option<u64> {
    let (metric, counted): (&str, &[&str]) = match family {
        Family::Failures => ("failed_total", FAILING),
        Family::Findings => ("total", &[]),
        Family::Plain => return None,
    };
    let Some(Value::Number(expected)) = metrics.get(metric) else {
        return None;
    };
    let kept = classes
        .filter(|c| counted.is_empty() || counted.contains(c))
        .count() as f64;
    (*expected > kept).then_some((*expected - kept) as u64)
}

/// The metrics a family's comparison of items gives.
fn family_metrics(family: Family) -> Vec<String> {
    match family {
        Family::Failures => vec!["new_failed".into(), "still_failed".into(), "fixed".into()],
        Family::Findings => std::iter::once("new_total".to_string())
            .chain(SEVERITIES.iter().map(|s| format!("new_{s}")))
            .collect(),
        Family::Plain => Vec::new(),
    }
}

/// Adds the comparison metrics to `m` and returns what the result shows of them. `wanted` are
/// the metrics the rule's criteria name: when one of them is a comparison and there is no usable
/// baseline, the rule cannot be judged, and the error says why (the baseline's own reason:
/// not found, stale, another project's...).
pub(super) fn compare(
    m: &mut Measurement,
    rule_id: &str,
    family: Family,
    wanted: &[&str],
    state: &BaselineState,
) -> Result<Option<Comparison>, Missing> {
    // A check may measure a comparison itself (SonarQube's history gives `coverage_delta`, its
    // new-code metrics are `new_*`): only a wanted comparison nothing measured needs a baseline.
    let needs = wanted
        .iter()
        .any(|w| is_comparison(w) && !m.metrics.contains_key(*w));
    let before = match state {
        BaselineState::Available(b) => match b.rules.get(rule_id) {
            Some(r) => r,
            None if needs => {
                return Err(Missing::new(
                    MissingReason::NotFound,
                    format!(
                        "the baseline {} has no result for {rule_id} (a rule new at this stage, or a baseline of another stage)",
                        b.record.location
                    ),
                ));
            }
            None => return Ok(None),
        },
        BaselineState::None if needs => {
            return Err(Missing::new(
                MissingReason::NotConfigured,
                format!(
                    "{NEEDS_BASELINE}: pass --baseline PATH (an earlier JSON verdict) or set `baseline:` in gonogo.yaml"
                ),
            ));
        }
        BaselineState::Unavailable(_, missing) if needs => return Err(missing.clone()),
        BaselineState::None | BaselineState::Unavailable(..) => return Ok(None),
    };
    let mut out = Comparison::default();
    let now: Vec<(String, Value)> = m
        .metrics
        .iter()
        .filter(|(k, _)| !is_comparison(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (name, value) in now {
        let delta = format!("{name}_delta");
        if m.metrics.contains_key(&delta) {
            continue;
        }
        match (&value, before.metrics.get(&name)) {
            (Value::Number(a), Some(Value::Number(b))) if a.is_finite() && b.is_finite() => {
                m.set(&delta, a - b);
                out.deltas.insert(delta, a - b);
            }
            (Value::Number(_), _) => {
                m.unavailable.insert(
                    delta,
                    format!("the baseline has no number for `{name}` in {rule_id}"),
                );
            }
            _ => {}
        }
    }
    let items = classified(m);
    let unkeyed = unkeyed(family, &m.metrics, items.iter().map(|(class, _)| *class))
        .map(|n| format!("{n} of this run's items are beyond the {MAX_ITEMS} kept"))
        .or_else(|| {
            let classes = before
                .keys
                .keys
                .iter()
                .map(|k| k.split(':').next().unwrap_or(""));
            unkeyed(family, &before.metrics, classes)
                .map(|n| format!("{n} of the baseline's items were beyond the {MAX_ITEMS} it kept"))
        });
    if let Some(why) = unkeyed {
        let why = format!("{why}: what is new cannot be told from what is known");
        for name in family_metrics(family) {
            m.unavailable.insert(name, why.clone());
        }
        return Ok(Some(out));
    }
    let KeyDiff {
        new,
        still,
        gone,
        new_keys,
    } = diff(items.iter().copied(), &before.keys);
    let count = |map: &BTreeMap<String, u64>, classes: &[&str]| -> u64 {
        classes.iter().filter_map(|c| map.get(*c)).sum()
    };
    match family {
        Family::Failures => {
            m.set("new_failed", count(&new, FAILING));
            m.set("still_failed", count(&still, FAILING));
            m.set("fixed", count(&gone, FAILING));
        }
        Family::Findings => {
            m.set("new_total", new.values().sum::<u64>());
            for s in SEVERITIES {
                m.set(&format!("new_{s}"), count(&new, &[s]));
            }
        }
        Family::Plain => {}
    }
    out.new = new;
    out.gone = gone;
    out.new_keys = new_keys.into_iter().take(NEW_KEYS_SHOWN).collect();
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sonar_like() -> Measurement {
        let mut m = Measurement::default();
        m.set("coverage", 80.0);
        m.set("coverage_delta", -0.5);
        m.set("new_coverage", 91.0);
        m
    }

    fn baseline_with(rule: &str, coverage: f64) -> BaselineState {
        let mut metrics = BTreeMap::new();
        metrics.insert("coverage".to_string(), Value::Number(coverage));
        let mut rules = BTreeMap::new();
        rules.insert(
            rule.to_string(),
            RuleBefore {
                metrics,
                keys: KeySet::default(),
            },
        );
        BaselineState::Available(Box::new(Baseline {
            record: BaselineRecord {
                location: "before.json".into(),
                sha256: String::new(),
                evaluated_at: None,
                project: None,
                pack: String::new(),
                stage: None,
                error: None,
            },
            rules,
        }))
    }

    #[test]
    fn a_comparison_the_check_measured_needs_no_baseline() {
        let mut m = sonar_like();
        let wanted = ["coverage_delta", "new_coverage"];
        let got = compare(&mut m, "R", Family::Plain, &wanted, &BaselineState::None);
        assert_eq!(got.unwrap(), None);
        assert_eq!(m.metrics["coverage_delta"], Value::Number(-0.5));
    }

    #[test]
    fn a_comparison_nothing_measured_needs_a_baseline() {
        let mut m = sonar_like();
        let got = compare(
            &mut m,
            "R",
            Family::Plain,
            &["new_failed"],
            &BaselineState::None,
        );
        assert_eq!(got.unwrap_err().reason, MissingReason::NotConfigured);
    }

    #[test]
    fn a_baseline_does_not_overwrite_what_the_check_measured() {
        let mut m = sonar_like();
        let got = compare(
            &mut m,
            "R",
            Family::Plain,
            &["coverage_delta"],
            &baseline_with("R", 70.0),
        );
        assert!(got.unwrap().is_some());
        assert_eq!(m.metrics["coverage_delta"], Value::Number(-0.5));
        assert!(!m.metrics.contains_key("coverage_delta_delta"));
        assert!(!m.metrics.contains_key("new_coverage_delta"));
    }

    #[test]
    fn failures_beyond_the_kept_items_leave_new_failed_unknown() {
        use crate::model::Item;
        let mut m = Measurement::default();
        for i in 0..3 {
            let key = format!("t{i}");
            m.classes.insert(key.clone(), "failed".into());
            m.items.push(Item {
                key,
                text: String::new(),
                location: None,
            });
        }
        m.set("failed_total", 5.0);
        let got = compare(
            &mut m,
            "R",
            Family::Failures,
            &["new_failed"],
            &baseline_with("R", 1.0),
        );
        assert!(got.unwrap().is_some());
        assert!(!m.metrics.contains_key("new_failed"), "{:?}", m.metrics);
        assert!(
            m.unavailable["new_failed"].contains("2 of this run's items"),
            "{:?}",
            m.unavailable
        );

        let mut complete = Measurement::default();
        complete.set("failed_total", 0.0);
        compare(
            &mut complete,
            "R",
            Family::Failures,
            &["new_failed"],
            &baseline_with("R", 1.0),
        )
        .unwrap();
        assert_eq!(complete.metrics["new_failed"], Value::Number(0.0));
    }
}
