//! The binary, driven as a user would: exit codes, stage inheritance, waivers, overrides,
//! configuration errors. Projects are written to temporary folders; a custom pack keeps these
//! tests independent of the Cloud Pi Native rules.

use serde_json::Value;

use crate::support::{Project, day, gonogo, status};

const TEAM_PACK: &str = r#"
pack: team
title: A team's own path
stages:
  - {number: 1, id: dev, title: Development}
  - {number: 2, id: staging, title: Staging}
  - {number: 3, id: prod, title: Production}
vars:
  answers: answers.yaml
rules:
  - id: T-README
    title: A README exists
    why: Newcomers start there.
    reference: team handbook
    level: fail
    check: {kind: file-exists, paths: ["README*"]}
  - id: T-ANSWERS
    title: The answers file is filled
    why: The review board reads it.
    reference: team handbook §2
    level: warn
    raise: {staging: fail}
    check:
      kind: yaml-fields
      file: ${answers}
      fields: [owner, sponsor.name, {path: tier, one_of: [gold, silver]}]
  - id: T-PLAN
    title: The plan has its sections
    why: The plan is the contract.
    reference: team handbook §3
    since: staging
    level: {nonprod: warn, prod: fail}
    check: {kind: markdown-sections, file: PLAN.md, sections: [Context, Risks]}
"#;

/// A project on the team pack, with this gonogo.yaml.
fn project(config: &str) -> Project {
    let p = Project::new();
    p.write("gonogo.yaml", config)
        .write("team-pack.yaml", TEAM_PACK);
    p
}

const GOOD_ANSWERS: &str = "owner: team-a\nsponsor: {name: Alice}\ntier: gold\n";
const GOOD_PLAN: &str = "# Plan\n## Context\nWe sell cheese.\n## Risks\nMice.\n";

fn team_config(stage: &str, extra: &str) -> String {
    format!("project: demo\npack: team\nrules: [team-pack.yaml]\nstage: {stage}\n{extra}")
}

#[test]
fn go_when_every_rule_passes_exit_0() {
    let p = project(&team_config("staging", ""));
    p.write("README.md", "hi")
        .write("answers.yaml", GOOD_ANSWERS)
        .write("PLAN.md", GOOD_PLAN);
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["decision"], "go");
    assert_eq!(v["counts"]["pass"], 3);
    assert_eq!(v["schema_version"], 1);
}

#[test]
fn stages_are_cumulative_and_raise_levels() {
    let p = project(&team_config("dev", ""));
    p.write("README.md", "hi")
        .write("answers.yaml", "owner: team-a\ntier: bronze\n");
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 0, "a warn rule alone does not block: {v}");
    assert_eq!(v["decision"], "go_with_warnings");
    assert_eq!(status(&v, "T-ANSWERS"), "warn");
    assert!(
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["id"] != "T-PLAN"),
        "T-PLAN starts at staging"
    );

    let (code, v) = p.check_json(&["--stage", "staging"]);
    assert_eq!(code, 1, "raised to fail at staging: {v}");
    assert_eq!(status(&v, "T-ANSWERS"), "fail");
    let items = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "T-ANSWERS")
        .unwrap()["items"]
        .to_string();
    assert!(items.contains("sponsor.name` is missing"), "{items}");
    assert!(items.contains("must be one of gold, silver"), "{items}");
}

#[test]
fn strict_turns_warnings_into_exit_2() {
    let p = project(&team_config("1", ""));
    p.write("README.md", "hi")
        .write("answers.yaml", "owner: x\n");
    assert_eq!(p.check_json(&[]).0, 0);
    assert_eq!(p.check_json(&["--strict"]).0, 2);
}

#[test]
fn per_environment_levels() {
    let p = project(&team_config("prod", ""));
    p.write("README.md", "hi")
        .write("answers.yaml", GOOD_ANSWERS)
        .write("PLAN.md", "# Plan\n## Context\nTODO\n");
    let (code, v) = p.check_json(&[]);
    assert_eq!((code, status(&v, "T-PLAN")), (0, "warn"), "nonprod warns");
    let (code, v) = p.check_json(&["--environment", "prod"]);
    assert_eq!((code, status(&v, "T-PLAN")), (1, "fail"), "prod fails");
}

