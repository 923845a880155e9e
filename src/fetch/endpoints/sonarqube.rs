//! SonarQube Web API: the quality gate of a project, branch, pull request or exact analysis, and
//! a fixed set of measures with their recent history.
//!
//! When a `report-task.txt` (written by the scanner) is given, the gate is read for *that*
//! analysis: the compute-engine task is polled until it succeeds, and `analysisId` pins the
//! status, so a gate never reads the previous analysis' result by accident. A task that failed
//! or was canceled, or that does not finish in time, is inconclusive with why; a gate status of
//! `NONE` is reported as such, never as OK. Histories give `<key>_delta` (latest analysis minus
//! the one before) and `<key>_trend` (latest minus N analyses back) from the same numbers
//! SonarQube shows, and `worsened` counts the keys that got worse, direction by direction.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_json::Value as Json;

use super::common::{self, api_url, context, expand, expand_opt, get_json, number};
use crate::config::Source;
use crate::evidence::{Missing, MissingReason, Value, ValueItem, ValueSet};
use crate::fetch::client::Client;
use crate::model::request::sonarqube::{
    Better, MEASURE_KEYS, MeasuresRequest, QualityGateRequest, SonarRequest, history_keys,
};

const POLL_FIRST: Duration = Duration::from_millis(500);
const POLL_MAX: Duration = Duration::from_secs(5);

pub(super) async fn query(
    source: &str,
    spec: &Source,
    request: &str,
    client: &Client,
    root: &Path,
) -> Result<ValueSet, Missing> {
    let request: SonarRequest = serde_json::from_str(request).map_err(|_| {
        Missing::new(
            MissingReason::WrongKind,
            format!(
                "source `{source}` is a SonarQube server; it answers `quality-gate` and `sonar-measures` checks only"
            ),
        )
    })?;
    let base = common::base_url(source, spec)?;
    match request {
        SonarRequest::QualityGate(r) => quality_gate(&base, spec, &r, client, root).await,
        SonarRequest::SonarMeasures(r) => measures(&base, spec, &r, client).await,
    }
}

async fn quality_gate(
    base: &reqwest::Url,
    spec: &Source,
    r: &QualityGateRequest,
    client: &Client,
    root: &Path,
) -> Result<ValueSet, Missing> {
    let mut notes = Vec::new();
    let (url, what) = if let Some(path) = &r.report_task {
        let path = expand(path, "report_task")?;
        let task = read_report_task(root, &path)?;
        let what = format!(
            "quality gate of the analysis in {path} (project `{}`)",
            task.project_key.as_deref().unwrap_or("?")
        );
        let analysis = wait_for_task(base, spec, client, &task.ce_task_id, r.wait_secs)
            .await
            .map_err(context(&what))?;
        notes.push(format!(
            "analysis {analysis} (compute-engine task {})",
            task.ce_task_id
        ));
        (
            api_url(
                base,
                &["api", "qualitygates", "project_status"],
                &[("analysisId", &analysis)],
            ),
            what,
        )
    } else {
        let Some(project) = &r.project else {
            return Err(Missing::new(
                MissingReason::NotConfigured,
                "the quality-gate check needs `project` (the SonarQube project key) or `report_task`",
            ));
        };
        let project = expand(project, "project")?;
        let mut query = vec![("projectKey", project.clone())];
        let mut what = format!("quality gate of SonarQube project `{project}`");
        if let Some(b) = expand_opt(r.branch.as_deref(), "branch")? {
            what.push_str(&format!(" (branch `{b}`)"));
            query.push(("branch", b));
        } else if let Some(pr) = expand_opt(r.pull_request.as_deref(), "pull_request")? {
            what.push_str(&format!(" (pull request {pr})"));
            query.push(("pullRequest", pr));
        }
        let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        (
            api_url(base, &["api", "qualitygates", "project_status"], &pairs),
            what,
        )
    };
    let body: Json = get_json(client, &url, &spec.access, &what).await?;
    let mut set = gate_values(&body)
        .map_err(|e| Missing::new(MissingReason::ParseError, format!("{what}: {e}")))?;
    notes.append(&mut set.notes);
    set.notes = notes;
    Ok(set)
}

