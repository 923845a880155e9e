//! What the `logs` check asks of a `loki` source: a LogQL query, instant (metric queries only:
//! Loki refuses log queries at an instant) or over a window ending now, with how many lines a log
//! query may bring back.

use serde::{Deserialize, Serialize};

use super::Sampling;
use super::prometheus::{Range, Reduce};

/// The key a log (stream) answer carries in its values, so the `logs` check tells counts of
/// lines from the series of a metric query.
pub const STREAMS_MARKER: &str = "(log lines)";

/// Lines a log query brings back unless the rule says otherwise; Loki's own default is 100 and
/// its usual server cap (`max_entries_limit_per_query`) 5000.
pub const DEFAULT_LIMIT: u64 = 1000;

/// What the `logs` check asks of a `loki` source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "api")]
pub enum Request {
    #[serde(rename = "loki/query")]
    Query(Query),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    pub query: String,
    /// A window ending now (`query_range`); required for log (stream) queries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<Range>,
    /// Most lines a log query returns (a sample: the counts are over these lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    #[serde(default)]
    pub reduce: Reduce,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<f64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore_nan: bool,
    /// What a metric answer with no series means, when it legitimately is a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absent_means: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Sampling>,
}
