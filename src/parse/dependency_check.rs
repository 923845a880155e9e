//! OWASP Dependency-Check reports, JSON (`--format JSON`, reportSchema 1.x) and XML (schema 2.x).
//!
//! One finding per `dependencies[].vulnerabilities[]` entry (XML: `<dependency>` /
//! `<vulnerabilities>` / `<vulnerability>`), streamed dependency by dependency. Suppressed
//! vulnerabilities (`suppressedVulnerabilities`, `<suppressedVulnerability>`) are counted in a
//! note only. The id is the vulnerability `name` (a CVE, GHSA or OSS Index id); severity is its
//! `severity` word (CRITICAL/HIGH/MEDIUM/MODERATE/LOW), else the CVSS base score (v4, then v3,
//! then v2) in the CVSS v3 bands. The package is the dependency's first package URL
//! (`packages[].id`, XML `<identifiers><package><id>`), else its `fileName`; the installed
//! version is the purl's version; the location is `filePath`. Dependency-Check does not say which
//! version fixes a vulnerability, so no finding is fixable.
//!
//! The format is told apart by the first byte (`<` is XML). XML is read with quick-xml as a
//! stream of events; DTDs are ignored, entity references other than the XML ones and character
//! references are kept literally (never expanded), and nesting deeper than 256 is refused.

use std::fmt;
use std::io::{BufRead, BufReader, Read};

use quick_xml::events::Event;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::scan_json::{self, Count, Each, Elements, ForEach, NumOrText, finding, non_empty};
use super::{ParseError, Position};
use crate::evidence::{Category, Finding, FindingSet, Location, Severity};

const TOOL: &str = "Dependency-Check";
const MAX_XML_DEPTH: usize = 256;
const MAX_TEXT: usize = 8 * 1024;

/// True for a Dependency-Check report, JSON (`reportSchema`) or XML (`<analysis>` root).
pub fn sniff(head: &[u8]) -> bool {
    let text = scan_json::sniff_text(head);
    if text.starts_with('{') {
        text.contains("\"reportSchema\"")
            || (text.contains("\"scanInfo\"") && text.contains("\"dependencies\""))
    } else if text.starts_with('<') {
        text.contains("<analysis") && text.to_ascii_lowercase().contains("dependency-check")
    } else {
        false
    }
}

/// Reads a Dependency-Check report, JSON or XML.
pub fn parse<R: Read>(reader: R) -> Result<FindingSet, ParseError> {
    let mut reader = scan_json::open(reader, "Dependency-Check")?;
    let head = reader
        .fill_buf()
        .map_err(|e| ParseError::new(format!("read error: {e}")))?;
    let is_xml = head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
    let state = if is_xml {
        parse_xml(reader)?
    } else {
        scan_json::run_buffered(reader, "Dependency-Check", ReportSeed)?
    };
    Ok(state
        .finish()
        .looked_for(Category::Vulnerability, "Dependency-Check"))
}

#[derive(Default)]
struct State {
    set: FindingSet,
    suppressed: u64,
}

impl State {
    fn finish(mut self) -> FindingSet {
        if self.suppressed > 0 {
            self.set.notes.push(format!(
                "{} suppressed vulnerability(ies) not counted",
                self.suppressed
            ));
        }
        self.set
    }

    /// Gives the findings pushed since `start` (one dependency's) their package and location.
    fn finish_dependency(
        &mut self,
        start: usize,
        purl: Option<String>,
        file_name: Option<String>,
        path: Option<String>,
    ) {
        let version = purl.as_deref().and_then(purl_version);
        let package = purl.or(file_name);
        for f in self.set.findings.iter_mut().skip(start) {
            f.package.clone_from(&package);
            f.installed_version.clone_from(&version);
            f.location = path.clone().map(|path| Location { path, line: None });
        }
    }
}

/// `pkg:maven/g/a@1.2?x=y` → `1.2`.
fn purl_version(purl: &str) -> Option<String> {
    let (_, version) = purl.rsplit_once('@')?;
    let version = version.split(['?', '#']).next().unwrap_or_default();
    (!version.is_empty() && !version.contains('/')).then(|| version.to_string())
}

