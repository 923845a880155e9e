//! Trivy JSON reports (`trivy image|fs|repo|config|k8s --format json`).
//!
//! Shapes read, all streamed result by result and finding by finding:
//! - SchemaVersion 2: `{SchemaVersion, ArtifactName, Results: [{Target, Class, Type,
//!   Vulnerabilities, Misconfigurations, Secrets, Licenses}]}`. A clean scan omits `Results`.
//! - Kubernetes: `{ClusterName, Resources: [{Namespace, Kind, Name, Results: [...]}]}`, the
//!   summary form with `Findings` instead of `Resources`, and the older reports (Trivy < 0.40)
//!   that split resources into top-level `Vulnerabilities` and `Misconfigurations` arrays. Each
//!   finding's message starts with `namespace/kind/name`.
//! - Legacy (Trivy < 0.20): a top-level array of results, or `null` when nothing was found (Go's
//!   nil slice, as gitleaks writes too): no findings.
//!
//! Findings: vulnerabilities (id `VulnerabilityID`, package `PkgName`, installed and fixed
//! versions, fixable when `FixedVersion` is not empty); misconfigurations whose `Status` is
//! `FAIL` (or absent, as early releases wrote only failures) with id `ID` (else `AVDID`) and
//! line `CauseMetadata.StartLine`; secrets (id `RuleID`, line `StartLine`; the `Match` text is
//! never kept); licenses (id the licence name, category license). Severity from `Severity`.
//! The location path is the result's `Target`. Go writes `Target` before the finding arrays;
//! for reordered files (`jq -S`) the path is filled in when the result ends.
//!
//! Scope: each result's `Class` says which scanner produced it (`os-pkgs`/`lang-pkgs`:
//! vulnerabilities, `config`: misconfigurations, `secret`, `license`), clean or not; results of
//! reports without `Class` count by the arrays they carry. Trivy writes no result for a secret
//! scan that found nothing, so such a scan cannot be told from no scan. An image scan's
//! `Metadata.ImageConfig.config.User` is kept, so a rule can ask whether the image runs as root.

use std::fmt;
use std::io::Read;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::ParseError;
use super::scan_json::{self, Each, Elements, ForEach, finding, non_empty};
use crate::evidence::{Category, FindingSet, Location, Severity};

const TOOL: &str = "Trivy";
/// Resource scan errors quoted in the notes; the rest are counted.
const MAX_ERROR_NOTES: usize = 20;

/// True for Trivy JSON: its capitalised top-level keys, or a legacy list of results.
pub fn sniff(head: &[u8]) -> bool {
    let text = scan_json::sniff_text(head);
    if text.starts_with('{') {
        (text.contains("\"SchemaVersion\"")
            && (text.contains("\"ArtifactName\"") || text.contains("\"Results\"")))
            || text.contains("\"ClusterName\"")
    } else if text.starts_with('[') {
        text.contains("\"Target\"")
            && (text.contains("\"Vulnerabilities\"")
                || text.contains("\"Misconfigurations\"")
                || text.contains("\"Secrets\""))
    } else {
        false
    }
}

/// Reads a Trivy JSON report.
pub fn parse<R: Read>(reader: R) -> Result<FindingSet, ParseError> {
    let st = scan_json::run(reader, "Trivy", ReportSeed)?;
    Ok(st.finish())
}

#[derive(Default)]
struct State {
    set: FindingSet,
    not_failed_misconfigs: u64,
    resource_errors: u64,
    artifact_name: Option<String>,
    artifact_type: Option<String>,
    image_user: Option<Option<String>>,
}

/// The category a result's `Class` says was scanned for, and Trivy's name for that scanner.
fn class_category(class: &str) -> Option<(Category, &'static str)> {
    match class {
        "os-pkgs" | "lang-pkgs" => Some((Category::Vulnerability, "Trivy vuln")),
        "config" => Some((Category::Misconfiguration, "Trivy misconfig")),
        "secret" => Some((Category::Secret, "Trivy secret")),
        "license" | "license-file" => Some((Category::License, "Trivy license")),
        _ => None,
    }
}

