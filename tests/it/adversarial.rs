//! The red-team review of December 2026 (shared/reports/2026-12-red-team.md), replayed: one test
//! or more per defect, named after its number, each failing if the defect came back; and cases
//! the review found correct, kept so they stay correct. docs/guarantees.md says what each holds.

use std::time::Duration;

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::{self, Project, day, status};

/// A small pack: stage `dev` (1) and `prod` (2), rules over test results, a secret scan that only
/// warns in dev and fails in prod, coverage with a variable threshold.
const PACK: &str = r#"
pack: team
title: T
stages:
  - {number: 1, id: dev, title: Dev}
  - {number: 2, id: prod, title: Prod}
vars:
  min_cov: 80
rules:
  - id: T-TESTS
    title: Unit tests pass
    why: w
    reference: r
    level: fail
    check: {kind: tests}
  - id: T-COV
    title: Coverage
    why: w
    reference: r
    level: fail
    check: {kind: coverage}
    expect: {line_percent: ">= ${min_cov}"}
  - id: T-SECRETS
    title: No secret committed
    why: w
    reference: r
    level: warn
    raise: {prod: fail}
    on_missing: warn
    check: {kind: findings, source: secrets}
    expect: {total: "== 0"}
"#;

const PASSING_JUNIT: &str = r#"<testsuite name="s" tests="2"><testcase classname="c" name="a"/><testcase classname="c" name="b"/></testsuite>"#;

const COBERTURA_90: &str = r#"<?xml version="1.0" ?>
<coverage version="7.4" timestamp="1700000000000" lines-valid="10" lines-covered="9" line-rate="0.9" branches-covered="0" branches-valid="0" branch-rate="0" complexity="0">
  <packages><package name="p" line-rate="0.9"><classes><class name="a.py" filename="a.py" line-rate="0.9"><lines>
    <line number="1" hits="1"/><line number="2" hits="1"/><line number="3" hits="1"/><line number="4" hits="1"/><line number="5" hits="1"/>
    <line number="6" hits="1"/><line number="7" hits="1"/><line number="8" hits="1"/><line number="9" hits="1"/><line number="10" hits="0"/>
  </lines></class></classes></package></packages>
</coverage>
"#;

const GITLEAKS_CLEAN: &str = "[]";

fn config(stage: &str, extra: &str) -> String {
    format!(
        "project: demo\npack: team\nrules: [team.yaml]\nstage: {stage}\nsources:\n  tests: {{path: junit.xml}}\n  coverage: {{path: coverage.xml}}\n  secrets: {{path: gitleaks.json, kind: gitleaks}}\n{extra}"
    )
}

/// A project that passes every rule of the pack at `stage`.
fn passing(stage: &str, extra: &str) -> Project {
    let p = Project::new();
    p.write("team.yaml", PACK)
        .write("gonogo.yaml", &config(stage, extra))
        .write("junit.xml", PASSING_JUNIT)
        .write("coverage.xml", COBERTURA_90)
        .write("gitleaks.json", GITLEAKS_CLEAN);
    p
}

#[test]
fn control_the_passing_project_is_go_at_both_stages() {
    for stage in ["dev", "prod"] {
        let (code, v) = passing(stage, "").check_json(&[]);
        assert_eq!(code, 0, "{stage}: {v}");
        assert_eq!(v["decision"], "go");
    }
}

// ------------------------------------------------------------------ 1: token across hosts

/// The headers of one request.
type Headers = Vec<(String, String)>;

/// Records every request's headers.
#[derive(Clone, Default)]
struct Recorder(std::sync::Arc<std::sync::Mutex<Vec<Headers>>>);

impl Respond for Recorder {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let headers = req
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        self.0.lock().unwrap().push(headers);
        ResponseTemplate::new(200).set_body_json(serde_json::json!([]))
    }
}