/// The fields of `report-task.txt` that matter.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTask {
    pub ce_task_id: String,
    pub project_key: Option<String>,
}

fn read_report_task(root: &Path, path: &str) -> Result<ReportTask, Missing> {
    let full = crate::fetch::resolve_path(root, path);
    let text = std::fs::read_to_string(&full).map_err(|e| {
        let reason = if e.kind() == std::io::ErrorKind::NotFound {
            MissingReason::NotFound
        } else {
            MissingReason::Unreadable
        };
        Missing::new(
            reason,
            format!(
                "{}: {e} (the SonarQube scanner writes it, e.g. target/sonar/report-task.txt or .scannerwork/report-task.txt)",
                full.display()
            ),
        )
    })?;
    parse_report_task(&text).map_err(|e| {
        Missing::new(
            MissingReason::ParseError,
            format!("{}: {e}", full.display()),
        )
    })
}

/// Parses the scanner's `key=value` lines.
pub fn parse_report_task(text: &str) -> Result<ReportTask, String> {
    let mut props = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            props.insert(k.trim(), v.trim());
        }
    }
    let id = props
        .get("ceTaskId")
        .filter(|v| !v.is_empty())
        .ok_or("no `ceTaskId=` line: is this the scanner's report-task.txt?")?;
    Ok(ReportTask {
        ce_task_id: id.to_string(),
        project_key: props.get("projectKey").map(|s| s.to_string()),
    })
}

/// Polls `api/ce/task` until the task succeeds; its `analysisId`, or why not.
async fn wait_for_task(
    base: &reqwest::Url,
    spec: &Source,
    client: &Client,
    task_id: &str,
    wait_secs: u64,
) -> Result<String, Missing> {
    let url = api_url(base, &["api", "ce", "task"], &[("id", task_id)]);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(wait_secs);
    let mut pause = POLL_FIRST;
    let what = format!("compute-engine task {task_id}");
    loop {
        let body: Json = get_json(client, &url, &spec.access, &what).await?;
        let task = &body["task"];
        let status = task["status"].as_str().unwrap_or("");
        match status {
            "SUCCESS" => {
                return task["analysisId"]
                    .as_str()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .ok_or_else(|| {
                        Missing::new(
                            MissingReason::Empty,
                            format!("{what} succeeded without an analysisId"),
                        )
                    });
            }
            "FAILED" | "CANCELED" => {
                let why = task["errorMessage"]
                    .as_str()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default();
                return Err(Missing::new(
                    MissingReason::Empty,
                    format!("{what} ended {status}{why}; that analysis has no quality gate status"),
                ));
            }
            "PENDING" | "IN_PROGRESS" => {}
            other => {
                return Err(Missing::new(
                    MissingReason::ParseError,
                    format!("{what}: unexpected task status `{other}`"),
                ));
            }
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Err(Missing::new(
                MissingReason::Timeout,
                format!("{what} was still {status} after {wait_secs}s (raise `wait` on the check)"),
            ));
        }
        tokio::time::sleep(pause.min(deadline - now)).await;
        pause = (pause * 2).min(POLL_MAX);
    }
}

