//! Grype JSON reports (`grype <target> -o json`).
//!
//! One finding per `matches[]` entry (a vulnerability in one package), streamed: id
//! `vulnerability.id`, severity `vulnerability.severity` (`Negligible` reads as info), package
//! `artifact.name` at `artifact.version`, location the first `artifact.locations[].path`, fixed
//! versions `vulnerability.fix.versions` joined, fixable when `fix.state` is `fixed` (Grype's
//! other states, `not-fixed`, `wont-fix`, `unknown` and `""`, are not). `ignoredMatches` (hidden by
//! the user's ignore rules) are counted in a note, not as findings.

use std::fmt;
use std::io::Read;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::ParseError;
use super::scan_json::{self, Count, Each, ForEach, finding, non_empty};
use crate::evidence::{Category, FindingSet, Location, Severity};

const TOOL: &str = "Grype";

/// True for Grype JSON: an object whose `matches` hold `vulnerability` and `artifact` objects.
pub fn sniff(head: &[u8]) -> bool {
    let text = scan_json::sniff_text(head);
    text.starts_with('{')
        && text.contains("\"matches\"")
        && (text.contains("\"vulnerability\"") || text.contains("\"descriptor\""))
        && !text.contains("\"runs\"")
}

/// Reads a Grype JSON report.
pub fn parse<R: Read>(reader: R) -> Result<FindingSet, ParseError> {
    scan_json::run(reader, "Grype", ReportSeed)
        .map(|s| s.looked_for(Category::Vulnerability, "Grype"))
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum Field {
    Matches,
    IgnoredMatches,
    #[serde(other)]
    Other,
}

struct ReportSeed;

impl<'de> DeserializeSeed<'de> for ReportSeed {
    type Value = FindingSet;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<FindingSet, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ReportSeed {
    type Value = FindingSet;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Grype JSON report object with a \"matches\" array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FindingSet, A::Error> {
        let mut set = FindingSet::default();
        let mut seen_matches = false;
        let mut ignored = 0;
        while let Some(key) = map.next_key::<Field>()? {
            match key {
                Field::Matches => {
                    map.next_value_seed(Each(ForEach::new("Grype matches", |m: Match| {
                        set.push(m.into_finding())
                    })))?;
                    seen_matches = true;
                }
                Field::IgnoredMatches => ignored += map.next_value_seed(Each(Count(0)))?.0,
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !seen_matches {
            return Err(de::Error::custom(
                "no \"matches\" array: this is not a Grype JSON report",
            ));
        }
        if ignored > 0 {
            set.notes.push(format!(
                "{ignored} match(es) hidden by Grype ignore rules not counted"
            ));
        }
        Ok(set)
    }
}

#[derive(Deserialize)]
struct Match {
    vulnerability: Option<Vulnerability>,
    artifact: Option<Artifact>,
}

#[derive(Deserialize)]
struct Vulnerability {
    id: Option<String>,
    severity: Option<String>,
    description: Option<String>,
    fix: Option<Fix>,
}

#[derive(Deserialize)]
struct Fix {
    versions: Option<Vec<String>>,
    state: Option<String>,
}

#[derive(Deserialize)]
struct Artifact {
    name: Option<String>,
    version: Option<String>,
    locations: Option<Vec<ArtifactLocation>>,
}

#[derive(Deserialize)]
struct ArtifactLocation {
    path: Option<String>,
}

impl Match {
    fn into_finding(self) -> crate::evidence::Finding {
        let vuln = self.vulnerability.unwrap_or(Vulnerability {
            id: None,
            severity: None,
            description: None,
            fix: None,
        });
        let artifact = self.artifact.unwrap_or(Artifact {
            name: None,
            version: None,
            locations: None,
        });
        let id = non_empty(vuln.id).unwrap_or_else(|| "(no id)".to_string());
        let severity = vuln
            .severity
            .as_deref()
            .map(Severity::parse_loose)
            .unwrap_or(Severity::Unknown);
        let package = non_empty(artifact.name);
        let installed = non_empty(artifact.version);
        let message = match (&package, &installed, non_empty(vuln.description)) {
            (_, _, Some(d)) => d,
            (Some(p), Some(v), None) => format!("{id} in {p} {v}"),
            (Some(p), None, None) => format!("{id} in {p}"),
            _ => id.clone(),
        };
        let mut f = finding(id, severity, Category::Vulnerability, &message, TOOL);
        let fix = vuln.fix.unwrap_or(Fix {
            versions: None,
            state: None,
        });
        let versions: Vec<String> = fix
            .versions
            .unwrap_or_default()
            .into_iter()
            .filter(|v| !v.is_empty())
            .collect();
        f.fixed_version = (!versions.is_empty()).then(|| versions.join(", "));
        f.fixable = fix
            .state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("fixed"));
        f.location = artifact
            .locations
            .unwrap_or_default()
            .into_iter()
            .find_map(|l| non_empty(l.path))
            .map(|path| Location { path, line: None });
        f.package = package;
        f.installed_version = installed;
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
    fn matches_become_findings() {
        let doc = r#"{"matches": [
            {"vulnerability": {"id": "CVE-1", "severity": "High", "fix": {"versions": ["1.2.3"], "state": "fixed"}},
             "artifact": {"name": "lodash", "version": "1.0.0", "locations": [{"path": "/app/package-lock.json"}]}},
            {"vulnerability": {"id": "GHSA-x", "severity": "Negligible", "fix": {"versions": [], "state": "not-fixed"}},
             "artifact": {"name": "zlib", "version": "1"}}
          ], "ignoredMatches": [{"vulnerability": {}}, {}], "descriptor": {"name": "grype", "version": "0.74.0"}}"#;
        let set = parse_str(doc).unwrap();
        assert_eq!(set.total(), 2);
        let f = &set.findings[0];
        assert_eq!(
            (f.id.as_str(), f.severity, f.fixable),
            ("CVE-1", Severity::High, true)
        );
        assert_eq!(f.fixed_version.as_deref(), Some("1.2.3"));
        assert_eq!(f.package.as_deref(), Some("lodash"));
        assert_eq!(
            f.location.as_ref().map(|l| l.path.as_str()),
            Some("/app/package-lock.json")
        );
        assert_eq!(f.message, "CVE-1 in lodash 1.0.0");
        let g = &set.findings[1];
        assert_eq!(
            (g.severity, g.fixable, g.fixed_version.as_deref()),
            (Severity::Info, false, None)
        );
        assert_eq!(
            set.notes,
            vec!["2 match(es) hidden by Grype ignore rules not counted".to_string()]
        );
    }

    #[test]
    fn empty_and_wrong_shapes() {
        assert_eq!(parse_str(r#"{"matches": []}"#).unwrap().total(), 0);
        assert!(
            parse_str(r#"{"source": {}}"#)
                .unwrap_err()
                .message
                .contains("no \"matches\"")
        );
        let err = parse_str(r#"{"matches": {"a": 1}}"#).unwrap_err();
        assert!(
            err.message.contains("expected a list of Grype matches"),
            "{err}"
        );
        let err = parse_str(r#"{"matches": [{"vulnerability": {"fix": {"versions": "1.0"}}}]}"#)
            .unwrap_err();
        assert!(err.message.contains("invalid type"), "{err}");
    }

    #[test]
    fn sniff_is_specific() {
        assert!(sniff(
            br#"{"matches": [{"vulnerability": {"id": "CVE-1"}}]}"#
        ));
        assert!(!sniff(br#"{"SchemaVersion": 2, "Results": []}"#));
        assert!(!sniff(
            br#"{"runs": [{"results": [{"matches": 1, "vulnerability": 2}]}]}"#
        ));
    }
}
