//! SARIF 2.1.0 logs (CodeQL, Semgrep, ESLint, Trivy, Checkov, gitleaks, Snyk, Flawfinder, ...).
//!
//! One finding per `runs[].results[]` entry whose `kind` is `fail` (the default when absent) and
//! that is not suppressed. Results with another kind (`pass`, `notApplicable`, `review`, ...)
//! and results with a suppression whose `status` is absent or `accepted` are not findings; how
//! many were left out is said in a note.
//!
//! - Rule: `ruleId`, else `rule.id`; the rule's metadata is found through `ruleIndex` /
//!   `rule.index` (with `rule.toolComponent.index` for CodeQL query packs in `tool.extensions`),
//!   else by id in the driver then the extensions.
//! - Level: the result's `level`, else the rule's `defaultConfiguration.level`, else the SARIF
//!   default `warning`.
//! - Severity: when `properties["security-severity"]` (the result's, else the rule's) is a number
//!   or a numeric string, the CVSS v3 bands of [`Severity::from_score`] (GitHub code scanning reads
//!   it the same way). Semgrep writes a word there (`"CRITICAL"`, `"HIGH"`, ...): a recognised
//!   severity word is taken as is rather than ignored, since it is the tool's own security
//!   rating. Otherwise the level decides: `error` → high, `warning` → medium, `note` → low,
//!   `none` → info (an unknown level string → unknown).
//! - Category, first match wins: secret when the tool is gitleaks, a tag says `secret`, or the
//!   rule is one of Checkov's secret checks (`CKV_SECRET_*`, its `secrets` framework);
//!   misconfiguration when the tool is Checkov or a tag says `misconfiguration` (Trivy tags its
//!   rules `vulnerability` / `misconfiguration` / `secret` / `license`); license for a `license`
//!   tag; vulnerability when a security severity is present, a tag says `vulnerability`, or the
//!   tool is a dependency scanner (Trivy, Grype, Snyk Open Source); else code quality.
//! - Location: the first `physicalLocation.artifactLocation.uri` (`file://` stripped) and its
//!   `region.startLine`. Fingerprint: the first `partialFingerprints` value, else the first
//!   `fingerprints` value.
//!
//! `results: null` (SARIF's "the tool did not produce results") is an error, not zero findings.
//!
//! Scope (what the log looked for, found or not): per run, the tool's own kind (gitleaks:
//! secrets; Checkov: misconfigurations; Grype, Snyk Open Source: vulnerabilities) and the
//! category of every rule the tool declares.
//!
//! Streaming: results are pushed one by one. Most tools write `tool` before `results`, so each
//! result is resolved against its rule at once; Semgrep sorts keys and writes `results` first, so
//! until the `tool` object arrives, results wait as detail (at most the remaining
//! [`MAX_ITEMS`] slots) plus a count per (rule, level, severity) for the rest. The rule table is
//! kept per run: bounded by the number of rules the log declares.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::ParseError;
use super::scan_json::{self, Elements, List, NumOrText, finding, location, non_empty};
use crate::evidence::{Category, Finding, FindingSet, MAX_ITEMS, Severity};

/// Distinct (rule, level, severity) overflow counters kept while results wait for their run's
/// `tool`; past this, waiting results are counted by level only.
const MAX_PENDING_KEYS: usize = 65_536;

/// True when `head` looks like a SARIF log: a JSON object naming `runs` and SARIF or 2.1.0.
pub fn sniff(head: &[u8]) -> bool {
    let text = scan_json::sniff_text(head);
    text.starts_with('{')
        && text.contains("\"runs\"")
        && (text.to_ascii_lowercase().contains("sarif") || text.contains("\"2.1.0\""))
}

/// Reads a SARIF 2.1.0 log.
pub fn parse<R: Read>(reader: R) -> Result<FindingSet, ParseError> {
    let state = scan_json::run(reader, "SARIF", LogSeed)?;
    Ok(state.finish())
}

#[derive(Default)]
struct State {
    set: FindingSet,
    suppressed: u64,
    not_failures: u64,
    runs: u64,
    collapsed_pending: bool,
}

