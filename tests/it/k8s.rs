//! The `manifests` and `dockerfile` check kinds driven through the binary: one gonogo rule per
//! CPN id over the same folder (read once), levels per rule, item waivers, and fail-closed
//! behaviour when the manifests are missing or unrendered.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

const PACK: &str = r#"
pack: k8s
title: Manifests and Dockerfiles
stages:
  - {number: 1, id: sandbox, title: Sandbox}
vars:
  manifests: deploy/
rules:
  - id: CPN-K8S-02
    title: Requests and limits
    why: The quota admission needs them.
    reference: need-containers-ressources
    level: fail
    check: {kind: manifests, paths: ["${manifests}"], rules: [CPN-K8S-02]}
  - id: CPN-K8S-03
    title: Probes
    why: OpenShift needs to know when a pod is ready.
    reference: need-liveness-readiness
    level: fail
    check: {kind: manifests, paths: ["${manifests}"], rules: [CPN-K8S-03]}
    expect: {blocking: "== 0"}
    prefer: {violations: "== 0"}
  - id: CPN-K8S-14
    title: Network policies
    why: The namespace denies all traffic by default.
    reference: best-practices
    level: warn
    check: {kind: manifests, paths: ["${manifests}"], rules: [CPN-K8S-14]}
  - id: CPN-K8S-15
    title: Quota
    why: The namespace quota caps the sum of limits.
    reference: add-quota
    level: fail
    check: {kind: manifests, paths: ["${manifests}"], rules: [CPN-K8S-15], quota: {cpu: 4, memory: 16Gi}}
  - id: CPN-S2-10
    title: Rootless image
    why: The platform runs containers with a random non-root user.
    reference: EXI-ARCH-18
    level: fail
    check: {kind: dockerfile, rules: [root-user]}
"#;

struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let p = Project { dir };
        p.write(
            "gonogo.yaml",
            "project: shop\npack: k8s\nrules: [k8s-pack.yaml]\nstage: sandbox\n",
        );
        p.write("k8s-pack.yaml", PACK);
        p
    }

    fn write(&self, name: &str, text: &str) -> &Project {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn copy(&self, fixture: &str, to: &str) -> &Project {
        let text = std::fs::read_to_string(Path::new(FIXTURES).join(fixture)).unwrap();
        self.write(to, &text)
    }

    fn check(&self, extra: &[&str]) -> (i32, Value) {
        let mut args = vec!["check", "--format", "json", "--today", "2026-11-29"];
        args.extend_from_slice(extra);
        let out = Command::cargo_bin("gonogo")
            .unwrap()
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env_remove("GONOGO_STAGE")
            .env_remove("GONOGO_ENVIRONMENT")
            .args(&args)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {stdout}\nstderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap_or(-1), v)
    }
}

fn result<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no result for {id} in {v}"))
}

fn status<'a>(v: &'a Value, id: &str) -> &'a str {
    result(v, id)["outcome"]["status"].as_str().unwrap()
}

#[test]
fn a_good_render_and_dockerfile_pass_every_rule() {
    let p = Project::new();
    p.copy("k8s/good/render.yaml", "deploy/render.yaml")
        .copy("dockerfile/good.Dockerfile", "api/Dockerfile");
    let (code, v) = p.check(&[]);
    assert_eq!(code, 0, "{v:#}");
    for id in [
        "CPN-K8S-02",
        "CPN-K8S-03",
        "CPN-K8S-14",
        "CPN-K8S-15",
        "CPN-S2-10",
    ] {
        assert_eq!(status(&v, id), "pass", "{id}: {:#}", result(&v, id));
    }
    let manifest_reads = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["need"]["type"] == "documents")
        .count();
    assert_eq!(
        manifest_reads, 2,
        "one read for the four manifest rules, one for Dockerfiles: {:#}",
        v["sources"]
    );
}

#[test]
fn a_bad_render_fails_rule_by_rule_with_locations_and_waivers() {
    let p = Project::new();
    p.copy("k8s/bad/render.yaml", "deploy/render.yaml")
        .copy("dockerfile/bad.Dockerfile", "Dockerfile");
    let (code, v) = p.check(&[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["decision"], "no_go");
    assert_eq!(status(&v, "CPN-K8S-02"), "fail");
    assert_eq!(status(&v, "CPN-K8S-03"), "fail");
    assert_eq!(status(&v, "CPN-K8S-14"), "warn");
    assert_eq!(status(&v, "CPN-K8S-15"), "pass", "3 cores fit in 4");
    assert_eq!(status(&v, "CPN-S2-10"), "fail");
    let text = v.to_string();
    assert!(text.contains("deploy/render.yaml"), "{text}");
    assert!(
        !text.contains("do-not-print-me"),
        "a ConfigMap value leaked"
    );

    p.write(
        "gonogo.yaml",
        "project: shop\npack: k8s\nrules: [k8s-pack.yaml]\nstage: sandbox\nwaivers:\n  - {rule: CPN-K8S-02, match: \"Deployment/shop-web-dep/*\", reason: sizing in progress, expires: 2027-01-31}\n  - {rule: CPN-S2-10, match: \"Dockerfile\", reason: base image sets the user, expires: 2027-01-31}\n",
    );
    let (_, v) = p.check(&[]);
    assert_eq!(
        status(&v, "CPN-K8S-02"),
        "pass",
        "{:#}",
        result(&v, "CPN-K8S-02")
    );
    assert_eq!(
        status(&v, "CPN-S2-10"),
        "pass",
        "{:#}",
        result(&v, "CPN-S2-10")
    );
}

#[test]
fn one_probe_of_two_is_a_warning_not_a_failure() {
    let p = Project::new();
    let good = std::fs::read_to_string(Path::new(FIXTURES).join("k8s/good/render.yaml")).unwrap();
    let one_probe = good.replace(
        "          readinessProbe:\n            httpGet: {path: /ready, port: http}\n",
        "",
    );
    assert_ne!(one_probe, good);
    p.write("deploy/render.yaml", &one_probe)
        .copy("dockerfile/good.Dockerfile", "Dockerfile");
    let (code, v) = p.check(&[]);
    assert_eq!(
        status(&v, "CPN-K8S-03"),
        "warn",
        "{:#}",
        result(&v, "CPN-K8S-03")
    );
    assert_eq!(code, 0, "{v:#}");
}

#[test]
fn missing_or_unrendered_manifests_are_inconclusive() {
    let p = Project::new();
    p.copy("dockerfile/good.Dockerfile", "Dockerfile");
    let (code, v) = p.check(&[]);
    assert_eq!(code, 3, "{v:#}");
    assert_eq!(status(&v, "CPN-K8S-02"), "inconclusive");
    p.write(
        "deploy/templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    {{- include \"x.labels\" . | nindent 4 }}\n",
    );
    let (code, v) = p.check(&[]);
    assert_eq!(code, 3, "{v:#}");
    let r = result(&v, "CPN-K8S-02").to_string();
    assert!(r.contains("deploy/templates/cm.yaml:6"), "{r}");
    assert!(r.contains("unrendered Helm template"), "{r}");
}
