//! Reporters: pure functions from a [`Verdict`] to bytes. No IO here; `app` writes the result.
//!
//! One file per format, all fed by the same verdict, so the console, the JSON archive, the
//! Markdown summary, JUnit, Code Quality, SARIF and dotenv can never disagree. Each is
//! deterministic: it follows the verdict's (sorted) order and adds no clock of its own. The few
//! things several formats share — where an item points to, its stable fingerprint, which
//! outcomes need attention — live here.

pub mod codequality;
pub mod dotenv;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod plan;
pub mod sarif;

use sha2::{Digest, Sha256};

use crate::eval::{Outcome, RuleResult, Verdict};
use crate::evidence::Location;
use crate::model::Item;

/// The formats a verdict can be written in (`check --format`, `check --report FORMAT=PATH`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// For people, on a terminal.
    Human,
    /// The verdict itself, the archived proof (versioned schema).
    Json,
    /// A summary for step summaries, PR comments and MR notes.
    Markdown,
    /// One test case per rule, for test-report widgets (GitLab `reports:junit`).
    Junit,
    /// GitLab Code Quality: one issue per failed or warned item.
    Codequality,
    /// SARIF 2.1.0: one run, the gate's rules, failed or warned items as results.
    Sarif,
    /// `GONOGO_DECISION=…` lines for a dotenv artifact (GitLab `reports:dotenv`).
    Dotenv,
}

impl ReportFormat {
    pub const ALL: &[ReportFormat] = &[
        ReportFormat::Human,
        ReportFormat::Json,
        ReportFormat::Markdown,
        ReportFormat::Junit,
        ReportFormat::Codequality,
        ReportFormat::Sarif,
        ReportFormat::Dotenv,
    ];

    pub fn from_name(name: &str) -> Option<ReportFormat> {
        Self::ALL
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Human => "human",
            ReportFormat::Json => "json",
            ReportFormat::Markdown => "markdown",
            ReportFormat::Junit => "junit",
            ReportFormat::Codequality => "codequality",
            ReportFormat::Sarif => "sarif",
            ReportFormat::Dotenv => "dotenv",
        }
    }
}

/// Renders `verdict` in `format`; `strict` is needed only where the exit code is written out.
pub fn render_report(verdict: &Verdict, format: ReportFormat, strict: bool) -> String {
    match format {
        ReportFormat::Human => human::render(verdict),
        ReportFormat::Json => json::render(verdict),
        ReportFormat::Markdown => markdown::render(verdict),
        ReportFormat::Junit => junit::render(verdict),
        ReportFormat::Codequality => codequality::render(verdict),
        ReportFormat::Sarif => sarif::render(verdict),
        ReportFormat::Dotenv => dotenv::render(verdict, strict),
    }
}

/// One applied waiver in words: `CPN-S3-03 (match `*`): 2 uses, until 2027-01-31 (60 days) —
/// reason [ticket] (gonogo.yaml:12)`.
pub fn waiver_line(w: &crate::eval::WaiverStatus) -> String {
    let ww = &w.waiver;
    let scope = match &ww.pattern {
        Some(p) if p == "*" || p == "**" => format!(" (match `{p}`: every item)"),
        Some(p) => format!(" (match `{p}`)"),
        None => " (the whole rule)".to_string(),
    };
    format!(
        "{}{scope}: {} use{}, until {} ({} day{} left) — {}{}{}",
        ww.rule,
        w.uses,
        if w.uses == 1 { "" } else { "s" },
        ww.expires,
        w.days_left,
        if w.days_left == 1 { "" } else { "s" },
        ww.reason,
        ww.ticket
            .as_ref()
            .map(|t| format!(" [{t}]"))
            .unwrap_or_default(),
        if ww.origin.is_empty() {
            String::new()
        } else {
            format!(" ({})", ww.origin)
        }
    )
}

/// Failed and warned rules: the ones whose items become annotations, issues and results.
pub fn is_flagged(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Fail | Outcome::Warn)
}

/// The first input read for a rule's evidence (a report file, a URL without credentials).
pub fn evidence_input<'a>(verdict: &'a Verdict, rule: &RuleResult) -> Option<&'a str> {
    verdict
        .sources
        .iter()
        .find(|s| s.need.to_string() == rule.evidence)
        .and_then(|s| s.inputs.first())
        .map(|i| i.location.as_str())
        .filter(|l| !l.contains("://"))
}

/// Where an item points: its own location, else the report it came from (line 1).
pub fn item_location(verdict: &Verdict, rule: &RuleResult, item: &Item) -> Option<Location> {
    item.location.clone().or_else(|| {
        evidence_input(verdict, rule).map(|path| Location {
            path: path.to_string(),
            line: None,
        })
    })
}

/// A stable fingerprint: the same rule, item and place give the same id across runs, so GitLab
/// and GitHub can tell new findings from old ones.
pub fn fingerprint(rule_id: &str, key: &str, location: Option<&Location>) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0]);
    h.update(key.as_bytes());
    h.update([0]);
    if let Some(l) = location {
        h.update(l.path.as_bytes());
        h.update([0]);
        h.update(l.line.unwrap_or(0).to_le_bytes());
    }
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The first line of `s`, at most `max` characters, with an ellipsis when cut.
pub fn first_line(s: &str, max: usize) -> String {
    let line = s.lines().next().unwrap_or("");
    if line.chars().count() > max {
        format!("{}…", line.chars().take(max).collect::<String>())
    } else {
        line.to_string()
    }
}

/// The outcome in a word or two: `fail`, `inconclusive (not found, blocking)`.
pub fn outcome_label(rule: &RuleResult) -> String {
    match &rule.outcome {
        Outcome::Inconclusive { reason, blocking } => format!(
            "inconclusive ({}{})",
            reason.as_str(),
            if *blocking { ", blocking" } else { "" }
        ),
        o => o.label().to_string(),
    }
}

/// A one-line account of a rule's outcome, for places with no room for the criteria table.
pub fn outcome_text(rule: &RuleResult) -> String {
    let base = outcome_label(rule);
    if rule.message.is_empty() {
        base
    } else {
        format!("{base}: {}", first_line(&rule.message, 300))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_change_with_each_part_and_only_with_them() {
        let loc = Location {
            path: "src/a.rs".into(),
            line: Some(3),
        };
        let a = fingerprint("R1", "k", Some(&loc));
        assert_eq!(a, fingerprint("R1", "k", Some(&loc.clone())));
        assert_eq!(a.len(), 32);
        assert_ne!(a, fingerprint("R2", "k", Some(&loc)));
        assert_ne!(a, fingerprint("R1", "k2", Some(&loc)));
        assert_ne!(a, fingerprint("R1", "k", None));
        let moved = Location {
            line: Some(4),
            ..loc.clone()
        };
        assert_ne!(a, fingerprint("R1", "k", Some(&moved)));
        assert_ne!(fingerprint("R1", "ab", None), fingerprint("R1a", "b", None));
    }

    #[test]
    fn first_line_cuts_on_characters() {
        assert_eq!(first_line("héllo wörld\nsecond", 5), "héllo…");
        assert_eq!(first_line("short", 10), "short");
        assert_eq!(first_line("", 10), "");
    }
}
