//! Rules that share one cause: the same source missing from gonogo.yaml, the same paths
//! matching nothing, the same endpoint unreachable. The console report names such a cause once,
//! lists its rules and says the one thing to do, instead of repeating it per rule.
//!
//! The grouping key is the honest part: two rules share a [`Cause`] only when their evidence
//! was missing for the same reason *and* the same subject, and the recorded detail agrees:
//! - a source absent from gonogo.yaml: the source's name (one missing `sources.X` entry,
//!   whatever each rule asks of it), and whether it is read as a report or asked as an endpoint
//!   (the fix differs); a source that is there but incomplete (a `url` naming an unset variable)
//!   keeps its message;
//! - unreachable or timed out while asking an endpoint: the source's name and the error with
//!   the request's path left out (`https://prom:9090: connection refused`), so several queries
//!   to one server that is down are one cause; an HTTP status is kept with its full URL, since
//!   a 404 on one path and on another may be two mistakes;
//! - anything else (a file or glob not found, stale, unparsable): the exact evidence and the
//!   exact message.

use crate::eval::{Outcome, RuleResult, Verdict};
use crate::evidence::MissingReason;
use crate::model::Need;

/// What two rules must share to be reported as one cause.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cause {
    /// [`MissingReason`] in words (stable, language-neutral: `not found`).
    pub reason: &'static str,
    pub subject: Subject,
    /// The part of the message that must agree (empty when the subject says it all).
    pub detail: String,
}

/// What the cause is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// A source of gonogo.yaml read as a report file or URL.
    Report(String),
    /// A source of gonogo.yaml asked as an endpoint (queries).
    Endpoint(String),
    /// Project files: one path (`onboarding.yaml`).
    File(String),
    /// Project files: globs (`deploy/**/*.yaml, k8s/**/*.yaml`).
    Paths(Vec<String>),
    /// Evidence the verdict does not describe further (its `evidence` text).
    Other(String),
    /// A run-level input the rule compares with was not given: `baseline` or `diff`.
    RunInput(&'static str),
}

/// The cause of a rule's outcome, when its evidence was missing; `None` for a rule that was
/// judged on evidence (pass, fail on a measurement, ...), waived, or not evaluated offline.
pub fn cause(verdict: &Verdict, rule: &RuleResult) -> Option<Cause> {
    let reason = rule.missing?;
    if matches!(
        rule.outcome,
        Outcome::Pass | Outcome::Waived | Outcome::Offline
    ) || reason == MissingReason::Offline
    {
        return None;
    }
    // The verdict records the needs of the judged stage; a next-stage preview's rule may need
    // one it does not, read back from the rule's own evidence text.
    let parsed;
    let need = match verdict
        .sources
        .iter()
        .find(|s| s.need.to_string() == rule.evidence)
    {
        Some(s) => Some(&s.need),
        None => {
            parsed = need_from_display(&rule.evidence);
            parsed.as_ref()
        }
    };
    let message = detail_of(rule);
    let run_input = if message.starts_with(crate::eval::baseline::NEEDS_BASELINE) {
        Some("baseline")
    } else if message.starts_with(crate::eval::patch::NEEDS_DIFF) {
        Some("diff")
    } else {
        None
    };
    let (subject, detail) = match need {
        _ if reason == MissingReason::NotConfigured && run_input.is_some() => (
            Subject::RunInput(run_input.unwrap_or_default()),
            message.to_string(),
        ),
        Some(Need::Source(s)) if absent(reason, message) => {
            (Subject::Report(s.clone()), String::new())
        }
        Some(Need::Query { source, .. }) if absent(reason, message) => {
            (Subject::Endpoint(source.clone()), String::new())
        }
        Some(Need::Query { source, .. }) if reason == MissingReason::NotConfigured => {
            (Subject::Endpoint(source.clone()), without_path(message))
        }
        Some(Need::Query { source, .. })
            if matches!(reason, MissingReason::Unreachable | MissingReason::Timeout) =>
        {
            (Subject::Endpoint(source.clone()), without_path(message))
        }
        Some(Need::Source(s)) => (Subject::Report(s.clone()), message.to_string()),
        Some(Need::Query { source, .. }) => (
            Subject::Other(format!("{source}: {}", rule.evidence)),
            message.to_string(),
        ),
        Some(Need::Document(p)) => (Subject::File(p.clone()), message.to_string()),
        Some(Need::Files(p) | Need::Documents(p) | Need::Manifests { patterns: p, .. }) => {
            (Subject::Paths(p.clone()), message.to_string())
        }
        None => (Subject::Other(rule.evidence.clone()), message.to_string()),
    };
    Some(Cause {
        reason: reason.as_str(),
        subject,
        detail,
    })
}