fn severity(word: Option<&str>, scores: [Option<f64>; 3]) -> Severity {
    match word.map(Severity::parse_loose) {
        Some(s) if s != Severity::Unknown => s,
        _ => scores
            .into_iter()
            .flatten()
            .next()
            .map(Severity::from_score)
            .unwrap_or(Severity::Unknown),
    }
}

fn vulnerability(name: Option<String>, severity: Severity, description: Option<String>) -> Finding {
    let id = non_empty(name).unwrap_or_else(|| "(no id)".to_string());
    let message = non_empty(description).unwrap_or_else(|| id.clone());
    finding(id, severity, Category::Vulnerability, &message, TOOL)
}

// ---- JSON ----

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum ReportField {
    Dependencies,
    #[serde(other)]
    Other,
}

struct ReportSeed;

impl<'de> DeserializeSeed<'de> for ReportSeed {
    type Value = State;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<State, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ReportSeed {
    type Value = State;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Dependency-Check JSON report object with a \"dependencies\" array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<State, A::Error> {
        let mut st = State::default();
        let mut seen = false;
        while let Some(key) = map.next_key::<ReportField>()? {
            match key {
                ReportField::Dependencies => {
                    map.next_value_seed(Each(Dependencies(&mut st)))?;
                    seen = true;
                }
                ReportField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !seen {
            return Err(de::Error::custom(
                "no \"dependencies\" array: this is not a Dependency-Check report",
            ));
        }
        Ok(st)
    }
}

struct Dependencies<'a>(&'a mut State);

impl<'de> Elements<'de> for Dependencies<'_> {
    fn what(&self) -> &'static str {
        "Dependency-Check dependencies"
    }

    fn next<A: SeqAccess<'de>>(&mut self, seq: &mut A) -> Result<bool, A::Error> {
        Ok(seq
            .next_element_seed(DependencySeed(&mut *self.0))?
            .is_some())
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum DependencyField {
    FileName,
    FilePath,
    Packages,
    Vulnerabilities,
    SuppressedVulnerabilities,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct Package {
    id: Option<String>,
}

#[derive(Deserialize)]
struct Vuln {
    name: Option<String>,
    severity: Option<String>,
    description: Option<String>,
    cvssv2: Option<Cvss>,
    cvssv3: Option<Cvss>,
    cvssv4: Option<Cvss>,
}

#[derive(Deserialize)]
struct Cvss {
    #[serde(rename = "baseScore", alias = "score")]
    score: Option<NumOrText>,
}

fn score(c: &Option<Cvss>) -> Option<f64> {
    c.as_ref()
        .and_then(|c| c.score.as_ref())
        .and_then(NumOrText::number)
}

struct DependencySeed<'a>(&'a mut State);

impl<'de> DeserializeSeed<'de> for DependencySeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DependencySeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Dependency-Check dependency object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.0;
        let start = st.set.findings.len();
        let (mut file_name, mut file_path, mut purl) = (None, None, None);
        while let Some(key) = map.next_key::<DependencyField>()? {
            match key {
                DependencyField::FileName => file_name = non_empty(map.next_value()?),
                DependencyField::FilePath => file_path = non_empty(map.next_value()?),
                DependencyField::Packages => {
                    let packages: Option<Vec<Package>> = map.next_value()?;
                    purl = packages
                        .unwrap_or_default()
                        .into_iter()
                        .find_map(|p| non_empty(p.id));
                }
                DependencyField::Vulnerabilities => {
                    let each = ForEach::new("Dependency-Check vulnerabilities", |v: Vuln| {
                        let sev = severity(
                            v.severity.as_deref(),
                            [score(&v.cvssv4), score(&v.cvssv3), score(&v.cvssv2)],
                        );
                        st.set.push(vulnerability(v.name, sev, v.description));
                    });
                    map.next_value_seed(Each(each))?;
                }
                DependencyField::SuppressedVulnerabilities => {
                    st.suppressed += map.next_value_seed(Each(Count(0)))?.0;
                }
                DependencyField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        st.finish_dependency(start, purl, file_name, file_path);
        Ok(())
    }
}

