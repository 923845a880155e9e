//! Every example under examples/ gives the verdict its README announces, and the rules it names.

use serde_json::Value;

use crate::support::{self, gonogo, result, without_services};

/// An example's gonogo.yaml: at its root, or in `app/` for the split layout (the application
/// repository beside the infrastructure one).
fn config(example: &str) -> Option<std::path::PathBuf> {
    let dir = support::example(example);
    [dir.join("gonogo.yaml"), dir.join("app").join("gonogo.yaml")]
        .into_iter()
        .find(|p| p.is_file())
}

fn run(example: &str, extra: &[&str]) -> (i32, Value) {
    let out = gonogo()
        .args(["check", "--format", "json", "--config"])
        .arg(config(example).expect("the example has a gonogo.yaml"))
        .args(extra)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), support::verdict(&out))
}

/// The exit code the example's README promises ("exit code N").
fn announced(example: &str) -> i32 {
    let readme = std::fs::read_to_string(support::example(example).join("README.md")).unwrap();
    let at = readme
        .find("exit code ")
        .expect("README announces an exit code")
        + "exit code ".len();
    readme[at..at + 1].parse().unwrap()
}

fn failed(verdict: &Value) -> Vec<String> {
    verdict["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"]["status"] == "fail")
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_example_gives_the_announced_exit_code() {
    let dir = support::root().join("examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if config(&name).is_none() || entry.path().join("NEEDS_SERVICES").exists() {
            continue;
        }
        let (code, verdict) = run(&name, &[]);
        assert_eq!(code, announced(&name), "{name}: {}", verdict["decision"]);
        seen += 1;
    }
    assert!(
        seen >= 2,
        "expected the offline examples to run, found {seen}"
    );
}

#[test]
fn the_nogo_example_fails_on_its_two_real_problems() {
    let (code, v) = run("stage3-nogo", &[]);
    assert_eq!(code, 1);
    assert_eq!(failed(&v), vec!["CPN-S3-03", "CPN-S3-07"]);
    let tests = result(&v, "CPN-S3-03");
    assert!(
        tests["items"][0]["text"]
            .as_str()
            .unwrap()
            .contains("test_discount_keeps_cents")
    );
}

/// Examples marked `NEEDS_SERVICES` read live evidence from the stand-ins `.ci/services.sh`
/// starts (Prometheus, Alertmanager, the example application): this fails, saying so, when they
/// are not up.
fn services_up() {
    support::service_url("GONOGO_PROMETHEUS_URL");
    support::service_url("SHOP_CART_URL");
}

#[test]
#[ignore = "needs the live Prometheus and Alertmanager; .ci/run starts them"]
fn the_go_example_passes_every_rule_with_evidence() {
    services_up();
    let (code, v) = run("stage3-go", &[]);
    assert_eq!(code, 0, "{}", v["results"]);
    assert_eq!(v["counts"]["fail"], 0);
    assert_eq!(v["counts"]["inconclusive"], 0);
    for source in v["sources"].as_array().unwrap() {
        for input in source["inputs"].as_array().unwrap() {
            assert_eq!(input["sha256"].as_str().unwrap().len(), 64, "{input}");
        }
    }
}

#[test]
#[ignore = "needs the live Prometheus and Alertmanager; .ci/run starts them"]
fn every_example_that_needs_services_gives_the_announced_exit_code() {
    services_up();
    let mut seen = 0;
    for entry in std::fs::read_dir(support::root().join("examples"))
        .unwrap()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.path().join("NEEDS_SERVICES").exists() {
            continue;
        }
        let (code, verdict) = run(&name, &[]);
        assert_eq!(code, announced(&name), "{name}: {}", verdict["decision"]);
        seen += 1;
    }
    assert!(seen >= 2, "expected the live examples to run, found {seen}");
}

/// The split layout (app/ and infra/ repositories) with a distroless image, offline: the image
/// and Dockerfile non-root rules pass on the image config's user (65532) and the `nonroot` base,
/// and every K8S rule passes on the infra chart's rendered workload, none vacuously.
#[test]
fn the_split_example_passes_the_nonroot_and_k8s_rules_on_evidence() {
    let out = without_services(&mut gonogo())
        .args(["check", "--format", "json", "--config"])
        .arg(config("stage3-split").unwrap())
        .output()
        .unwrap();
    let v = support::verdict(&out);
    assert!(failed(&v).is_empty(), "{:?}", failed(&v));
    let mut k8s = 0;
    for r in v["results"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let nonroot = [
            "CPN-S2-10",
            "CPN-S2-11",
            "CPN-S2-13",
            "CPN-S3-09",
            "CPN-S3-17",
        ];
        if !(id.starts_with("CPN-K8S-") || nonroot.contains(&id)) {
            continue;
        }
        assert_eq!(r["outcome"]["status"], "pass", "{id}: {}", r["message"]);
        if id.starts_with("CPN-K8S-") {
            k8s += 1;
            let m = &r["metrics"];
            assert!(m["objects"].as_f64().unwrap() >= 5.0, "{id}: {m}");
            assert!(m["workloads"].as_f64().unwrap() >= 1.0, "{id}: {m}");
            assert!(m["containers"].as_f64().unwrap() >= 1.0, "{id}: {m}");
        }
    }
    assert_eq!(k8s, 17, "every K8S rule of stage 3");
    assert_eq!(result(&v, "CPN-S3-17")["metrics"]["runs_as_root"], 0.0);
    assert_eq!(result(&v, "CPN-S2-10")["metrics"]["dockerfiles"], 1.0);
    // The two scanner checks that ask to impose a securityContext are set aside, not counted.
    assert_eq!(result(&v, "CPN-S3-09")["metrics"]["set_aside"], 2.0);
}

