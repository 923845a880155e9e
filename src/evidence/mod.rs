//! The typed evidence model: what gonogo read, independent of where it came from.
//!
//! Parsers turn bytes into these types; checks measure them; nothing here does IO. Every
//! collection keeps a bounded sample of items (failures, findings) next to exact counts, so a
//! 1 GiB report costs the same memory as a 1 MiB one while the counts stay exact.

mod coverage;
mod findings;
mod patch;
mod tests;

pub use coverage::{CoverageReport, FileCoverage, LineDetail};
pub use findings::{Category, Finding, FindingSet, ImageConfig, Scope, Severity};
pub use patch::{ChangeKind, ChangedFile, Patch};
pub use tests::{RerunPolicy, Reruns, TestCase, TestOutcome, TestReport};

use serde::Serialize;

/// How many individual items (failed tests, findings, per-file figures) a report keeps for display
/// and waiver matching. Counts are always exact; only the detail list is capped.
pub const MAX_ITEMS: usize = 10_000;

/// Evidence read from one source, already merged when the source matched several files.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Evidence {
    Tests(TestReport),
    Coverage(CoverageReport),
    Findings(FindingSet),
    Document(Document),
    /// Several project documents (a manifests folder, every Dockerfile), in path order.
    Documents(Vec<Document>),
    /// Paths that matched a `file-exists` pattern, relative to the project root.
    Files(Vec<String>),
    /// Free-form values from an endpoint (quality gate, metrics, health check, ...): named,
    /// typed measurements a check can compare.
    Values(ValueSet),
}

/// The older of two report times.
pub(crate) fn older(
    a: Option<jiff::Timestamp>,
    b: Option<jiff::Timestamp>,
) -> Option<jiff::Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A report's own time as producers write it: RFC 3339 with an offset, a date-time without one
/// (pytest and most JUnit writers give the local time of the machine that ran the tests without
/// saying so; it is read in this machine's zone, which is the same one when gonogo runs in the
/// same job, and at worst a few hours off), or an epoch number (seconds, or milliseconds as
/// coverage.py writes them).
pub fn parse_report_time(text: &str) -> Option<jiff::Timestamp> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Some(ts);
    }
    if let Ok(dt) = t.parse::<jiff::civil::DateTime>() {
        return jiff::tz::TimeZone::system().to_timestamp(dt).ok();
    }
    let n: i64 = t.parse().ok()?;
    if n > 100_000_000_000 {
        jiff::Timestamp::from_millisecond(n).ok()
    } else {
        jiff::Timestamp::from_second(n).ok()
    }
}

impl Evidence {
    /// When the report says it was produced, if it says.
    pub fn produced_at(&self) -> Option<jiff::Timestamp> {
        match self {
            Evidence::Tests(t) => t.produced_at,
            Evidence::Coverage(c) => c.produced_at,
            Evidence::Findings(f) => f.produced_at,
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Evidence::Tests(_) => "tests",
            Evidence::Coverage(_) => "coverage",
            Evidence::Findings(_) => "findings",
            Evidence::Document(_) => "document",
            Evidence::Documents(_) => "documents",
            Evidence::Files(_) => "files",
            Evidence::Values(_) => "values",
        }
    }
}

/// A project document (answers file, plan, Dockerfile, ...), kept as text with its parsed form.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub path: String,
    #[serde(skip)]
    pub text: String,
    /// Not text (a PDF, a spreadsheet, an image): `text` is empty. Read among several
    /// documents, such a file is kept so a check can say what it could not read.
    #[serde(skip)]
    pub binary: bool,
}

/// Named measurements from an endpoint, in a stable order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ValueSet {
    pub values: std::collections::BTreeMap<String, Value>,
    /// Human-readable notes the endpoint returned (API warnings, conditions).
    pub notes: Vec<String>,
    /// Values the endpoint could not give, with why (a scan still running, no previous analysis),
    /// so a rule on them is inconclusive with that reason rather than "not measured".
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub unavailable: std::collections::BTreeMap<String, String>,
    /// Details behind the values (failing quality-gate conditions, deployed images), which a
    /// waiver's `match` can name by `key`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ValueItem>,
}

