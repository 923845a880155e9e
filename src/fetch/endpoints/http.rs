//! Generic HTTP checks against an `http` source: read one value out of a JSON answer
//! (`http-json`), or probe an endpoint's health (`http-health`: status, content type, body text,
//! and whether a `/metrics` answer is valid Prometheus text).
//!
//! The source `url` is a base; the check's `path` is joined under it. Any HTTP status is an
//! answer here, not an error: a health endpoint answering 503 with `{"status":"DOWN"}` must fail
//! the rule on its `status`, not leave it inconclusive. Only transport failures (refused,
//! timed out, too large) are `Missing`.
//!
//! JSON paths use a small syntax of their own: an optional `$`, then `.name`, `[index]` or
//! `["key with.dots"]` steps (`$.status`, `components.db.status`, `checks[0].state`).

use std::time::Instant;

use serde_json::Value as Json;

use super::exposition;
use super::sampling;
use crate::config::Source;
use crate::evidence::{Evidence, Missing, MissingReason, Value, ValueSet};
use crate::fetch::client::{self, Client, Request as HttpRequest, Response};
use crate::model::request::http::{HealthQuery, JsonQuery, Request, lookup, parse_path};

pub async fn query(
    source: &str,
    spec: &Source,
    request: &str,
    client: &Client,
    judge: super::Judge<'_>,
) -> Result<Evidence, Missing> {
    let request: Request = super::common::request(
        source,
        request,
        "is a plain HTTP endpoint; only `http-json` and `http-health` read it",
    )?;
    let base = super::common::raw_url(source, spec)?;
    let values = match &request {
        Request::Json(q) => match &q.sampling {
            None => json_once(base, q, spec, client).await?,
            Some(s) => {
                let label = format!("{source} {} {}", q.path, q.json_path);
                sampling::run(
                    s,
                    &label,
                    client.deadline(),
                    client.progress(),
                    || json_once(base, q, spec, client),
                    judge,
                )
                .await?
            }
        },
        Request::Health(q) => match &q.sampling {
            None => health_once(base, q, spec, client).await?,
            Some(s) => {
                let label = format!("{source} {}", q.path);
                sampling::run(
                    s,
                    &label,
                    client.deadline(),
                    client.progress(),
                    || health_once(base, q, spec, client),
                    judge,
                )
                .await?
            }
        },
    };
    Ok(Evidence::Values(values))
}

async fn json_once(
    base: &str,
    q: &JsonQuery,
    spec: &Source,
    client: &Client,
) -> Result<ValueSet, Missing> {
    let request = HttpRequest::get(client::join(base, &q.path)).accept("application/json");
    let response = client.send(&request, &spec.access).await?;
    json_value(&response, &q.json_path)
}

/// The value at `json_path` in the answer, with the status code.
pub fn json_value(response: &Response, json_path: &str) -> Result<ValueSet, Missing> {
    let status = response.status.as_u16();
    let shown = &response.shown;
    let json: Json = match serde_json::from_slice(&response.body) {
        Ok(j) => j,
        Err(e) if response.status.is_success() => {
            return Err(Missing::new(
                MissingReason::ParseError,
                format!("{shown}: the answer is not JSON ({e})"),
            ));
        }
        Err(_) => {
            return Err(Missing::new(
                MissingReason::Unreachable,
                format!("{shown}: HTTP {status}, and the body is not JSON"),
            ));
        }
    };
    let steps = parse_path(json_path).map_err(|e| Missing::new(MissingReason::ParseError, e))?;
    let found = lookup(&json, &steps).map_err(|e| {
        Missing::new(
            MissingReason::Empty,
            format!("{shown} (HTTP {status}): {e}"),
        )
    })?;
    let mut values = ValueSet::default();
    values
        .values
        .insert("status_code".into(), Value::Number(f64::from(status)));
    match found {
        Json::Null => {
            return Err(Missing::new(
                MissingReason::Empty,
                format!("{shown} (HTTP {status}): `{json_path}` is null"),
            ));
        }
        Json::Bool(b) => {
            values.values.insert("value".into(), Value::Bool(*b));
        }
        Json::Number(n) => {
            values.values.insert(
                "value".into(),
                Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            );
        }
        Json::String(s) => {
            values.values.insert("value".into(), Value::Text(s.clone()));
        }
        Json::Array(items) => {
            values
                .values
                .insert("length".into(), Value::Number(items.len() as f64));
        }
        Json::Object(map) => {
            values
                .values
                .insert("length".into(), Value::Number(map.len() as f64));
        }
    }
    Ok(values)
}

