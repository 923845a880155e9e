//! `manifests`: rendered Kubernetes manifests checked against the Cloud Pi Native rules
//! CPN-K8S-01…17 (and the production rules CPN-S4-16/19).
//!
//! One gonogo rule per CPN id, each with its own level: the check names the ids it counts in
//! `rules` and the gonogo rule compares `violations` (or `blocking`, for CPN-K8S-03 where a
//! container with one probe of two is only advisory). Every rule over the same `paths` shares
//! one read of the files (the need is the same), and each evaluates only its own ids. The
//! evidence is the files' text (`Need::Documents`): manifests are not one-file-one-report, since
//! a NetworkPolicy in one file decides about a Deployment in another, so they are read as a set
//! and parsed here, purely.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CheckKind, wrong_kind};
use crate::evidence::{Evidence, FindingSet, Missing, MissingReason, Severity};
use crate::lint::manifests::{self, Manifests, Options, Quota, RuleId};
use crate::model::{Item, Measurement, MetricDoc, Need, Waive};
use crate::parse::ParseError;

pub const SUMMARY: &str = "Rendered Kubernetes manifests (helm template, kustomize build, a folder of YAML) against the platform's rules CPN-K8S-01..17, CPN-S4-16 and CPN-S4-19.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "violations",
        description: "findings of the selected rules, waived ones excluded",
    },
    MetricDoc {
        name: "blocking",
        description: "violations the reference marks `fail` (high severity)",
    },
    MetricDoc {
        name: "advisory",
        description: "violations the reference marks `warn` (medium severity)",
    },
    MetricDoc {
        name: "objects",
        description: "Kubernetes objects read",
    },
    MetricDoc {
        name: "workloads",
        description: "pod templates checked (Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs)",
    },
    MetricDoc {
        name: "containers",
        description: "containers and init containers checked",
    },
    MetricDoc {
        name: "limits_cpu",
        description: "sum of cpu limits in cores, times replicas (HPA maximum when autoscaled)",
    },
    MetricDoc {
        name: "limits_memory",
        description: "sum of memory limits in bytes, times replicas",
    },
    MetricDoc {
        name: "limits_gpu",
        description: "sum of GPU limits, times replicas",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("violations", "== 0")];

/// A Kubernetes quantity (`4`, `500m`, `16Gi`), checked when the rule file is loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "QuantityText", into = "QuantityText")]
#[schemars(with = "QuantityText")]
pub struct Quantity {
    text: String,
    value: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum QuantityText {
    Number(f64),
    Text(String),
}

impl TryFrom<QuantityText> for Quantity {
    type Error = String;

    fn try_from(q: QuantityText) -> Result<Self, Self::Error> {
        let text = match q {
            QuantityText::Number(n) => crate::evidence::format_number(n),
            QuantityText::Text(t) => t,
        };
        match manifests::parse_quantity(&text) {
            Some(value) if value >= 0.0 => Ok(Quantity { text, value }),
            _ => Err(format!(
                "`{text}` is not a Kubernetes quantity (4, 500m, 16Gi, ...)"
            )),
        }
    }
}

impl From<Quantity> for QuantityText {
    fn from(q: Quantity) -> Self {
        QuantityText::Text(q.text)
    }
}

/// The environment's quota (the platform's default is 4 cores and 16Gi).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuotaSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu: Option<Quantity>,
}

