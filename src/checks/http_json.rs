//! `http-json`: one value read from a JSON answer (`GET <source url>/<path>`), compared by the
//! rule: an actuator's `status`, a version field, a feature flag, a queue length.
//!
//! The value keeps its JSON type (number, boolean, text); a path that points at an array or an
//! object measures its `length` instead. A missing path or a null is inconclusive, never a pass.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CheckKind, wrong_kind};
use crate::evidence::{Evidence, Missing, ValueSet};
use crate::model::request::http::{self, JsonQuery};
use crate::model::request::{Sampling, meets};
use crate::model::{Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str = "A value read by a JSON path from an HTTP endpoint's JSON answer.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "value",
        description: "the value at `json_path` (number, boolean or text)",
    },
    MetricDoc {
        name: "length",
        description: "elements of the array or object at `json_path`",
    },
    MetricDoc {
        name: "status_code",
        description: "the HTTP status of the answer",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("status_code", "< 400")];

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpJsonSpec {
    /// The `sources` entry of kind `http` (its `url` is the base).
    #[serde(default = "default_source")]
    pub source: String,
    /// The path under the source URL (`/actuator/health`).
    #[serde(default)]
    pub path: String,
    /// Where the value is: `$.status`, `components.db.status`, `checks[0].state`, `$["a.b"]`.
    pub json_path: String,
    /// Re-query after a deployment until the answer meets `until` long enough.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Sampling>,
}

fn default_source() -> String {
    "http".into()
}

/// `http-json`: a value from an `http` source's JSON answer (the path checked when the rule is loaded).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "HttpJsonSpec", into = "HttpJsonSpec")]
pub struct HttpJsonCheck(HttpJsonSpec);

impl TryFrom<HttpJsonSpec> for HttpJsonCheck {
    type Error = String;

    fn try_from(spec: HttpJsonSpec) -> Result<Self, String> {
        http::parse_path(&spec.json_path)?;
        if let Some(s) = &spec.sampling {
            s.validate(METRICS)?;
        }
        Ok(HttpJsonCheck(spec))
    }
}

impl From<HttpJsonCheck> for HttpJsonSpec {
    fn from(c: HttpJsonCheck) -> Self {
        c.0
    }
}

impl CheckKind for HttpJsonCheck {
    fn need(&self) -> Need {
        let s = &self.0;
        let request = http::Request::Json(JsonQuery {
            path: s.path.clone(),
            json_path: s.json_path.clone(),
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
                    "value" => {
                        "`json_path` points at an array or an object: compare `length`, or path into it"
                    }
                    _ => "`json_path` points at a single value, not an array or an object",
                };
                m.unavailable
                    .insert(metric.name.to_string(), why.to_string());
            }
        }
    }
    m.notes.extend(values.notes.iter().cloned());
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Value;

    #[test]
    fn bad_paths_fail_at_load_and_requests_are_canonical() {
        let e = serde_json::from_value::<HttpJsonCheck>(serde_json::json!({"json_path": "a..b"}))
            .unwrap_err();
        assert!(e.to_string().contains("empty key"), "{e}");
        let c: HttpJsonCheck = serde_json::from_value(
            serde_json::json!({"path": "/actuator/health", "json_path": "$.status"}),
        )
        .unwrap();
        let Need::Query { source, request } = c.need() else {
            panic!()
        };
        assert_eq!(source, "http");
        assert_eq!(
            request,
            r#"{"api":"http/json","path":"/actuator/health","json_path":"$.status"}"#
        );
    }

    #[test]
    fn value_or_length() {
        let mut v = ValueSet::default();
        v.values.insert("value".into(), Value::Text("UP".into()));
        v.values.insert("status_code".into(), Value::Number(200.0));
        let m = summarize(&v);
        assert_eq!(m.metrics["value"], Value::Text("UP".into()));
        assert!(m.unavailable["length"].contains("single value"));
        v.values.remove("value");
        v.values.insert("length".into(), Value::Number(3.0));
        let m = summarize(&v);
        assert!(m.unavailable["value"].contains("compare `length`"));
    }
}
