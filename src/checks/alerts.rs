//! `alerts`: alerts firing now in Alertmanager, selected by label matchers.
//!
//! Silenced, inhibited and muted alerts do not count: a team that acknowledged an alert with a
//! silence has said what it means. Alerts can also be waived one by one by their key
//! (`Watchdog{...}` is the usual always-firing heartbeat): `match: "Watchdog*"`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CheckKind, wrong_kind};
use crate::evidence::{Evidence, Missing, Value, ValueSet};
use crate::model::request::alertmanager::{self, AlertsQuery, normalize_matcher};
use crate::model::request::{Sampling, meets};
use crate::model::{Item, Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str = "Alerts firing in Alertmanager that match label matchers, silenced and inhibited ones excluded.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "firing",
        description: "active alerts matching the matchers (silenced, inhibited, muted and waived ones excluded)",
    },
    MetricDoc {
        name: "longest_firing_hours",
        description: "how long the oldest of those alerts has been firing, in hours (0 when none)",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("firing", "== 0")];

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertsSpec {
    /// The `sources` entry of kind `alertmanager`.
    #[serde(default = "default_source")]
    pub source: String,
    /// Label matchers, all of which an alert must match: `severity=critical`,
    /// `namespace=~"shop-.*"`, `env!=dev`.
    #[serde(default)]
    pub matchers: Vec<String>,
    /// Re-query after a deployment until the answer meets `until` long enough.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Sampling>,
}

fn default_source() -> String {
    "alertmanager".into()
}

/// `alerts`: alerts firing in an `alertmanager` source (matchers checked when the rule is loaded).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "AlertsSpec", into = "AlertsSpec")]
pub struct AlertsCheck {
    spec: AlertsSpec,
    normalized: Vec<String>,
}

impl TryFrom<AlertsSpec> for AlertsCheck {
    type Error = String;

    fn try_from(spec: AlertsSpec) -> Result<Self, String> {
        let normalized = spec
            .matchers
            .iter()
            .map(|m| normalize_matcher(m))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(s) = &spec.sampling {
            s.validate(METRICS)?;
        }
        Ok(AlertsCheck { spec, normalized })
    }
}

impl From<AlertsCheck> for AlertsSpec {
    fn from(c: AlertsCheck) -> Self {
        c.spec
    }
}

impl CheckKind for AlertsCheck {
    fn need(&self) -> Need {
        let request = alertmanager::Request::Alerts(AlertsQuery {
            matchers: self.normalized.clone(),
            sampling: self.spec.sampling.clone(),
        });
        Need::Query {
            source: self.spec.source.clone(),
            request: serde_json::to_string(&request).unwrap_or_default(),
        }
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let Evidence::Values(values) = evidence else {
            return Err(wrong_kind(&self.need(), evidence, "alerts"));
        };
        Ok(summarize(values, waive))
    }

    fn sample_meets(&self, values: &ValueSet) -> Option<bool> {
        let s = self.spec.sampling.as_ref()?;
        Some(meets(&summarize(values, &mut |_| false), &s.until))
    }
}

/// Counts the firing alerts. Pure: the sampler calls it too.
pub fn summarize(values: &ValueSet, waive: &mut Waive<'_>) -> Measurement {
    let mut m = Measurement::default();
    let mut firing = 0u64;
    let mut longest: f64 = 0.0;
    for (key, value) in &values.values {
        if waive(key) {
            m.waived_items += 1;
            continue;
        }
        let age = match value {
            Value::Number(n) if n.is_finite() => *n,
            _ => 0.0,
        };
        firing += 1;
        longest = longest.max(age);
        m.items.push(Item {
            key: key.clone(),
            text: format!("firing for {}: {key}", duration(age)),
            location: None,
        });
    }
    m.set("firing", firing);
    m.set("longest_firing_hours", longest / 3600.0);
    m.notes.extend(values.notes.iter().cloned());
    m
}

fn duration(secs: f64) -> String {
    let s = secs.max(0.0) as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d{:02}h", s / 86_400, s % 86_400 / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(v: serde_json::Value) -> Result<AlertsCheck, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    #[test]
    fn matchers_are_checked_and_normalised_into_the_request() {
        let c = check(serde_json::json!({"matchers": ["severity=critical", "namespace=~shop.*"]}))
            .unwrap();
        let Need::Query { source, request } = c.need() else {
            panic!()
        };
        assert_eq!(source, "alertmanager");
        assert_eq!(
            request,
            r#"{"api":"alertmanager/alerts","matchers":["severity=\"critical\"","namespace=~\"shop.*\""]}"#
        );
        let e = check(serde_json::json!({"matchers": ["severity"]})).unwrap_err();
        assert!(e.contains("expected one of"), "{e}");
    }

    #[test]
    fn counts_ages_and_waivers() {
        let mut v = ValueSet::default();
        v.values
            .insert("Watchdog{}".into(), Value::Number(999_999.0));
        v.values
            .insert(r#"Down{severity="critical"}"#.into(), Value::Number(7200.0));
        v.values.insert("Slow{}".into(), Value::Number(90.0));
        let m = summarize(&v, &mut |k| k.starts_with("Watchdog"));
        assert_eq!(m.metrics["firing"], Value::Number(2.0));
        assert_eq!(m.metrics["longest_firing_hours"], Value::Number(2.0));
        assert_eq!(m.waived_items, 1);
        assert_eq!(
            m.items[0].text,
            r#"firing for 2h00m: Down{severity="critical"}"#
        );
        let m = summarize(&ValueSet::default(), &mut |_| false);
        assert_eq!(m.metrics["firing"], Value::Number(0.0));
        assert_eq!(m.metrics["longest_firing_hours"], Value::Number(0.0));
    }
}
