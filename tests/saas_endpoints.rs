//! SonarQube, GitLab, GitHub, Harbor and Argo CD endpoints against local wiremock servers that
//! serve the real response shapes (`tests/fixtures/api/`), then `gonogo check` end to end.
//!
//! Credentials live in environment variables set once, before any test reads the environment
//! (`init`), with values that are easy to search for in every output.

use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

use gonogo::checks::{Check, Measurement, Need};
use gonogo::config::SourceSpec;
use gonogo::evidence::{Evidence, Missing, MissingReason, Value};
use gonogo::fetch::FetchOptions;
use gonogo::fetch::endpoints;
use gonogo::fetch::http::Client;
use serde_json::json;
use wiremock::matchers::{header, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SONAR_TOKEN: &str = "squ_sonar_secret_7c1d9e";
const GITLAB_TOKEN: &str = "glpat-gitlab_secret_55aa";
const GITHUB_TOKEN: &str = "ghp_github_secret_19bf";
const HARBOR_USER: &str = "robot$acme-shop+gate";
const HARBOR_PASS: &str = "harbor_secret_d00d";
const ARGOCD_TOKEN: &str = "argocd_secret_jwt_4e4e";
const SHA: &str = "2bb5a7a6f58c2de9e9e2b5d4a8d1d5d0b6f4c1e3";

static ENV: Once = Once::new();

/// Every test calls this first, so no thread reads the environment while it is written.
fn init() {
    ENV.call_once(|| {
        // SAFETY: runs once, before any test of this binary reads the environment: every test
        // starts with `init()`, and `Once` makes the others wait until it is done.
        unsafe {
            std::env::set_var("T_SONAR_TOKEN", SONAR_TOKEN);
            std::env::set_var("T_GITLAB_TOKEN", GITLAB_TOKEN);
            std::env::set_var("T_GITHUB_TOKEN", GITHUB_TOKEN);
            std::env::set_var("T_HARBOR_USER", HARBOR_USER);
            std::env::set_var("T_HARBOR_PASS", HARBOR_PASS);
            std::env::set_var("T_ARGOCD_TOKEN", ARGOCD_TOKEN);
            std::env::set_var("T_COMMIT_SHA", SHA);
        }
    });
}

fn fixture(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn json_fixture(rel: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(&format!("api/{rel}")), "application/json")
}

fn source(kind: &str, url: &str, auth: serde_json::Value) -> SourceSpec {
    serde_json::from_value(json!({"kind": kind, "url": url, "auth": auth})).unwrap()
}

fn sonar(server: &MockServer) -> SourceSpec {
    source(
        "sonarqube",
        &server.uri(),
        json!({"bearer_env": "T_SONAR_TOKEN"}),
    )
}

fn gitlab(server: &MockServer) -> SourceSpec {
    source(
        "gitlab",
        &format!("{}/api/v4", server.uri()),
        json!({"header": {"name": "PRIVATE-TOKEN", "value_env": "T_GITLAB_TOKEN"}}),
    )
}

fn github(server: &MockServer) -> SourceSpec {
    source(
        "github",
        &server.uri(),
        json!({"bearer_env": "T_GITHUB_TOKEN"}),
    )
}

fn harbor(server: &MockServer) -> SourceSpec {
    source(
        "harbor",
        &server.uri(),
        json!({"basic": {"username_env": "T_HARBOR_USER", "password_env": "T_HARBOR_PASS"}}),
    )
}

fn argocd(server: &MockServer) -> SourceSpec {
    source(
        "argocd",
        &server.uri(),
        json!({"bearer_env": "T_ARGOCD_TOKEN"}),
    )
}

fn client() -> Client {
    Client::new(&FetchOptions {
        request_timeout: Duration::from_secs(5),
        ..FetchOptions::default()
    })
}

/// Runs one check against `spec` the way `gonogo check` does: need → fetch → measure.
async fn run(
    check: serde_json::Value,
    spec: &SourceSpec,
    root: &Path,
) -> Result<Measurement, Missing> {
    let check: Check = serde_json::from_value(check).unwrap();
    let Need::Query { source, request } = check.need() else {
        panic!("an endpoint check asks for a query");
    };
    let evidence = endpoints::query_at(&source, spec, &request, &client(), root).await?;
    check.measure(&evidence, &mut |_| false)
}

fn text(m: &Measurement, metric: &str) -> String {
    match m.metrics.get(metric) {
        Some(Value::Text(t)) => t.clone(),
        other => panic!("{metric}: {other:?} in {m:?}"),
    }
}

fn num(m: &Measurement, metric: &str) -> f64 {
    match m.metrics.get(metric) {
        Some(Value::Number(n)) => *n,
        other => panic!("{metric}: {other:?} in {m:?}"),
    }
}

fn flag(m: &Measurement, metric: &str) -> bool {
    match m.metrics.get(metric) {
        Some(Value::Bool(b)) => *b,
        other => panic!("{metric}: {other:?} in {m:?}"),
    }
}

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------- SonarQube

#[tokio::test]
async fn sonar_failing_gate_lists_its_failing_conditions() {
    init();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/qualitygates/project_status"))
        .and(query_param("projectKey", "acme-shop"))
        .and(query_param("branch", "main"))
        .and(header(
            "authorization",
            format!("Bearer {SONAR_TOKEN}").as_str(),
        ))
        .respond_with(json_fixture("sonarqube/project_status-ERROR.json"))
        .expect(1)
        .mount(&server)
        .await;
    let m = run(
        json!({"kind": "quality-gate", "project": "acme-shop", "branch": "main"}),
        &sonar(&server),
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(text(&m, "status"), "ERROR");
    assert!(!flag(&m, "passed"));
    assert_eq!(num(&m, "failed_conditions"), 2.0);
    assert_eq!(num(&m, "conditions"), 4.0);
    let items: Vec<&str> = m.items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(
        items,
        [
            "error condition on new_coverage: actual 64.2857, failing when < 80",
            "error condition on new_violations: actual 2, failing when > 0"
        ]
    );
}

#[tokio::test]
async fn sonar_waived_condition_leaves_the_status_but_not_the_count() {
    init();
    let server = MockServer::start().await;
    Mock::given(path("/api/qualitygates/project_status"))
        .respond_with(json_fixture("sonarqube/project_status-ERROR.json"))
        .mount(&server)
        .await;
    let check: Check =
        serde_json::from_value(json!({"kind": "quality-gate", "project": "acme-shop"})).unwrap();
    let Need::Query { source, request } = check.need() else {
        unreachable!()
    };
    let ev = endpoints::query_at(&source, &sonar(&server), &request, &client(), &here())
        .await
        .unwrap();
    let m = check
        .measure(&ev, &mut |k: &str| k == "new_violations")
        .unwrap();
    assert_eq!(num(&m, "failed_conditions"), 1.0);
    assert_eq!(text(&m, "status"), "ERROR");
    assert_eq!(m.waived_items, 1);
}

#[tokio::test]
async fn sonar_ok_and_none() {
    init();
    let server = MockServer::start().await;
    Mock::given(path("/api/qualitygates/project_status"))
        .and(query_param("projectKey", "good"))
        .respond_with(json_fixture("sonarqube/project_status-OK.json"))
        .mount(&server)
        .await;
    Mock::given(path("/api/qualitygates/project_status"))
        .and(query_param("projectKey", "fresh"))
        .respond_with(json_fixture("sonarqube/project_status-NONE.json"))
        .mount(&server)
        .await;
    let m = run(
        json!({"kind": "quality-gate", "project": "good"}),
        &sonar(&server),
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(
        (text(&m, "status"), flag(&m, "passed")),
        ("OK".into(), true)
    );
    assert_eq!(num(&m, "failed_conditions"), 0.0);
    assert!(
        m.notes
            .iter()
            .any(|n| n.contains("ignored some conditions"))
    );

    let m = run(
        json!({"kind": "quality-gate", "project": "fresh"}),
        &sonar(&server),
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(text(&m, "status"), "NONE");
    assert!(!flag(&m, "passed"), "NONE is not OK");
    assert!(m.unavailable["failed_conditions"].contains("NONE"));
}

#[tokio::test]
async fn sonar_unknown_project_is_a_clear_404() {
    init();
    let server = MockServer::start().await;
    Mock::given(path("/api/qualitygates/project_status"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"errors":[{"msg":"Project 'nope' not found"}]}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = run(
        json!({"kind": "quality-gate", "project": "nope"}),
        &sonar(&server),
        &here(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.reason, MissingReason::Unreachable);
    assert!(
        err.detail
            .starts_with("quality gate of SonarQube project `nope`: "),
        "{}",
        err.detail
    );
    assert!(err.detail.contains("HTTP 404"), "{}", err.detail);
    assert!(err.detail.contains("not found"), "{}", err.detail);
}

#[tokio::test]
async fn sonar_401_is_not_retried_and_says_auth() {
    init();
    let server = MockServer::start().await;
    Mock::given(path("/api/qualitygates/project_status"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    let err = run(
        json!({"kind": "quality-gate", "project": "acme-shop"}),
        &sonar(&server),
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
    assert!(!err.detail.contains(SONAR_TOKEN));
    assert!(!err.detail.contains("after"), "not retried: {}", err.detail);
}

#[tokio::test]
async fn sonar_malformed_json_is_a_parse_error_with_position() {
    init();
    let server = MockServer::start().await;
    Mock::given(path("/api/qualitygates/project_status"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "{\"projectStatus\": {\n  \"status\": \"OK\",\n  \"conditions\": [{\"status\": }]}}",
            "application/json",
        ))
        .mount(&server)
        .await;
    let err = run(
        json!({"kind": "quality-gate", "project": "acme-shop"}),
        &sonar(&server),
        &here(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.reason, MissingReason::ParseError);
    assert!(
        err.detail.contains("invalid JSON at line 3 column 29"),
        "{}",
        err.detail
    );
}

fn report_task_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("target/sonar")).unwrap();
    std::fs::write(
        dir.path().join("target/sonar/report-task.txt"),
        fixture("api/sonarqube/report-task.txt"),
    )
    .unwrap();
    dir
}

#[tokio::test]
async fn sonar_polls_the_compute_engine_task_then_reads_that_analysis() {
    init();
    let server = MockServer::start().await;
    Mock::given(path("/api/ce/task"))
        .and(query_param("id", "AZNm4aJqEo1rC2bxGk7Q"))
        .respond_with(json_fixture("sonarqube/ce-task-PENDING.json"))
        .up_to_n_times(2)
        .with_priority(1)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path("/api/ce/task"))
        .respond_with(json_fixture("sonarqube/ce-task-SUCCESS.json"))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/qualitygates/project_status"))
        .and(query_param("analysisId", "AZNm4bD1Eo1rC2bxGk7R"))
        .respond_with(json_fixture("sonarqube/project_status-OK.json"))
        .expect(1)
        .mount(&server)
        .await;
    let dir = report_task_dir();
    let m = run(
        json!({"kind": "quality-gate", "report_task": "target/sonar/report-task.txt", "wait": "30s"}),
        &sonar(&server),
        dir.path(),
    )
    .await
    .unwrap();
    assert_eq!(text(&m, "status"), "OK");
    assert!(
        m.notes
            .iter()
            .any(|n| n.contains("analysis AZNm4bD1Eo1rC2bxGk7R")),
        "{:?}",
        m.notes
    );
}

#[tokio::test]
async fn sonar_task_that_never_finishes_times_out() {
    init();
    let server = MockServer::start().await;
    Mock::given(path("/api/ce/task"))
        .respond_with(json_fixture("sonarqube/ce-task-PENDING.json"))
        .mount(&server)
        .await;
    let dir = report_task_dir();
    let started = Instant::now();
    let err = run(
        json!({"kind": "quality-gate", "report_task": "target/sonar/report-task.txt", "wait": "1s"}),
        &sonar(&server),
        dir.path(),
    )
    .await
    .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.reason, MissingReason::Timeout);
    assert!(
        err.detail.contains("still PENDING after 1s"),
        "{}",
        err.detail
    );
}

#[tokio::test]
async fn sonar_failed_task_and_missing_report_task_are_inconclusive_with_why() {
    init();
    let server = MockServer::start().await;
    Mock::given(path("/api/ce/task"))
        .respond_with(json_fixture("sonarqube/ce-task-FAILED.json"))
        .mount(&server)
        .await;
    let dir = report_task_dir();
    let err = run(
        json!({"kind": "quality-gate", "report_task": "target/sonar/report-task.txt"}),
        &sonar(&server),
        dir.path(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.reason, MissingReason::Empty);
    assert!(
        err.detail.contains("ended FAILED: Date of analysis"),
        "{}",
        err.detail
    );

    let err = run(
        json!({"kind": "quality-gate", "report_task": ".scannerwork/report-task.txt"}),
        &sonar(&server),
        dir.path(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.reason, MissingReason::NotFound);
    assert!(err.detail.contains("report-task.txt"), "{}", err.detail);
}

#[tokio::test]
async fn sonar_measures_with_history() {
    init();
    let server = MockServer::start().await;
    Mock::given(path("/api/measures/component"))
        .and(query_param("component", "acme-shop"))
        .respond_with(json_fixture("sonarqube/measures-component.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/measures/search_history"))
        .and(query_param("component", "acme-shop"))
        .respond_with(json_fixture("sonarqube/search_history.json"))
        .expect(1)
        .mount(&server)
        .await;
    let m = run(
        json!({"kind": "sonar-measures", "component": "acme-shop", "history": 3}),
        &sonar(&server),
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(num(&m, "coverage"), 78.4);
    assert_eq!(num(&m, "new_coverage"), 64.28571428571429);
    assert_eq!(num(&m, "reliability_rating"), 3.0);
    assert!((num(&m, "coverage_delta") + 2.6).abs() < 1e-9);
    assert!((num(&m, "coverage_trend") + 1.7).abs() < 1e-9);
    assert_eq!(num(&m, "security_rating_trend"), -1.0);
    assert_eq!(num(&m, "vulnerabilities_delta"), 0.0);
    assert!(m.unavailable["vulnerabilities_trend"].contains("no value"));
    assert!(m.unavailable["code_smells_delta"].contains("no history"));
    assert!(m.unavailable["new_duplicated_lines_density"].contains("new code"));
    assert_eq!(num(&m, "worsened"), 1.0);
    assert_eq!(m.items.len(), 1);
    assert!(m.items[0].text.contains("coverage got worse: 81 → 78.4"));

    let server = MockServer::start().await;
    Mock::given(path("/api/measures/component"))
        .respond_with(json_fixture("sonarqube/measures-component.json"))
        .mount(&server)
        .await;
    let m = run(
        json!({"kind": "sonar-measures", "component": "acme-shop"}),
        &sonar(&server),
        &here(),
    )
    .await
    .unwrap();
    assert!(m.unavailable["coverage_delta"].contains("history: 2"));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "no history call"
    );
}

#[tokio::test]
async fn a_request_for_another_system_is_the_wrong_kind() {
    init();
    let server = MockServer::start().await;
    let err = run(
        json!({"kind": "argocd-app", "source": "sonar", "name": "x"}),
        &sonar(&server),
        &here(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.reason, MissingReason::WrongKind);
    assert!(err.detail.contains("SonarQube"), "{}", err.detail);
}

// ---------------------------------------------------------------- GitLab

#[tokio::test]
async fn gitlab_pipeline_of_a_commit() {
    init();
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
async fn gitlab_running_pipeline_has_no_verdict_and_no_pipeline_is_not_found() {
    init();
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
async fn gitlab_secret_looking_variables_are_refused() {
    init();
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

async fn read_report(spec: &SourceSpec) -> Result<(Evidence, String, usize), Missing> {
    let location = spec.api_location().expect("an API location");
    let format = spec
        .kind
        .as_deref()
        .and_then(gonogo::parse::format::Format::from_id);
    let (ev, fmt, records) =
        endpoints::read_report("reports", spec, location, format, &client()).await?;
    Ok((ev, fmt.id().to_string(), records.len()))
}

fn tests_of(ev: &Evidence) -> (u64, u64, u64) {
    let Evidence::Tests(t) = ev else {
        panic!("{ev:?}")
    };
    (t.total, t.failed, t.errors)
}

#[tokio::test]
async fn gitlab_job_artifact_goes_through_format_detection() {
    init();
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
async fn gitlab_test_report_by_pipeline_and_by_commit() {
    init();
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

// ---------------------------------------------------------------- GitHub

#[tokio::test]
async fn github_check_run_latest_conclusion() {
    init();
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
async fn github_in_progress_and_401() {
    init();
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
async fn github_workflow_artifact_zip_is_read_in_memory() {
    init();
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
async fn github_artifact_larger_than_the_cap_is_not_downloaded() {
    init();
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

// ---------------------------------------------------------------- Harbor

const DIGEST: &str = "sha256:9f2c1b3a7d5e4f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";

#[tokio::test]
async fn harbor_scan_summary_and_signature_with_a_double_encoded_repository() {
    init();
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
async fn harbor_running_scan_has_no_counts_and_missing_accessories_leave_signed_unknown() {
    init();
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

// ---------------------------------------------------------------- Argo CD

#[tokio::test]
async fn argocd_application_state_and_images() {
    init();
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
async fn argocd_malformed_json_and_404() {
    init();
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

// ---------------------------------------------------------------- corpus

#[tokio::test]
async fn corpus_sonarqube_examples_through_the_endpoint() {
    init();
    let Some(corpus) = std::env::var_os("GONOGO_CORPUS") else {
        eprintln!("SKIPPED: corpus_sonarqube_examples_through_the_endpoint (set GONOGO_CORPUS)");
        return;
    };
    let corpus = here().join(corpus).join("sonarqube");
    let read = |name: &str| std::fs::read(corpus.join(name)).unwrap();
    let server = MockServer::start().await;
    for (key, file) in [
        ("err", "qualitygate-project_status-ERROR-example.json"),
        ("ok", "qualitygate-project_status-OK-compact.json"),
    ] {
        Mock::given(path("/api/qualitygates/project_status"))
            .and(query_param("projectKey", key))
            .respond_with(ResponseTemplate::new(200).set_body_raw(read(file), "application/json"))
            .mount(&server)
            .await;
    }
    Mock::given(path("/api/measures/component"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(read("measures-component-example.json"), "application/json"),
        )
        .mount(&server)
        .await;
    let m = run(
        json!({"kind": "quality-gate", "project": "err"}),
        &sonar(&server),
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(text(&m, "status"), "ERROR");
    assert_eq!(num(&m, "failed_conditions"), 4.0, "MANIFEST: 4 ERROR, 3 OK");
    assert_eq!(num(&m, "conditions"), 7.0);
    assert!(
        m.items
            .iter()
            .any(|i| i.text == "error condition on open_issues: actual 17")
    );
    let m = run(
        json!({"kind": "quality-gate", "project": "ok"}),
        &sonar(&server),
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(
        (text(&m, "status"), num(&m, "conditions")),
        ("OK".into(), 3.0)
    );
    let m = run(
        json!({"kind": "sonar-measures", "component": "x"}),
        &sonar(&server),
        &here(),
    )
    .await
    .unwrap();
    assert!(
        m.unavailable.contains_key("coverage"),
        "a file with no coverage measure"
    );
}

// ---------------------------------------------------------------- gonogo check, end to end

const E2E_SECRETS: &[(&str, &str)] = &[
    ("SONAR_TOKEN", "e2e-sonar-7a1f3c9b"),
    ("CI_JOB_TOKEN", "e2e-jobtoken-2d8e6a"),
    ("GITHUB_TOKEN", "e2e-github-5c0b9f"),
    ("HARBOR_USER", "robot$e2e-user-11aa"),
    ("HARBOR_PASSWORD", "e2e-harbor-pw-44cc"),
    ("ARGOCD_TOKEN", "e2e-argocd-8e8e"),
];

const E2E_PACK: &str = r#"
pack: saas
title: Quality gates and deployment state
stages:
  - {number: 1, id: prod, title: Production}
vars:
  digest: "sha256:9f2c1b3a7d5e4f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"
rules:
  - id: GATE
    title: The analysis of this commit passes the quality gate
    why: EXI-ORG-13
    reference: CPN-S3-06
    level: fail
    check: {kind: quality-gate, report_task: target/sonar/report-task.txt, wait: 20s}
  - id: QUALITY-TREND
    title: Quality does not decrease
    why: EXI-ORG-14
    reference: CPN-S5-02
    level: warn
    check: {kind: sonar-measures, component: acme-shop, history: 3}
    expect: {worsened: "== 0"}
  - id: PIPELINE
    title: The DSO pipeline of this commit succeeded
    why: CCT pipeline
    reference: CPN-S3-02
    level: fail
    check: {kind: pipeline, project: acme/shop, sha: $CI_COMMIT_SHA}
  - id: SCAN-CHECK
    title: The primary chain's scan passed
    why: primary chain
    reference: own
    level: fail
    check: {kind: check-run, repo: acme/shop, sha: $CI_COMMIT_SHA, name: trivy-scan}
  - id: IMAGE
    title: The pushed image is scanned, signed, without too many vulnerabilities
    why: CCT
    reference: CPN-S3-07, CPN-S4-18
    level: fail
    check: {kind: harbor-scan, project: acme-shop, repository: team/api, reference: "${digest}"}
    expect: {critical: "<= 1", high: "<= 10", signed: "== true"}
  - id: DEPLOYED
    title: The dev application is synced and healthy
    why: GitOps
    reference: CPN-S3-10
    level: fail
    check: {kind: argocd-app, name: acme-shop-dev-7f3a-infra-9c21}
  - id: TESTS
    title: Tests pass
    why: CCT
    reference: CPN-S3-03
    level: fail
    check: {kind: tests, source: tests}
"#;

const PASSING_JUNIT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="shop" tests="2" failures="0" errors="0" skipped="0">
  <testcase classname="shop.CartTest" name="adds" time="0.01"/>
  <testcase classname="shop.CartTest" name="removes" time="0.01"/>
</testsuite>
"#;

#[derive(Clone, Copy, PartialEq)]
enum Variant {
    AllGood,
    GateFails,
    ScanRunning,
    ArgoRejectsToken,
}

async fn mount_all(server: &MockServer, variant: Variant) {
    server.reset().await;
    let bearer = |var: &str| {
        let token = E2E_SECRETS.iter().find(|(k, _)| *k == var).unwrap().1;
        header("authorization", format!("Bearer {token}").as_str())
    };
    Mock::given(path("/api/ce/task"))
        .and(bearer("SONAR_TOKEN"))
        .respond_with(json_fixture("sonarqube/ce-task-SUCCESS.json"))
        .mount(server)
        .await;
    let gate = if variant == Variant::GateFails {
        "sonarqube/project_status-ERROR.json"
    } else {
        "sonarqube/project_status-OK.json"
    };
    Mock::given(path("/api/qualitygates/project_status"))
        .and(query_param("analysisId", "AZNm4bD1Eo1rC2bxGk7R"))
        .and(bearer("SONAR_TOKEN"))
        .respond_with(json_fixture(gate))
        .mount(server)
        .await;
    Mock::given(path("/api/measures/component"))
        .respond_with(json_fixture("sonarqube/measures-component.json"))
        .mount(server)
        .await;
    Mock::given(path("/api/measures/search_history"))
        .respond_with(json_fixture("sonarqube/search_history.json"))
        .mount(server)
        .await;
    Mock::given(path("/api/v4/projects/acme%2Fshop/pipelines"))
        .and(query_param("sha", SHA))
        .and(header("JOB-TOKEN", "e2e-jobtoken-2d8e6a"))
        .respond_with(json_fixture("gitlab/pipelines.json"))
        .mount(server)
        .await;
    Mock::given(path(
        "/api/v4/projects/acme%2Fshop/jobs/artifacts/main/raw/reports/junit.xml",
    ))
    .and(query_param("job", "test"))
    .and(header("JOB-TOKEN", "e2e-jobtoken-2d8e6a"))
    .respond_with(ResponseTemplate::new(200).set_body_raw(PASSING_JUNIT, "application/xml"))
    .mount(server)
    .await;
    Mock::given(path(format!("/repos/acme/shop/commits/{SHA}/check-runs")))
        .and(bearer("GITHUB_TOKEN"))
        .respond_with(json_fixture("github/check-runs.json"))
        .mount(server)
        .await;
    let artifact =
        format!("/api/v2.0/projects/acme-shop/repositories/team%252Fapi/artifacts/{DIGEST}");
    let scan = if variant == Variant::ScanRunning {
        "harbor/artifact-running.json"
    } else {
        "harbor/artifact-scanned.json"
    };
    Mock::given(path(artifact.as_str()))
        .and(header_exists("authorization"))
        .respond_with(json_fixture(scan))
        .mount(server)
        .await;
    Mock::given(path(format!("{artifact}/accessories").as_str()))
        .respond_with(json_fixture("harbor/accessories.json"))
        .mount(server)
        .await;
    let app = if variant == Variant::ArgoRejectsToken {
        ResponseTemplate::new(401).set_body_json(json!({"error": "invalid session", "code": 16}))
    } else {
        json_fixture("argocd/application.json")
    };
    Mock::given(path("/api/v1/applications/acme-shop-dev-7f3a-infra-9c21"))
        .and(bearer("ARGOCD_TOKEN"))
        .respond_with(app)
        .mount(server)
        .await;
}

fn e2e_project(uri: &str) -> tempfile::TempDir {
    let dir = report_task_dir();
    let config = format!(
        r#"project: acme-shop
pack: saas
rules: [saas-pack.yaml]
stage: prod
sources:
  sonarqube: {{kind: sonarqube, url: "{uri}", auth: {{bearer_env: SONAR_TOKEN}}}}
  gitlab:
    kind: gitlab
    url: $GITLAB_API
    auth: {{header: {{name: JOB-TOKEN, value_env: CI_JOB_TOKEN}}}}
  github: {{kind: github, url: "{uri}"}}
  harbor:
    kind: harbor
    url: "{uri}"
    auth: {{basic: {{username_env: HARBOR_USER, password_env: HARBOR_PASSWORD}}}}
  argocd: {{kind: argocd, url: "{uri}", auth: {{bearer_env: ARGOCD_TOKEN}}}}
  tests:
    kind: junit
    url: "{uri}/api/v4"
    auth: {{header: {{name: JOB-TOKEN, value_env: CI_JOB_TOKEN}}}}
    gitlab_artifact: {{project: acme/shop, ref: main, job: test, path: reports/junit.xml}}
output: {{json: verdict.json}}
"#
    );
    std::fs::write(dir.path().join("gonogo.yaml"), config).unwrap();
    std::fs::write(dir.path().join("saas-pack.yaml"), E2E_PACK).unwrap();
    dir
}

async fn gonogo_check(dir: &Path, uri: &str) -> (i32, serde_json::Value, String) {
    let dir = dir.to_path_buf();
    let uri = uri.to_string();
    let out = tokio::task::spawn_blocking(move || {
        let mut cmd = assert_cmd::Command::cargo_bin("gonogo").unwrap();
        cmd.current_dir(&dir)
            .env("NO_COLOR", "1")
            .env_remove("GONOGO_STAGE")
            .env_remove("GONOGO_ENVIRONMENT")
            .env("CI_COMMIT_SHA", SHA)
            .env("GITLAB_API", format!("{uri}/api/v4"))
            .args(["check", "-vv", "--format", "json", "--today", "2026-11-29"]);
        for (k, v) in E2E_SECRETS {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let verdict: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\nstderr: {stderr}"));
    let everything = format!("{stdout}\n{stderr}");
    (out.status.code().unwrap_or(-1), verdict, everything)
}

fn result<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no result {id} in {v}"))
}

fn status(v: &serde_json::Value, id: &str) -> String {
    result(v, id)["outcome"]["status"]
        .as_str()
        .unwrap()
        .to_string()
}

fn assert_no_secret(everything: &str) {
    for (name, value) in E2E_SECRETS {
        assert!(
            !everything.contains(value),
            "{name}'s value leaked:\n{everything}"
        );
    }
    // base64("robot$e2e-user-11aa:e2e-harbor-pw-44cc"), the Basic credentials on the wire.
    let basic = "cm9ib3QkZTJlLXVzZXItMTFhYTplMmUtaGFyYm9yLXB3LTQ0Y2M=";
    assert!(!everything.contains(basic), "Basic credentials leaked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gonogo_check_end_to_end_against_the_mocks() {
    init();
    let server = MockServer::start().await;
    let uri = server.uri();
    let dir = e2e_project(&uri);

    mount_all(&server, Variant::AllGood).await;
    let (code, v, all) = gonogo_check(dir.path(), &uri).await;
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["decision"], "go_with_warnings", "{v}");
    for id in [
        "GATE",
        "PIPELINE",
        "SCAN-CHECK",
        "IMAGE",
        "DEPLOYED",
        "TESTS",
    ] {
        assert_eq!(status(&v, id), "pass", "{id}: {}", result(&v, id));
    }
    assert_eq!(status(&v, "QUALITY-TREND"), "warn");
    let sources = v["sources"].to_string();
    assert!(!sources.contains("invalid URL"), "{sources}");
    assert!(
        sources.contains(&format!(
            "{uri}/api/v4/projects/acme%2Fshop/jobs/artifacts/main/raw/reports/junit.xml?job=test"
        )),
        "{sources}"
    );
    assert!(
        result(&v, "QUALITY-TREND")
            .to_string()
            .contains("coverage got worse")
    );
    assert_no_secret(&all);
    let file = std::fs::read_to_string(dir.path().join("verdict.json")).unwrap();
    assert_no_secret(&file);
    assert!(
        file.contains("\"decision\": \"go_with_warnings\"")
            || file.contains("\"decision\":\"go_with_warnings\"")
    );

    mount_all(&server, Variant::GateFails).await;
    let (code, v, all) = gonogo_check(dir.path(), &uri).await;
    assert_eq!(code, 1, "{v}");
    assert_eq!(status(&v, "GATE"), "fail");
    assert!(result(&v, "GATE").to_string().contains("new_violations"));
    assert_no_secret(&all);

    mount_all(&server, Variant::ScanRunning).await;
    let (code, v, all) = gonogo_check(dir.path(), &uri).await;
    assert_eq!(code, 3, "a running scan is never a pass: {v}");
    assert_eq!(status(&v, "IMAGE"), "inconclusive");
    assert!(
        result(&v, "IMAGE")["message"]
            .as_str()
            .unwrap()
            .contains("still running")
    );
    assert_no_secret(&all);

    mount_all(&server, Variant::ArgoRejectsToken).await;
    let (code, v, all) = gonogo_check(dir.path(), &uri).await;
    assert_eq!(code, 3, "{v}");
    let msg = result(&v, "DEPLOYED")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("HTTP 401") && msg.contains("authentication failed"),
        "{msg}"
    );
    assert_no_secret(&all);
    assert_no_secret(&std::fs::read_to_string(dir.path().join("verdict.json")).unwrap());
}

#[test]
fn api_source_mistakes_are_reported_precisely() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let config = r#"stage: 3
sources:
  sonar: {kind: sonarqube}
  shipped: {kind: harbor, url: "https://harbor.example", path: reports/x.json}
  art:
    url: https://gitlab.example/api/v4
    gitlab_artifact: {project: acme/shop, ref: main, path: junit.xml}
  both:
    url: https://gitlab.example/api/v4
    gitlab_artifact: {project: a, job_id: "1", path: j.xml}
    github_artifact: {repo: a/b, run_id: "1", name: n}
  gh: {github_artifact: {repo: acme, run_id: "1", name: n, path: "[x"}}
  tr:
    url: https://gitlab.example/api/v4
    kind: junit
    gitlab_test_report: {project: a, pipeline: "1", sha: abc}
  mixed:
    kind: gitlab
    url: https://gitlab.example/api/v4
    gitlab_artifact: {project: a, job_id: "1", path: j.xml}
  nourl: {gitlab_test_report: {project: a, pipeline: "1"}}
"#;
    std::fs::write(dir.path().join("gonogo.yaml"), config).unwrap();
    let out = assert_cmd::Command::cargo_bin("gonogo")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["check", "--today", "2026-11-29"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    for expected in [
        "a `sonarqube` source needs the `url` of its API",
        "a `harbor` source is an API (`url`); it takes no `path`/`paths`",
        "`ref` and `job` are both needed without `job_id`",
        "a source reads one API location: `gitlab_artifact` and `github_artifact` are both set",
        "`acme` is not `owner/name`",
        "invalid glob `[x`",
        "give exactly one of `pipeline` and `sha`",
        "`gitlab_test_report` is read as `gitlab-test-report`, not `junit`",
        "a `gitlab` source answers checks; `gitlab_artifact` belongs on a report source",
        "`gitlab_test_report` needs the GitLab API base in `url`",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    assert!(err.contains("gonogo.yaml:3:"), "positions: {err}");
}

/// GitLab answers artifact downloads with a redirect to object storage when direct download is
/// on; the token must not follow it to that other host.
#[tokio::test]
async fn gitlab_token_does_not_follow_a_redirect_to_object_storage() {
    init();
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
