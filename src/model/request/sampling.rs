//! Post-deployment sampling, as rules write it: wait, then sample an endpoint until its answer
//! has been good for long enough. The loop that does it is IO and lives in fetch.

use std::collections::BTreeMap;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Criterion, Dur, Measurement, MetricDoc};

/// Repeated sampling of an endpoint after a deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sampling {
    /// Wait this long before the first sample (`2m`); none by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Dur>,
    /// Time from one sample to the next (`30s`).
    pub interval: Dur,
    /// At most this many samples.
    pub count: u32,
    /// Stop, successfully, once this many successive samples meet `until` (default 1).
    #[serde(default = "one")]
    pub consecutive: u32,
    /// Give up this long after sampling started (default: `delay` + `count` × `interval`). The
    /// run's `--deadline` also bounds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Dur>,
    /// The criteria a sample must meet, in the `expect` language (`{value: "< 0.01"}`);
    /// usually the same as the rule's `expect`, which judges the sample gonogo keeps.
    pub until: BTreeMap<String, String>,
}

fn one() -> u32 {
    1
}

/// Durations of a validated [`Sampling`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    pub delay: Duration,
    pub interval: Duration,
    pub deadline: Duration,
}

impl Sampling {
    /// Load-time validation against the check kind's metrics.
    pub fn validate(&self, metrics: &[MetricDoc]) -> Result<(), String> {
        self.timing()?;
        if self.count == 0 {
            return Err("sampling.count must be at least 1".into());
        }
        if self.consecutive == 0 || self.consecutive > self.count {
            return Err(format!(
                "sampling.consecutive ({}) must be between 1 and count ({})",
                self.consecutive, self.count
            ));
        }
        if self.until.is_empty() {
            return Err(
                "sampling.until is empty: give the criteria each sample must meet, e.g. `until: {value: \"< 0.01\"}`".into(),
            );
        }
        for (metric, expr) in &self.until {
            if !metrics.iter().any(|m| m.name == metric) {
                let names: Vec<&str> = metrics.iter().map(|m| m.name).collect();
                return Err(format!(
                    "sampling.until: unknown metric `{metric}` (this check measures {})",
                    names.join(", ")
                ));
            }
            Criterion::parse(metric, expr).map_err(|e| format!("sampling.until.{metric}: {e}"))?;
        }
        Ok(())
    }

    pub fn timing(&self) -> Result<Timing, String> {
        let delay = self.delay.as_ref().map_or(Duration::ZERO, Dur::get);
        let interval = self.interval.get();
        if interval.is_zero() {
            return Err("sampling.interval must be longer than 0".into());
        }
        let deadline = match &self.deadline {
            Some(d) => d.get(),
            None => delay + interval * self.count.max(1),
        };
        if deadline <= delay {
            return Err(format!(
                "sampling.deadline ({}) ends before the first sample (delay {})",
                self.deadline.as_ref().map_or("?", Dur::as_str),
                self.delay.as_ref().map_or("0s", Dur::as_str)
            ));
        }
        Ok(Timing {
            delay,
            interval,
            deadline,
        })
    }
}

/// Whether a measurement meets every criterion: unmeasurable or incomparable is "not met".
pub fn meets(m: &Measurement, until: &BTreeMap<String, String>) -> bool {
    until.iter().all(|(metric, expr)| {
        let Ok(criterion) = Criterion::parse(metric, expr) else {
            return false;
        };
        m.metrics
            .get(metric)
            .and_then(|v| criterion.check(v))
            .unwrap_or(false)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dur {
        Dur::parse(s).unwrap()
    }

    fn sampling(count: u32, consecutive: u32) -> Sampling {
        Sampling {
            delay: Some(d("10s")),
            interval: d("30s"),
            count,
            consecutive,
            deadline: None,
            until: [("value".to_string(), "< 0.05".to_string())].into(),
        }
    }

    #[test]
    fn validation_names_the_problem() {
        let docs = &[MetricDoc {
            name: "value",
            description: "",
        }];
        assert!(sampling(3, 2).validate(docs).is_ok());
        assert!(
            sampling(3, 4)
                .validate(docs)
                .unwrap_err()
                .contains("consecutive")
        );
        let mut s = sampling(3, 1);
        s.until = [("valeu".to_string(), "< 1".to_string())].into();
        assert!(
            s.validate(docs)
                .unwrap_err()
                .contains("unknown metric `valeu`")
        );
        s.until = [("value".to_string(), "1".to_string())].into();
        assert!(s.validate(docs).unwrap_err().contains("not a comparison"));
        let mut s = sampling(3, 1);
        s.interval = d("0s");
        assert!(s.validate(docs).is_err());
        assert!(
            serde_json::from_str::<Sampling>(
                r#"{"interval": "soon", "count": 1, "until": {"value": "< 1"}}"#
            )
            .unwrap_err()
            .to_string()
            .contains("not a duration")
        );
        let mut s = sampling(3, 1);
        s.deadline = Some(d("5s"));
        assert!(
            s.validate(docs)
                .unwrap_err()
                .contains("before the first sample")
        );
    }
}