impl State {
    fn finish(mut self) -> FindingSet {
        if self.suppressed > 0 {
            self.set.notes.push(format!(
                "{} suppressed result(s) not counted (SARIF suppressions with status accepted or absent)",
                self.suppressed
            ));
        }
        if self.not_failures > 0 {
            self.set.notes.push(format!(
                "{} result(s) with a kind other than \"fail\" (pass, notApplicable, review, ...) not counted",
                self.not_failures
            ));
        }
        if self.collapsed_pending {
            self.set.notes.push(
                "too many distinct rules before the run's tool description: some severities were \
                 taken from the result level only"
                    .to_string(),
            );
        }
        self.set
    }
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum LogField {
    #[serde(rename = "runs")]
    Runs,
    #[serde(other)]
    Other,
}

struct LogSeed;

impl<'de> DeserializeSeed<'de> for LogSeed {
    type Value = State;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<State, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LogSeed {
    type Value = State;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a SARIF log object with a \"runs\" array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<State, A::Error> {
        let mut runs = None;
        while let Some(key) = map.next_key::<LogField>()? {
            match key {
                LogField::Runs => runs = Some(map.next_value_seed(List(Runs(State::default())))?.0),
                LogField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        runs.ok_or_else(|| de::Error::custom("no \"runs\" array: this is not a SARIF log"))
    }
}

struct Runs(State);

impl<'de> Elements<'de> for Runs {
    fn what(&self) -> &'static str {
        "SARIF runs"
    }

    fn next<A: SeqAccess<'de>>(&mut self, seq: &mut A) -> Result<bool, A::Error> {
        let more = seq.next_element_seed(RunSeed(&mut self.0))?.is_some();
        self.0.runs += u64::from(more);
        Ok(more)
    }
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum RunField {
    #[serde(rename = "tool")]
    Tool,
    #[serde(rename = "results")]
    Results,
    #[serde(rename = "invocations")]
    Invocations,
    #[serde(other)]
    Other,
}

/// The part of a SARIF invocation read: when it ended.
#[derive(Deserialize)]
struct RawInvocation {
    #[serde(rename = "endTimeUtc", default)]
    end_time_utc: Option<String>,
}

struct RunSeed<'a>(&'a mut State);

impl<'de> DeserializeSeed<'de> for RunSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RunSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a SARIF run object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut run = Run::default();
        while let Some(key) = map.next_key::<RunField>()? {
            match key {
                RunField::Tool => {
                    let tool: RawTool = map.next_value()?;
                    run.tool = Some(Tool::from(tool));
                    run.flush(self.0);
                }
                RunField::Results => {
                    map.next_value_seed(List(Results {
                        st: &mut *self.0,
                        run: &mut run,
                    }))?;
                }
                RunField::Invocations => {
                    let invocations: Vec<RawInvocation> = map.next_value()?;
                    for i in invocations {
                        let at = i
                            .end_time_utc
                            .as_deref()
                            .and_then(crate::evidence::parse_report_time);
                        self.0.set.produced_at = crate::evidence::older(self.0.set.produced_at, at);
                    }
                }
                RunField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if run.tool.is_none() {
            run.tool = Some(Tool::default());
        }
        run.flush(self.0);
        if let Some(tool) = &run.tool {
            tool.scope(&mut self.0.set.scope);
        }
        Ok(())
    }
}

struct Results<'a> {
    st: &'a mut State,
    run: &'a mut Run,
}

impl<'de> Elements<'de> for Results<'_> {
    fn what(&self) -> &'static str {
        "SARIF results (null would mean the analysis did not complete)"
    }

    fn next<A: SeqAccess<'de>>(&mut self, seq: &mut A) -> Result<bool, A::Error> {
        let Some(result) = seq.next_element::<RawResult>()? else {
            return Ok(false);
        };
        if result.kind.as_deref().is_some_and(|k| k != "fail") {
            self.st.not_failures += 1;
        } else if result.is_suppressed() {
            self.st.suppressed += 1;
        } else {
            self.run.add(self.st, Partial::from(result));
        }
        Ok(true)
    }
}

