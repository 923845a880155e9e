//! The answer of a Prometheus query API: `{status, data: {resultType, result}, warnings, infos}`
//! → a [`ValueSet`] keyed by series, range results reduced per series.
//!
//! Values arrive as strings (`"1"`, `"NaN"`, `"+Inf"`). NaN points inside a range are left out of
//! the reduction (as gaps are) and counted in a note; a series with no other point is NaN, and an
//! answer where every series is NaN, or none came back, is `Missing` (`empty`). Native histogram
//! samples have no single value and are skipped with a note.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value as Json;

use crate::evidence::{Missing, MissingReason, Value, ValueSet};
use crate::model::request::prometheus::Reduce;

/// The series key of an empty answer read through `absent_means`.
pub const ABSENT_KEY: &str = "(no series)";

/// A reduction with its parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reducer {
    Simple(Reduce),
    Quantile(f64),
}

#[derive(Deserialize)]
struct ApiResponse {
    status: String,
    #[serde(default)]
    data: Option<Json>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    warnings: Vec<Json>,
    #[serde(default)]
    infos: Vec<Json>,
}

/// Parses a query answer (any HTTP status: the API explains its 4xx in the body).
pub fn parse_response(
    body: &[u8],
    http_status: u16,
    content_type: Option<&str>,
    reduce: Reducer,
    shown: &str,
) -> Result<ValueSet, Missing> {
    parse_answer(body, http_status, content_type, reduce, shown, None)
}

/// [`parse_response`], where an answer with no series means `absent_means` when it is set: the
/// rule says that, for this query, no series is a legitimate zero (no error ever logged, no
/// drift ever recorded). Without it, no series is `empty`, never a pass.
pub fn parse_answer(
    body: &[u8],
    http_status: u16,
    content_type: Option<&str>,
    reduce: Reducer,
    shown: &str,
    absent_means: Option<f64>,
) -> Result<ValueSet, Missing> {
    let api: ApiResponse = match serde_json::from_slice(body) {
        Ok(api) => api,
        Err(e) => {
            let what = if (200..300).contains(&http_status) {
                let hint = match content_type {
                    Some(t) if t.contains("html") => {
                        " (an HTML page: a login page or a wrong URL? the source `url` must be the Prometheus API base)"
                    }
                    _ => "",
                };
                Missing::new(
                    MissingReason::ParseError,
                    format!("{shown}: not a Prometheus API answer: {e}{hint}"),
                )
            } else {
                Missing::new(
                    MissingReason::Unreachable,
                    format!("{shown}: HTTP {http_status}{}", status_hint(http_status)),
                )
            };
            return Err(what);
        }
    };
    if api.status != "success" {
        let kind = api.error_type.as_deref().unwrap_or("error");
        let message = api.error.as_deref().unwrap_or("no message");
        return Err(Missing::new(
            MissingReason::Unreachable,
            format!("{shown}: Prometheus answered {kind}: {message}"),
        ));
    }
    if !(200..300).contains(&http_status) {
        return Err(Missing::new(
            MissingReason::Unreachable,
            format!("{shown}: HTTP {http_status}{}", status_hint(http_status)),
        ));
    }
    let mut values = ValueSet::default();
    for w in &api.warnings {
        values
            .notes
            .push(format!("Prometheus warning: {}", text(w)));
    }
    for i in &api.infos {
        values.notes.push(format!("Prometheus info: {}", text(i)));
    }
    let data = api.data.unwrap_or(Json::Null);
    data_values(&data, reduce, shown, absent_means, values)
}