#[tokio::test]
async fn defect_01_publish_gitlab_never_sends_its_token_to_another_host_on_redirect() {
    let foreign = MockServer::start().await;
    let seen = Recorder::default();
    Mock::given(method("GET"))
        .respond_with(seen.clone())
        .mount(&foreign)
        .await;
    Mock::given(method("POST"))
        .respond_with(seen.clone())
        .mount(&foreign)
        .await;
    for code in [301u16, 302, 307, 308] {
        let origin = MockServer::start().await;
        let to = foreign.uri();
        Mock::given(wiremock::matchers::any())
            .respond_with(move |req: &Request| {
                ResponseTemplate::new(code)
                    .insert_header("location", format!("{to}{}", req.url.path()))
            })
            .mount(&origin)
            .await;
        for token in [
            ("GONOGO_GITLAB_TOKEN", "SEKRITglPublish1"),
            ("CI_JOB_TOKEN", "SEKRITjobToken22"),
        ] {
            let env = gonogo::publish::CiEnv::from_pairs([
                token,
                ("CI_API_V4_URL", &format!("{}/api/v4", origin.uri())),
                ("CI_PROJECT_ID", "42"),
                ("CI_MERGE_REQUEST_IID", "7"),
                ("CI_COMMIT_SHA", "2bb5a7a6f58c2de9e9e2b5d4a8d1d5d0b6f4c1e3"),
            ]);
            let target = gonogo::publish::gitlab::Target::from_env(&env, None, None).unwrap();
            let options = gonogo::publish::PublishOptions {
                strict: false,
                status: true,
                comment: true,
                summary_written: false,
            };
            let _ = gonogo::publish::gitlab::publish(
                &support::fixture_verdict(),
                &target,
                options,
                &support::client(),
            )
            .await;
        }
    }
    let requests = seen.0.lock().unwrap();
    assert!(!requests.is_empty(), "the redirects were followed");
    for headers in requests.iter() {
        for (k, v) in headers {
            assert!(
                !v.contains("SEKRIT") && !matches!(k.as_str(), "private-token" | "job-token"),
                "a credential reached the foreign host: {k}: {v}"
            );
        }
    }
}

// ------------------------------------------------------------------ 2: vars loosen thresholds

#[test]
fn defect_02_a_var_that_loosens_a_threshold_is_refused_without_a_waiver() {
    for (how, extra, args) in [
        ("vars:", "vars:\n  min_cov: 0\n", vec![]),
        ("--var", "", vec!["--var", "min_cov=0"]),
    ] {
        let p = passing("dev", extra);
        p.write(
            "coverage.xml",
            &COBERTURA_90.replace("hits=\"1\"", "hits=\"0\""),
        );
        let mut argv = vec!["check"];
        argv.extend(args.iter().copied());
        let (code, _, err) = p.run(&argv);
        assert_eq!(code, 4, "{how}: {err}");
        assert!(
            err.contains("the project's variables loosens fail rule T-COV")
                && err.contains("`line_percent >= 80` → `line_percent >= 0`"),
            "{how}: {err}"
        );
    }
    let p = passing("dev", "vars:\n  min_cov: 0\n");
    p.write("mine.yaml", "vars:\n  min_cov: 0\n").write(
        "gonogo.yaml",
        &config("dev", "").replace("rules: [team.yaml]", "rules: [team.yaml, mine.yaml]"),
    );
    let (code, _, err) = p.run(&["check"]);
    assert_eq!(code, 4, "a rule file's vars: {err}");
}

#[test]
fn defect_02_a_waived_loosening_is_shown_in_every_report() {
    let extra = format!(
        "vars:\n  min_cov: 70\nwaivers:\n  - {{rule: T-COV, reason: legacy module, expires: {}}}\n",
        day(30)
    );
    let p = passing("dev", &extra);
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 0, "{v}");
    let o = &v["overrides"][0];
    assert_eq!(o["what"], "rule T-COV");
    assert!(
        o["waiver"].as_str().unwrap().contains("legacy module"),
        "{o}"
    );
    let (_, human, _) = p.run(&["check"]);
    assert!(
        human
            .lines()
            .take(4)
            .any(|l| l.contains("override: rule T-COV")),
        "{human}"
    );
    let (_, md, _) = p.run(&["check", "--format", "markdown"]);
    assert!(md.contains("**Override:** rule T-COV"), "{md}");
}

// ------------------------------------------------------------------ 3: all skipped

