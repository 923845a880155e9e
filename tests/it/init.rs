//! `gonogo init` through the binary: it proposes a stage from what the project has and says why,
//! writes the sources and variables it detected, never rewrites a file without `--force`, and
//! `gonogo init && gonogo check` is a verdict in an empty folder.

use serde_json::Value;

use crate::support::Project;

fn read(p: &Project, name: &str) -> String {
    std::fs::read_to_string(p.path().join(name)).unwrap()
}

fn ids(verdict: &Value) -> Vec<String> {
    verdict["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_empty_folder_starts_at_stage_1_and_reaches_a_stage_1_verdict() {
    let p = Project::new();
    let (code, out, err) = p.run(&["init"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("proposed stage 1 (opportunity): the project has no project plan"),
        "{out}"
    );
    assert!(
        out.contains("stages 4 and 5 are never proposed from files"),
        "{out}"
    );
    assert!(out.contains("added gonogo.yaml\n") && out.contains("added onboarding.yaml\n"));
    assert!(!p.path().join("docs/project-plan.md").exists());

    let config = read(&p, "gonogo.yaml");
    let (reason, rest) = config.split_once("\nstage: 1\n").expect(&config);
    let reason_lines: Vec<&str> = reason
        .lines()
        .rev()
        .take_while(|l| l.starts_with('#'))
        .collect();
    assert!(
        reason_lines
            .iter()
            .any(|l| l.contains("Proposed by `gonogo init`: stage 1")),
        "the reason is written above `stage:`:\n{config}"
    );
    assert!(rest.contains("sources:"));
    assert_eq!(
        read(&p, "onboarding.yaml"),
        include_str!("../../rules/cloud-pi-native/onboarding.template.yaml")
    );

    // The second command: a stage-1 verdict on the unanswered questions, nothing else.
    let (code, verdict) = p.check_json(&[]);
    assert_eq!(code, 1, "the unanswered template is not a GO");
    assert_eq!(verdict["stage"]["number"], 1, "{}", verdict["stage"]);
    let all = ids(&verdict);
    assert!(!all.is_empty());
    assert!(all.iter().all(|id| id.starts_with("CPN-S1-")), "{all:?}");
    assert_eq!(
        verdict["counts"]["inconclusive"], 0,
        "{}",
        verdict["counts"]
    );
    let (_, human, _) = p.run(&["check"]);
    assert!(
        human
            .lines()
            .next()
            .unwrap()
            .contains("stage 1 opportunity"),
        "{human}"
    );
}

#[test]
fn a_project_with_a_dockerfile_and_a_junit_report_is_proposed_stage_3_with_its_sources() {
    let p = Project::new();
    p.write("Dockerfile", "FROM alpine:3.19\nUSER 1000\n")
        .copy("junit/pytest/pytest-junit.xml", "out/junit/report.xml")
        .write(
            "ops/app.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 8080}]}\n",
        );
    let (code, out, err) = p.run(&["init"]);
    assert_eq!(code, 0, "{err}");
    let first = out.lines().next().unwrap();
    assert!(first.starts_with("proposed stage 3 (sandbox): "), "{out}");
    for said in [
        "a Dockerfile (Dockerfile)",
        "a `tests` report (out/junit/report.xml)",
        "Kubernetes manifests (ops/app.yaml)",
    ] {
        assert!(first.contains(said), "{said}: {out}");
    }
    assert!(
        out.contains("added gonogo.yaml (sources.tests, vars.manifests, vars.iac_files)\n"),
        "{out}"
    );
    assert!(
        out.contains("added docs/project-plan.md\n"),
        "stage 3 includes stage 2's plan: {out}"
    );

    let config = read(&p, "gonogo.yaml");
    assert!(config.contains("\nstage: 3\n"), "{config}");
    assert!(
        config.contains("  tests:\n    kind: junit\n    path: \"out/junit/report.xml\"\n"),
        "{config}"
    );
    assert!(config.contains("  manifests: [\"ops\"]\n"), "{config}");

    // The configuration is valid and the check reads what init found.
    let (code, _, err) = p.run(&["validate"]);
    assert_eq!(code, 0, "{err}");
    let (_, verdict) = p.check_json(&[]);
    assert_eq!(verdict["stage"]["number"], 3);
    let s303 = verdict["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "CPN-S3-03")
        .unwrap();
    assert_ne!(s303["outcome"]["status"], "inconclusive", "{s303}");
}

#[test]
fn running_again_adds_what_is_missing_and_keeps_the_rest_until_force() {
    let p = Project::new();
    p.write("Dockerfile", "FROM alpine:3.19\n");
    let (code, _, _) = p.run(&["init"]);
    assert_eq!(code, 0);
    // The user edits the configuration and answers the questions; one file goes missing.
    let edited = read(&p, "gonogo.yaml").replace("project: ", "project: edited-");
    p.write("gonogo.yaml", &edited)
        .write("onboarding.yaml", "context: mine\n");
    std::fs::remove_file(p.path().join("docs/project-plan.md")).unwrap();
    p.copy("junit/pytest/pytest-junit.xml", "reports/junit.xml");

    let (code, out, err) = p.run(&["init"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("stage 3 (sandbox), as gonogo.yaml declares\n"),
        "{out}"
    );
    assert!(
        out.contains("kept gonogo.yaml (--force rewrites it)\n"),
        "{out}"
    );
    assert!(
        out.contains("kept onboarding.yaml (--force rewrites it)\n"),
        "{out}"
    );
    assert!(out.contains("added docs/project-plan.md\n"), "{out}");
    assert!(
        out.contains(
            "not in gonogo.yaml, which init does not edit: sources.tests (reports/junit.xml)"
        ),
        "{out}"
    );
    assert_eq!(read(&p, "gonogo.yaml"), edited);
    assert_eq!(read(&p, "onboarding.yaml"), "context: mine\n");

    // A third run has nothing to add and changes nothing.
    let (_, out, _) = p.run(&["init"]);
    assert!(
        out.contains("nothing to add\n") && !out.contains("added "),
        "{out}"
    );
    assert_eq!(read(&p, "gonogo.yaml"), edited);

    // --force rewrites every file, with what the project has now.
    let (code, out, _) = p.run(&["init", "--force"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("proposed stage 3 (sandbox)"), "{out}");
    for name in ["gonogo.yaml", "onboarding.yaml", "docs/project-plan.md"] {
        assert!(out.contains(&format!("rewrote {name}")), "{name}: {out}");
    }
    let config = read(&p, "gonogo.yaml");
    assert!(!config.contains("edited-"), "{config}");
    assert!(config.contains("path: \"reports/junit.xml\""), "{config}");
    assert_ne!(read(&p, "onboarding.yaml"), "context: mine\n");
}

#[test]
fn a_given_stage_wins_and_the_proposal_is_still_said() {
    let p = Project::new();
    let (code, out, _) = p.run(&["init", "--stage", "production"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("stage 4 (production), as --stage says\n"),
        "{out}"
    );
    assert!(
        out.contains("from its files the project looks like stage 1 (opportunity)"),
        "{out}"
    );
    let config = read(&p, "gonogo.yaml");
    assert!(
        config.contains("# Declared with `gonogo init --stage 4`.\nstage: 4\n"),
        "{config}"
    );

    let (code, _, err) = Project::new().run(&["init", "--stage", "7"]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("--stage `7` is not a stage of the default pack"),
        "{err}"
    );
}

/// The promise in French: `gonogo init && gonogo check` with a French locale, and the
/// reports a CI shows (JUnit, GitLab Code Quality) carry the pack's French titles; in English,
/// the English ones.
#[test]
fn init_then_check_in_french_titles_every_report_in_french() {
    let p = Project::new();
    assert_eq!(p.run(&["init"]).0, 0);
    let mut cmd = p.gonogo();
    cmd.env("LANG", "fr_FR.UTF-8")
        .args(["check", "--report", "junit=j.xml"]);
    let out = cmd.output().unwrap();
    let human = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(human.starts_with("NO-GO  "), "{human}");
    assert!(human.contains("étape 1"), "{human}");
    assert!(
        human.contains("CPN-S1-02  Le contexte de la demande est décrit"),
        "{human}"
    );

    let junit = read(&p, "j.xml");
    assert!(
        junit.contains("name=\"CPN-S1-02 Le contexte de la demande est décrit\""),
        "{junit}"
    );
    assert!(
        !junit.contains("Context of the request is described"),
        "{junit}"
    );
    // Code Quality names the rule by its title when it has no item of its own to point at: a
    // missing answers file.
    std::fs::remove_file(p.path().join("onboarding.yaml")).unwrap();
    let codequality = |lang: &str| -> Vec<String> {
        let (_, _, err) = p.run(&["check", "--lang", lang, "--report", "codequality=cq.json"]);
        let cq: Value = serde_json::from_str(&read(&p, "cq.json")).expect(&err);
        cq.as_array()
            .unwrap()
            .iter()
            .map(|i| i["description"].as_str().unwrap().to_string())
            .filter(|d| d.starts_with("CPN-S1-01 "))
            .collect()
    };
    let fr = codequality("fr");
    assert_eq!(fr.len(), 1, "{fr:?}");
    assert!(
        fr[0].starts_with("CPN-S1-01 Le fichier de réponses de préqualification existe: "),
        "{fr:?}"
    );
    let en = codequality("en");
    assert!(
        en[0].starts_with("CPN-S1-01 Prequalification answers file exists: "),
        "{en:?}"
    );

    let (_, _, _) = p.run(&["check", "--lang", "en", "--report", "junit=j.xml"]);
    assert!(read(&p, "j.xml").contains("name=\"CPN-S1-02 Context of the request is described\""));
}