async fn health_once(
    base: &str,
    q: &HealthQuery,
    spec: &Source,
    client: &Client,
) -> Result<ValueSet, Missing> {
    let request = HttpRequest::get(client::join(base, &q.path));
    let started = Instant::now();
    let response = client.send(&request, &spec.access).await?;
    let mut values = health_values(&response, q);
    values.values.insert(
        "response_ms".into(),
        Value::Number(started.elapsed().as_millis() as f64),
    );
    Ok(values)
}

/// Status, content type, body text and exposition validity of an answer.
pub fn health_values(response: &Response, q: &HealthQuery) -> ValueSet {
    let mut values = ValueSet::default();
    let set = |v: &mut ValueSet, k: &str, x: Value| {
        v.values.insert(k.to_string(), x);
    };
    set(
        &mut values,
        "status_code",
        Value::Number(f64::from(response.status.as_u16())),
    );
    let content_type = response.content_type();
    if !q.content_types.is_empty() {
        let ok = content_type.as_deref().is_some_and(|got| {
            q.content_types.iter().any(|want| {
                let want = want.trim().to_ascii_lowercase();
                match want.strip_suffix("/*") {
                    Some(major) => got.split('/').next() == Some(major),
                    None => got == want,
                }
            })
        });
        set(&mut values, "content_type_ok", Value::Bool(ok));
        if !ok {
            values.notes.push(format!(
                "content type is {}, expected {}",
                content_type.as_deref().unwrap_or("absent"),
                q.content_types.join(" or ")
            ));
        }
    }
    let body = String::from_utf8_lossy(&response.body);
    if let Some(needle) = &q.contains {
        set(
            &mut values,
            "body_contains",
            Value::Bool(body.contains(needle.as_str())),
        );
    }
    match exposition::validate(&body) {
        Ok(summary) => {
            set(&mut values, "prometheus_text_valid", Value::Bool(true));
            set(
                &mut values,
                "prometheus_samples",
                Value::Number(summary.samples as f64),
            );
        }
        Err(invalid) => {
            set(&mut values, "prometheus_text_valid", Value::Bool(false));
            set(&mut values, "prometheus_samples", Value::Number(0.0));
            let looks_like_metrics = q.path.contains("metrics")
                || content_type
                    .as_deref()
                    .is_some_and(|t| t == "text/plain" || t.contains("openmetrics"));
            if looks_like_metrics {
                values
                    .notes
                    .push(format!("not valid Prometheus text: {invalid}"));
            }
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;
    use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};

    fn response(status: u16, content_type: &str, body: &str) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        Response {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body: body.as_bytes().to_vec(),
            attempts: 1,
            shown: "http://app/x".into(),
        }
    }

    #[test]
    fn paths_parse() {
        use crate::model::request::http::Step::*;
        assert_eq!(
            parse_path("$.data.status").unwrap(),
            vec![Key("data".into()), Key("status".into())]
        );
        assert_eq!(
            parse_path("status.components[0].state").unwrap(),
            vec![
                Key("status".into()),
                Key("components".into()),
                Index(0),
                Key("state".into())
            ]
        );
        assert_eq!(
            parse_path(r#"$["a.b"]['c'][2]"#).unwrap(),
            vec![Key("a.b".into()), Key("c".into()), Index(2)]
        );
        assert_eq!(parse_path("$").unwrap(), vec![]);
        for bad in ["$.", "a..b", "a[x]", "a[0", "a[\"b]", "a]b", "$a"] {
            assert!(parse_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn values_by_type() {
        let body = r#"{"status":"UP","up":true,"ratio":0.5,"checks":[{"s":"ok"},{"s":"bad"}],"none":null}"#;
        let r = response(200, "application/json", body);
        let v = json_value(&r, "$.status").unwrap();
        assert_eq!(v.values["value"], Value::Text("UP".into()));
        assert_eq!(v.values["status_code"], Value::Number(200.0));
        assert_eq!(
            json_value(&r, "up").unwrap().values["value"],
            Value::Bool(true)
        );
        assert_eq!(
            json_value(&r, "ratio").unwrap().values["value"],
            Value::Number(0.5)
        );
        assert_eq!(
            json_value(&r, "checks[1].s").unwrap().values["value"],
            Value::Text("bad".into())
        );
        assert_eq!(
            json_value(&r, "checks").unwrap().values["length"],
            Value::Number(2.0)
        );
        let m = json_value(&r, "none").unwrap_err();
        assert_eq!(m.reason, MissingReason::Empty);
        let m = json_value(&r, "checks[5].s").unwrap_err();
        assert!(
            m.detail
                .contains("no `[5]` under `$.checks`, which is an array of 2"),
            "{}",
            m.detail
        );
        let m = json_value(&r, "status.x").unwrap_err();
        assert!(m.detail.contains("which is `\"UP\"`"), "{}", m.detail);
    }

    #[test]
    fn a_down_health_answer_is_a_value_not_an_error() {
        let r = response(503, "application/json", r#"{"status":"DOWN"}"#);
        let v = json_value(&r, "status").unwrap();
        assert_eq!(v.values["value"], Value::Text("DOWN".into()));
        assert_eq!(v.values["status_code"], Value::Number(503.0));
        let r = response(502, "text/html", "<html>bad gateway</html>");
        assert_eq!(
            json_value(&r, "status").unwrap_err().reason,
            MissingReason::Unreachable
        );
        let r = response(200, "text/html", "<html>");
        assert_eq!(
            json_value(&r, "status").unwrap_err().reason,
            MissingReason::ParseError
        );
    }

    #[test]
    fn health_metrics() {
        let q = HealthQuery {
            path: "/metrics".into(),
            content_types: vec!["text/plain".into(), "application/openmetrics-text".into()],
            contains: Some("# TYPE".into()),
            sampling: None,
        };
        let r = response(
            200,
            "text/plain; version=0.0.4; charset=utf-8",
            "# TYPE a gauge\na 1\n",
        );
        let v = health_values(&r, &q);
        assert_eq!(v.values["status_code"], Value::Number(200.0));
        assert_eq!(v.values["content_type_ok"], Value::Bool(true));
        assert_eq!(v.values["body_contains"], Value::Bool(true));
        assert_eq!(v.values["prometheus_text_valid"], Value::Bool(true));
        assert_eq!(v.values["prometheus_samples"], Value::Number(1.0));

        let r = response(200, "application/json", "{\"a\":1}");
        let v = health_values(&r, &q);
        assert_eq!(v.values["content_type_ok"], Value::Bool(false));
        assert_eq!(v.values["body_contains"], Value::Bool(false));
        assert_eq!(v.values["prometheus_text_valid"], Value::Bool(false));
        assert!(
            v.notes.iter().any(|n| n.contains("expected text/plain")),
            "{:?}",
            v.notes
        );
        assert!(
            v.notes.iter().any(|n| n.contains("line 1")),
            "{:?}",
            v.notes
        );

        let q = HealthQuery {
            path: "/health".into(),
            content_types: vec!["application/*".into()],
            contains: None,
            sampling: None,
        };
        let v = health_values(&response(200, "application/problem+json", "{}"), &q);
        assert_eq!(v.values["content_type_ok"], Value::Bool(true));
        assert!(!v.values.contains_key("body_contains"));
    }
}
