//! Every reporter on one fixed verdict (tests/fixtures/report/verdict.json): snapshots of the
//! exact bytes, plus properties the snapshots alone would not guard — the verdict reads back
//! unchanged, JUnit is well-formed with the right counts, fingerprints are stable and unique,
//! SARIF indexes its rules, hostile text stays inert, and the output never depends on the run.

use gonogo::eval::Verdict;
use gonogo::report::{Options, ReportFormat, render_report};

use crate::support::{fixture, fixture_verdict as verdict};

const STRICT: Options = Options {
    strict: true,
    verbose: false,
    lang: gonogo::i18n::Lang::En,
};

#[test]
fn the_verdict_reads_back_unchanged() {
    let text = fixture("report/verdict.json");
    let original: serde_json::Value = serde_json::from_str(&text).unwrap();
    let v: Verdict = serde_json::from_str(&text).unwrap();
    let again: serde_json::Value = serde_json::to_value(&v).unwrap();
    assert_eq!(original, again);
}

#[test]
fn snapshot_markdown() {
    insta::assert_snapshot!(render_report(
        &verdict(),
        ReportFormat::Markdown,
        &Options::default()
    ));
}

#[test]
fn snapshot_junit() {
    insta::assert_snapshot!(render_report(
        &verdict(),
        ReportFormat::Junit,
        &Options::default()
    ));
}

#[test]
fn snapshot_codequality() {
    insta::assert_snapshot!(render_report(
        &verdict(),
        ReportFormat::Codequality,
        &Options::default()
    ));
}

#[test]
fn snapshot_sarif() {
    insta::assert_snapshot!(render_report(
        &verdict(),
        ReportFormat::Sarif,
        &Options::default()
    ));
}

#[test]
fn snapshot_dotenv() {
    insta::assert_snapshot!(render_report(&verdict(), ReportFormat::Dotenv, &STRICT));
}

#[test]
fn every_format_is_deterministic() {
    for f in [
        ReportFormat::Human,
        ReportFormat::Json,
        ReportFormat::Markdown,
        ReportFormat::Junit,
        ReportFormat::Codequality,
        ReportFormat::Sarif,
        ReportFormat::Dotenv,
    ] {
        assert_eq!(
            render_report(&verdict(), f, &Options::default()),
            render_report(&verdict(), f, &Options::default()),
            "{f:?}"
        );
    }
}

#[test]
fn junit_is_well_formed_with_one_case_per_rule() {
    let xml = render_report(&verdict(), ReportFormat::Junit, &Options::default());
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    "testcase" => cases += 1,
                    "failure" => failures += 1,
                    "error" => errors += 1,
                    "skipped" => skipped += 1,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let v = verdict();
    assert_eq!(cases, v.results.len());
    assert_eq!(failures, v.counts.fail as usize);
    assert_eq!(errors, 1, "the blocking inconclusive rule");
    assert_eq!(
        skipped, 2,
        "the waived and the non-blocking inconclusive rules"
    );
    assert!(xml.contains("failures=\"2\" errors=\"1\" skipped=\"2\""));
    assert!(!xml.contains("<html>"), "text is escaped");
}

