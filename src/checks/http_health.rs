//! `http-health`: probe an application endpoint as the platform requires of it: `/health`
//! answers (JSON, `application/problem+json` on error) and `/metrics` serves valid Prometheus
//! text.
//!
//! Every HTTP status is measured, not treated as missing: a 503 is a fact about the
//! application. Only an endpoint that cannot be reached leaves the rule inconclusive.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CheckKind, wrong_kind};
use crate::evidence::{Evidence, Missing, ValueSet};
use crate::model::request::http::{self, HealthQuery};
use crate::model::request::{Sampling, meets};
use crate::model::{Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str = "An HTTP endpoint's status, content type, body text, response time and Prometheus text validity.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "status_code",
        description: "the HTTP status of the answer",
    },
    MetricDoc {
        name: "content_type_ok",
        description: "the content type is one of `content_type` (`type/*` allowed)",
    },
    MetricDoc {
        name: "body_contains",
        description: "the body contains the `contains` text",
    },
    MetricDoc {
        name: "prometheus_text_valid",
        description: "the body parses as the Prometheus text exposition format (HELP/TYPE lines and samples)",
    },
    MetricDoc {
        name: "prometheus_samples",
        description: "samples in the body when it is valid Prometheus text, else 0",
    },
    MetricDoc {
        name: "response_ms",
        description: "time to the full answer, retries included, in milliseconds",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("status_code", "== 200")];

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpHealthSpec {
    /// The `sources` entry of kind `http` (its `url` is the base).
    #[serde(default = "default_source")]
    pub source: String,
    /// The path under the source URL (`/health`, `/metrics`).
    #[serde(default)]
    pub path: String,
    /// Accepted content types (`application/json`, `text/plain`, `application/*`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content_type: Vec<String>,
    /// Text the body must contain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<String>,
    /// Re-query after a deployment until the answer meets `until` long enough.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Sampling>,
}

fn default_source() -> String {
    "http".into()
}

/// `http-health`: an `http` source's status, content type, body and metrics text.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "HttpHealthSpec", into = "HttpHealthSpec")]
pub struct HttpHealthCheck(HttpHealthSpec);

impl TryFrom<HttpHealthSpec> for HttpHealthCheck {
    type Error = String;

    fn try_from(spec: HttpHealthSpec) -> Result<Self, String> {
        if let Some(s) = &spec.sampling {
            s.validate(METRICS)?;
        }
        Ok(HttpHealthCheck(spec))
    }
}

impl From<HttpHealthCheck> for HttpHealthSpec {
    fn from(c: HttpHealthCheck) -> Self {
        c.0
    }
}

impl CheckKind for HttpHealthCheck {
    fn need(&self) -> Need {
        let s = &self.0;
        let request = http::Request::Health(HealthQuery {
            path: s.path.clone(),
            content_types: s.content_type.clone(),
            contains: s.contains.clone(),
            sampling: s.sampling.clone(),
        });
        Need::Query {
            source: s.source.clone(),
            request: serde_json::to_string(&request).unwrap_or_default(),
        }
    }

    fn measure(&self, evidence: &Evidence, _waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let Evidence::Values(values) = evidence else {
            return Err(wrong_kind(&self.need(), evidence, "an HTTP answer"));
        };
        Ok(summarize(values))
    }

    fn sample_meets(&self, values: &ValueSet) -> Option<bool> {
        let s = self.0.sampling.as_ref()?;
        Some(meets(&summarize(values), &s.until))
    }
}

/// The metrics of an answer; each sample of a sampled request is judged on them too.
pub fn summarize(values: &ValueSet) -> Measurement {
    let mut m = Measurement::default();
    for metric in METRICS {
        match values.values.get(metric.name) {
            Some(v) => m.set(metric.name, v.clone()),
            None => {
                let why = match metric.name {
                    "content_type_ok" => "the check gives no `content_type` to compare with",
                    "body_contains" => "the check gives no `contains` text",
                    _ => "not measured",
                };
                m.unavailable
                    .insert(metric.name.to_string(), why.to_string());
            }
        }
    }
    m.notes.extend(values.notes.iter().cloned());
    m
}
