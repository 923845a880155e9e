//! JUnit XML of the gate itself: one test case per rule, so test-report widgets (GitLab's
//! merge-request widget via `artifacts:reports:junit`, GitHub test reporters) list the failed rules
//! next to the failed tests.
//!
//! Mapping: fail → `<failure>`; blocking inconclusive → `<error>` (the gate could not decide);
//! waived and non-blocking inconclusive → `<skipped>`; pass, warn and info pass, with warnings in
//! `<system-out>`. Durations are 0: the gate's time is not a test's time, and output stays
//! byte-identical across runs.

use std::fmt::Write as _;

use super::{first_line, item_location, outcome_label, rule_message, rule_title};
use crate::eval::{Outcome, RuleResult, Verdict};
use crate::i18n::Lang;
use crate::t;

/// The suite in `lang`: test-case names and messages are for people; the `decision` property,
/// class names and the structure stay language-neutral.
pub fn render(v: &Verdict, lang: Lang) -> String {
    let failures = v
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .count();
    let errors = v
        .results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Inconclusive { blocking: true, .. }))
        .count();
    let skipped = v
        .results
        .iter()
        .filter(|r| {
            matches!(
                r.outcome,
                Outcome::Waived
                    | Outcome::Inconclusive {
                        blocking: false,
                        ..
                    }
            )
        })
        .count();
    let suite = format!("gonogo stage {} {}", v.stage.number, v.stage.id);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"gonogo\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"0\">",
        v.results.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"0\">",
        xml(&suite),
        v.results.len()
    );
    let _ = writeln!(out, "    <properties>");
    for (name, value) in [
        ("decision", v.decision.label().to_string()),
        ("pack", v.pack.clone()),
        ("environment", v.environment.as_str().to_string()),
        ("evaluated_on", v.evaluated_on.to_string()),
    ] {
        let _ = writeln!(
            out,
            "      <property name=\"{name}\" value=\"{}\"/>",
            xml(&value)
        );
    }
    let _ = writeln!(out, "    </properties>");
    let classname = format!("gonogo.{}.{}", v.pack, v.stage.id);
    for r in &v.results {
        case(&mut out, v, r, &classname, lang);
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn case(out: &mut String, v: &Verdict, r: &RuleResult, classname: &str, lang: Lang) {
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
        xml(classname),
        xml(&format!("{} {}", r.id, rule_title(r, lang)))
    );
    let body = body(v, r, lang);
    let message = rule_message(r, lang);
    match &r.outcome {
        Outcome::Fail => {
            let _ = writeln!(
                out,
                ">\n      <failure type=\"fail\" message=\"{}\">{}</failure>\n    </testcase>",
                xml(&first_line(&message, 300)),
                xml(&body)
            );
        }
        Outcome::Inconclusive { blocking, reason } => {
            let message = format!(
                "{}: {message}",
                t!(
                    lang,
                    "outcome-inconclusive-reason",
                    reason = super::reason_label(*reason, lang)
                )
            );
            if *blocking {
                let _ = writeln!(
                    out,
                    ">\n      <error type=\"inconclusive\" message=\"{}\">{}</error>\n    </testcase>",
                    xml(&first_line(&message, 300)),
                    xml(&body)
                );
            } else {
                let _ = writeln!(
                    out,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                    xml(&first_line(&message, 300))
                );
            }
        }
        Outcome::Waived => {
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                xml(&first_line(
                    &format!("{}: {message}", outcome_label(r, lang)),
                    300
                ))
            );
        }
        Outcome::Offline => {
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                xml(&first_line(
                    &format!("{}: {message}", outcome_label(r, lang)),
                    300
                ))
            );
        }
        Outcome::Warn | Outcome::Info => {
            let _ = writeln!(
                out,
                ">\n      <system-out>{}: {}</system-out>\n    </testcase>",
                outcome_label(r, lang),
                xml(&body)
            );
        }
        Outcome::Pass => out.push_str("/>\n"),
    }
}

fn body(v: &Verdict, r: &RuleResult, lang: Lang) -> String {
    let mut s = String::new();
    if !r.message.is_empty() {
        let _ = writeln!(s, "{}", rule_message(r, lang));
    }
    for c in &r.criteria {
        let measured = c
            .measured
            .as_ref()
            .map_or_else(|| "n/a".to_string(), ToString::to_string);
        let _ = writeln!(
            s,
            "{}{}: {} {measured}",
            c.criterion,
            if c.preferred {
                format!(" {}", t!(lang, "criterion-preferred"))
            } else {
                String::new()
            },
            t!(lang, "criterion-measured")
        );
    }
    let _ = writeln!(s, "{} {}", t!(lang, "human-evidence"), r.evidence);
    for item in &r.items {
        let loc = item_location(v, r, item)
            .map(|l| match l.line {
                Some(line) => format!(" ({}:{line})", l.path),
                None => format!(" ({})", l.path),
            })
            .unwrap_or_default();
        let _ = writeln!(s, "- {}{loc}", first_line(&item.text, 500));
    }
    let more = r.items_total.saturating_sub(r.items.len() as u64);
    if more > 0 {
        let _ = writeln!(s, "{}", t!(lang, "junit-more", n = more));
    }
    let _ = write!(s, "{} {}", t!(lang, "md-reference"), r.reference);
    s
}

/// Escapes text for XML attributes and content, dropping characters XML 1.0 cannot carry.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escaping_drops_invalid_characters() {
        assert_eq!(xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(xml("tab\there"), "tab\there");
    }
}