#[test]
fn code_quality_issues_have_what_gitlab_requires_and_stable_unique_fingerprints() {
    let json: serde_json::Value = serde_json::from_str(&render_report(
        &verdict(),
        ReportFormat::Codequality,
        &Options::default(),
    ))
    .unwrap();
    let issues = json.as_array().unwrap();
    // T-01: 2 items, T-02: 12 items, T-03: one rule-level issue; nothing for pass/waived/info/inconclusive.
    assert_eq!(issues.len(), 15);
    let mut fps = std::collections::BTreeSet::new();
    for i in issues {
        assert!(i["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(i["check_name"].as_str().unwrap().starts_with("gonogo/T-0"));
        assert!(["major", "minor"].contains(&i["severity"].as_str().unwrap()));
        assert!(!i["location"]["path"].as_str().unwrap().is_empty());
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(fps.insert(i["fingerprint"].as_str().unwrap().to_string()));
    }
    // The item without a location points at its report.
    assert!(
        issues
            .iter()
            .any(|i| i["location"]["path"] == "reports/junit.xml")
    );

    // Rewording an item does not change its fingerprint; moving it does.
    let mut v = verdict();
    v.results[0].items[0].text = "failed differently".into();
    let reworded: serde_json::Value = serde_json::from_str(&render_report(
        &v,
        ReportFormat::Codequality,
        &Options::default(),
    ))
    .unwrap();
    assert_eq!(reworded[0]["fingerprint"], issues[0]["fingerprint"]);
    v.results[0].items[0].location.as_mut().unwrap().line = Some(43);
    let moved: serde_json::Value = serde_json::from_str(&render_report(
        &v,
        ReportFormat::Codequality,
        &Options::default(),
    ))
    .unwrap();
    assert_ne!(moved[0]["fingerprint"], issues[0]["fingerprint"]);
}

#[test]
fn sarif_has_one_run_with_the_gate_rules_and_indexed_results() {
    let json: serde_json::Value = serde_json::from_str(&render_report(
        &verdict(),
        ReportFormat::Sarif,
        &Options::default(),
    ))
    .unwrap();
    assert_eq!(json["version"], "2.1.0");
    let runs = json["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let rules = runs[0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(runs[0]["tool"]["driver"]["name"], "gonogo");
    assert_eq!(rules.len(), verdict().results.len());
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 15);
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert!(["error", "warning"].contains(&r["level"].as_str().unwrap()));
    }
    let located = results
        .iter()
        .filter(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"].is_u64())
        .count();
    assert_eq!(located, 13, "1 test and 12 findings carry a line");
}

#[test]
fn dotenv_carries_the_exit_code_of_the_mode() {
    let mut v = verdict();
    v.decision = gonogo::eval::Decision::GoWithWarnings;
    let lax = render_report(&v, ReportFormat::Dotenv, &Options::default());
    let strict = render_report(&v, ReportFormat::Dotenv, &STRICT);
    assert!(lax.contains("GONOGO_DECISION=go_with_warnings\n"));
    assert!(lax.contains("GONOGO_EXIT_CODE=0\n"));
    assert!(strict.contains("GONOGO_EXIT_CODE=2\n"));
}

#[test]
fn markdown_keeps_hostile_text_inert_and_fits_a_budget() {
    let md = render_report(&verdict(), ReportFormat::Markdown, &Options::default());
    assert!(!md.contains("<html>"));
    assert!(!md.contains("@team"));
    assert!(!md.contains("[here](http://x)"));
    for budget in [100_000, 3_000, 800] {
        let small = gonogo::report::markdown::render_within(&verdict(), budget);
        assert!(small.len() <= budget, "{} > {budget}", small.len());
        assert_eq!(
            small.matches("<details>").count(),
            small.matches("</details>").count()
        );
    }
    let cut = gonogo::report::markdown::render_within(&verdict(), 800);
    assert!(cut.contains("Truncated"));
    assert!(
        cut.starts_with("## ❌ NO-GO"),
        "the decision survives truncation"
    );
}

/// The fixed verdict with the pack's stages and a sampled metric rule, as a live run writes them.
fn with_path_and_metric() -> Verdict {
    use gonogo::eval::{CriterionResult, Outcome};
    use gonogo::evidence::Value;
    let mut v = verdict();
    v.stages = ["dev", "test", "sandbox", "production"]
        .iter()
        .zip(1..)
        .map(|(id, number)| gonogo::model::Stage {
            number,
            id: (*id).to_string(),
            title: format!("The {id} stage"),
            gate: String::new(),
        })
        .collect();
    let mut r = v.results[0].clone();
    r.id = "T-09".into();
    r.title = "Error ratio settles after the deployment".into();
    r.check = "metric".into();
    r.outcome = Outcome::Pass;
    r.message = String::new();
    r.items.clear();
    r.items_total = 0;
    r.criteria = vec![CriterionResult {
        criterion: "value < 0.01".into(),
        metric: "value".into(),
        measured: Some(Value::Number(0.004)),
        ok: Some(true),
        preferred: false,
    }];
    r.notes = vec!["sampled 5 time(s) over 2m 0s: 5 met `until`, the last 3 in a row".into()];
    v.results.push(r);
    v
}

#[test]
fn snapshot_html() {
    insta::assert_snapshot!(render_report(
        &with_path_and_metric(),
        ReportFormat::Html,
        &Options::default()
    ));
}

#[test]
fn snapshot_human_in_french() {
    let fr = Options {
        lang: gonogo::i18n::Lang::Fr,
        ..Options::default()
    };
    let text = render_report(&verdict(), ReportFormat::Human, &fr);
    insta::assert_snapshot!(without_styles(&text));
}

/// The text without its ANSI styles (the terminal's stream strips them off a TTY).
fn without_styles(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn markdown_draws_the_stage_path_and_charts_measured_values() {
    let md = render_report(
        &with_path_and_metric(),
        ReportFormat::Markdown,
        &Options::default(),
    );
    assert!(
        md.contains("① dev ✓ → ② test ✓ → **③ sandbox** → ④ production\n"),
        "{md}"
    );
    assert!(
        md.contains(
            "```mermaid\nxychart-beta\n    title \"Measured values\"\n    x-axis [\"T-09 value\"]\n"
        ),
        "{md}"
    );
    assert!(md.contains("    bar [0.004]\n```"), "{md}");
    // Without live values there is no chart, and without the pack's stages no path.
    let plain = render_report(&verdict(), ReportFormat::Markdown, &Options::default());
    assert!(!plain.contains("mermaid") && !plain.contains(" → "));
}

#[test]
fn html_charts_a_measured_value_against_its_threshold() {
    let html = render_report(
        &with_path_and_metric(),
        ReportFormat::Html,
        &Options::default(),
    );
    assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(html.contains("stroke-dasharray"), "the threshold line");
    assert!(html.contains("sampled 5 time(s)"));
    // Untrusted text stays inert.
    assert!(!html.contains("<html>:"), "an item's markup is escaped");
}