#[test]
fn defect_03_a_test_report_where_every_test_was_skipped_is_not_a_pass() {
    let p = passing("dev", "");
    p.write(
        "junit.xml",
        r#"<testsuite name="x" tests="3" skipped="3"><testcase name="a"><skipped/></testcase><testcase name="b"><skipped/></testcase><testcase name="c"><skipped/></testcase></testsuite>"#,
    );
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 3, "{v}");
    assert_eq!(status(&v, "T-TESTS"), "inconclusive");
    assert!(
        support::result(&v, "T-TESTS")["message"]
            .as_str()
            .unwrap()
            .contains("all skipped: no test ran")
    );
}

// ------------------------------------------------------------------ 4: missing secret scan

#[test]
fn defect_04_a_missing_secret_scan_blocks_where_the_rule_fails() {
    let p = passing("prod", "");
    std::fs::remove_file(p.path().join("gitleaks.json")).unwrap();
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 3, "{v}");
    assert_eq!(
        support::result(&v, "T-SECRETS")["outcome"],
        serde_json::json!({"status": "inconclusive", "reason": "not_found", "blocking": true})
    );
    let p = passing("dev", "");
    std::fs::remove_file(p.path().join("gitleaks.json")).unwrap();
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 0, "at dev the rule only warns: {v}");
    assert_eq!(v["decision"], "go_with_warnings");
}

// ------------------------------------------------------------------ 5: date override

#[test]
fn defect_05_there_is_no_date_override() {
    let extra = "waivers:\n  - {rule: T-COV, reason: r, expires: 2020-01-01}\n";
    let p = passing("dev", extra);
    p.write(
        "coverage.xml",
        &COBERTURA_90.replace("hits=\"1\"", "hits=\"0\""),
    );
    let (code, _, err) = p.run(&["check", "--today", "2019-06-01"]);
    assert_eq!(code, 4, "--today is not a flag: {err}");
    let out = p
        .gonogo()
        .env("GONOGO_TODAY", "2019-06-01")
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let v = support::verdict(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "GONOGO_TODAY changes nothing: {v}"
    );
    assert_eq!(status(&v, "T-COV"), "fail");
    assert_eq!(v["waivers"][0]["state"], "expired");
}

// ------------------------------------------------------------------ 7: infinities

#[test]
fn defect_07_infinities_never_meet_a_criterion() {
    use gonogo::evidence::Value;
    use gonogo::model::Criterion;
    for (expr, value) in [(">= 0.999", f64::INFINITY), ("<= 3", f64::NEG_INFINITY)] {
        let c = Criterion::parse("x", expr).unwrap();
        assert_eq!(c.check(&Value::Number(value)), None, "{expr} vs {value}");
    }
}

// ------------------------------------------------------------------ 8: lowering from the CLI

#[test]
fn defect_08_stage_environment_and_pack_cannot_be_lowered_from_outside() {
    let p = passing("prod", "environment: prod\n");
    for (args, env, what) in [
        (
            vec!["check", "--stage", "1"],
            None,
            "earlier than the stage",
        ),
        (
            vec!["check", "--stage", "dev"],
            None,
            "earlier than the stage",
        ),
        (
            vec!["check"],
            Some(("GONOGO_STAGE", "1")),
            "earlier than the stage",
        ),
        (
            vec!["check", "--environment", "nonprod"],
            None,
            "can only tighten",
        ),
        (
            vec!["check"],
            Some(("GONOGO_ENVIRONMENT", "nonprod")),
            "can only tighten",
        ),
        (vec!["check", "--pack", "lenient"], None, "is not the pack"),
        (
            vec!["check"],
            Some(("GONOGO_PACK", "lenient")),
            "is not the pack",
        ),
    ] {
        let mut cmd = p.gonogo();
        cmd.args(&args);
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let (code, _, err) = support::ran(&cmd.output().unwrap());
        assert_eq!(code, 4, "{args:?} {env:?}: {err}");
        assert!(err.contains(what), "{args:?} {env:?}: {err}");
    }
}

#[test]
fn defect_08_raising_is_free_and_recorded() {
    let p = passing("dev", "");
    let (code, v) = p.check_json(&["--stage", "prod", "--environment", "prod"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["stage"]["id"], "prod");
    let overrides = v["overrides"].to_string();
    assert!(overrides.contains("1 dev → 2 prod"), "{overrides}");
    assert!(overrides.contains("nonprod → prod"), "{overrides}");
}

// ------------------------------------------------------------------ 9: nothing to judge

#[test]
fn defect_09_a_pack_with_no_rule_is_inconclusive() {
    let p = Project::new();
    p.write(
        "lenient.yaml",
        "pack: lenient\nstages: [{number: 4, id: production, title: prod}]\nrules: []\n",
    )
    .write(
        "gonogo.yaml",
        "pack: lenient\nrules: [lenient.yaml]\nstage: production\n",
    );
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 3, "{v}");
    assert!(v["notices"].to_string().contains("nothing was judged"));
}