/// Whether the source is absent from gonogo.yaml (not merely incomplete: a `url` naming an
/// unset variable is configured, and another cause).
pub fn absent(reason: MissingReason, detail: &str) -> bool {
    reason == MissingReason::NotConfigured && detail.starts_with("no source `")
}

/// The [`Need`] a rule's `evidence` text names (the inverse of `Need`'s `Display`). A query's
/// request is not read back (only its source's name matters here); `None` when the text is not
/// one `Display` writes.
pub fn need_from_display(text: &str) -> Option<Need> {
    if let Some(rest) = text.strip_prefix("source `") {
        let end = rest.find('`')?;
        let (name, after) = (&rest[..end], &rest[end + 1..]);
        return match after.strip_prefix(" query ") {
            Some(request) => Some(Need::Query {
                source: name.to_string(),
                request: request.to_string(),
            }),
            None if after.is_empty() => Some(Need::Source(name.to_string())),
            None => None,
        };
    }
    if let Some(paths) = text.strip_prefix("files ") {
        return Some(Need::Files(paths.split(", ").map(str::to_string).collect()));
    }
    text.strip_prefix("file ")
        .map(|p| Need::Document(p.to_string()))
}

/// The rule's message without the reason it starts with (`not found: ` + detail).
pub fn detail_of(rule: &RuleResult) -> &str {
    match rule.missing {
        Some(reason) => rule
            .message
            .strip_prefix(reason.as_str())
            .and_then(|m| m.strip_prefix(": "))
            .unwrap_or(&rule.message),
        None => &rule.message,
    }
}

/// `https://host:9090/api/v1/query?query=up: connection refused (3 attempts)` →
/// `https://host:9090: connection refused (3 attempts)`. A message that is not a URL followed
/// by an error, or whose error is an HTTP status, is kept whole.
pub fn without_path(message: &str) -> String {
    let Some(rest) = message
        .strip_prefix("https://")
        .map(|r| ("https://", r))
        .or_else(|| message.strip_prefix("http://").map(|r| ("http://", r)))
    else {
        return message.to_string();
    };
    let (scheme, rest) = rest;
    let Some(end) = rest.find(": ") else {
        return message.to_string();
    };
    let (url, error) = (&rest[..end], &rest[end + 2..]);
    if error.starts_with("HTTP ") {
        return message.to_string();
    }
    let origin = url.split(['/', '?', '#']).next().unwrap_or(url);
    format!("{scheme}{origin}: {error}")
}

/// Rules in report order, with the rules of each cause gathered at the place of its first
/// rule. A rule without a cause, or alone with its cause, stays a group of one.
pub fn group<'a>(verdict: &Verdict, rules: &[&'a RuleResult]) -> Vec<Group<'a>> {
    let mut groups: Vec<Group<'a>> = Vec::new();
    for r in rules {
        let c = cause(verdict, r);
        match c
            .as_ref()
            .and_then(|c| groups.iter_mut().find(|g| g.cause.as_ref() == Some(c)))
        {
            Some(g) => g.rules.push(r),
            None => groups.push(Group {
                cause: c,
                rules: vec![r],
            }),
        }
    }
    groups
}

