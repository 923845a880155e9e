//! GitLab Code Quality (`artifacts:reports:codequality`): one issue per item of a failed or warned
//! rule, so the merge-request widget and diff show them where they are.
//!
//! GitLab compares fingerprints between the source and target branches to tell new issues from
//! fixed ones, so a fingerprint hashes only what identifies the issue (rule id, item key,
//! location), never its wording or the run. Items without a location point at the report they
//! came from; rules without items (a coverage threshold) get one issue of their own. GitLab
//! requires `location.path` and `location.lines.begin`, so every issue has both.

use serde_json::{Value as Json, json};

use super::{
    evidence_input, fingerprint, first_line, is_flagged, item_location, rule_message, rule_title,
};
use crate::eval::{Outcome, Verdict};
use crate::evidence::Location;
use crate::i18n::Lang;

/// Where an issue points when neither the item nor its evidence names a file.
pub const FALLBACK_PATH: &str = "gonogo.yaml";

/// The issues, described in `lang`; fingerprints never depend on the wording, so a change of
/// language does not make GitLab see new issues.
pub fn render(v: &Verdict, lang: Lang) -> String {
    let mut seen = std::collections::BTreeSet::new();
    let mut issues: Vec<Json> = Vec::new();
    for r in v.results.iter().filter(|r| is_flagged(&r.outcome)) {
        let severity = if r.outcome == Outcome::Fail {
            "major"
        } else {
            "minor"
        };
        let check_name = format!("gonogo/{}", r.id);
        if r.items.is_empty() {
            let loc = Location {
                path: evidence_input(v, r).unwrap_or(FALLBACK_PATH).to_string(),
                line: None,
            };
            let fp = fingerprint(&r.id, "", Some(&loc));
            if seen.insert(fp.clone()) {
                issues.push(issue(
                    &format!(
                        "{} {}: {}",
                        r.id,
                        rule_title(r, lang),
                        first_line(&rule_message(r, lang), 300)
                    ),
                    &check_name,
                    &fp,
                    severity,
                    &loc,
                ));
            }
            continue;
        }
        for item in &r.items {
            let loc = item_location(v, r, item).unwrap_or_else(|| Location {
                path: FALLBACK_PATH.into(),
                line: None,
            });
            let fp = fingerprint(&r.id, &item.key, Some(&loc));
            if seen.insert(fp.clone()) {
                issues.push(issue(
                    &format!("{}: {}", r.id, first_line(&item.text, 500)),
                    &check_name,
                    &fp,
                    severity,
                    &loc,
                ));
            }
        }
    }
    let mut s = serde_json::to_string_pretty(&Json::Array(issues)).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

fn issue(description: &str, check_name: &str, fp: &str, severity: &str, loc: &Location) -> Json {
    json!({
        "type": "issue",
        "description": description,
        "check_name": check_name,
        "fingerprint": fp,
        "severity": severity,
        "location": {
            "path": loc.path,
            "lines": {"begin": loc.line.unwrap_or(1).max(1)}
        }
    })
}
