//! `npm audit --json` reports: npm 6 (`advisories` map) and npm 7+ (`auditReportVersion: 2`).
//!
//! What one finding is differs, because the two formats count differently:
//! - npm 6: one finding per advisory (`advisories` values), id its `github_advisory_id`, else its
//!   first CVE, else `npm-advisory-<id>`; package `module_name`, installed versions from
//!   `findings[].version`. npm's own `metadata.vulnerabilities` counts *paths* (an advisory
//!   reached through 4 dependency paths counts 4), so the cross-check sums the `paths` of each
//!   advisory per severity and notes any disagreement.
//! - npm 7+: one finding per vulnerable package (`vulnerabilities` values), as npm itself counts
//!   in `metadata.vulnerabilities`; the cross-check compares per severity and the total. The id is
//!   the first advisory in `via` (its GHSA id from the URL, else `npm-advisory-<source>`); a
//!   package only vulnerable through other packages (`via` holds names) takes its own name as id.
//!   Fixable when `fixAvailable` is `true` or an object; the fixed version is known only when
//!   that object names the package itself.
//!
//! Severity words: `critical`, `high`, `moderate` → medium, `low`, `info`. Both maps are streamed
//! entry by entry. An npm error object (`{"error": {...}}`) is reported as a parse error.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::ParseError;
use super::scan_json::{self, Count, Each, finding, non_empty};
use crate::evidence::{Category, Finding, FindingSet, Location, Severity};

const TOOL: &str = "npm audit";
const SEVERITIES: [&str; 5] = ["critical", "high", "moderate", "low", "info"];

/// True for npm audit JSON: `auditReportVersion` (npm 7+), or npm 6's `actions[].resolves` or
/// `advisories` with `module_name` / `muted` (Grype also has `advisories` keys).
pub fn sniff(head: &[u8]) -> bool {
    let text = scan_json::sniff_text(head);
    text.starts_with('{')
        && (text.contains("\"auditReportVersion\"")
            || (text.contains("\"actions\"") && text.contains("\"resolves\""))
            || (text.contains("\"advisories\"")
                && (text.contains("\"module_name\"") || text.contains("\"muted\""))))
}