/// One detail of a [`ValueSet`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueItem {
    pub key: String,
    pub text: String,
}

/// A measured or expected value.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    Number(f64),
    Text(String),
}

/// Numbers that JSON cannot hold (`NaN`, `±Inf`, which a `x/0` ratio gives) are written as
/// Prometheus writes them, `"NaN"`, `"+Inf"`, `"-Inf"`, so the archived verdict keeps what was
/// measured instead of `null`.
impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) if n.is_finite() => s.serialize_f64(*n),
            Value::Number(n) => s.serialize_str(&format_number(*n)),
            Value::Text(t) => s.serialize_str(t),
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{}", format_number(*n)),
            Value::Text(t) => write!(f, "{t}"),
        }
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Self {
        Value::Number(n as f64)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// Numbers print without float noise but with every digit that matters: integers as integers,
/// others with six significant digits, trailing zeros trimmed (`0.999`, `0.99899`, `81.4815`), so
/// a threshold and a measurement that differ never print the same.
pub fn format_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else if n.is_finite() {
        let magnitude = if n == 0.0 {
            0
        } else {
            n.abs().log10().floor() as i32
        };
        let decimals = (5 - magnitude).clamp(0, 12) as usize;
        let s = format!("{n:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else if n.is_nan() {
        "NaN".into()
    } else if n > 0.0 {
        "+Inf".into()
    } else {
        "-Inf".into()
    }
}

#[cfg(test)]
mod number_tests {
    use super::format_number;

    #[test]
    fn numbers_keep_the_digits_that_matter() {
        assert_eq!(format_number(0.999), "0.999");
        assert_eq!(format_number(0.9995050485052464), "0.999505");
        assert_eq!(format_number(0.99899), "0.99899");
        assert_eq!(format_number(81.48148148), "81.4815");
        assert_eq!(format_number(80.0), "80");
        assert_eq!(format_number(1234567.891), "1234568");
        assert_eq!(format_number(-0.5), "-0.5");
        assert_eq!(format_number(f64::NAN), "NaN");
        assert_eq!(format_number(f64::INFINITY), "+Inf");
        assert_eq!(format_number(f64::NEG_INFINITY), "-Inf");
        assert_eq!(
            serde_json::to_string(&super::Value::Number(f64::INFINITY)).unwrap(),
            "\"+Inf\"",
            "defect 7: the archived verdict keeps the value"
        );
    }
}

/// A position inside an evidence file, for annotations.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
pub struct Location {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

/// Why evidence could not be used. Never a pass: the rule's `on_missing` policy decides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Missing {
    pub reason: MissingReason,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingReason {
    /// The rule names a source the configuration does not define.
    NotConfigured,
    /// No file matched, or the file does not exist.
    NotFound,
    /// The file or URL could not be read.
    Unreadable,
    /// The endpoint could not be reached or answered an error.
    Unreachable,
    /// The content is not a valid report of the expected kind.
    ParseError,
    /// Older than the source's `max_age`.
    Stale,
    /// The report holds no data for what the rule measures (no tests, empty query result).
    Empty,
    /// The source gives another kind of evidence than the rule needs.
    WrongKind,
    /// The overall deadline passed before the evidence arrived.
    Timeout,
    /// The evidence lives on the network and the run is `--offline`.
    Offline,
}

impl MissingReason {
    pub fn as_str(self) -> &'static str {
        match self {
            MissingReason::NotConfigured => "not configured",
            MissingReason::NotFound => "not found",
            MissingReason::Unreadable => "unreadable",
            MissingReason::Unreachable => "unreachable",
            MissingReason::ParseError => "parse error",
            MissingReason::Stale => "stale",
            MissingReason::Empty => "empty",
            MissingReason::WrongKind => "wrong kind",
            MissingReason::Timeout => "timeout",
            MissingReason::Offline => "offline",
        }
    }
}

impl Missing {
    pub fn new(reason: MissingReason, detail: impl Into<String>) -> Self {
        Missing {
            reason,
            detail: detail.into(),
        }
    }
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.reason.as_str(), self.detail)
    }
}
