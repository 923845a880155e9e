//! Item ids: two files that produce the same finding give two ids, each naming its file, and a
//! waiver's `match` on one file's id waives that item only. One rule per check kind that reads
//! project files or reports with locations.

use serde_json::Value;

use crate::support::{Project, result};

const PACK: &str = r#"
pack: ids
title: Item ids
stages:
  - {number: 1, id: sandbox, title: Sandbox}
rules:
  - id: DOCKER
    title: Dockerfiles
    why: test
    reference: test
    level: fail
    check: {kind: dockerfile, paths: [api, worker]}
  - id: K8S
    title: Manifests
    why: test
    reference: test
    level: fail
    check: {kind: manifests, paths: [deploy], rules: [CPN-K8S-02, CPN-K8S-04]}
  - id: SCAN
    title: Findings
    why: test
    reference: test
    level: fail
    check: {kind: findings, source: scan}
    expect: {total: "== 0"}
  - id: ANSWERS-A
    title: Answers A
    why: test
    reference: test
    level: fail
    check: {kind: yaml-fields, file: a/answers.yaml, fields: [team.name]}
  - id: ANSWERS-B
    title: Answers B
    why: test
    reference: test
    level: fail
    check: {kind: yaml-fields, file: b/answers.yaml, fields: [team.name]}
  - id: PLAN-A
    title: Plan A
    why: test
    reference: test
    level: fail
    check: {kind: markdown-sections, file: a/plan.md, sections: [Risks]}
  - id: PLAN-B
    title: Plan B
    why: test
    reference: test
    level: fail
    check: {kind: markdown-sections, file: b/plan.md, sections: [Risks]}
  - id: CONTAINS-A
    title: Contains A
    why: test
    reference: test
    level: fail
    check: {kind: file-contains, file: a/plan.md, contains: [owner]}
  - id: CONTAINS-B
    title: Contains B
    why: test
    reference: test
    level: fail
    check: {kind: file-contains, file: b/plan.md, contains: [owner]}
"#;

/// The same root final stage, privileged ports and unpinned base in two Dockerfiles.
const DOCKERFILE: &str = "FROM python:latest AS prod\nEXPOSE 80\nEXPOSE 443\nCMD [\"python\"]\n";

/// The same Deployment, without resources and on an untagged image, in two files.
const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, env: dev, tier: back}
spec:
  template:
    metadata:
      labels: {app: web, env: dev, tier: back}
    spec:
      containers:
        - name: app
          image: registry.example/web
";

/// One scanner rule reported in two source files.
const SARIF: &str = r#"{"version": "2.1.0", "runs": [{
  "tool": {"driver": {"name": "Semgrep OSS", "rules": [{"id": "python.sqli"}]}},
  "results": [
    {"ruleId": "python.sqli", "level": "error", "message": {"text": "SQL built from input"},
     "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/a.py"}, "region": {"startLine": 3}}}]},
    {"ruleId": "python.sqli", "level": "error", "message": {"text": "SQL built from input"},
     "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/b.py"}, "region": {"startLine": 3}}}]}
  ]}]}"#;

const CONFIG: &str = "project: ids\npack: ids\nrules: [ids-pack.yaml]\nstage: sandbox\nsources:\n  scan: {path: reports/scan.sarif}\n";

fn project(waivers: &str) -> Project {
    let p = Project::new();
    p.write("gonogo.yaml", &format!("{CONFIG}{waivers}"))
        .write("ids-pack.yaml", PACK)
        .write("api/Dockerfile", DOCKERFILE)
        .write("worker/Dockerfile", DOCKERFILE)
        .write("deploy/a.yaml", DEPLOYMENT)
        .write("deploy/b.yaml", DEPLOYMENT)
        .write("reports/scan.sarif", SARIF);
    for dir in ["a", "b"] {
        p.write(&format!("{dir}/answers.yaml"), "team:\n  name: TODO\n")
            .write(&format!("{dir}/plan.md"), "# Plan\n\n## Risks\n\nTODO\n");
    }
    p
}

