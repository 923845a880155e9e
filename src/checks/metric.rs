//! `metric`: a PromQL query against a Prometheus-compatible API, reduced to numbers a rule can
//! compare.
//!
//! A query may return several series. Rather than an `aggregate` switch, the check measures
//! the statistics across series and lets the rule's criteria say which it means:
//! - `value`: the value when there is exactly one series (unavailable otherwise: aggregate in
//!   PromQL, or use the statistics below);
//! - `min` / `max`: "every series" and "any series" in one comparison: `min: ">= 0.999"` holds
//!   when every series is at least 0.999, `max: ">= 1"` when any is;
//! - `avg`, `sum`: across series; `series`: how many.
//!
//! A range query (`range: {window: 7d, step: 5m}`) is reduced per series first (`reduce`). A
//! NaN series (0/0, no data) makes the statistics unavailable, hence the rule inconclusive,
//! unless `ignore_nan: true` leaves it out. An answer with no series is inconclusive unless the
//! rule says what it means (`absent_means: 0`). Series can be waived one by one by their key
//! (`up{instance="a",job="b"}`). With `sampling`, fetch re-queries after a deployment until the
//! answer has met `until` long enough, and this check measures the sample it kept.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CheckKind, wrong_kind};
use crate::evidence::{Evidence, Missing, Value, ValueSet, format_number};
use crate::model::request::prometheus::{self, Range, Reduce};
use crate::model::request::{Sampling, meets};
use crate::model::{Item, Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str = "A PromQL query (instant or over a window) against a Prometheus-compatible API: the value, or min/max/avg/sum across series.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "value",
        description: "the (reduced) value when the query returns exactly one series",
    },
    MetricDoc {
        name: "min",
        description: "the smallest value across series (`min: \">= x\"`: every series)",
    },
    MetricDoc {
        name: "max",
        description: "the largest value across series (`max: \"<= x\"`: every series; `max: \">= x\"`: any)",
    },
    MetricDoc {
        name: "avg",
        description: "the mean across series",
    },
    MetricDoc {
        name: "sum",
        description: "the sum across series",
    },
    MetricDoc {
        name: "series",
        description: "series returned (waived ones excluded); an empty result is inconclusive",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("series", ">= 1")];

/// The parameters as written in a rule.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricSpec {
    /// The `sources` entry of kind `prometheus`.
    #[serde(default = "default_source")]
    pub source: String,
    /// PromQL (`${vars}` are expanded by the rule loader).
    pub query: String,
    /// Query a window ending now instead of an instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<Range>,
    /// How a range becomes one value per series: last (default), min, max, avg, sum, quantile.
    #[serde(default)]
    pub reduce: Reduce,
    /// The quantile for `reduce: quantile`, between 0 and 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<f64>,
    /// Leave NaN series (0/0 ratios without traffic) out instead of making the rule inconclusive.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore_nan: bool,
    /// What an answer with no series means, for queries where no series legitimately is a
    /// value (`absent_means: 0`: a counter of errors that never happened). Without it, no
    /// series is inconclusive. Prefer anchoring in PromQL (`x or (anchor * 0)`), which still
    /// tells "zero" from "not scraped at all".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absent_means: Option<f64>,
    /// Re-query after a deployment until the answer meets `until` long enough.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Sampling>,
}

fn default_source() -> String {
    "prometheus".into()
}

/// `metric`: a PromQL query against a `prometheus` source (checked when the rule is loaded).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "MetricSpec", into = "MetricSpec")]
pub struct MetricCheck(MetricSpec);

impl TryFrom<MetricSpec> for MetricCheck {
    type Error = String;

    fn try_from(spec: MetricSpec) -> Result<Self, String> {
        if spec.query.trim().is_empty() {
            return Err("`query` is empty".into());
        }
        match (spec.reduce, spec.q) {
            (Reduce::Quantile, None) => return Err("`reduce: quantile` needs `q` (0 to 1)".into()),
            (Reduce::Quantile, Some(q)) if !(0.0..=1.0).contains(&q) => {
                return Err(format!("`q` must be between 0 and 1, not {q}"));
            }
            (r, Some(_)) if r != Reduce::Quantile => {
                return Err("`q` only applies to `reduce: quantile`".into());
            }
            _ => {}
        }
        if let Some(range) = &spec.range {
            range.durations()?;
        }
        if let Some(s) = &spec.sampling {
            s.validate(METRICS)?;
        }
        Ok(MetricCheck(spec))
    }
}

impl From<MetricCheck> for MetricSpec {
    fn from(c: MetricCheck) -> Self {
        c.0
    }
}

