//! Baselines end to end: a first run's JSON verdict becomes the next run's baseline, and rules
//! that compare (`new_failed`, `<metric>_delta`) judge what changed; every way a baseline can be
//! unusable leaves exactly those rules inconclusive, with the reason.

use serde_json::Value;

use crate::support::{self, Project, junit, status};

const PACK: &str = r#"
pack: team
title: T
stages: [{number: 1, id: one, title: One}]
rules:
  - id: T-NEW
    title: No new failing test
    why: w
    reference: r
    level: fail
    check: {kind: tests}
    expect: {new_failed: "== 0"}
  - id: T-COUNT
    title: The suite does not shrink
    why: w
    reference: r
    level: fail
    check: {kind: tests}
    expect: {total_delta: ">= 0"}
  - id: T-PLAIN
    title: Something ran
    why: w
    reference: r
    level: warn
    check: {kind: tests}
"#;

fn project(extra: &str, cases: &[(&str, bool)]) -> Project {
    let p = Project::new();
    p.write("team.yaml", PACK)
        .write(
            "gonogo.yaml",
            &format!(
                "project: demo\npack: team\nrules: [team.yaml]\nstage: one\nsources:\n  tests: {{path: junit.xml}}\n{extra}"
            ),
        )
        .write("junit.xml", &junit(cases));
    p
}

/// Runs once and keeps the verdict as `base.json`.
fn baseline_of(p: &Project) -> Value {
    let (_, v) = p.check_json(&["-o", "base.json"]);
    v
}

fn message<'a>(v: &'a Value, id: &str) -> &'a str {
    support::result(v, id)["message"].as_str().unwrap_or("")
}

#[test]
fn without_a_baseline_only_comparing_rules_are_inconclusive() {
    let p = project("", &[("a", true), ("b", false)]);
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 3, "{v}");
    assert_eq!(status(&v, "T-NEW"), "inconclusive");
    assert!(message(&v, "T-NEW").contains("--baseline"), "{v}");
    assert_eq!(
        support::result(&v, "T-NEW")["outcome"]["reason"],
        "not_configured"
    );
    assert_eq!(
        status(&v, "T-PLAIN"),
        "warn",
        "judged as without baselines: {v}"
    );
    assert!(v.get("baseline").is_none_or(Value::is_null), "{v}");
    let (_, human, _) = p.run(&["check"]);
    assert!(
        human.contains("→ pass --baseline PATH"),
        "the one thing to do is to give a baseline, not to fix the source:\n{human}"
    );
}

#[test]
fn known_failures_pass_new_ones_fail_and_are_named() {
    let p = project("", &[("a", true), ("b", false)]);
    baseline_of(&p);

    let (code, v) = p.check_json(&["--baseline", "base.json"]);
    assert_eq!(code, 0, "the known failure is not new: {v}");
    let r = support::result(&v, "T-NEW");
    assert_eq!(r["metrics"]["new_failed"], 0.0, "{r}");
    assert_eq!(r["metrics"]["still_failed"], 1.0, "{r}");
    assert_eq!(v["baseline"]["project"], "demo", "{v}");
    assert_eq!(v["baseline"]["sha256"].as_str().unwrap().len(), 64, "{v}");

    p.write("junit.xml", &junit(&[("a", false), ("b", false)]));
    let (code, v) = p.check_json(&["--baseline", "base.json"]);
    assert_eq!(code, 1, "{v}");
    let r = support::result(&v, "T-NEW");
    assert_eq!(r["metrics"]["new_failed"], 1.0, "{r}");
    assert!(
        r["comparison"]["new_keys"].to_string().contains("c.a"),
        "the new failure is named: {r}"
    );

    p.write("junit.xml", &junit(&[("a", true)]));
    let (code, v) = p.check_json(&["--baseline", "base.json"]);
    assert_eq!(code, 1, "a test went missing: {v}");
    assert_eq!(status(&v, "T-COUNT"), "fail");
    assert_eq!(
        support::result(&v, "T-COUNT")["metrics"]["total_delta"],
        -1.0
    );
    assert_eq!(support::result(&v, "T-NEW")["metrics"]["fixed"], 1.0);
}