fn keys(v: &Value, rule: &str) -> Vec<String> {
    result(v, rule)["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["key"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_same_finding_in_two_files_has_two_ids_that_name_the_file() {
    let p = project("");
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 1, "{v:#}");
    let mut all = Vec::new();
    for (rule, a, b) in [
        ("DOCKER", "api/Dockerfile", "worker/Dockerfile"),
        ("K8S", "deploy/a.yaml", "deploy/b.yaml"),
        ("SCAN", "src/a.py", "src/b.py"),
    ] {
        let ks = keys(&v, rule);
        let unique: std::collections::BTreeSet<&String> = ks.iter().collect();
        assert_eq!(unique.len(), ks.len(), "{rule}: ids repeat: {ks:?}");
        let in_a: Vec<&String> = ks.iter().filter(|k| k.starts_with(a)).collect();
        let in_b: Vec<&String> = ks.iter().filter(|k| k.starts_with(b)).collect();
        assert!(!in_a.is_empty(), "{rule}: no id names {a}: {ks:?}");
        assert_eq!(in_a.len(), in_b.len(), "{rule}: {ks:?}");
        assert_eq!(in_a.len() + in_b.len(), ks.len(), "{rule}: {ks:?}");
        for k in &ks {
            assert!(!k.starts_with('/'), "{rule}: absolute path in {k}");
            assert!(
                !k.contains(&p.path().display().to_string()),
                "{rule}: the run's directory in {k}"
            );
        }
        all.push(ks);
    }
    assert!(
        all[0].contains(&"api/Dockerfile#prod#root-user".to_string()),
        "{:?}",
        all[0]
    );
    assert!(
        all[0].contains(&"api/Dockerfile#prod/80#privileged-port".to_string()),
        "{:?}",
        all[0]
    );
    for (a, b, file) in [
        ("ANSWERS-A", "ANSWERS-B", "answers.yaml#team.name"),
        ("PLAN-A", "PLAN-B", "plan.md#Risks"),
        ("CONTAINS-A", "CONTAINS-B", "plan.md#owner"),
    ] {
        assert_eq!(keys(&v, a), vec![format!("a/{file}")], "{a}");
        assert_eq!(keys(&v, b), vec![format!("b/{file}")], "{b}");
    }

    let (_, again) = p.check_json(&[]);
    for rule in ["DOCKER", "K8S", "SCAN", "ANSWERS-A", "PLAN-A", "CONTAINS-A"] {
        assert_eq!(
            keys(&v, rule),
            keys(&again, rule),
            "{rule}: ids differ between runs"
        );
    }
}

#[test]
fn a_waiver_on_one_files_id_waives_that_item_only() {
    let plain = project("");
    let (_, before) = plain.check_json(&[]);
    let day = crate::support::day(30);
    let waiver = |rule: &str, pattern: &str| {
        format!("  - {{rule: {rule}, match: \"{pattern}\", reason: test, expires: {day}}}\n")
    };
    let waivers = [
        waiver("DOCKER", "api/Dockerfile#prod#root-user"),
        waiver("K8S", "deploy/a.yaml#*#CPN-K8S-02"),
        waiver("SCAN", "src/a.py#*"),
        waiver("ANSWERS-A", "a/answers.yaml#team.name"),
        waiver("PLAN-B", "b/plan.md#*"),
    ]
    .concat();
    let p = project(&format!("waivers:\n{waivers}"));
    let (_, v) = p.check_json(&[]);
    for (rule, gone) in [
        ("DOCKER", "api/Dockerfile#prod#root-user"),
        ("K8S", "deploy/a.yaml#Deployment/web/app#CPN-K8S-02"),
        ("SCAN", "src/a.py#python.sqli"),
        ("ANSWERS-A", "a/answers.yaml#team.name"),
        ("PLAN-B", "b/plan.md#Risks"),
    ] {
        let was = keys(&before, rule);
        let now = keys(&v, rule);
        assert!(
            was.iter().any(|k| k == gone),
            "{rule}: {gone} not in {was:?}"
        );
        let expected: Vec<String> = was.into_iter().filter(|k| k != gone).collect();
        assert_eq!(now, expected, "{rule}: only {gone} is waived");
        assert_eq!(result(&v, rule)["waived_items"], 1, "{rule}");
    }
    for rule in ["ANSWERS-B", "PLAN-A"] {
        assert_eq!(keys(&v, rule), keys(&before, rule), "{rule} is untouched");
    }
}