#[test]
fn missing_evidence_is_inconclusive_exit_3_never_a_pass() {
    let p = project(&team_config("staging", ""));
    p.write("README.md", "hi").write("PLAN.md", GOOD_PLAN);
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 3, "{v}");
    assert_eq!(v["decision"], "inconclusive");
    let r = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "T-ANSWERS")
        .unwrap();
    assert_eq!(r["outcome"]["reason"], "not_found");
    assert!(
        r["message"].as_str().unwrap().contains("answers.yaml"),
        "{r}"
    );
}

#[test]
fn a_failure_outranks_inconclusive() {
    let p = project(&team_config("staging", ""));
    p.write("PLAN.md", GOOD_PLAN);
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(status(&v, "T-README"), "fail");
    assert_eq!(status(&v, "T-ANSWERS"), "inconclusive");
}

#[test]
fn waivers_apply_until_they_expire_and_are_reported() {
    let soon = day(2);
    let waiver = format!(
        "waivers:\n  - rule: T-README\n    reason: docs move to the wiki\n    expires: {soon}\n    ticket: OPS-12\n"
    );
    let p = project(&team_config("dev", &waiver));
    p.write("answers.yaml", GOOD_ANSWERS);
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(status(&v, "T-README"), "waived");
    assert_eq!(v["waivers"][0]["state"], "applied");
    assert_eq!(v["waivers"][0]["expiring_soon"], true);
    assert!(
        v["notices"]
            .to_string()
            .contains(&format!("expires on {soon} (2 days left)")),
        "{}",
        v["notices"]
    );

    let gone = day(-1);
    let waiver = format!(
        "waivers:\n  - rule: T-README\n    reason: docs move to the wiki\n    expires: {gone}\n    ticket: OPS-12\n"
    );
    let p = project(&team_config("dev", &waiver));
    p.write("answers.yaml", GOOD_ANSWERS);
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 1, "an expired waiver no longer applies: {v}");
    assert_eq!(status(&v, "T-README"), "fail");
    assert_eq!(v["waivers"][0]["state"], "expired");
    assert!(
        v["notices"]
            .to_string()
            .contains(&format!("expired on {gone}"))
    );
}

#[test]
fn unused_waivers_are_reported() {
    let waiver = format!(
        "waivers:\n  - rule: T-README\n    match: nothing-*\n    reason: r\n    expires: {}\n",
        day(180)
    );
    let p = project(&team_config("dev", &waiver));
    p.write("README.md", "hi")
        .write("answers.yaml", GOOD_ANSWERS);
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 0);
    assert_eq!(v["waivers"][0]["state"], "unused");
    assert!(v["notices"].to_string().contains("matched nothing"));
}

#[test]
fn item_waivers_remove_matching_items_only() {
    let waiver = format!(
        "waivers:\n  - rule: T-ANSWERS\n    match: sponsor.*\n    reason: sponsor named next week\n    expires: {}\n",
        day(40)
    );
    let p = project(&team_config("staging", &waiver));
    p.write("README.md", "hi")
        .write("PLAN.md", GOOD_PLAN)
        .write("answers.yaml", "owner: a\ntier: gold\n");
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 0, "{v}");
    let r = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "T-ANSWERS")
        .unwrap();
    assert_eq!(r["waived_items"], 1);
    assert_eq!(v["waivers"][0]["uses"], 1);
}