#[derive(Deserialize, Default)]
struct Metadata {
    #[serde(rename = "ImageConfig", default)]
    image_config: Option<ImageConfigJson>,
}

#[derive(Deserialize, Default)]
struct ImageConfigJson {
    #[serde(default)]
    config: Option<ContainerConfig>,
}

#[derive(Deserialize, Default)]
struct ContainerConfig {
    #[serde(rename = "User", default)]
    user: Option<String>,
}

impl State {
    fn finish(mut self) -> FindingSet {
        let kind = self.artifact_type.as_deref().map(|t| match t {
            "container_image" => "image",
            "filesystem" => "filesystem",
            "repository" => "repository",
            other => other,
        });
        match (kind, &self.artifact_name) {
            (Some(k), Some(n)) => self
                .set
                .scope
                .described
                .insert(format!("the report is a Trivy {k} scan of {n}")),
            (None, Some(n)) => self
                .set
                .scope
                .described
                .insert(format!("the report is a Trivy scan of {n}")),
            (Some(k), None) => self
                .set
                .scope
                .described
                .insert(format!("the report is a Trivy {k} scan")),
            (None, None) => self
                .set
                .scope
                .described
                .insert("the report is a Trivy scan".to_string()),
        };
        if let (Some(user), Some("container_image")) =
            (&self.image_user, self.artifact_type.as_deref())
        {
            self.set.image = Some(crate::evidence::ImageConfig {
                reference: self.artifact_name.clone().unwrap_or_default(),
                user: user.clone(),
            });
        }
        if self.not_failed_misconfigs > 0 {
            self.set.notes.push(format!(
                "{} misconfiguration check(s) with status PASS or EXCEPTION not counted",
                self.not_failed_misconfigs
            ));
        }
        if self.resource_errors > MAX_ERROR_NOTES as u64 {
            self.set.notes.push(format!(
                "{} more resource(s) could not be scanned",
                self.resource_errors - MAX_ERROR_NOTES as u64
            ));
        }
        self.set
    }
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum ReportField {
    Results,
    Resources,
    Findings,
    Vulnerabilities,
    Misconfigurations,
    SchemaVersion,
    ArtifactName,
    ArtifactType,
    Metadata,
    ClusterName,
    CreatedAt,
    #[serde(other)]
    Other,
}

struct ReportSeed;

impl<'de> DeserializeSeed<'de> for ReportSeed {
    type Value = State;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<State, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ReportSeed {
    type Value = State;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Trivy JSON report (an object with Results, or a list of results)")
    }

    fn visit_unit<E: de::Error>(self) -> Result<State, E> {
        Ok(State::default())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<State, A::Error> {
        let mut st = State::default();
        let mut results = TrivyResults {
            st: &mut st,
            resource: None,
        };
        while results.next(&mut seq)? {}
        Ok(st)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<State, A::Error> {
        let mut st = State::default();
        let mut recognised = false;
        let mut schema_only = false;
        while let Some(key) = map.next_key::<ReportField>()? {
            match key {
                ReportField::SchemaVersion => {
                    map.next_value::<IgnoredAny>()?;
                    schema_only = !recognised;
                    continue;
                }
                ReportField::Results => {
                    map.next_value_seed(Each(TrivyResults {
                        st: &mut st,
                        resource: None,
                    }))?;
                }
                ReportField::Resources
                | ReportField::Findings
                | ReportField::Vulnerabilities
                | ReportField::Misconfigurations => {
                    map.next_value_seed(Each(Resources(&mut st)))?;
                }
                ReportField::ArtifactName => {
                    st.artifact_name = non_empty(map.next_value::<Option<String>>()?);
                }
                ReportField::ArtifactType => {
                    st.artifact_type = non_empty(map.next_value::<Option<String>>()?);
                    continue;
                }
                ReportField::Metadata => {
                    let meta: Option<Metadata> = map.next_value()?;
                    if let Some(cfg) = meta.and_then(|m| m.image_config) {
                        st.image_user = Some(cfg.config.and_then(|c| c.user));
                    }
                    continue;
                }
                ReportField::ClusterName => {
                    map.next_value::<IgnoredAny>()?;
                }
                ReportField::CreatedAt => {
                    let at: Option<String> = map.next_value()?;
                    st.set.produced_at = at.as_deref().and_then(crate::evidence::parse_report_time);
                    continue;
                }
                ReportField::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            }
            recognised = true;
            schema_only = false;
        }
        if !recognised {
            return Err(de::Error::custom(if schema_only {
                "not a Trivy report: a SchemaVersion with neither ArtifactName, Results, ClusterName nor Resources says nothing about what was scanned"
            } else {
                "not a Trivy report: none of SchemaVersion, ArtifactName, Results, ClusterName or Resources"
            }));
        }
        Ok(st)
    }
}

struct Resources<'a>(&'a mut State);

impl<'de> Elements<'de> for Resources<'_> {
    fn what(&self) -> &'static str {
        "Kubernetes resources"
    }

