//! Alertmanager API v2 client: the alerts firing now, for the `alerts` check.
//!
//! `GET <url>/api/v2/alerts?active=true&silenced=false&inhibited=false&filter=...` with the
//! rule's label matchers, normalised to Alertmanager's quoted form (`severity="critical"`,
//! `namespace=~"shop.*"`). Silenced, inhibited and muted alerts are excluded twice: by the query
//! and again by each alert's `status` (`state` other than `active`/`unprocessed`, or a non-empty
//! `silencedBy`/`inhibitedBy`/`mutedBy`), so a proxy that drops the query parameters cannot
//! inflate or hide the count. The answer may also be the grouped shape of
//! `/api/v2/alerts/groups`; alerts are deduplicated by their labels.
//!
//! The evidence is a [`ValueSet`] keyed by alert (`Name{label="v",...}`) whose values are how
//! long each alert has been firing, in seconds, at the time of the query.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::sampling;
use crate::config::Source;
use crate::evidence::{Evidence, Missing, MissingReason, Value, ValueSet};
use crate::fetch::client::{self, Client, Request as HttpRequest};
use crate::model::request::alertmanager::{AlertsQuery, Request};

pub async fn query(
    source: &str,
    spec: &Source,
    request: &str,
    client: &Client,
    judge: super::Judge<'_>,
) -> Result<Evidence, Missing> {
    let Request::Alerts(q) = super::common::request(
        source,
        request,
        "is an Alertmanager; only the `alerts` check reads it",
    )?;
    let base = super::common::raw_url(source, spec)?;
    let values = match &q.sampling {
        None => once(base, &q, spec, client).await?,
        Some(s) => {
            let label = format!("{source} alerts {}", q.matchers.join(","));
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

async fn once(
    base: &str,
    q: &AlertsQuery,
    spec: &Source,
    client: &Client,
) -> Result<ValueSet, Missing> {
    let mut params: Vec<(String, String)> = vec![
        ("active".into(), "true".into()),
        ("silenced".into(), "false".into()),
        ("inhibited".into(), "false".into()),
    ];
    params.extend(q.matchers.iter().map(|m| ("filter".to_string(), m.clone())));
    let request = HttpRequest::get(client::join(base, "api/v2/alerts"))
        .query(params)
        .accept("application/json");
    let response = client.send(&request, &spec.access).await?;
    if response.status.as_u16() == 400 {
        let message = String::from_utf8_lossy(&response.body);
        return Err(Missing::new(
            MissingReason::Unreachable,
            format!(
                "{}: Alertmanager refused the query: {}",
                response.shown,
                message.trim().trim_matches('"')
            ),
        ));
    }
    let response = response.success()?;
    parse_alerts(&response.body, jiff::Timestamp::now(), &response.shown)
}

/// Parses `/api/v2/alerts` (a list of alerts) or `/api/v2/alerts/groups` (a list of groups).
pub fn parse_alerts(body: &[u8], now: jiff::Timestamp, shown: &str) -> Result<ValueSet, Missing> {
    let bad = |what: String| {
        Missing::new(
            MissingReason::ParseError,
            format!("{shown}: not an Alertmanager v2 alerts answer ({what})"),
        )
    };
    let json: Json = serde_json::from_slice(body).map_err(|e| bad(e.to_string()))?;
    let list = json.as_array().ok_or_else(|| bad("not a list".into()))?;
    let mut alerts: Vec<&Json> = Vec::new();
    for entry in list {
        match entry.get("alerts").and_then(Json::as_array) {
            Some(grouped) if entry.get("fingerprint").is_none() => alerts.extend(grouped),
            _ => alerts.push(entry),
        }
    }
    let mut values = ValueSet::default();
    let (mut excluded, mut undated) = (0usize, 0usize);
    for alert in alerts {
        let labels = alert
            .get("labels")
            .and_then(Json::as_object)
            .ok_or_else(|| bad("an alert without labels".into()))?;
        if !is_firing(alert.get("status")) {
            excluded += 1;
            continue;
        }
        let labels: BTreeMap<&str, &str> = labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or("")))
            .collect();
        let age = alert
            .get("startsAt")
            .and_then(Json::as_str)
            .and_then(|s| s.parse::<jiff::Timestamp>().ok())
            .map(|t| (now.as_millisecond() - t.as_millisecond()).max(0) as f64 / 1000.0);
        if age.is_none() {
            undated += 1;
        }
        values
            .values
            .insert(alert_key(&labels), Value::Number(age.unwrap_or(0.0)));
    }
    if excluded > 0 {
        values.notes.push(format!(
            "{excluded} silenced, inhibited or muted alert(s) left out"
        ));
    }
    if undated > 0 {
        values.notes.push(format!(
            "{undated} alert(s) without a readable startsAt count as just started"
        ));
    }
    Ok(values)
}

fn is_firing(status: Option<&Json>) -> bool {
    let Some(status) = status else {
        return true;
    };
    let state = status
        .get("state")
        .and_then(Json::as_str)
        .unwrap_or("active");
    let empty = |field: &str| {
        status
            .get(field)
            .and_then(Json::as_array)
            .is_none_or(Vec::is_empty)
    };
    matches!(state, "active" | "unprocessed")
        && empty("silencedBy")
        && empty("inhibitedBy")
        && empty("mutedBy")
}

/// `AlertName{label="v",...}` with labels sorted and `alertname` as the name.
pub fn alert_key(labels: &BTreeMap<&str, &str>) -> String {
    let name = labels.get("alertname").copied().unwrap_or("");
    let rest: Vec<String> = labels
        .iter()
        .filter(|(k, _)| **k != "alertname")
        .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("{name}{{{}}}", rest.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-written in the `gettableAlert` shape of Alertmanager's API v2 (api/v2/openapi.yaml);
    /// `mutedBy` is 0.27+ (time intervals), `unprocessed` an alert not yet through the pipeline.
    #[test]
    fn silenced_inhibited_and_muted_alerts_are_left_out() {
        let body = br#"[
          {"labels":{"alertname":"A","severity":"critical"},"startsAt":"2026-11-29T10:00:00Z",
           "fingerprint":"1","status":{"state":"active","silencedBy":[],"inhibitedBy":[]}},
          {"labels":{"alertname":"B"},"startsAt":"2026-11-29T11:00:00Z","fingerprint":"2",
           "status":{"state":"suppressed","silencedBy":["s1"],"inhibitedBy":[]}},
          {"labels":{"alertname":"C"},"startsAt":"2026-11-29T11:00:00Z","fingerprint":"3",
           "status":{"state":"active","silencedBy":[],"inhibitedBy":["x"]}},
          {"labels":{"alertname":"D"},"startsAt":"2026-11-29T11:00:00Z","fingerprint":"4",
           "status":{"state":"active","silencedBy":[],"inhibitedBy":[],"mutedBy":["night"]}},
          {"labels":{"alertname":"E"},"startsAt":"bad","fingerprint":"5",
           "status":{"state":"unprocessed"}}
        ]"#;
        let now: jiff::Timestamp = "2026-11-29T12:30:00Z".parse().unwrap();
        let v = parse_alerts(body, now, "am").unwrap();
        let keys: Vec<&str> = v.values.keys().map(String::as_str).collect();
        assert_eq!(keys, vec![r#"A{severity="critical"}"#, "E{}"]);
        assert_eq!(v.values[r#"A{severity="critical"}"#], Value::Number(9000.0));
        assert_eq!(v.values["E{}"], Value::Number(0.0));
        assert!(v.notes[0].starts_with("3 silenced"), "{:?}", v.notes);
        assert!(v.notes[1].contains("without a readable startsAt"));
    }

    #[test]
    fn garbage_is_a_parse_error() {
        let now = jiff::Timestamp::UNIX_EPOCH;
        for body in [&b"{}"[..], b"[{\"nolabels\":1}]", b"<html>"] {
            let m = parse_alerts(body, now, "am").unwrap_err();
            assert_eq!(m.reason, MissingReason::ParseError, "{}", m.detail);
        }
        assert!(parse_alerts(b"[]", now, "am").unwrap().values.is_empty());
    }

    /// karma's recording of Alertmanager 0.31.0 `/api/v2/alerts/groups`.
    #[test]
    #[ignore = "needs GONOGO_CORPUS (the shared corpus of real reports); .ci/run runs it"]
    fn corpus_groups() {
        let dir = std::env::var_os("GONOGO_CORPUS")
            .expect("GONOGO_CORPUS names the corpus of real reports (.ci/run sets it)");
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(dir)
            .join("prometheus/alertmanager-0.31.0-alerts-groups.json");
        let body = std::fs::read(path).unwrap();
        let json: Json = serde_json::from_slice(&body).unwrap();
        let mut active_labels = std::collections::BTreeSet::new();
        let (mut total, mut active) = (0, 0);
        for g in json.as_array().unwrap() {
            for a in g["alerts"].as_array().unwrap() {
                total += 1;
                if a["status"]["state"] == "active" {
                    active += 1;
                    active_labels.insert(a["labels"].to_string());
                }
            }
        }
        assert_eq!((total, active), (24, 16), "the manifest's counts");
        let now: jiff::Timestamp = "2026-03-11T13:00:00Z".parse().unwrap();
        let v = parse_alerts(&body, now, "corpus").unwrap();
        assert_eq!(v.values.len(), active_labels.len());
        assert!(v.notes[0].starts_with("8 silenced"), "{:?}", v.notes);
        let key = r#"Free_Disk_Space_Too_Low{cluster="staging",disk="sda",instance="server5",job="node_exporter"}"#;
        let age = match v.values.get(key) {
            Some(Value::Number(n)) => *n,
            other => panic!("{other:?}: {:?}", v.values.keys()),
        };
        assert!((age - 681.587).abs() < 0.01, "{age}");
    }
}
