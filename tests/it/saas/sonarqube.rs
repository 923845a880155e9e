//! SonarQube: the quality gate of a project or of the analysis a scanner just ran (the compute
//! engine task is polled), measures with their history, and the answers that are not one.

use std::time::{Duration, Instant};

use gonogo::checks::Check;
use gonogo::config::SourceSpec;
use gonogo::evidence::MissingReason;
use gonogo::fetch::endpoints;
use gonogo::model::Need;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{
    SONAR_TOKEN, client, flag, here, json_fixture, num, report_task_dir, run, source, text,
};

fn sonar(server: &MockServer) -> SourceSpec {
    source(
        "sonarqube",
        &server.uri(),
        json!({"bearer_env": "T_SONAR_TOKEN"}),
    )
}

#[tokio::test]
async fn failing_gate_lists_its_failing_conditions() {
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
async fn waived_condition_leaves_the_status_but_not_the_count() {
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
    let ev = endpoints::query_at(
        &sonar(&server).into_source(&source).unwrap(),
        &request,
        &client(),
        &here(),
        &endpoints::never,
    )
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
async fn ok_and_none() {
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
async fn unknown_project_is_a_clear_404() {
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
async fn a_401_is_not_retried_and_says_auth() {
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
async fn malformed_json_is_a_parse_error_with_position() {
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

#[tokio::test]
async fn polls_the_compute_engine_task_then_reads_that_analysis() {
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
async fn task_that_never_finishes_times_out() {
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
async fn failed_task_and_missing_report_task_are_inconclusive_with_why() {
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
async fn measures_with_history() {
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

#[tokio::test]
#[ignore = "needs GONOGO_CORPUS (the shared corpus of real reports); .ci/run runs it"]
async fn corpus_examples_through_the_endpoint() {
    let corpus = crate::support::corpus().join("sonarqube");
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
