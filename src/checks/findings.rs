//! `findings`: counts of scan findings by severity, narrowed by category and fixability.
//!
//! One kind serves SARIF, Trivy, Grype, gitleaks, Dependency-Check, npm audit, osv-scanner,
//! Code Quality and the manifest checks: a rule says "no critical fixable vulnerability" without
//! caring which scanner found it. A waiver `match` names a CVE id, rule id, fingerprint, package
//! or path (glob).
//!
//! Only evidence that could have failed the rule counts: when the report's scope (what its
//! scanners looked for) does not cover the categories the rule counts, the rule is inconclusive
//! and says what did not run ("no secret scanner ran: the report is a Trivy image scan ...").
//! Scanner checks that ask for what the rule's source forbids (a generic Kubernetes scanner
//! asking for `imagePullPolicy: Always` where the CCT asks for `IfNotPresent`) are `set_aside`
//! with the rule's reason: counted apart, listed in the notes, never hidden.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CheckKind, wrong_kind};
use crate::evidence::{Category, Evidence, Missing, MissingReason, Severity};
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
    MetricDoc {
        name: "set_aside",
        description: "findings of the checks the rule sets aside (`set_aside`), not counted above",
    },
    MetricDoc {
        name: "runs_as_root",
        description: "1 when the scanned image's configuration runs it as root (no USER, root or UID 0), 0 otherwise; unavailable when the report carries no image configuration",
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
    /// Scanner checks not counted, each group with why (they contradict the rule's source).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set_aside: Vec<SetAside>,
}

/// Checks a rule does not count, and why.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetAside {
    /// Finding ids (scanner rule ids), as globs: `CKV_K8S_15`, `KSV0*`.
    pub ids: Vec<String>,
    /// Why they are not counted; shown with every finding set aside.
    pub reason: String,
}

impl CategoryFilter {
    fn category(self) -> Category {
        match self {
            CategoryFilter::Vulnerability => Category::Vulnerability,
            CategoryFilter::Misconfiguration => Category::Misconfiguration,
            CategoryFilter::Secret => Category::Secret,
            CategoryFilter::CodeQuality => Category::CodeQuality,
            CategoryFilter::License => Category::License,
            CategoryFilter::Policy => Category::Policy,
        }
    }
}

impl FindingsCheck {
    /// Inconclusive unless the report's scope covers what the rule counts.
    fn in_scope(&self, set: &crate::evidence::FindingSet) -> Result<(), Missing> {
        if self.categories.is_empty() {
            if set.scope.ran.is_empty() {
                return Err(Missing::new(
                    MissingReason::Empty,
                    format!(
                        "no scanner ran that the report names: {}",
                        set.scope.describe()
                    ),
                ));
            }
            return Ok(());
        }
        let missing: Vec<&str> = self
            .categories
            .iter()
            .map(|c| c.category())
            .filter(|c| !set.scope.covers(*c))
            .map(Category::as_str)
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(Missing::new(
            MissingReason::Empty,
            format!(
                "no {} scanner ran: {}",
                missing.join(" or "),
                set.scope.describe()
            ),
        ))
    }
}

