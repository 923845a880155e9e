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
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn json_fixture(rel: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(&format!("api/{rel}")), "application/json")
}

fn source(kind: &str, url: &str, auth: serde_json::Value) -> SourceSpec {
    serde_json::from_value(json!({"kind": kind, "url": url, "auth": auth})).unwrap()
}

fn sonar(server: &MockServer) -> SourceSpec {
    source("sonarqube", &server.uri(), json!({"bearer_env": "T_SONAR_TOKEN"}))
}

fn gitlab(server: &MockServer) -> SourceSpec {
    source(
        "gitlab",
        &format!("{}/api/v4", server.uri()),
        json!({"header": {"name": "PRIVATE-TOKEN", "value_env": "T_GITLAB_TOKEN"}}),
    )
}

fn github(server: &MockServer) -> SourceSpec {
    source("github", &server.uri(), json!({"bearer_env": "T_GITHUB_TOKEN"}))
}

fn harbor(server: &MockServer) -> SourceSpec {
    source(
        "harbor",
        &server.uri(),
        json!({"basic": {"username_env": "T_HARBOR_USER", "password_env": "T_HARBOR_PASS"}}),
    )
}

fn argocd(server: &MockServer) -> SourceSpec {
    source("argocd", &server.uri(), json!({"bearer_env": "T_ARGOCD_TOKEN"}))
}

fn client() -> Client {
    Client::new(&FetchOptions {
        request_timeout: Duration::from_secs(5),
        ..FetchOptions::default()
    })
}

/// Runs one check against `spec` the way `gonogo check` does: need → fetch → measure.
async fn run(check: serde_json::Value, spec: &SourceSpec, root: &Path) -> Result<Measurement, Missing> {
    let check: Check = serde_json::from_value(check).unwrap();
    let Need::Query { source, request } = check.need() else {
        panic!("an endpoint check asks for a query");
    };
    let evidence = endpoints::query(&source, spec, &request, &client(), root).await?;
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
        .and(header("authorization", format!("Bearer {SONAR_TOKEN}").as_str()))
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
            "error condition on new_coverage: actual 64.29, failing when < 80",
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
    let ev = endpoints::query(&source, &sonar(&server), &request, &client(), &here())
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
    let m = run(json!({"kind": "quality-gate", "project": "good"}), &sonar(&server), &here())
        .await
        .unwrap();
    assert_eq!((text(&m, "status"), flag(&m, "passed")), ("OK".into(), true));
    assert_eq!(num(&m, "failed_conditions"), 0.0);
    assert!(m.notes.iter().any(|n| n.contains("ignored some conditions")));

    let m = run(json!({"kind": "quality-gate", "project": "fresh"}), &sonar(&server), &here())
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
    let err = run(json!({"kind": "quality-gate", "project": "nope"}), &sonar(&server), &here())
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
    let err = run(json!({"kind": "quality-gate", "project": "acme-shop"}), &sonar(&server), &here())
        .await
        .unwrap_err();
    assert!(err.detail.contains("HTTP 401"), "{}", err.detail);
    assert!(err.detail.contains("authentication failed"), "{}", err.detail);
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
    let err = run(json!({"kind": "quality-gate", "project": "acme-shop"}), &sonar(&server), &here())
        .await
        .unwrap_err();
    assert_eq!(err.reason, MissingReason::ParseError);
    assert!(err.detail.contains("invalid JSON at line 3 column 29"), "{}", err.detail);
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
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(err.reason, MissingReason::Timeout);
    assert!(err.detail.contains("still PENDING after 1s"), "{}", err.detail);
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
    assert!(err.detail.contains("ended FAILED: Date of analysis"), "{}", err.detail);

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
    let m = run(json!({"kind": "sonar-measures", "component": "acme-shop"}), &sonar(&server), &here())
        .await
        .unwrap();
    assert!(m.unavailable["coverage_delta"].contains("history: 2"));
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "no history call");
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
    let m = run(json!({"kind": "pipeline", "project": "1377", "sha": SHA}), &gitlab(&server), &here())
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
    .respond_with(
        ResponseTemplate::new(200)
            .set_body_raw(fixture("junit/pytest/pytest-junit.xml"), "application/octet-stream"),
    )
    .expect(1)
    .mount(&server)
    .await;
    Mock::given(path("/api/v4/projects/acme%2Fshop/jobs/551203/artifacts/reports/junit.xml"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"message":"404 Not found"}"#,
            "application/json",
        ))
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
        serde_json::from_value(json!({"project": "acme/shop", "job_id": "551203", "path": "reports/junit.xml"}))
            .unwrap(),
    );
    let err = read_report(&spec).await.unwrap_err();
    assert!(err.detail.starts_with("artifact reports/junit.xml of GitLab project `acme/shop`"));
    assert!(err.detail.contains("HTTP 404"), "{}", err.detail);
}