/// A run's results resolve against its tool; until the tool is known they wait here.
#[derive(Default)]
struct Run {
    tool: Option<Tool>,
    pending: Vec<Partial>,
    pending_overflow: HashMap<(RuleRef, Option<Level>, Option<Severity>), u64>,
}

impl Run {
    fn add(&mut self, st: &mut State, partial: Partial) {
        if let Some(tool) = &self.tool {
            st.set.push(tool.resolve(partial));
        } else if st.set.findings.len() + self.pending.len() < MAX_ITEMS {
            self.pending.push(partial);
        } else {
            let mut rule = partial.rule;
            if self.pending_overflow.len() >= MAX_PENDING_KEYS
                && !self.pending_overflow.contains_key(&(
                    rule.clone(),
                    partial.level,
                    partial.security,
                ))
            {
                rule = RuleRef::default();
                st.collapsed_pending = true;
            }
            *self
                .pending_overflow
                .entry((rule, partial.level, partial.security))
                .or_default() += 1;
        }
    }

    fn flush(&mut self, st: &mut State) {
        let Some(tool) = &self.tool else { return };
        for partial in self.pending.drain(..) {
            st.set.push(tool.resolve(partial));
        }
        for ((rule, level, security), n) in self.pending_overflow.drain() {
            let severity = tool.severity(&rule, level, security);
            st.set.truncated += n;
            *st.set.overflow_by_severity.entry(severity).or_default() += n;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Level {
    None,
    Note,
    Warning,
    Error,
    Other,
}

impl Level {
    fn parse(s: &str) -> Level {
        match s {
            "none" => Level::None,
            "note" => Level::Note,
            "warning" => Level::Warning,
            "error" => Level::Error,
            _ => Level::Other,
        }
    }

    fn severity(self) -> Severity {
        match self {
            Level::Error => Severity::High,
            Level::Warning => Severity::Medium,
            Level::Note => Severity::Low,
            Level::None => Severity::Info,
            Level::Other => Severity::Unknown,
        }
    }
}

/// How a result names its rule: by id, by index (in a tool component), or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct RuleRef {
    id: Option<String>,
    index: Option<usize>,
    component: Option<usize>,
}

/// A result with what it says itself, waiting for its rule's metadata.
struct Partial {
    rule: RuleRef,
    level: Option<Level>,
    security: Option<Severity>,
    tags: Vec<String>,
    message: Option<String>,
    location: Option<(String, Option<i64>)>,
    fingerprint: Option<String>,
}

impl From<RawResult> for Partial {
    fn from(r: RawResult) -> Self {
        let reference = r.rule.unwrap_or_default();
        let rule = RuleRef {
            id: non_empty(r.rule_id).or(non_empty(reference.id)),
            index: r
                .rule_index
                .or(reference.index)
                .and_then(|i| usize::try_from(i).ok()),
            component: reference
                .tool_component
                .and_then(|c| c.index)
                .and_then(|i| usize::try_from(i).ok()),
        };
        let props = r.properties.unwrap_or_default();
        let location = r
            .locations
            .unwrap_or_default()
            .into_iter()
            .filter_map(|l| l.physical_location)
            .find_map(|p| {
                let uri = p.artifact_location.and_then(|a| non_empty(a.uri))?;
                Some((strip_file_scheme(&uri), p.region.and_then(|r| r.start_line)))
            });
        let fingerprint =
            first_string(r.partial_fingerprints).or_else(|| first_string(r.fingerprints));
        let message = r
            .message
            .and_then(|m| non_empty(m.text).or(non_empty(m.markdown)));
        Partial {
            rule,
            level: r.level.as_deref().map(Level::parse),
            security: props.security_severity.as_ref().and_then(security_severity),
            tags: props.tag_list(),
            message,
            location,
            fingerprint,
        }
    }
}

fn first_string(map: Option<serde_json::Map<String, serde_json::Value>>) -> Option<String> {
    map?.into_iter().find_map(|(_, v)| match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s),
        _ => None,
    })
}

