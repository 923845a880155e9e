//! What the SaaS check kinds share: turning an endpoint's [`ValueSet`] into a [`Measurement`]
//! restricted to the kind's documented metrics.
//!
//! Only documented metrics are copied, so a kind's METRICS list is the whole contract; a
//! documented metric the endpoint did not give becomes `unavailable` with the endpoint's reason
//! (a scan still running, a pipeline not finished), which makes a rule on it inconclusive.
//! Items can be waived one by one by their key; the caller adjusts counts for waived items.

use serde::{Deserialize, Serialize};

use super::wrong_kind;
use crate::evidence::{Evidence, Missing, ValueSet};
use crate::model::{Item, Measurement, MetricDoc, Need, Waive};

/// The endpoint's values as a measurement; the second value lists the waived item keys.
pub(crate) fn measure_values(
    need: &Need,
    evidence: &Evidence,
    metrics: &[MetricDoc],
    waive: &mut Waive<'_>,
) -> Result<(Measurement, Vec<String>), Missing> {
    let Evidence::Values(set) = evidence else {
        return Err(wrong_kind(need, evidence, "values from an endpoint"));
    };
    Ok(from_set(set, metrics, waive))
}

fn from_set(
    set: &ValueSet,
    metrics: &[MetricDoc],
    waive: &mut Waive<'_>,
) -> (Measurement, Vec<String>) {
    let mut m = Measurement::default();
    for doc in metrics {
        match set.values.get(doc.name) {
            Some(v) => {
                m.metrics.insert(doc.name.to_string(), v.clone());
            }
            None => {
                let why = set
                    .unavailable
                    .get(doc.name)
                    .cloned()
                    .unwrap_or_else(|| "the endpoint gave no value for it".into());
                m.unavailable.insert(doc.name.to_string(), why);
            }
        }
    }
    let mut waived = Vec::new();
    for item in &set.items {
        if waive(&item.key) {
            m.waived_items += 1;
            waived.push(item.key.clone());
            continue;
        }
        m.items.push(Item {
            key: item.key.clone(),
            text: item.text.clone(),
            location: None,
        });
    }
    m.notes.extend(set.notes.iter().cloned());
    (m, waived)
}

/// A duration written in a rule (`30s`, `5m`), checked when the rule is loaded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct WaitSpec {
    text: String,
    #[serde(skip)]
    secs: u64,
}

impl WaitSpec {
    pub fn secs(&self) -> u64 {
        self.secs
    }
}

impl<'de> Deserialize<'de> for WaitSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let secs = crate::model::parse_duration(&text)
            .map_err(serde::de::Error::custom)?
            .as_secs();
        Ok(WaitSpec { text, secs })
    }
}

/// A request as canonical JSON, the key under which equal requests are fetched once.
pub(crate) fn canonical(request: &impl Serialize) -> String {
    serde_json::to_string(request).unwrap_or_default()
}

/// Subtracts `by` from a numeric metric (a count some of whose items were waived).
pub(crate) fn reduce(m: &mut Measurement, metric: &str, by: usize) {
    if let Some(crate::evidence::Value::Number(n)) = m.metrics.get_mut(metric) {
        *n = (*n - by as f64).max(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{Value, ValueItem};

    const DOCS: &[MetricDoc] = &[
        MetricDoc {
            name: "status",
            description: "",
        },
        MetricDoc {
            name: "count",
            description: "",
        },
        MetricDoc {
            name: "other",
            description: "",
        },
    ];

    #[test]
    fn only_documented_metrics_and_reasons_for_the_rest() {
        let mut set = ValueSet::default();
        set.values.insert("status".into(), Value::Text("OK".into()));
        set.values.insert("undocumented".into(), Value::Number(1.0));
        set.unavailable
            .insert("count".into(), "scan running".into());
        set.items.push(ValueItem {
            key: "a".into(),
            text: "item a".into(),
        });
        set.items.push(ValueItem {
            key: "b".into(),
            text: "item b".into(),
        });
        let mut waive = |k: &str| k == "b";
        let (m, waived) = from_set(&set, DOCS, &mut waive);
        assert_eq!(m.metrics.len(), 1);
        assert_eq!(m.unavailable["count"], "scan running");
        assert_eq!(m.unavailable["other"], "the endpoint gave no value for it");
        assert_eq!(m.items.len(), 1);
        assert_eq!((m.waived_items, waived), (1, vec!["b".to_string()]));
    }
}
