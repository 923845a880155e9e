//! osv-scanner JSON reports (`osv-scanner --format json`).
//!
//! `results[].packages[]` is streamed package by package (one package's advisories are held while
//! it is read). osv-scanner merges aliases into `groups[]` (`ids`, `aliases`, `max_severity`):
//! one finding per group, so a GHSA and its CVE twin count once. The id is the group's first id;
//! the other ids and aliases go in the message. Severity is `max_severity`, a CVSS score string,
//! in the CVSS v3 bands; when it is empty (no CVSS score) the advisories'
//! `database_specific.severity` word decides (the worst of the group), else unknown. The fixed
//! version is the lowest `fixed` event of the advisories' `affected` ranges for this package;
//! fixable when there is one. The location is the result's `source.path` (the lockfile). Older
//! reports without `groups` give one finding per vulnerability.

use std::fmt;
use std::io::Read;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::ParseError;
use super::scan_json::{self, Each, Elements, NumOrText, finding, non_empty};
use crate::evidence::{Category, Finding, FindingSet, Location, Severity};

const TOOL: &str = "osv-scanner";

/// True for osv-scanner JSON: `results` whose entries have `packages` with an `ecosystem`.
pub fn sniff(head: &[u8]) -> bool {
    let text = scan_json::sniff_text(head);
    text.starts_with('{')
        && text.contains("\"results\"")
        && text.contains("\"packages\"")
        && text.contains("\"ecosystem\"")
        && !text.contains("\"runs\"")
}