impl MetricCheck {
    pub fn spec(&self) -> &MetricSpec {
        &self.0
    }
}

impl CheckKind for MetricCheck {
    fn need(&self) -> Need {
        let s = &self.0;
        let request = prometheus::Request::Query(prometheus::Query {
            query: s.query.clone(),
            range: s.range.clone(),
            reduce: s.reduce,
            q: s.q,
            ignore_nan: s.ignore_nan,
            absent_means: s.absent_means,
            sampling: s.sampling.clone(),
        });
        Need::Query {
            source: s.source.clone(),
            request: serde_json::to_string(&request).unwrap_or_default(),
        }
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let Evidence::Values(values) = evidence else {
            return Err(wrong_kind(&self.need(), evidence, "query results"));
        };
        Ok(summarize(values, self.0.ignore_nan, waive))
    }

    fn sample_meets(&self, values: &ValueSet) -> Option<bool> {
        let s = self.0.sampling.as_ref()?;
        Some(meets(
            &summarize(values, self.0.ignore_nan, &mut |_| false),
            &s.until,
        ))
    }
}

/// The statistics of a query answer; each sample of a sampled request is judged on them too.
pub fn summarize(values: &ValueSet, ignore_nan: bool, waive: &mut Waive<'_>) -> Measurement {
    let mut m = Measurement::default();
    let mut numbers = Vec::new();
    let mut texts = Vec::new();
    let mut nan = Vec::new();
    for (key, value) in &values.values {
        if waive(key) {
            m.waived_items += 1;
            continue;
        }
        m.items.push(Item {
            key: key.clone(),
            text: format!("{key} = {}", shown(value)),
            location: None,
        });
        match value {
            Value::Number(n) if n.is_nan() => nan.push(key.as_str()),
            Value::Number(n) => numbers.push(*n),
            other => texts.push(other.clone()),
        }
    }
    m.notes.extend(values.notes.iter().cloned());
    let series = numbers.len() + texts.len() + if ignore_nan { 0 } else { nan.len() };
    m.set("series", series as u64);
    if ignore_nan && !nan.is_empty() {
        m.notes.push(format!(
            "{} NaN series left out (ignore_nan): {}",
            nan.len(),
            nan.join(", ")
        ));
    }
    let why = if !ignore_nan && !nan.is_empty() {
        Some(format!(
            "{} series is NaN (no data, or 0/0): {}; set `ignore_nan: true` to leave such series out",
            nan.len(),
            nan.join(", ")
        ))
    } else if numbers.is_empty() && texts.is_empty() {
        Some("no series left (all waived or NaN)".to_string())
    } else if !texts.is_empty() {
        Some("the query returned text, not numbers".to_string())
    } else {
        None
    };
    match why {
        Some(why) => {
            for metric in ["min", "max", "avg", "sum"] {
                m.unavailable.insert(metric.into(), why.clone());
            }
            match (texts.as_slice(), numbers.len(), nan.len()) {
                ([t], 0, 0) => m.set("value", t.clone()),
                _ => {
                    m.unavailable.insert("value".into(), why);
                }
            }
        }
        None => {
            let min = numbers.iter().copied().fold(f64::INFINITY, f64::min);
            let max = numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let sum: f64 = numbers.iter().sum();
            m.set("min", min);
            m.set("max", max);
            m.set("sum", sum);
            m.set("avg", sum / numbers.len() as f64);
            if numbers.len() == 1 {
                m.set("value", numbers[0]);
            } else {
                m.unavailable.insert(
                    "value".into(),
                    format!(
                        "the query returned {} series; compare `min`/`max`/`avg`/`sum`, or aggregate in PromQL",
                        numbers.len()
                    ),
                );
            }
        }
    }
    m
}