// ---- XML ----

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    FileName,
    FilePath,
    Purl,
    Name,
    Severity,
    Description,
    Score(usize),
}

#[derive(Default)]
struct XmlDependency {
    depth: usize,
    start: usize,
    file_name: Option<String>,
    file_path: Option<String>,
    purl: Option<String>,
}

#[derive(Default)]
struct XmlVuln {
    name: Option<String>,
    severity: Option<String>,
    description: Option<String>,
    scores: [Option<f64>; 3],
}

struct XmlState {
    st: State,
    stack: Vec<String>,
    dependency: Option<XmlDependency>,
    vuln: Option<XmlVuln>,
    field: Option<(Field, usize)>,
    text: String,
}

impl XmlState {
    fn parent(&self) -> &str {
        self.stack
            .len()
            .checked_sub(2)
            .and_then(|i| self.stack.get(i))
            .map_or("", String::as_str)
    }

    fn at(&self, depth: usize) -> &str {
        self.stack.get(depth).map_or("", String::as_str)
    }

    fn open(&mut self, name: &str) -> Result<(), String> {
        if self.stack.is_empty() && name != "analysis" {
            return Err(format!(
                "expected a Dependency-Check <analysis> report, found <{name}>"
            ));
        }
        if self.stack.len() >= MAX_XML_DEPTH {
            return Err(format!("XML nested deeper than {MAX_XML_DEPTH} elements"));
        }
        self.stack.push(name.to_string());
        let depth = self.stack.len();
        let parent = self.parent().to_string();
        match &self.dependency {
            None => {
                if name == "dependency" && parent == "dependencies" {
                    let start = self.st.set.findings.len();
                    self.dependency = Some(XmlDependency {
                        depth,
                        start,
                        ..Default::default()
                    });
                }
            }
            Some(dep) => {
                let d = dep.depth;
                let field = if self.vuln.is_some() {
                    let v = d + 2;
                    match (depth.saturating_sub(v), name, parent.as_str()) {
                        (1, "name", _) => Some(Field::Name),
                        (1, "severity", _) => Some(Field::Severity),
                        (1, "description", _) => Some(Field::Description),
                        (2, "baseScore", "cvssV4") => Some(Field::Score(0)),
                        (2, "baseScore", "cvssV3") => Some(Field::Score(1)),
                        (2, "score", "cvssV2") => Some(Field::Score(2)),
                        _ => None,
                    }
                } else {
                    match (depth.saturating_sub(d), name) {
                        (1, "fileName") => Some(Field::FileName),
                        (1, "filePath") => Some(Field::FilePath),
                        (3, "id") if self.at(d + 1) == "package" && dep.purl.is_none() => {
                            Some(Field::Purl)
                        }
                        (2, "vulnerability") if parent == "vulnerabilities" => {
                            self.vuln = Some(XmlVuln::default());
                            None
                        }
                        (2, "suppressedVulnerability") if parent == "vulnerabilities" => {
                            self.st.suppressed += 1;
                            None
                        }
                        _ => None,
                    }
                };
                if let Some(field) = field {
                    self.field = Some((field, depth));
                    self.text.clear();
                }
            }
        }
        Ok(())
    }

    fn text(&mut self, s: &str) {
        if self.field.is_some() && self.text.len() < MAX_TEXT {
            self.text.push_str(s);
        }
    }

