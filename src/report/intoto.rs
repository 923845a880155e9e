//! The verdict as an in-toto Statement v1, so it can travel with the image it judged: signed
//! (`cosign attest`), stored beside the image in the registry, and checked again by the cluster
//! at admission (a Kyverno `verifyImages` policy) instead of being trusted because a pipeline
//! said so. docs/attestation.md shows the whole chain.
//!
//! The statement is about images by digest (`subject`, from `--subject` or
//! `attestation.subjects`): a statement about nothing cannot be matched to anything, so there is
//! none without a subject, and an `--offline` run (whose live rules were not judged) is never
//! attested. The predicate says what a policy needs to decide — the decision, the stage by
//! number and id, the environment, the pack, the counts — and what an auditor needs to check
//! it: the evidence read (location and sha256), the overrides and the waivers that applied, and
//! the baseline compared with.
//!
//! [`PREDICATE_TYPE`] is the one name of this predicate's schema; policies match on it, so it
//! changes only with an incompatible predicate. Keys are sorted at every level and lists are
//! sorted, so the same verdict always gives the same bytes (what a signature covers).

use serde_json::{Map, Value as Json, json};

use crate::config::Subject;
use crate::eval::{Verdict, WaiverState};

/// The in-toto Statement layer this module writes.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";

/// The type of gonogo's verdict predicate. gonogo has no public home yet: this URI names the
/// schema and is not expected to resolve; it changes (to `/v2`) only when a field changes
/// meaning or goes away.
pub const PREDICATE_TYPE: &str = "https://gonogo.dev/verdict/v1";

/// Why an `--offline` verdict is not attested.
pub const OFFLINE: &str = "an --offline verdict did not judge the rules that need live systems and is never attested: run without --offline to write an in-toto statement or predicate";

/// Whether a statement can be written: it needs at least one subject, and a verdict whose live
/// rules were judged (not `--offline`). The error says what to pass.
pub fn attestable(subjects: &[Subject], offline: bool) -> Result<(), String> {
    if subjects.is_empty() {
        return Err("an in-toto statement is about images: pass --subject NAME@sha256:HEX (repeatable), or set `attestation: {subjects: [NAME@sha256:HEX]}` in gonogo.yaml".into());
    }
    if offline {
        return Err(OFFLINE.into());
    }
    Ok(())
}

/// The predicate alone (`--report intoto-predicate=PATH`), for signers that wrap it in a
/// statement themselves (`cosign attest --predicate`).
pub fn predicate(v: &Verdict) -> Json {
    let mut p = Map::new();
    p.insert("decision".into(), json!(v.decision));
    p.insert(
        "stage".into(),
        json!({"number": v.stage.number, "id": v.stage.id}),
    );
    p.insert("environment".into(), json!(v.environment.as_str()));
    p.insert("pack".into(), json!(v.pack));
    if let Some(project) = &v.project {
        p.insert("project".into(), json!(project));
    }
    p.insert("evaluated_on".into(), json!(v.evaluated_on.to_string()));
    if let Some(at) = &v.evaluated_at {
        p.insert("evaluated_at".into(), json!(at));
    }
    let version = v.tool.strip_prefix("gonogo ").unwrap_or(&v.tool);
    p.insert("tool".into(), json!({"name": "gonogo", "version": version}));
    p.insert("counts".into(), json!(v.counts));
    let mut overrides = v.overrides.clone();
    overrides.sort();
    p.insert("overrides".into(), json!(overrides));
    let mut waivers: Vec<Json> = v
        .waivers
        .iter()
        .filter(|w| w.state == WaiverState::Applied)
        .map(|w| {
            let mut o = Map::new();
            o.insert("rule".into(), json!(w.waiver.rule));
            if let Some(m) = &w.waiver.pattern {
                o.insert("match".into(), json!(m));
            }
            o.insert("expires".into(), json!(w.waiver.expires.to_string()));
            o.insert("reason".into(), json!(w.waiver.reason));
            if let Some(t) = &w.waiver.ticket {
                o.insert("ticket".into(), json!(t));
            }
            o.insert("uses".into(), json!(w.uses));
            Json::Object(o)
        })
        .collect();
    waivers.sort_by_key(Json::to_string);
    p.insert("waivers".into(), Json::Array(waivers));
    let mut evidence: Vec<(String, String, String)> = v
        .sources
        .iter()
        .flat_map(|s| {
            s.inputs
                .iter()
                .filter(|i| !i.sha256.is_empty())
                .map(move |i| (i.location.clone(), i.sha256.clone(), s.need.to_string()))
        })
        .collect();
    evidence.sort();
    evidence.dedup();
    p.insert(
        "evidence".into(),
        evidence
            .into_iter()
            .map(|(location, sha256, need)| {
                json!({"location": location, "digest": {"sha256": sha256}, "need": need})
            })
            .collect(),
    );
    if let Some(b) = &v.baseline {
        p.insert("baseline".into(), json!(b));
    }
    sorted(Json::Object(p))
}

/// The statement: `subjects` (sorted, without repeats), the predicate type and the predicate.
pub fn statement(v: &Verdict, subjects: &[Subject]) -> Json {
    let mut subjects = subjects.to_vec();
    subjects.sort();
    subjects.dedup();
    sorted(json!({
        "_type": STATEMENT_TYPE,
        "subject": subjects
            .iter()
            .map(|s| json!({"name": s.name, "digest": {"sha256": s.sha256}}))
            .collect::<Vec<_>>(),
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate(v),
    }))
}

/// The statement as written to a file. [`attestable`] says first whether there should be one.
pub fn render_statement(v: &Verdict, subjects: &[Subject]) -> String {
    pretty(&statement(v, subjects))
}

/// The predicate as written to a file.
pub fn render_predicate(v: &Verdict) -> String {
    pretty(&predicate(v))
}

fn pretty(value: &Json) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// `value` with the keys of every object in byte order (serde_json keeps insertion order here).
fn sorted(value: Json) -> Json {
    match value {
        Json::Object(map) => {
            let mut entries: Vec<(String, Json)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Json::Array(items) => Json::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_at_every_level() {
        let v = sorted(json!({"b": {"z": 1, "a": [{"y": 1, "x": 2}]}, "a": 0}));
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"a":0,"b":{"a":[{"x":2,"y":1}],"z":1}}"#
        );
    }

    #[test]
    fn nothing_is_attested_without_a_subject_or_offline() {
        let s = Subject::parse(&format!("app@sha256:{}", "0".repeat(64))).unwrap();
        assert!(attestable(&[], false).unwrap_err().contains("--subject"));
        assert!(
            attestable(std::slice::from_ref(&s), true)
                .unwrap_err()
                .contains("--offline")
        );
        assert!(attestable(&[s], false).is_ok());
    }
}