fn shown(v: &Value) -> String {
    match v {
        Value::Number(n) if n.abs() < 0.01 && *n != 0.0 && n.is_finite() => format!("{n:e}"),
        Value::Number(n) if n.fract() != 0.0 && n.is_finite() => {
            let s = format!("{n:.6}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        Value::Number(n) => format_number(*n),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::MissingReason;

    fn set(pairs: &[(&str, f64)]) -> ValueSet {
        let mut v = ValueSet::default();
        for (k, n) in pairs {
            v.values.insert(k.to_string(), Value::Number(*n));
        }
        v
    }

    fn spec(yaml_json: serde_json::Value) -> Result<MetricCheck, String> {
        serde_json::from_value(yaml_json).map_err(|e| e.to_string())
    }

    #[test]
    fn one_series_gives_value_several_give_statistics() {
        let m = summarize(&set(&[("{}", 0.9995)]), false, &mut |_| false);
        assert_eq!(m.metrics["value"], Value::Number(0.9995));
        assert_eq!(m.metrics["min"], Value::Number(0.9995));
        assert_eq!(m.metrics["series"], Value::Number(1.0));

        let m = summarize(
            &set(&[("a", 0.998), ("b", 1.0), ("c", 0.9995)]),
            false,
            &mut |_| false,
        );
        assert!(m.unavailable["value"].contains("3 series"));
        assert_eq!(m.metrics["min"], Value::Number(0.998));
        assert_eq!(m.metrics["max"], Value::Number(1.0));
        assert_eq!(m.metrics["sum"], Value::Number(2.9975));
        assert!(matches!(m.metrics["avg"], Value::Number(a) if (a - 0.99916666).abs() < 1e-6));
        assert_eq!(m.items.len(), 3);
        assert_eq!(m.items[0].text, "a = 0.998");
    }

    #[test]
    fn waived_series_leave_the_statistics() {
        let m = summarize(&set(&[("a", 0.5), ("b", 1.0)]), false, &mut |k| k == "a");
        assert_eq!(m.waived_items, 1);
        assert_eq!(m.metrics["value"], Value::Number(1.0));
        assert_eq!(m.metrics["series"], Value::Number(1.0));
    }

    #[test]
    fn nan_series_make_statistics_unavailable_unless_ignored() {
        let v = set(&[("a", f64::NAN), ("b", 1.0)]);
        let m = summarize(&v, false, &mut |_| false);
        assert!(!m.metrics.contains_key("min"));
        assert!(m.unavailable["min"].contains("NaN"), "{:?}", m.unavailable);
        assert_eq!(m.metrics["series"], Value::Number(2.0));
        let m = summarize(&v, true, &mut |_| false);
        assert_eq!(m.metrics["value"], Value::Number(1.0));
        assert!(m.notes[0].contains("1 NaN series left out"));
    }

    #[test]
    fn text_results_are_values_not_statistics() {
        let mut v = ValueSet::default();
        v.values.insert("string".into(), Value::Text("v1".into()));
        let m = summarize(&v, false, &mut |_| false);
        assert_eq!(m.metrics["value"], Value::Text("v1".into()));
        assert!(m.unavailable.contains_key("min"));
    }

    #[test]
    fn rules_are_validated_at_load() {
        let ok = spec(
            serde_json::json!({"query": "up", "range": {"window": "7d", "step": "5m"},
            "reduce": "quantile", "q": 0.95}),
        );
        assert!(ok.is_ok(), "{ok:?}");
        let e = spec(serde_json::json!({"query": "up", "reduce": "quantile"})).unwrap_err();
        assert!(e.contains("needs `q`"), "{e}");
        let e =
            spec(serde_json::json!({"query": "up", "reduce": "quantile", "q": 95})).unwrap_err();
        assert!(e.contains("between 0 and 1"), "{e}");
        let e = spec(serde_json::json!({"query": "up", "q": 0.5})).unwrap_err();
        assert!(e.contains("only applies"), "{e}");
        let e = spec(serde_json::json!({"query": " "})).unwrap_err();
        assert!(e.contains("empty"), "{e}");
        let e = spec(serde_json::json!({"query": "up", "range": {"window": "30d", "step": "1m"}}))
            .unwrap_err();
        assert!(e.contains("11000"), "{e}");
        let e = spec(
            serde_json::json!({"query": "up", "sampling": {"interval": "10s", "count": 3,
            "until": {"valu": "< 1"}}}),
        )
        .unwrap_err();
        assert!(e.contains("unknown metric `valu`"), "{e}");
        let e = spec(serde_json::json!({"query": "up", "step": "5m"})).unwrap_err();
        assert!(e.contains("unknown field"), "{e}");
    }

    #[test]
    fn the_request_is_canonical_json() {
        let c = spec(serde_json::json!({"query": "up", "source": "prom"})).unwrap();
        let Need::Query { source, request } = c.need() else {
            panic!()
        };
        assert_eq!(source, "prom");
        assert_eq!(
            request,
            r#"{"api":"prometheus/query","query":"up","reduce":"last"}"#
        );
        let parsed: prometheus::Request = serde_json::from_str(&request).unwrap();
        assert!(matches!(parsed, prometheus::Request::Query(q) if q.query == "up"));
    }

    #[test]
    fn wrong_evidence_is_wrong_kind() {
        let c = spec(serde_json::json!({"query": "up"})).unwrap();
        let e = c
            .measure(&Evidence::Files(vec![]), &mut |_| false)
            .unwrap_err();
        assert_eq!(e.reason, MissingReason::WrongKind);
    }
}
