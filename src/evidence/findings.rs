//! Findings from static analysis, vulnerability, secret and configuration scans.
//!
//! One shape for SARIF, Trivy, Grype, gitleaks, Code Quality, manifest checks...: a rule can
//! count "critical fixable vulnerabilities" without knowing which scanner produced them.
//!
//! A set also says what was looked for ([`Scope`]): zero secrets from a report where no secret
//! scanner ran is not evidence of no secret, so a rule only passes on a set whose scope covers
//! what it counts. Parsers fill the scope from what the report says ran (Trivy's result
//! classes, a SARIF tool and the rules it declares, a single-purpose scanner's own kind); a
//! finding is proof of its own category.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Location, MAX_ITEMS};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
    Unknown,
}

impl Severity {
    pub const ALL: [Severity; 6] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
        Severity::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
            Severity::Unknown => "unknown",
        }
    }

    /// Reads the spellings scanners use (`CRITICAL`, `moderate`, `major`, `negligible`, ...).
    pub fn parse_loose(s: &str) -> Severity {
        match s.trim().to_ascii_lowercase().as_str() {
            "critical" | "blocker" => Severity::Critical,
            "high" | "major" | "error" | "important" => Severity::High,
            "medium" | "moderate" | "warning" => Severity::Medium,
            "low" | "minor" => Severity::Low,
            "info" | "informational" | "negligible" | "note" | "none" => Severity::Info,
            _ => Severity::Unknown,
        }
    }

    /// CVSS-style score (SARIF `security-severity`) to severity, per the CVSS v3 bands.
    pub fn from_score(score: f64) -> Severity {
        if score >= 9.0 {
            Severity::Critical
        } else if score >= 7.0 {
            Severity::High
        } else if score >= 4.0 {
            Severity::Medium
        } else if score > 0.0 {
            Severity::Low
        } else {
            Severity::Info
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Vulnerability,
    Misconfiguration,
    Secret,
    CodeQuality,
    License,
    Policy,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Vulnerability => "vulnerability",
            Category::Misconfiguration => "misconfiguration",
            Category::Secret => "secret",
            Category::CodeQuality => "code_quality",
            Category::License => "license",
            Category::Policy => "policy",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The finding's own identifier: CVE/GHSA id, or the analyser's rule id.
    pub id: String,
    pub severity: Severity,
    pub category: Category,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub installed_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_version: Option<String>,
    /// A fixed version exists (for "fixable only" criteria).
    pub fixable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// The tool that reported it (`Trivy`, `Semgrep OSS`, `gonogo-manifests`, ...).
    pub tool: String,
}

impl Finding {
    /// The item id a verdict lists and baselines compare: `place#package#id`, each part present
    /// when the finding has it (`deploy/api.yaml#Deployment/api/app#CPN-K8S-02`,
    /// `docker/api.Dockerfile#prod#root-user`, `requirements.txt#requests#CVE-2023-32681`).
    /// The place keeps two files' findings apart. Nothing that changes from one run to the next
    /// goes in, since baselines compare ids across runs: no line number (an edit above would
    /// move it), and a scanned image is named without its tag or digest
    /// (`registry/app:4f2c1ab (debian 12.7)` → `registry/app`).
    pub fn item_key(&self) -> String {
        let place = self.location.as_ref().map(|l| stable_place(&l.path));
        [place, self.package.as_deref(), Some(self.id.as_str())]
            .into_iter()
            .flatten()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("#")
    }

    /// Whether a waiver's `match` covers this finding: through its item id, or any one part of
    /// it (id, fingerprint, package, path), as before item ids had them all.
    pub fn waived(&self, waive: &mut dyn FnMut(&str) -> bool) -> bool {
        waive(&self.item_key()) || self.match_keys().any(waive)
    }

    /// Every string a waiver's `match` may name: id, fingerprint, package, path.
    pub fn match_keys(&self) -> impl Iterator<Item = &str> {
        [
            Some(self.id.as_str()),
            self.fingerprint.as_deref(),
            self.package.as_deref(),
            self.location.as_ref().map(|l| l.path.as_str()),
        ]
        .into_iter()
        .flatten()
    }
}

/// A finding's place without what a rebuild changes: Trivy names an image's OS packages after
/// `image:tag (os version)`, and the tag is often the commit.
fn stable_place(path: &str) -> &str {
    let path = path.split_once(" (").map_or(path, |(p, _)| p);
    let path = path.split_once('@').map_or(path, |(p, _)| p);
    match path.rfind(':') {
        Some(colon)
            if path.rfind('/').is_none_or(|slash| slash < colon) && !path.contains("://") =>
        {
            &path[..colon]
        }
        _ => path,
    }
}

/// What a report looked for, whether or not it found anything.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scope {
    /// Category → the scanners that looked for it (`Trivy (os-pkgs)`, `gitleaks`).
    pub ran: BTreeMap<Category, BTreeSet<String>>,
    /// What the reports are, in words, for messages (`Trivy image scan of app:1.2`).
    pub described: BTreeSet<String>,
}

