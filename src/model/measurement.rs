//! What a check makes of evidence: named metrics, the items behind them, and notes.
//!
//! A check never decides pass or fail; it measures, and the rule's criteria judge.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Need;
use crate::evidence::{Location, Value, ValueSet};

/// A detail behind a measurement: a failed test, a finding, a missing field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// What a waiver's `match` compares against.
    pub key: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Measurement {
    pub metrics: BTreeMap<String, Value>,
    /// Metrics the evidence cannot give, with why (a report without branch data).
    pub unavailable: BTreeMap<String, String>,
    pub items: Vec<Item>,
    /// Items excluded by a waiver's `match`.
    pub waived_items: u64,
    pub notes: Vec<String>,
    /// The class of an item, by key, where the kind has classes (`failed`, `error`, `flaky`
    /// tests; a finding's severity): what a comparison with a baseline counts by.
    pub classes: BTreeMap<String, String>,
}

impl Measurement {
    pub fn set(&mut self, metric: &str, value: impl Into<Value>) {
        self.metrics.insert(metric.to_string(), value.into());
    }

    pub fn set_opt(&mut self, metric: &str, value: Option<f64>, why_missing: &str) {
        match value {
            Some(v) => self.set(metric, v),
            None => {
                self.unavailable
                    .insert(metric.to_string(), why_missing.to_string());
            }
        }
    }
}

/// Documentation of a metric, for `gonogo rules` and the generated rule reference.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MetricDoc {
    pub name: &'static str,
    pub description: &'static str,
}

/// Decides whether an item key is waived; records the waiver as used when it is.
pub type Waive<'a> = dyn FnMut(&str) -> bool + 'a;

/// The id of an item found in one file: `file#part` (`onboarding.yaml#sponsor.name`), so that
/// two files' items never share an id and a waiver's `match` can name one file's item.
pub fn file_item_key(file: &str, part: &str) -> String {
    format!("{file}#{part}")
}

/// Whether a waiver covers the item `part` of `file`: by its id, or by `part` alone (how such
/// items were named before their id carried the file).
pub fn waive_in_file(waive: &mut Waive<'_>, file: &str, part: &str) -> bool {
    waive(&file_item_key(file, part)) || waive(part)
}

/// Whether one sample of an endpoint's answer meets the sampling criteria of the rule that
/// asked for it. The check layer builds it and hands it to fetch, which samples without knowing
/// how a sample is judged.
pub type SampleJudge = dyn Fn(&Need, &ValueSet) -> bool + Send + Sync;