#[test]
fn an_unusable_baseline_says_why() {
    let p = project("", &[("a", true)]);
    baseline_of(&p);
    let other = std::fs::read_to_string(p.path().join("base.json"))
        .unwrap()
        .replace("\"project\": \"demo\"", "\"project\": \"other\"");
    p.write("other.json", &other)
        .write("garbage.json", "{\"schema_version\": 1,");
    for (file, reason, words) in [
        ("absent.json", "not_found", "absent.json"),
        (
            "garbage.json",
            "parse_error",
            "not a gonogo JSON verdict (line 1",
        ),
        ("other.json", "wrong_kind", "project `other`, not `demo`"),
    ] {
        let (code, v) = p.check_json(&["--baseline", file]);
        assert_eq!(code, 3, "{file}: {v}");
        let r = support::result(&v, "T-NEW");
        assert_eq!(r["outcome"]["reason"], reason, "{file}: {r}");
        assert!(
            r["message"].as_str().unwrap().contains(words),
            "{file}: {r}"
        );
        assert_eq!(status(&v, "T-PLAIN"), "pass", "{file}");
        assert!(v["baseline"]["error"].is_string(), "{file}: {v}");
    }
}

#[test]
fn a_configured_baseline_obeys_max_age_on_its_evaluation_time() {
    let p = project("baseline: {path: base.json, max_age: 1d}\n", &[("a", true)]);
    let (_, first) = p.check_json(&["-o", "base.json"]);
    assert_eq!(status(&first, "T-NEW"), "inconclusive", "{first}");
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 0, "a fresh baseline: {v}");

    let text = std::fs::read_to_string(p.path().join("base.json")).unwrap();
    let old = text.replace(
        first["evaluated_at"].as_str().unwrap(),
        "2020-01-01T00:00:00Z",
    );
    assert_ne!(old, text);
    p.write("base.json", &old);
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 3, "{v}");
    let r = support::result(&v, "T-NEW");
    assert_eq!(r["outcome"]["reason"], "stale", "{r}");
    assert!(r["message"].as_str().unwrap().contains("2020-01-01"), "{r}");
}

#[test]
fn replacing_the_configured_baseline_is_recorded() {
    let p = project("baseline: {path: base.json}\n", &[("a", true)]);
    baseline_of(&p);
    std::fs::copy(p.path().join("base.json"), p.path().join("mine.json")).unwrap();
    let (code, v) = p.check_json(&["--baseline", "mine.json"]);
    assert_eq!(code, 0, "{v}");
    let overrides = v["overrides"].to_string();
    assert!(
        overrides.contains("baseline") && overrides.contains("--baseline"),
        "{v}"
    );
}

const FINDINGS_PACK: &str = r#"
pack: team
title: T
stages: [{number: 1, id: one, title: One}]
rules:
  - id: F-NEW
    title: No new critical vulnerability
    why: w
    reference: r
    level: fail
    check: {kind: findings, source: scan}
    expect: {new_critical: "== 0", new_total: "<= 1"}
"#;