fn strip_file_scheme(uri: &str) -> String {
    let Some(rest) = uri.strip_prefix("file://") else {
        return uri.to_string();
    };
    let bytes = rest.as_bytes();
    let windows_drive =
        bytes.len() >= 3 && bytes[0] == b'/' && bytes[1].is_ascii_alphabetic() && bytes[2] == b':';
    if windows_drive {
        rest[1..].to_string()
    } else {
        rest.to_string()
    }
}

/// `security-severity`: a CVSS score (number or numeric string), or a severity word.
fn security_severity(v: &NumOrText) -> Option<Severity> {
    match v.number() {
        Some(score) => Some(Severity::from_score(score)),
        None => match v {
            NumOrText::Text(t) => {
                Some(Severity::parse_loose(t)).filter(|s| *s != Severity::Unknown)
            }
            NumOrText::Num(_) => None,
        },
    }
}

struct RuleInfo {
    id: String,
    level: Option<Level>,
    security: Option<Severity>,
    tags: Vec<String>,
    description: Option<String>,
}

#[derive(Default)]
struct Component {
    rules: Vec<RuleInfo>,
    by_id: HashMap<String, usize>,
}

impl From<RawComponent> for Component {
    fn from(c: RawComponent) -> Self {
        let mut component = Component::default();
        for (i, rule) in c.rules.unwrap_or_default().into_iter().enumerate() {
            let props = rule.properties.unwrap_or_default();
            let id = rule.id.unwrap_or_default();
            component.by_id.entry(id.clone()).or_insert(i);
            component.rules.push(RuleInfo {
                id,
                level: rule
                    .default_configuration
                    .and_then(|c| c.level)
                    .as_deref()
                    .map(Level::parse),
                security: props.security_severity.as_ref().and_then(security_severity),
                tags: props.tag_list(),
                description: rule
                    .short_description
                    .and_then(|m| non_empty(m.text))
                    .or(non_empty(rule.name)),
            });
        }
        component
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ToolKind {
    Gitleaks,
    Checkov,
    DependencyScanner,
    Other,
}

struct Tool {
    name: String,
    kind: ToolKind,
    driver: Component,
    extensions: Vec<Component>,
}

impl Default for Tool {
    fn default() -> Self {
        Tool::from(RawTool::default())
    }
}

impl From<RawTool> for Tool {
    fn from(t: RawTool) -> Self {
        let driver = t.driver.unwrap_or_default();
        let name = non_empty(driver.name.clone()).unwrap_or_else(|| "SARIF".to_string());
        let lower = name.to_ascii_lowercase();
        let kind = if lower.contains("gitleaks") {
            ToolKind::Gitleaks
        } else if lower.contains("checkov") {
            ToolKind::Checkov
        } else if lower.starts_with("trivy")
            || lower.starts_with("grype")
            || lower == "snyk open source"
        {
            ToolKind::DependencyScanner
        } else {
            ToolKind::Other
        };
        Tool {
            name,
            kind,
            driver: Component::from(driver),
            extensions: t
                .extensions
                .unwrap_or_default()
                .into_iter()
                .map(Component::from)
                .collect(),
        }
    }
}

impl Tool {
    fn rule(&self, r: &RuleRef) -> Option<&RuleInfo> {
        if let Some(index) = r.index {
            let component = match r.component {
                Some(c) => self.extensions.get(c),
                None => Some(&self.driver),
            };
            if let Some(rule) = component.and_then(|c| c.rules.get(index)) {
                return Some(rule);
            }
        }
        let id = r.id.as_deref()?;
        std::iter::once(&self.driver)
            .chain(&self.extensions)
            .find_map(|c| c.by_id.get(id).and_then(|i| c.rules.get(*i)))
    }

    fn severity(&self, r: &RuleRef, level: Option<Level>, security: Option<Severity>) -> Severity {
        let rule = self.rule(r);
        match security.or(rule.and_then(|r| r.security)) {
            Some(s) => s,
            None => level
                .or(rule.and_then(|r| r.level))
                .unwrap_or(Level::Warning)
                .severity(),
        }
    }

    /// What the run looked for: the tool's own kind and the category of each declared rule.
    fn scope(&self, into: &mut crate::evidence::Scope) {
        let name = self.name.as_str();
        match self.kind {
            ToolKind::Gitleaks => into.ran(Category::Secret, name),
            ToolKind::Checkov => into.ran(Category::Misconfiguration, name),
            ToolKind::DependencyScanner if !name.to_ascii_lowercase().starts_with("trivy") => {
                into.ran(Category::Vulnerability, name)
            }
            _ => {}
        }
        for rule in std::iter::once(&self.driver)
            .chain(&self.extensions)
            .flat_map(|c| &c.rules)
        {
            let tags: Vec<&str> = rule.tags.iter().map(String::as_str).collect();
            into.ran(
                self.category(&rule.id, &tags, rule.security.is_some()),
                name,
            );
        }
        into.described
            .insert(format!("the report is a SARIF log from {name}"));
    }

    fn category(&self, id: &str, tags: &[&str], has_security: bool) -> Category {
        let tagged = |t: &str| tags.iter().any(|x| x.eq_ignore_ascii_case(t));
        let checkov_secret = self.kind == ToolKind::Checkov
            && (id.starts_with("CKV_SECRET_") || id.starts_with("CKV2_SECRET_"));
        if self.kind == ToolKind::Gitleaks || tagged("secret") || checkov_secret {
            Category::Secret
        } else if self.kind == ToolKind::Checkov || tagged("misconfiguration") {
            Category::Misconfiguration
        } else if tagged("license") {
            Category::License
        } else if has_security
            || tagged("vulnerability")
            || self.kind == ToolKind::DependencyScanner
        {
            Category::Vulnerability
        } else {
            Category::CodeQuality
        }
    }

    fn resolve(&self, p: Partial) -> Finding {
        let rule = self.rule(&p.rule);
        let severity = self.severity(&p.rule, p.level, p.security);
        let has_security = p.security.is_some() || rule.is_some_and(|r| r.security.is_some());
        let tags: Vec<&str> = p
            .tags
            .iter()
            .chain(rule.map(|r| r.tags.iter()).into_iter().flatten())
            .map(String::as_str)
            .collect();
        let id = p
            .rule
            .id
            .clone()
            .or_else(|| rule.map(|r| r.id.clone()).filter(|id| !id.is_empty()))
            .unwrap_or_else(|| "(no rule id)".to_string());
        let category = self.category(&id, &tags, has_security);
        let message = p
            .message
            .or_else(|| rule.and_then(|r| r.description.clone()))
            .unwrap_or_else(|| id.clone());
        let mut f = finding(id, severity, category, &message, self.name.clone());
        f.location = p.location.and_then(|(path, line)| location(&path, line));
        f.fingerprint = p.fingerprint;
        f
    }
}

#[derive(Deserialize, Default)]
struct RawTool {
    driver: Option<RawComponent>,
    extensions: Option<Vec<RawComponent>>,
}

#[derive(Deserialize, Default, Clone)]
struct RawComponent {
    name: Option<String>,
    rules: Option<Vec<RawRule>>,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct RawRule {
    id: Option<String>,
    name: Option<String>,
    short_description: Option<RawMessage>,
    default_configuration: Option<RawConfiguration>,
    properties: Option<PropertyBag>,
}

#[derive(Deserialize, Clone)]
struct RawConfiguration {
    level: Option<String>,
}

#[derive(Deserialize, Clone)]
struct RawMessage {
    text: Option<String>,
    markdown: Option<String>,
}

/// SARIF property bags are free-form; only these two keys matter, read leniently.
#[derive(Deserialize, Default, Clone)]
struct PropertyBag {
    #[serde(
        rename = "security-severity",
        default,
        deserialize_with = "lenient_score"
    )]
    security_severity: Option<NumOrText>,
    tags: Option<serde_json::Value>,
}

impl PropertyBag {
    fn tag_list(&self) -> Vec<String> {
        match &self.tags {
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }
}

fn lenient_score<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<NumOrText>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_f64().map(NumOrText::Num),
        serde_json::Value::String(s) => Some(NumOrText::Text(s)),
        _ => None,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawResult {
    rule_id: Option<String>,
    rule_index: Option<i64>,
    rule: Option<RawRuleReference>,
    kind: Option<String>,
    level: Option<String>,
    message: Option<RawMessage>,
    locations: Option<Vec<RawLocation>>,
    partial_fingerprints: Option<serde_json::Map<String, serde_json::Value>>,
    fingerprints: Option<serde_json::Map<String, serde_json::Value>>,
    suppressions: Option<Vec<RawSuppression>>,
    properties: Option<PropertyBag>,
}

impl RawResult {
    fn is_suppressed(&self) -> bool {
        self.suppressions
            .as_deref()
            .unwrap_or_default()
            .iter()
            .any(|s| matches!(s.status.as_deref(), None | Some("accepted")))
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawRuleReference {
    id: Option<String>,
    index: Option<i64>,
    tool_component: Option<RawComponentReference>,
}

#[derive(Deserialize)]
struct RawComponentReference {
    index: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLocation {
    physical_location: Option<RawPhysicalLocation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPhysicalLocation {
    artifact_location: Option<RawArtifactLocation>,
    region: Option<RawRegion>,
}

#[derive(Deserialize)]
struct RawArtifactLocation {
    uri: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRegion {
    start_line: Option<i64>,
}

#[derive(Deserialize)]
struct RawSuppression {
    status: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<FindingSet, ParseError> {
        parse(s.as_bytes())
    }

    const RULES: &str = r#""tool": {"driver": {"name": "Demo", "rules": [
        {"id": "R1", "defaultConfiguration": {"level": "error"}},
        {"id": "R2", "properties": {"security-severity": "9.8", "tags": ["security"]}},
        {"id": "R3", "shortDescription": {"text": "rule three"}, "properties": {"security-severity": 5}}
    ]}}"#;

    fn log(run_body: &str) -> String {
        format!(r#"{{"version": "2.1.0", "runs": [{{ {run_body} }}]}}"#)
    }

    #[test]
    fn level_comes_from_result_then_rule_then_default() {
        let doc = log(&format!(
            r#"{RULES}, "results": [
                {{"ruleId": "R1", "message": {{"text": "a"}}}},
                {{"ruleId": "R1", "level": "note", "message": {{"text": "b"}}}},
                {{"ruleId": "X", "message": {{"text": "c"}}}},
                {{"ruleId": "X", "level": "none", "message": {{"text": "d"}}}}
            ]"#
        ));
        let set = parse_str(&doc).unwrap();
        let sev: Vec<Severity> = set.findings.iter().map(|f| f.severity).collect();
        assert_eq!(
            sev,
            [
                Severity::High,
                Severity::Low,
                Severity::Medium,
                Severity::Info
            ]
        );
        assert!(
            set.findings
                .iter()
                .all(|f| f.category == Category::CodeQuality)
        );
        assert_eq!(set.findings[0].tool, "Demo");
    }

    #[test]
    fn security_severity_uses_cvss_bands_and_marks_vulnerabilities() {
        let doc = log(&format!(
            r#"{RULES}, "results": [
                {{"ruleIndex": 1, "level": "note", "message": {{"text": "a"}}}},
                {{"ruleId": "R3"}},
                {{"ruleId": "R1", "properties": {{"security-severity": "7.0"}}}},
                {{"ruleId": "R1", "properties": {{"security-severity": "HIGH"}}}}
            ]"#
        ));
        let set = parse_str(&doc).unwrap();
        let sev: Vec<Severity> = set.findings.iter().map(|f| f.severity).collect();
        assert_eq!(
            sev,
            [
                Severity::Critical,
                Severity::Medium,
                Severity::High,
                Severity::High
            ]
        );
        assert_eq!(set.findings[0].id, "R2");
        assert_eq!(set.findings[1].message, "rule three");
        assert!(
            set.findings
                .iter()
                .all(|f| f.category == Category::Vulnerability)
        );
    }

    #[test]
    fn results_before_tool_wait_for_the_rules() {
        let doc = log(&format!(
            r#""results": [{{"ruleId": "R1"}}, {{"ruleId": "R2"}}], {RULES}"#
        ));
        let set = parse_str(&doc).unwrap();
        let sev: Vec<Severity> = set.findings.iter().map(|f| f.severity).collect();
        assert_eq!(sev, [Severity::High, Severity::Critical]);
    }

    #[test]
    fn suppressed_and_passing_results_are_not_findings() {
        let doc = log(&format!(
            r#"{RULES}, "results": [
                {{"ruleId": "R1", "suppressions": [{{"kind": "inSource"}}]}},
                {{"ruleId": "R1", "suppressions": [{{"kind": "external", "status": "accepted"}}]}},
                {{"ruleId": "R1", "suppressions": [{{"kind": "external", "status": "rejected"}}]}},
                {{"ruleId": "R1", "suppressions": []}},
                {{"ruleId": "R1", "kind": "pass"}},
                {{"ruleId": "R1", "kind": "fail"}}
            ]"#
        ));
        let set = parse_str(&doc).unwrap();
        assert_eq!(set.total(), 3);
        assert!(
            set.notes.iter().any(|n| n.starts_with("2 suppressed")),
            "{:?}",
            set.notes
        );
        assert!(
            set.notes
                .iter()
                .any(|n| n.starts_with("1 result(s) with a kind")),
            "{:?}",
            set.notes
        );
    }

