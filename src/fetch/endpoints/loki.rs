//! Loki HTTP API client: LogQL instant and range queries, the platform's log store (Cloud Pi
//! Native exposes it per project through Grafana and an Observatorium tenant).
//!
//! It follows the Prometheus client: the source `url` is the API base whatever its prefix
//! (`https://obs.example/api/logs/v1/<tenant>`), `/loki/api/v1/query` or
//! `/loki/api/v1/query_range` is appended, and the same client sends it (auth, retries, CA
//! bundle, proxies, the overall deadline), with the same sampling. Loki answers metric queries
//! in Prometheus' shapes (`vector`, `matrix`), read by the same code, and log queries as
//! `streams`: `[{stream: {labels}, values: [["<ns>", "<line>"], ...]}]`. Of a log answer only
//! counts are kept (lines, lines that are structured — a JSON object or logfmt —, lines on
//! stdout) with the streams' labels; a log line is never copied into the verdict, since it may
//! hold personal data or a secret.
//!
//! Loki refuses log queries at an instant (HTTP 400): a log query needs a `range`. Its errors
//! come as plain text; they are quoted (clipped) with the HTTP status.

use std::time::SystemTime;

use serde_json::Value as Json;

use super::prometheus::{Reducer, data_values, series_key};
use super::sampling;
use crate::config::Source;
use crate::evidence::{Evidence, Missing, MissingReason, Value, ValueItem, ValueSet};
use crate::fetch::client::{self, Client, Request as HttpRequest};
use crate::model::request::loki::{DEFAULT_LIMIT, Query, Request, STREAMS_MARKER};
use crate::model::request::prometheus::Reduce;

/// Runs `request` (canonical JSON of [`Request`]) against the source.
pub async fn query(
    source: &str,
    spec: &Source,
    request: &str,
    client: &Client,
    judge: super::Judge<'_>,
) -> Result<Evidence, Missing> {
    let Request::Query(q) = super::common::request(
        source,
        request,
        "is a Loki API; only the `logs` check reads it",
    )?;
    let base = super::common::raw_url(source, spec)?;
    let values = match &q.sampling {
        None => once(base, &q, spec, client).await?,
        Some(s) => {
            let label = format!(
                "{source} `{}`",
                q.query.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            sampling::run(
                s,
                &label,
                client.deadline(),
                client.progress(),
                || once(base, &q, spec, client),
                judge,
            )
            .await?
        }
    };
    Ok(Evidence::Values(values))
}

fn nanos(d: std::time::Duration) -> String {
    d.as_nanos().to_string()
}

/// One query, answered.
async fn once(base: &str, q: &Query, spec: &Source, client: &Client) -> Result<ValueSet, Missing> {
    let mut params = vec![("query".to_string(), q.query.clone())];
    let path = match &q.range {
        None => "loki/api/v1/query",
        Some(r) => {
            let (window, step) = r
                .durations()
                .map_err(|e| Missing::new(MissingReason::ParseError, e))?;
            let end = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default();
            params.push(("start".into(), nanos(end.saturating_sub(window))));
            params.push(("end".into(), nanos(end)));
            params.push(("step".into(), format!("{}s", step.as_secs().max(1))));
            params.push(("limit".into(), q.limit.unwrap_or(DEFAULT_LIMIT).to_string()));
            params.push(("direction".into(), "backward".into()));
            "loki/api/v1/query_range"
        }
    };
    let url = client::join(base, path);
    let request = HttpRequest::get(url)
        .query(params)
        .accept("application/json");
    let response = client.send(&request, &spec.access).await?;
    let reduce = match (q.reduce, q.q) {
        (Reduce::Quantile, Some(x)) => Reducer::Quantile(x),
        (Reduce::Quantile, None) => {
            return Err(Missing::new(
                MissingReason::ParseError,
                "reduce: quantile needs `q`",
            ));
        }
        (other, _) => Reducer::Simple(other),
    };
    parse_response(
        &response.body,
        response.status.as_u16(),
        response.content_type().as_deref(),
        reduce,
        &response.shown,
        q.absent_means,
        q.limit.unwrap_or(DEFAULT_LIMIT),
    )
}

/// Parses a Loki query answer (any HTTP status: Loki explains its 4xx in a text body).
pub fn parse_response(
    body: &[u8],
    http_status: u16,
    content_type: Option<&str>,
    reduce: Reducer,
    shown: &str,
    absent_means: Option<f64>,
    limit: u64,
) -> Result<ValueSet, Missing> {
    let json: Json = match serde_json::from_slice(body) {
        Ok(j) => j,
        Err(e) if (200..300).contains(&http_status) => {
            let hint = match content_type {
                Some(t) if t.contains("html") => {
                    " (an HTML page: a login page or a wrong URL? the source `url` must be the Loki API base, without /loki/api/v1)"
                }
                _ => "",
            };
            return Err(Missing::new(
                MissingReason::ParseError,
                format!("{shown}: not a Loki API answer: {e}{hint}"),
            ));
        }
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let text: String = text.trim().chars().take(300).collect();
            return Err(Missing::new(
                MissingReason::Unreachable,
                format!(
                    "{shown}: HTTP {http_status}{}: {text}",
                    status_hint(http_status)
                ),
            ));
        }
    };
    let status = json.get("status").and_then(Json::as_str).unwrap_or("");
    if status != "success" || !(200..300).contains(&http_status) {
        let message = json
            .get("error")
            .and_then(Json::as_str)
            .or_else(|| json.get("message").and_then(Json::as_str))
            .unwrap_or("no message");
        return Err(Missing::new(
            MissingReason::Unreachable,
            format!(
                "{shown}: HTTP {http_status}{}, Loki answered {}: {message}",
                status_hint(http_status),
                if status.is_empty() {
                    "without a status"
                } else {
                    status
                }
            ),
        ));
    }
    let data = json.get("data").cloned().unwrap_or(Json::Null);
    match data.get("resultType").and_then(Json::as_str) {
        Some("streams") => stream_values(&data, shown, limit),
        _ => data_values(&data, reduce, shown, absent_means, ValueSet::default()),
    }
}

