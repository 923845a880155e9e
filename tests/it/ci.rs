//! The binary in CI roles: several reports from one `check`, the GitHub Actions step files and
//! annotations, and `gonogo publish` of a verdict written by an earlier (untrusted) job.

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, gonogo};

fn example() -> std::path::PathBuf {
    support::example("stage3-nogo")
}

#[test]
fn one_check_writes_every_requested_report() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path();
    let result = gonogo()
        .current_dir(example())
        .args(["check", "--format", "dotenv"])
        .arg("--report")
        .arg(format!("junit={}", o.join("gate-junit.xml").display()))
        .arg("--report")
        .arg(format!(
            "codequality={}",
            o.join("cq/gl-code-quality.json").display()
        ))
        .arg("--report")
        .arg(format!("dotenv={}", o.join("gonogo.env").display()))
        .arg("--report")
        .arg(format!("sarif={}", o.join("gonogo.sarif").display()))
        .arg("--report")
        .arg(format!("markdown={}", o.join("summary.md").display()))
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(1), "the example is NO-GO");
    let stdout = String::from_utf8(result.stdout).unwrap();
    assert!(
        stdout.starts_with("GONOGO_DECISION=no_go\nGONOGO_EXIT_CODE=1\n"),
        "{stdout}"
    );
    let env = std::fs::read_to_string(o.join("gonogo.env")).unwrap();
    assert_eq!(env, stdout, "stdout and --report agree");
    let junit = std::fs::read_to_string(o.join("gate-junit.xml")).unwrap();
    assert!(junit.contains("<failure type=\"fail\""));
    let cq: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(o.join("cq/gl-code-quality.json")).unwrap())
            .unwrap();
    assert!(!cq.as_array().unwrap().is_empty());
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(o.join("gonogo.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        std::fs::read_to_string(o.join("summary.md"))
            .unwrap()
            .contains("NO-GO")
    );
}

#[test]
fn a_bad_report_argument_is_a_usage_error() {
    let result = gonogo()
        .current_dir(example())
        .args(["check", "--report", "yaml=out.yaml"])
        .output()
        .unwrap();
    assert_eq!(
        result.status.code(),
        Some(4),
        "usage errors are exit 4 by contract"
    );
    let stderr = String::from_utf8(result.stderr).unwrap();
    assert!(stderr.contains("unknown report format `yaml`"), "{stderr}");
    assert!(stderr.contains("codequality"), "{stderr}");
}

#[test]
fn under_github_actions_check_writes_summary_outputs_and_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let outputs = dir.path().join("outputs.txt");
    let verdict = dir.path().join("verdict.json");
    let result = gonogo()
        .current_dir(example())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .args(["check", "--output"])
        .arg(&verdict)
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(1));
    let stdout = String::from_utf8(result.stdout).unwrap();
    assert!(
        stdout.contains("\n::error title=CPN-S3-03 Unit tests pass::"),
        "{stdout}"
    );
    assert!(stdout.contains("\n::warning title=CPN-S3-04 Backend line coverage::"));
    let s = std::fs::read_to_string(&summary).unwrap();
    assert!(s.starts_with("## ❌ NO-GO"), "{s}");
    let o = std::fs::read_to_string(&outputs).unwrap();
    assert_eq!(
        o,
        format!(
            "decision=no_go\nexit_code=1\nverdict={}\nerror=\n",
            verdict.display()
        )
    );

    // A machine-readable stdout stays clean: the commands go to stderr.
    let json = gonogo()
        .current_dir(example())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("RUNNER_TEMP", dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(json.stdout).unwrap();
    serde_json::from_str::<serde_json::Value>(&stdout).expect("pure JSON on stdout");
    assert!(String::from_utf8(json.stderr).unwrap().contains("::error "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_reads_a_verdict_from_an_earlier_job() {
    let dir = tempfile::tempdir().unwrap();
    let verdict = dir.path().join("verdict.json");
    let status = gonogo()
        .current_dir(example())
        .args(["check", "--format", "json", "--output"])
        .arg(&verdict)
        .output()
        .unwrap()
        .status;
    assert_eq!(status.code(), Some(1));

    let server = MockServer::start().await;
    let status_fixture = support::json_fixture("api/gitlab/commit-status.json");
    Mock::given(method("POST"))
        .and(path("/api/v4/projects/42/statuses/abc123"))
        .respond_with(ResponseTemplate::new(201).set_body_json(status_fixture))
        .expect(1)
        .mount(&server)
        .await;
    let mut publish = gonogo();
    publish
        .env("GONOGO_GITLAB_TOKEN", "glpat-SECRET-cli")
        .env("CI_API_V4_URL", format!("{}/api/v4", server.uri()))
        .env("CI_PROJECT_ID", "42")
        .env_remove("CI_MERGE_REQUEST_IID")
        .args(["publish", "--gitlab", "--sha", "abc123"])
        .arg(&verdict);
    let out = support::output(publish).await;
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("published: commit status `gonogo / sandbox` = failed"),
        "{stderr}"
    );
    assert!(stderr.contains("note skipped"), "{stderr}");
    assert!(!stderr.contains("glpat-SECRET-cli"));

    // Not a verdict: a usage error, not a crash.
    std::fs::write(dir.path().join("bad.json"), "{\"schema_version\": 1}").unwrap();
    let bad = gonogo()
        .args(["publish", "--gitlab"])
        .arg(dir.path().join("bad.json"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(4));
    assert!(
        String::from_utf8(bad.stderr)
            .unwrap()
            .contains("is not a gonogo JSON verdict")
    );
}
