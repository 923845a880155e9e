//! `logs`: a LogQL query against a `loki` source. The platform's logs are the evidence for two
//! CCT requirements gonogo could not read before: logs go to standard output, structured
//! (EXI-ARCH-23, best-practices "Logs": GELF or else JSON), and production logs are watched
//! (EXI-ARCH-24).
//!
//! A *log* query (`{namespace="x"}`, over a `range`) is measured as counts over the lines it
//! returns (at most `limit`, the most recent): `lines`, `structured` (a JSON object or logfmt),
//! `structured_ratio`, `stdout_lines`, `streams`. A *metric* query (`sum(count_over_time(...))`)
//! is measured like the `metric` check: `value`, `min`, `max`, `avg`, `sum`, `series`. No line
//! in the window, or no series, is inconclusive, never a pass (unless `absent_means` says what
//! no series means).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::metric::summarize;
use super::{CheckKind, wrong_kind};
use crate::evidence::{Evidence, Missing, Value, ValueSet};
use crate::model::request::loki::{self, Query, STREAMS_MARKER};
use crate::model::request::prometheus::{Range, Reduce};
use crate::model::request::{Sampling, meets};
use crate::model::{Item, Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str = "A LogQL query against a Loki API: counts over the log lines (structured, on stdout), or the numbers of a metric query.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "lines",
        description: "log lines returned (at most `limit`, the most recent in the window)",
    },
    MetricDoc {
        name: "structured",
        description: "lines that are a JSON object or logfmt (`key=value` pairs)",
    },
    MetricDoc {
        name: "structured_ratio",
        description: "structured / lines",
    },
    MetricDoc {
        name: "stdout_lines",
        description: "lines of streams labelled `stream=\"stdout\"`",
    },
    MetricDoc {
        name: "streams",
        description: "log streams (label sets) returned",
    },
    MetricDoc {
        name: "value",
        description: "metric query: the value when there is exactly one series",
    },
    MetricDoc {
        name: "min",
        description: "metric query: the smallest value across series",
    },
    MetricDoc {
        name: "max",
        description: "metric query: the largest value across series",
    },
    MetricDoc {
        name: "avg",
        description: "metric query: the mean across series",
    },
    MetricDoc {
        name: "sum",
        description: "metric query: the sum across series",
    },
    MetricDoc {
        name: "series",
        description: "metric query: series returned",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("lines", ">= 1")];

/// The parameters as written in a rule.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogsSpec {
    /// The `sources` entry of kind `loki`.
    #[serde(default = "default_source")]
    pub source: String,
    /// LogQL (`${vars}` are expanded by the rule loader).
    pub query: String,
    /// A window ending now; a log query needs one (Loki refuses log queries at an instant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<Range>,
    /// Most lines a log query returns (default 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Metric range queries: how points become one value per series.
    #[serde(default)]
    pub reduce: Reduce,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<f64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore_nan: bool,
    /// Metric queries: what an answer with no series means, when that is a legitimate value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absent_means: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Sampling>,
}

fn default_source() -> String {
    "loki".into()
}

/// `logs`: a LogQL query against a `loki` source (checked when the rule is loaded).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "LogsSpec", into = "LogsSpec")]
pub struct LogsCheck(LogsSpec);

impl TryFrom<LogsSpec> for LogsCheck {
    type Error = String;

