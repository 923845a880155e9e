//! Argo CD: the sync, health and images of an application, and the answers that are not one.

use gonogo::config::SourceSpec;
use gonogo::evidence::MissingReason;
use serde_json::json;
use wiremock::matchers::{header, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{ARGOCD_TOKEN, flag, here, json_fixture, num, run, source, text};

fn argocd(server: &MockServer) -> SourceSpec {
    source(
        "argocd",
        &server.uri(),
        json!({"bearer_env": "T_ARGOCD_TOKEN"}),
    )
}

#[tokio::test]
async fn application_state_and_images() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/applications/acme-shop-dev-7f3a-infra-9c21"))
        .and(header(
            "authorization",
            format!("Bearer {ARGOCD_TOKEN}").as_str(),
        ))
        .respond_with(json_fixture("argocd/application.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/applications/acme-shop-prod-7f3a-infra-9c21"))
        .and(query_param("appNamespace", "apps"))
        .respond_with(json_fixture("argocd/application-degraded.json"))
        .expect(1)
        .mount(&server)
        .await;
    let m = run(
        json!({"kind": "argocd-app", "name": "acme-shop-dev-7f3a-infra-9c21"}),
        &argocd(&server),
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(
        (text(&m, "sync"), text(&m, "health")),
        ("Synced".into(), "Healthy".into())
    );
    assert_eq!(text(&m, "operation_phase"), "Succeeded");
    assert!(flag(&m, "auto_sync"));
    assert_eq!(num(&m, "images"), 2.0);
    assert_eq!(m.items[1].key, "docker.io/bitnami/redis:7.4.1");

    let m = run(
        json!({"kind": "argocd-app", "name": "acme-shop-prod-7f3a-infra-9c21", "app_namespace": "apps"}),
        &argocd(&server),
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(
        (text(&m, "sync"), text(&m, "health")),
        ("OutOfSync".into(), "Degraded".into())
    );
    assert!(!flag(&m, "auto_sync"));
    assert!(m.notes.iter().any(|n| n.contains("SyncError")));
}

#[tokio::test]
async fn malformed_json_and_404() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/applications/broken"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("{\"status\": {\"sync\": [", "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/applications/gone"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": "applications.argoproj.io \"gone\" not found", "code": 5})))
        .mount(&server)
        .await;
    let err = run(
        json!({"kind": "argocd-app", "name": "broken"}),
        &argocd(&server),
        &here(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.reason, MissingReason::ParseError);
    assert!(
        err.detail.contains("invalid JSON at line 1 column 21"),
        "{}",
        err.detail
    );
    let err = run(
        json!({"kind": "argocd-app", "name": "gone"}),
        &argocd(&server),
        &here(),
    )
    .await
    .unwrap_err();
    assert!(
        err.detail.starts_with("Argo CD application `gone`: "),
        "{}",
        err.detail
    );
    assert!(err.detail.contains("HTTP 404"), "{}", err.detail);
}
