//! The Markdown summary: what a GitHub step summary, a check run, a pull-request comment and a
//! GitLab merge-request note show.
//!
//! It leads with the decision and a compact table of what needs attention (failed, warned,
//! inconclusive), then folds everything else into `<details>`, because reviewers read the top
//! and expand on demand. Text from evidence (test names, messages, paths) is untrusted: it is
//! escaped so it cannot break the table, inject links or HTML, or @-mention people.
//!
//! Hosts cap sizes (1 MiB for a step summary, 65,536 characters for a comment), so
//! [`render_within`] first shows fewer items per rule and, only if that is not enough, cuts at
//! a line boundary, closes the open `<details>` and says so.

use std::fmt::Write as _;

use super::{
    change, counts_line, decision_text, first_line, item_location, outcome_label, outcome_text,
    rule_message, rule_title, stage_name,
};
use crate::eval::{CriterionResult, Decision, Outcome, RuleResult, Verdict};
use crate::evidence::{Value, format_number};
use crate::i18n::Lang;
use crate::t;

/// Items listed per rule when there is room.
const ITEMS_PER_RULE: usize = 20;

pub fn render(v: &Verdict, lang: Lang) -> String {
    build(v, ITEMS_PER_RULE, lang)
}

/// The summary in at most `max_bytes` bytes (UTF-8), degraded gracefully. Publishers post it
/// in English (the forge's readers are not the terminal's).
pub fn render_within(v: &Verdict, max_bytes: usize) -> String {
    for items in [ITEMS_PER_RULE, 5, 0] {
        let text = build(v, items, Lang::En);
        if text.len() <= max_bytes {
            return text;
        }
    }
    truncate(&build(v, 0, Lang::En), max_bytes)
}

fn truncate(text: &str, max_bytes: usize) -> String {
    let note =
        "\n\n> **Truncated** to fit the host's size limit: the JSON verdict has everything.\n";
    let closers_room = 16 * "</details>\n".len();
    let budget = max_bytes.saturating_sub(note.len() + closers_room);
    let mut cut = budget.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let kept = match text[..cut].rfind('\n') {
        Some(i) => &text[..i + 1],
        None => "",
    };
    let mut out = kept.to_string();
    let open = kept.matches("<details>").count();
    let closed = kept.matches("</details>").count();
    for _ in closed..open.min(closed + 16) {
        out.push_str("\n</details>\n");
    }
    out.push_str(note);
    if out.len() > max_bytes {
        // Only when the budget is smaller than the note itself.
        let mut end = max_bytes;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

fn icon(o: &Outcome) -> &'static str {
    match o {
        Outcome::Pass => "✅",
        Outcome::Warn => "⚠️",
        Outcome::Fail => "❌",
        Outcome::Info => "ℹ️",
        Outcome::Waived => "🏳️",
        Outcome::Inconclusive { .. } => "❔",
        Outcome::Offline => "⏸️",
    }
}

fn decision_icon(d: Decision) -> &'static str {
    match d {
        Decision::Go => "✅",
        Decision::GoWithWarnings => "⚠️",
        Decision::NoGo => "❌",
        Decision::Inconclusive => "❔",
    }
}

fn needs_attention(o: &Outcome) -> bool {
    matches!(
        o,
        Outcome::Fail | Outcome::Warn | Outcome::Inconclusive { .. }
    )
}

/// Escapes untrusted text for a table cell or a list item: one line, no Markdown or HTML
/// syntax, no mentions.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("&#64;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `① opportunity ✓ → ② plan ✓ → **③ sandbox** → ④ production → ⑤ excellence`: the pack's
/// stages, the ones before the judged stage ticked, the judged one in bold. Empty when the
/// verdict does not list the pack's stages (verdicts written before it did).
pub fn stage_path(v: &Verdict) -> String {
    const CIRCLED: [&str; 20] = [
        "①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨", "⑩", "⑪", "⑫", "⑬", "⑭", "⑮", "⑯", "⑰", "⑱",
        "⑲", "⑳",
    ];
    let steps: Vec<String> = v
        .stages
        .iter()
        .map(|s| {
            let n = usize::try_from(s.number)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| CIRCLED.get(i))
                .map_or_else(|| format!("({})", s.number), |c| (*c).to_string());
            let name = format!("{n} {}", escape(&s.id));
            match s.number.cmp(&v.stage.number) {
                std::cmp::Ordering::Less => format!("{name} ✓"),
                std::cmp::Ordering::Equal => format!("**{name}**"),
                std::cmp::Ordering::Greater => name,
            }
        })
        .collect();
    steps.join(" → ")
}