    fn try_from(spec: LogsSpec) -> Result<Self, String> {
        if spec.query.trim().is_empty() {
            return Err("`query` is empty".into());
        }
        if let Some(range) = &spec.range {
            range.durations()?;
        }
        if spec.limit == Some(0) {
            return Err("`limit` must be at least 1".into());
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
        if let Some(s) = &spec.sampling {
            s.validate(METRICS)?;
        }
        Ok(LogsCheck(spec))
    }
}

impl From<LogsCheck> for LogsSpec {
    fn from(c: LogsCheck) -> Self {
        c.0
    }
}

fn measure_values(values: &ValueSet, ignore_nan: bool, waive: &mut Waive<'_>) -> Measurement {
    if !values.values.contains_key(STREAMS_MARKER) {
        let mut m = summarize(values, ignore_nan, waive);
        for metric in [
            "lines",
            "structured",
            "structured_ratio",
            "stdout_lines",
            "streams",
        ] {
            m.unavailable.insert(
                metric.into(),
                "a metric query returns numbers, not log lines".into(),
            );
        }
        return m;
    }
    let mut m = Measurement::default();
    let number = |k: &str| match values.values.get(k) {
        Some(Value::Number(n)) => *n,
        _ => 0.0,
    };
    let (lines, structured) = (number("lines"), number("structured"));
    m.set("lines", lines);
    m.set("structured", structured);
    m.set("stdout_lines", number("stdout_lines"));
    m.set("streams", number("streams"));
    if lines > 0.0 {
        m.set("structured_ratio", structured / lines);
    } else {
        m.unavailable
            .insert("structured_ratio".into(), "no log line".into());
    }
    for metric in ["value", "min", "max", "avg", "sum", "series"] {
        m.unavailable.insert(
            metric.into(),
            "a log query returns lines, not series: use a metric query (count_over_time, rate)"
                .into(),
        );
    }
    for item in &values.items {
        if waive(&item.key) {
            m.waived_items += 1;
            continue;
        }
        m.items.push(Item {
            key: item.key.clone(),
            text: item.text.clone(),
            location: None,
        });
    }
    m.notes.extend(values.notes.iter().cloned());
    m
}

impl CheckKind for LogsCheck {
    fn need(&self) -> Need {
        let s = &self.0;
        let request = loki::Request::Query(Query {
            query: s.query.clone(),
            range: s.range.clone(),
            limit: s.limit,
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
        Ok(measure_values(values, self.0.ignore_nan, waive))
    }

    fn sample_meets(&self, values: &ValueSet) -> Option<bool> {
        let s = self.0.sampling.as_ref()?;
        Some(meets(
            &measure_values(values, self.0.ignore_nan, &mut |_| false),
            &s.until,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: serde_json::Value) -> Result<LogsCheck, String> {
        serde_json::from_value(json).map_err(|e| e.to_string())
    }

    #[test]
    fn log_answers_give_counts_and_metric_answers_give_statistics() {
        let mut v = ValueSet::default();
        v.values
            .insert(STREAMS_MARKER.into(), Value::Text("streams".into()));
        v.values.insert("lines".into(), Value::Number(5.0));
        v.values.insert("structured".into(), Value::Number(4.0));
        v.values.insert("stdout_lines".into(), Value::Number(4.0));
        v.values.insert("streams".into(), Value::Number(2.0));
        let c = spec(serde_json::json!({"query": "{namespace=\"x\"}", "range": {"window": "1h"}}))
            .unwrap();
        let m = c.measure(&Evidence::Values(v), &mut |_| false).unwrap();
        assert_eq!(m.metrics["structured_ratio"], Value::Number(0.8));
        assert!(m.unavailable["value"].contains("log query returns lines"));
        let mut v = ValueSet::default();
        v.values.insert("{}".into(), Value::Number(0.002));
        let m = c.measure(&Evidence::Values(v), &mut |_| false).unwrap();
        assert_eq!(m.metrics["value"], Value::Number(0.002));
        assert!(m.unavailable["lines"].contains("metric query"));
    }

    #[test]
    fn requests_are_canonical_and_rules_validated() {
        let c = spec(
            serde_json::json!({"query": "{a=\"b\"}", "range": {"window": "15m"}, "limit": 500}),
        )
        .unwrap();
        let Need::Query { source, request } = c.need() else {
            panic!()
        };
        assert_eq!(source, "loki");
        assert_eq!(
            request,
            r#"{"api":"loki/query","query":"{a=\"b\"}","range":{"window":"15m"},"limit":500,"reduce":"last"}"#
        );
        assert!(
            spec(serde_json::json!({"query": ""}))
                .unwrap_err()
                .contains("empty")
        );
        assert!(
            spec(serde_json::json!({"query": "x", "limit": 0}))
                .unwrap_err()
                .contains("limit")
        );
        assert!(
            spec(serde_json::json!({"query": "x", "step": "1m"}))
                .unwrap_err()
                .contains("unknown field")
        );
        let e = c
            .measure(&Evidence::Files(vec![]), &mut |_| false)
            .unwrap_err();
        assert_eq!(e.reason, crate::evidence::MissingReason::WrongKind);
    }
}