/// Allowed label values, each replacing the platform's list for that label.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelValues {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criticality: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManifestsCheck {
    /// Rendered manifests: files, globs, or folders (read recursively for `*.yaml`, `*.yml`),
    /// relative to the project root.
    pub paths: Vec<String>,
    /// The rule ids counted (`[CPN-K8S-02]`); all when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleId>,
    /// Allowed image prefixes, compared with the image as written (CPN-K8S-08); replaces the
    /// default list (docker.io/, registry.redhat.io/, quay.io/, bitnami/, ghcr.io/). Add the
    /// platform's Harbor host here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registries: Option<Vec<String>>,
    /// Allowed values of the `env`, `tier`, `criticality` and `component` labels.
    #[serde(default)]
    pub label_values: LabelValues,
    /// The environment quota the sum of limits must fit in (CPN-K8S-15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<QuotaSpec>,
    /// Longest object name (CPN-K8S-17); default 63, CronJobs at most 52.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_name_length: Option<usize>,
    /// Values files for the Helm charts among `paths` (`helm template -f`), relative to the
    /// project root; a chart is rendered with its own values.yaml otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub helm_values: Vec<String>,
}

/// Globs for `paths`: a glob as is, a file or folder as itself plus `<folder>/**/<name>`.
pub(crate) fn search_patterns(paths: &[String], names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for p in paths {
        let p = p.trim_end_matches('/');
        if p.is_empty() || p == "." {
            out.extend(names.iter().map(|n| format!("**/{n}")));
        } else if p.contains(['*', '?', '[', '{']) {
            out.push(p.to_string());
        } else {
            out.push(p.to_string());
            out.extend(names.iter().map(|n| format!("{p}/**/{n}")));
        }
    }
    out
}

pub(crate) fn parse_error(path: &str, e: &ParseError) -> Missing {
    let at = match e.position {
        Some(p) => format!("{path}:{p}"),
        None => path.to_string(),
    };
    Missing::new(MissingReason::ParseError, format!("{at}: {}", e.message))
}

/// Counts findings into `violations`/`blocking`/`advisory` and lists them as items.
pub(crate) fn record_findings(set: &FindingSet, waive: &mut Waive<'_>, m: &mut Measurement) {
    let (mut blocking, mut advisory) = (0u64, 0u64);
    for f in &set.findings {
        if f.waived(waive) {
            m.waived_items += 1;
            continue;
        }
        if f.severity <= Severity::High {
            blocking += 1;
        } else {
            advisory += 1;
        }
        let place = f
            .package
            .as_deref()
            .map(|p| format!(" {p}"))
            .unwrap_or_default();
        m.items.push(Item {
            key: f.item_key(),
            text: format!("{} {}{place}: {}", f.severity.as_str(), f.id, f.message),
            location: f.location.clone(),
        });
    }
    for (sev, n) in &set.overflow_by_severity {
        if *sev <= Severity::High {
            blocking += n;
        } else {
            advisory += n;
        }
    }
    if set.truncated > 0 {
        m.notes.push(format!(
            "{} findings beyond the first {} are counted but cannot be waived one by one",
            set.truncated,
            crate::evidence::MAX_ITEMS
        ));
    }
    m.set("violations", blocking + advisory);
    m.set("blocking", blocking);
    m.set("advisory", advisory);
    m.notes.extend(set.notes.iter().cloned());
}

impl ManifestsCheck {
    fn options(&self) -> Result<Options, Missing> {
        let mut o = Options {
            rules: self.rules.clone(),
            ..Options::default()
        };
        if let Some(r) = &self.registries {
            o.registries = r.clone();
        }
        let lv = &self.label_values;
        for (label, values) in [
            ("env", &lv.env),
            ("tier", &lv.tier),
            ("criticality", &lv.criticality),
            ("component", &lv.component),
        ] {
            if let Some(v) = values {
                o.label_values.insert(label.to_string(), v.clone());
            }
        }
        if let Some(n) = self.max_name_length {
            o.max_name_length = n;
        }
        o.quota = self.quota.as_ref().map(|q| Quota {
            cpu: q.cpu.as_ref().map(|x| x.value),
            memory: q.memory.as_ref().map(|x| x.value),
            gpu: q.gpu.as_ref().map(|x| x.value),
        });
        if self.rules.contains(&RuleId::Quota) && o.quota.is_none() {
            return Err(Missing::new(
                MissingReason::NotConfigured,
                "CPN-K8S-15 compares the sum of limits with the environment quota: set `quota` on the check (e.g. {cpu: 4, memory: 16Gi})",
            ));
        }
        Ok(o)
    }
}

