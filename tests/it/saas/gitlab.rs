//! GitLab: the pipeline of a commit, job artifacts and test reports read as reports, and a token
//! that stays home when an artifact download is redirected to object storage.

use gonogo::config::SourceSpec;
use gonogo::evidence::MissingReason;
use serde_json::json;
use wiremock::matchers::{header, header_exists, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::fixture;

use super::{
    GITLAB_TOKEN, PASSING_JUNIT, SHA, flag, here, json_fixture, read_report, run, source, tests_of,
    text,
};

fn gitlab(server: &MockServer) -> SourceSpec {
    source(
        "gitlab",
        &format!("{}/api/v4", server.uri()),
        json!({"header": {"name": "PRIVATE-TOKEN", "value_env": "T_GITLAB_TOKEN"}}),
    )
}

#[tokio::test]
async fn pipeline_of_a_commit() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v4/projects/acme%2Fshop/pipelines"))
        .and(query_param("sha", SHA))
        .and(query_param("order_by", "id"))
        .and(header("PRIVATE-TOKEN", GITLAB_TOKEN))
        .respond_with(json_fixture("gitlab/pipelines.json"))
        .expect(1)
        .mount(&server)
        .await;
    let m = run(
        json!({"kind": "pipeline", "project": "acme/shop", "sha": "$T_COMMIT_SHA"}),
        &gitlab(&server),
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(text(&m, "status"), "success");
    assert!(flag(&m, "succeeded"));
    assert!(m.notes[0].contains("pipeline 98211 on `main`"));
}

#[tokio::test]
async fn running_pipeline_has_no_verdict_and_no_pipeline_is_not_found() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v4/projects/1377/pipelines"))
        .and(query_param("sha", SHA))
        .respond_with(json_fixture("gitlab/pipelines-running.json"))
        .mount(&server)
        .await;
    Mock::given(path("/api/v4/projects/1377/pipelines"))
        .and(query_param("sha", "0000000"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("[]", "application/json"))
        .mount(&server)
        .await;
    let m = run(
        json!({"kind": "pipeline", "project": "1377", "sha": SHA}),
        &gitlab(&server),
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(text(&m, "status"), "running");
    assert!(m.unavailable["succeeded"].contains("has not finished"));
    let err = run(
        json!({"kind": "pipeline", "project": "1377", "sha": "0000000"}),
        &gitlab(&server),
        &here(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.reason, MissingReason::NotFound);
    assert!(err.detail.contains("commit 0000000"), "{}", err.detail);
}

#[tokio::test]
async fn secret_looking_variables_are_refused() {
    let server = MockServer::start().await;
    let err = run(
        json!({"kind": "pipeline", "project": "1377", "sha": "$T_GITLAB_TOKEN"}),
        &gitlab(&server),
        &here(),
    )
    .await
    .unwrap_err();
    assert!(err.detail.contains("looks like a secret"), "{}", err.detail);
    assert!(!err.detail.contains(GITLAB_TOKEN));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn job_artifact_goes_through_format_detection() {
    let server = MockServer::start().await;
    Mock::given(path(
        "/api/v4/projects/acme%2Fshop/jobs/artifacts/feature%2Fx/raw/reports/junit.xml",
    ))
    .and(query_param("job", "unit tests"))
    .and(header("PRIVATE-TOKEN", GITLAB_TOKEN))
    .respond_with(ResponseTemplate::new(200).set_body_raw(
        fixture("junit/pytest/pytest-junit.xml"),
        "application/octet-stream",
    ))
    .expect(1)
    .mount(&server)
    .await;
    Mock::given(path(
        "/api/v4/projects/acme%2Fshop/jobs/551203/artifacts/reports/junit.xml",
    ))
    .respond_with(
        ResponseTemplate::new(404)
            .set_body_raw(r#"{"message":"404 Not found"}"#, "application/json"),
    )
    .mount(&server)
    .await;
    let mut spec = gitlab(&server);
    spec.kind = None;
    spec.gitlab_artifact = Some(
        serde_json::from_value(json!({"project": "acme/shop", "ref": "feature/x", "job": "unit tests", "path": "reports/junit.xml"}))
            .unwrap(),
    );
    let (ev, fmt, files) = read_report(&spec).await.unwrap();
    assert_eq!((fmt.as_str(), files), ("junit", 1));
    assert_eq!(tests_of(&ev), (4, 1, 1));

    spec.gitlab_artifact = Some(
        serde_json::from_value(
            json!({"project": "acme/shop", "job_id": "551203", "path": "reports/junit.xml"}),
        )
        .unwrap(),
    );
    let err = read_report(&spec).await.unwrap_err();
    assert!(
        err.detail
            .starts_with("artifact reports/junit.xml of GitLab project `acme/shop`")
    );
    assert!(err.detail.contains("HTTP 404"), "{}", err.detail);
}

#[tokio::test]
async fn test_report_by_pipeline_and_by_commit() {
    let server = MockServer::start().await;
    Mock::given(path(
        "/api/v4/projects/acme%2Fshop/pipelines/98211/test_report_summary",
    ))
    .respond_with(json_fixture("gitlab/test_report_summary.json"))
    .expect(2)
    .mount(&server)
    .await;
    Mock::given(path("/api/v4/projects/acme%2Fshop/pipelines"))
        .and(query_param("sha", SHA))
        .respond_with(json_fixture("gitlab/pipelines.json"))
        .expect(1)
        .mount(&server)
        .await;
    let mut spec = gitlab(&server);
    spec.kind = None;
    spec.gitlab_test_report = Some(
        serde_json::from_value(
            json!({"project": "acme/shop", "pipeline": "98211", "summary": true}),
        )
        .unwrap(),
    );
    let (ev, fmt, _) = read_report(&spec).await.unwrap();
    assert_eq!(fmt, "gitlab-test-report");
    assert_eq!(tests_of(&ev), (12, 1, 0));
    spec.gitlab_test_report = Some(
        serde_json::from_value(
            json!({"project": "acme/shop", "sha": "$T_COMMIT_SHA", "summary": true}),
        )
        .unwrap(),
    );
    assert_eq!(tests_of(&read_report(&spec).await.unwrap().0), (12, 1, 0));
}

/// GitLab answers artifact downloads with a redirect to object storage when direct download is
/// on; the token must not follow it to that other host.
#[tokio::test]
async fn token_does_not_follow_a_redirect_to_object_storage() {
    let gitlab_server = MockServer::start().await;
    let storage = MockServer::start().await;
    Mock::given(path("/api/v4/projects/7/jobs/9/artifacts/junit.xml"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            format!("{}/bucket/junit.xml", storage.uri()).as_str(),
        ))
        .mount(&gitlab_server)
        .await;
    Mock::given(path("/bucket/junit.xml"))
        .and(header_exists("PRIVATE-TOKEN"))
        .respond_with(ResponseTemplate::new(418))
        .with_priority(1)
        .mount(&storage)
        .await;
    Mock::given(path("/bucket/junit.xml"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(PASSING_JUNIT, "application/xml"))
        .with_priority(2)
        .mount(&storage)
        .await;
    let mut spec = gitlab(&gitlab_server);
    spec.kind = None;
    spec.gitlab_artifact = Some(
        serde_json::from_value(json!({"project": "7", "job_id": "9", "path": "junit.xml"}))
            .unwrap(),
    );
    let (ev, _, _) = read_report(&spec).await.unwrap();
    assert_eq!(tests_of(&ev), (2, 0, 0));
}