impl Scope {
    /// Records that `scanner` looked for `category`.
    pub fn ran(&mut self, category: Category, scanner: &str) {
        self.ran
            .entry(category)
            .or_default()
            .insert(scanner.to_string());
    }

    pub fn covers(&self, category: Category) -> bool {
        self.ran.contains_key(&category)
    }

    /// `the report is a Trivy image scan of app:1 (vulnerability)`: what ran, for a message
    /// saying what did not.
    pub fn describe(&self) -> String {
        let looked: Vec<String> = self
            .ran
            .iter()
            .map(|(c, s)| {
                format!(
                    "{} ({})",
                    c.as_str(),
                    s.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        let what = if self.described.is_empty() {
            String::new()
        } else {
            format!(
                "{}; ",
                self.described
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        if looked.is_empty() {
            format!("{what}it does not say that any scanner ran")
        } else {
            format!("{what}it looked for {}", looked.join(", "))
        }
    }

    pub fn merge(&mut self, other: Scope) {
        for (c, s) in other.ran {
            self.ran.entry(c).or_default().extend(s);
        }
        self.described.extend(other.described);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FindingSet {
    /// At most [`MAX_ITEMS`]; `truncated` counts the rest, whose severities are still counted in
    /// `overflow_by_severity`.
    pub findings: Vec<Finding>,
    pub truncated: u64,
    pub overflow_by_severity: BTreeMap<Severity, u64>,
    pub notes: Vec<String>,
    /// When the report says it was produced (Trivy `CreatedAt`, SARIF invocation end), the
    /// oldest across files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub produced_at: Option<jiff::Timestamp>,
    /// What the report looked for.
    pub scope: Scope,
    /// The image the report scanned, when it is an image scan that carries the image's config.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageConfig>,
}

/// The configuration of a scanned image, as the scanner read it (Trivy's
/// `Metadata.ImageConfig.config`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImageConfig {
    /// The image reference scanned (`ArtifactName`).
    pub reference: String,
    /// The user the image runs as (`config.User`); empty means root.
    pub user: Option<String>,
}

impl ImageConfig {
    /// Whether the image runs as root: no user, `root`, or UID 0 (group 0 is fine).
    pub fn runs_as_root(&self) -> bool {
        let user = self.user.as_deref().unwrap_or("");
        let name = user.split(':').next().unwrap_or_default().trim();
        name.is_empty() || name == "root" || name.bytes().all(|b| b == b'0')
    }
}

impl FindingSet {
    /// The set of a single-purpose scanner, which looked for `category` whatever it found.
    pub fn looked_for(mut self, category: Category, scanner: &str) -> FindingSet {
        self.scope.ran(category, scanner);
        self.scope
            .described
            .insert(format!("the report is a {scanner} report"));
        self
    }

    pub fn push(&mut self, finding: Finding) {
        if !self.scope.covers(finding.category) {
            self.scope.ran(finding.category, &finding.tool);
        }
        if self.findings.len() < MAX_ITEMS {
            self.findings.push(finding);
        } else {
            self.truncated += 1;
            *self
                .overflow_by_severity
                .entry(finding.severity)
                .or_default() += 1;
        }
    }

    pub fn merge(&mut self, other: FindingSet) {
        for f in other.findings {
            self.push(f);
        }
        self.truncated += other.truncated;
        for (sev, n) in other.overflow_by_severity {
            *self.overflow_by_severity.entry(sev).or_default() += n;
        }
        self.notes.extend(other.notes);
        self.produced_at = super::older(self.produced_at, other.produced_at);
        self.scope.merge(other.scope);
        if self.image.is_none() {
            self.image = other.image;
        }
    }

    pub fn total(&self) -> u64 {
        self.findings.len() as u64 + self.truncated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(path: &str, package: Option<&str>) -> Finding {
        Finding {
            id: "CVE-1".into(),
            severity: Severity::High,
            category: Category::Vulnerability,
            message: String::new(),
            location: Some(Location {
                path: path.into(),
                line: Some(7),
            }),
            package: package.map(str::to_string),
            installed_version: None,
            fixed_version: None,
            fixable: false,
            fingerprint: None,
            tool: "t".into(),
        }
    }

    #[test]
    fn item_keys_name_the_place_and_leave_out_what_a_rebuild_changes() {
        for (path, package, key) in [
            ("src/a.py", None, "src/a.py#CVE-1"),
            ("Python", Some("setuptools"), "Python#setuptools#CVE-1"),
            (
                "registry.example/app:4f2c1ab (debian 12.7)",
                Some("zlib1g"),
                "registry.example/app#zlib1g#CVE-1",
            ),
            (
                "localhost:5000/app@sha256:abc (alpine 3.20)",
                Some("musl"),
                "localhost:5000/app#musl#CVE-1",
            ),
            ("localhost:5000/app", None, "localhost:5000/app#CVE-1"),
        ] {
            assert_eq!(at(path, package).item_key(), key, "{path}");
        }
    }
}
