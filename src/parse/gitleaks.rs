//! Gitleaks JSON reports (`gitleaks detect --report-format json`), v8 and v7.
//!
//! The report is an array of leaks; `[]` and `null` (what some versions write when nothing leaked)
//! are zero findings. v8 keys are `RuleID`, `Description`, `File`, `StartLine`, `Commit`,
//! `Fingerprint`; v7 keys are `rule`, `file`, `lineNumber`, `commit`. Every leak is a high
//! severity secret. The secret itself (`Secret`, `Match`, v7 `offender` and `line`) is never
//! read into the finding: those fields are not even deserialized. The fingerprint is gitleaks'
//! own (`commit:file:rule:line`, as `.gitleaksignore` uses), rebuilt the same way when the
//! report predates the `Fingerprint` field.

use std::io::Read;

use serde::Deserialize;

use super::ParseError;
use super::scan_json::{self, Each, ForEach, finding, location, non_empty};
use crate::evidence::{Category, Finding, FindingSet, Severity};

const TOOL: &str = "gitleaks";

/// True for a non-empty gitleaks JSON array (v8 or v7 keys).
pub fn sniff(head: &[u8]) -> bool {
    let text = scan_json::sniff_text(head);
    text.starts_with('[')
        && ((text.contains("\"RuleID\"")
            && (text.contains("\"StartLine\"") || text.contains("\"File\"")))
            || (text.contains("\"offender\"") && text.contains("\"rule\"")))
        && !text.contains("\"Target\"")
}

/// Reads a gitleaks JSON report.
pub fn parse<R: Read>(reader: R) -> Result<FindingSet, ParseError> {
    let mut set = FindingSet::default();
    scan_json::run(
        reader,
        "gitleaks",
        Each(ForEach::new("gitleaks leaks", |l: Leak| {
            set.push(l.into_finding())
        })),
    )?;
    Ok(set.looked_for(Category::Secret, "gitleaks"))
}

#[derive(Deserialize)]
struct Leak {
    #[serde(rename = "RuleID", alias = "rule")]
    rule_id: Option<String>,
    #[serde(rename = "Description")]
    description: Option<String>,
    #[serde(rename = "File", alias = "file")]
    file: Option<String>,
    #[serde(rename = "StartLine", alias = "lineNumber")]
    start_line: Option<i64>,
    #[serde(rename = "Commit", alias = "commit")]
    commit: Option<String>,
    #[serde(rename = "Fingerprint")]
    fingerprint: Option<String>,
}

impl Leak {
    fn into_finding(self) -> Finding {
        let rule = non_empty(self.rule_id).unwrap_or_else(|| "(no rule id)".to_string());
        let file = self.file.unwrap_or_default();
        let line = self.start_line;
        let what = non_empty(self.description).unwrap_or_else(|| rule.clone());
        let message = match (file.is_empty(), line.filter(|l| *l > 0)) {
            (false, Some(l)) => format!("{what} detected in {file}:{l}"),
            (false, None) => format!("{what} detected in {file}"),
            (true, _) => format!("{what} detected"),
        };
        let fingerprint = non_empty(self.fingerprint).unwrap_or_else(|| {
            let line = line.unwrap_or(0);
            match non_empty(self.commit) {
                Some(commit) => format!("{commit}:{file}:{rule}:{line}"),
                None => format!("{file}:{rule}:{line}"),
            }
        });
        let mut f = finding(rule, Severity::High, Category::Secret, &message, TOOL);
        f.location = location(&file, line);
        f.fingerprint = Some(fingerprint);
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<FindingSet, ParseError> {
        parse(s.as_bytes())
    }

    #[test]
    fn v8_leaks_never_keep_the_secret() {
        let doc = r#"[{"Description": "AWS", "StartLine": 2, "Match": "key=AKIASECRETVALUE",
            "Secret": "AKIASECRETVALUE", "File": "conf/aws.tf", "Commit": "abc", "RuleID": "aws-access-token"},
            {"RuleID": "pk", "File": "a", "StartLine": 1, "Fingerprint": "given:fp", "Secret": "s3cr3t"}]"#;
        let set = parse_str(doc).unwrap();
        assert_eq!(set.total(), 2);
        let f = &set.findings[0];
        assert_eq!(
            (f.id.as_str(), f.severity, f.category),
            ("aws-access-token", Severity::High, Category::Secret)
        );
        assert_eq!(f.message, "AWS detected in conf/aws.tf:2");
        assert_eq!(
            f.fingerprint.as_deref(),
            Some("abc:conf/aws.tf:aws-access-token:2")
        );
        assert_eq!(set.findings[1].fingerprint.as_deref(), Some("given:fp"));
        let dump = format!("{set:?}");
        assert!(!dump.contains("AKIASECRETVALUE") && !dump.contains("s3cr3t"));
    }

    #[test]
    fn v7_leaks() {
        let doc = r#"[{"line": "password = hunter2", "lineNumber": 7, "offender": "hunter2",
            "commit": "c0ffee", "rule": "Generic Password", "file": "app.py", "tags": "key"}]"#;
        let set = parse_str(doc).unwrap();
        let f = &set.findings[0];
        assert_eq!(f.id, "Generic Password");
        assert_eq!(
            f.location.as_ref().map(|l| (l.path.as_str(), l.line)),
            Some(("app.py", Some(7)))
        );
        assert_eq!(
            f.fingerprint.as_deref(),
            Some("c0ffee:app.py:Generic Password:7")
        );
        assert!(!format!("{set:?}").contains("hunter2"));
    }

    #[test]
    fn empty_null_and_wrong_shapes() {
        assert_eq!(parse_str("[]").unwrap().total(), 0);
        assert_eq!(parse_str("null").unwrap().total(), 0);
        assert_eq!(parse_str(" null \n").unwrap().total(), 0);
        let err = parse_str(r#"{"RuleID": "x"}"#).unwrap_err();
        assert!(
            err.message.contains("expected a list of gitleaks leaks"),
            "{err}"
        );
        let err = parse_str(r#"[{"StartLine": "two"}]"#).unwrap_err();
        assert!(err.message.contains("invalid type"), "{err}");
    }

    #[test]
    fn sniff_is_specific() {
        assert!(sniff(
            br#"[{"Description": "AWS", "StartLine": 2, "File": "a", "RuleID": "r"}]"#
        ));
        assert!(sniff(br#"[{"line": "", "offender": "x", "rule": "r"}]"#));
        assert!(!sniff(b"[]"));
        assert!(!sniff(
            br#"[{"Target": "a", "Secrets": [{"RuleID": "r", "StartLine": 1}]}]"#
        ));
    }
}
