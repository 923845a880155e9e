//! Stage planning, levels, overrides and `${var}` templating, as tables through the real loader.

use std::collections::BTreeMap;

use jiff::civil::{Date, date};
use serde_json::{Value as Json, json};

use super::load::{CompiledPack, expand};
use super::{LoadedFile, Plan, build_plan, load_catalog};
use crate::diag::Diagnostics;
use crate::model::{EnvType, Level, OnMissing, Waiver};

const TODAY: Date = date(2026, 12, 2);

const PACK: &str = "pack: t
title: T
stages:
  - {number: 1, id: one, title: One}
  - {number: 2, id: two, title: Two}
  - {number: 3, id: three, title: Three}
vars:
  min: 80
  host: harbor.example
  registries: [\"${host}/\", docker.io/]
rules:
  - {id: A, title: a, why: w, reference: x, level: warn, raise: {three: fail}, check: {kind: tests}}
  - {id: B, title: b, why: w, reference: x, since: two, level: {nonprod: warn, prod: fail}, check: {kind: tests}}
  - {id: C, title: c, why: w, reference: x, level: fail, check: {kind: coverage}, expect: {line_percent: '>= ${min}'}}
";

fn compile(files: &[(&str, &str)], vars: &[(&str, Json)]) -> Result<CompiledPack, String> {
    let files: Vec<LoadedFile> = files
        .iter()
        .map(|(name, text)| LoadedFile {
            name: (*name).into(),
            text: (*text).into(),
        })
        .collect();
    let mut diags = Diagnostics::default();
    let catalog = load_catalog(&files, &mut diags);
    let vars: BTreeMap<String, Json> = vars
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect();
    let pack = catalog.compile("t", &vars, &mut diags);
    match pack {
        Some(p) if diags.is_empty() => Ok(p),
        _ => Err(diags.render()),
    }
}

fn plan(
    pack: &CompiledPack,
    stage: u32,
    env: EnvType,
    waivers: &[Waiver],
) -> Result<Plan, Vec<String>> {
    let stage = pack.pack.stages.iter().find(|s| s.number == stage).unwrap();
    build_plan(pack, stage, env, waivers, TODAY, &BTreeMap::new())
        .map_err(|r| r.into_iter().map(|r| r.message).collect())
}

fn levels(p: &Plan) -> Vec<(&str, Level)> {
    p.rules
        .iter()
        .map(|r| (r.rule.rule.id.as_str(), r.level))
        .collect()
}

#[test]
fn stages_accumulate_rules_and_raise_levels() {
    let pack = compile(&[("t.yaml", PACK)], &[]).unwrap();
    let table = [
        (
            1,
            EnvType::Nonprod,
            vec![("A", Level::Warn), ("C", Level::Fail)],
        ),
        (
            2,
            EnvType::Nonprod,
            vec![("A", Level::Warn), ("B", Level::Warn), ("C", Level::Fail)],
        ),
        (
            2,
            EnvType::Prod,
            vec![("A", Level::Warn), ("B", Level::Fail), ("C", Level::Fail)],
        ),
        (
            3,
            EnvType::Nonprod,
            vec![("A", Level::Fail), ("B", Level::Warn), ("C", Level::Fail)],
        ),
    ];
    for (stage, env, want) in table {
        let p = plan(&pack, stage, env, &[]).unwrap();
        assert_eq!(levels(&p), want, "stage {stage} {env:?}");
    }
}

fn with_override(ov: &str) -> CompiledPack {
    compile(
        &[
            ("t.yaml", PACK),
            ("project.yaml", &format!("overrides:\n  - {ov}\n")),
        ],
        &[],
    )
    .unwrap()
}

fn waiver(rule: &str, pattern: Option<&str>, expires: Date) -> Waiver {
    Waiver {
        rule: rule.into(),
        pattern: pattern.map(str::to_string),
        reason: "agreed with the service team".into(),
        expires,
        ticket: None,
        origin: "gonogo.yaml:3".into(),
    }
}

#[test]
fn overrides_may_tighten_freely() {
    for ov in [
        "{rule: A, level: fail}",
        "{rule: C, expect: {line_percent: '>= 90'}}",
        "{rule: C, on_missing: fail}",
        "{rule: C, expect: {line_percent: '> 80'}}",
    ] {
        let pack = with_override(ov);
        let p = plan(&pack, 1, EnvType::Nonprod, &[]).unwrap_or_else(|e| panic!("{ov}: {e:?}"));
        assert!(p.loosened.is_empty(), "{ov}");
        let c = p.rules.iter().find(|r| r.rule.rule.id == "C").unwrap();
        assert!(!c.overridden_by.is_empty() || ov.starts_with("{rule: A"));
    }
}

#[test]
fn a_loosening_of_a_fail_rule_needs_a_current_rule_wide_waiver() {
    let table = [
        ("{rule: C, level: warn}", "level fail → warn"),
        ("{rule: C, on_missing: warn}", "on_missing block → warn"),
        (
            "{rule: C, expect: {line_percent: '>= 70'}}",
            "`line_percent >= 80` → `line_percent >= 70`",
        ),
        ("{rule: C, disable: true}", "disabled"),
    ];
    for (ov, what) in table {
        let pack = with_override(ov);
        let refused = plan(&pack, 1, EnvType::Nonprod, &[]).unwrap_err();
        assert!(
            refused[0].contains(what) && refused[0].contains("add a waiver for C"),
            "{ov}: {refused:?}"
        );
        let expired = waiver("C", None, date(2026, 12, 1));
        assert!(
            plan(&pack, 1, EnvType::Nonprod, &[expired]).is_err(),
            "{ov}: an expired waiver does not cover it"
        );
        let items_only = waiver("C", Some("src/*"), date(2027, 3, 1));
        assert!(
            plan(&pack, 1, EnvType::Nonprod, &[items_only]).is_err(),
            "{ov}: an item waiver does not cover a loosening"
        );
        let current = waiver("C", None, date(2027, 3, 1));
        let p = plan(&pack, 1, EnvType::Nonprod, &[current]).unwrap();
        assert!(
            p.loosened[0].contains("under waiver until 2027-03-01"),
            "{ov}: {:?}",
            p.loosened
        );
        assert_eq!(p.waivers_used_by_overrides, vec!["C".to_string()]);
    }
}

#[test]
fn loosening_a_rule_that_only_warns_here_is_free() {
    let pack = with_override("{rule: A, level: info}");
    let p = plan(&pack, 1, EnvType::Nonprod, &[]).unwrap();
    assert_eq!(levels(&p)[0], ("A", Level::Info));
    assert!(
        plan(&pack, 3, EnvType::Nonprod, &[]).is_err(),
        "at stage 3, A fails: lowering it is a loosening"
    );
}

#[test]
fn vars_type_whole_strings_and_expand_inside_strings() {
    let pack = compile(&[("t.yaml", PACK)], &[("min", json!(90))]).unwrap();
    let c = pack.rules.iter().find(|r| r.rule.id == "C").unwrap();
    assert_eq!(c.expect[0].to_string(), "line_percent >= 90");
    assert_eq!(
        pack.vars["registries"],
        json!(["harbor.example/", "docker.io/"])
    );
    let pack = compile(&[("t.yaml", PACK)], &[("host", json!("registry.gov"))]).unwrap();
    assert_eq!(
        pack.vars["registries"],
        json!(["registry.gov/", "docker.io/"]),
        "variables built on others follow the project's value"
    );
}

#[test]
fn unknown_variables_are_reported_where_they_are_used() {
    let text = PACK.replace("'>= ${min}'", "'>= ${minimum}'");
    let e = compile(&[("t.yaml", &text)], &[]).unwrap_err();
    assert!(e.contains("unknown variable `${minimum}`"), "{e}");
    assert!(e.contains("did you mean `${min}`?"), "{e}");
    assert!(e.contains("t.yaml:"), "{e}");
}

#[test]
fn expand_substitutes_and_escapes() {
    let vars: BTreeMap<String, Json> = [
        ("ns".to_string(), Json::from("shop")),
        ("n".to_string(), Json::from(3)),
        ("regs".to_string(), json!(["a.io", "b.io"])),
    ]
    .into();
    let table = [
        (
            "up{namespace=\"${ns}\"} > ${n}",
            Ok("up{namespace=\"shop\"} > 3"),
        ),
        ("$${ns} costs $5", Ok("${ns} costs $5")),
        ("${regs}", Ok("a.io|b.io")),
        ("${nope}", Err("nope")),
        ("${unterminated", Ok("${unterminated")),
    ];
    for (input, want) in table {
        assert_eq!(
            expand(input, &vars),
            want.map(str::to_string).map_err(str::to_string),
            "{input}"
        );
    }
}

#[test]
fn a_rule_defined_twice_and_an_override_of_an_unknown_rule_are_errors() {
    let e = compile(
        &[
            ("t.yaml", PACK),
            (
                "mine.yaml",
                "rules:\n  - {id: A, title: a, why: w, reference: x, level: fail, check: {kind: tests}}\noverrides:\n  - {rule: Z, level: fail}\n",
            ),
        ],
        &[],
    )
    .unwrap_err();
    assert!(e.contains("rule `A` is already defined"), "{e}");
    assert!(e.contains("override names unknown rule `Z`"), "{e}");
}

#[test]
fn on_missing_orders_from_loose_to_strict() {
    assert!(OnMissing::Warn < OnMissing::Block && OnMissing::Block < OnMissing::Fail);
}

#[test]
fn a_variable_that_loosens_a_fail_rule_is_a_loosening_wherever_it_is_set() {
    let shipped = ("embedded:t.yaml", PACK);
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [(&'a str, Json)]);
    let table: [Case<'_>; 3] = [
        (&[shipped], &[("min", json!(70))]),
        (
            &[shipped, ("mine.yaml", "pack: t\nvars:\n  min: 70\n")],
            &[],
        ),
        (&[shipped, ("mine.yaml", "vars:\n  min: 70\n")], &[]),
    ];
    for (files, vars) in table {
        let pack = compile(files, vars).unwrap();
        let mut origins = BTreeMap::new();
        origins.insert("min".to_string(), "gonogo.yaml:4".to_string());
        let stage = &pack.pack.stages[0];
        let refused = build_plan(&pack, stage, EnvType::Nonprod, &[], TODAY, &origins).unwrap_err();
        assert!(
            refused[0]
                .message
                .contains("the project's variables loosens fail rule C")
                && refused[0]
                    .message
                    .contains("`line_percent >= 80` → `line_percent >= 70`"),
            "{files:?}: {refused:?}"
        );
        let w = waiver("C", None, date(2027, 1, 31));
        let p = build_plan(&pack, stage, EnvType::Nonprod, &[w], TODAY, &origins).unwrap();
        let c = &p.overrides[0];
        assert_eq!(c.what, "rule C");
        assert!(c.waiver.as_deref().unwrap().starts_with("until 2027-01-31"));
        assert!(c.origin.starts_with("var min ("), "{c:?}");
    }
}

#[test]
fn a_variable_that_tightens_is_recorded_not_refused() {
    let pack = compile(&[("embedded:t.yaml", PACK)], &[("min", json!(90))]).unwrap();
    let p = plan(&pack, 1, EnvType::Nonprod, &[]).unwrap();
    assert_eq!(p.overrides.len(), 1);
    assert_eq!(
        p.overrides[0].change,
        "`line_percent >= 80` → `line_percent >= 90`"
    );
    assert!(p.overrides[0].waiver.is_none());
}

#[test]
fn a_rule_that_fails_here_blocks_on_missing_evidence() {
    let text = PACK.replace(
        "level: warn, raise: {three: fail}, check: {kind: tests}",
        "level: warn, raise: {three: fail}, on_missing: warn, check: {kind: tests}",
    );
    let pack = compile(&[("t.yaml", &text)], &[]).unwrap();
    let at = |stage| {
        plan(&pack, stage, EnvType::Nonprod, &[])
            .unwrap()
            .rules
            .iter()
            .find(|r| r.rule.rule.id == "A")
            .unwrap()
            .on_missing
    };
    assert_eq!(
        at(1),
        OnMissing::Warn,
        "a warning rule may let missing evidence warn"
    );
    assert_eq!(at(3), OnMissing::Block, "raised to fail, it blocks");
}

const REQUIRED: &str = "pack: r
title: R
stages:
  - {number: 1, id: one, title: One}
vars:
  registries: [\"${host}/\", docker.io/]
  ns: team
required_vars:
  host: {help: the platform's registry, example: registry.example}
rules:
  - {id: A, title: a, why: w, reference: x, level: fail, check: {kind: manifests, paths: [k8s], rules: [CPN-K8S-08], registries: '${registries}'}}
  - {id: B, title: b, why: w, reference: x, level: fail, check: {kind: metric, query: 'up{namespace=\"${ns}\"}'}}
";

fn compile_r(vars: &[(&str, Json)]) -> CompiledPack {
    let files = [LoadedFile {
        name: "r.yaml".into(),
        text: REQUIRED.into(),
    }];
    let mut diags = Diagnostics::default();
    let catalog = load_catalog(&files, &mut diags);
    let vars: BTreeMap<String, Json> = vars
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect();
    let pack = catalog.compile("r", &vars, &mut diags);
    assert!(diags.is_empty(), "{}", diags.render());
    pack.unwrap()
}

#[test]
fn a_rule_on_an_unset_required_variable_is_not_configured_and_not_fetched() {
    let pack = compile_r(&[]);
    let a = pack.rules.iter().find(|r| r.rule.id == "A").unwrap();
    assert_eq!(
        a.not_configured.as_deref(),
        Some("set vars.host in gonogo.yaml (the platform's registry, e.g. registry.example)"),
        "a variable built on an unset one leaves the rule unconfigured"
    );
    let b = pack.rules.iter().find(|r| r.rule.id == "B").unwrap();
    assert_eq!(b.not_configured, None);
    assert_eq!(
        pack.vars["host"],
        Json::Null,
        "the example is never the value"
    );
    let stage = &pack.pack.stages[0];
    let plan = build_plan(&pack, stage, EnvType::Nonprod, &[], TODAY, &BTreeMap::new()).unwrap();
    assert_eq!(plan.needs().len(), 1, "{:?}", plan.needs());

    let set = compile_r(&[("host", json!("harbor.example"))]);
    let a = set.rules.iter().find(|r| r.rule.id == "A").unwrap();
    assert_eq!(a.not_configured, None);
    let unset = compile_r(&[("ns", Json::Null)]);
    let b = unset.rules.iter().find(|r| r.rule.id == "B").unwrap();
    assert_eq!(
        b.not_configured.as_deref(),
        Some("set vars.ns in gonogo.yaml"),
        "a project that unsets a variable gets an unconfigured rule, never a pass"
    );
}

#[test]
fn required_vars_belong_to_the_pack_file() {
    let files = [
        LoadedFile {
            name: "r.yaml".into(),
            text: REQUIRED.into(),
        },
        LoadedFile {
            name: "mine.yaml".into(),
            text: "pack: r\nrequired_vars: {x: {help: h, example: 1}}\n".into(),
        },
    ];
    let mut diags = Diagnostics::default();
    load_catalog(&files, &mut diags);
    assert!(
        diags
            .render()
            .contains("belongs in the file that defines the pack"),
        "{}",
        diags.render()
    );
}

/// The P/I types a rule's `reference` cites: `EXI-ARCH-27 (P)`, `EXI-ORG-17 (I, training)`.
fn cited_types(reference: &str) -> (bool, bool) {
    let mut p = false;
    let mut i = false;
    for (at, _) in reference.match_indices('(') {
        let rest = &reference[at + 1..];
        let word: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let next = rest[word.len()..].chars().next();
        if matches!(next, Some(')' | ',')) {
            match word.as_str() {
                "P" => p = true,
                "I" => i = true,
                _ => {}
            }
        }
    }
    (p, i)
}

/// The pack's policy, held by test: a rule citing a P requirement fails at the gate of the stage
/// that introduces it; a rule citing only I requirements never fails; a rule whose source has no
/// type says where its level comes from. Any departure carries a `level_reason`.
#[test]
fn every_level_follows_the_type_of_its_source_or_says_why() {
    let mut diags = Diagnostics::default();
    let catalog = load_catalog(&crate::rules::embedded_files(), &mut diags);
    let pack = catalog
        .compile(crate::model::DEFAULT_PACK, &BTreeMap::new(), &mut diags)
        .expect("the default pack compiles");
    assert!(diags.is_empty(), "{}", diags.render());
    assert_eq!(
        cited_types("EXI-ORG-17 (P, backups); EXI-ARCH-4 (P)"),
        (true, false)
    );
    assert_eq!(
        cited_types("EXI-ORG-10 (I), EXI-ORG-12 (I) (CCT quality)"),
        (false, true)
    );
    assert_eq!(
        cited_types("kyverno check-labels (optional block)"),
        (false, false)
    );
    let stages: Vec<u32> = pack.pack.stages.iter().map(|s| s.number).collect();
    let mut wrong = Vec::new();
    for r in &pack.rules {
        let (p, i) = cited_types(&r.rule.reference);
        let explained = r
            .rule
            .level_reason
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty());
        let at_gate = r.level_at(r.since, EnvType::Nonprod);
        let ever_fails = stages.iter().filter(|s| **s >= r.since).any(|s| {
            r.level_at(*s, EnvType::Nonprod) == Level::Fail
                || r.level_at(*s, EnvType::Prod) == Level::Fail
        });
        let problem = if p {
            (at_gate != Level::Fail && !explained).then(|| {
                format!(
                    "cites a P requirement but is {} at its gate",
                    at_gate.as_str()
                )
            })
        } else if i {
            (ever_fails && !explained).then(|| "cites only I requirements but fails".to_string())
        } else {
            (!explained).then(|| "its source has no P/I type and it has no level_reason".into())
        };
        if let Some(why) = problem {
            wrong.push(format!("{}: {why}", r.rule.id));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// French reports show each rule's `fr: {title, why}`; a rule without it falls back to English.
#[test]
fn a_rule_in_french_uses_its_fr_block_and_the_verdict_carries_the_title() {
    let pack = PACK.replace(
        "{id: A, title: a, why: w,",
        "{id: A, title: a, why: w, fr: {title: a en français, why: pourquoi},",
    );
    let mut diags = Diagnostics::default();
    let catalog = load_catalog(
        &[LoadedFile {
            name: "t.yaml".into(),
            text: pack,
        }],
        &mut diags,
    );
    let compiled = catalog.compile("t", &BTreeMap::new(), &mut diags).unwrap();
    assert!(diags.is_empty(), "{}", diags.render());
    let a = compiled.rules.iter().find(|r| r.rule.id == "A").unwrap();
    let fr = a.rule.fr.as_ref().unwrap();
    assert_eq!(
        (fr.title.as_str(), fr.why.as_str()),
        ("a en français", "pourquoi")
    );
    let c = compiled.rules.iter().find(|r| r.rule.id == "C").unwrap();
    assert!(c.rule.fr.is_none());
}

/// Every rule of the embedded packs has its French title and reason: the teams the default pack
/// serves read French, and a rule without `fr:` would show English in the middle of a French
/// report.
#[test]
fn every_embedded_rule_has_a_french_title_and_why() {
    let mut diags = Diagnostics::default();
    let catalog = load_catalog(&super::embedded_files(), &mut diags);
    let mut missing = Vec::new();
    for name in catalog.packs.keys() {
        let Some(pack) = catalog.compile(name, &BTreeMap::new(), &mut diags) else {
            continue;
        };
        for r in &pack.rules {
            match &r.rule.fr {
                Some(t) if !t.title.trim().is_empty() && !t.why.trim().is_empty() => {}
                _ => missing.push(format!("{name}/{}", r.rule.id)),
            }
        }
    }
    assert!(diags.is_empty(), "{}", diags.render());
    assert!(
        missing.is_empty(),
        "rules without `fr: {{title, why}}`: {missing:?}"
    );
}
