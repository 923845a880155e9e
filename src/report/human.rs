//! The console report, for people: decision and counts first, then what needs attention
//! (failed, warned, inconclusive, waived), then what passed, one line each.
//!
//! Rules whose evidence is missing for one cause (the same source absent from gonogo.yaml, the
//! same paths matching nothing, the same endpoint down) are one block that names the cause once,
//! lists the rules and says the one thing to do; `-v` shows every rule in full instead. An
//! unconfigured project's first verdict is thus a short to-do list, not 50 repetitions.
//!
//! It writes ANSI styles unconditionally; the caller's stream strips them when stdout is not a
//! terminal or `NO_COLOR` is set (anstream), so the report logic stays one code path.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use super::{
    Options, causes, change, counts_line, decision_text, reason_label, rule_message, stage_name,
};
use crate::eval::{
    CriterionResult, Decision, Outcome, RuleResult, Verdict, WaiverState, WaiverStatus,
};
use crate::evidence::{MissingReason, format_number};
use crate::i18n::Lang;
use crate::t;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const MAGENTA: Style = AnsiColor::Magenta.on_default().bold();
const CYAN: Style = AnsiColor::Cyan.on_default();

/// Items shown per rule in the console; the JSON verdict keeps more.
const SHOWN_ITEMS: usize = 10;

/// Selects the outcomes of one report section.
type Pick = fn(&Outcome) -> bool;

fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

pub fn decision_style(d: Decision) -> Style {
    match d {
        Decision::Go => GREEN,
        Decision::GoWithWarnings => YELLOW,
        Decision::NoGo => RED,
        Decision::Inconclusive => MAGENTA,
    }
}

pub fn render(v: &Verdict, o: &Options) -> String {
    let lang = o.lang;
    let mut out = String::new();
    let project = v
        .project
        .as_deref()
        .map(|p| format!("{p} · "))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}  {project}{} ({}) · {}",
        paint(decision_style(v.decision), &decision_text(v, lang)),
        stage_name(v.stage.number, &v.stage.id, lang),
        v.pack,
        v.environment.as_str()
    );
    let _ = writeln!(out, "   {}", counts_line(&v.counts, lang));
    if let Some(line) = change::baseline_line(v, lang) {
        let style = if v.baseline.as_ref().is_some_and(|b| b.error.is_some()) {
            YELLOW
        } else {
            DIM
        };
        let _ = writeln!(out, "   {}", paint(style, &line));
    }
    for ov in &v.overrides {
        let _ = writeln!(
            out,
            "   {} {ov}",
            paint(YELLOW, &t!(lang, "human-override"))
        );
    }

    let groups: [(&str, Style, Pick); 7] = [
        ("section-failed", RED, |o| *o == Outcome::Fail),
        ("section-inconclusive", MAGENTA, |o| {
            matches!(o, Outcome::Inconclusive { .. })
        }),
        ("section-warned", YELLOW, |o| *o == Outcome::Warn),
        ("section-info", CYAN, |o| *o == Outcome::Info),
        ("section-waived", DIM, |o| *o == Outcome::Waived),
        ("section-passed", GREEN, |o| *o == Outcome::Pass),
        ("section-offline", DIM, |o| *o == Outcome::Offline),
    ];
    for (title, style, pick) in groups {
        let rules: Vec<&RuleResult> = v.results.iter().filter(|r| pick(&r.outcome)).collect();
        if rules.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", paint(style, &t!(lang, title)));
        let compact = matches!(title, "section-passed" | "section-offline");
        section(&mut out, v, &rules, compact, o);
    }

    let applied: Vec<&WaiverStatus> = v
        .waivers
        .iter()
        .filter(|w| w.state == WaiverState::Applied)
        .collect();
    if !applied.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint(BOLD, &t!(lang, "section-waivers-applied"))
        );
        for w in applied {
            let _ = writeln!(out, "  {}", crate::report::waiver_line(w, lang));
            if let Some(r) = v.results.iter().find(|r| r.id == w.waiver.rule) {
                for key in r.waived_keys.iter().take(SHOWN_ITEMS) {
                    let _ = writeln!(out, "      - {}", truncate(key, 160));
                }
                if r.waived_items > SHOWN_ITEMS as u64 {
                    let _ = writeln!(
                        out,
                        "      {}",
                        t!(
                            lang,
                            "human-more-items",
                            n = r.waived_items - SHOWN_ITEMS as u64
                        )
                    );
                }
            }
        }
    }

    if !v.notices.is_empty() {
        let _ = writeln!(out, "\n{}", paint(BOLD, &t!(lang, "section-notices")));
        for n in &v.notices {
            let _ = writeln!(out, "  - {n}");
        }
    }
    if let Some(next) = &v.next {
        let _ = writeln!(
            out,
            "\n{} {}",
            paint(
                BOLD,
                &t!(
                    lang,
                    "human-next-title",
                    number = next.stage.number,
                    id = next.stage.id.as_str()
                )
            ),
            t!(lang, "human-next-preview")
        );
        if next.blockers.is_empty() {
            let _ = writeln!(
                out,
                "  {}",
                t!(lang, "human-next-nothing", number = next.stage.number)
            );
        }
        let blockers: Vec<&RuleResult> = next.blockers.iter().collect();
        section(&mut out, v, &blockers, false, o);
    }
    if !o.verbose && out.contains(GROUP_MARK) {
        let _ = writeln!(out, "\n{}", paint(DIM, &t!(lang, "human-verbose-hint")));
    }
    out.replace(GROUP_MARK, "")
}

