//! Argo CD API: the state of one Application, as the Argo CD server reports it.
//!
//! `GET /api/v1/applications/{name}` returns the Application resource; its `status.sync.status`
//! and `status.health.status` are the two facts a deployment gate asks about, and
//! `status.summary.images` lists what actually runs. Statuses are passed through as Argo CD
//! spells them (Synced/OutOfSync/Unknown, Healthy/Progressing/Degraded/Suspended/Missing/
//! Unknown), so rules compare against the words users see in the Argo CD UI.

use serde_json::Value as Json;

use super::common::{self, api_url, expand, expand_opt, get_json};
use crate::config::Source;
use crate::evidence::{Missing, MissingReason, Value, ValueItem, ValueSet};
use crate::fetch::client::Client;
use crate::model::request::argocd::ArgocdRequest;

pub(super) async fn query(
    source: &str,
    spec: &Source,
    request: &str,
    client: &Client,
) -> Result<ValueSet, Missing> {
    let ArgocdRequest::ArgocdApp(r) = common::request(
        source,
        request,
        "is an Argo CD server; it answers `argocd-app` checks only",
    )?;
    let (body, what) =
        application(source, spec, &r.name, r.app_namespace.as_deref(), client).await?;
    app_values(&body).map_err(|e| Missing::new(MissingReason::ParseError, format!("{what}: {e}")))
}

/// The Application resource, and how to name it in messages.
async fn application(
    source: &str,
    spec: &Source,
    name: &str,
    app_namespace: Option<&str>,
    client: &Client,
) -> Result<(Json, String), Missing> {
    let base = common::base_url(source, spec)?;
    let name = expand(name, "name")?;
    let ns = expand_opt(app_namespace, "app_namespace")?;
    let query: Vec<(&str, &str)> = ns.iter().map(|n| ("appNamespace", n.as_str())).collect();
    let url = api_url(&base, &["api", "v1", "applications", &name], &query);
    let what = format!("Argo CD application `{name}`");
    let body: Json = get_json(client, &url, &spec.access, &what).await?;
    Ok((body, what))
}

/// The images an Application reports as deployed (`status.summary.images`).
pub(super) async fn deployed_images(
    source: &str,
    spec: &Source,
    name: &str,
    app_namespace: Option<&str>,
    client: &Client,
) -> Result<Vec<String>, Missing> {
    let (body, what) = application(source, spec, name, app_namespace, client).await?;
    let images = body
        .pointer("/status/summary/images")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if body.get("status").is_none() {
        return Err(Missing::new(
            MissingReason::ParseError,
            format!("{what}: no `status` in the answer: is this an Argo CD Application?"),
        ));
    }
    Ok(images)
}

/// The Application → sync, health, automation and deployed images.
pub fn app_values(app: &Json) -> Result<ValueSet, String> {
    let status = app
        .get("status")
        .filter(|s| s.is_object())
        .ok_or("no `status` in the answer: is this an Argo CD Application?")?;
    let mut set = ValueSet::default();
    for (metric, pointer) in [
        ("sync", "/sync/status"),
        ("health", "/health/status"),
        ("operation_phase", "/operationState/phase"),
    ] {
        match status.pointer(pointer).and_then(Json::as_str) {
            Some(v) => {
                set.values.insert(metric.into(), Value::Text(v.to_string()));
            }
            None => {
                set.unavailable.insert(
                    metric.into(),
                    format!(
                        "the Application has no `status{}`",
                        pointer.replace('/', ".")
                    ),
                );
            }
        }
    }
    let automated = app
        .pointer("/spec/syncPolicy/automated")
        .is_some_and(|a| !a.is_null());
    set.values
        .insert("auto_sync".into(), Value::Bool(automated));
    let images: Vec<&str> = status
        .pointer("/summary/images")
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    set.values
        .insert("images".into(), Value::Number(images.len() as f64));
    for image in images {
        set.items.push(ValueItem {
            key: image.to_string(),
            text: format!("deployed image {image}"),
        });
    }
    if let Some(msg) = status
        .pointer("/health/message")
        .and_then(Json::as_str)
        .filter(|m| !m.is_empty())
    {
        set.notes.push(format!("health: {msg}"));
    }
    if let Some(rev) = status.pointer("/sync/revision").and_then(Json::as_str) {
        set.notes.push(format!("synced to revision {rev}"));
    }
    for c in status
        .get("conditions")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(t), Some(m)) = (c["type"].as_str(), c["message"].as_str()) {
            set.notes.push(format!("{t}: {m}"));
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_sync_and_missing_operation_state() {
        let app = serde_json::json!({
            "spec": {"syncPolicy": {}},
            "status": {"sync": {"status": "OutOfSync"}, "health": {"status": "Degraded",
                       "message": "Deployment exceeded its progress deadline"}}});
        let set = app_values(&app).unwrap();
        assert_eq!(set.values["sync"], Value::Text("OutOfSync".into()));
        assert_eq!(set.values["auto_sync"], Value::Bool(false));
        assert_eq!(set.values["images"], Value::Number(0.0));
        assert!(set.unavailable["operation_phase"].contains("operationState"));
        assert!(set.notes[0].contains("progress deadline"));
    }

    #[test]
    fn a_non_application_is_a_parse_error() {
        assert!(app_values(&serde_json::json!({"error": "x"})).is_err());
        assert!(app_values(&serde_json::json!([])).is_err());
    }
}
