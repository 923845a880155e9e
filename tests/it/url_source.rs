//! A report source can be an HTTP(S) URL read through the shared client: the body goes through the
//! same detection and parsers as a file, and the verdict records it without credentials.

use serde_json::Value;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, Project};

const JUNIT: &str = r#"<testsuite name="s" tests="2"><testcase classname="c" name="ok"/><testcase classname="c" name="ko"><failure message="boom"/></testcase></testsuite>"#;

const PACK: &str = r#"
pack: mini
stages: [{number: 1, id: one, title: One}]
rules:
  - id: M-TESTS
    title: tests pass
    why: w
    reference: r
    level: fail
    check: {kind: tests, source: tests}
"#;

async fn run(config: &str, token: Option<&str>) -> (i32, Value, String) {
    let p = Project::new();
    p.write("gonogo.yaml", config).write("pack.yaml", PACK);
    let mut cmd = p.gonogo();
    cmd.args(["check", "--format", "json", "-vv"]);
    if let Some(t) = token {
        cmd.env("REPORT_TOKEN", t);
    } else {
        cmd.env_remove("REPORT_TOKEN");
    }
    let out = support::output(cmd).await;
    let v = support::verdict(&out);
    let (code, stdout, stderr) = support::ran(&out);
    (code, v, format!("{stdout}{stderr}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_url_report_is_fetched_with_auth_and_parsed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/artifacts/junit.xml"))
        .and(header("authorization", "Bearer s3cr3t-t0ken"))
        .respond_with(ResponseTemplate::new(200).set_body_string(JUNIT))
        .mount(&server)
        .await;
    let config = format!(
        "pack: mini\nrules: [pack.yaml]\nstage: 1\nsources:\n  tests:\n    url: {}/artifacts/junit.xml?private_token=s3cr3t-t0ken\n    auth: {{bearer_env: REPORT_TOKEN}}\n",
        server.uri()
    );
    let (code, v, all_output) = run(&config, Some("s3cr3t-t0ken")).await;
    assert_eq!(code, 1, "one failing test: {v}");
    let failed = v["results"][0]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["metric"] == "failed_total")
        .unwrap();
    assert_eq!(failed["measured"], 1.0);
    let location = v["sources"][0]["inputs"][0]["location"].as_str().unwrap();
    assert!(
        location.ends_with("/artifacts/junit.xml?private_token=***"),
        "{location}"
    );
    assert!(
        !all_output.contains("s3cr3t-t0ken"),
        "the token leaked: {all_output}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_token_or_a_404_is_inconclusive_not_a_pass() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let config = format!(
        "pack: mini\nrules: [pack.yaml]\nstage: 1\nsources:\n  tests:\n    url: {}/nope.xml\n",
        server.uri()
    );
    let (code, v, _) = run(&config, None).await;
    assert_eq!(code, 3, "{v}");
    assert!(
        v["results"][0]["message"]
            .as_str()
            .unwrap()
            .contains("HTTP 404"),
        "{v}"
    );

    let config = format!(
        "pack: mini\nrules: [pack.yaml]\nstage: 1\nsources:\n  tests:\n    url: {}/nope.xml\n    auth: {{bearer_env: REPORT_TOKEN}}\n",
        server.uri()
    );
    let (code, v, _) = run(&config, None).await;
    assert_eq!(code, 3, "{v}");
    assert!(
        v["results"][0]["message"]
            .as_str()
            .unwrap()
            .contains("REPORT_TOKEN"),
        "{v}"
    );
}