    fn next<A: SeqAccess<'de>>(&mut self, seq: &mut A) -> Result<bool, A::Error> {
        Ok(seq.next_element_seed(ResourceSeed(&mut *self.0))?.is_some())
    }
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum ResourceField {
    Namespace,
    Kind,
    Name,
    Results,
    Error,
    #[serde(other)]
    Other,
}

struct ResourceSeed<'a>(&'a mut State);

impl<'de> DeserializeSeed<'de> for ResourceSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ResourceSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Kubernetes resource object (Namespace, Kind, Name, Results)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (mut namespace, mut kind, mut name) = (String::new(), String::new(), String::new());
        let mut error = None;
        while let Some(key) = map.next_key::<ResourceField>()? {
            match key {
                ResourceField::Namespace => {
                    namespace = map.next_value::<Option<String>>()?.unwrap_or_default()
                }
                ResourceField::Kind => {
                    kind = map.next_value::<Option<String>>()?.unwrap_or_default()
                }
                ResourceField::Name => {
                    name = map.next_value::<Option<String>>()?.unwrap_or_default()
                }
                ResourceField::Error => error = non_empty(map.next_value()?),
                ResourceField::Results => {
                    let resource = resource_name(&namespace, &kind, &name);
                    map.next_value_seed(Each(TrivyResults {
                        st: &mut *self.0,
                        resource: Some(resource),
                    }))?;
                }
                ResourceField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(error) = error {
            self.0.resource_errors += 1;
            if self.0.resource_errors <= MAX_ERROR_NOTES as u64 {
                let resource = resource_name(&namespace, &kind, &name);
                self.0.set.notes.push(format!(
                    "{resource} could not be scanned: {}",
                    scan_json::clip(&error, 300)
                ));
            }
        }
        Ok(())
    }
}

fn resource_name(namespace: &str, kind: &str, name: &str) -> String {
    [namespace, kind, name]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("/")
}

struct TrivyResults<'a> {
    st: &'a mut State,
    resource: Option<String>,
}

impl<'de> Elements<'de> for TrivyResults<'_> {
    fn what(&self) -> &'static str {
        "Trivy results"
    }

    fn next<A: SeqAccess<'de>>(&mut self, seq: &mut A) -> Result<bool, A::Error> {
        let seed = ResultSeed {
            st: &mut *self.st,
            resource: self.resource.as_deref(),
            target: String::new(),
        };
        Ok(seq.next_element_seed(seed)?.is_some())
    }
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum ResultField {
    Target,
    Class,
    MisconfSummary,
    Vulnerabilities,
    Misconfigurations,
    Secrets,
    Licenses,
    #[serde(other)]
    Other,
}

struct ResultSeed<'a> {
    st: &'a mut State,
    resource: Option<&'a str>,
    target: String,
}

