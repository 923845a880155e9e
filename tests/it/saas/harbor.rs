//! Harbor: the scan overview and signature of an artifact, with its repository name encoded
//! twice as Harbor wants, and a scan still running.

use gonogo::config::SourceSpec;
use serde_json::json;
use wiremock::matchers::{header, header_exists, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{DIGEST, flag, here, json_fixture, num, run, source, text};

fn harbor(server: &MockServer) -> SourceSpec {
    source(
        "harbor",
        &server.uri(),
        json!({"basic": {"username_env": "T_HARBOR_USER", "password_env": "T_HARBOR_PASS"}}),
    )
}

#[tokio::test]
async fn scan_summary_and_signature_with_a_double_encoded_repository() {
    let server = MockServer::start().await;
    let artifact =
        format!("/api/v2.0/projects/acme-shop/repositories/team%252Fapi/artifacts/{DIGEST}");
    Mock::given(path(artifact.as_str()))
        .and(query_param("with_scan_overview", "true"))
        .and(header_exists("x-accept-vulnerabilities"))
        .and(header(
            "authorization",
            "Basic cm9ib3QkYWNtZS1zaG9wK2dhdGU6aGFyYm9yX3NlY3JldF9kMDBk",
        ))
        .respond_with(json_fixture("harbor/artifact-scanned.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(format!("{artifact}/accessories").as_str()))
        .respond_with(json_fixture("harbor/accessories.json"))
        .expect(1)
        .mount(&server)
        .await;
    let m = run(
        json!({"kind": "harbor-scan", "project": "acme-shop", "repository": "team/api", "reference": DIGEST}),
        &harbor(&server),
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(text(&m, "scan_status"), "Success");
    assert!(flag(&m, "scanned"));
    assert_eq!(
        [
            "critical", "high", "medium", "low", "unknown", "total", "fixable"
        ]
        .map(|k| num(&m, k)),
        [1.0, 4.0, 11.0, 6.0, 1.0, 23.0, 17.0]
    );
    assert!(flag(&m, "signed"));
}

#[tokio::test]
async fn running_scan_has_no_counts_and_missing_accessories_leave_signed_unknown() {
    let server = MockServer::start().await;
    Mock::given(path(
        "/api/v2.0/projects/acme-shop/repositories/api/artifacts/1.4.3",
    ))
    .respond_with(json_fixture("harbor/artifact-running.json"))
    .mount(&server)
    .await;
    Mock::given(path(
        "/api/v2.0/projects/acme-shop/repositories/api/artifacts/1.4.3/accessories",
    ))
    .respond_with(ResponseTemplate::new(404))
    .mount(&server)
    .await;
    let m = run(
        json!({"kind": "harbor-scan", "project": "acme-shop", "repository": "api", "reference": "1.4.3"}),
        &harbor(&server),
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(text(&m, "scan_status"), "Running");
    assert!(!flag(&m, "scanned"));
    assert!(!m.metrics.contains_key("critical"));
    assert!(m.unavailable["critical"].contains("still running (35% done)"));
    assert!(m.unavailable["signed"].contains("HTTP 404"));
}