/// Numeric values measured by live checks (metrics, endpoints), as one Mermaid bar chart of
/// measured value per rule and metric. The verdict keeps each rule's judged value and the
/// sampling summary, not every sample, so that is what is charted. Empty when there is none.
pub fn metrics_chart(v: &Verdict, lang: Lang) -> String {
    let points = super::html::metric_points(v);
    if points.is_empty() {
        return String::new();
    }
    let labels: Vec<String> = points
        .iter()
        .map(|p| format!("\"{} {}\"", p.rule, p.metric).replace(['[', ']'], ""))
        .collect();
    let values: Vec<String> = points.iter().map(|p| format_number(p.value)).collect();
    let max = points.iter().map(|p| p.value).fold(0.0_f64, f64::max);
    let min = points.iter().map(|p| p.value).fold(0.0_f64, f64::min);
    format!(
        "```mermaid\nxychart-beta\n    title \"{}\"\n    x-axis [{}]\n    y-axis {} --> {}\n    bar [{}]\n```\n",
        t!(lang, "metrics-title").replace('"', "'"),
        labels.join(", "),
        format_number(min * 1.1),
        format_number(if max > 0.0 { max * 1.1 } else { 1.0 }),
        values.join(", ")
    )
}

fn measured(c: &CriterionResult) -> String {
    match &c.measured {
        Some(Value::Number(n)) => format_number(*n),
        Some(other) => escape(&other.to_string()),
        None => "n/a".into(),
    }
}

/// The criteria that explain the outcome: those not met, else all.
fn telling(r: &RuleResult) -> Vec<&CriterionResult> {
    let unmet: Vec<&CriterionResult> = r.criteria.iter().filter(|c| c.ok != Some(true)).collect();
    if unmet.is_empty() {
        r.criteria.iter().filter(|c| !c.preferred).collect()
    } else {
        unmet
    }
}

/// The rule's deltas since the baseline, escaped, worse ones in bold.
fn deltas(r: &RuleResult, lang: Lang) -> Vec<String> {
    change::deltas(r)
        .iter()
        .map(|d| {
            let text = escape(&d.text(lang));
            if d.better == Some(false) {
                format!("**{text}**")
            } else {
                text
            }
        })
        .collect()
}

