//! The `manifests` and `dockerfile` check kinds driven through the binary: one gonogo rule per
//! CPN id over the same folder (read once), levels per rule, item waivers, and fail-closed
//! behaviour when the manifests are missing or unrendered.

use crate::support::{Project, fixture, result, status};

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

/// A project on the pack above, with no manifests and no Dockerfile yet.
fn project() -> Project {
    let p = Project::new();
    p.write(
        "gonogo.yaml",
        "project: shop\npack: k8s\nrules: [k8s-pack.yaml]\nstage: sandbox\n",
    )
    .write("k8s-pack.yaml", PACK);
    p
}

#[test]
fn a_good_render_and_dockerfile_pass_every_rule() {
    let p = project();
    p.copy("k8s/good/render.yaml", "deploy/render.yaml")
        .copy("dockerfile/good.Dockerfile", "api/Dockerfile");
    let (code, v) = p.check_json(&[]);
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
    let reads = |kind: &str| {
        v["sources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["need"]["type"] == kind)
            .count()
    };
    assert_eq!(
        (reads("manifests"), reads("documents")),
        (1, 1),
        "one read for the four manifest rules, one for Dockerfiles: {:#}",
        v["sources"]
    );
}

#[test]
fn a_bad_render_fails_rule_by_rule_with_locations_and_waivers() {
    let p = project();
    p.copy("k8s/bad/render.yaml", "deploy/render.yaml")
        .copy("dockerfile/bad.Dockerfile", "Dockerfile");
    let (code, v) = p.check_json(&[]);
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
        &format!("project: shop\npack: k8s\nrules: [k8s-pack.yaml]\nstage: sandbox\nwaivers:\n  - {{rule: CPN-K8S-02, match: \"Deployment/shop-web-dep/*\", reason: sizing in progress, expires: {d}}}\n  - {{rule: CPN-S2-10, match: \"Dockerfile\", reason: base image sets the user, expires: {d}}}\n", d = crate::support::day(60)),
    );
    let (_, v) = p.check_json(&[]);
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
    let p = project();
    let good = fixture("k8s/good/render.yaml");
    let one_probe = good.replace(
        "          readinessProbe:\n            httpGet: {path: /ready, port: http}\n",
        "",
    );
    assert_ne!(one_probe, good);
    p.write("deploy/render.yaml", &one_probe)
        .copy("dockerfile/good.Dockerfile", "Dockerfile");
    let (code, v) = p.check_json(&[]);
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
    let p = project();
    p.copy("dockerfile/good.Dockerfile", "Dockerfile");
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 3, "{v:#}");
    assert_eq!(status(&v, "CPN-K8S-02"), "inconclusive");
    p.write(
        "deploy/templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    {{- include \"x.labels\" . | nindent 4 }}\n",
    );
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 3, "{v:#}");
    let r = result(&v, "CPN-K8S-02").to_string();
    assert!(r.contains("deploy/templates/cm.yaml:6"), "{r}");
    assert!(r.contains("unrendered Helm template"), "{r}");
}