#[tokio::test]
async fn gitlab_test_report_by_pipeline_and_by_commit() {
    init();
    let server = MockServer::start().await;
    Mock::given(path("/api/v4/projects/acme%2Fshop/pipelines/98211/test_report_summary"))
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
        serde_json::from_value(json!({"project": "acme/shop", "pipeline": "98211", "summary": true}))
            .unwrap(),
    );
    let (ev, fmt, _) = read_report(&spec).await.unwrap();
    assert_eq!(fmt, "gitlab-test-report");
    assert_eq!(tests_of(&ev), (12, 1, 0));
    spec.gitlab_test_report = Some(
        serde_json::from_value(json!({"project": "acme/shop", "sha": "$T_COMMIT_SHA", "summary": true}))
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
        .and(header("authorization", format!("Bearer {GITHUB_TOKEN}").as_str()))
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
    assert_eq!(text(&m, "conclusion"), "success", "the re-run (higher id) counts");
    assert!(flag(&m, "succeeded"));
    assert!(m.notes[0].contains("31077"));
}

#[tokio::test]
async fn github_in_progress_and_401() {
    init();
    let server = MockServer::start().await;
    Mock::given(path(format!("/repos/acme/shop/commits/{SHA}/check-runs")))
        .and(query_param("check_name", "build"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total_count": 1,
            "check_runs": [{"id": 9, "name": "build", "status": "in_progress", "conclusion": null,
                            "head_sha": SHA, "started_at": "2026-11-29T10:00:00Z"}]})))
        .mount(&server)
        .await;
    Mock::given(path(format!("/repos/acme/private/commits/{SHA}/check-runs")))
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
    assert!(err.detail.contains("authentication failed"), "{}", err.detail);
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
    let zip = zip_of(&[
        ("pytest/TEST-a.xml", junit.as_str()),
        ("pytest/TEST-b.xml", junit.as_str()),
        ("coverage.xml", "<coverage/>"),
    ]);
    Mock::given(path("/repos/acme/shop/actions/runs/7001/artifacts"))
        .and(query_param("name", "test-reports"))
        .and(header("authorization", format!("Bearer {GITHUB_TOKEN}").as_str()))
        .respond_with(json_fixture("github/artifacts.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/repos/acme/shop/actions/artifacts/88123/zip"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/blob/88123.zip", server.uri()).as_str()),
        )
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
    assert_eq!(tests_of(&ev), (8, 2, 2), "two reports merged");

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
    assert!(err.detail.contains("no artifact of that name"), "{}", err.detail);
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
    let artifact = format!("/api/v2.0/projects/acme-shop/repositories/team%252Fapi/artifacts/{DIGEST}");
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
        ["critical", "high", "medium", "low", "unknown", "total", "fixable"].map(|k| num(&m, k)),
        [1.0, 4.0, 11.0, 6.0, 1.0, 23.0, 17.0]
    );
    assert!(flag(&m, "signed"));
}

#[tokio::test]
async fn harbor_running_scan_has_no_counts_and_missing_accessories_leave_signed_unknown() {
    init();
    let server = MockServer::start().await;
    Mock::given(path("/api/v2.0/projects/acme-shop/repositories/api/artifacts/1.4.3"))
        .respond_with(json_fixture("harbor/artifact-running.json"))
        .mount(&server)
        .await;
    Mock::given(path("/api/v2.0/projects/acme-shop/repositories/api/artifacts/1.4.3/accessories"))
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
        .and(header("authorization", format!("Bearer {ARGOCD_TOKEN}").as_str()))
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
    assert_eq!((text(&m, "sync"), text(&m, "health")), ("Synced".into(), "Healthy".into()));
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
    assert_eq!((text(&m, "sync"), text(&m, "health")), ("OutOfSync".into(), "Degraded".into()));
    assert!(!flag(&m, "auto_sync"));
    assert!(m.notes.iter().any(|n| n.contains("SyncError")));
}

#[tokio::test]
async fn argocd_malformed_json_and_404() {
    init();
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/applications/broken"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{\"status\": {\"sync\": [", "application/json"))
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/applications/gone"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": "applications.argoproj.io \"gone\" not found", "code": 5})))
        .mount(&server)
        .await;
    let err = run(json!({"kind": "argocd-app", "name": "broken"}), &argocd(&server), &here())
        .await
        .unwrap_err();
    assert_eq!(err.reason, MissingReason::ParseError);
    assert!(err.detail.contains("invalid JSON at line 1 column 21"), "{}", err.detail);
    let err = run(json!({"kind": "argocd-app", "name": "gone"}), &argocd(&server), &here())
        .await
        .unwrap_err();
    assert!(err.detail.starts_with("Argo CD application `gone`: "), "{}", err.detail);
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
    let m = run(json!({"kind": "quality-gate", "project": "err"}), &sonar(&server), &here())
        .await
        .unwrap();
    assert_eq!(text(&m, "status"), "ERROR");
    assert_eq!(num(&m, "failed_conditions"), 4.0, "MANIFEST: 4 ERROR, 3 OK");
    assert_eq!(num(&m, "conditions"), 7.0);
    assert!(m.items.iter().any(|i| i.text == "error condition on open_issues: actual 17"));
    let m = run(json!({"kind": "quality-gate", "project": "ok"}), &sonar(&server), &here())
        .await
        .unwrap();
    assert_eq!((text(&m, "status"), num(&m, "conditions")), ("OK".into(), 3.0));
    let m = run(json!({"kind": "sonar-measures", "component": "x"}), &sonar(&server), &here())
        .await
        .unwrap();
    assert!(m.unavailable.contains_key("coverage"), "a file with no coverage measure");
}
