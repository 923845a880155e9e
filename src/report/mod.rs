//! Reporters: pure functions from a [`Verdict`] to bytes. No IO here; `app` writes the result.
//!
//! One file per format, all fed by the same verdict, so the console, the JSON archive, the
//! Markdown summary, JUnit, Code Quality, SARIF and dotenv can never disagree. Each is
//! deterministic: it follows the verdict's (sorted) order and adds no clock of its own. The few
//! things several formats share — where an item points to, its stable fingerprint, which
//! outcomes need attention — live here.

pub mod causes;
pub mod change;
pub mod codequality;
pub mod dotenv;
pub mod html;
pub mod human;
pub mod intoto;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod plan;
pub mod sarif;

use sha2::{Digest, Sha256};

use crate::eval::{Counts, Decision, Outcome, RuleResult, Verdict};
use crate::evidence::{Location, MissingReason};
use crate::i18n::Lang;
use crate::model::Item;
use crate::t;

/// How a verdict is rendered, beyond its format. Renderers stay pure: everything that is not in
/// the verdict comes in here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// `--strict`: warnings fail (only the formats that write the exit code use it).
    pub strict: bool,
    /// `-v`: the console report shows every rule in full instead of grouping rules by cause.
    pub verbose: bool,
    /// The language of the words meant for people (ids, codes and JSON keys never change).
    pub lang: Lang,
}
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
    /// One self-contained HTML page: the stage path, the rules by stage and area, metrics, the
    /// evidence (no network, no external assets).
    Html,
    /// An in-toto Statement v1 about the images given by `--subject` (see [`intoto`]).
    Intoto,
    /// The in-toto predicate alone, for `cosign attest --predicate`.
    IntotoPredicate,
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
        ReportFormat::Html,
        ReportFormat::Intoto,
        ReportFormat::IntotoPredicate,
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
            ReportFormat::Html => "html",
            ReportFormat::Intoto => "intoto",
            ReportFormat::IntotoPredicate => "intoto-predicate",
        }
    }
}

/// Renders `verdict` in `format` with `options` (strictness, verbosity, language). An in-toto
/// statement rendered here is about no image, which in-toto does not allow: `check` goes
/// through [`render_about`], which gives it its subjects or refuses.
pub fn render_report(verdict: &Verdict, format: ReportFormat, options: &Options) -> String {
    match format {
        ReportFormat::Human => human::render(verdict, options),
        ReportFormat::Json => json::render(verdict),
        ReportFormat::Markdown => markdown::render(verdict, options.lang),
        ReportFormat::Junit => junit::render(verdict, options.lang),
        ReportFormat::Codequality => codequality::render(verdict, options.lang),
        ReportFormat::Sarif => sarif::render(verdict),
        ReportFormat::Dotenv => dotenv::render(verdict, options.strict),
        ReportFormat::Html => html::render(verdict, options.lang),
        ReportFormat::Intoto => intoto::render_statement(verdict, &[]),
        ReportFormat::IntotoPredicate => intoto::render_predicate(verdict),
    }
}

/// Renders `verdict` in `format`, an in-toto statement being about `subjects`: what `check`
/// writes. Fails, naming what to pass, when a statement is asked for and cannot be written
/// ([`intoto::attestable`]).
pub fn render_about(
    verdict: &Verdict,
    format: ReportFormat,
    options: &Options,
    subjects: &[crate::config::Subject],
) -> Result<String, String> {
    match format {
        ReportFormat::Intoto => {
            intoto::attestable(subjects, verdict.offline)?;
            Ok(intoto::render_statement(verdict, subjects))
        }
        ReportFormat::IntotoPredicate => {
            if verdict.offline {
                return Err(intoto::OFFLINE.into());
            }
            Ok(intoto::render_predicate(verdict))
        }
        f => Ok(render_report(verdict, f, options)),
    }
}

/// Where gonogo lives publicly: `repository` in Cargo.toml, the one place to set it. Empty
/// until the project has a public home; reports then link to nothing.
pub fn project_link() -> Option<&'static str> {
    let url = env!("CARGO_PKG_REPOSITORY");
    (!url.is_empty()).then_some(url)
}

/// The decision in words: `GO`, `GO (with warnings)`, `NO-GO`, `INCONCLUSIVE` (English is
/// [`Decision::label`]).
pub fn decision_label(d: Decision, lang: Lang) -> String {
    t!(
        lang,
        match d {
            Decision::Go => "decision-go",
            Decision::GoWithWarnings => "decision-go-with-warnings",
            Decision::NoGo => "decision-no-go",
            Decision::Inconclusive => "decision-inconclusive",
        }
    )
}

/// The decision as the first line says it, with ` · OFFLINE` for an offline run.
pub fn decision_text(v: &Verdict, lang: Lang) -> String {
    let label = decision_label(v.decision, lang);
    if v.offline {
        format!("{label} · {}", t!(lang, "decision-offline"))
    } else {
        label
    }
}

