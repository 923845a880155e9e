//! The verdict beyond the pipeline: an in-toto statement valid against the Statement v1 schema,
//! byte-stable, refused without a subject; the Kyverno policy that admits only images attested
//! GO at stage 4 or later, valid against Kyverno's ClusterPolicy schema, and whose conditions
//! read fields the predicate has. Then what changed since a baseline, as the human, Markdown and
//! HTML reports show it (tests/fixtures/attestation/README.md says where the schemas come from).

use serde_json::{Value, json};

use crate::support::{Project, fixture, fixture_path, junit};
use gonogo::report::intoto::{PREDICATE_TYPE, STATEMENT_TYPE};

const PACK: &str = r#"
pack: team
title: T
stages:
  - {number: 3, id: sandbox, title: Sandbox}
  - {number: 4, id: production, title: Production}
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
    level: warn
    check: {kind: tests}
    expect: {total_delta: ">= 0"}
  - id: T-FAILED
    title: Few failing tests
    why: w
    reference: r
    level: warn
    check: {kind: tests}
    expect: {failed: "<= 1"}
"#;

const HEX_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const HEX_B: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn project(extra: &str, cases: &[(&str, bool)]) -> Project {
    let p = Project::new();
    p.write("team.yaml", PACK)
        .write(
            "gonogo.yaml",
            &format!(
                "project: demo\npack: team\nrules: [team.yaml]\nstage: production\nsources:\n  tests: {{path: junit.xml}}\n{extra}"
            ),
        )
        .write("junit.xml", &junit(cases));
    p
}

