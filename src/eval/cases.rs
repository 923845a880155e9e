//! Rule cases: every rule of the default pack shown to pass and shown to fail, on small projects.
//!
//! A case is a folder `tests/rule-cases/<RULE-ID>/<pass|fail|inconclusive>-<name>/` holding a
//! small project (an answers file, a Dockerfile, manifests, reports) and a `case.yaml`:
//!
//! ```yaml
//! why: what the case shows
//! stage: 3                  # the stage to evaluate at (number or id)
//! root: app                 # optional: the project root inside the folder (a split layout)
//! environment: nonprod      # optional
//! vars: {...}               # gonogo.yaml `vars:`
//! sources: {...}            # gonogo.yaml `sources:` (paths relative to the case folder)
//! answer:                   # for rules on an endpoint: the evidence it answered, recorded
//!   values: {sync: Synced}  #   values, as the endpoint client makes them
//!   unavailable: {...}      #   values it could not give, with why
//!   items: [{key, text}]
//!   missing: {reason: empty, detail: "..."}   # or: it answered nothing usable
//! diff: change.diff         # optional: the unified diff patch coverage is measured on
//! outcome: warn             # optional: the outcome when it is not the folder's prefix
//! message: "..."            # optional: a text the result's message must contain
//! ```
//!
//! The test goes through the real pipeline with no process and no network: the embedded pack
//! loaded and compiled with the case's variables, the plan built for the case's stage, file
//! evidence gathered by `fetch::gather` from the case folder (Helm rendering off), endpoint
//! evidence injected from `answer`, and `evaluate`; then the rule's outcome is compared. A
//! second test fails when a rule of the pack has no failing or no passing case, or when a case
//! names a rule the pack does not have: a rule that cannot fail is a defect.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::{Date, date};
use serde::Deserialize;
use serde_json::Value as Json;

use crate::config::Overrides;
use crate::diag::Diagnostics;
use crate::eval::Outcome;
use crate::evidence::{Evidence, Missing, MissingReason, Value, ValueItem, ValueSet};
use crate::fetch::{FetchOptions, gather};
use crate::model::{DEFAULT_PACK, EvidenceMap, Need};
use crate::rules::load::CompiledPack;
use crate::rules::{build_plan, embedded_files, load_catalog};