/// `api/qualitygates/project_status` → status, condition counts, failing conditions as items.
pub fn gate_values(body: &Json) -> Result<ValueSet, String> {
    let ps = body
        .get("projectStatus")
        .ok_or("no `projectStatus` in the answer")?;
    let status = ps["status"]
        .as_str()
        .ok_or("`projectStatus.status` is missing")?
        .to_ascii_uppercase();
    let mut set = ValueSet::default();
    let conditions = ps["conditions"].as_array().cloned().unwrap_or_default();
    let mut failed = 0u64;
    for c in &conditions {
        let cstatus = c["status"].as_str().unwrap_or("");
        if cstatus != "ERROR" && cstatus != "WARN" {
            continue;
        }
        if cstatus == "ERROR" {
            failed += 1;
        }
        let metric = c["metricKey"].as_str().unwrap_or("?");
        let actual = c["actualValue"].as_str().unwrap_or("(no value)");
        let comparator = match c["comparator"].as_str().unwrap_or("") {
            "LT" => "<",
            "GT" => ">",
            "EQ" => "==",
            "NE" => "!=",
            other => other,
        };
        let threshold = c["errorThreshold"]
            .as_str()
            .or_else(|| c["warningThreshold"].as_str());
        let rule = match threshold {
            Some(t) => format!(", failing when {comparator} {t}"),
            None => String::new(),
        };
        set.items.push(ValueItem {
            key: metric.to_string(),
            text: format!(
                "{} condition on {metric}: actual {}{rule}",
                cstatus.to_ascii_lowercase(),
                format_value(actual)
            ),
        });
    }
    set.values
        .insert("status".into(), Value::Text(status.clone()));
    set.values
        .insert("passed".into(), Value::Bool(status == "OK"));
    set.values
        .insert("conditions".into(), Value::Number(conditions.len() as f64));
    if status == "NONE" {
        set.unavailable.insert(
            "failed_conditions".into(),
            "the quality gate status is NONE (no gate computed for this project or analysis)"
                .into(),
        );
    } else {
        set.values
            .insert("failed_conditions".into(), Value::Number(failed as f64));
    }
    if ps["ignoredConditions"].as_bool() == Some(true) {
        set.notes.push(
            "SonarQube ignored some conditions (too few new lines to judge coverage or duplication)"
                .into(),
        );
    }
    Ok(set)
}

fn format_value(raw: &str) -> String {
    match raw.parse::<f64>() {
        Ok(n) => crate::evidence::format_number(n),
        Err(_) => raw.to_string(),
    }
}

async fn measures(
    base: &reqwest::Url,
    spec: &Source,
    r: &MeasuresRequest,
    client: &Client,
) -> Result<ValueSet, Missing> {
    let component = expand(&r.component, "component")?;
    let mut scope: Vec<(&str, String)> = Vec::new();
    let mut what = format!("measures of SonarQube component `{component}`");
    if let Some(b) = expand_opt(r.branch.as_deref(), "branch")? {
        what.push_str(&format!(" (branch `{b}`)"));
        scope.push(("branch", b));
    } else if let Some(pr) = expand_opt(r.pull_request.as_deref(), "pull_request")? {
        what.push_str(&format!(" (pull request {pr})"));
        scope.push(("pullRequest", pr));
    }
    let keys: Vec<&str> = MEASURE_KEYS.iter().map(|(k, _)| *k).collect();
    let keys = keys.join(",");
    let mut query: Vec<(&str, &str)> = vec![("component", &component), ("metricKeys", &keys)];
    query.extend(scope.iter().map(|(k, v)| (*k, v.as_str())));
    let url = api_url(base, &["api", "measures", "component"], &query);
    let body: Json = get_json(client, &url, &spec.access, &what).await?;
    let mut set = measure_values(&body)
        .map_err(|e| Missing::new(MissingReason::ParseError, format!("{what}: {e}")))?;
    if r.history >= 2 {
        let hist = history(base, spec, client, &component, &scope, r.history, &what).await?;
        apply_history(&mut set, &hist, r.history as usize);
    } else {
        for (k, _) in history_keys() {
            for suffix in ["_delta", "_trend"] {
                set.unavailable.insert(
                    format!("{k}{suffix}"),
                    "history is not read: set `history: 2` (or more) on the check".into(),
                );
            }
        }
        set.unavailable.insert(
            "worsened".into(),
            "history is not read: set `history: 2` (or more) on the check".into(),
        );
    }
    Ok(set)
}