fn read_json(p: &Project, name: &str) -> Value {
    let text =
        std::fs::read_to_string(p.path().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"))
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("the schema compiles")
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn statement_schema() -> jsonschema::Validator {
    validator(
        &serde_json::from_str(&fixture("attestation/in-toto-statement-v1.schema.json")).unwrap(),
    )
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_statement_is_in_toto_v1_about_the_subjects_and_byte_stable() {
    let p = project("", &[("a", true), ("b", true)]);
    let (code, out, err) = p.run(&[
        "check",
        "-o",
        "verdict.json",
        "--report",
        "intoto=statement.json",
        "--report",
        "intoto-predicate=predicate.json",
        "--subject",
        &format!("registry.example.org/team/web@sha256:{HEX_B}"),
        "--subject",
        &format!("registry.example.org/team/api@sha256:{HEX_A}"),
    ]);
    assert_eq!(
        code, 3,
        "T-NEW has no baseline, hence inconclusive\n{out}{err}"
    );
    let statement = read_json(&p, "statement.json");
    let schema = statement_schema();
    assert_eq!(
        errors(&schema, &statement),
        Vec::<String>::new(),
        "{statement:#}"
    );

    assert_eq!(statement["_type"], STATEMENT_TYPE);
    assert_eq!(statement["predicateType"], PREDICATE_TYPE);
    assert_eq!(
        statement["subject"],
        json!([
            {"name": "registry.example.org/team/api", "digest": {"sha256": HEX_A}},
            {"name": "registry.example.org/team/web", "digest": {"sha256": HEX_B}},
        ]),
        "sorted by name"
    );
    let predicate = &statement["predicate"];
    assert_eq!(predicate["decision"], "inconclusive");
    assert_eq!(predicate["stage"], json!({"number": 4, "id": "production"}));
    assert_eq!(predicate["environment"], "nonprod");
    assert_eq!(predicate["pack"], "team");
    assert_eq!(predicate["project"], "demo");
    assert_eq!(predicate["tool"]["name"], "gonogo");
    assert_eq!(predicate["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        predicate["counts"]["inconclusive"], 2,
        "T-NEW and T-COUNT compare: {predicate:#}"
    );
    let junit_bytes = std::fs::read(p.path().join("junit.xml")).unwrap();
    let evidence = predicate["evidence"].as_array().unwrap();
    assert!(
        evidence.iter().any(|e| e["location"]
            .as_str()
            .is_some_and(|l| l.ends_with("junit.xml"))
            && e["digest"]["sha256"] == sha256_hex(&junit_bytes)),
        "the report read, with its digest: {predicate:#}"
    );
    assert_eq!(read_json(&p, "predicate.json"), *predicate);

    // The same verdict, read back, gives the same bytes, whatever the order of the subjects.
    let verdict: gonogo::eval::Verdict =
        serde_json::from_str(&std::fs::read_to_string(p.path().join("verdict.json")).unwrap())
            .unwrap();
    let subjects: Vec<gonogo::config::Subject> = [HEX_A, HEX_B]
        .iter()
        .zip(["api", "web"])
        .map(|(hex, name)| {
            gonogo::config::Subject::parse(&format!(
                "registry.example.org/team/{name}@sha256:{hex}"
            ))
            .unwrap()
        })
        .collect();
    assert_eq!(
        gonogo::report::intoto::render_statement(&verdict, &subjects),
        std::fs::read_to_string(p.path().join("statement.json")).unwrap()
    );
    let text = std::fs::read_to_string(p.path().join("statement.json")).unwrap();
    assert!(text.find("\"_type\"").unwrap() < text.find("\"predicate\"").unwrap());
    assert!(
        text.find("\"counts\"").unwrap() < text.find("\"decision\"").unwrap(),
        "keys sorted"
    );
}

/// What is wrong, and how to make a good statement so.
type Mutation = (&'static str, fn(&mut Value));

#[test]
fn the_schema_catches_what_the_spec_forbids() {
    let schema = statement_schema();
    let good = json!({
        "_type": STATEMENT_TYPE,
        "subject": [{"name": "app", "digest": {"sha256": HEX_A}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {"decision": "go"}
    });
    assert!(errors(&schema, &good).is_empty());
    let mutations: [Mutation; 6] = [
        ("older statement type", |v| {
            v["_type"] = json!("https://in-toto.io/Statement/v0.1")
        }),
        ("no subject", |v| v["subject"] = json!([])),
        ("subject without digest", |v| {
            v["subject"] = json!([{"name": "app"}])
        }),
        ("uppercase hex", |v| {
            v["subject"][0]["digest"]["sha256"] = json!(HEX_A.to_uppercase())
        }),
        ("short sha256", |v| {
            v["subject"][0]["digest"]["sha256"] = json!("abc")
        }),
        ("predicate type not a URI", |v| {
            v["predicateType"] = json!("gonogo verdict")
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(!errors(&schema, &bad).is_empty(), "{what} passed: {bad}");
    }
}

#[test]
fn without_a_subject_nothing_is_judged_and_the_error_says_what_to_pass() {
    let p = project("", &[("a", true)]);
    let (code, out, err) = p.run(&["check", "--report", "intoto=statement.json"]);
    assert_eq!(code, 4, "{out}{err}");
    assert!(err.contains("--subject NAME@sha256:HEX"), "{err}");
    assert!(err.contains("attestation: {subjects:"), "{err}");
    assert!(!p.path().join("statement.json").exists());

    let subject = format!("app@sha256:{HEX_A}");
    let (code, _, err) = p.run(&[
        "check",
        "--offline",
        "--subject",
        &subject,
        "--report",
        "intoto=statement.json",
    ]);
    assert_eq!(code, 4, "an offline verdict is never attested: {err}");
    assert!(err.contains("--offline"), "{err}");
    let (code, _, err) = p.run(&["check", "--offline", "--format", "intoto-predicate"]);
    assert_eq!(code, 4, "{err}");

    let (code, _, err) = p.run(&["check", "--subject", "app:latest", "--format", "intoto"]);
    assert_eq!(code, 4, "a tag is refused: {err}");
    assert!(err.contains("has no digest"), "{err}");
}

#[test]
fn subjects_come_from_gonogo_yaml_and_a_bad_digest_points_at_its_line() {
    let p = project(
        &format!("attestation:\n  subjects:\n    - app@sha256:{HEX_A}\n"),
        &[("a", true)],
    );
    p.run(&["check", "--report", "intoto=st.json"]);
    let st = read_json(&p, "st.json");
    assert_eq!(st["subject"][0]["name"], "app", "{st}");
    p.run(&[
        "check",
        "--report",
        "intoto=st.json",
        "--subject",
        &format!("cli@sha256:{HEX_B}"),
    ]);
    let st = read_json(&p, "st.json");
    assert_eq!(
        st["subject"],
        json!([{"name": "cli", "digest": {"sha256": HEX_B}}]),
        "--subject replaces"
    );

    let p = project(
        &format!(
            "attestation:\n  subjects:\n    - app@sha256:{HEX_A}\n    - app@sha256:{}\n",
            &HEX_A[1..]
        ),
        &[("a", true)],
    );
    let (code, out, err) = p.run(&["check"]);
    assert_eq!(code, 4, "{out}{err}");
    assert!(err.contains("gonogo.yaml:10"), "{err}");
    assert!(err.contains("64 lowercase hex digits"), "{err}");
}

// ------------------------------------------------------------------ Kyverno

/// The API server's view with strict field validation: an object that lists its properties
/// accepts no other, unless it preserves unknown fields.
fn strict(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties")
                && !map.contains_key("additionalProperties")
                && map.get("x-kubernetes-preserve-unknown-fields") != Some(&json!(true))
            {
                map.insert("additionalProperties".into(), json!(false));
            }
            map.values_mut().for_each(strict);
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

fn policy() -> Value {
    let path = crate::support::root().join("examples/attestation/kyverno-verify-gonogo.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let mut spans = gonogo::yaml::SpanIndex::default();
    gonogo::yaml::parse(&text).unwrap().to_json(&mut spans)
}

fn clusterpolicy_schema() -> jsonschema::Validator {
    let mut schema: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture_path(
            "attestation/kyverno-clusterpolicy-v1.openapi.json",
        ))
        .unwrap(),
    )
    .unwrap();
    strict(&mut schema);
    jsonschema::options().build(&schema).unwrap()
}

#[test]
fn the_kyverno_policy_is_a_valid_clusterpolicy() {
    let schema = clusterpolicy_schema();
    let policy = policy();
    assert_eq!(policy["apiVersion"], "kyverno.io/v1");
    assert_eq!(policy["kind"], "ClusterPolicy");
    assert_eq!(errors(&schema, &policy), Vec::<String>::new(), "{policy:#}");

    let condition = "/spec/rules/0/verifyImages/0/attestations/0/conditions/0/all/1";
    let mutations = [
        (
            "/spec/rules/0/verifyImages/0/attestation".to_string(),
            json!([]),
        ),
        (format!("{condition}/operator"), json!("GreaterOrEquals")),
        (
            "/spec/rules/0/verifyImages/0/failureAction".to_string(),
            json!("Block"),
        ),
    ];
    for (at, value) in mutations {
        let mut bad = policy.clone();
        let (parent, key) = at.rsplit_once('/').unwrap();
        bad.pointer_mut(parent).unwrap()[key] = value.clone();
        assert!(!errors(&schema, &bad).is_empty(), "{at} = {value} passed");
    }
}

/// The policy's conditions evaluated as Kyverno does for the operators it uses: each
/// `{{ path }}` read from the predicate (the root of the expressions).
fn admits(policy: &Value, predicate: &Value) -> bool {
    let a = &policy["spec"]["rules"][0]["verifyImages"][0]["attestations"][0];
    assert_eq!(a["type"], PREDICATE_TYPE);
    a["conditions"].as_array().unwrap().iter().all(|block| {
        block["all"].as_array().unwrap().iter().all(|c| {
            let key = c["key"].as_str().unwrap();
            let path = key
                .strip_prefix("{{")
                .and_then(|k| k.strip_suffix("}}"))
                .unwrap()
                .trim();
            let pointer = format!("/{}", path.replace('.', "/"));
            let got = predicate
                .pointer(&pointer)
                .unwrap_or_else(|| panic!("the predicate has no `{path}`: {predicate}"));
            match c["operator"].as_str().unwrap() {
                "Equals" => *got == c["value"],
                "GreaterThanOrEquals" => got.as_f64().unwrap() >= c["value"].as_f64().unwrap(),
                other => panic!("operator {other} not modelled here"),
            }
        })
    })
}

#[test]
fn the_policy_admits_a_go_at_stage_4_and_nothing_less() {
    let policy = policy();
    let p = project(
        &format!("attestation: {{subjects: [app@sha256:{HEX_A}]}}\n"),
        &[("a", true)],
    );
    p.run(&[
        "check",
        "--report",
        "intoto=base.json",
        "-o",
        "verdict.json",
    ]);
    // A GO at stage 4: the baseline is the verdict itself, nothing new, nothing failing.
    let (code, out, err) = p.run(&[
        "check",
        "--baseline",
        "verdict.json",
        "--report",
        "intoto-predicate=go.json",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let go = read_json(&p, "go.json");
    assert_eq!(go["decision"], "go", "{go}");
    assert!(admits(&policy, &go));

    let mut stage3 = go.clone();
    stage3["stage"] = json!({"number": 3, "id": "sandbox"});
    assert!(!admits(&policy, &stage3));
    for decision in ["no_go", "inconclusive", "go_with_warnings"] {
        let mut other = go.clone();
        other["decision"] = json!(decision);
        assert!(!admits(&policy, &other), "{decision}");
    }
    assert!(
        !admits(&policy, &read_json(&p, "base.json")["predicate"]),
        "inconclusive"
    );
}

// ------------------------------------------------------------------ what changed

/// The run-dependent parts of a report: the project's folder, times, dates, the version.
fn filters(p: &Project) -> Vec<(String, String)> {
    vec![
        (
            regex_escape(&p.path().display().to_string()),
            "[project]".into(),
        ),
        (
            r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z".into(),
            "[time]".into(),
        ),
        (r"\d{4}-\d{2}-\d{2}".into(), "[date]".into()),
        (r"gonogo \d+\.\d+\.\d+".into(), "gonogo [version]".into()),
    ]
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '/' || c == '_' || c == '-' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

/// A baseline with `b` failing, then a run where `a` fails too and `d` is gone.
fn compared() -> Project {
    let p = project("", &[("a", true), ("b", false), ("d", true)]);
    p.run(&["check", "-o", "base.json"]);
    p.write("junit.xml", &junit(&[("b", false), ("a", false)]));
    p
}

fn report(p: &Project, args: &[&str]) -> String {
    let (code, out, err) = p.run(&[&["check", "--baseline", "base.json"], args].concat());
    assert_eq!(code, 1, "a new failure: {out}{err}");
    out
}

#[test]
fn the_console_shows_the_baseline_deltas_and_new_failures_first() {
    let p = compared();
    let text = report(&p, &[]);
    assert!(text.contains("compared with the baseline"), "{text}");
    assert!(
        text.contains("total ▼ -1 (worse)"),
        "fewer tests is worse: {text}"
    );
    assert!(
        text.contains("failed ▲ +1 (worse)"),
        "more failures is worse: {text}"
    );
    let new = text
        .find("[new] failed c.a")
        .expect("the new failure is marked");
    let old = text
        .find("- failed c.b")
        .expect("the old failure is listed");
    assert!(new < old, "new failures first: {text}");
    let f = filters(&p);
    insta::with_settings!({filters => f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect::<Vec<_>>()}, {
        insta::assert_snapshot!(text);
    });

    let fr = report(&p, &["--lang", "fr"]);
    assert!(fr.contains("comparé à la référence"), "{fr}");
    assert!(fr.contains("total ▼ -1 (moins bien)"), "{fr}");
    assert!(fr.contains("[nouveau] failed c.a"), "{fr}");
}

#[test]
fn markdown_shows_the_baseline_deltas_and_new_failures_first() {
    let p = compared();
    let text = report(&p, &["--format", "markdown"]);
    assert!(text.contains("**failed ▲ +1 (worse)**"), "{text}");
    let new = text
        .find("🆕 **new** failed c.a")
        .expect("the new failure is marked");
    let old = text
        .find("- failed c.b")
        .expect("the old failure is listed");
    assert!(new < old, "{text}");
    let f = filters(&p);
    insta::with_settings!({filters => f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect::<Vec<_>>()}, {
        insta::assert_snapshot!(text);
    });
}

#[test]
fn html_shows_the_baseline_deltas_and_new_failures() {
    let p = compared();
    let html = report(&p, &["--format", "html"]);
    assert!(
        html.contains("<p class=\"sub baseline\">compared with the baseline "),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"delta worse\">total ▼ -1 (worse)</span>"),
        "{html}"
    );
    assert!(
        html.contains("<li><span class=\"new\">new</span> failed c.a"),
        "{html}"
    );
    assert!(
        !html.contains("<span class=\"new\">new</span> failed c.b"),
        "c.b was in the baseline"
    );
}

#[test]
fn an_unusable_baseline_is_named_under_the_decision() {
    let p = project("", &[("a", true)]);
    p.write("other.json", "{\"schema_version\": 1,");
    let (_, out, _) = p.run(&["check", "--baseline", "other.json"]);
    assert!(
        out.contains("baseline ") && out.contains("other.json not used: "),
        "{out}"
    );
    let (_, md, _) = p.run(&["check", "--baseline", "other.json", "--format", "markdown"]);
    assert!(md.contains("⚠️ baseline "), "{md}");
}