// ------------------------------------------------------------------ 10: query redaction

#[test]
fn defect_10_query_secrets_are_redacted_everywhere() {
    let shown = gonogo::fetch::client::redact_url(
        "http://127.0.0.1:1/?access_token=A1&pwd=B2&pass=C3&code=D4&jwt=E5&session=F6",
    );
    for secret in ["A1", "B2", "C3", "D4", "E5", "F6"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

// ------------------------------------------------------------------ 11: forged verdicts

#[test]
fn defect_11_publish_refuses_a_verdict_whose_decision_was_edited() {
    let p = passing("dev", "");
    p.write(
        "junit.xml",
        &PASSING_JUNIT.replace(
            "<testcase classname=\"c\" name=\"b\"/>",
            "<testcase classname=\"c\" name=\"b\"><failure message=\"boom\"/></testcase>",
        ),
    );
    let (code, _, _) = p.run(&["check", "--output", "verdict.json"]);
    assert_eq!(code, 1);
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(p.path().join("verdict.json")).unwrap())
            .unwrap();
    v["decision"] = "go".into();
    p.write("forged.json", &v.to_string());
    let (code, _, err) = p.run(&["publish", "forged.json", "--gitlab"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("says GO"), "{err}");
    assert!(err.contains("nothing was published"), "{err}");
}

// ------------------------------------------------------------------ 13: waivers seen

#[test]
fn defect_13_item_waivers_show_in_human_and_markdown() {
    let p = passing(
        "dev",
        &format!(
            "waivers:\n  - {{rule: T-TESTS, match: \"*\", reason: quarantined suite, expires: {}}}\n",
            day(20)
        ),
    );
    p.write(
        "junit.xml",
        &PASSING_JUNIT.replace(
            "<testcase classname=\"c\" name=\"b\"/>",
            "<testcase classname=\"c\" name=\"b\"><failure message=\"boom\"/></testcase>",
        ),
    );
    let (code, human, _) = p.run(&["check"]);
    assert_eq!(code, 0, "{human}");
    assert!(
        !human.lines().nth(1).unwrap().contains("0 waived"),
        "{human}"
    );
    assert!(human.contains("1 item waived"), "{human}");
    assert!(human.contains("WAIVERS APPLIED"), "{human}");
    assert!(human.contains("T-TESTS (match `*`: every item)"), "{human}");
    assert!(human.contains("quarantined suite"), "{human}");
    assert!(
        human.contains("- c.b"),
        "the waived item is listed: {human}"
    );
    let (_, md, _) = p.run(&["check", "--format", "markdown"]);
    assert!(md.contains("**Waivers applied**"), "{md}");
    assert!(md.contains("`c.b`"), "{md}");
}

// ------------------------------------------------------------------ 6: declared failures

#[test]
fn defect_06_failures_a_suite_declares_but_does_not_list_fail_the_rule() {
    let p = passing("dev", "");
    p.write(
        "junit.xml",
        r#"<testsuite name="x" tests="7" failures="3" errors="2"><testcase classname="a" name="t1"/></testsuite>"#,
    );
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 1, "{v}");
    let r = support::result(&v, "T-TESTS");
    assert_eq!(r["outcome"]["status"], "fail", "{r}");
    assert_eq!(r["metrics"]["failed_total"], 5.0, "{r}");
    let (_, human, _) = p.run(&["check"]);
    assert!(human.contains("T-TESTS"), "{human}");
}

// ------------------------------------------------------------------ 14: staleness

#[test]
fn defect_14_a_report_dated_in_the_future_is_inconclusive() {
    let p = passing("dev", "");
    let file = std::fs::File::options()
        .write(true)
        .open(p.path().join("junit.xml"))
        .unwrap();
    file.set_modified(std::time::SystemTime::now() + Duration::from_secs(86_400 * 365 * 70))
        .unwrap();
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 3, "{v}");
    let r = support::result(&v, "T-TESTS");
    assert_eq!(r["outcome"]["reason"], "stale");
    assert!(
        r["message"].as_str().unwrap().contains("in the future"),
        "{r}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn defect_14_max_age_applies_to_url_reports() {
    let server = MockServer::start().await;
    Mock::given(path("/old.xml"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("last-modified", "Mon, 01 Jan 2001 00:00:00 GMT")
                .set_body_string(PASSING_JUNIT),
        )
        .mount(&server)
        .await;
    Mock::given(path("/undated.xml"))
        .respond_with(ResponseTemplate::new(200).set_body_string(PASSING_JUNIT))
        .mount(&server)
        .await;
    for (file, why) in [
        ("old.xml", "more than max_age"),
        ("undated.xml", "no Last-Modified"),
    ] {
        let p = passing("dev", "");
        p.write(
            "gonogo.yaml",
            &config("dev", "").replace(
                "tests: {path: junit.xml}",
                &format!("tests: {{url: \"{}/{file}\", max_age: 7d}}", server.uri()),
            ),
        );
        let out = support::output({
            let mut c = p.gonogo();
            c.args(["check", "--format", "json"]);
            c
        })
        .await;
        let v = support::verdict(&out);
        assert_eq!(out.status.code(), Some(3), "{file}: {v}");
        assert!(
            support::result(&v, "T-TESTS")["message"]
                .as_str()
                .unwrap()
                .contains(why),
            "{file}: {v}"
        );
    }
}

#[test]
fn defect_14_a_fresh_file_whose_report_says_it_is_old_is_stale() {
    let p = passing("dev", "");
    p.write(
        "gonogo.yaml",
        &config("dev", "").replace(
            "tests: {path: junit.xml}",
            "tests: {path: junit.xml, max_age: 7d}",
        ),
    )
    .write(
        "junit.xml",
        &PASSING_JUNIT.replace(
            "<testsuite name=\"s\"",
            "<testsuite timestamp=\"2001-01-01T00:00:00\" name=\"s\"",
        ),
    );
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 3, "{v}");
    let r = support::result(&v, "T-TESTS");
    assert_eq!(r["outcome"]["reason"], "stale", "{r}");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("says it was produced at 2001-01-01"),
        "{r}"
    );
    let (code, v) = passing("dev", "").check_json(&[]);
    assert_eq!(code, 0, "the control, without max_age, still passes: {v}");
}