fn trivy(vulns: &[(&str, &str, &str)]) -> String {
    let list: Vec<String> = vulns
        .iter()
        .map(|(id, pkg, sev)| {
            format!(
                r#"{{"VulnerabilityID":"{id}","PkgName":"{pkg}","InstalledVersion":"1.0","Severity":"{sev}"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"SchemaVersion":2,"ArtifactName":"app:1","ArtifactType":"container_image","Results":[{{"Target":"app:1 (debian 12)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{}]}}]}}"#,
        list.join(",")
    )
}

#[test]
fn findings_are_compared_by_severity_class() {
    let p = Project::new();
    p.write("team.yaml", FINDINGS_PACK)
        .write(
            "gonogo.yaml",
            "project: demo\npack: team\nrules: [team.yaml]\nstage: one\nsources:\n  scan: {path: trivy.json, kind: trivy}\n",
        )
        .write(
            "trivy.json",
            &trivy(&[("CVE-1", "openssl", "CRITICAL"), ("CVE-2", "zlib", "LOW")]),
        );
    let (code, _) = p.check_json(&["-o", "base.json"]);
    assert_eq!(
        code, 3,
        "no baseline yet: the comparing rule cannot be judged"
    );

    let (code, v) = p.check_json(&["--baseline", "base.json"]);
    assert_eq!(code, 0, "the known critical is not new: {v}");
    let r = support::result(&v, "F-NEW");
    assert_eq!(r["metrics"]["new_critical"], 0.0, "{r}");
    assert_eq!(r["metrics"]["critical"], 1.0, "{r}");

    p.write(
        "trivy.json",
        &trivy(&[
            ("CVE-1", "openssl", "CRITICAL"),
            ("CVE-3", "libxml2", "CRITICAL"),
            ("CVE-4", "zlib", "MEDIUM"),
        ]),
    );
    let (code, v) = p.check_json(&["--baseline", "base.json"]);
    assert_eq!(code, 1, "{v}");
    let r = support::result(&v, "F-NEW");
    assert_eq!(r["metrics"]["new_critical"], 1.0, "{r}");
    assert_eq!(r["metrics"]["new_medium"], 1.0, "{r}");
    assert_eq!(r["metrics"]["new_total"], 2.0, "{r}");
    let new_keys = r["comparison"]["new_keys"].to_string();
    assert!(
        new_keys.contains("CVE-3") && !new_keys.contains("CVE-1"),
        "{r}"
    );
}

fn cobertura(rate: f64) -> String {
    let covered = (rate * 10.0).round() as u32;
    let lines: String = (1..=10)
        .map(|n| format!(r#"<line number="{n}" hits="{}"/>"#, u32::from(n <= covered)))
        .collect();
    format!(
        r#"<?xml version="1.0" ?><coverage line-rate="{rate}" branch-rate="0" lines-valid="10" lines-covered="{covered}" version="7.4" timestamp="1700000000000"><sources><source>/src</source></sources><packages><package name="app" line-rate="{rate}"><classes><class name="a.py" filename="app/a.py" line-rate="{rate}"><lines>{lines}</lines></class></classes></package></packages></coverage>"#
    )
}

fn trivy_config(ids: &[&str]) -> String {
    let list: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(
                r#"{{"Type":"Dockerfile Security Check","ID":"{id}","AVDID":"AVD-{id}","Title":"t","Severity":"HIGH","Status":"FAIL"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"SchemaVersion":2,"ArtifactName":".","ArtifactType":"filesystem","Results":[{{"Target":"Dockerfile","Class":"config","Type":"dockerfile","Misconfigurations":[{}]}}]}}"#,
        list.join(",")
    )
}

fn gitleaks(rules: &[&str]) -> String {
    let list: Vec<String> = rules
        .iter()
        .map(|r| {
            format!(
                r#"{{"RuleID":"{r}","File":"src/{r}.py","StartLine":3,"Fingerprint":"src/{r}.py:{r}:3","Secret":"REDACTED"}}"#
            )
        })
        .collect();
    format!("[{}]", list.join(","))
}

/// Writes one state of a project with debt: `then` false is the baseline's state, true the
/// change that breaks each of the variant's rules once.
fn debt_state(p: &Project, then: bool) {
    p.write(
        "junit.xml",
        &junit(&[("old", false), ("a", !then), ("b", true)]),
    )
    .write("e2e.xml", &junit(&[("flow", !then), ("legacy", false)]))
    .write(
        "trivy.json",
        &if then {
            trivy(&[("CVE-1", "openssl", "CRITICAL"), ("CVE-9", "curl", "HIGH")])
        } else {
            trivy(&[("CVE-1", "openssl", "CRITICAL")])
        },
    )
    .write(
        "config.json",
        &trivy_config(if then {
            &["DS002", "DS026"]
        } else {
            &["DS002"]
        }),
    )
    .write(
        "gitleaks.json",
        &gitleaks(if then {
            &["aws", "github-pat"]
        } else {
            &["aws"]
        }),
    )
    .write("coverage.xml", &cobertura(if then { 0.5 } else { 0.6 }));
}

/// The debt variant (`builtin:cloud-pi-native/debt`): each of its rules passes on known debt and
/// fails on a change that adds to it; without a baseline each is inconclusive.
#[test]
fn the_debt_variant_fails_new_debt_and_passes_known_debt() {
    let p = Project::new();
    p.write(
        "gonogo.yaml",
        "project: legacy\nstage: 3\nrules: [builtin:cloud-pi-native/debt]\nsources:\n  tests: {path: junit.xml}\n  e2e-tests: {path: e2e.xml}\n  image-scan: {path: trivy.json, kind: trivy}\n  config-scan: {path: config.json, kind: trivy}\n  secrets: {path: gitleaks.json, kind: gitleaks}\n  coverage: {path: coverage.xml}\n",
    );
    debt_state(&p, false);
    let ids: Vec<String> = (1..=6).map(|n| format!("CPN-DEBT-0{n}")).collect();

    let (_, first) = p.check_json(&["-o", "base.json"]);
    for id in &ids {
        assert_eq!(status(&first, id), "inconclusive", "{id}: no baseline yet");
    }
    let (_, same) = p.check_json(&["--baseline", "base.json"]);
    for id in &ids {
        assert_eq!(
            status(&same, id),
            "pass",
            "{id} on known debt: {}",
            support::result(&same, id)
        );
    }
    assert_eq!(
        status(&same, "CPN-S3-03"),
        "fail",
        "the absolute rule is unchanged: the known failure still fails it until waived"
    );

    debt_state(&p, true);
    let (code, worse) = p.check_json(&["--baseline", "base.json"]);
    assert_eq!(code, 1);
    for id in &ids[..5] {
        assert_eq!(
            status(&worse, id),
            "fail",
            "{id} on new debt: {}",
            support::result(&worse, id)
        );
    }
    assert_eq!(
        status(&worse, "CPN-DEBT-06"),
        "warn",
        "coverage dropped 10 points"
    );

    let (_, bad) = p.check_json(&["--baseline", "nowhere.json"]);
    assert_eq!(status(&bad, "CPN-DEBT-01"), "inconclusive");

    p.write(
        "gonogo.yaml",
        "project: legacy\nstage: 3\nrules: [builtin:cloud-pi-native/none-such]\n",
    );
    let (code, _, err) = p.run(&["check"]);
    assert_eq!(code, 4, "a configuration error: {err}");
    assert!(err.contains("builtin:cloud-pi-native/debt"), "{err}");
}

/// The default branch's verdict, read as the latest artifact of its gate job through GitLab's
/// API (the endpoint client: token header, URL-encoded project and ref), with the token never
/// shown in the verdict.
#[tokio::test(flavor = "multi_thread")]
async fn a_baseline_from_a_gitlab_job_artifact() {
    use wiremock::matchers::{header, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let p = project("", &[("a", true), ("b", false)]);
    baseline_of(&p);
    let base = std::fs::read(p.path().join("base.json")).unwrap();
    let server = MockServer::start().await;
    Mock::given(path(
        "/api/v4/projects/acme%2Fshop/jobs/artifacts/main/raw/gonogo-verdict.json",
    ))
    .and(query_param("job", "gonogo"))
    .and(header("JOB-TOKEN", "j0b-t0ken"))
    .respond_with(ResponseTemplate::new(200).set_body_raw(base, "application/octet-stream"))
    .expect(1)
    .mount(&server)
    .await;
    let config = std::fs::read_to_string(p.path().join("gonogo.yaml")).unwrap();
    p.write(
        "gonogo.yaml",
        &format!(
            "{config}baseline:\n  url: {}/api/v4\n  auth: {{header: {{name: JOB-TOKEN, value_env: CI_JOB_TOKEN}}}}\n  gitlab_artifact: {{project: acme/shop, ref: main, job: gonogo, path: gonogo-verdict.json}}\n",
            server.uri()
        ),
    );
    let mut cmd = p.gonogo();
    cmd.env("CI_JOB_TOKEN", "j0b-t0ken")
        .args(["check", "--format", "json"]);
    let out = support::output(cmd).await;
    let v = support::verdict(&out);
    assert_eq!(out.status.code(), Some(0), "{v}");
    assert_eq!(support::result(&v, "T-NEW")["metrics"]["still_failed"], 1.0);
    let record = v["baseline"].to_string();
    assert!(
        record.contains("acme%2Fshop/jobs/artifacts/main"),
        "{record}"
    );
    assert!(!v.to_string().contains("j0b-t0ken"));
}
