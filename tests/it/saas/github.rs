//! GitHub: the latest check run of a commit, and workflow artifacts read in memory from their
//! zip, within a size cap.

use gonogo::config::SourceSpec;
use gonogo::evidence::MissingReason;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::fixture;

use super::{
    GITHUB_TOKEN, SHA, flag, here, json_fixture, read_report, run, source, tests_of, text,
};

fn github(server: &MockServer) -> SourceSpec {
    source(
        "github",
        &server.uri(),
        json!({"bearer_env": "T_GITHUB_TOKEN"}),
    )
}

#[tokio::test]
async fn check_run_latest_conclusion() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/repos/acme/shop/commits/{SHA}/check-runs")))
        .and(query_param("check_name", "trivy-scan"))
        .and(header(
            "authorization",
            format!("Bearer {GITHUB_TOKEN}").as_str(),
        ))
        .respond_with(json_fixture("github/check-runs.json"))
        .expect(1)
        .mount(&server)
        .await;
    let m = run(
        json!({"kind": "check-run", "repo": "acme/shop", "sha": SHA, "name": "trivy-scan"}),
        &github(&server),
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(
        text(&m, "conclusion"),
        "success",
        "the re-run (higher id) counts"
    );
    assert!(flag(&m, "succeeded"));
    assert!(m.notes[0].contains("31077"));
}

#[tokio::test]
async fn in_progress_and_401() {
    let server = MockServer::start().await;
    Mock::given(path(format!("/repos/acme/shop/commits/{SHA}/check-runs")))
        .and(query_param("check_name", "build"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"total_count": 1,
            "check_runs": [{"id": 9, "name": "build", "status": "in_progress", "conclusion": null,
                            "head_sha": SHA, "started_at": "2026-11-29T10:00:00Z"}]})),
        )
        .mount(&server)
        .await;
    Mock::given(path(format!(
        "/repos/acme/private/commits/{SHA}/check-runs"
    )))
    .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})))
    .expect(1)
    .mount(&server)
    .await;
    let m = run(
        json!({"kind": "check-run", "repo": "acme/shop", "sha": SHA, "name": "build"}),
        &github(&server),
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(text(&m, "status"), "in_progress");
    assert!(m.unavailable["succeeded"].contains("has not completed"));
    let err = run(
        json!({"kind": "check-run", "repo": "acme/private", "sha": SHA, "name": "build"}),
        &github(&server),
        &here(),
    )
    .await
    .unwrap_err();
    assert!(err.detail.contains("HTTP 401"), "{}", err.detail);
    assert!(
        err.detail.contains("authentication failed"),
        "{}",
        err.detail
    );
    assert!(!err.detail.contains(GITHUB_TOKEN));
}

fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(data.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[tokio::test]
async fn workflow_artifact_zip_is_read_in_memory() {
    let server = MockServer::start().await;
    let junit = fixture("junit/pytest/pytest-junit.xml");
    let other = fixture("junit/nextest/nextest-junit.xml");
    let zip = zip_of(&[
        ("pytest/TEST-a.xml", junit.as_str()),
        ("pytest/TEST-b.xml", other.as_str()),
        ("coverage.xml", "<coverage/>"),
    ]);
    Mock::given(path("/repos/acme/shop/actions/runs/7001/artifacts"))
        .and(query_param("name", "test-reports"))
        .and(header(
            "authorization",
            format!("Bearer {GITHUB_TOKEN}").as_str(),
        ))
        .respond_with(json_fixture("github/artifacts.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/repos/acme/shop/actions/artifacts/88123/zip"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            format!("{}/blob/88123.zip", server.uri()).as_str(),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/blob/88123.zip"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(zip, "application/zip"))
        .expect(1)
        .mount(&server)
        .await;
    let mut spec = github(&server);
    spec.kind = Some("junit".into());
    spec.github_artifact = Some(
        serde_json::from_value(
            json!({"repo": "acme/shop", "run_id": "7001", "name": "test-reports", "path": "pytest/TEST-*.xml"}),
        )
        .unwrap(),
    );
    let (ev, fmt, files) = read_report(&spec).await.unwrap();
    assert_eq!((fmt.as_str(), files), ("junit", 2));
    assert_eq!(tests_of(&ev), (6, 2, 1), "two reports merged");

    spec.github_artifact = Some(
        serde_json::from_value(json!({"repo": "acme/shop", "run_id": "7001", "name": "other"}))
            .unwrap(),
    );
    Mock::given(path("/repos/acme/shop/actions/runs/7001/artifacts"))
        .and(query_param("name", "other"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"total_count": 0, "artifacts": []})),
        )
        .mount(&server)
        .await;
    let err = read_report(&spec).await.unwrap_err();
    assert_eq!(err.reason, MissingReason::NotFound);
    assert!(
        err.detail.contains("no artifact of that name"),
        "{}",
        err.detail
    );
}

#[tokio::test]
async fn artifact_larger_than_the_cap_is_not_downloaded() {
    let server = MockServer::start().await;
    Mock::given(path("/repos/acme/shop/actions/runs/7001/artifacts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total_count": 1,
            "artifacts": [{"id": 5, "name": "huge", "size_in_bytes": 10u64 << 30, "expired": false}]})))
        .mount(&server)
        .await;
    let mut spec = github(&server);
    spec.kind = None;
    spec.github_artifact = Some(
        serde_json::from_value(json!({"repo": "acme/shop", "run_id": "7001", "name": "huge"}))
            .unwrap(),
    );
    let err = read_report(&spec).await.unwrap_err();
    assert_eq!(err.reason, MissingReason::Unreadable);
    assert!(err.detail.contains("10240 MiB"), "{}", err.detail);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