#[test]
#[ignore = "needs the live Prometheus and the stand-in; .ci/run starts them"]
fn the_split_example_is_go_with_its_one_coverage_warning() {
    services_up();
    let (code, v) = run("stage3-split", &[]);
    assert_eq!(code, 0, "{}", v["results"]);
    assert_eq!(v["decision"], "go_with_warnings");
    assert_eq!(v["counts"]["fail"], 0);
    assert_eq!(v["counts"]["inconclusive"], 0);
    let warned: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"]["status"] == "warn")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        warned,
        vec!["CPN-S3-04"],
        "line coverage 95 % < the 100 % target"
    );
}

#[test]
fn stage1_previews_what_stage2_still_needs() {
    let (code, v) = run("stage1-opportunity", &["--next"]);
    assert_eq!(code, 0, "the preview never blocks");
    let next = &v["next"];
    assert_eq!(next["stage"]["id"], "plan");
    let blockers: Vec<&str> = next["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(blockers.contains(&"CPN-S2-01"), "{blockers:?}");
    assert!(
        !blockers.iter().any(|id| id.starts_with("CPN-S1")),
        "stage-1 rules already pass: {blockers:?}"
    );
}

#[test]
fn human_report_of_the_nogo_example() {
    let out = without_services(&mut gonogo())
        .current_dir(support::example("stage3-nogo"))
        .args(["check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

/// What changes from one run to the next in a verdict: the day and time it ran and read its
/// inputs, the inputs' modification times (a checkout's), the tool version, and durations.
const RUN_DEPENDENT: &[(&str, &str)] = &[
    (
        r#""evaluated_on": "[^"]*""#,
        r#""evaluated_on": "[evaluated_on]""#,
    ),
    (
        r#""evaluated_at": "[^"]*""#,
        r#""evaluated_at": "[evaluated_at]""#,
    ),
    (r#""read_at": "[^"]*""#, r#""read_at": "[read_at]""#),
    (r#""modified": "[^"]*""#, r#""modified": "[modified]""#),
    (r#""tool": "gonogo [^"]*""#, r#""tool": "gonogo [version]""#),
    (
        r#""([a-z_]*(?:duration|elapsed)[a-z_]*)": "?[0-9][^,\n]*"#,
        r#""$1": "[duration]""#,
    ),
];

/// The full JSON verdict of an offline example, as a snapshot: a change to any rule's outcome,
/// message, items or evidence shows in review.
fn verdict_snapshot(example: &str) {
    let out = without_services(&mut gonogo())
        .current_dir(support::example(example))
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let verdict = support::verdict(&out);
    assert_eq!(out.status.code(), Some(announced(example)), "{example}");
    insta::with_settings!({
        filters => RUN_DEPENDENT.to_vec(),
        snapshot_suffix => example,
    }, {
        insta::assert_json_snapshot!("verdict", verdict);
    });
}

#[test]
fn verdict_of_the_stage1_example() {
    verdict_snapshot("stage1-opportunity");
}

#[test]
fn verdict_of_the_nogo_example() {
    verdict_snapshot("stage3-nogo");
}

/// What the stage3-nogo README shows beyond its verdict: the same run as its own baseline (every
/// delta zero, the baseline recorded) and an in-toto statement of the NO-GO about an image.
#[test]
fn the_nogo_example_with_a_baseline_and_a_statement() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("main-verdict.json");
    let statement = dir.path().join("gonogo.intoto.json");
    let config = support::example("stage3-nogo").join("gonogo.yaml");
    let first = gonogo()
        .args(["check", "--format", "json", "--config"])
        .arg(&config)
        .arg("--output")
        .arg(&base)
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(1));
    let subject = format!(
        "harbor.example.gouv.fr/shop-cart/shop-cart@sha256:4f2c1ab{}",
        "0".repeat(57)
    );
    let out = gonogo()
        .args(["check", "--format", "json", "--config"])
        .arg(&config)
        .arg("--baseline")
        .arg(&base)
        .arg("--report")
        .arg(format!("intoto={}", statement.display()))
        .args(["--subject", &subject])
        .output()
        .unwrap();
    let v = support::verdict(&out);
    assert_eq!(out.status.code(), Some(1), "{v}");
    assert_eq!(v["baseline"]["project"], "shop-cart", "{}", v["baseline"]);
    let cov = support::result(&v, "CPN-S3-04");
    assert_eq!(cov["metrics"]["line_percent_delta"], 0.0, "{cov}");
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&statement).unwrap()).unwrap();
    assert_eq!(s["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(s["predicate"]["decision"], "no_go");
    assert_eq!(s["predicate"]["stage"]["number"], 3);
    assert_eq!(
        s["subject"][0]["digest"]["sha256"],
        format!("4f2c1ab{}", "0".repeat(57))
    );
}