    fn close(&mut self) {
        let depth = self.stack.len();
        if let Some((field, d)) = self.field
            && d == depth
        {
            self.field = None;
            let value = non_empty(Some(self.text.trim().to_string()));
            if let (Some(dep), None) = (self.dependency.as_mut(), self.vuln.as_ref()) {
                match field {
                    Field::FileName => dep.file_name = value,
                    Field::FilePath => dep.file_path = value,
                    Field::Purl => dep.purl = value,
                    _ => {}
                }
            } else if let Some(v) = self.vuln.as_mut() {
                match field {
                    Field::Name => v.name = value,
                    Field::Severity => v.severity = value,
                    Field::Description => v.description = value,
                    Field::Score(i) => {
                        if let Some(slot) = v.scores.get_mut(i) {
                            *slot = value
                                .and_then(|s| s.parse::<f64>().ok())
                                .filter(|n| n.is_finite());
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Some(dep_depth) = self.dependency.as_ref().map(|d| d.depth) {
            if self.vuln.is_some() && depth == dep_depth + 2 {
                if let Some(v) = self.vuln.take() {
                    let sev = severity(v.severity.as_deref(), v.scores);
                    self.st.set.push(vulnerability(v.name, sev, v.description));
                }
            } else if depth == dep_depth
                && let Some(dep) = self.dependency.take()
            {
                self.st
                    .finish_dependency(dep.start, dep.purl, dep.file_name, dep.file_path);
            }
        }
        self.stack.pop();
    }
}

fn parse_xml<R: Read>(reader: BufReader<R>) -> Result<State, ParseError> {
    let mut xml = quick_xml::Reader::from_reader(reader);
    let mut x = XmlState {
        st: State::default(),
        stack: Vec::new(),
        dependency: None,
        vuln: None,
        field: None,
        text: String::new(),
    };
    let mut seen_root = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(|e| {
            ParseError::at(
                format!("XML error: {e}"),
                Position::Offset(xml.error_position()),
            )
        })?;
        let at = Position::Offset(xml.buffer_position());
        match event {
            Event::Start(e) => {
                x.open(e.local_name().as_ref())
                    .map_err(|m| ParseError::at(m, at))?;
                seen_root = true;
            }
            Event::Empty(e) => {
                x.open(e.local_name().as_ref())
                    .map_err(|m| ParseError::at(m, at))?;
                seen_root = true;
                x.close();
                if x.stack.is_empty() {
                    break;
                }
            }
            Event::End(_) => {
                x.close();
                if x.stack.is_empty() {
                    break;
                }
            }
            Event::Text(t) => x.text(&t.xml10_content()),
            Event::CData(t) => x.text(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let name: &str = r.as_ref();
                let resolved = match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => r.resolve_char_ref().ok().flatten(),
                };
                match resolved {
                    Some(c) => x.text(c.encode_utf8(&mut [0; 4])),
                    None => x.text(&format!("&{name};")),
                }
            }
            Event::Eof => {
                let message = match x.stack.last() {
                    Some(open) => format!("truncated XML: <{open}> is not closed"),
                    None if !seen_root => {
                        "no XML root element: expected a Dependency-Check <analysis> report".into()
                    }
                    None => break,
                };
                return Err(ParseError::at(message, at));
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    Ok(x.st)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<FindingSet, ParseError> {
        parse(s.as_bytes())
    }

    #[test]
    fn json_vulnerabilities_with_words_and_scores() {
        let doc = r#"{"reportSchema": "1.1", "dependencies": [
            {"fileName": "a.jar", "filePath": "/x/a.jar", "packages": [{"id": "pkg:maven/g/a@1.2"}],
             "vulnerabilities": [
                {"name": "CVE-1", "severity": "MODERATE", "description": "d1"},
                {"name": "CVE-2", "severity": "", "cvssv3": {"baseScore": 9.8}, "cvssv2": {"score": 5.0}},
                {"name": "CVE-3", "cvssv2": {"score": 7.5}}],
             "suppressedVulnerabilities": [{"name": "CVE-9"}]},
            {"fileName": "b.js", "vulnerabilities": [{"name": "GHSA-1", "severity": "low"}]},
            {"fileName": "clean.jar"}]}"#;
        let set = parse_str(doc).unwrap();
        assert_eq!(set.total(), 4);
        let sev: Vec<Severity> = set.findings.iter().map(|f| f.severity).collect();
        assert_eq!(
            sev,
            [
                Severity::Medium,
                Severity::Critical,
                Severity::High,
                Severity::Low
            ]
        );
        let f = &set.findings[0];
        assert_eq!(f.package.as_deref(), Some("pkg:maven/g/a@1.2"));
        assert_eq!(f.installed_version.as_deref(), Some("1.2"));
        assert_eq!(
            f.location.as_ref().map(|l| l.path.as_str()),
            Some("/x/a.jar")
        );
        assert!(!f.fixable);
        assert_eq!(set.findings[3].package.as_deref(), Some("b.js"));
        assert_eq!(
            set.notes,
            vec!["1 suppressed vulnerability(ies) not counted".to_string()]
        );
    }

    #[test]
    fn xml_report() {
        let doc = r#"<?xml version="1.0"?>
<!DOCTYPE analysis [<!ENTITY boom "ha">]>
<analysis xmlns="https://jeremylong.github.io/DependencyCheck/dependency-check.2.5.xsd">
  <dependencies>
    <dependency isVirtual="false">
      <fileName>log4j &amp; co.jar</fileName>
      <filePath>/lib/log4j.jar</filePath>
      <identifiers><package confidence="HIGH"><id>pkg:maven/org.apache/log4j@2.12.4</id></package></identifiers>
      <vulnerabilities>
        <vulnerability source="NVD">
          <name>CVE-2020-9488</name><severity>LOW</severity>
          <cvssV2><score>4.3</score><severity>MEDIUM</severity></cvssV2>
          <description>bad &boom; &#65;</description>
        </vulnerability>
        <vulnerability source="OSSINDEX"><name>X-1</name><cvssV3><baseScore>7.1</baseScore></cvssV3></vulnerability>
        <suppressedVulnerability><name>CVE-0</name></suppressedVulnerability>
      </vulnerabilities>
      <relatedDependencies><relatedDependency><fileName>other.jar</fileName></relatedDependency></relatedDependencies>
    </dependency>
  </dependencies>
</analysis>"#;
        let set = parse_str(doc).unwrap();
        assert_eq!(set.total(), 2);
        let f = &set.findings[0];
        assert_eq!(
            (f.id.as_str(), f.severity),
            ("CVE-2020-9488", Severity::Low)
        );
        assert_eq!(f.message, "bad &boom; A");
        assert_eq!(
            f.package.as_deref(),
            Some("pkg:maven/org.apache/log4j@2.12.4")
        );
        assert_eq!(
            f.location.as_ref().map(|l| l.path.as_str()),
            Some("/lib/log4j.jar")
        );
        assert_eq!(set.findings[1].severity, Severity::High);
        assert_eq!(set.notes.len(), 1);
    }

    #[test]
    fn xml_errors() {
        let err = parse_str("<report><a/></report>").unwrap_err();
        assert!(err.message.contains("<analysis>"), "{err}");
        let err = parse_str("<analysis><dependencies><dependency>").unwrap_err();
        assert!(err.message.contains("truncated XML"), "{err}");
        let err = parse_str("<analysis><a></b></analysis>").unwrap_err();
        assert!(err.message.contains("XML error"), "{err}");
        let deep = format!("<analysis>{}", "<a>".repeat(300));
        assert!(
            parse_str(&deep)
                .unwrap_err()
                .message
                .contains("deeper than")
        );
    }

    #[test]
    fn json_errors() {
        assert!(
            parse_str(r#"{"scanInfo": {}}"#)
                .unwrap_err()
                .message
                .contains("no \"dependencies\"")
        );
        let err = parse_str(
            r#"{"dependencies": [{"vulnerabilities": [{"cvssv3": {"baseScore": []}}]}]}"#,
        )
        .unwrap_err();
        assert!(err.message.contains("invalid type"), "{err}");
    }

    #[test]
    fn purl_versions() {
        assert_eq!(
            purl_version("pkg:npm/%40babel/core@7.1.0?x=1").as_deref(),
            Some("7.1.0")
        );
        assert_eq!(purl_version("pkg:npm/@babel/core"), None);
        assert_eq!(purl_version("pkg:maven/a/b"), None);
    }

    #[test]
    fn sniff_both_forms() {
        assert!(sniff(br#"{"reportSchema": "1.1", "scanInfo": {}}"#));
        assert!(sniff(b"<?xml version=\"1.0\"?>\n<analysis xmlns=\"https://jeremylong.github.io/DependencyCheck/dependency-check.2.5.xsd\">"));
        assert!(!sniff(b"<testsuites><testsuite/></testsuites>"));
    }
}