fn status_hint(status: u16) -> &'static str {
    match status {
        400 => " (a log query needs a `range`: Loki refuses it at an instant)",
        401 => " (authentication failed: check the token variable named in `auth`)",
        403 => " (forbidden: the token lacks access to this tenant)",
        404 => " (not found: the source `url` must be the Loki API base, without /loki/api/v1)",
        _ => "",
    }
}

/// A JSON object, or logfmt (`level=info msg="started" port=8080`): a line a log pipeline can
/// read fields from.
pub fn structured(line: &str) -> bool {
    let t = line.trim();
    if t.starts_with('{') {
        return serde_json::from_str::<serde_json::Map<String, Json>>(t).is_ok();
    }
    let mut pairs = 0usize;
    let mut words = 0usize;
    let mut in_quotes = false;
    let mut word = String::new();
    let flush = |w: &mut String, pairs: &mut usize, words: &mut usize| {
        if !w.is_empty() {
            *words += 1;
            if let Some((k, _)) = w.split_once('=') {
                let key_ok = !k.is_empty()
                    && k.chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
                if key_ok {
                    *pairs += 1;
                }
            }
            w.clear();
        }
    };
    for c in t.chars() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                word.push(c);
            }
            c if c.is_whitespace() && !in_quotes => flush(&mut word, &mut pairs, &mut words),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut pairs, &mut words);
    pairs >= 2 && pairs * 2 >= words
}