    #[test]
    fn location_fingerprint_and_rule_reference() {
        let doc = log(
            r#""tool": {"driver": {"name": "CodeQL"}, "extensions": [{"name": "pack", "rules": [
                    {"id": "py/x", "defaultConfiguration": {"level": "error"}}]}]},
               "results": [{"rule": {"id": "py/x", "index": 0, "toolComponent": {"index": 0}},
                 "message": {"text": "m"},
                 "locations": [{"physicalLocation": {"artifactLocation": {"uri": "file:///C:/src/a.py"},
                                "region": {"startLine": 12}}}],
                 "partialFingerprints": {"z": "first", "a": "second"},
                 "fingerprints": {"f": "third"}}]"#,
        );
        let set = parse_str(&doc).unwrap();
        let f = &set.findings[0];
        assert_eq!(f.id, "py/x");
        assert_eq!(f.severity, Severity::High);
        let loc = f.location.as_ref().unwrap();
        assert_eq!((loc.path.as_str(), loc.line), ("C:/src/a.py", Some(12)));
        assert_eq!(f.fingerprint.as_deref(), Some("first"));
    }

    #[test]
    fn categories_follow_tool_and_tags() {
        let cat = |tool: &str, tags: &str| {
            let doc = log(&format!(
                r#""tool": {{"driver": {{"name": "{tool}"}}}},
                   "results": [{{"ruleId": "r", "properties": {{"tags": [{tags}]}}}}]"#
            ));
            parse_str(&doc).unwrap().findings[0].category
        };
        assert_eq!(cat("gitleaks", ""), Category::Secret);
        assert_eq!(cat("Trivy", "\"secret\""), Category::Secret);
        assert_eq!(cat("Checkov", ""), Category::Misconfiguration);
        assert_eq!(
            cat("Trivy", "\"misconfiguration\", \"security\""),
            Category::Misconfiguration
        );
        assert_eq!(cat("Trivy", ""), Category::Vulnerability);
        assert_eq!(cat("Snyk Open Source", ""), Category::Vulnerability);
        assert_eq!(cat("ESLint", "\"style\""), Category::CodeQuality);
    }

    #[test]
    fn checkov_secret_checks_are_secrets_and_the_scope_says_what_ran() {
        let doc = log(r#""tool": {"driver": {"name": "Checkov", "rules": [
                {"id": "CKV_K8S_15"}, {"id": "CKV_SECRET_6"}]}},
               "results": [{"ruleId": "CKV_SECRET_6", "level": "error"},
                           {"ruleId": "CKV_K8S_15", "level": "error"}]"#);
        let set = parse_str(&doc).unwrap();
        let cats: Vec<Category> = set.findings.iter().map(|f| f.category).collect();
        assert_eq!(cats, [Category::Secret, Category::Misconfiguration]);
        assert!(set.scope.covers(Category::Secret));
        let clean = log(r#""tool": {"driver": {"name": "Checkov"}}, "results": []"#);
        let set = parse_str(&clean).unwrap();
        assert!(set.scope.covers(Category::Misconfiguration));
        assert!(
            !set.scope.covers(Category::Secret),
            "a Checkov run that declares no secret check did not look for secrets"
        );
        let gitleaks = log(r#""tool": {"driver": {"name": "gitleaks"}}, "results": []"#);
        assert!(parse_str(&gitleaks).unwrap().scope.covers(Category::Secret));
        let trivy = log(r#""tool": {"driver": {"name": "Trivy"}}, "results": []"#);
        assert!(
            !parse_str(&trivy)
                .unwrap()
                .scope
                .covers(Category::Vulnerability),
            "Trivy's SARIF declares only the rules it found: a clean one proves nothing"
        );
    }

    #[test]
    fn empty_runs_are_zero_findings_but_null_results_are_errors() {
        assert_eq!(parse_str(r#"{"runs":[]}"#).unwrap().total(), 0);
        let doc = log(r#""tool": {"driver": {"name": "x"}}, "results": []"#);
        assert_eq!(parse_str(&doc).unwrap().total(), 0);
        let doc = log(r#""tool": {"driver": {"name": "x"}}, "results": null"#);
        let err = parse_str(&doc).unwrap_err();
        assert!(err.message.contains("did not complete"), "{err}");
        assert!(parse_str(r#"{"runs": null}"#).is_err());
    }

    #[test]
    fn wrong_types_are_errors_with_positions() {
        let err = parse_str(r#"{"runs": [{"results": 3}]}"#).unwrap_err();
        assert!(
            err.message.contains("expected a list of SARIF results"),
            "{err}"
        );
        assert!(err.position.is_some());
        let err = parse_str(r#"{"version": "2.1.0"}"#).unwrap_err();
        assert!(err.message.contains("no \"runs\""), "{err}");
        let err = parse_str(r#"{"runs": [{"results": [{"ruleId": 5}]}]}"#).unwrap_err();
        assert!(err.message.contains("invalid type"), "{err}");
        let err = parse_str("[1,2]").unwrap_err();
        assert!(err.message.contains("SARIF log object"), "{err}");
    }

    #[test]
    fn overflow_while_waiting_for_the_tool_keeps_exact_counts() {
        let n = MAX_ITEMS + 25;
        let mut results = String::new();
        for i in 0..n {
            if i > 0 {
                results.push(',');
            }
            let rule = if i % 2 == 0 { "R1" } else { "R2" };
            results.push_str(&format!(r#"{{"ruleId": "{rule}"}}"#));
        }
        let doc = log(&format!(r#""results": [{results}], {RULES}"#));
        let set = parse_str(&doc).unwrap();
        assert_eq!(set.total(), n as u64);
        assert_eq!(set.findings.len(), MAX_ITEMS);
        let high = set
            .findings
            .iter()
            .filter(|f| f.severity == Severity::High)
            .count() as u64
            + set
                .overflow_by_severity
                .get(&Severity::High)
                .copied()
                .unwrap_or(0);
        assert_eq!(high, n.div_ceil(2) as u64);
    }

    #[test]
    fn sniff_is_specific() {
        assert!(sniff(
            br#"{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "runs": []}"#
        ));
        assert!(sniff(b"\xEF\xBB\xBF{\"version\": \"2.1.0\", \"runs\": []}"));
        assert!(!sniff(br#"{"SchemaVersion": 2, "Results": []}"#));
        assert!(!sniff(br#"[{"runs": "sarif"}]"#));
    }
}
