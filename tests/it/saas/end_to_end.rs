//! `gonogo check` against every system at once (one mock server answering for all), with the
//! credentials in the child's environment, and the configuration mistakes an API source can have.

use serde_json::json;
use wiremock::matchers::{header, header_exists, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, Project, result, status};

use super::{DIGEST, PASSING_JUNIT, SHA, json_fixture, report_task_dir};

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

fn e2e_project(uri: &str) -> Project {
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
    dir.write("gonogo.yaml", &config)
        .write("saas-pack.yaml", E2E_PACK);
    dir
}

async fn gonogo_check(p: &Project, uri: &str) -> (i32, serde_json::Value, String) {
    let mut cmd = p.gonogo();
    cmd.env("CI_COMMIT_SHA", SHA)
        .env("GITLAB_API", format!("{uri}/api/v4"))
        .args(["check", "-vv", "--format", "json"])
        .envs(E2E_SECRETS.iter().copied());
    let out = support::output(cmd).await;
    let verdict = support::verdict(&out);
    let (code, stdout, stderr) = support::ran(&out);
    (code, verdict, format!("{stdout}\n{stderr}"))
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
    let server = MockServer::start().await;
    let uri = server.uri();
    let dir = e2e_project(&uri);

    mount_all(&server, Variant::AllGood).await;
    let (code, v, all) = gonogo_check(&dir, &uri).await;
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
    let (code, v, all) = gonogo_check(&dir, &uri).await;
    assert_eq!(code, 1, "{v}");
    assert_eq!(status(&v, "GATE"), "fail");
    assert!(result(&v, "GATE").to_string().contains("new_violations"));
    assert_no_secret(&all);

    mount_all(&server, Variant::ScanRunning).await;
    let (code, v, all) = gonogo_check(&dir, &uri).await;
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
    let (code, v, all) = gonogo_check(&dir, &uri).await;
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
    let p = Project::new();
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
    p.write("gonogo.yaml", config);
    let (code, _, err) = p.run(&["check"]);
    assert_eq!(code, 4, "{err}");
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
