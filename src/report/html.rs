//! One self-contained HTML page of a verdict: where the project stands on its path, its rules by
//! stage and area, the values measured by live checks, and the evidence with digests and times.
//! A page to attach to a merge request (`artifacts: expose_as`) or an accreditation file.
//!
//! Self-contained means no network and no external assets: styles and the one small script are
//! inline, charts are inline SVG, and a Content-Security-Policy with `default-src 'none'` (the
//! script and the style allowed by their sha256 only) makes a stray reference fail loudly
//! instead of leaking a request. The script only records, into the page itself
//! (`<body data-errors="N">`, `<ol id="page-errors">`), any script error or CSP violation, so a
//! headless browser's `--dump-dom` can tell a page that rendered cleanly (CI does).
//!
//! The verdict keeps each rule's judged value and a sampling summary (how many samples, how many
//! met), not every sample, so the charts show the judged values against their thresholds, and
//! the sampling summary beneath.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::{counts_line, decision_label, first_line, outcome_label, rule_message, rule_title};
use crate::eval::{Decision, Outcome, RuleResult, Verdict};
use crate::evidence::{Value, format_number};
use crate::i18n::Lang;
use crate::model::Stage;
use crate::t;

const STYLE: &str = r#"
:root { --go: #1a7f37; --warn: #9a6700; --fail: #cf222e; --inc: #8250df; --dim: #656d76; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 0; color: #1f2328; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 6px; color: #fff; font-weight: 700; }
.d-go { background: var(--go); } .d-go_with_warnings { background: var(--warn); }
.d-no_go { background: var(--fail); } .d-inconclusive { background: var(--inc); }
.sub { color: var(--dim); }
ol.path { display: flex; list-style: none; padding: 0; margin: 12px 0; gap: 6px; flex-wrap: wrap; }
ol.path li { flex: 1 1 150px; border: 2px solid var(--line); border-radius: 8px; padding: 8px 10px; position: relative; }
ol.path li.done { border-color: var(--go); }
ol.path li.current { border-color: #0969da; background: #ddf4ff; }
ol.path .n { font-weight: 700; } ol.path .t { display: block; color: var(--dim); font-size: 13px; }
ol.path .state { display: block; font-size: 13px; margin-top: 4px; }
ol.path meter { width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.cell { min-width: 90px; }
.chip { display: inline-block; margin: 1px; padding: 0 4px; border-radius: 4px; font: 12px/18px ui-monospace, "DejaVu Sans Mono", monospace; color: #fff; }
.o-pass { background: var(--go); } .o-warn { background: var(--warn); } .o-fail { background: var(--fail); }
.o-inconclusive { background: var(--inc); } .o-waived, .o-info, .o-offline { background: var(--dim); }
.legend .chip { margin-right: 8px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 8px; width: 250px; }
figcaption { font-size: 12px; color: var(--dim); }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; word-break: break-all; }
ul.att li { margin-bottom: 4px; }
#page-errors:empty { display: none; }
.better { color: var(--go); font-weight: 600; } .worse { color: var(--fail); font-weight: 600; }
.new { color: #fff; background: var(--fail); border-radius: 4px; padding: 0 4px; font-size: 12px; }
p.baseline.unusable { color: var(--warn); }
"#;

const SCRIPT: &str = r#"(function () {
  var n = 0;
  function note(text) {
    n += 1;
    document.body.setAttribute("data-errors", String(n));
    var li = document.createElement("li");
    li.textContent = text;
    document.getElementById("page-errors").appendChild(li);
  }
  window.addEventListener("error", function (e) { note("error: " + (e.message || e.type)); }, true);
  document.addEventListener("securitypolicyviolation", function (e) { note("blocked: " + e.blockedURI + " (" + e.violatedDirective + ")"); });
  window.addEventListener("load", function () { document.body.setAttribute("data-ready", "1"); });
})();"#;

/// A value a live check measured, with the threshold it was judged against.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricPoint {
    pub rule: String,
    pub metric: String,
    pub value: f64,
    /// `(operator, number)` of the criterion, when it compares with a number.
    pub threshold: Option<(String, f64)>,
    pub ok: Option<bool>,
    /// The sampling summary, when the value came from sampling.
    pub sampling: Option<String>,
}

/// The check kinds that read live systems and measure numbers worth a chart.
const CHARTED_KINDS: &[&str] = &[
    "metric",
    "alerts",
    "http-json",
    "http-health",
    "sonar-measures",
];

/// Every numeric value measured by a live check, in verdict order.
pub fn metric_points(v: &Verdict) -> Vec<MetricPoint> {
    let mut out = Vec::new();
    for r in v
        .results
        .iter()
        .filter(|r| CHARTED_KINDS.contains(&r.check.as_str()))
    {
        let sampling = r
            .notes
            .iter()
            .find(|n| n.starts_with("sampled ") || n.starts_with("sampling "))
            .cloned();
        for c in r.criteria.iter().filter(|c| !c.preferred) {
            if let Some(Value::Number(n)) = c.measured
                && n.is_finite()
            {
                out.push(MetricPoint {
                    rule: r.id.clone(),
                    metric: c.metric.clone(),
                    value: n,
                    threshold: threshold(&c.criterion),
                    ok: c.ok,
                    sampling: sampling.clone(),
                });
            }
        }
    }
    out
}

/// `value < 0.01` → `("<", 0.01)`.
fn threshold(criterion: &str) -> Option<(String, f64)> {
    let mut parts = criterion.split_whitespace().rev();
    let number: f64 = parts.next()?.parse().ok()?;
    let op = parts.next()?;
    matches!(op, "<" | "<=" | ">" | ">=" | "==" | "!=").then(|| (op.to_string(), number))
}

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn csp_hash(text: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(text.as_bytes())))
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn outcome_class(o: &Outcome) -> &'static str {
    match o {
        Outcome::Pass => "o-pass",
        Outcome::Warn => "o-warn",
        Outcome::Fail => "o-fail",
        Outcome::Info => "o-info",
        Outcome::Waived => "o-waived",
        Outcome::Inconclusive { .. } => "o-inconclusive",
        Outcome::Offline => "o-offline",
    }
}