fn build(v: &Verdict, items_per_rule: usize, lang: Lang) -> String {
    let mut out = String::new();
    let project = v
        .project
        .as_deref()
        .map(|p| format!("{} · ", escape(p)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "## {} {} — {project}{} ({}, {})\n",
        decision_icon(v.decision),
        decision_text(v, lang),
        stage_name(v.stage.number, &escape(&v.stage.id), lang),
        escape(&v.pack),
        v.environment.as_str()
    );
    let _ = writeln!(out, "{}\n", counts_line(&v.counts, lang));
    if let Some(line) = change::baseline_line(v, lang) {
        let mark = if v.baseline.as_ref().is_some_and(|b| b.error.is_some()) {
            "⚠️ "
        } else {
            ""
        };
        let _ = writeln!(out, "{mark}{}\n", escape(&line));
    }
    let path = stage_path(v);
    if !path.is_empty() {
        let _ = writeln!(out, "{path}\n");
    }
    for o in &v.overrides {
        let _ = writeln!(
            out,
            "> **{}** {}  ",
            t!(lang, "md-override"),
            escape(&o.to_string())
        );
    }
    if !v.overrides.is_empty() {
        out.push('\n');
    }
    let applied: Vec<&crate::eval::WaiverStatus> = v
        .waivers
        .iter()
        .filter(|w| w.state == crate::eval::WaiverState::Applied)
        .collect();
    if !applied.is_empty() {
        let _ = writeln!(out, "**{}**\n", t!(lang, "md-waivers-applied"));
        for w in applied {
            let _ = write!(out, "- {}", escape(&crate::report::waiver_line(w, lang)));
            let keys = v
                .results
                .iter()
                .find(|r| r.id == w.waiver.rule)
                .map(|r| &r.waived_keys[..r.waived_keys.len().min(items_per_rule)])
                .unwrap_or_default();
            if !keys.is_empty() {
                let shown: Vec<String> = keys.iter().map(|k| format!("`{}`", escape(k))).collect();
                let _ = write!(out, ": {}", shown.join(", "));
            }
            out.push('\n');
        }
        out.push('\n');
    }

    let attention: Vec<&RuleResult> = change::new_first(
        &v.results
            .iter()
            .filter(|r| needs_attention(&r.outcome))
            .collect::<Vec<_>>(),
    );
    if attention.is_empty() {
        let _ = writeln!(out, "{}\n", t!(lang, "md-all-met"));
    } else {
        let _ = writeln!(
            out,
            "| | {} | {} | {} | {} |\n|---|---|---|---|---|",
            t!(lang, "md-col-rule"),
            t!(lang, "md-col-outcome"),
            t!(lang, "md-col-measured"),
            t!(lang, "md-col-expected")
        );
        for r in &attention {
            let crit = telling(r);
            let mut measured: Vec<String> = crit
                .iter()
                .map(|c| format!("{} {}", escape(&c.metric), measured(c)))
                .collect();
            measured.extend(deltas(r, lang));
            let expected: Vec<String> = crit
                .iter()
                .map(|c| {
                    format!(
                        "{}{}",
                        escape(&c.criterion),
                        if c.preferred {
                            format!(" {}", t!(lang, "criterion-preferred"))
                        } else {
                            String::new()
                        }
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "| {} | **{}** {} | {} | {} | {} |",
                icon(&r.outcome),
                escape(&r.id),
                escape(rule_title(r, lang)),
                escape(&outcome_label(r, lang)),
                if measured.is_empty() {
                    "—".to_string()
                } else {
                    measured.join(", ")
                },
                if expected.is_empty() {
                    "—".to_string()
                } else {
                    expected.join(", ")
                }
            );
        }
        out.push('\n');
        for r in &attention {
            details(&mut out, v, r, items_per_rule, lang);
        }
    }

    let rest: Vec<&RuleResult> = v
        .results
        .iter()
        .filter(|r| !needs_attention(&r.outcome))
        .collect();
    if !rest.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>{}</summary>\n",
            t!(lang, "md-rest-summary", n = rest.len())
        );
        let _ = writeln!(
            out,
            "| | {} | {} | {} |\n|---|---|---|---|",
            t!(lang, "md-col-rule"),
            t!(lang, "md-col-outcome"),
            t!(lang, "md-col-measured")
        );
        for r in rest {
            let mut values: Vec<String> = r
                .criteria
                .iter()
                .filter(|c| !c.preferred)
                .map(|c| format!("{} {}", escape(&c.metric), measured(c)))
                .collect();
            values.extend(deltas(r, lang));
            let _ = writeln!(
                out,
                "| {} | **{}** {} | {} | {} |",
                icon(&r.outcome),
                escape(&r.id),
                escape(rule_title(r, lang)),
                outcome_label(r, lang),
                if values.is_empty() {
                    "—".to_string()
                } else {
                    values.join(", ")
                }
            );
        }
        out.push_str("\n</details>\n\n");
    }

    let waivers: Vec<String> = v
        .waivers
        .iter()
        .filter(|w| w.expiring_soon || w.state != crate::eval::waivers::WaiverState::Applied)
        .map(|w| {
            format!(
                "- {}: {}",
                t!(
                    lang,
                    match w.state {
                        crate::eval::waivers::WaiverState::Applied => "md-waiver-expiring",
                        crate::eval::waivers::WaiverState::Unused => "md-waiver-unused",
                        crate::eval::waivers::WaiverState::Expired => "md-waiver-expired",
                    },
                    rule = format!("**{}**", escape(&w.waiver.rule)),
                    expires = w.waiver.expires.to_string()
                ),
                escape(&first_line(&w.waiver.reason, 200))
            )
        })
        .collect();
    if !v.notices.is_empty() || !waivers.is_empty() {
        let _ = writeln!(out, "**{}**\n", t!(lang, "md-notices"));
        for n in &v.notices {
            let _ = writeln!(out, "- {}", escape(&first_line(n, 300)));
        }
        for w in waivers {
            let _ = writeln!(out, "{w}");
        }
        out.push('\n');
    }

    if let Some(next) = &v.next {
        let _ = writeln!(
            out,
            "<details><summary>{}</summary>\n",
            t!(
                lang,
                "md-next-summary",
                number = next.stage.number,
                id = escape(&next.stage.id),
                n = next.blockers.len()
            )
        );
        for r in &next.blockers {
            let _ = writeln!(
                out,
                "- {} **{}** {}: {}",
                icon(&r.outcome),
                escape(&r.id),
                escape(rule_title(r, lang)),
                escape(&outcome_text(r, lang))
            );
        }
        out.push_str("\n</details>\n\n");
    }

    let chart = metrics_chart(v, lang);
    if !chart.is_empty() {
        let _ = writeln!(out, "{chart}");
    }

    let tool = match super::project_link() {
        Some(url) => format!("[{}]({url})", escape(&v.tool)),
        None => escape(&v.tool),
    };
    let _ = writeln!(
        out,
        "<sub>{}</sub>",
        t!(
            lang,
            "md-footer",
            tool = tool,
            date = v.evaluated_on.to_string()
        )
    );
    out
}

fn details(out: &mut String, v: &Verdict, r: &RuleResult, items_per_rule: usize, lang: Lang) {
    let _ = writeln!(
        out,
        "<details><summary>{} {}: {}</summary>\n",
        icon(&r.outcome),
        escape(&r.id),
        escape(rule_title(r, lang))
    );
    if !r.message.is_empty() {
        let _ = writeln!(
            out,
            "{}\n",
            escape(&first_line(&rule_message(r, lang), 500))
        );
    }
    for c in &r.criteria {
        let mark = t!(
            lang,
            match c.ok {
                Some(true) => "md-met",
                Some(false) if c.preferred => "md-short",
                Some(false) => "criterion-not-met",
                None => "md-not-measured",
            }
        );
        let _ = writeln!(
            out,
            "- `{}`{}: {} {} — {mark}",
            c.criterion.replace('`', "'"),
            if c.preferred {
                format!(" {}", t!(lang, "criterion-preferred"))
            } else {
                String::new()
            },
            t!(lang, "criterion-measured"),
            measured(c)
        );
    }
    if let Some(line) = change::summary(r, lang, &deltas(r, lang)) {
        let _ = writeln!(out, "- {} {line}", t!(lang, "change-deltas"));
    }
    let _ = writeln!(
        out,
        "- {} {}",
        t!(lang, "human-evidence"),
        escape(&r.evidence)
    );
    let _ = writeln!(
        out,
        "- {} {}",
        t!(lang, "md-reference"),
        escape(&r.reference)
    );
    if !r.items.is_empty() && items_per_rule > 0 {
        out.push('\n');
        for (item, new) in change::items_new_first(r).into_iter().take(items_per_rule) {
            let loc = item_location(v, r, item)
                .map(|l| match l.line {
                    Some(line) => format!(" ({}:{line})", escape(&l.path)),
                    None => format!(" ({})", escape(&l.path)),
                })
                .unwrap_or_default();
            let tag = if new {
                format!("🆕 **{}** ", t!(lang, "change-new"))
            } else {
                String::new()
            };
            let _ = writeln!(out, "- {tag}{}{loc}", escape(&first_line(&item.text, 300)));
        }
    }
    let shown = items_per_rule.min(r.items.len()) as u64;
    let more = r.items_total.saturating_sub(shown);
    if more > 0 {
        let _ = writeln!(out, "- {}", t!(lang, "human-more-items", n = more));
    }
    if r.waived_items > 0 {
        let _ = writeln!(
            out,
            "- {}",
            t!(lang, "human-items-waived", n = r.waived_items)
        );
    }
    out.push_str("\n</details>\n\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_markdown_html_and_mentions() {
        let e = escape("a|b\n<img src=x>[link](http://x) @team `code` *b*");
        assert!(!e.contains('\n'));
        assert!(!e.contains("<img"));
        assert!(!e.contains('@'));
        assert!(e.contains("a\\|b"));
        assert!(e.contains("\\[link\\]"));
    }

    #[test]
    fn truncation_closes_details_and_respects_the_budget() {
        let text = "## head\n\n<details><summary>x</summary>\n\n".to_string()
            + &"- a line of text that repeats\n".repeat(1000)
            + "</details>\n";
        let cut = truncate(&text, 4000);
        assert!(cut.len() <= 4000, "{}", cut.len());
        assert_eq!(
            cut.matches("<details>").count(),
            cut.matches("</details>").count()
        );
        assert!(cut.contains("Truncated"));
        let tiny = truncate(&text, 10);
        assert!(tiny.len() <= 10);
    }
}