impl CheckKind for ManifestsCheck {
    fn need(&self) -> Need {
        Need::Manifests {
            patterns: search_patterns(&self.paths, &["*.yaml", "*.yml"]),
            values: self.helm_values.clone(),
        }
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let Evidence::Documents(docs) = evidence else {
            return Err(wrong_kind(&self.need(), evidence, "project files"));
        };
        let options = self.options()?;
        let mut set = Manifests::default();
        for doc in docs {
            if doc.binary {
                return Err(Missing::new(
                    MissingReason::ParseError,
                    format!("{}: not text, so not a manifest", doc.path),
                ));
            }
            manifests::load(&doc.path, &doc.text, &mut set)
                .map_err(|e| parse_error(&doc.path, &e))?;
        }
        if set.objects.is_empty() {
            return Err(Missing::new(
                MissingReason::Empty,
                format!(
                    "no Kubernetes object (apiVersion and kind) in {} file{} matching {}",
                    docs.len(),
                    if docs.len() == 1 { "" } else { "s" },
                    self.paths.join(", ")
                ),
            ));
        }
        let report = manifests::check(&set, &options);
        let selected: Vec<RuleId> = if self.rules.is_empty() {
            RuleId::ALL.to_vec()
        } else {
            self.rules.clone()
        };
        if report.workloads == 0 && selected.iter().any(|r| r.examines_workloads()) {
            let ids: Vec<&str> = selected
                .iter()
                .filter(|r| r.examines_workloads())
                .map(|r| r.id())
                .collect();
            return Err(Missing::new(
                MissingReason::Empty,
                format!(
                    "{} object{} read, but no workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod): {} examine pods and containers, and there were none to examine",
                    report.objects,
                    if report.objects == 1 { "" } else { "s" },
                    ids.join(", ")
                ),
            ));
        }
        let mut m = Measurement::default();
        record_findings(&report.findings, waive, &mut m);
        m.set("objects", report.objects);
        m.set("workloads", report.workloads);
        m.set("containers", report.containers);
        m.set("limits_cpu", report.limits.cpu);
        m.set("limits_memory", report.limits.memory);
        m.set("limits_gpu", report.limits.gpu);
        if options.quota.is_none() && options.enabled(RuleId::Quota) {
            m.notes
                .push("no `quota` given: CPN-K8S-15 (sum of limits) is not evaluated".into());
        }
        m.notes.extend(set.notes);
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Document;

    fn docs(files: &[(&str, &str)]) -> Evidence {
        Evidence::Documents(
            files
                .iter()
                .map(|(p, t)| Document {
                    path: p.to_string(),
                    text: t.to_string(),
                    binary: false,
                })
                .collect(),
        )
    }

    fn check(yaml: &str) -> ManifestsCheck {
        let value = crate::yaml::parse(yaml)
            .unwrap()
            .to_json(&mut Default::default());
        serde_json::from_value(value).unwrap()
    }

    const BAD: &str = include_str!("../../tests/fixtures/k8s/bad/render.yaml");

    #[test]
    fn one_rule_per_id_with_waivers_and_metrics() {
        let c = check("paths: [deploy/]\nrules: [CPN-K8S-03, CPN-K8S-04]\n");
        assert_eq!(
            c.need(),
            Need::Manifests {
                patterns: vec![
                    "deploy".into(),
                    "deploy/**/*.yaml".into(),
                    "deploy/**/*.yml".into()
                ],
                values: vec![],
            }
        );
        let ev = docs(&[("deploy/render.yaml", BAD)]);
        let m = c.measure(&ev, &mut |_| false).unwrap();
        assert_eq!(m.metrics["violations"], 2.0.into());
        assert_eq!(m.metrics["blocking"], 2.0.into());
        assert_eq!(m.metrics["objects"], 10.0.into());
        assert_eq!(m.metrics["workloads"], 3.0.into());
        assert_eq!(m.metrics["containers"], 10.0.into());
        assert_eq!(
            m.items[0].key,
            "deploy/render.yaml#Deployment/shop-web-dep/no-probes#CPN-K8S-03"
        );
        assert_eq!(
            m.items[0]
                .location
                .as_ref()
                .map(|l| (l.path.as_str(), l.line)),
            Some(("deploy/render.yaml", Some(166)))
        );
        let m = c
            .measure(&ev, &mut |k| k == "Deployment/shop-web-dep/latest")
            .unwrap();
        assert_eq!(m.metrics["violations"], 1.0.into());
        assert_eq!(m.waived_items, 1);
    }

    #[test]
    fn options_replace_the_defaults() {
        let c = check(
            "paths: [x.yaml]\nrules: [CPN-K8S-01, CPN-K8S-08, CPN-K8S-15]\nregistries: [registry.example.com]\nlabel_values: {env: [staging]}\nquota: {cpu: 10, memory: 512Mi}\n",
        );
        let ev = docs(&[("x.yaml", BAD)]);
        let m = c.measure(&ev, &mut |_| false).unwrap();
        let texts: Vec<&str> = m.items.iter().map(|i| i.text.as_str()).collect();
        assert!(
            texts.iter().any(|t| t.contains("CPN-K8S-01")
                && t.contains("missing `tier`")
                && !t.contains("staging")),
            "{texts:#?}"
        );
        assert!(
            texts.iter().filter(|t| t.contains("CPN-K8S-08")).count() == 9,
            "{texts:#?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.contains("memory limits") && t.contains("over the quota of 512Mi")),
            "{texts:#?}"
        );
        let crate::evidence::Value::Number(cpu) = m.metrics["limits_cpu"] else {
            panic!("a number")
        };
        assert!((cpu - 3.0).abs() < 1e-9, "{cpu}");
    }

    #[test]
    fn missing_quota_empty_sets_and_bad_params_fail_closed() {
        let c = check("paths: [x]\nrules: [CPN-K8S-15]\n");
        let err = c
            .measure(&docs(&[("x.yaml", BAD)]), &mut |_| false)
            .unwrap_err();
        assert_eq!(err.reason, MissingReason::NotConfigured);
        let c = check("paths: [x]\n");
        let err = c
            .measure(&docs(&[("values.yaml", "replicaCount: 2\n")]), &mut |_| {
                false
            })
            .unwrap_err();
        assert_eq!(err.reason, MissingReason::Empty);
        let err = c
            .measure(&docs(&[("a.yaml", "a: [1\n")]), &mut |_| false)
            .unwrap_err();
        assert_eq!(err.reason, MissingReason::ParseError);
        assert!(err.detail.starts_with("a.yaml:"), "{}", err.detail);
        let bad: Result<ManifestsCheck, _> = serde_json::from_value(
            serde_json::json!({"paths": ["x"], "quota": {"cpu": "4 cores"}}),
        );
        assert!(
            bad.unwrap_err()
                .to_string()
                .contains("not a Kubernetes quantity")
        );
        let bad: Result<ManifestsCheck, _> =
            serde_json::from_value(serde_json::json!({"paths": ["x"], "rules": ["CPN-K8S-18"]}));
        assert!(bad.is_err());
        let bad: Result<ManifestsCheck, _> = serde_json::from_value(
            serde_json::json!({"paths": ["x"], "label_values": {"team": ["a"]}}),
        );
        assert!(bad.is_err());
    }

    #[test]
    fn search_patterns_for_files_folders_and_globs() {
        let p = search_patterns(
            &[".".into(), "k8s/".into(), "out/*.yaml".into()],
            &["*.yaml"],
        );
        assert_eq!(p, ["**/*.yaml", "k8s", "k8s/**/*.yaml", "out/*.yaml"]);
    }
}