/// Reads an osv-scanner JSON report.
pub fn parse<R: Read>(reader: R) -> Result<FindingSet, ParseError> {
    scan_json::run(reader, "osv-scanner", ReportSeed)
        .map(|s| s.looked_for(Category::Vulnerability, "osv-scanner"))
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum ReportField {
    Results,
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
        f.write_str("an osv-scanner JSON report object with a \"results\" array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FindingSet, A::Error> {
        let mut set = FindingSet::default();
        let mut seen = false;
        while let Some(key) = map.next_key::<ReportField>()? {
            match key {
                ReportField::Results => {
                    map.next_value_seed(Each(Sources(&mut set)))?;
                    seen = true;
                }
                ReportField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !seen {
            return Err(de::Error::custom(
                "no \"results\" array: this is not an osv-scanner report",
            ));
        }
        Ok(set)
    }
}

struct Sources<'a>(&'a mut FindingSet);

impl<'de> Elements<'de> for Sources<'_> {
    fn what(&self) -> &'static str {
        "osv-scanner results"
    }

    fn next<A: SeqAccess<'de>>(&mut self, seq: &mut A) -> Result<bool, A::Error> {
        Ok(seq.next_element_seed(SourceSeed(&mut *self.0))?.is_some())
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum SourceField {
    Source,
    Packages,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct Source {
    path: Option<String>,
}

struct SourceSeed<'a>(&'a mut FindingSet);

impl<'de> DeserializeSeed<'de> for SourceSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SourceSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an osv-scanner result object (source, packages)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let set = self.0;
        let start = set.findings.len();
        let mut path = None;
        while let Some(key) = map.next_key::<SourceField>()? {
            match key {
                SourceField::Source => {
                    path = map
                        .next_value::<Option<Source>>()?
                        .and_then(|s| non_empty(s.path))
                }
                SourceField::Packages => {
                    let each = scan_json::ForEach::new("osv-scanner packages", |p: Package| {
                        for f in p.into_findings() {
                            set.push(f);
                        }
                    });
                    map.next_value_seed(Each(each))?;
                }
                SourceField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(path) = path {
            for f in set.findings.iter_mut().skip(start) {
                f.location = Some(Location {
                    path: path.clone(),
                    line: None,
                });
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct Package {
    package: Option<PackageInfo>,
    vulnerabilities: Option<Vec<Vulnerability>>,
    groups: Option<Vec<Group>>,
}

#[derive(Deserialize)]
struct PackageInfo {
    name: Option<String>,
    version: Option<String>,
}

#[derive(Deserialize)]
struct Vulnerability {
    id: Option<String>,
    summary: Option<String>,
    affected: Option<Vec<Affected>>,
    database_specific: Option<DatabaseSpecific>,
}

#[derive(Deserialize)]
struct DatabaseSpecific {
    severity: Option<NumOrText>,
}

#[derive(Deserialize)]
struct Affected {
    package: Option<AffectedPackage>,
    ranges: Option<Vec<Range>>,
}

#[derive(Deserialize)]
struct AffectedPackage {
    name: Option<String>,
}

#[derive(Deserialize)]
struct Range {
    events: Option<Vec<Event>>,
}

#[derive(Deserialize)]
struct Event {
    fixed: Option<String>,
}

#[derive(Deserialize)]
struct Group {
    ids: Option<Vec<String>>,
    aliases: Option<Vec<String>>,
    max_severity: Option<NumOrText>,
}

impl Vulnerability {
    fn word_severity(&self) -> Option<Severity> {
        match self.database_specific.as_ref()?.severity.as_ref()? {
            NumOrText::Text(t) => {
                Some(Severity::parse_loose(t)).filter(|s| *s != Severity::Unknown)
            }
            NumOrText::Num(n) => Some(Severity::from_score(*n)),
        }
    }

    /// The `fixed` versions this advisory gives for the package `name`.
    fn fixed_versions<'a>(&'a self, name: Option<&'a str>) -> impl Iterator<Item = &'a str> + 'a {
        self.affected
            .iter()
            .flatten()
            .filter(move |a| {
                let affected = a.package.as_ref().and_then(|p| p.name.as_deref());
                name.is_none() || affected.is_none() || affected == name
            })
            .flat_map(|a| a.ranges.iter().flatten())
            .flat_map(|r| r.events.iter().flatten())
            .filter_map(|e| e.fixed.as_deref())
            .filter(|f| !f.is_empty())
    }
}

impl Package {
    fn into_findings(self) -> Vec<Finding> {
        let info = self.package.unwrap_or(PackageInfo {
            name: None,
            version: None,
        });
        let vulns = self.vulnerabilities.unwrap_or_default();
        let groups = match self.groups {
            Some(g) if !g.is_empty() => g,
            _ => vulns
                .iter()
                .filter_map(|v| v.id.clone())
                .map(|id| Group {
                    ids: Some(vec![id]),
                    aliases: None,
                    max_severity: None,
                })
                .collect(),
        };
        let name = non_empty(info.name);
        let version = non_empty(info.version);
        groups
            .into_iter()
            .map(|g| {
                let ids = g.ids.unwrap_or_default();
                let members: Vec<&Vulnerability> = vulns
                    .iter()
                    .filter(|v| v.id.as_ref().is_some_and(|id| ids.contains(id)))
                    .collect();
                let id = ids
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "(no id)".to_string());
                let severity = match g.max_severity.as_ref().and_then(NumOrText::number) {
                    Some(score) => Severity::from_score(score),
                    None => members
                        .iter()
                        .filter_map(|v| v.word_severity())
                        .min()
                        .unwrap_or(Severity::Unknown),
                };
                let others: Vec<&str> = ids
                    .iter()
                    .chain(g.aliases.iter().flatten())
                    .map(String::as_str)
                    .filter(|a| *a != id)
                    .fold(Vec::new(), |mut acc, a| {
                        if !acc.contains(&a) {
                            acc.push(a);
                        }
                        acc
                    });
                let summary = members
                    .iter()
                    .find_map(|v| non_empty(v.summary.clone()))
                    .unwrap_or_else(|| id.clone());
                let message = if others.is_empty() {
                    summary
                } else {
                    format!("{summary} (also {})", others.join(", "))
                };
                let fixes: Vec<&str> = members
                    .iter()
                    .flat_map(|v| v.fixed_versions(name.as_deref()))
                    .collect();
                let above_installed = fixes
                    .iter()
                    .filter(|f| {
                        version
                            .as_deref()
                            .is_none_or(|v| compare_versions(f, v).is_gt())
                    })
                    .min_by(|a, b| compare_versions(a, b));
                let fixed = above_installed
                    .or_else(|| fixes.iter().min_by(|a, b| compare_versions(a, b)))
                    .map(|f| f.to_string());
                let mut f = finding(id, severity, Category::Vulnerability, &message, TOOL);
                f.package.clone_from(&name);
                f.installed_version.clone_from(&version);
                f.fixable = fixed.is_some();
                f.fixed_version = fixed;
                f
            })
            .collect()
    }
}

/// Orders dotted versions numerically where they are numbers (`0.4.11` > `0.4.9`).
fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |s: &str| -> Vec<(u64, String)> {
        s.split(['.', '-', '+'])
            .map(|p| (p.parse::<u64>().unwrap_or(u64::MAX), p.to_string()))
            .collect()
    };
    parts(a).cmp(&parts(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<FindingSet, ParseError> {
        parse(s.as_bytes())
    }

    #[test]
    fn one_finding_per_group() {
        let doc = r#"{"results": [{"source": {"path": "/app/package-lock.json", "type": "lockfile"},
          "packages": [{"package": {"name": "adm-zip", "version": "0.4.4", "ecosystem": "npm"},
            "vulnerabilities": [
              {"id": "GHSA-1", "aliases": ["CVE-1"], "summary": "Path traversal",
               "affected": [{"package": {"name": "adm-zip"}, "ranges": [{"events": [{"introduced": "0"}, {"fixed": "0.4.11"}]},
                             {"events": [{"introduced": "0.5.0"}, {"fixed": "0.4.9"}]}]}]},
              {"id": "CVE-1", "summary": "dup"},
              {"id": "GHSA-2", "database_specific": {"severity": "HIGH"}}],
            "groups": [{"ids": ["GHSA-1", "CVE-1"], "aliases": ["CVE-1", "GHSA-1"], "max_severity": "9.3"},
                       {"ids": ["GHSA-2"], "max_severity": ""}]}]}]}"#;
        let set = parse_str(doc).unwrap();
        assert_eq!(set.total(), 2);
        let f = &set.findings[0];
        assert_eq!((f.id.as_str(), f.severity), ("GHSA-1", Severity::Critical));
        assert_eq!(f.message, "Path traversal (also CVE-1)");
        assert_eq!(f.fixed_version.as_deref(), Some("0.4.9"));
        let g = Package {
            package: Some(PackageInfo { name: Some("p".into()), version: Some("0.4.10".into()) }),
            ..serde_json::from_str(r#"{"vulnerabilities": [{"id": "A", "affected": [{"ranges": [{"events": [{"fixed": "0.4.9"}, {"fixed": "0.4.11"}, {"fixed": "1.0"}]}]}]}]}"#).unwrap()
        };
        assert_eq!(
            g.into_findings()[0].fixed_version.as_deref(),
            Some("0.4.11")
        );
        assert!(f.fixable);
        assert_eq!(f.package.as_deref(), Some("adm-zip"));
        assert_eq!(
            f.location.as_ref().map(|l| l.path.as_str()),
            Some("/app/package-lock.json")
        );
        let g = &set.findings[1];
        assert_eq!(
            (g.id.as_str(), g.severity, g.fixable),
            ("GHSA-2", Severity::High, false)
        );
    }

    #[test]
    fn without_groups_one_per_vulnerability() {
        let doc = r#"{"results": [{"packages": [{"package": {"name": "a"}, "vulnerabilities": [{"id": "X"}, {"id": "Y"}]}]}]}"#;
        let set = parse_str(doc).unwrap();
        assert_eq!(set.total(), 2);
        assert_eq!(set.findings[1].severity, Severity::Unknown);
    }

    #[test]
    fn errors_and_empty() {
        assert_eq!(parse_str(r#"{"results": []}"#).unwrap().total(), 0);
        assert!(
            parse_str(r#"{"packages": []}"#)
                .unwrap_err()
                .message
                .contains("no \"results\"")
        );
        let err = parse_str(r#"{"results": [{"packages": [{"groups": [{"ids": "GHSA-1"}]}]}]}"#)
            .unwrap_err();
        assert!(err.message.contains("invalid type"), "{err}");
    }

    #[test]
    fn sniff_is_specific() {
        assert!(sniff(br#"{"results": [{"source": {}, "packages": [{"package": {"name": "a", "ecosystem": "npm"}}]}]}"#));
        assert!(!sniff(
            br#"{"runs": [{"results": [{"packages": 1, "ecosystem": 2}]}]}"#
        ));
    }
}