/// A log answer → counts per stream and in all, never the lines themselves.
fn stream_values(data: &Json, shown: &str, limit: u64) -> Result<ValueSet, Missing> {
    let bad = |what: &str| {
        Missing::new(
            MissingReason::ParseError,
            format!("{shown}: not a Loki streams answer ({what})"),
        )
    };
    let streams = data
        .get("result")
        .and_then(Json::as_array)
        .ok_or_else(|| bad("result is not a list"))?;
    let mut set = ValueSet::default();
    let (mut lines, mut structured_lines, mut stdout) = (0u64, 0u64, 0u64);
    for s in streams {
        let labels = s.get("stream");
        let key = series_key(labels);
        let on_stdout =
            labels.and_then(|l| l.get("stream")).and_then(Json::as_str) == Some("stdout");
        let entries = s
            .get("values")
            .and_then(Json::as_array)
            .ok_or_else(|| bad("a stream without values"))?;
        let mut n = 0u64;
        let mut k = 0u64;
        for e in entries {
            let line = e
                .as_array()
                .and_then(|a| a.get(1))
                .and_then(Json::as_str)
                .ok_or_else(|| bad("an entry that is not [timestamp, line]"))?;
            n += 1;
            if structured(line) {
                k += 1;
            }
        }
        lines += n;
        structured_lines += k;
        if on_stdout {
            stdout += n;
        }
        set.items.push(ValueItem {
            key: key.clone(),
            text: format!("{key}: {n} line(s), {k} structured"),
        });
    }
    if lines == 0 {
        return Err(Missing::new(
            MissingReason::Empty,
            format!(
                "{shown}: no log line in the window (is the application running and writing to stdout, and the selector right?)"
            ),
        ));
    }
    if lines >= limit {
        set.notes.push(format!(
            "the answer holds the limit of {limit} lines: the counts are over the most recent {limit}"
        ));
    }
    set.values
        .insert(STREAMS_MARKER.into(), Value::Text("streams".into()));
    set.values
        .insert("lines".into(), Value::Number(lines as f64));
    set.values
        .insert("structured".into(), Value::Number(structured_lines as f64));
    set.values
        .insert("stdout_lines".into(), Value::Number(stdout as f64));
    set.values
        .insert("streams".into(), Value::Number(streams.len() as f64));
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAST: Reducer = Reducer::Simple(Reduce::Last);
    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/api/loki");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
    }

    fn num(v: &ValueSet, key: &str) -> f64 {
        match v.values.get(key) {
            Some(Value::Number(n)) => *n,
            other => panic!("{key}: {other:?} in {:?}", v.values),
        }
    }

    #[test]
    fn the_documented_answer_shapes() {
        let v = parse_response(
            &fixture("query-vector.json"),
            200,
            None,
            LAST,
            "l",
            None,
            100,
        )
        .unwrap();
        assert_eq!(v.values.len(), 3);
        assert_eq!(num(&v, r#"{level="warn"}"#), 37.77166666666667);
        assert_eq!(num(&v, "{}"), 1267.1266666666666);
        let v = parse_response(
            &fixture("query_range-matrix.json"),
            200,
            None,
            Reducer::Simple(Reduce::Max),
            "l",
            None,
            100,
        )
        .unwrap();
        assert_eq!(num(&v, r#"{level="info"}"#), 658.8516666666667);
        let v = parse_response(
            &fixture("query_range-streams.json"),
            200,
            None,
            LAST,
            "l",
            None,
            100,
        )
        .unwrap();
        assert_eq!(v.values[STREAMS_MARKER], Value::Text("streams".into()));
        assert_eq!(num(&v, "lines"), 2.0);
        assert_eq!(
            num(&v, "structured"),
            0.0,
            "`foo` and `bar` are not structured"
        );
        assert_eq!(
            v.items[0].key,
            r#"{filename="/var/log/myproject.log",job="varlogs",level="info"}"#
        );
        assert!(
            v.items.iter().all(|i| !i.text.contains("foo")),
            "lines are never kept"
        );
    }

    #[test]
    fn cloud_pi_native_like_streams_count_structure_and_stdout() {
        let v = parse_response(
            &fixture("query_range-streams-app.json"),
            200,
            None,
            LAST,
            "l",
            None,
            1000,
        )
        .unwrap();
        assert_eq!(num(&v, "lines"), 5.0);
        assert_eq!(num(&v, "structured"), 4.0);
        assert_eq!(num(&v, "stdout_lines"), 4.0);
        assert_eq!(num(&v, "streams"), 2.0);
        let v = parse_response(
            &fixture("query_range-streams-app.json"),
            200,
            None,
            LAST,
            "l",
            None,
            5,
        )
        .unwrap();
        assert!(v.notes[0].contains("limit of 5"), "{:?}", v.notes);
    }

    #[test]
    fn empty_errors_and_garbage_are_never_a_pass() {
        let m = parse_response(
            &fixture("query_range-streams-empty.json"),
            200,
            None,
            LAST,
            "l",
            None,
            100,
        )
        .unwrap_err();
        assert_eq!(m.reason, MissingReason::Empty);
        let empty_vector = br#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert_eq!(
            parse_response(empty_vector, 200, None, LAST, "l", None, 100)
                .unwrap_err()
                .reason,
            MissingReason::Empty
        );
        let v = parse_response(empty_vector, 200, None, LAST, "l", Some(0.0), 100).unwrap();
        assert_eq!(v.values.len(), 1, "absent_means reads no series as a value");
        let m = parse_response(
            &fixture("error-instant-log-query.txt"),
            400,
            Some("text/plain"),
            LAST,
            "l",
            None,
            100,
        )
        .unwrap_err();
        assert_eq!(m.reason, MissingReason::Unreachable);
        assert!(m.detail.contains("HTTP 400"), "{}", m.detail);
        assert!(m.detail.contains("needs a `range`"), "{}", m.detail);
        let m = parse_response(
            b"<html>login</html>",
            200,
            Some("text/html"),
            LAST,
            "l",
            None,
            100,
        )
        .unwrap_err();
        assert_eq!(m.reason, MissingReason::ParseError);
        assert!(m.detail.contains("login page"));
        let m = parse_response(b"{\"status\":", 502, None, LAST, "l", None, 100).unwrap_err();
        assert_eq!(m.reason, MissingReason::Unreachable);
        let bad = br#"{"status":"success","data":{"resultType":"streams","result":[{"stream":{},"values":[[1]]}]}}"#;
        assert_eq!(
            parse_response(bad, 200, None, LAST, "l", None, 100)
                .unwrap_err()
                .reason,
            MissingReason::ParseError
        );
    }

    /// The client path: the API base's prefix kept, a log query sent to `query_range` with its
    /// window, limit and direction, the source's headers (a tenant), a 5xx retried.
    #[tokio::test]
    async fn a_log_query_through_the_shared_client() {
        use wiremock::matchers::{header, method, path, query_param};
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        let api = "/api/logs/v1/mi-demo/loki/api/v1/query_range";
        Mock::given(method("GET"))
            .and(path(api))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(api))
            .and(query_param("query", r#"{namespace="mi-demo"}"#))
            .and(query_param("limit", "1000"))
            .and(query_param("direction", "backward"))
            .and(header("X-Scope-OrgID", "mi-demo"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_bytes(fixture("query_range-streams-app.json"))
                    .insert_header("content-type", "application/json"),
            )
            .mount(&server)
            .await;
        let spec = crate::config::SourceSpec {
            kind: Some("loki".into()),
            url: Some(format!("{}/api/logs/v1/mi-demo", server.uri())),
            headers: [("X-Scope-OrgID".to_string(), "mi-demo".to_string())].into(),
            ..crate::config::SourceSpec::default()
        }
        .into_source("loki")
        .unwrap();
        let options = crate::fetch::FetchOptions {
            backoff: std::time::Duration::from_millis(1),
            ..crate::fetch::FetchOptions::default()
        };
        let client = Client::new(&options);
        let request = serde_json::json!({"api": "loki/query", "query": "{namespace=\"mi-demo\"}",
            "range": {"window": "1h"}, "reduce": "last"})
        .to_string();
        let Evidence::Values(v) = super::super::query(&spec, &request, &client).await.unwrap()
        else {
            panic!("values")
        };
        assert_eq!(num(&v, "lines"), 5.0);
        let instant = serde_json::json!({"api": "loki/query", "query": "sum(rate({a=\"b\"}[5m]))", "reduce": "last"})
            .to_string();
        Mock::given(method("GET"))
            .and(path("/api/logs/v1/mi-demo/loki/api/v1/query"))
            .respond_with(ResponseTemplate::new(401).set_body_string("no org id\n"))
            .mount(&server)
            .await;
        let m = super::super::query(&spec, &instant, &client)
            .await
            .unwrap_err();
        assert!(m.detail.contains("HTTP 401"), "{}", m.detail);
    }

    #[test]
    fn structured_lines() {
        for line in [
            r#"{"level":"info","msg":"started","port":8080}"#,
            r#"level=info msg="listening on :8080" component=http"#,
            "ts=2026-12-01T10:00:00Z level=error err=timeout",
        ] {
            assert!(structured(line), "{line}");
        }
        for line in [
            "2026-12-01 10:00:00 INFO Started Application in 3.2 seconds",
            "foo",
            "{not json",
            "[1,2]",
            "a=1 and then a sentence with words",
        ] {
            assert!(!structured(line), "{line}");
        }
    }
}