/// Reads an npm audit JSON report (npm 6 or 7+).
pub fn parse<R: Read>(reader: R) -> Result<FindingSet, ParseError> {
    scan_json::run(reader, "npm audit", ReportSeed)
        .map(|s| s.looked_for(Category::Vulnerability, "npm audit"))
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum Field {
    Advisories,
    Vulnerabilities,
    Metadata,
    Error,
    #[serde(other)]
    Other,
}

#[derive(Default, Deserialize)]
struct Metadata {
    vulnerabilities: Option<BTreeMap<String, u64>>,
}

#[derive(Deserialize)]
struct NpmError {
    code: Option<String>,
    summary: Option<String>,
}

#[derive(Default)]
struct Tally {
    /// Per severity word: what the findings add up to in npm's unit (paths for npm 6).
    by_severity: BTreeMap<String, u64>,
    units: u64,
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
        f.write_str("an npm audit JSON report object (with \"advisories\" or \"vulnerabilities\")")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FindingSet, A::Error> {
        let mut set = FindingSet::default();
        let mut tally = Tally::default();
        let mut version = None;
        let mut metadata = Metadata::default();
        while let Some(key) = map.next_key::<Field>()? {
            match key {
                Field::Advisories => {
                    map.next_value_seed(Entries {
                        set: &mut set,
                        tally: &mut tally,
                        v7: false,
                    })?;
                    version = Some(6);
                }
                Field::Vulnerabilities => {
                    map.next_value_seed(Entries {
                        set: &mut set,
                        tally: &mut tally,
                        v7: true,
                    })?;
                    version = Some(7);
                }
                Field::Metadata => {
                    metadata = map.next_value::<Option<Metadata>>()?.unwrap_or_default()
                }
                Field::Error => {
                    let e: Option<NpmError> = map.next_value()?;
                    let e = e.unwrap_or(NpmError {
                        code: None,
                        summary: None,
                    });
                    return Err(de::Error::custom(format!(
                        "npm audit reported an error instead of a report: {} {}",
                        e.code.unwrap_or_default(),
                        e.summary.unwrap_or_default()
                    )));
                }
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let Some(version) = version else {
            return Err(de::Error::custom(
                "no \"advisories\" or \"vulnerabilities\" map: this is not an npm audit report",
            ));
        };
        if let Some(declared) = metadata.vulnerabilities {
            cross_check(&mut set, &tally, &declared, version);
        }
        Ok(set)
    }
}

fn cross_check(set: &mut FindingSet, tally: &Tally, declared: &BTreeMap<String, u64>, version: u8) {
    let unit = if version == 6 {
        "dependency paths"
    } else {
        "vulnerable packages"
    };
    let mut mismatches = Vec::new();
    for sev in SEVERITIES {
        let counted = tally.by_severity.get(sev).copied().unwrap_or(0);
        let said = declared.get(sev).copied().unwrap_or(0);
        if counted != said {
            mismatches.push(format!("{sev} {said} vs {counted}"));
        }
    }
    if let Some(total) = declared.get("total")
        && *total != tally.units
    {
        mismatches.push(format!("total {total} vs {}", tally.units));
    }
    if !mismatches.is_empty() {
        set.notes.push(format!(
            "metadata.vulnerabilities disagrees with the report's {unit} (metadata vs counted): {}",
            mismatches.join(", ")
        ));
    }
}

/// The `advisories` (npm 6) or `vulnerabilities` (npm 7+) map, streamed entry by entry.
struct Entries<'a> {
    set: &'a mut FindingSet,
    tally: &'a mut Tally,
    v7: bool,
}

impl<'de> DeserializeSeed<'de> for Entries<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for Entries<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.v7 {
            f.write_str("a map of vulnerable packages (npm 7+ \"vulnerabilities\")")
        } else {
            f.write_str("a map of advisories (npm 6 \"advisories\")")
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.v7 {
            while let Some((name, v)) = map.next_entry::<String, Package>()? {
                let (finding, sev) = v.into_finding(name);
                *self.tally.by_severity.entry(sev).or_default() += 1;
                self.tally.units += 1;
                self.set.push(finding);
            }
        } else {
            while let Some((key, a)) = map.next_entry::<String, Advisory>()? {
                let (finding, sev, paths) = a.into_finding(&key);
                *self.tally.by_severity.entry(sev).or_default() += paths;
                self.tally.units += paths;
                self.set.push(finding);
            }
        }
        Ok(())
    }
}

fn severity_word(s: Option<String>) -> (Severity, String) {
    let word = s.unwrap_or_default().trim().to_ascii_lowercase();
    (Severity::parse_loose(&word), word)
}

/// An array read only for its length.
struct Counted(u64);

impl<'de> Deserialize<'de> for Counted {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Counted(Each(Count(0)).deserialize(d)?.0))
    }
}

#[derive(Deserialize)]
struct Advisory {
    id: Option<serde_json::Value>,
    title: Option<String>,
    module_name: Option<String>,
    severity: Option<String>,
    cves: Option<Vec<String>>,
    github_advisory_id: Option<String>,
    patched_versions: Option<String>,
    findings: Option<Vec<AdvisoryFinding>>,
}

#[derive(Deserialize)]
struct AdvisoryFinding {
    version: Option<String>,
    paths: Option<Counted>,
}