/// `12 failed · 2 warned · 38 inconclusive · 0 waived · 0 passed`: the counts line of the
/// human, Markdown and HTML reports (in English, the same text as `Counts`' `Display`).
pub fn counts_line(c: &Counts, lang: Lang) -> String {
    let mut parts = vec![
        t!(lang, "count-failed", n = c.fail),
        t!(lang, "count-warned", n = c.warn),
        t!(lang, "count-inconclusive", n = c.inconclusive),
        match (c.waived, c.waived_items) {
            (n, 0) => t!(lang, "count-waived", n = n),
            (0, i) => t!(lang, "count-waived-items", i = i),
            (n, i) => t!(lang, "count-waived-plus-items", n = n, i = i),
        },
        t!(lang, "count-passed", n = c.pass),
    ];
    if c.info > 0 {
        parts.push(t!(lang, "count-info", n = c.info));
    }
    if c.offline > 0 {
        parts.push(t!(lang, "count-offline", n = c.offline));
    }
    parts.join(" · ")
}

/// `stage 3 sandbox`.
pub fn stage_name(number: u32, id: &str, lang: Lang) -> String {
    t!(lang, "stage-name", number = number, id = id)
}

/// The rule's title in `lang`: the pack's French title when there is one, else the English.
pub fn rule_title(r: &RuleResult, lang: Lang) -> &str {
    match (lang, &r.title_fr) {
        (Lang::Fr, Some(t)) if !t.is_empty() => t,
        _ => &r.title,
    }
}

/// Why evidence was missing, in words.
pub fn reason_label(reason: MissingReason, lang: Lang) -> String {
    if lang == Lang::En {
        return reason.as_str().to_string();
    }
    let id = match reason {
        MissingReason::NotConfigured => "reason-not-configured",
        MissingReason::NotFound => "reason-not-found",
        MissingReason::Unreadable => "reason-unreadable",
        MissingReason::Unreachable => "reason-unreachable",
        MissingReason::ParseError => "reason-parse-error",
        MissingReason::Stale => "reason-stale",
        MissingReason::Empty => "reason-empty",
        MissingReason::WrongKind => "reason-wrong-kind",
        MissingReason::Timeout => "reason-timeout",
        MissingReason::Offline => "reason-offline",
    };
    t!(lang, id)
}

/// The rule's message in `lang`. Evaluation writes it in English from fixed openings (`not met:
/// `, `not found: `...) followed by values and the evidence's own words; the openings are
/// translated, the rest (paths, criteria, a server's error) is kept as written.
pub fn rule_message(r: &RuleResult, lang: Lang) -> String {
    if lang == Lang::En || r.message.is_empty() {
        return r.message.clone();
    }
    if let Some(reason) = r.missing {
        let rest = causes::detail_of(r);
        if rest.len() != r.message.len() {
            return format!("{} : {rest}", reason_label(reason, lang));
        }
    }
    for (opening, id) in [
        ("not met: ", "message-not-met"),
        ("met, but short of the target: ", "message-short"),
        ("cannot judge ", "message-cannot-judge"),
    ] {
        if let Some(rest) = r.message.strip_prefix(opening) {
            return format!("{}{rest}", t!(lang, id));
        }
    }
    if let Some(rest) = r.message.strip_prefix("waived until ")
        && let Some((date, why)) = rest.split_once(": ")
    {
        return t!(lang, "message-waived-until", date = date, reason = why);
    }
    r.message.clone()
}

/// One applied waiver in words: `CPN-S3-03 (match `*`): 2 uses, until 2027-01-31 (60 days) —
/// reason [ticket] (gonogo.yaml:12)`.
pub fn waiver_line(w: &crate::eval::WaiverStatus, lang: Lang) -> String {
    let ww = &w.waiver;
    let scope = match &ww.pattern {
        Some(p) if p == "*" || p == "**" => {
            t!(lang, "waiver-scope-every-item", pattern = p.as_str())
        }
        Some(p) => t!(lang, "waiver-scope-match", pattern = p.as_str()),
        None => t!(lang, "waiver-scope-rule"),
    };
    let head = t!(
        lang,
        "waiver-head",
        rule = ww.rule.as_str(),
        scope = scope,
        usage = t!(
            lang,
            "waiver-uses-until",
            uses = w.uses,
            expires = ww.expires.to_string(),
            days = w.days_left
        )
    );
    format!(
        "{head} — {}{}{}",
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
pub fn outcome_label(rule: &RuleResult, lang: Lang) -> String {
    match &rule.outcome {
        Outcome::Inconclusive { reason, blocking } => t!(
            lang,
            if *blocking {
                "outcome-inconclusive-blocking"
            } else {
                "outcome-inconclusive-reason"
            },
            reason = reason_label(*reason, lang)
        ),
        o if lang == Lang::En => o.label().to_string(),
        o => t!(lang, &format!("outcome-{}", o.label().replace(' ', "-"))),
    }
}

/// A one-line account of a rule's outcome, for places with no room for the criteria table.
pub fn outcome_text(rule: &RuleResult, lang: Lang) -> String {
    let base = outcome_label(rule, lang);
    if rule.message.is_empty() {
        base
    } else {
        format!("{base}: {}", first_line(&rule_message(rule, lang), 300))
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