// ------------------------------------------------------------------ 12, 15, 16, 18, 20: what a server or a report may pretend

/// A one-stage pack of one rule, `R`, with `check` and `expect`, reading the configured sources.
fn one_rule(check: &str, expect: &str, sources: &str) -> Project {
    let p = Project::new();
    p.write(
        "one.yaml",
        &format!(
            "pack: one\nstages: [{{number: 1, id: one, title: One}}]\nrules:\n  - {{id: R, title: r, why: w, reference: x, level: fail, check: {check}, expect: {expect}}}\n"
        ),
    )
    .write(
        "gonogo.yaml",
        &format!("pack: one\nrules: [one.yaml]\nstage: one\nsources:\n{sources}"),
    );
    p
}

async fn check_async(p: &Project, extra: &[&str]) -> (i32, Value, String) {
    let out = support::output({
        let mut c = p.gonogo();
        c.args(["check", "--format", "json"]).args(extra);
        c
    })
    .await;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap(), support::verdict(&out), stderr)
}

#[tokio::test(flavor = "multi_thread")]
async fn defect_12_url_user_info_never_shows_even_at_trace_level() {
    let server = MockServer::start().await;
    Mock::given(path(
        "/repos/acme/shop/commits/2bb5a7a6f58c2de9e9e2b5d4a8d1d5d0b6f4c1e3/check-runs",
    ))
    .respond_with(ResponseTemplate::new(200).set_body_raw(
        support::fixture("api/github/check-runs.json"),
        "application/json",
    ))
    .mount(&server)
    .await;
    let url = server.uri().replace("http://", "http://u:SEKRITurlPass@");
    let p = one_rule(
        "{kind: check-run, repo: acme/shop, sha: 2bb5a7a6f58c2de9e9e2b5d4a8d1d5d0b6f4c1e3, name: build}",
        "{succeeded: \"== true\"}",
        &format!("  github: {{kind: github, url: \"{url}\"}}\n"),
    );
    for verbosity in ["-vv", "-vvv"] {
        let (_, v, stderr) = check_async(&p, &[verbosity]).await;
        assert!(
            !stderr.contains("SEKRITurlPass") && !v.to_string().contains("SEKRITurlPass"),
            "{verbosity}: {stderr}\n{v}"
        );
        assert!(stderr.contains("DEBUG"), "{verbosity} logs: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn defect_15_a_finished_harbor_scan_without_counts_is_not_zero_critical() {
    let server = MockServer::start().await;
    Mock::given(path(
        "/api/v2.0/projects/shop/repositories/api/artifacts/1.0.0",
    ))
    .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "digest": "sha256:abc",
        "scan_overview": {"application/vnd.security.vulnerability.report; version=1.1": {"scan_status": "Success"}}
    })))
    .mount(&server)
    .await;
    Mock::given(path(
        "/api/v2.0/projects/shop/repositories/api/artifacts/1.0.0/accessories",
    ))
    .respond_with(ResponseTemplate::new(404))
    .mount(&server)
    .await;
    let p = one_rule(
        "{kind: harbor-scan, project: shop, repository: api, reference: 1.0.0}",
        "{critical: \"== 0\"}",
        &format!("  harbor: {{kind: harbor, url: \"{}\"}}\n", server.uri()),
    );
    let (code, v, _) = check_async(&p, &[]).await;
    assert_eq!(code, 3, "{v}");
    assert_eq!(status(&v, "R"), "inconclusive", "{v}");
}