impl CheckKind for FindingsCheck {
    fn need(&self) -> Need {
        Need::Source(self.source.clone())
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let Evidence::Findings(set) = evidence else {
            return Err(wrong_kind(&self.need(), evidence, "scan findings"));
        };
        self.in_scope(set)?;
        let mut counts = [0u64; 6];
        let mut m = Measurement::default();
        let mut kept: Vec<&crate::evidence::Finding> = Vec::new();
        let mut aside: Vec<(usize, &str)> = Vec::new();
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
            if let Some(i) = self
                .set_aside
                .iter()
                .position(|g| g.ids.iter().any(|id| crate::model::glob_match(id, &f.id)))
            {
                aside.push((i, f.id.as_str()));
                continue;
            }
            if f.waived(waive) {
                m.waived_items += 1;
                continue;
            }
            counts[severity_index(f.severity)] += 1;
            kept.push(f);
        }
        if set.truncated > 0 {
            let filtered = !self.categories.is_empty()
                || self.fixable_only
                || !self.ids.is_empty()
                || !self.set_aside.is_empty();
            // Past the kept findings only counts by severity remain: a filter cannot see them,
            // so they count as if they matched (an upper bound), never as absent.
            if filtered {
                m.notes.push(format!(
                    "{} findings beyond the first {} could not be filtered: counted by severity as if they matched",
                    set.truncated,
                    crate::evidence::MAX_ITEMS
                ));
            }
            for (sev, n) in &set.overflow_by_severity {
                counts[severity_index(*sev)] += n;
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
            let key = f.item_key();
            m.classes
                .insert(key.clone(), f.severity.as_str().to_string());
            m.items.push(Item {
                key,
                text: format!("{} {}{pkg}: {}", f.severity.as_str(), f.id, f.message),
                location: f.location.clone(),
            });
        }
        for (i, sev) in Severity::ALL.iter().enumerate() {
            m.set(sev.as_str(), counts[i]);
        }
        m.set("total", counts.iter().sum::<u64>());
        m.set("high_or_above", counts[0] + counts[1]);
        m.set("set_aside", aside.len() as u64);
        for (i, group) in self.set_aside.iter().enumerate() {
            let mut ids: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
            for (_, id) in aside.iter().filter(|(g, _)| *g == i) {
                *ids.entry(id).or_default() += 1;
            }
            if !ids.is_empty() {
                let list: Vec<String> = ids
                    .iter()
                    .map(|(id, n)| {
                        if *n == 1 {
                            id.to_string()
                        } else {
                            format!("{id} ×{n}")
                        }
                    })
                    .collect();
                m.notes.push(format!(
                    "set aside, not counted: {} — {}",
                    list.join(", "),
                    group.reason
                ));
            }
        }
        match &set.image {
            Some(image) => {
                m.set("runs_as_root", u64::from(image.runs_as_root()));
                if image.runs_as_root() {
                    let user = image.user.as_deref().filter(|u| !u.is_empty()).map_or_else(
                        || "root (no User in its configuration)".to_string(),
                        |u| format!("user `{u}`"),
                    );
                    m.notes
                        .push(format!("image {} runs as {user}", image.reference));
                }
            }
            None => {
                m.unavailable.insert(
                    "runs_as_root".into(),
                    "the report carries no image configuration (a Trivy image scan in JSON has it under Metadata.ImageConfig)".into(),
                );
            }
        }
        m.notes.extend(set.notes.iter().cloned());
        Ok(m)
    }
}

