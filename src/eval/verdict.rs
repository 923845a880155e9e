//! The verdict: the decision, every rule's outcome with its measured values, and the record of
//! what was read (digest, size, time), so it can be archived as proof.
//!
//! Its JSON form is a versioned contract (`schema_version`); collections are sorted so two runs
//! on the same inputs give the same bytes, timestamps aside. It reads back too (`Deserialize`), so
//! `gonogo publish verdict.json` can report a verdict computed in another, untrusted job.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::baseline::{BaselineRecord, Comparison};
use super::waivers::WaiverStatus;
use crate::evidence::{MissingReason, Value};
use crate::model::baseline::KeySet;
use crate::model::{AppliedOverride, Item, Need, SourceReport};
use crate::model::{EnvType, Level, OnMissing, Stage};
use crate::rules::PlannedRule;

pub const VERDICT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Go,
    GoWithWarnings,
    NoGo,
    Inconclusive,
}

impl Decision {
    /// The decision the outcomes give. Nothing judged is not a GO.
    pub fn of(results: &[RuleResult]) -> Decision {
        let evaluated: Vec<&RuleResult> = results
            .iter()
            .filter(|r| r.outcome != Outcome::Offline)
            .collect();
        let results = evaluated;
        if results.is_empty() {
            Decision::Inconclusive
        } else if results.iter().any(|r| r.outcome == Outcome::Fail) {
            Decision::NoGo
        } else if results
            .iter()
            .any(|r| matches!(r.outcome, Outcome::Inconclusive { blocking: true, .. }))
        {
            Decision::Inconclusive
        } else if results
            .iter()
            .any(|r| matches!(r.outcome, Outcome::Warn | Outcome::Inconclusive { .. }))
        {
            Decision::GoWithWarnings
        } else {
            Decision::Go
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::Go => "GO",
            Decision::GoWithWarnings => "GO (with warnings)",
            Decision::NoGo => "NO-GO",
            Decision::Inconclusive => "INCONCLUSIVE",
        }
    }

    /// What the decision means for the pipeline step, in `strict` mode or not.
    pub fn exit(self, strict: bool) -> Exit {
        match self {
            Decision::Go => Exit::Go,
            Decision::GoWithWarnings if strict => Exit::StrictWarnings,
            Decision::GoWithWarnings => Exit::Go,
            Decision::NoGo => Exit::NoGo,
            Decision::Inconclusive => Exit::Inconclusive,
        }
    }

    /// Whether the step passes: exit 0.
    pub fn passes(self, strict: bool) -> bool {
        self.exit(strict) == Exit::Go
    }
}

/// The exit-code contract users script against (`allow_failure: exit_codes`, `if: failure()`).
/// Written here once; the CLI's help, the reporters and the publishers all read it from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// GO (warnings allowed unless `--strict`).
    Go = 0,
    /// NO-GO: at least one blocking rule failed.
    NoGo = 1,
    /// GO with warnings, under `--strict`.
    StrictWarnings = 2,
    /// INCONCLUSIVE: blocking evidence missing or unreachable, and nothing failed.
    Inconclusive = 3,
    /// A usage or configuration error: nothing was judged.
    Usage = 4,
}