/// The `data` of a query answer (`{resultType, result}`, vector, matrix, scalar or string) →
/// values keyed by series; shared with the Loki API, whose metric answers have the same shape.
pub fn data_values(
    data: &Json,
    reduce: Reducer,
    shown: &str,
    absent_means: Option<f64>,
    mut values: ValueSet,
) -> Result<ValueSet, Missing> {
    let result_type = data.get("resultType").and_then(Json::as_str).unwrap_or("");
    let result = data.get("result").unwrap_or(&Json::Null);
    let bad = |what: &str| {
        Missing::new(
            MissingReason::ParseError,
            format!("{shown}: not a Prometheus query answer ({what})"),
        )
    };
    let mut histograms = 0usize;
    match result_type {
        "vector" => {
            for sample in result
                .as_array()
                .ok_or_else(|| bad("vector result is not a list"))?
            {
                let key = series_key(sample.get("metric"));
                match sample.get("value") {
                    Some(point) => {
                        let (_, v) = point_value(point).ok_or_else(|| bad("bad sample value"))?;
                        if values
                            .values
                            .insert(key.clone(), Value::Number(v))
                            .is_some()
                        {
                            return Err(bad(&format!(
                                "the series {key} appears twice; Prometheus never answers that, a proxy in between may"
                            )));
                        }
                    }
                    None if sample.get("histogram").is_some() => histograms += 1,
                    None => return Err(bad("a sample without a value")),
                }
            }
        }
        "matrix" => {
            let mut nan_points = 0usize;
            for series in result
                .as_array()
                .ok_or_else(|| bad("matrix result is not a list"))?
            {
                let key = series_key(series.get("metric"));
                let Some(points) = series.get("values").and_then(Json::as_array) else {
                    if series.get("histograms").is_some() {
                        histograms += 1;
                        continue;
                    }
                    return Err(bad("a series without values"));
                };
                let mut numbers = Vec::with_capacity(points.len());
                for p in points {
                    let (_, v) = point_value(p).ok_or_else(|| bad("bad point"))?;
                    if v.is_nan() {
                        nan_points += 1;
                    } else {
                        numbers.push(v);
                    }
                }
                let reduced = Value::Number(reduce_points(&numbers, reduce));
                if values.values.insert(key.clone(), reduced).is_some() {
                    return Err(bad(&format!(
                        "the series {key} appears twice; Prometheus never answers that, a proxy in between may"
                    )));
                }
            }
            if nan_points > 0 {
                values.notes.push(format!(
                    "{nan_points} NaN point(s) in the range were left out of the reduction"
                ));
            }
        }
        "scalar" => {
            let (_, v) = point_value(result).ok_or_else(|| bad("bad scalar"))?;
            values.values.insert("scalar".into(), Value::Number(v));
        }
        "string" => {
            let s = result
                .as_array()
                .and_then(|p| p.get(1))
                .and_then(Json::as_str)
                .ok_or_else(|| bad("bad string result"))?;
            values
                .values
                .insert("string".into(), Value::Text(s.to_string()));
        }
        other => return Err(bad(&format!("unknown resultType `{other}`"))),
    }
    if histograms > 0 {
        values.notes.push(format!(
            "{histograms} series hold native histograms, which have no single value: wrap the query in histogram_quantile(), histogram_count() or histogram_sum()"
        ));
    }
    if values.values.is_empty()
        && histograms == 0
        && let Some(zero) = absent_means
    {
        values.values.insert(ABSENT_KEY.into(), Value::Number(zero));
        values.notes.push(format!(
            "the query returned no series, read as {} (the rule's `absent_means`)",
            crate::evidence::format_number(zero)
        ));
        return Ok(values);
    }
    if values.values.is_empty() {
        return Err(Missing::new(
            MissingReason::Empty,
            if histograms > 0 {
                format!("{shown}: only native histogram series, no plain values")
            } else {
                format!(
                    "{shown}: the query returned no series (check the metric name, the label matchers, and that the target is scraped)"
                )
            },
        ));
    }
    let all_nan = values
        .values
        .values()
        .all(|v| matches!(v, Value::Number(n) if n.is_nan()));
    if all_nan {
        return Err(Missing::new(
            MissingReason::Empty,
            format!(
                "{shown}: every series is NaN (no data in the window, or a 0/0 ratio with no traffic)"
            ),
        ));
    }
    Ok(values)
}