fn severity_index(s: Severity) -> usize {
    Severity::ALL.iter().position(|x| *x == s).unwrap_or(5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{Finding, FindingSet, ImageConfig};

    fn finding(id: &str, category: Category, severity: Severity) -> Finding {
        Finding {
            id: id.into(),
            severity,
            category,
            message: "m".into(),
            location: None,
            package: None,
            installed_version: None,
            fixed_version: None,
            fixable: true,
            fingerprint: None,
            tool: "Checkov".into(),
        }
    }

    fn check(json: serde_json::Value) -> FindingsCheck {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_report_that_did_not_look_for_the_category_is_inconclusive_and_says_so() {
        let image = FindingSet::default().looked_for(Category::Vulnerability, "Trivy vuln");
        let secrets = check(serde_json::json!({"source": "s", "categories": ["secret"]}));
        let err = secrets
            .measure(&Evidence::Findings(image.clone()), &mut |_| false)
            .unwrap_err();
        assert_eq!(err.reason, MissingReason::Empty);
        assert!(
            err.detail
                .starts_with("no secret scanner ran: the report is a Trivy vuln report"),
            "{}",
            err.detail
        );
        let vulns = check(serde_json::json!({"source": "s", "categories": ["vulnerability"]}));
        let m = vulns
            .measure(&Evidence::Findings(image), &mut |_| false)
            .unwrap();
        assert_eq!(
            m.metrics["total"],
            0.0.into(),
            "a clean scan that ran passes"
        );
        let any = check(serde_json::json!({"source": "s"}));
        let err = any
            .measure(&Evidence::Findings(FindingSet::default()), &mut |_| false)
            .unwrap_err();
        assert!(
            err.detail.contains("does not say that any scanner ran"),
            "{}",
            err.detail
        );
    }

    #[test]
    fn findings_past_the_kept_ones_count_even_under_a_filter() {
        let mut set = FindingSet::default().looked_for(Category::Vulnerability, "Trivy vuln");
        for i in 0..crate::evidence::MAX_ITEMS {
            set.push(finding(
                &format!("L-{i}"),
                Category::Vulnerability,
                Severity::Low,
            ));
        }
        for i in 0..3 {
            set.push(finding(
                &format!("C-{i}"),
                Category::Vulnerability,
                Severity::Critical,
            ));
        }
        assert_eq!(set.truncated, 3);
        let filtered = check(serde_json::json!({"source": "s", "categories": ["vulnerability"]}));
        let m = filtered
            .measure(&Evidence::Findings(set), &mut |_| false)
            .unwrap();
        assert_eq!(
            m.metrics["critical"],
            3.0.into(),
            "criticals beyond the kept findings are not dropped by a filter"
        );
        assert!(
            m.notes.iter().any(|n| n.contains("as if they matched")),
            "{:?}",
            m.notes
        );
    }

    #[test]
    fn set_aside_checks_are_counted_apart_with_their_reason() {
        let mut set = FindingSet::default().looked_for(Category::Misconfiguration, "Checkov");
        set.push(finding(
            "CKV_K8S_15",
            Category::Misconfiguration,
            Severity::High,
        ));
        set.push(finding(
            "CKV_K8S_15",
            Category::Misconfiguration,
            Severity::High,
        ));
        set.push(finding(
            "CKV_K8S_8",
            Category::Misconfiguration,
            Severity::High,
        ));
        let c = check(
            serde_json::json!({"source": "s", "categories": ["misconfiguration"],
            "set_aside": [{"ids": ["CKV_K8S_15"], "reason": "EXI-ARCH-27 asks for IfNotPresent"}]}),
        );
        let m = c.measure(&Evidence::Findings(set), &mut |_| false).unwrap();
        assert_eq!(m.metrics["high_or_above"], 1.0.into());
        assert_eq!(m.metrics["set_aside"], 2.0.into());
        assert!(
            m.notes.iter().any(|n| n
                == "set aside, not counted: CKV_K8S_15 ×2 — EXI-ARCH-27 asks for IfNotPresent"),
            "{:?}",
            m.notes
        );
    }

    #[test]
    fn the_image_user_is_measured_when_the_report_carries_it() {
        let c = check(serde_json::json!({"source": "s"}));
        let mut set = FindingSet::default().looked_for(Category::Vulnerability, "Trivy vuln");
        let m = c
            .measure(&Evidence::Findings(set.clone()), &mut |_| false)
            .unwrap();
        assert!(m.unavailable["runs_as_root"].contains("no image configuration"));
        set.image = Some(ImageConfig {
            reference: "app:1".into(),
            user: Some("nonroot".into()),
        });
        let m = c
            .measure(&Evidence::Findings(set.clone()), &mut |_| false)
            .unwrap();
        assert_eq!(m.metrics["runs_as_root"], 0.0.into());
        set.image = Some(ImageConfig {
            reference: "app:1".into(),
            user: Some("0:0".into()),
        });
        let m = c.measure(&Evidence::Findings(set), &mut |_| false).unwrap();
        assert_eq!(m.metrics["runs_as_root"], 1.0.into());
    }
}