/// `api/measures/component` → one value per measure key it holds. `new_*` measures carry their
/// value in `period` (or `periods[0]` on older servers).
pub fn measure_values(body: &Json) -> Result<ValueSet, String> {
    let measures = body["component"]["measures"]
        .as_array()
        .ok_or("no `component.measures` in the answer")?;
    let mut set = ValueSet::default();
    for m in measures {
        let Some(metric) = m["metric"].as_str() else {
            continue;
        };
        let value = number(&m["value"])
            .or_else(|| number(&m["period"]["value"]))
            .or_else(|| number(&m["periods"][0]["value"]));
        if let Some(v) = value {
            set.values.insert(metric.to_string(), Value::Number(v));
        }
    }
    for (k, _) in MEASURE_KEYS {
        if !set.values.contains_key(*k) {
            let why = if k.starts_with("new_") {
                "SonarQube has no value for it (no new code in the period, or no new-code period set)"
            } else {
                "SonarQube has no value for it on this component (not computed, or not imported)"
            };
            set.unavailable.insert(k.to_string(), why.into());
        }
    }
    if let Some(period) = body["period"]["mode"]
        .as_str()
        .or_else(|| body["periods"][0]["mode"].as_str())
    {
        set.notes.push(format!("new-code period: {period}"));
    }
    Ok(set)
}

/// Values per key, oldest first, `None` where an analysis had no value.
pub type History = BTreeMap<String, Vec<Option<f64>>>;

#[allow(clippy::too_many_arguments)]
async fn history(
    base: &reqwest::Url,
    spec: &Source,
    client: &Client,
    component: &str,
    scope: &[(&str, String)],
    n: u32,
    what: &str,
) -> Result<History, Missing> {
    const PAGE: u32 = 1000;
    let keys: Vec<&str> = history_keys().map(|(k, _)| k).collect();
    let keys = keys.join(",");
    let what = format!("{what}, history");
    let page = |p: u32| {
        let p = p.to_string();
        let ps = PAGE.to_string();
        let mut query: Vec<(&str, &str)> = vec![
            ("component", component),
            ("metrics", &keys),
            ("p", &p),
            ("ps", &ps),
        ];
        query.extend(scope.iter().map(|(k, v)| (*k, v.as_str())));
        api_url(base, &["api", "measures", "search_history"], &query)
    };
    let first: Json = get_json(client, &page(1), &spec.access, &what).await?;
    let total = first["paging"]["total"].as_u64().unwrap_or(0);
    let last_page = total.div_ceil(u64::from(PAGE)).max(1) as u32;
    let mut pages = vec![first];
    if last_page > 1 {
        let tail: Json = get_json(client, &page(last_page), &spec.access, &what).await?;
        let tail_len = tail["measures"][0]["history"]
            .as_array()
            .map_or(0, Vec::len);
        if (tail_len as u32) < n && last_page > 2 {
            let before: Json = get_json(client, &page(last_page - 1), &spec.access, &what).await?;
            pages = vec![before, tail];
        } else if last_page == 2 {
            pages.push(tail);
        } else {
            pages = vec![tail];
        }
    }
    let mut out = History::new();
    for body in &pages {
        let measures = body["measures"].as_array().ok_or_else(|| {
            Missing::new(
                MissingReason::ParseError,
                format!("{what}: no `measures` in the answer"),
            )
        })?;
        for m in measures {
            let Some(metric) = m["metric"].as_str() else {
                continue;
            };
            let entry = out.entry(metric.to_string()).or_default();
            for h in m["history"].as_array().into_iter().flatten() {
                entry.push(number(&h["value"]));
            }
        }
    }
    Ok(out)
}