/// Marks a grouped block while rendering, so the hint about `-v` shows only when something was
/// grouped; removed before the text is returned.
const GROUP_MARK: &str = "\u{0}";

/// The rules of one section: one by one with `-v`; otherwise the rules that share a cause
/// (see [`causes`]) as one block that names it once.
fn section(out: &mut String, v: &Verdict, rules: &[&RuleResult], compact: bool, o: &Options) {
    let rules = &change::new_first(rules)[..];
    if o.verbose || compact {
        for r in rules {
            rule(out, v, r, compact, o);
        }
        return;
    }
    for g in causes::group(v, rules) {
        match &g.cause {
            Some(cause) => cause_block(out, v, cause, &g.rules, o.lang),
            None => {
                for r in g.rules {
                    rule(out, v, r, false, o);
                }
            }
        }
    }
}

/// One cause: what is missing, the rules it leaves unjudged, the one thing to do.
fn cause_block(
    out: &mut String,
    v: &Verdict,
    cause: &causes::Cause,
    rules: &[&RuleResult],
    lang: Lang,
) {
    let first = rules[0];
    let levels: Vec<&str> = {
        let mut l: Vec<&str> = rules.iter().map(|r| r.level.as_str()).collect();
        l.sort_unstable();
        l.dedup();
        l
    };
    let _ = writeln!(
        out,
        "  {GROUP_MARK}{}  {}",
        paint(BOLD, &cause_text(cause, first, lang)),
        paint(DIM, &format!("[{}]", levels.join(", ")))
    );
    if rules.len() == 1 {
        let _ = writeln!(
            out,
            "      {}  {}",
            first.id,
            crate::report::rule_title(first, lang)
        );
    } else {
        let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        let label = t!(lang, "cause-rule-count", n = rules.len());
        let mut line = format!("      {label} ");
        for (i, id) in ids.iter().enumerate() {
            let piece = if i + 1 < ids.len() {
                format!("{id}, ")
            } else {
                id.to_string()
            };
            if line.chars().count() + piece.len() > 100 {
                let _ = writeln!(out, "{}", line.trim_end());
                line = "        ".to_string();
            }
            line.push_str(&piece);
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = v;
    let _ = writeln!(
        out,
        "      {} {}",
        paint(CYAN, "→"),
        cause_action(cause, first, lang)
    );
}

fn paths_text(paths: &[String]) -> String {
    const SHOWN: usize = 4;
    if paths.len() <= SHOWN {
        paths.join(", ")
    } else {
        format!(
            "{}, … (+{})",
            paths[..SHOWN].join(", "),
            paths.len() - SHOWN
        )
    }
}

/// The cause in words (`source `tests` is not configured`).
fn cause_text(cause: &causes::Cause, r: &RuleResult, lang: Lang) -> String {
    use causes::Subject;
    let reason = r.missing.map(|m| reason_label(m, lang)).unwrap_or_default();
    let absent = r
        .missing
        .is_some_and(|m| causes::absent(m, causes::detail_of(r)));
    match (&cause.subject, r.missing) {
        (Subject::Report(s) | Subject::Endpoint(s), _) if absent => {
            t!(lang, "cause-not-configured", source = s.as_str())
        }
        (Subject::File(p), Some(MissingReason::NotFound)) => {
            t!(lang, "cause-file-missing", path = p.as_str())
        }
        (Subject::Paths(p), Some(MissingReason::NotFound)) => {
            t!(lang, "cause-paths-missing", paths = paths_text(p))
        }
        (Subject::Endpoint(s), Some(MissingReason::Unreachable | MissingReason::Timeout)) => t!(
            lang,
            "cause-endpoint",
            source = s.as_str(),
            reason = reason,
            detail = truncate(&cause.detail, 200)
        ),
        _ => format!("{reason}: {}", truncate(causes::detail_of(r), 200)),
    }
}

/// The one thing to do about a cause.
fn cause_action(cause: &causes::Cause, r: &RuleResult, lang: Lang) -> String {
    use causes::Subject;
    let source = match &cause.subject {
        Subject::Report(s) | Subject::Endpoint(s) => s.as_str(),
        _ => "",
    };
    let absent = r
        .missing
        .is_some_and(|m| causes::absent(m, causes::detail_of(r)));
    match (&cause.subject, r.missing) {
        (Subject::RunInput("baseline"), _) => t!(lang, "action-pass-baseline"),
        (Subject::RunInput(_), _) => t!(lang, "action-pass-diff"),
        (Subject::Report(s), _) if absent => {
            t!(lang, "action-add-report-source", source = s.as_str())
        }
        (Subject::Endpoint(s), _) if absent => {
            t!(lang, "action-add-endpoint-source", source = s.as_str())
        }
        (Subject::Report(_) | Subject::Endpoint(_), Some(MissingReason::NotConfigured)) => {
            t!(lang, "action-fix-source", source = source)
        }
        (Subject::File(p), Some(MissingReason::NotFound)) => {
            t!(lang, "action-create-file", path = p.as_str())
        }
        (Subject::Paths(_), Some(MissingReason::NotFound)) => t!(lang, "action-create-paths"),
        (_, Some(MissingReason::Unreachable | MissingReason::Timeout)) => {
            t!(lang, "action-reach-endpoint", source = source)
        }
        (_, Some(MissingReason::Stale)) => t!(lang, "action-refresh", source = source),
        (_, Some(MissingReason::ParseError | MissingReason::WrongKind)) => {
            t!(lang, "action-check-format")
        }
        (_, Some(MissingReason::Empty)) => t!(lang, "action-empty"),
        (Subject::Report(s), _) => t!(lang, "action-produce-report", source = s.as_str()),
        _ => t!(lang, "action-explain"),
    }
}

fn measured(c: &CriterionResult) -> String {
    match &c.measured {
        Some(crate::evidence::Value::Number(n)) => format_number(*n),
        Some(other) => other.to_string(),
        None => "n/a".into(),
    }
}

/// One rule. With `-v`, everything as recorded; otherwise the criteria that were not met (the
/// ones met say nothing a reader must act on) and no `not met: …` line repeating them.
fn rule(out: &mut String, v: &Verdict, r: &RuleResult, compact: bool, o: &Options) {
    let lang = o.lang;
    let level = paint(DIM, &format!("[{}]", r.level.as_str()));
    let title = crate::report::rule_title(r, lang);
    if compact {
        let values: Vec<String> = r
            .criteria
            .iter()
            .filter(|c| !c.preferred)
            .map(|c| format!("{} {}", c.metric, measured(c)))
            .collect();
        let moves = deltas_text(r, lang);
        let _ = writeln!(
            out,
            "  {}  {}  {}{}",
            paint(BOLD, &r.id),
            title,
            paint(DIM, &values.join(", ")),
            if moves.is_empty() {
                String::new()
            } else {
                format!("  {moves}")
            }
        );
        return;
    }
    let _ = writeln!(out, "  {}  {title} {level}", paint(BOLD, &r.id));
    let unmet = r.criteria.iter().any(|c| c.ok != Some(true));
    let repeats_criteria = r.message.starts_with("not met: ") && unmet;
    if !r.message.is_empty() && (o.verbose || !repeats_criteria) {
        let _ = writeln!(out, "      {}", rule_message(r, lang));
    }
    for c in r
        .criteria
        .iter()
        .filter(|c| o.verbose || !unmet || c.ok != Some(true))
    {
        let mark = match c.ok {
            Some(true) => paint(GREEN, &t!(lang, "criterion-ok")),
            Some(false) if c.preferred => paint(YELLOW, &t!(lang, "criterion-short")),
            Some(false) => paint(RED, &t!(lang, "criterion-not-met")),
            None => paint(MAGENTA, "n/a"),
        };
        let pref = if c.preferred {
            format!(" {}", t!(lang, "criterion-preferred"))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "      {:<32} {} {:<10} {mark}",
            format!("{}{pref}", c.criterion),
            t!(lang, "criterion-measured"),
            measured(c)
        );
    }
    let moves: Vec<String> = change::deltas(r).iter().map(|d| painted(d, lang)).collect();
    if let Some(line) = change::summary(r, lang, &moves) {
        let _ = writeln!(
            out,
            "      {} {line}",
            paint(DIM, &t!(lang, "change-deltas"))
        );
    }
    let inputs = v
        .sources
        .iter()
        .find(|s| s.need.to_string() == r.evidence)
        .map(|s| {
            s.inputs
                .iter()
                .map(|i| i.location.clone())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .filter(|s| !s.is_empty())
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "      {} {}{inputs}",
        paint(DIM, &t!(lang, "human-evidence")),
        r.evidence
    );
    for (item, new) in change::items_new_first(r).into_iter().take(SHOWN_ITEMS) {
        let loc = item
            .location
            .as_ref()
            .map(|l| match l.line {
                Some(line) => format!(" [{}:{line}]", l.path),
                None => format!(" [{}]", l.path),
            })
            .unwrap_or_default();
        let tag = if new {
            format!("{} ", paint(RED, &format!("[{}]", t!(lang, "change-new"))))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "      - {tag}{}{}",
            truncate(&item.text, 160),
            paint(DIM, &loc)
        );
    }
    let more = r
        .items_total
        .saturating_sub(SHOWN_ITEMS.min(r.items.len()) as u64);
    if more > 0 {
        let _ = writeln!(out, "      {}", t!(lang, "human-more-items", n = more));
    }
    if r.waived_items > 0 {
        let _ = writeln!(
            out,
            "      {}",
            t!(lang, "human-items-waived", n = r.waived_items)
        );
    }
    for n in r.notes.iter().take(3) {
        let _ = writeln!(
            out,
            "      {} {}",
            paint(DIM, &t!(lang, "human-note")),
            truncate(n, 200)
        );
    }
    let own = if r.own_threshold {
        format!(" ({})", t!(lang, "human-own-threshold"))
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "      {} {}{own}",
        paint(DIM, &t!(lang, "human-source")),
        r.reference
    );
}

/// A delta since the baseline, painted by whether it is better or worse.
fn painted(d: &change::Delta, lang: Lang) -> String {
    let style = match d.better {
        Some(true) => GREEN,
        Some(false) => RED,
        None => BOLD,
    };
    paint(style, &d.text(lang))
}

/// The rule's deltas since the baseline, for the one-line (passed) form.
fn deltas_text(r: &RuleResult, lang: Lang) -> String {
    change::deltas(r)
        .iter()
        .map(|d| painted(d, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

fn truncate(s: &str, max: usize) -> String {
    let line = s.lines().next().unwrap_or("");
    if line.chars().count() > max {
        format!("{}…", line.chars().take(max).collect::<String>())
    } else {
        line.to_string()
    }
}
