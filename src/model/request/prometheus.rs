//! What the `metric` check asks of a `prometheus` source: a PromQL query, instant or over a
//! range, and how a range of points becomes one value per series.

use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Sampling;
use crate::model::Dur;

/// Prometheus refuses range queries of more points than this per series.
pub const MAX_POINTS: u64 = 11_000;

/// How a range of points becomes one value per series.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Reduce {
    /// The most recent point.
    #[default]
    Last,
    Min,
    Max,
    Avg,
    Sum,
    /// The `q`-quantile of the points (as PromQL's `quantile_over_time`).
    Quantile,
}

/// A query window: `range: {window: 7d, step: 5m}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// How far back from now (`7d`).
    pub window: Dur,
    /// Resolution (`5m`); by default the window / 1000, at least 1s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<Dur>,
}

impl Range {
    /// The window and step as durations, checked against Prometheus' point limit.
    pub fn durations(&self) -> Result<(Duration, Duration), String> {
        let window = self.window.get();
        if window < Duration::from_secs(1) {
            return Err("range.window must be at least 1s".into());
        }
        let step = match &self.step {
            Some(s) => s.get(),
            None => Duration::from_secs(window.as_secs().div_ceil(1000).max(1)),
        };
        if step < Duration::from_millis(1) {
            return Err("range.step must be longer than 0".into());
        }
        let points = window.as_millis() / step.as_millis();
        if points > u128::from(MAX_POINTS) {
            return Err(format!(
                "range {} / step {} gives {points} points per series; Prometheus refuses more than {MAX_POINTS}: use a larger step",
                self.window,
                self.step.as_ref().map_or("(default)", Dur::as_str)
            ));
        }
        Ok((window, step))
    }
}

/// What the `metric` check asks of a `prometheus` source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "api")]
pub enum Request {
    #[serde(rename = "prometheus/query")]
    Query(Query),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    pub query: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<Range>,
    #[serde(default)]
    pub reduce: Reduce,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<f64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore_nan: bool,
    /// What an answer with no series means, when the rule says it is a legitimate value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absent_means: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Sampling>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_limits() {
        let r = |w: &str, s: Option<&str>| Range {
            window: Dur::parse(w).unwrap(),
            step: s.map(|s| Dur::parse(s).unwrap()),
        };
        assert_eq!(
            r("7d", Some("5m")).durations().unwrap(),
            (Duration::from_secs(604_800), Duration::from_secs(300))
        );
        assert_eq!(
            r("7d", None).durations().unwrap().1,
            Duration::from_secs(605)
        );
        assert!(
            r("7d", Some("30s"))
                .durations()
                .unwrap_err()
                .contains("11000")
        );
        assert!(Dur::parse("7x").is_err());
    }
}