/// Adds `<key>_delta`, `<key>_trend` and `worsened` from a history (oldest first).
pub fn apply_history(set: &mut ValueSet, history: &History, n: usize) {
    let mut worsened = 0u64;
    let mut judged = 0u64;
    for (key, better) in history_keys() {
        let series = history.get(key).map(Vec::as_slice).unwrap_or(&[]);
        let window = &series[series.len().saturating_sub(n)..];
        let delta_name = format!("{key}_delta");
        let trend_name = format!("{key}_trend");
        let latest = window.last().copied().flatten();
        let Some(latest) = latest else {
            let why = if window.is_empty() {
                "SonarQube has no history for it".to_string()
            } else {
                "the latest analysis has no value for it".to_string()
            };
            set.unavailable.insert(delta_name, why.clone());
            set.unavailable.insert(trend_name, why);
            continue;
        };
        let previous = window[..window.len() - 1].iter().rev().find_map(|v| *v);
        match previous {
            Some(prev) => {
                let delta = latest - prev;
                set.values.insert(delta_name, Value::Number(delta));
                if better != Better::Neither {
                    judged += 1;
                    let worse = match better {
                        Better::Higher => delta < -1e-9,
                        Better::Lower => delta > 1e-9,
                        Better::Neither => false,
                    };
                    if worse {
                        worsened += 1;
                        set.items.push(ValueItem {
                            key: key.to_string(),
                            text: format!(
                                "{key} got worse: {} → {}",
                                crate::evidence::format_number(prev),
                                crate::evidence::format_number(latest)
                            ),
                        });
                    }
                }
            }
            None => {
                set.unavailable
                    .insert(delta_name, "no earlier analysis has a value for it".into());
            }
        }
        if window.len() < 2 {
            set.unavailable.insert(
                trend_name,
                format!("{} analysis in the history, 2 needed", window.len()),
            );
        } else if let Some(oldest) = window[0] {
            set.values
                .insert(trend_name, Value::Number(latest - oldest));
        } else {
            set.unavailable.insert(
                trend_name,
                format!("the analysis {} back has no value for it", window.len() - 1),
            );
        }
    }
    if judged > 0 {
        set.values
            .insert("worsened".into(), Value::Number(worsened as f64));
    } else {
        set.unavailable.insert(
            "worsened".into(),
            "fewer than two analyses with values: nothing to compare".into(),
        );
    }
    let analyses = history.values().map(Vec::len).max().unwrap_or(0).min(n);
    set.notes
        .push(format!("history: the last {analyses} analyses"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_task_needs_its_task_id() {
        let t = parse_report_task(
            "projectKey=acme\nserverUrl=https://sonar.example\nceTaskId=AYx1\nceTaskUrl=https://sonar.example/api/ce/task?id=AYx1\n",
        )
        .unwrap();
        assert_eq!(t.ce_task_id, "AYx1");
        assert_eq!(t.project_key.as_deref(), Some("acme"));
        assert!(parse_report_task("projectKey=acme\n").is_err());
    }

    #[test]
    fn none_status_is_not_ok_and_has_no_failed_count() {
        let set = gate_values(&serde_json::json!({"projectStatus": {"status": "NONE"}})).unwrap();
        assert_eq!(set.values["status"], Value::Text("NONE".into()));
        assert_eq!(set.values["passed"], Value::Bool(false));
        assert!(set.unavailable.contains_key("failed_conditions"));
    }

    #[test]
    fn history_deltas_trends_and_worsened() {
        let mut h = History::new();
        h.insert("coverage".into(), vec![Some(70.0), Some(80.0), Some(78.5)]);
        h.insert(
            "security_rating".into(),
            vec![Some(2.0), Some(1.0), Some(1.0)],
        );
        h.insert("bugs".into(), vec![Some(3.0), None]);
        h.insert("ncloc".into(), vec![Some(100.0)]);
        let mut set = ValueSet::default();
        apply_history(&mut set, &h, 3);
        assert_eq!(set.values["coverage_delta"], Value::Number(-1.5));
        assert_eq!(set.values["coverage_trend"], Value::Number(8.5));
        assert_eq!(set.values["security_rating_delta"], Value::Number(0.0));
        assert_eq!(set.values["security_rating_trend"], Value::Number(-1.0));
        assert_eq!(set.values["worsened"], Value::Number(1.0));
        assert_eq!(set.items.len(), 1);
        assert!(set.items[0].text.contains("coverage got worse: 80 → 78.5"));
        assert!(set.unavailable["bugs_delta"].contains("latest analysis"));
        assert!(set.unavailable["ncloc_delta"].contains("no earlier"));
        assert!(set.unavailable["ncloc_trend"].contains("2 needed"));
    }

    #[test]
    fn a_window_of_two_compares_the_last_two_analyses() {
        let mut h = History::new();
        h.insert("coverage".into(), vec![Some(50.0), Some(90.0), Some(80.0)]);
        let mut set = ValueSet::default();
        apply_history(&mut set, &h, 2);
        assert_eq!(set.values["coverage_trend"], Value::Number(-10.0));
        assert_eq!(set.values["coverage_delta"], Value::Number(-10.0));
    }
}