const TODAY: Date = date(2026, 12, 2);

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rule-cases")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    #[serde(default)]
    why: String,
    stage: Json,
    #[serde(default)]
    root: Option<String>,
    #[serde(default)]
    environment: Option<Json>,
    #[serde(default)]
    vars: BTreeMap<String, Json>,
    #[serde(default)]
    sources: BTreeMap<String, Json>,
    #[serde(default)]
    answer: Option<Answer>,
    #[serde(default)]
    diff: Option<String>,
    #[serde(default)]
    outcome: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Answer {
    #[serde(default)]
    values: BTreeMap<String, Value>,
    #[serde(default)]
    unavailable: BTreeMap<String, String>,
    #[serde(default)]
    items: Vec<AnswerItem>,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    missing: Option<AnswerMissing>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerItem {
    key: String,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerMissing {
    reason: MissingReason,
    detail: String,
}

impl Answer {
    fn evidence(self) -> Result<Evidence, Missing> {
        if let Some(m) = self.missing {
            return Err(Missing::new(m.reason, m.detail));
        }
        Ok(Evidence::Values(ValueSet {
            values: self.values,
            notes: self.notes,
            unavailable: self.unavailable,
            items: self
                .items
                .into_iter()
                .map(|i| ValueItem {
                    key: i.key,
                    text: i.text,
                })
                .collect(),
        }))
    }
}

/// A case folder: its rule and the outcome its name announces.
struct Folder {
    rule: String,
    kind: String,
    dir: PathBuf,
}

fn folders() -> Vec<Folder> {
    let mut out = Vec::new();
    let Ok(rules) = std::fs::read_dir(cases_dir()) else {
        return out;
    };
    for rule in rules.flatten().filter(|e| e.path().is_dir()) {
        let rule_id = rule.file_name().to_string_lossy().into_owned();
        let Ok(cases) = std::fs::read_dir(rule.path()) else {
            continue;
        };
        for case in cases.flatten().filter(|e| e.path().is_dir()) {
            let name = case.file_name().to_string_lossy().into_owned();
            let kind = name.split('-').next().unwrap_or("").to_string();
            out.push(Folder {
                rule: rule_id.clone(),
                kind,
                dir: case.path(),
            });
        }
    }
    out.sort_by(|a, b| a.dir.cmp(&b.dir));
    out
}

fn default_pack() -> CompiledPack {
    let mut diags = Diagnostics::default();
    let catalog = load_catalog(&embedded_files(), &mut diags);
    let pack = catalog.compile(DEFAULT_PACK, &BTreeMap::new(), &mut diags);
    assert!(diags.is_empty(), "{}", diags.render());
    pack.expect("the default pack compiles")
}

/// Runs one case; `Err` says what went wrong, with the folder.
fn run(folder: &Folder) -> Result<(), String> {
    let at = folder.dir.display().to_string();
    let case_file = folder.dir.join("case.yaml");
    let text = std::fs::read_to_string(&case_file).map_err(|e| format!("{at}: case.yaml: {e}"))?;
    let root = crate::yaml::parse(&text).map_err(|e| {
        format!(
            "{at}/case.yaml:{}:{}: {}",
            e.span.line, e.span.column, e.message
        )
    })?;
    let json = root.to_json(&mut Default::default());
    let case: Case = serde_json::from_value(json).map_err(|e| format!("{at}/case.yaml: {e}"))?;
    if case.why.trim().is_empty() {
        return Err(format!("{at}/case.yaml: say `why` (what the case shows)"));
    }

    let mut config_json =
        serde_json::json!({"stage": case.stage, "vars": case.vars, "sources": case.sources});
    if let Some(env) = &case.environment {
        config_json["environment"] = env.clone();
    }
    let mut diags = Diagnostics::default();
    let config = crate::config::parse(
        &format!("{at}/case.yaml"),
        &config_json.to_string(),
        &folder
            .dir
            .join(case.root.as_deref().unwrap_or("."))
            .join("gonogo.yaml"),
        &Overrides::default(),
        TODAY,
        &mut diags,
    )
    .filter(|_| diags.is_empty())
    .ok_or_else(|| format!("{at}: {}", diags.render()))?;

    let mut diags = Diagnostics::default();
    let catalog = load_catalog(&embedded_files(), &mut diags);
    let pack = catalog
        .compile(DEFAULT_PACK, &config.vars, &mut diags)
        .filter(|_| diags.is_empty())
        .ok_or_else(|| format!("{at}: {}", diags.render()))?;
    let stage_ref = config.stage.clone().ok_or(format!("{at}: no stage"))?;
    let stage = stage_ref
        .resolve(&pack.pack.stages)
        .map_err(|e| format!("{at}: {e}"))?
        .clone();
    let mut plan = build_plan(
        &pack,
        &stage,
        config.environment,
        &[],
        TODAY,
        &config.var_origins,
    )
    .map_err(|r| {
        format!(
            "{at}: {:?}",
            r.iter().map(|r| &r.message).collect::<Vec<_>>()
        )
    })?;
    plan.rules.retain(|r| r.rule.rule.id == folder.rule);
    if plan.rules.is_empty() {
        return Err(format!(
            "{at}: rule {} does not apply at stage {}",
            folder.rule, stage.id
        ));
    }

    let needs = plan.needs();
    let (files, endpoints): (Vec<Need>, Vec<Need>) = needs
        .into_iter()
        .partition(|n| !matches!(n, Need::Query { .. }));
    let mut evidence = EvidenceMap::new();
    if !endpoints.is_empty() {
        let answer = case.answer.ok_or_else(|| {
            format!(
                "{at}: rule {} reads an endpoint: give its `answer`",
                folder.rule
            )
        })?;
        let ev = answer.evidence();
        for need in endpoints {
            evidence.insert(need, ev.clone());
        }
    }
    if !files.is_empty() {
        let options = FetchOptions {
            render_charts: false,
            concurrency: 4,
            ..FetchOptions::default()
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("{at}: {e}"))?;
        let fetched = runtime.block_on(gather(files, &config, &options, plan.sample_judge()));
        evidence.extend(fetched.evidence);
    }

    let patch = match &case.diff {
        None => crate::eval::PatchState::None,
        Some(name) => {
            let bytes =
                std::fs::read(folder.dir.join(name)).map_err(|e| format!("{at}/{name}: {e}"))?;
            let patch =
                crate::parse::diff::parse(&bytes[..]).map_err(|e| format!("{at}/{name}:{e}"))?;
            crate::eval::PatchState::Available(Box::new(crate::eval::PatchInput {
                record: crate::eval::PatchRecord {
                    source: name.clone(),
                    sha256: String::new(),
                    files_changed: patch.files.len() as u64,
                    lines_added: patch.lines_added(),
                    lines_removed: patch.lines_removed(),
                    error: None,
                },
                patch,
                root: folder.dir.display().to_string(),
            }))
        }
    };
    let verdict = crate::eval::evaluate_change(
        &plan,
        &evidence,
        &[],
        TODAY,
        &crate::eval::BaselineState::None,
        &patch,
    );
    let result = verdict
        .results
        .iter()
        .find(|r| r.id == folder.rule)
        .ok_or(format!("{at}: no result for {}", folder.rule))?;
    let want = case.outcome.as_deref().unwrap_or(folder.kind.as_str());
    let got = result.outcome.label();
    if got != want {
        return Err(format!(
            "{at}: expected {want}, got {got}: {} (criteria {:?}, items {:?}, notes {:?})",
            result.message,
            result
                .criteria
                .iter()
                .map(|c| format!("{} measured {:?}", c.criterion, c.measured))
                .collect::<Vec<_>>(),
            result.items.iter().map(|i| &i.text).collect::<Vec<_>>(),
            result.notes
        ));
    }
    if let Some(text) = &case.message
        && !result.message.contains(text.as_str())
        && !result.items.iter().any(|i| i.text.contains(text.as_str()))
        && !result.notes.iter().any(|n| n.contains(text.as_str()))
    {
        return Err(format!(
            "{at}: the result does not say `{text}`: {} {:?} {:?}",
            result.message,
            result.items.iter().map(|i| &i.text).collect::<Vec<_>>(),
            result.notes
        ));
    }
    if matches!(result.outcome, Outcome::Inconclusive { .. }) && want != "inconclusive" {
        return Err(format!("{at}: inconclusive: {}", result.message));
    }
    Ok(())
}

#[test]
fn every_rule_case_gives_its_outcome() {
    let folders = folders();
    assert!(
        folders.len() > 100,
        "only {} rule cases found under {}",
        folders.len(),
        cases_dir().display()
    );
    let failures: Vec<String> = folders.iter().filter_map(|f| run(f).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} rule cases failed:\n{}",
        failures.len(),
        folders.len(),
        failures.join("\n")
    );
}

/// Every rule can fail and can pass, and is shown to; every case names a rule of the pack.
#[test]
fn every_rule_has_a_failing_and_a_passing_case() {
    let pack = default_pack();
    let folders = folders();
    let mut problems = Vec::new();
    for r in &pack.rules {
        let id = &r.rule.id;
        for kind in ["pass", "fail"] {
            if !folders.iter().any(|f| f.rule == *id && f.kind == kind) {
                problems.push(format!(
                    "{id} has no `{kind}-*` case under tests/rule-cases/{id}/"
                ));
            }
        }
    }
    for f in &folders {
        if !pack.rules.iter().any(|r| r.rule.id == f.rule) {
            problems.push(format!(
                "{}: no rule {} in the pack",
                f.dir.display(),
                f.rule
            ));
        }
        if !matches!(f.kind.as_str(), "pass" | "fail" | "inconclusive") {
            problems.push(format!(
                "{}: a case folder starts with pass-, fail- or inconclusive-",
                f.dir.display()
            ));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