#[tokio::test(flavor = "multi_thread")]
async fn defect_16_a_pipeline_of_another_commit_is_not_this_commits_pipeline() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v4/projects/acme%2Fshop/pipelines"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            support::fixture("api/gitlab/pipelines.json"),
            "application/json",
        ))
        .mount(&server)
        .await;
    let run = |sha: &str| {
        one_rule(
            &format!("{{kind: pipeline, project: acme/shop, sha: {sha}}}"),
            "{succeeded: \"== true\"}",
            &format!(
                "  gitlab: {{kind: gitlab, url: \"{}/api/v4\"}}\n",
                server.uri()
            ),
        )
    };
    let (code, v, _) = check_async(&run("0000000000000000000000000000000000000bad"), &[]).await;
    assert_eq!(code, 3, "{v}");
    assert_eq!(status(&v, "R"), "inconclusive", "{v}");
    let (code, v, _) = check_async(&run("2bb5a7a6f58c2de9e9e2b5d4a8d1d5d0b6f4c1e3"), &[]).await;
    assert_eq!(
        code, 0,
        "the control: the pipeline of this commit passes: {v}"
    );
}

#[test]
fn defect_18_what_is_not_a_trivy_report_is_not_a_clean_trivy_report() {
    let gitleaks = r#"[{"Description":"AWS key","File":"a.env","RuleID":"aws-access-token","Secret":"AKIA...","StartLine":1}]"#;
    for (name, body) in [
        ("gitleaks", gitleaks),
        ("bare schema", r#"{"SchemaVersion": 2}"#),
    ] {
        let p = one_rule(
            "{kind: findings, source: scan}",
            "{critical: \"== 0\"}",
            "  scan: {path: scan.json, kind: trivy}\n",
        );
        p.write("scan.json", body);
        let (code, v) = p.check_json(&[]);
        assert_eq!(code, 3, "{name}: {v}");
        assert_eq!(
            support::result(&v, "R")["outcome"]["reason"],
            "parse_error",
            "{name}: {v}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn defect_20_two_series_with_one_label_set_are_refused() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/query"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "status": "success",
            "data": {"resultType": "vector", "result": [
                {"metric": {}, "value": [1_700_000_000, "5"]},
                {"metric": {}, "value": [1_700_000_000, "0"]}
            ]}
        })))
        .mount(&server)
        .await;
    let p = one_rule(
        "{kind: metric, query: \"sum(cves)\"}",
        "{value: \"== 0\"}",
        &format!(
            "  prometheus: {{kind: prometheus, url: \"{}\"}}\n",
            server.uri()
        ),
    );
    let (code, v, _) = check_async(&p, &[]).await;
    assert_eq!(code, 3, "{v}");
    assert_eq!(
        support::result(&v, "R")["outcome"]["reason"],
        "parse_error",
        "{v}"
    );
}