impl Advisory {
    fn into_finding(self, key: &str) -> (Finding, String, u64) {
        let (severity, word) = severity_word(self.severity);
        let number = match self.id {
            Some(serde_json::Value::Number(n)) => n.to_string(),
            Some(serde_json::Value::String(s)) if !s.is_empty() => s,
            _ => key.to_string(),
        };
        let id = non_empty(self.github_advisory_id)
            .or_else(|| {
                self.cves
                    .unwrap_or_default()
                    .into_iter()
                    .find(|c| !c.is_empty())
            })
            .unwrap_or_else(|| format!("npm-advisory-{number}"));
        let package = non_empty(self.module_name);
        let title = non_empty(self.title).unwrap_or_else(|| id.clone());
        let message = match &package {
            Some(p) => format!("{title} ({p})"),
            None => title,
        };
        let mut versions = Vec::new();
        let mut paths = 0;
        for f in self.findings.unwrap_or_default() {
            paths += f.paths.map_or(0, |p| p.0);
            if let Some(v) = non_empty(f.version)
                && !versions.contains(&v)
            {
                versions.push(v);
            }
        }
        let mut f = finding(id, severity, Category::Vulnerability, &message, TOOL);
        f.package = package;
        f.installed_version = (!versions.is_empty()).then(|| versions.join(", "));
        f.fixed_version = non_empty(self.patched_versions).filter(|p| p.trim() != "<0.0.0");
        f.fixable = f.fixed_version.is_some();
        (f, word, paths)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    name: Option<String>,
    severity: Option<String>,
    via: Option<Vec<Via>>,
    nodes: Option<Vec<String>>,
    fix_available: Option<FixAvailable>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Via {
    Package(String),
    Advisory(ViaAdvisory),
}

#[derive(Deserialize)]
struct ViaAdvisory {
    source: Option<serde_json::Value>,
    title: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FixAvailable {
    Flag(bool),
    Upgrade(FixUpgrade),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FixUpgrade {
    name: Option<String>,
    version: Option<String>,
    is_sem_ver_major: Option<bool>,
}

impl ViaAdvisory {
    fn id(&self) -> Option<String> {
        let from_url = self
            .url
            .as_deref()
            .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
            .filter(|s| s.starts_with("GHSA-") || s.starts_with("CVE-"))
            .map(str::to_string);
        from_url.or_else(|| match &self.source {
            Some(serde_json::Value::Number(n)) => Some(format!("npm-advisory-{n}")),
            Some(serde_json::Value::String(s)) if !s.is_empty() => {
                Some(format!("npm-advisory-{s}"))
            }
            _ => None,
        })
    }
}

impl Package {
    fn into_finding(self, key: String) -> (Finding, String) {
        let (severity, word) = severity_word(self.severity);
        let package = non_empty(self.name).unwrap_or(key);
        let mut advisories = Vec::new();
        let mut through = Vec::new();
        for via in self.via.unwrap_or_default() {
            match via {
                Via::Package(p) => through.push(p),
                Via::Advisory(a) => advisories.push(a),
            }
        }
        let id = advisories
            .iter()
            .find_map(ViaAdvisory::id)
            .unwrap_or_else(|| package.clone());
        let mut message = match advisories.first().and_then(|a| non_empty(a.title.clone())) {
            Some(title) if advisories.len() > 1 => {
                format!("{title} (+{} more advisories)", advisories.len() - 1)
            }
            Some(title) => title,
            None => format!("{package} is vulnerable through {}", through.join(", ")),
        };
        let mut f = finding(id, severity, Category::Vulnerability, "", TOOL);
        match self.fix_available {
            Some(FixAvailable::Flag(b)) => f.fixable = b,
            Some(FixAvailable::Upgrade(u)) => {
                f.fixable = true;
                let major = if u.is_sem_ver_major == Some(true) {
                    ", semver-major"
                } else {
                    ""
                };
                let target = format!(
                    "{}@{}",
                    u.name.as_deref().unwrap_or("?"),
                    u.version.as_deref().unwrap_or("?")
                );
                message = format!("{message} (fix: upgrade {target}{major})");
                if u.name.as_deref() == Some(package.as_str()) {
                    f.fixed_version = non_empty(u.version);
                }
            }
            None => {}
        }
        f.message = scan_json::clip(&message, scan_json::MAX_MESSAGE_CHARS);
        f.location = self
            .nodes
            .unwrap_or_default()
            .into_iter()
            .find(|n| !n.is_empty())
            .map(|path| Location { path, line: None });
        f.package = Some(package);
        (f, word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<FindingSet, ParseError> {
        parse(s.as_bytes())
    }

    #[test]
    fn npm6_one_finding_per_advisory_and_path_cross_check() {
        let doc = r#"{"actions": [], "advisories": {
            "106": {"id": 106, "title": "DoS", "module_name": "negotiator", "severity": "high",
                    "cves": ["CVE-2016-10539"], "patched_versions": ">= 0.6.1",
                    "findings": [{"version": "0.5.3", "paths": ["a>negotiator", "b>negotiator"]}]},
            "7": {"id": 7, "title": "Old", "module_name": "x", "severity": "moderate", "cves": [],
                  "github_advisory_id": "GHSA-aaaa-bbbb-cccc", "patched_versions": "<0.0.0",
                  "findings": [{"version": "1.0.0", "paths": ["x"]}, {"version": "1.0.1", "paths": ["y>x"]}]}
          }, "metadata": {"vulnerabilities": {"info": 0, "low": 0, "moderate": 2, "high": 2, "critical": 0}}}"#;
        let set = parse_str(doc).unwrap();
        assert_eq!(set.total(), 2);
        let f = &set.findings[0];
        assert_eq!(
            (f.id.as_str(), f.severity, f.fixable),
            ("CVE-2016-10539", Severity::High, true)
        );
        assert_eq!(f.message, "DoS (negotiator)");
        let g = &set.findings[1];
        assert_eq!(
            (g.id.as_str(), g.severity, g.fixable),
            ("GHSA-aaaa-bbbb-cccc", Severity::Medium, false)
        );
        assert_eq!(g.installed_version.as_deref(), Some("1.0.0, 1.0.1"));
        assert!(set.notes.is_empty(), "{:?}", set.notes);
    }

    #[test]
    fn npm7_one_finding_per_package() {
        let doc = r#"{"auditReportVersion": 2, "vulnerabilities": {
            "debug": {"name": "debug", "severity": "moderate", "isDirect": false,
              "via": [{"source": 1094219, "name": "debug", "title": "ReDoS", "url": "https://github.com/advisories/GHSA-9vvw-cc9w-f27h", "severity": "moderate"}],
              "effects": ["@vercel/fun"], "range": "4.0.0 - 4.3.0", "nodes": ["node_modules/debug"],
              "fixAvailable": {"name": "debug", "version": "4.3.1", "isSemVerMajor": false}},
            "vercel": {"name": "vercel", "severity": "low", "isDirect": true, "via": ["@vercel/fun", "debug"],
              "effects": [], "range": "*", "nodes": ["node_modules/vercel"], "fixAvailable": false}
          }, "metadata": {"vulnerabilities": {"info": 0, "low": 1, "moderate": 2, "high": 0, "critical": 0, "total": 3}}}"#;
        let set = parse_str(doc).unwrap();
        assert_eq!(set.total(), 2);
        let f = &set.findings[0];
        assert_eq!(
            (f.id.as_str(), f.severity, f.fixable),
            ("GHSA-9vvw-cc9w-f27h", Severity::Medium, true)
        );
        assert_eq!(f.fixed_version.as_deref(), Some("4.3.1"));
        assert_eq!(
            f.location.as_ref().map(|l| l.path.as_str()),
            Some("node_modules/debug")
        );
        let g = &set.findings[1];
        assert_eq!((g.id.as_str(), g.fixable), ("vercel", false));
        assert_eq!(g.message, "vercel is vulnerable through @vercel/fun, debug");
        assert_eq!(set.notes.len(), 1);
        assert!(
            set.notes[0].contains("moderate 2 vs 1") && set.notes[0].contains("total 3 vs 2"),
            "{:?}",
            set.notes
        );
    }

    #[test]
    fn errors() {
        let err =
            parse_str(r#"{"error": {"code": "ENOLOCK", "summary": "no lockfile"}}"#).unwrap_err();
        assert!(err.message.contains("ENOLOCK no lockfile"), "{err}");
        assert!(
            parse_str(r#"{"metadata": {}}"#)
                .unwrap_err()
                .message
                .contains("not an npm audit report")
        );
        let err = parse_str(r#"{"auditReportVersion": 2, "vulnerabilities": [1]}"#).unwrap_err();
        assert!(
            err.message
                .contains("expected a map of vulnerable packages"),
            "{err}"
        );
        let err =
            parse_str(r#"{"advisories": {"1": {"findings": [{"paths": "a"}]}}}"#).unwrap_err();
        assert!(err.message.contains("invalid type"), "{err}");
    }

    #[test]
    fn sniff_is_specific() {
        assert!(sniff(
            br#"{"auditReportVersion": 2, "vulnerabilities": {}}"#
        ));
        assert!(sniff(
            br#"{"actions": [{"action": "install", "resolves": []}], "advisories": {}}"#
        ));
        assert!(sniff(br#"{"actions": [], "advisories": {}, "muted": []}"#));
        assert!(!sniff(
            br#"{"matches": [{"vulnerability": {"advisories": []}}]}"#
        ));
    }
}