/// One cause and its rules (one rule, without a cause, for a rule judged on evidence).
#[derive(Debug)]
pub struct Group<'a> {
    pub cause: Option<Cause>,
    pub rules: Vec<&'a RuleResult>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceReport;

    fn rule(id: &str, need: &Need, reason: MissingReason, message: &str) -> RuleResult {
        let mut r: RuleResult = serde_json::from_value(serde_json::json!({
            "id": id, "title": id, "reference": "", "check": "tests", "level": "fail",
            "on_missing": "block", "outcome": {"status": "inconclusive", "reason": "not_found", "blocking": true},
            "message": "", "criteria": [], "evidence": need.to_string(), "items": [],
            "items_total": 0, "waived_items": 0
        }))
        .unwrap();
        r.missing = Some(reason);
        r.message = format!("{}: {message}", reason.as_str());
        r
    }

    fn verdict(needs: &[Need]) -> Verdict {
        let mut v: Verdict =
            serde_json::from_str(include_str!("../../tests/fixtures/report/verdict.json")).unwrap();
        v.sources = needs
            .iter()
            .map(|n| SourceReport {
                need: n.clone(),
                kind: None,
                inputs: Vec::new(),
                error: None,
                skipped: None,
            })
            .collect();
        v
    }

    #[test]
    fn the_same_cause_groups_and_different_causes_never_do() {
        let app = |path: &str| Need::Query {
            source: "app".into(),
            request: format!("{{\"path\":\"{path}\"}}"),
        };
        let tests = Need::Source("tests".into());
        let cov = Need::Source("coverage".into());
        let k8s = Need::Documents(vec!["deploy/**/*.yaml".into()]);
        let docker = Need::Documents(vec!["**/Dockerfile".into()]);
        let onboarding = Need::Document("onboarding.yaml".into());
        let v = verdict(&[
            app("/health"),
            app("/metrics"),
            tests.clone(),
            cov.clone(),
            k8s.clone(),
            docker.clone(),
            onboarding.clone(),
        ]);
        use MissingReason::*;
        let nc = "no source";
        let rules = [
            rule("A1", &app("/health"), NotConfigured, nc),
            rule("A2", &app("/metrics"), NotConfigured, nc),
            rule("T1", &tests, NotConfigured, nc),
            rule("C1", &cov, NotConfigured, nc),
            rule("K1", &k8s, NotFound, "no file matches deploy/**/*.yaml"),
            rule("K2", &k8s, NotFound, "no file matches deploy/**/*.yaml"),
            rule("D1", &docker, NotFound, "no file matches **/Dockerfile"),
            rule("O1", &onboarding, NotFound, "cannot read onboarding.yaml"),
            rule("O2", &onboarding, NotFound, "cannot read onboarding.yaml"),
            // A source that is configured but incomplete is not "absent".
            rule(
                "T2",
                &tests,
                NotConfigured,
                "source `tests`: `url` uses the environment variable X, which is not set",
            ),
            // The same file, another reason: another cause.
            rule("O3", &onboarding, ParseError, "line 3: bad YAML"),
        ];
        let refs: Vec<&RuleResult> = rules.iter().collect();
        let groups: Vec<Vec<&str>> = group(&v, &refs)
            .iter()
            .map(|g| g.rules.iter().map(|r| r.id.as_str()).collect())
            .collect();
        assert_eq!(
            groups,
            vec![
                vec!["A1", "A2"],
                vec!["T1"],
                vec!["C1"],
                vec!["K1", "K2"],
                vec!["D1"],
                vec!["O1", "O2"],
                vec!["T2"],
                vec!["O3"],
            ]
        );
    }

    #[test]
    fn one_endpoint_down_is_one_cause_but_two_http_errors_stay_apart() {
        let q = |path: &str| Need::Query {
            source: "prometheus".into(),
            request: format!("{{\"q\":\"{path}\"}}"),
        };
        let v = verdict(&[q("a"), q("b"), q("c"), q("d")]);
        use MissingReason::Unreachable;
        let rules = [
            rule(
                "P1",
                &q("a"),
                Unreachable,
                "http://127.0.0.1:9/api/v1/query?query=a: connection refused",
            ),
            rule(
                "P2",
                &q("b"),
                Unreachable,
                "http://127.0.0.1:9/api/v1/query?query=b: connection refused",
            ),
            rule(
                "P3",
                &q("c"),
                Unreachable,
                "http://127.0.0.1:9/api/v1/x: HTTP 404 Not Found",
            ),
            rule(
                "P4",
                &q("d"),
                Unreachable,
                "http://127.0.0.1:9/api/v1/y: HTTP 404 Not Found",
            ),
        ];
        let refs: Vec<&RuleResult> = rules.iter().collect();
        let sizes: Vec<usize> = group(&v, &refs).iter().map(|g| g.rules.len()).collect();
        assert_eq!(sizes, vec![2, 1, 1]);
        assert_eq!(
            without_path("https://u@h:1/p?q=1: timed out after 10s"),
            "https://u@h:1: timed out after 10s"
        );
        assert_eq!(without_path("no url here"), "no url here");
    }

    #[test]
    fn needs_read_back_from_their_display() {
        for need in [
            Need::Source("tests".into()),
            Need::Document("onboarding.yaml".into()),
            Need::Files(vec!["a/*.yaml".into(), "b/**".into()]),
            Need::Query {
                source: "app".into(),
                request: "{\"path\":\"/health\"}".into(),
            },
        ] {
            assert_eq!(need_from_display(&need.to_string()), Some(need.clone()));
        }
        assert_eq!(need_from_display("source `x` and more"), None);
        assert_eq!(need_from_display("something else"), None);
    }

    #[test]
    fn a_rule_judged_on_evidence_has_no_cause() {
        let v = verdict(&[]);
        let mut r = rule("X", &Need::Source("s".into()), MissingReason::NotFound, "x");
        r.missing = None;
        assert!(cause(&v, &r).is_none());
        r.missing = Some(MissingReason::NotFound);
        r.outcome = Outcome::Waived;
        assert!(cause(&v, &r).is_none());
    }
}