impl<'de> DeserializeSeed<'de> for ResultSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl ResultSeed<'_> {
    fn message(&self, text: &str) -> String {
        match self.resource {
            Some(r) if !r.is_empty() => format!("{r}: {text}"),
            _ => text.to_string(),
        }
    }

    fn location(&self, line: Option<i64>) -> Option<Location> {
        let line = line.filter(|l| *l > 0).map(|l| l as u64);
        (!self.target.is_empty() || line.is_some()).then(|| Location {
            path: self.target.clone(),
            line,
        })
    }

    fn vulnerability(&mut self, v: Vuln) {
        let id = non_empty(v.vulnerability_id).unwrap_or_else(|| "(no id)".to_string());
        let text = non_empty(v.title).unwrap_or_else(|| id.clone());
        let message = self.message(&text);
        let mut f = finding(
            id,
            severity(v.severity),
            Category::Vulnerability,
            &message,
            TOOL,
        );
        f.location = self.location(None);
        f.package = non_empty(v.pkg_name);
        f.installed_version = non_empty(v.installed_version);
        f.fixed_version = non_empty(v.fixed_version);
        f.fixable = f.fixed_version.is_some();
        self.st.set.push(f);
    }

    fn misconfiguration(&mut self, m: Misconf) {
        if m.status
            .as_deref()
            .is_some_and(|s| !s.eq_ignore_ascii_case("FAIL"))
        {
            self.st.not_failed_misconfigs += 1;
            return;
        }
        let id = non_empty(m.id)
            .or(non_empty(m.avd_id))
            .unwrap_or_else(|| "(no id)".to_string());
        let text = non_empty(m.message)
            .or(non_empty(m.title))
            .unwrap_or_else(|| id.clone());
        let message = self.message(&text);
        let mut f = finding(
            id,
            severity(m.severity),
            Category::Misconfiguration,
            &message,
            TOOL,
        );
        f.location = self.location(m.cause_metadata.and_then(|c| c.start_line));
        self.st.set.push(f);
    }

    fn secret(&mut self, s: Secret) {
        let id = non_empty(s.rule_id).unwrap_or_else(|| "(no rule id)".to_string());
        let text = non_empty(s.title).unwrap_or_else(|| id.clone());
        let message = self.message(&text);
        let mut f = finding(id, severity(s.severity), Category::Secret, &message, TOOL);
        f.location = self.location(s.start_line);
        self.st.set.push(f);
    }

    fn license(&mut self, l: License) {
        let id = non_empty(l.name).unwrap_or_else(|| "(unknown licence)".to_string());
        let package = non_empty(l.pkg_name);
        let text = match (&package, non_empty(l.category)) {
            (Some(p), Some(c)) => format!("{id} licence ({c}) in {p}"),
            (Some(p), None) => format!("{id} licence in {p}"),
            (None, Some(c)) => format!("{id} licence ({c})"),
            (None, None) => format!("{id} licence"),
        };
        let message = self.message(&text);
        let mut f = finding(id, severity(l.severity), Category::License, &message, TOOL);
        f.location = match non_empty(l.file_path) {
            Some(path) => Some(Location { path, line: None }),
            None => self.location(None),
        };
        f.package = package;
        self.st.set.push(f);
    }
}

