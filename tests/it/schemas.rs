//! `gonogo schema config|rules` against gonogo's own files: an editor pointed at the schemas must
//! accept every embedded pack and every example, and still reject a wrong file.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{gonogo, ran, root};

fn emitted(kind: &str) -> jsonschema::Validator {
    let out = gonogo().args(["schema", kind]).output().unwrap();
    let (code, stdout, stderr) = ran(&out);
    assert_eq!(code, 0, "{stderr}");
    let schema: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "both schemas use the same draft"
    );
    jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{kind}: {e}"))
}

fn yaml_as_json(text: &str, name: &str) -> Value {
    gonogo::yaml::parse(text)
        .unwrap_or_else(|e| panic!("{name}: {}", e.message))
        .to_json(&mut gonogo::yaml::SpanIndex::default())
}

/// Every error, one line each, empty when the instance is valid.
fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn example_configs() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .flat_map(|e| {
            let dir = e.unwrap().path();
            // The split layout keeps its config in the application repository, app/.
            [dir.join("gonogo.yaml"), dir.join("app").join("gonogo.yaml")]
        })
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found
}

#[test]
fn the_rules_schema_accepts_every_embedded_pack_file() {
    let validator = emitted("rules");
    let files = gonogo::rules::embedded_files();
    assert!(files.len() >= 6, "the packs are embedded");
    let mut failures = Vec::new();
    for file in &files {
        let instance = yaml_as_json(&file.text, &file.name);
        for e in errors(&validator, &instance) {
            failures.push(format!("{}: {e}", file.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_config_schema_accepts_every_example() {
    let validator = emitted("config");
    let configs = example_configs();
    assert!(configs.len() >= 4, "examples found: {configs:?}");
    let mut failures = Vec::new();
    for path in &configs {
        let text = std::fs::read_to_string(path).unwrap();
        let instance = yaml_as_json(&text, &path.display().to_string());
        for e in errors(&validator, &instance) {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What `gonogo init` writes at every stage is a gonogo.yaml the schema accepts.
#[test]
fn the_config_schema_accepts_what_init_writes() {
    let validator = emitted("config");
    for stage in ["1", "3", "5"] {
        let dir = tempfile::tempdir().unwrap();
        let out = gonogo()
            .current_dir(dir.path())
            .args(["init", "--stage", stage])
            .output()
            .unwrap();
        let (code, _, stderr) = ran(&out);
        assert_eq!(code, 0, "init --stage {stage}: {stderr}");
        let text = std::fs::read_to_string(dir.path().join("gonogo.yaml")).unwrap();
        let errs = errors(&validator, &yaml_as_json(&text, "gonogo.yaml"));
        assert!(
            errs.is_empty(),
            "init --stage {stage}:\n{}",
            errs.join("\n")
        );
    }
}

fn rule_file(check: &str) -> Value {
    let text = format!(
        "rules:\n  - id: X-01\n    title: t\n    why: w\n    reference: r\n    level: fail\n    check: {check}\n"
    );
    yaml_as_json(&text, "inline")
}

#[test]
fn the_rules_schema_rejects_unknown_keys_and_wrong_types() {
    let validator = emitted("rules");
    let good = rule_file("{kind: dockerfile, paths: [Dockerfile], rules: [root-user]}");
    assert_eq!(errors(&validator, &good), Vec::<String>::new());
    let templated = rule_file("{kind: manifests, paths: '${manifests}', rules: [CPN-K8S-01]}");
    assert_eq!(errors(&validator, &templated), Vec::<String>::new());
    for bad in [
        "{kind: dockerfile, pathz: [Dockerfile]}",
        "{kind: dockerfile, paths: 3}",
        "{kind: dockerfile, rules: [no-such-rule]}",
        "{kind: manifests, paths: [deploy], max_name_length: many}",
        "{kind: no-such-kind}",
        "{kind: manifests, paths: '${not a template'}",
    ] {
        assert!(
            !errors(&validator, &rule_file(bad)).is_empty(),
            "accepted: {bad}"
        );
    }
    let unknown_rule_key = yaml_as_json(
        "rules:\n  - {id: X, title: t, why: w, reference: r, level: fail, colour: red, check: {kind: tests}}\n",
        "inline",
    );
    assert!(!errors(&validator, &unknown_rule_key).is_empty());
}

#[test]
fn the_config_schema_rejects_unknown_keys_and_wrong_types() {
    let validator = emitted("config");
    let good = examples_first_config();
    assert!(errors(&validator, &good).is_empty());
    for (key, value) in [("colour", Value::from("red")), ("stage", Value::from(true))] {
        let mut bad = good.clone();
        bad[key] = value;
        assert!(!errors(&validator, &bad).is_empty(), "accepted {key}");
    }
}

fn examples_first_config() -> Value {
    let path: &Path = &example_configs()[0];
    yaml_as_json(&std::fs::read_to_string(path).unwrap(), "example")
}

/// `gonogo schema answers`: the answers template init writes and every example's answers file
/// are well formed (French answers, aliases, unanswered TODOs included); an answer outside a
/// field's accepted values, or a section written as text, is not.
#[test]
fn the_answers_schema_accepts_the_template_and_the_examples_and_rejects_bad_answers() {
    let validator = emitted("answers");
    let mut files = vec![root().join("rules/cloud-pi-native/onboarding.template.yaml")];
    for config in example_configs() {
        let answers = config.with_file_name("onboarding.yaml");
        if answers.is_file() {
            files.push(answers);
        }
    }
    assert!(files.len() >= 4, "{files:?}");
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let instance = yaml_as_json(&text, &file.display().to_string());
        for e in errors(&validator, &instance) {
            failures.push(format!("{}: {e}", file.display()));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");

    for (good, why) in [
        ("context: {project_type: Évolution}", "an accented alias"),
        ("context: {project_type: MIGRATION}", "any case"),
        ("offer: {read_cct: oui}", "a French yes"),
        ("offer: {read_cct: false}", "a no the rule will judge"),
        ("context: {project_type: TODO}", "not answered yet"),
    ] {
        let v = yaml_as_json(good, why);
        assert!(errors(&validator, &v).is_empty(), "{why}: {good}");
    }
    for (bad, why) in [
        ("context: {project_type: banane}", "not a project type"),
        ("context: just text", "a section written as text"),
        ("offer: {read_cct: peut-être}", "not a yes or a no"),
    ] {
        let v = yaml_as_json(bad, why);
        assert!(!errors(&validator, &v).is_empty(), "{why}: {bad}");
    }
}
