//! `findings`: counts of scan findings by severity, narrowed by category and fixability.
//!
//! One kind serves SARIF, Trivy, Grype, gitleaks, Dependency-Check, npm audit, osv-scanner,
//! Code Quality and the manifest checks: a rule says "no critical fixable vulnerability" without
//! caring which scanner found it. A waiver `match` names a CVE id, rule id, fingerprint, package
//! or path (glob).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CheckKind, wrong_kind};
use crate::evidence::{Category, Evidence, Missing, Severity};
use crate::model::{Item, Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str =
    "Scan findings (vulnerabilities, misconfigurations, secrets, code issues) counted by severity.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "total",
        description: "findings kept by the filters",
    },
    MetricDoc {
        name: "critical",
        description: "critical findings",
    },
    MetricDoc {
        name: "high",
        description: "high findings",
    },
    MetricDoc {
        name: "medium",
        description: "medium findings",
    },
    MetricDoc {
        name: "low",
        description: "low findings",
    },
    MetricDoc {
        name: "info",
        description: "informational findings",
    },
    MetricDoc {
        name: "unknown",
        description: "findings without a usable severity",
    },
    MetricDoc {
        name: "high_or_above",
        description: "critical + high",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("critical", "== 0")];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CategoryFilter {
    Vulnerability,
    Misconfiguration,
    Secret,
    CodeQuality,
    License,
    Policy,
}

impl CategoryFilter {
    fn matches(self, c: Category) -> bool {
        matches!(
            (self, c),
            (CategoryFilter::Vulnerability, Category::Vulnerability)
                | (CategoryFilter::Misconfiguration, Category::Misconfiguration)
                | (CategoryFilter::Secret, Category::Secret)
                | (CategoryFilter::CodeQuality, Category::CodeQuality)
                | (CategoryFilter::License, Category::License)
                | (CategoryFilter::Policy, Category::Policy)
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingsCheck {
    /// The `sources` entry holding the scan report(s).
    pub source: String,
    /// Only these categories (all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<CategoryFilter>,
    /// Only findings with a known fix (Trivy `--ignore-unfixed` semantics).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fixable_only: bool,
    /// Only findings whose id or rule id matches one of these globs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
}

impl CheckKind for FindingsCheck {
    fn need(&self) -> Need {
        Need::Source(self.source.clone())
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let Evidence::Findings(set) = evidence else {
            return Err(wrong_kind(&self.need(), evidence, "scan findings"));
        };
        let mut counts = [0u64; 6];
        let mut m = Measurement::default();
        let mut kept: Vec<&crate::evidence::Finding> = Vec::new();
        for f in &set.findings {
            if !self.categories.is_empty() && !self.categories.iter().any(|c| c.matches(f.category))
            {
                continue;
            }
            if self.fixable_only && !f.fixable {
                continue;
            }
            if !self.ids.is_empty() && !self.ids.iter().any(|g| crate::model::glob_match(g, &f.id))
            {
                continue;
            }
            if f.match_keys().any(&mut *waive) {
                m.waived_items += 1;
                continue;
            }
            counts[severity_index(f.severity)] += 1;
            kept.push(f);
        }
        if set.truncated > 0 {
            let filtered = !self.categories.is_empty() || self.fixable_only || !self.ids.is_empty();
            if filtered {
                m.notes.push(format!(
                    "{} findings beyond the first {} could not be filtered and are not counted",
                    set.truncated,
                    crate::evidence::MAX_ITEMS
                ));
            } else {
                for (sev, n) in &set.overflow_by_severity {
                    counts[severity_index(*sev)] += n;
                }
            }
        }
        kept.sort_by_key(|f| f.severity);
        for f in kept {
            let pkg = match (&f.package, &f.installed_version, &f.fixed_version) {
                (Some(p), Some(i), Some(fx)) if !fx.is_empty() => {
                    format!(" in {p} {i} (fixed in {fx})")
                }
                (Some(p), Some(i), _) => format!(" in {p} {i}"),
                (Some(p), None, _) => format!(" in {p}"),
                _ => String::new(),
            };
            m.items.push(Item {
                key: f.id.clone(),
                text: format!("{} {}{pkg}: {}", f.severity.as_str(), f.id, f.message),
                location: f.location.clone(),
            });
        }
        for (i, sev) in Severity::ALL.iter().enumerate() {
            m.set(sev.as_str(), counts[i]);
        }
        m.set("total", counts.iter().sum::<u64>());
        m.set("high_or_above", counts[0] + counts[1]);
        m.notes.extend(set.notes.iter().cloned());
        Ok(m)
    }
}

fn severity_index(s: Severity) -> usize {
    Severity::ALL.iter().position(|x| *x == s).unwrap_or(5)
}