impl<'de> Visitor<'de> for ResultSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Trivy result object (Target, Vulnerabilities, Misconfigurations, Secrets)")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let start = self.st.set.findings.len();
        let mut target_late = false;
        let mut has_target = false;
        while let Some(key) = map.next_key::<ResultField>()? {
            match key {
                ResultField::Target => {
                    has_target = true;
                    self.target = map.next_value::<Option<String>>()?.unwrap_or_default();
                    target_late = self.st.set.findings.len() > start;
                }
                ResultField::Class => {
                    let class = map.next_value::<Option<String>>()?.unwrap_or_default();
                    if let Some((c, scanner)) = class_category(&class) {
                        self.st.set.scope.ran(c, scanner);
                    }
                }
                ResultField::MisconfSummary => {
                    map.next_value::<IgnoredAny>()?;
                    self.st
                        .set
                        .scope
                        .ran(Category::Misconfiguration, "Trivy misconfig");
                }
                ResultField::Vulnerabilities => {
                    self.st.set.scope.ran(Category::Vulnerability, "Trivy vuln");
                    map.next_value_seed(Each(ForEach::new("Trivy vulnerabilities", |v| {
                        self.vulnerability(v)
                    })))?;
                }
                ResultField::Misconfigurations => {
                    self.st
                        .set
                        .scope
                        .ran(Category::Misconfiguration, "Trivy misconfig");
                    let each =
                        ForEach::new("Trivy misconfigurations", |m| self.misconfiguration(m));
                    map.next_value_seed(Each(each))?;
                }
                ResultField::Secrets => {
                    map.next_value_seed(Each(ForEach::new("Trivy secrets", |s| self.secret(s))))?;
                }
                ResultField::Licenses => {
                    map.next_value_seed(Each(ForEach::new("Trivy licences", |l| self.license(l))))?;
                }
                ResultField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !has_target {
            return Err(de::Error::custom(
                "a Trivy result without `Target`: this is not a Trivy report (another tool's list of findings, such as Gitleaks'?); set the source's `kind:`",
            ));
        }
        if target_late {
            for f in self.st.set.findings.iter_mut().skip(start) {
                if let Some(loc) = f.location.as_mut().filter(|l| l.path.is_empty()) {
                    loc.path = self.target.clone();
                } else if f.location.is_none() && !self.target.is_empty() {
                    f.location = Some(Location {
                        path: self.target.clone(),
                        line: None,
                    });
                }
            }
        }
        for f in self.st.set.findings.iter_mut().skip(start) {
            if f.location.as_ref().is_some_and(|l| l.path.is_empty()) {
                f.location = None;
            }
        }
        Ok(())
    }
}

