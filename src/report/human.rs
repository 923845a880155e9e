//! The console report, for people: decision and counts first, then what needs attention
//! (failed, warned, inconclusive, waived), then what passed, one line each.
//!
//! It writes ANSI styles unconditionally; the caller's stream strips them when stdout is not a
//! terminal or `NO_COLOR` is set (anstream), so the report logic stays one code path.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::eval::{
    CriterionResult, Decision, Outcome, RuleResult, Verdict, WaiverState, WaiverStatus,
};
use crate::evidence::format_number;

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

pub fn render(v: &Verdict) -> String {
    let mut out = String::new();
    let project = v
        .project
        .as_deref()
        .map(|p| format!("{p} · "))
        .unwrap_or_default();
    let label = if v.offline {
        format!("{} · OFFLINE", v.decision.label())
    } else {
        v.decision.label().to_string()
    };
    let _ = writeln!(
        out,
        "{}  {project}stage {} {} ({}) · {}",
        paint(decision_style(v.decision), &label),
        v.stage.number,
        v.stage.id,
        v.pack,
        v.environment.as_str()
    );
    let _ = writeln!(out, "   {}", v.counts);
    for o in &v.overrides {
        let _ = writeln!(out, "   {} {o}", paint(YELLOW, "override:"));
    }

    let groups: [(&str, Style, Pick); 7] = [
        ("FAILED", RED, |o| *o == Outcome::Fail),
        ("INCONCLUSIVE", MAGENTA, |o| {
            matches!(o, Outcome::Inconclusive { .. })
        }),
        ("WARNED", YELLOW, |o| *o == Outcome::Warn),
        ("INFO", CYAN, |o| *o == Outcome::Info),
        ("WAIVED", DIM, |o| *o == Outcome::Waived),
        ("PASSED", GREEN, |o| *o == Outcome::Pass),
        ("NOT EVALUATED OFFLINE", DIM, |o| *o == Outcome::Offline),
    ];
    for (title, style, pick) in groups {
        let rules: Vec<&RuleResult> = v.results.iter().filter(|r| pick(&r.outcome)).collect();
        if rules.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", paint(style, title));
        for r in rules {
            rule(
                &mut out,
                v,
                r,
                matches!(title, "PASSED" | "NOT EVALUATED OFFLINE"),
            );
        }
    }

    let applied: Vec<&WaiverStatus> = v
        .waivers
        .iter()
        .filter(|w| w.state == WaiverState::Applied)
        .collect();
    if !applied.is_empty() {
        let _ = writeln!(out, "\n{}", paint(BOLD, "WAIVERS APPLIED"));
        for w in applied {
            let _ = writeln!(out, "  {}", crate::report::waiver_line(w));
            if let Some(r) = v.results.iter().find(|r| r.id == w.waiver.rule) {
                for key in r.waived_keys.iter().take(SHOWN_ITEMS) {
                    let _ = writeln!(out, "      - {}", truncate(key, 160));
                }
                if r.waived_items > SHOWN_ITEMS as u64 {
                    let _ = writeln!(
                        out,
                        "      … and {} more (see the JSON verdict)",
                        r.waived_items - SHOWN_ITEMS as u64
                    );
                }
            }
        }
    }

    if !v.notices.is_empty() {
        let _ = writeln!(out, "\n{}", paint(BOLD, "NOTICES"));
        for n in &v.notices {
            let _ = writeln!(out, "  - {n}");
        }
    }
    if let Some(next) = &v.next {
        let _ = writeln!(
            out,
            "\n{} (preview, does not affect this verdict)",
            paint(
                BOLD,
                &format!("TO REACH STAGE {} {}", next.stage.number, next.stage.id)
            )
        );
        if next.blockers.is_empty() {
            let _ = writeln!(
                out,
                "  nothing more: the evidence already meets stage {}'s rules",
                next.stage.number
            );
        }
        for r in &next.blockers {
            rule(&mut out, v, r, false);
        }
    }
    out
}

fn measured(c: &CriterionResult) -> String {
    match &c.measured {
        Some(crate::evidence::Value::Number(n)) => format_number(*n),
        Some(other) => other.to_string(),
        None => "n/a".into(),
    }
}

fn rule(out: &mut String, v: &Verdict, r: &RuleResult, compact: bool) {
    let level = paint(DIM, &format!("[{}]", r.level.as_str()));
    if compact {
        let values: Vec<String> = r
            .criteria
            .iter()
            .filter(|c| !c.preferred)
            .map(|c| format!("{} {}", c.metric, measured(c)))
            .collect();
        let _ = writeln!(
            out,
            "  {}  {}  {}",
            paint(BOLD, &r.id),
            r.title,
            paint(DIM, &values.join(", "))
        );
        return;
    }
    let _ = writeln!(out, "  {}  {} {level}", paint(BOLD, &r.id), r.title);
    if !r.message.is_empty() {
        let _ = writeln!(out, "      {}", r.message);
    }
    for c in &r.criteria {
        let mark = match c.ok {
            Some(true) => paint(GREEN, "ok"),
            Some(false) if c.preferred => paint(YELLOW, "short"),
            Some(false) => paint(RED, "not met"),
            None => paint(MAGENTA, "n/a"),
        };
        let pref = if c.preferred { " (preferred)" } else { "" };
        let _ = writeln!(
            out,
            "      {:<32} measured {:<10} {mark}",
            format!("{}{pref}", c.criterion),
            measured(c)
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
        paint(DIM, "evidence:"),
        r.evidence
    );
    for item in r.items.iter().take(SHOWN_ITEMS) {
        let loc = item
            .location
            .as_ref()
            .map(|l| match l.line {
                Some(line) => format!(" [{}:{line}]", l.path),
                None => format!(" [{}]", l.path),
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "      - {}{}",
            truncate(&item.text, 160),
            paint(DIM, &loc)
        );
    }
    let more = r
        .items_total
        .saturating_sub(SHOWN_ITEMS.min(r.items.len()) as u64);
    if more > 0 {
        let _ = writeln!(out, "      … and {more} more (see the JSON verdict)");
    }
    if r.waived_items > 0 {
        let _ = writeln!(out, "      {} item(s) waived", r.waived_items);
    }
    for n in r.notes.iter().take(3) {
        let _ = writeln!(out, "      {} {}", paint(DIM, "note:"), truncate(n, 200));
    }
    let own = if r.own_threshold {
        " (threshold: gonogo's own default, not the source's)"
    } else {
        ""
    };
    let _ = writeln!(out, "      {} {}{own}", paint(DIM, "source:"), r.reference);
}

fn truncate(s: &str, max: usize) -> String {
    let line = s.lines().next().unwrap_or("");
    if line.chars().count() > max {
        format!("{}…", line.chars().take(max).collect::<String>())
    } else {
        line.to_string()
    }
}
