//! SARIF 2.1.0: one run, tool `gonogo`, the gate's rules as `rules`, and the items of failed or
//! warned rules as `results`, for code-scanning uploads and SARIF viewers.
//!
//! Written by hand with serde_json rather than a SARIF crate: the subset is small (the SARIF
//! crates pull in a schema code generator), and a hand-written writer keeps field order stable.
//! Results carry a `partialFingerprints` entry built like the Code Quality fingerprint, so
//! viewers can track an item across runs.

use serde_json::{Value as Json, json};

use super::{fingerprint, first_line, is_flagged, item_location};
use crate::eval::{Outcome, Verdict};
use crate::evidence::Location;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(v: &Verdict) -> String {
    let rules: Vec<Json> = v
        .results
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.check,
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": format!("{} ({})", r.title, r.reference)},
                "defaultConfiguration": {"level": sarif_level_of(r.level)},
                "properties": {"check": r.check, "reference": r.reference, "level": r.level.as_str()}
            })
        })
        .collect();
    let mut results: Vec<Json> = Vec::new();
    for (index, r) in v.results.iter().enumerate() {
        if !is_flagged(&r.outcome) {
            continue;
        }
        let level = if r.outcome == Outcome::Fail {
            "error"
        } else {
            "warning"
        };
        if r.items.is_empty() {
            let loc = super::evidence_input(v, r).map(|p| Location {
                path: p.to_string(),
                line: None,
            });
            results.push(result(
                &r.id,
                index,
                level,
                &format!("{}: {}", r.title, first_line(&r.message, 500)),
                loc.as_ref(),
                &fingerprint(&r.id, "", loc.as_ref()),
            ));
            continue;
        }
        for item in &r.items {
            let loc = item_location(v, r, item);
            results.push(result(
                &r.id,
                index,
                level,
                &first_line(&item.text, 1000),
                loc.as_ref(),
                &fingerprint(&r.id, &item.key, loc.as_ref()),
            ));
        }
    }
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "gonogo",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules
            }},
            "properties": {
                "decision": v.decision.label(),
                "stage": v.stage.id,
                "pack": v.pack,
                "evaluated_on": v.evaluated_on.to_string()
            },
            "results": results
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn sarif_level_of(level: crate::model::Level) -> &'static str {
    match level {
        crate::model::Level::Fail => "error",
        crate::model::Level::Warn => "warning",
        crate::model::Level::Info => "note",
    }
}

fn result(
    rule_id: &str,
    index: usize,
    level: &str,
    message: &str,
    loc: Option<&Location>,
    fp: &str,
) -> Json {
    let mut r = json!({
        "ruleId": rule_id,
        "ruleIndex": index,
        "level": level,
        "message": {"text": message},
        "partialFingerprints": {"gonogo/v1": fp}
    });
    if let Some(l) = loc {
        let mut physical = json!({"artifactLocation": {"uri": l.path}});
        if let Some(line) = l.line.filter(|n| *n >= 1) {
            physical["region"] = json!({"startLine": line});
        }
        r["locations"] = json!([{"physicalLocation": physical}]);
    }
    r
}