#[test]
fn loosening_a_fail_rule_needs_a_waiver() {
    let overrides = "overrides:\n  - rule: T-README\n    level: warn\n";
    let p = project("pack: team\nrules: [team-pack.yaml, loosen.yaml]\nstage: dev\n");
    p.write("loosen.yaml", overrides)
        .write("answers.yaml", GOOD_ANSWERS);
    let (code, _, err) = p.run(&["check"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("override loosens fail rule T-README"), "{err}");

    let p = project(&format!(
        "pack: team\nrules: [team-pack.yaml, loosen.yaml]\nstage: dev\nwaivers:\n  - {{rule: T-README, reason: wiki migration, expires: {}}}\n",
        day(60)
    ));
    p.write("loosen.yaml", overrides)
        .write("answers.yaml", GOOD_ANSWERS);
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(status(&v, "T-README"), "waived");
    assert!(
        v["notices"]
            .to_string()
            .contains("T-README loosened (level fail → warn)"),
        "{}",
        v["notices"]
    );
}

#[test]
fn tightening_needs_nothing() {
    let overrides = "overrides:\n  - rule: T-ANSWERS\n    level: fail\n";
    let p = project("pack: team\nrules: [team-pack.yaml, tighten.yaml]\nstage: dev\n");
    p.write("tighten.yaml", overrides)
        .write("README.md", "x")
        .write("answers.yaml", "owner: a\n");
    let (code, v) = p.check_json(&[]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(status(&v, "T-ANSWERS"), "fail");
}

#[test]
fn json_verdict_records_every_input() {
    let p = project(&team_config("dev", ""));
    p.write("README.md", "hi")
        .write("answers.yaml", GOOD_ANSWERS);
    let out = p.path().join("out/verdict.json");
    let (code, _, err) = p.run(&["check", "--output", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    let answers = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["need"]["name"] == "answers.yaml")
        .unwrap_or_else(|| panic!("{}", v["sources"]));
    assert_eq!(answers["inputs"][0]["size"], GOOD_ANSWERS.len());
    use sha2::Digest as _;
    let expected: String = sha2::Sha256::digest(GOOD_ANSWERS.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(answers["inputs"][0]["sha256"], expected.as_str());
    assert!(
        answers["inputs"][0]["read_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
}

#[test]
fn configuration_errors_are_all_reported_with_positions() {
    let p = project(
        "project: demo\nstge: 3\nenvironment: production\nsources:\n  tests:\n    kind: junitt\n    path: r.xml\n  cov:\n    paht: c.xml\nwaivers:\n  - rule: T-README\n    expires: 2026-12-31\n",
    );
    let (code, _, err) = p.run(&["validate"]);
    assert_eq!(code, 4);
    insta::assert_snapshot!(err);
}

#[test]
fn unknown_stage_lists_the_stages() {
    let p = project(&team_config("qa", ""));
    let (code, _, err) = p.run(&["check"]);
    assert_eq!(code, 4);
    assert!(
        err.contains("unknown stage `qa`: this pack has 1 (dev), 2 (staging), 3 (prod)"),
        "{err}"
    );
    assert!(err.contains("gonogo.yaml:4:8"), "{err}");
}

#[test]
fn unknown_check_kind_in_a_rule_file_points_at_it() {
    let p = project("pack: team\nrules: [team-pack.yaml, mine.yaml]\nstage: dev\n");
    p.write(
        "mine.yaml",
        "rules:\n  - id: MINE-1\n    title: t\n    why: w\n    reference: r\n    level: fail\n    check: {kind: test, source: tests}\n",
    );
    let (code, _, err) = p.run(&["validate"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("unknown value `test`"), "{err}");
    assert!(err.contains("did you mean `tests`?"), "{err}");
    assert!(err.contains("mine.yaml:"), "{err}");
}

#[test]
fn missing_config_is_a_usage_error() {
    let (code, _, err) = Project::new().run(&["check"]);
    assert_eq!(code, 4);
    assert!(err.contains("gonogo init"), "{err}");
}

#[test]
fn explain_lists_rules_and_where_evidence_comes_from_without_reading() {
    let p = project(&team_config(
        "staging",
        "sources:\n  unused: {path: nowhere.xml}\n",
    ));
    let (code, out, err) = p.run(&["explain"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("T-PLAN"), "{out}");
    assert!(
        out.contains("evidence: file PLAN.md ← project file PLAN.md"),
        "{out}"
    );
    assert!(out.contains("[fail]"), "{out}");
}

#[test]
fn env_variables_override_the_file() {
    let p = project(&team_config("dev", ""));
    p.write("README.md", "hi")
        .write("answers.yaml", "owner: x\n");
    let out = p
        .gonogo()
        .env("GONOGO_STAGE", "staging")
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stage"]["id"], "staging");
}

#[test]
fn human_report_leads_with_the_decision() {
    let p = project(&team_config("staging", ""));
    p.write("PLAN.md", GOOD_PLAN)
        .write("answers.yaml", GOOD_ANSWERS);
    let (code, out, _) = p.run(&["check"]);
    assert_eq!(code, 1);
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with("NO-GO  demo · stage 2 staging (team) · nonprod"),
        "{first}"
    );
    assert!(
        !out.contains('\u{1b}'),
        "no colour codes when NO_COLOR is set / not a TTY"
    );
    let failed = out.find("FAILED").unwrap();
    let passed = out.find("PASSED").unwrap();
    assert!(failed < passed);
}

#[test]
fn usage_errors_exit_4_not_clap_s_2() {
    let out = gonogo().args(["check", "--bogus"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "2 means warnings under --strict"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--bogus"));
    let out = gonogo().arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}