fn decision_class(d: Decision) -> &'static str {
    match d {
        Decision::Go => "d-go",
        Decision::GoWithWarnings => "d-go_with_warnings",
        Decision::NoGo => "d-no_go",
        Decision::Inconclusive => "d-inconclusive",
    }
}

/// The area a rule's check belongs to, for the grid's columns.
fn area(check: &str) -> &'static str {
    match check {
        "file-exists" | "file-contains" | "yaml-fields" | "markdown-sections" => "area-documents",
        "tests" | "coverage" | "quality-gate" | "sonar-measures" => "area-quality",
        "findings" | "harbor-scan" | "dockerfile" => "area-security",
        "manifests" => "area-kubernetes",
        "pipeline" | "check-run" | "argocd-app" => "area-delivery",
        "metric" | "alerts" | "http-json" | "http-health" => "area-runtime",
        _ => "area-other",
    }
}

const AREAS: &[&str] = &[
    "area-documents",
    "area-quality",
    "area-security",
    "area-kubernetes",
    "area-delivery",
    "area-runtime",
    "area-other",
];

pub fn render(v: &Verdict, lang: Lang) -> String {
    let mut out = String::new();
    let title = format!(
        "{} · {}{}",
        decision_label(v.decision, lang),
        v.project
            .as_deref()
            .map(|p| format!("{p} · "))
            .unwrap_or_default(),
        super::stage_name(v.stage.number, &v.stage.id, lang)
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {}; script-src {}; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>gonogo — {}</title>\n<style>{STYLE}</style>\n<script>{SCRIPT}</script>\n</head>\n",
        lang.code(),
        csp_hash(STYLE),
        csp_hash(SCRIPT),
        esc(&title)
    );
    out.push_str("<body data-errors=\"0\">\n<main>\n<ol id=\"page-errors\"></ol>\n");

    // The decision.
    let _ = writeln!(
        out,
        "<h1><span class=\"badge {}\">{}</span> {}</h1>",
        decision_class(v.decision),
        esc(&super::decision_text(v, lang)),
        esc(&format!(
            "{}{} ({}, {})",
            v.project
                .as_deref()
                .map(|p| format!("{p} · "))
                .unwrap_or_default(),
            super::stage_name(v.stage.number, &v.stage.id, lang),
            v.pack,
            v.environment.as_str()
        ))
    );
    let _ = writeln!(
        out,
        "<p>{}</p>\n<p class=\"sub\">{}</p>",
        esc(&counts_line(&v.counts, lang)),
        esc(&t!(
            lang,
            "md-footer",
            tool = v.tool.as_str(),
            date = v.evaluated_on.to_string()
        ))
    );

    if let Some(line) = super::change::baseline_line(v, lang) {
        let unusable = v.baseline.as_ref().is_some_and(|b| b.error.is_some());
        let _ = writeln!(
            out,
            "<p class=\"sub baseline{}\">{}</p>",
            if unusable { " unusable" } else { "" },
            esc(&line)
        );
    }

    path(&mut out, v, lang);
    grid(&mut out, v, lang);
    attention(&mut out, v, lang);
    charts(&mut out, v, lang);
    evidence(&mut out, v, lang);

    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The stages as a path: done, current, and how much of the next one is met.
fn path(out: &mut String, v: &Verdict, lang: Lang) {
    let _ = writeln!(out, "<h2>{}</h2>", esc(&t!(lang, "html-path")));
    let stages: Vec<Stage> = if v.stages.is_empty() {
        vec![v.stage.clone()]
    } else {
        v.stages.clone()
    };
    out.push_str("<ol class=\"path\">\n");
    for s in &stages {
        let class = match s.number.cmp(&v.stage.number) {
            std::cmp::Ordering::Less => "done",
            std::cmp::Ordering::Equal => "current",
            std::cmp::Ordering::Greater => "later",
        };
        let state = match class {
            "done" => t!(lang, "html-stage-done"),
            "current" => t!(
                lang,
                "html-stage-current",
                decision = decision_label(v.decision, lang)
            ),
            _ => match &v.next {
                Some(next) if next.stage.number == s.number && next.rules > 0 => {
                    t!(lang, "html-stage-next", met = next.met, rules = next.rules)
                }
                _ => String::new(),
            },
        };
        let meter = match &v.next {
            Some(next) if next.stage.number == s.number && next.rules > 0 => format!(
                "<meter min=\"0\" max=\"{}\" value=\"{}\"></meter>",
                next.rules, next.met
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "<li class=\"{class}\"><span class=\"n\">{} {}</span><span class=\"t\">{}</span><span class=\"state\">{}</span>{meter}</li>",
            s.number,
            esc(&s.id),
            esc(&s.title),
            esc(&state)
        );
    }
    out.push_str("</ol>\n");
    if v.next.is_none() && stages.iter().any(|s| s.number > v.stage.number) {
        let _ = writeln!(
            out,
            "<p class=\"sub\">{}</p>",
            esc(&t!(lang, "html-next-hint"))
        );
    }
}

/// Rules as a grid: a row per stage (the rule's `since`), a column per area.
fn grid(out: &mut String, v: &Verdict, lang: Lang) {
    let _ = writeln!(out, "<h2>{}</h2>", esc(&t!(lang, "html-grid")));
    let areas: Vec<&str> = AREAS
        .iter()
        .copied()
        .filter(|a| v.results.iter().any(|r| area(&r.check) == *a))
        .collect();
    let mut rows: Vec<u32> = v
        .results
        .iter()
        .map(|r| r.since.unwrap_or(v.stage.number))
        .collect();
    rows.sort_unstable();
    rows.dedup();
    out.push_str("<table class=\"grid\">\n<tr><th></th>");
    for a in &areas {
        let _ = write!(out, "<th>{}</th>", esc(&t!(lang, a)));
    }
    out.push_str("</tr>\n");
    for n in rows {
        let label = v
            .stages
            .iter()
            .find(|s| s.number == n)
            .map_or_else(|| n.to_string(), |s| format!("{n} {}", s.id));
        let _ = write!(out, "<tr><th>{}</th>", esc(&label));
        for a in &areas {
            out.push_str("<td class=\"cell\">");
            for r in v
                .results
                .iter()
                .filter(|r| r.since.unwrap_or(v.stage.number) == n && area(&r.check) == *a)
            {
                let _ = write!(
                    out,
                    "<span class=\"chip {}\" title=\"{}\">{}</span>",
                    outcome_class(&r.outcome),
                    esc(&{
                        let message = first_line(&rule_message(r, lang), 200);
                        let head = format!("{} — {}", rule_title(r, lang), outcome_label(r, lang));
                        if message.is_empty() {
                            head
                        } else {
                            format!("{head}: {message}")
                        }
                    }),
                    esc(&r.id)
                );
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n<p class=\"legend\">");
    for (class, id) in [
        ("o-pass", "outcome-pass"),
        ("o-warn", "outcome-warn"),
        ("o-fail", "outcome-fail"),
        ("o-inconclusive", "html-inconclusive"),
        ("o-waived", "html-other"),
    ] {
        let _ = write!(
            out,
            "<span class=\"chip {class}\">{}</span>",
            esc(&t!(lang, id))
        );
    }
    out.push_str("</p>\n");
}

/// The rules that need attention, one line each.
fn attention(out: &mut String, v: &Verdict, lang: Lang) {
    let rules: Vec<&RuleResult> = super::change::new_first(
        &v.results
            .iter()
            .filter(|r| {
                matches!(
                    r.outcome,
                    Outcome::Fail | Outcome::Warn | Outcome::Inconclusive { .. }
                )
            })
            .collect::<Vec<_>>(),
    );
    if rules.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h2>{}</h2>\n<ul class=\"att\">",
        esc(&t!(lang, "html-attention"))
    );
    for r in rules {
        // The label already says why evidence was missing; the message then only adds the detail.
        let message = if r.missing.is_some() {
            super::causes::detail_of(r).to_string()
        } else {
            rule_message(r, lang)
        };
        let _ = write!(
            out,
            "<li><span class=\"chip {}\">{}</span> {} — <span class=\"sub\">{}: {}</span>",
            outcome_class(&r.outcome),
            esc(&r.id),
            esc(rule_title(r, lang)),
            esc(&outcome_label(r, lang)),
            esc(&first_line(&message, 300))
        );
        change(out, r, lang);
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
}

/// A rule's change since the baseline: its deltas, marked better or worse, and its new items.
fn change(out: &mut String, r: &RuleResult, lang: Lang) {
    let deltas: Vec<String> = super::change::deltas(r)
        .iter()
        .map(|d| {
            let class = match d.better {
                Some(true) => "delta better",
                Some(false) => "delta worse",
                None => "delta",
            };
            format!("<span class=\"{class}\">{}</span>", esc(&d.text(lang)))
        })
        .collect();
    // The items part is plain text from Fluent: escaped by itself, the deltas are markup.
    let items = super::change::items_line(r, lang).map(|l| esc(&l));
    let mut line = deltas.join(", ");
    if let Some(items) = items {
        if !line.is_empty() {
            line.push_str("; ");
        }
        line.push_str(&items);
    }
    if !line.is_empty() {
        let _ = write!(
            out,
            "<br><span class=\"sub\">{}</span> {line}",
            esc(&t!(lang, "change-deltas"))
        );
    }
    let new: Vec<_> = super::change::items_new_first(r)
        .into_iter()
        .filter(|(_, new)| *new)
        .take(10)
        .collect();
    if !new.is_empty() {
        out.push_str("<ul class=\"new-items\">");
        for (item, _) in new {
            let _ = write!(
                out,
                "<li><span class=\"new\">{}</span> {}</li>",
                esc(&t!(lang, "change-new")),
                esc(&first_line(&item.text, 300))
            );
        }
        out.push_str("</ul>");
    }
}

/// A small bar chart per measured value: the value against its threshold.
fn charts(out: &mut String, v: &Verdict, lang: Lang) {
    let points = metric_points(v);
    let _ = writeln!(out, "<h2>{}</h2>", esc(&t!(lang, "metrics-title")));
    if points.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"sub\">{}</p>",
            esc(&t!(lang, "html-no-metrics"))
        );
        return;
    }
    let _ = writeln!(
        out,
        "<p class=\"sub\">{}</p>",
        esc(&t!(lang, "html-metrics-note"))
    );
    out.push_str("<div class=\"charts\">\n");
    for p in &points {
        out.push_str("<figure>");
        out.push_str(&bar_svg(p));
        let _ = write!(
            out,
            "<figcaption><b>{}</b> {} = {}{}",
            esc(&p.rule),
            esc(&p.metric),
            esc(&format_number(p.value)),
            p.threshold
                .as_ref()
                .map(|(op, n)| format!(
                    " ({} {op} {})",
                    t!(lang, "html-expected"),
                    format_number(*n)
                ))
                .map(|s| esc(&s))
                .unwrap_or_default()
        );
        if let Some(s) = &p.sampling {
            let _ = write!(out, "<br>{}", esc(&first_line(s, 200)));
        }
        out.push_str("</figcaption></figure>\n");
    }
    out.push_str("</div>\n");
}

/// An inline SVG: a bar for the value, a line at the threshold, on a scale that shows both.
fn bar_svg(p: &MetricPoint) -> String {
    const W: f64 = 230.0;
    const H: f64 = 36.0;
    let limit = p.threshold.as_ref().map(|(_, n)| *n);
    let top = p
        .value
        .abs()
        .max(limit.unwrap_or(0.0).abs())
        .max(f64::MIN_POSITIVE)
        * 1.15;
    let x = |n: f64| (n.abs() / top * W).clamp(0.0, W);
    let color = match p.ok {
        Some(true) => "#1a7f37",
        Some(false) => "#cf222e",
        None => "#8250df",
    };
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\">\
         <rect x=\"0\" y=\"8\" width=\"{W}\" height=\"20\" fill=\"#f6f8fa\"/>\
         <rect x=\"0\" y=\"8\" width=\"{:.1}\" height=\"20\" fill=\"{color}\"/>",
        x(p.value)
    );
    if let Some(l) = limit {
        let _ = write!(
            svg,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"2\" y2=\"34\" stroke=\"#1f2328\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/>",
            x(l)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// What was read: each input with its digest, size and times; each need that failed, why.
fn evidence(out: &mut String, v: &Verdict, lang: Lang) {
    let _ = writeln!(out, "<h2>{}</h2>", esc(&t!(lang, "html-evidence")));
    let _ = writeln!(
        out,
        "<table>\n<tr><th>{}</th><th>{}</th><th>sha256</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(&t!(lang, "html-col-need")),
        esc(&t!(lang, "html-col-input")),
        esc(&t!(lang, "html-col-size")),
        esc(&t!(lang, "html-col-read")),
        esc(&t!(lang, "html-col-modified")),
    );
    for s in &v.sources {
        let need = s.need.to_string();
        if s.inputs.is_empty() {
            let _ = writeln!(
                out,
                "<tr><td class=\"mono\">{}</td><td colspan=\"5\" class=\"sub\">{}</td></tr>",
                esc(&first_line(&need, 160)),
                esc(&first_line(
                    &s.error.clone().unwrap_or_else(|| match s.need {
                        crate::model::Need::Files(_) => t!(lang, "html-listed-only"),
                        _ => "—".to_string(),
                    }),
                    300
                ))
            );
            continue;
        }
        for i in &s.inputs {
            let _ = writeln!(
                out,
                "<tr><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"mono\" title=\"{}\">{}…</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&first_line(&need, 160)),
                esc(&i.location),
                esc(&i.sha256),
                esc(&i.sha256.chars().take(16).collect::<String>()),
                i.size,
                esc(&i.read_at),
                esc(i.modified.as_deref().unwrap_or("—"))
            );
        }
    }
    out.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn thresholds_are_read_from_criteria() {
        assert_eq!(threshold("value < 0.01"), Some(("<".into(), 0.01)));
        assert_eq!(threshold("min >= 0.999"), Some((">=".into(), 0.999)));
        assert_eq!(threshold("status == OK"), None);
    }

    #[test]
    fn escaping_keeps_markup_inert() {
        assert_eq!(
            esc("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