impl Exit {
    /// The contract in one line, for `--help`.
    pub const HELP: &'static str = "Exit codes: 0 GO, 1 NO-GO, 2 warnings under --strict, 3 INCONCLUSIVE, 4 usage or configuration error.";

    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e.code())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Outcome {
    Pass,
    /// A `warn` rule not met, or a `fail` rule short of its preferred target.
    Warn,
    Fail,
    /// An `info` rule not met: reported, never blocks.
    Info,
    Waived,
    Inconclusive {
        reason: MissingReason,
        blocking: bool,
    },
    /// Not evaluated: the rule needs a live system and the run is `--offline`.
    Offline,
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Warn => "warn",
            Outcome::Fail => "fail",
            Outcome::Info => "info",
            Outcome::Waived => "waived",
            Outcome::Inconclusive { .. } => "inconclusive",
            Outcome::Offline => "not evaluated offline",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionResult {
    pub criterion: String,
    pub metric: String,
    pub measured: Option<Value>,
    /// `None` when it could not be compared.
    pub ok: Option<bool>,
    /// A `prefer` criterion: short of it is a warning.
    pub preferred: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    pub id: String,
    pub title: String,
    /// The title in French, when the pack has it (`fr:` in the rule); reporters in French show
    /// it instead of `title`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_fr: Option<String>,
    pub reference: String,
    pub check: String,
    /// The stage the rule applies from (its `since`), so a report can place it on the path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<u32>,
    pub level: Level,
    /// The threshold is gonogo's own default, not a number written in the rule's source.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub own_threshold: bool,
    /// Why the level is not the one the source's P/I type gives, when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_reason: Option<String>,
    pub on_missing: OnMissing,
    pub outcome: Outcome,
    /// Why the evidence was missing, when it was: kept for every outcome it led to (a rule with
    /// `on_missing: fail` fails on it), so reports can group rules by their cause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<MissingReason>,
    /// What the outcome was before a waiver covered it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waived_outcome: Option<Box<Outcome>>,
    pub message: String,
    pub criteria: Vec<CriterionResult>,
    pub evidence: String,
    pub items: Vec<Item>,
    pub items_total: u64,
    pub waived_items: u64,
    /// The items a waiver's `match` removed (at most 100), so a reader sees what was waived.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waived_keys: Vec<String>,
    /// Every metric measured (not only those the criteria name): what a later run compares with.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub metrics: std::collections::BTreeMap<String, Value>,
    /// The keys of every item measured, with their class: what a later run compares with.
    #[serde(default, skip_serializing_if = "KeySet::is_empty")]
    pub keys: KeySet,
    /// The comparison with the baseline, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overridden_by: Vec<String>,
}

impl RuleResult {
    pub fn new(planned: &PlannedRule, need: &Need) -> RuleResult {
        let rule = &planned.rule.rule;
        RuleResult {
            id: rule.id.clone(),
            title: rule.title.clone(),
            title_fr: rule.fr.as_ref().map(|t| t.title.clone()),
            reference: rule.reference.clone(),
            check: rule.check.kind_id().to_string(),
            since: Some(planned.rule.since),
            level: planned.level,
            own_threshold: rule.own_threshold,
            level_reason: rule.level_reason.clone(),
            on_missing: planned.on_missing,
            outcome: Outcome::Pass,
            missing: None,
            waived_outcome: None,
            message: String::new(),
            criteria: Vec::new(),
            evidence: need.to_string(),
            items: Vec::new(),
            items_total: 0,
            waived_items: 0,
            waived_keys: Vec::new(),
            metrics: std::collections::BTreeMap::new(),
            keys: KeySet::default(),
            comparison: None,
            notes: Vec::new(),
            overridden_by: planned.overridden_by.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub pass: u32,
    pub warn: u32,
    pub fail: u32,
    pub info: u32,
    pub waived: u32,
    pub inconclusive: u32,
    /// Items removed by item waivers, across rules (a rule may pass with waived items).
    #[serde(default)]
    pub waived_items: u64,
    /// Rules not evaluated because the run was `--offline`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub offline: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Counts {
    pub fn of(results: &[RuleResult]) -> Counts {
        let mut c = Counts::default();
        for r in results {
            c.waived_items += r.waived_items;
            match r.outcome {
                Outcome::Pass => c.pass += 1,
                Outcome::Warn => c.warn += 1,
                Outcome::Fail => c.fail += 1,
                Outcome::Info => c.info += 1,
                Outcome::Waived => c.waived += 1,
                Outcome::Inconclusive { .. } => c.inconclusive += 1,
                Outcome::Offline => c.offline += 1,
            }
        }
        c
    }
}

/// `2 failed · 0 warned · 1 inconclusive · 1 waived (+3 items) · 41 passed`: the counts line of
/// the human and Markdown reports. A waiver that applied always shows: rules it covered are
/// `waived`, items it removed from rules that then passed are counted too.
impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let waived = match (self.waived, self.waived_items) {
            (n, 0) => format!("{n} waived"),
            (0, i) => format!("{i} item{} waived", if i == 1 { "" } else { "s" }),
            (n, i) => format!("{n} waived (+{i} item{})", if i == 1 { "" } else { "s" }),
        };
        write!(
            f,
            "{} failed · {} warned · {} inconclusive · {waived} · {} passed",
            self.fail, self.warn, self.inconclusive, self.pass
        )?;
        if self.info > 0 {
            write!(f, " · {} info", self.info)?;
        }
        if self.offline > 0 {
            write!(f, " · {} not evaluated offline", self.offline)?;
        }
        Ok(())
    }
}

/// Preview of the next stage, non-blocking (`check --next`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextPreview {
    pub stage: Stage,
    pub decision: Decision,
    /// Rules of the next stage not met today (new or raised).
    pub blockers: Vec<RuleResult>,
    /// How many rules the next stage has, and how many of them the evidence meets today
    /// (passed, info, waived): how far along the way to the next stage the project is.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rules: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub met: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub schema_version: u32,
    pub tool: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    pub pack: String,
    pub stage: Stage,
    pub environment: EnvType,
    /// The pack's stages in order (number, id, title), so a report can draw the path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<Stage>,
    pub evaluated_on: Date,
    /// An `--offline` run: live rules were not evaluated; never published as a gate's result.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub offline: bool,
    /// Wall-clock time of the run; absent in deterministic (test) output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluated_at: Option<String>,
    pub decision: Decision,
    pub counts: Counts,
    pub results: Vec<RuleResult>,
    pub waivers: Vec<WaiverStatus>,
    pub sources: Vec<SourceReport>,
    pub notices: Vec<String>,
    /// What changed the rules away from the pack as shipped: a later stage or `prod` from the
    /// command line, the project's variables and overrides (with the waiver of a loosening).
    #[serde(default)]
    pub overrides: Vec<AppliedOverride>,
    /// The baseline this run was compared with, or why it could not be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineRecord>,
    /// The change patch coverage was measured on (`--diff`, `--diff-base`), or why it could not be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patch: Option<super::patch::PatchRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<NextPreview>,
}
