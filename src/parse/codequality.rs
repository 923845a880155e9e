//! GitLab Code Quality / Code Climate JSON (`gl-code-quality-report.json`).
//!
//! An array of issues, streamed: `check_name` is the id, `description` the message,
//! `fingerprint` the fingerprint, `location.path` with `location.lines.begin` or
//! `location.positions.begin.line` the location (line 0, which Trivy's template writes, means no
//! line). Entries whose `type` is present and not `issue` are skipped (Code Climate allows other
//! types). Severity follows [`Severity::parse_loose`] like SonarQube's words: `info` → info,
//! `minor` → low, `major` → high, `critical` and `blocker` → critical; a missing or unknown
//! severity → unknown. Converters map other scales onto these words (Trivy's template writes
//! MEDIUM as `minor`), so a converted report can read one level lower than the native one.
//! Category: code quality.

use std::io::Read;

use serde::Deserialize;

use super::ParseError;
use super::scan_json::{self, ForEach, List, finding, location, non_empty};
use crate::evidence::{Category, Finding, FindingSet, Severity};

/// True for a Code Quality array: issues with `check_name` and `fingerprint`.
pub fn sniff(head: &[u8]) -> bool {
    let text = scan_json::sniff_text(head);
    text.starts_with('[') && text.contains("\"check_name\"") && text.contains("\"fingerprint\"")
}

/// Reads a GitLab Code Quality / Code Climate report.
pub fn parse<R: Read>(reader: R) -> Result<FindingSet, ParseError> {
    let mut set = FindingSet::default();
    let mut skipped = 0u64;
    let each = ForEach::new("Code Quality issues", |i: Issue| match i.into_finding() {
        Some(f) => set.push(f),
        None => skipped += 1,
    });
    scan_json::run(reader, "Code Quality", List(each))?;
    if skipped > 0 {
        set.notes.push(format!(
            "{skipped} entry(ies) whose type is not \"issue\" skipped"
        ));
    }
    Ok(set.looked_for(Category::CodeQuality, "Code Quality"))
}

#[derive(Deserialize)]
struct Issue {
    #[serde(rename = "type")]
    kind: Option<String>,
    check_name: Option<String>,
    description: Option<String>,
    fingerprint: Option<String>,
    severity: Option<String>,
    engine_name: Option<String>,
    location: Option<IssueLocation>,
}

#[derive(Deserialize)]
struct IssueLocation {
    path: Option<String>,
    lines: Option<Lines>,
    positions: Option<Positions>,
}

#[derive(Deserialize)]
struct Lines {
    begin: Option<i64>,
}

#[derive(Deserialize)]
struct Positions {
    begin: Option<Position>,
}

#[derive(Deserialize)]
struct Position {
    line: Option<i64>,
}

impl Issue {
    fn into_finding(self) -> Option<Finding> {
        if self
            .kind
            .as_deref()
            .is_some_and(|k| !k.eq_ignore_ascii_case("issue"))
        {
            return None;
        }
        let id = non_empty(self.check_name).unwrap_or_else(|| "(no check name)".to_string());
        let severity = self
            .severity
            .as_deref()
            .map(Severity::parse_loose)
            .unwrap_or(Severity::Unknown);
        let message = non_empty(self.description).unwrap_or_else(|| id.clone());
        let tool = non_empty(self.engine_name).unwrap_or_else(|| "Code Quality".to_string());
        let mut f = finding(id, severity, Category::CodeQuality, &message, tool);
        f.fingerprint = non_empty(self.fingerprint);
        f.location = self.location.and_then(|l| {
            let line = l
                .lines
                .and_then(|x| x.begin)
                .or(l.positions.and_then(|p| p.begin).and_then(|b| b.line));
            location(&l.path.unwrap_or_default(), line)
        });
        Some(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<FindingSet, ParseError> {
        parse(s.as_bytes())
    }

    #[test]
    fn issues_with_lines_or_positions() {
        let doc = r#"[
          {"type": "issue", "check_name": "complexity", "description": "Too complex", "fingerprint": "f1",
           "severity": "major", "location": {"path": "a.rb", "lines": {"begin": 10, "end": 12}}},
          {"check_name": "dup", "description": "Duplicate", "fingerprint": "f2", "severity": "blocker",
           "engine_name": "structure", "location": {"path": "b.rb", "positions": {"begin": {"line": 3, "column": 1}}}},
          {"type": "measurement", "check_name": "x"},
          {"description": "no severity", "fingerprint": "f3", "location": {"path": "c", "lines": {"begin": 0}}}
        ]"#;
        let set = parse_str(doc).unwrap();
        assert_eq!(set.total(), 3);
        let sev: Vec<Severity> = set.findings.iter().map(|f| f.severity).collect();
        assert_eq!(sev, [Severity::High, Severity::Critical, Severity::Unknown]);
        assert_eq!(
            set.findings[0].location.as_ref().map(|l| l.line),
            Some(Some(10))
        );
        assert_eq!(
            set.findings[1].location.as_ref().map(|l| l.line),
            Some(Some(3))
        );
        assert_eq!(set.findings[1].tool, "structure");
        assert_eq!(
            set.findings[2].location.as_ref().map(|l| l.line),
            Some(None)
        );
        assert_eq!(set.findings[0].fingerprint.as_deref(), Some("f1"));
        assert_eq!(set.notes.len(), 1);
    }

    #[test]
    fn wrong_shapes() {
        assert_eq!(parse_str("[]").unwrap().total(), 0);
        assert!(
            parse_str("null")
                .unwrap_err()
                .message
                .contains("invalid type: null")
        );
        let err = parse_str(r#"{"check_name": "x"}"#).unwrap_err();
        assert!(
            err.message
                .contains("expected a list of Code Quality issues"),
            "{err}"
        );
        let err = parse_str(r#"[{"location": {"lines": {"begin": "ten"}}}]"#).unwrap_err();
        assert!(err.message.contains("invalid type"), "{err}");
    }

    #[test]
    fn sniff_is_specific() {
        assert!(sniff(
            br#"[{"type": "issue", "check_name": "c", "fingerprint": "f"}]"#
        ));
        assert!(!sniff(
            br#"[{"RuleID": "r", "Fingerprint": "f", "File": "a"}]"#
        ));
    }
}