fn severity(s: Option<String>) -> Severity {
    s.as_deref()
        .map(Severity::parse_loose)
        .unwrap_or(Severity::Unknown)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Vuln {
    #[serde(rename = "VulnerabilityID")]
    vulnerability_id: Option<String>,
    pkg_name: Option<String>,
    installed_version: Option<String>,
    fixed_version: Option<String>,
    severity: Option<String>,
    title: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Misconf {
    #[serde(rename = "ID")]
    id: Option<String>,
    #[serde(rename = "AVDID")]
    avd_id: Option<String>,
    title: Option<String>,
    message: Option<String>,
    severity: Option<String>,
    status: Option<String>,
    cause_metadata: Option<CauseMetadata>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CauseMetadata {
    start_line: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Secret {
    #[serde(rename = "RuleID")]
    rule_id: Option<String>,
    title: Option<String>,
    severity: Option<String>,
    start_line: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct License {
    name: Option<String>,
    pkg_name: Option<String>,
    file_path: Option<String>,
    category: Option<String>,
    severity: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<FindingSet, ParseError> {
        parse(s.as_bytes())
    }

    #[test]
    fn the_scope_says_which_scanners_ran_even_when_clean() {
        let image = r#"{"SchemaVersion": 2, "ArtifactName": "harbor.example/app:1",
            "ArtifactType": "container_image",
            "Metadata": {"ImageConfig": {"config": {"User": "65532"}}},
            "Results": [{"Target": "app (debian 12)", "Class": "os-pkgs", "Type": "debian"}]}"#;
        let set = parse_str(image).unwrap();
        assert_eq!(set.total(), 0);
        assert!(set.scope.covers(Category::Vulnerability));
        assert!(!set.scope.covers(Category::Secret));
        assert!(!set.scope.covers(Category::Misconfiguration));
        assert!(
            set.scope
                .describe()
                .starts_with("the report is a Trivy image scan of harbor.example/app:1"),
            "{}",
            set.scope.describe()
        );
        let img = set.image.unwrap();
        assert_eq!(img.user.as_deref(), Some("65532"));
        assert!(!img.runs_as_root());

        let root = r#"{"SchemaVersion": 2, "ArtifactName": "a:1", "ArtifactType": "container_image",
            "Metadata": {"ImageConfig": {"config": {}}}, "Results": []}"#;
        assert!(parse_str(root).unwrap().image.unwrap().runs_as_root());

        let config = r#"{"SchemaVersion": 2, "ArtifactName": ".", "ArtifactType": "filesystem",
            "Results": [{"Target": "Dockerfile", "Class": "config",
            "MisconfSummary": {"Successes": 27, "Failures": 0}}]}"#;
        let set = parse_str(config).unwrap();
        assert!(set.scope.covers(Category::Misconfiguration));
        assert!(!set.scope.covers(Category::Vulnerability));
        assert!(set.image.is_none(), "a filesystem scan has no image user");

        let legacy = r#"[{"Target": "alpine:3.10 (alpine 3.10.2)", "Vulnerabilities": null}]"#;
        assert!(
            parse_str(legacy)
                .unwrap()
                .scope
                .covers(Category::Vulnerability)
        );
    }

    const VULN: &str = r#"{"VulnerabilityID": "CVE-1", "PkgName": "openssl", "InstalledVersion": "1.0",
        "FixedVersion": "1.1", "Severity": "CRITICAL", "Title": "bad"}"#;

    #[test]
    fn schema2_vulnerabilities_misconfigs_and_secrets() {
        let doc = format!(
            r#"{{"SchemaVersion": 2, "ArtifactName": "img", "Results": [
                {{"Target": "img (alpine 3.10)", "Class": "os-pkgs", "Vulnerabilities": [{VULN},
                    {{"VulnerabilityID": "CVE-2", "PkgName": "zlib", "FixedVersion": "", "Severity": "LOW"}}]}},
                {{"Target": "Dockerfile", "Class": "config", "Misconfigurations": [
                    {{"ID": "DS002", "Severity": "HIGH", "Status": "FAIL", "Message": "root user",
                      "CauseMetadata": {{"StartLine": 3}}}},
                    {{"ID": "DS001", "Severity": "HIGH", "Status": "PASS"}}]}},
                {{"Target": "env", "Class": "secret", "Secrets": [
                    {{"RuleID": "github-pat", "Severity": "CRITICAL", "Title": "GitHub PAT", "StartLine": 2,
                      "Match": "GITHUB_PAT=ghp_realsecret"}}]}}
            ]}}"#
        );
        let set = parse_str(&doc).unwrap();
        assert_eq!(set.total(), 4);
        let v = &set.findings[0];
        assert_eq!(
            (v.id.as_str(), v.severity, v.category),
            ("CVE-1", Severity::Critical, Category::Vulnerability)
        );
        assert_eq!(v.package.as_deref(), Some("openssl"));
        assert_eq!(v.fixed_version.as_deref(), Some("1.1"));
        assert!(v.fixable);
        assert!(!set.findings[1].fixable);
        let m = &set.findings[2];
        assert_eq!(
            (m.id.as_str(), m.category),
            ("DS002", Category::Misconfiguration)
        );
        assert_eq!(
            m.location,
            Some(Location {
                path: "Dockerfile".into(),
                line: Some(3)
            })
        );
        let s = &set.findings[3];
        assert_eq!(
            (s.id.as_str(), s.category, s.severity),
            ("github-pat", Category::Secret, Severity::Critical)
        );
        assert!(!format!("{s:?}").contains("realsecret"));
        assert!(
            set.notes
                .iter()
                .any(|n| n.starts_with("1 misconfiguration"))
        );
    }

    #[test]
    fn kubernetes_resources_and_older_split_form() {
        let doc = format!(
            r#"{{"ClusterName": "kind", "Resources": [
                {{"Namespace": "default", "Kind": "Deployment", "Name": "web",
                  "Results": [{{"Target": "nginx:1.14", "Vulnerabilities": [{VULN}]}}]}},
                {{"Namespace": "kube-system", "Kind": "Pod", "Name": "x", "Error": "timeout"}}]}}"#
        );
        let set = parse_str(&doc).unwrap();
        assert_eq!(set.total(), 1);
        assert_eq!(set.findings[0].message, "default/Deployment/web: bad");
        assert!(
            set.notes
                .iter()
                .any(|n| n.contains("kube-system/Pod/x could not be scanned"))
        );

        let doc = format!(
            r#"{{"ClusterName": "c", "Vulnerabilities": [{{"Namespace": "a", "Kind": "Pod", "Name": "p",
                  "Results": [{{"Target": "t", "Vulnerabilities": [{VULN}, {VULN}]}}]}}],
                "Misconfigurations": [{{"Namespace": "a", "Kind": "Pod", "Name": "p",
                  "Results": [{{"Target": "Pod/p", "Misconfigurations": [{{"AVDID": "AVD-KSV-0001",
                  "Severity": "MEDIUM", "Status": "FAIL"}}]}}]}}]}}"#
        );
        let set = parse_str(&doc).unwrap();
        assert_eq!(set.total(), 3);
        assert_eq!(set.findings[2].id, "AVD-KSV-0001");
    }

    #[test]
    fn legacy_list_and_late_target() {
        let doc = format!(
            r#"[{{"Vulnerabilities": [{VULN}], "Target": "late", "Type": "npm"}}, {{"Target": "x"}}]"#
        );
        let set = parse_str(&doc).unwrap();
        assert_eq!(set.total(), 1);
        assert_eq!(
            set.findings[0].location,
            Some(Location {
                path: "late".into(),
                line: None
            })
        );
    }

    #[test]
    fn clean_reports_and_nulls() {
        assert_eq!(
            parse_str(r#"{"SchemaVersion": 2, "ArtifactName": "x"}"#)
                .unwrap()
                .total(),
            0
        );
        let doc = r#"{"SchemaVersion": 2, "Results": [{"Target": "a", "Vulnerabilities": null}]}"#;
        assert_eq!(parse_str(doc).unwrap().total(), 0);
        assert_eq!(parse_str("[]").unwrap().total(), 0);
        assert_eq!(parse_str("null").unwrap().total(), 0);
        assert_eq!(parse_str(" null\n").unwrap().total(), 0);
        assert!(parse_str("null null").is_err());
    }

    #[test]
    fn wrong_shapes_are_clear_errors() {
        let err = parse_str(r#"{"SchemaVersion": 2, "Results": 3}"#).unwrap_err();
        assert!(
            err.message.contains("expected a list of Trivy results"),
            "{err}"
        );
        let err = parse_str(r#"{"foo": 1}"#).unwrap_err();
        assert!(err.message.contains("not a Trivy report"), "{err}");
        let err =
            parse_str(r#"{"Results": [{"Vulnerabilities": [{"Severity": 4}]}]}"#).unwrap_err();
        assert!(err.message.contains("invalid type: integer `4`"), "{err}");
        let err = parse_str("42").unwrap_err();
        assert!(err.message.contains("Trivy JSON report"), "{err}");
    }

    #[test]
    fn sniff_is_specific() {
        assert!(sniff(
            br#"{"SchemaVersion": 2, "ArtifactName": "x", "Results": []}"#
        ));
        assert!(sniff(br#"{"ClusterName": "c", "Resources": []}"#));
        assert!(sniff(br#"[{"Target": "a", "Vulnerabilities": []}]"#));
        assert!(!sniff(br#"{"matches": [{"vulnerability": {}}]}"#));
        assert!(!sniff(br#"[{"RuleID": "x", "File": "a"}]"#));
    }

    #[test]
    fn defect_18_other_shapes_are_not_read_as_clean_trivy_reports() {
        let gitleaks = br#"[{"Description":"AWS","StartLine":3,"File":"a.env","RuleID":"aws-access-token","Secret":"x"}]"#;
        let e = parse(&mut &gitleaks[..]).unwrap_err();
        assert!(e.message.contains("without `Target`"), "{e}");
        let e = parse(&mut &br#"{"SchemaVersion": 2}"#[..]).unwrap_err();
        assert!(
            e.message.contains("says nothing about what was scanned"),
            "{e}"
        );
        let clean = br#"{"SchemaVersion": 2, "ArtifactName": "img:1"}"#;
        assert_eq!(parse(&mut &clean[..]).unwrap().findings.len(), 0);
    }
}