// ------------------------------------------------------------------ 17: endless waivers

#[test]
fn defect_17_a_waiver_longer_than_a_year_is_refused_unless_the_limit_is_raised() {
    let p = passing(
        "dev",
        "waivers:\n  - {rule: T-COV, reason: r, expires: 9999-12-31}\n",
    );
    let (code, _, err) = p.run(&["check"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("waivers run at most 365 days"), "{err}");
    assert!(err.contains("gonogo.yaml:"), "the line is named: {err}");

    let far = day(500);
    let p = passing(
        "dev",
        &format!(
            "waivers:\n  max_days: 730\n  list:\n    - {{rule: T-COV, reason: r, expires: {far}}}\n"
        ),
    );
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["waivers"][0]["state"], "unused");
}

// ------------------------------------------------------------------ 19: no workload

#[test]
fn defect_19_a_lone_configmap_does_not_pass_the_container_rules() {
    let p = Project::new();
    p.write(
        "k8s.yaml",
        "pack: k8s\nstages: [{number: 1, id: one, title: One}]\nrules:\n  - {id: K-RES, title: r, why: w, reference: x, level: fail, check: {kind: manifests, paths: [deploy], rules: [CPN-K8S-02]}}\n  - {id: K-NODEPORT, title: r, why: w, reference: x, level: fail, check: {kind: manifests, paths: [deploy], rules: [CPN-K8S-07]}}\n",
    )
    .write("gonogo.yaml", "pack: k8s\nrules: [k8s.yaml]\nstage: one\n")
    .write(
        "deploy/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n",
    );
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 3, "{v}");
    assert_eq!(status(&v, "K-RES"), "inconclusive");
    assert!(
        support::result(&v, "K-RES")["message"]
            .as_str()
            .unwrap()
            .contains("no workload"),
        "{v}"
    );
    assert_eq!(
        status(&v, "K-NODEPORT"),
        "pass",
        "an object rule examined the ConfigMap"
    );
}

// ------------------------------------------------------------------ 21: reflected secrets