fn status_hint(status: u16) -> &'static str {
    match status {
        401 => " (authentication failed: check the token variable named in `auth`)",
        403 => " (forbidden: the token lacks permission)",
        404 => " (not found: the source `url` must be the Prometheus API base, without /api/v1)",
        _ => "",
    }
}

fn text(j: &Json) -> String {
    match j {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `[ts, "value"]` → (ts, value). Values are strings: "1", "NaN", "+Inf", "-Inf".
fn point_value(point: &Json) -> Option<(f64, f64)> {
    let arr = point.as_array()?;
    let ts = arr.first()?.as_f64()?;
    let v = match arr.get(1)? {
        Json::String(s) => parse_float(s)?,
        Json::Number(n) => n.as_f64()?,
        _ => return None,
    };
    Some((ts, v))
}

fn parse_float(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ => s.parse().ok(),
    }
}

/// `name{a="1",b="2"}` with labels sorted; `{}` when there are none.
pub fn series_key(metric: Option<&Json>) -> String {
    let mut labels: BTreeMap<&str, String> = BTreeMap::new();
    if let Some(Json::Object(map)) = metric {
        for (k, v) in map {
            labels.insert(k, text(v));
        }
    }
    let name = labels.remove("__name__").unwrap_or_default();
    let inner: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    if inner.is_empty() && !name.is_empty() {
        name
    } else {
        format!("{name}{{{}}}", inner.join(","))
    }
}

/// Reduces the (non-NaN) points of a series; NaN when there are none.
pub fn reduce_points(points: &[f64], reduce: Reducer) -> f64 {
    if points.is_empty() {
        return f64::NAN;
    }
    match reduce {
        Reducer::Simple(Reduce::Last) => points[points.len() - 1],
        Reducer::Simple(Reduce::Min) => points.iter().copied().fold(f64::INFINITY, f64::min),
        Reducer::Simple(Reduce::Max) => points.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Reducer::Simple(Reduce::Sum) => points.iter().sum(),
        Reducer::Simple(Reduce::Avg) => points.iter().sum::<f64>() / points.len() as f64,
        Reducer::Simple(Reduce::Quantile) => f64::NAN,
        Reducer::Quantile(q) => quantile(points, q),
    }
}

/// PromQL's quantile: linear interpolation between the closest ranks; -Inf below 0, +Inf above 1.
fn quantile(points: &[f64], q: f64) -> f64 {
    if q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    let mut sorted = points.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    let rank = q * (n - 1.0);
    let lower = rank.floor().max(0.0);
    let upper = (lower + 1.0).min(n - 1.0);
    let weight = rank - rank.floor();
    sorted[lower as usize] * (1.0 - weight) + sorted[upper as usize] * weight
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAST: Reducer = Reducer::Simple(Reduce::Last);

    fn parse(body: &str, status: u16, reduce: Reducer) -> Result<ValueSet, Missing> {
        parse_response(
            body.as_bytes(),
            status,
            Some("application/json"),
            reduce,
            "http://p",
        )
    }

    fn num(v: &ValueSet, key: &str) -> f64 {
        match v.values.get(key) {
            Some(Value::Number(n)) => *n,
            other => panic!("{key}: {other:?} in {:?}", v.values),
        }
    }

    #[test]
    fn vector_values_are_strings_with_special_floats() {
        let body = r#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"__name__":"up","job":"a","instance":"x:1"},"value":[1,"1"]},
            {"metric":{"level":"error"},"value":[1,"+Inf"]},
            {"metric":{"level":"info"},"value":[1,"-Inf"]},
            {"metric":{"level":"debug"},"value":[1,"NaN"]},
            {"metric":{},"value":[1,"0.25"]}]},
            "warnings":["w1"],"infos":["i1"]}"#;
        let v = parse(body, 200, LAST).unwrap();
        assert_eq!(num(&v, r#"up{instance="x:1",job="a"}"#), 1.0);
        assert_eq!(num(&v, r#"{level="error"}"#), f64::INFINITY);
        assert_eq!(num(&v, r#"{level="info"}"#), f64::NEG_INFINITY);
        assert!(num(&v, r#"{level="debug"}"#).is_nan());
        assert_eq!(num(&v, "{}"), 0.25);
        assert_eq!(
            v.notes,
            vec!["Prometheus warning: w1", "Prometheus info: i1"]
        );
    }

    #[test]
    fn matrix_is_reduced_per_series() {
        let body = r#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"s":"a"},"values":[[1,"4"],[2,"NaN"],[3,"1"],[4,"3"],[5,"2"]]},
            {"metric":{"s":"b"},"values":[[1,"10"]]}]}}"#;
        let cases = [
            (LAST, 2.0, 10.0),
            (Reducer::Simple(Reduce::Min), 1.0, 10.0),
            (Reducer::Simple(Reduce::Max), 4.0, 10.0),
            (Reducer::Simple(Reduce::Sum), 10.0, 10.0),
            (Reducer::Simple(Reduce::Avg), 2.5, 10.0),
            (Reducer::Quantile(0.5), 2.5, 10.0),
            (Reducer::Quantile(0.0), 1.0, 10.0),
            (Reducer::Quantile(1.0), 4.0, 10.0),
            (Reducer::Quantile(0.9), 3.7, 10.0),
        ];
        for (reduce, a, b) in cases {
            let v = parse(body, 200, reduce).unwrap();
            assert!((num(&v, r#"{s="a"}"#) - a).abs() < 1e-12, "{reduce:?}");
            assert_eq!(num(&v, r#"{s="b"}"#), b, "{reduce:?}");
            assert!(v.notes[0].contains("1 NaN point"), "{:?}", v.notes);
        }
    }

    #[test]
    fn errors_keep_the_api_message() {
        let body =
            r#"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected"}"#;
        let m = parse(body, 400, LAST).unwrap_err();
        assert_eq!(m.reason, MissingReason::Unreachable);
        assert!(
            m.detail.contains("bad_data: 1:5: parse error"),
            "{}",
            m.detail
        );
    }

    #[test]
    fn empty_and_all_nan_are_empty_never_a_pass() {
        let empty = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert_eq!(
            parse(empty, 200, LAST).unwrap_err().reason,
            MissingReason::Empty
        );
        let nan = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"NaN"]}]}}"#;
        let m = parse(nan, 200, LAST).unwrap_err();
        assert_eq!(m.reason, MissingReason::Empty);
        assert!(m.detail.contains("NaN"));
        let nan_range = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"NaN"]]}]}}"#;
        assert_eq!(
            parse(nan_range, 200, LAST).unwrap_err().reason,
            MissingReason::Empty
        );
    }

    #[test]
    fn no_series_is_a_value_only_when_the_rule_says_so() {
        let empty = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        let v = parse_answer(empty.as_bytes(), 200, None, LAST, "u", Some(0.0)).unwrap();
        assert_eq!(num(&v, ABSENT_KEY), 0.0);
        assert!(v.notes[0].contains("absent_means"), "{:?}", v.notes);
        let nan = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"NaN"]}]}}"#;
        assert_eq!(
            parse_answer(nan.as_bytes(), 200, None, LAST, "u", Some(0.0))
                .unwrap_err()
                .reason,
            MissingReason::Empty,
            "NaN is no data, not an absent series"
        );
        let err = r#"{"status":"error","errorType":"bad_data","error":"x"}"#;
        assert!(parse_answer(err.as_bytes(), 400, None, LAST, "u", Some(0.0)).is_err());
    }

    #[test]
    fn scalars_strings_and_histograms() {
        let v = parse(
            r#"{"status":"success","data":{"resultType":"scalar","result":[1,"0.5"]}}"#,
            200,
            LAST,
        )
        .unwrap();
        assert_eq!(num(&v, "scalar"), 0.5);
        let v = parse(
            r#"{"status":"success","data":{"resultType":"string","result":[1,"v1.2"]}}"#,
            200,
            LAST,
        )
        .unwrap();
        assert_eq!(v.values["string"], Value::Text("v1.2".into()));
        let h = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"histogram":[1,{"count":"2"}]}]}}"#;
        let m = parse(h, 200, LAST).unwrap_err();
        assert!(m.detail.contains("native histogram"), "{}", m.detail);
    }

    #[test]
    fn html_and_garbage_are_parse_errors_with_a_hint() {
        let m =
            parse_response(b"<html>login</html>", 200, Some("text/html"), LAST, "u").unwrap_err();
        assert_eq!(m.reason, MissingReason::ParseError);
        assert!(m.detail.contains("login page"), "{}", m.detail);
        let m = parse("{\"status\":", 502, LAST).unwrap_err();
        assert_eq!(m.reason, MissingReason::Unreachable);
        assert!(m.detail.contains("HTTP 502"));
        let m = parse(
            r#"{"status":"success","data":{"resultType":"vector","result":{}}}"#,
            200,
            LAST,
        )
        .unwrap_err();
        assert_eq!(m.reason, MissingReason::ParseError);
    }

    /// The corpus shapes (Grafana's promlib fixtures of real Prometheus answers).
    #[test]
    #[ignore = "needs GONOGO_CORPUS (the shared corpus of real reports); .ci/run runs it"]
    fn corpus_answers() {
        let dir = std::env::var_os("GONOGO_CORPUS")
            .expect("GONOGO_CORPUS names the corpus of real reports (.ci/run sets it)");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(dir)
            .join("prometheus");
        let read = |name: &str| std::fs::read(dir.join(name)).unwrap();

        let v =
            parse_response(&read("query-vector-with-infos.json"), 200, None, LAST, "c").unwrap();
        assert_eq!(v.values.len(), 5);
        assert_eq!(
            num(&v, r#"up{instance="localhost:9090",job="prometheus"}"#),
            1.0
        );
        assert_eq!(num(&v, r#"up{instance="localhost:9100",job="node"}"#), 0.0);
        assert_eq!(num(&v, r#"{level="error",location="moon"}"#), f64::INFINITY);
        assert!(num(&v, r#"{level="debug",location="moon"}"#).is_nan());
        assert_eq!(
            v.notes,
            vec!["Prometheus info: info 1", "Prometheus info: info 2"]
        );

        let v = parse_response(&read("query-scalar.json"), 200, None, LAST, "c").unwrap();
        assert_eq!(num(&v, "scalar"), 0.00002482);

        let body = read("query_range-matrix-gaps.json");
        let key = r#"go_goroutines{job="prometheus"}"#;
        for (reduce, want) in [
            (LAST, 43.0),
            (Reducer::Simple(Reduce::Min), 21.0),
            (Reducer::Simple(Reduce::Max), 43.0),
            (Reducer::Simple(Reduce::Avg), 32.0),
            (Reducer::Simple(Reduce::Sum), 96.0),
            (Reducer::Quantile(0.5), 32.0),
        ] {
            let v = parse_response(&body, 200, None, reduce, "c").unwrap();
            assert_eq!(num(&v, key), want, "{reduce:?}");
        }

        let m =
            parse_response(&read("query-error-bad_data.json"), 400, None, LAST, "c").unwrap_err();
        assert_eq!(m.reason, MissingReason::Unreachable);
        assert!(
            m.detail.contains("bad_data: invalid parameter \"start\""),
            "{}",
            m.detail
        );

        let m = parse_response(&read("labels-response.json"), 200, None, LAST, "c").unwrap_err();
        assert_eq!(m.reason, MissingReason::ParseError, "{}", m.detail);
    }
}