#[tokio::test(flavor = "multi_thread")]
async fn defect_21_a_token_the_server_echoes_back_is_never_printed() {
    let server = MockServer::start().await;
    Mock::given(path("/junit.xml"))
        .respond_with(|req: &Request| {
            let key = req
                .headers
                .get("x-api-key")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            ResponseTemplate::new(401).set_body_string(format!("{{\"x-api-key\": \"{key}\"}}"))
        })
        .mount(&server)
        .await;
    let p = passing("dev", "");
    p.write(
        "gonogo.yaml",
        &config("dev", "").replace(
            "tests: {path: junit.xml}",
            &format!(
                "tests: {{url: \"{}/junit.xml\", auth: {{header: {{name: X-Api-Key, value_env: APP_KEY}}}}}}",
                server.uri()
            ),
        ),
    );
    for format in ["human", "json", "markdown"] {
        let out = support::output({
            let mut c = p.gonogo();
            c.env("APP_KEY", "SEKRITappKey3Xa")
                .args(["check", "-vv", "--format", format, "--report"])
                .arg(format!("json={}", p.path().join("v.json").display()));
            c
        })
        .await;
        let (code, stdout, stderr) = support::ran(&out);
        assert_eq!(code, 3, "{format}: {stdout}{stderr}");
        let written = std::fs::read_to_string(p.path().join("v.json")).unwrap();
        for text in [&stdout, &stderr, &written] {
            assert!(!text.contains("SEKRITappKey3Xa"), "{format}: {text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn defect_21_a_health_probe_quoting_an_echoed_key_is_scrubbed() {
    let server = MockServer::start().await;
    Mock::given(path("/metrics"))
        .respond_with(|req: &Request| {
            let key = req
                .headers
                .get("x-api-key")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/plain")
                .set_body_string(format!("{{\"x-api-key\": \"{key}\"}}\n"))
        })
        .mount(&server)
        .await;
    let p = Project::new();
    p.write(
        "app.yaml",
        "pack: app\nstages: [{number: 1, id: one, title: One}]\nrules:\n  - {id: A-METRICS, title: metrics, why: w, reference: x, level: fail, check: {kind: http-health, source: app, path: /metrics}, expect: {prometheus_text_valid: '== true'}}\n",
    )
    .write(
        "gonogo.yaml",
        &format!(
            "pack: app\nrules: [app.yaml]\nstage: one\nsources:\n  app: {{kind: http, url: \"{}\", auth: {{header: {{name: X-Api-Key, value_env: APP_KEY}}}}}}\n",
            server.uri()
        ),
    );
    let out = support::output({
        let mut c = p.gonogo();
        c.env("APP_KEY", "SEKRITappKey3Xa")
            .args(["check", "-vv", "--format", "json"]);
        c
    })
    .await;
    let (code, stdout, stderr) = support::ran(&out);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("not valid Prometheus text") && stdout.contains("***"),
        "the note quotes the body, scrubbed: {stdout}"
    );
    assert!(!stdout.contains("SEKRITappKey3Xa") && !stderr.contains("SEKRITappKey3Xa"));
}

// ------------------------------------------------------------------ 22, 23: pipes and devices

#[cfg(unix)]
#[test]
fn defect_22_a_fifo_as_config_rule_file_or_document_is_refused_without_hanging() {
    let p = passing("dev", "");
    let fifo = p.path().join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let started = std::time::Instant::now();
    let (code, _, err) = p.run(&["check", "--config", "fifo"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("named pipe"), "{err}");
    p.write(
        "gonogo.yaml",
        &config("dev", "").replace("rules: [team.yaml]", "rules: [team.yaml, fifo]"),
    );
    let (code, _, err) = p.run(&["check"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("named pipe"), "{err}");
    let (code, _, err) = p.run(&["inspect", "fifo"]);
    assert_eq!(code, 4, "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "nothing blocked on the pipe"
    );
}

#[test]
fn defect_23_a_device_as_config_or_rule_file_is_refused_at_once() {
    let p = passing("dev", "");
    let (code, _, err) = p.run(&["check", "--config", "/dev/zero"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("a device"), "{err}");
    p.write(
        "gonogo.yaml",
        &config("dev", "").replace("rules: [team.yaml]", "rules: [team.yaml, /dev/urandom]"),
    );
    let (code, _, err) = p.run(&["check"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("a device"), "{err}");
}

#[test]
fn defect_23_a_huge_config_is_refused_with_the_cap_named() {
    let p = passing("dev", "");
    let mut big = config("dev", "");
    big.push_str(&format!("# {}\n", "x".repeat(9 * 1024 * 1024)));
    p.write("gonogo.yaml", &big);
    let (code, _, err) = p.run(&["check"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("more than the 8 MiB"), "{err}");
}

// ------------------------------------------------------------------ what held, kept

#[test]
fn held_missing_empty_and_truncated_reports_are_inconclusive() {
    for (content, what) in [
        (None, "missing"),
        (Some(""), "empty"),
        (
            Some("<testsuite name=\"x\" tests=\"2\"><testcase name=\"a\"/"),
            "truncated",
        ),
        (Some("not a report at all"), "garbage"),
    ] {
        let p = passing("dev", "");
        match content {
            None => std::fs::remove_file(p.path().join("junit.xml")).unwrap(),
            Some(c) => {
                p.write("junit.xml", c);
            }
        }
        let (code, v) = p.check_json(&[]);
        assert_eq!(code, 3, "{what}: {v}");
        assert_eq!(status(&v, "T-TESTS"), "inconclusive", "{what}");
    }
}

#[test]
fn held_an_override_that_loosens_without_a_waiver_is_refused() {
    let p = passing("dev", "");
    p.write(
        "loose.yaml",
        "overrides:\n  - {rule: T-TESTS, level: warn}\n",
    )
    .write(
        "gonogo.yaml",
        &config("dev", "").replace("rules: [team.yaml]", "rules: [team.yaml, loose.yaml]"),
    );
    let (code, _, err) = p.run(&["check"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("loose.yaml:2"), "the origin is named: {err}");
}

#[test]
fn held_duplicate_yaml_keys_are_refused() {
    let p = passing("dev", "");
    p.write(
        "gonogo.yaml",
        &format!("{}stage: prod\n", config("dev", "")),
    );
    let (code, _, err) = p.run(&["check"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("duplicate"), "{err}");
}
