//! The manifest linter's driver: it walks the objects once, gathers what rules need across
//! objects (selectors, autoscalers), and hands each object, pod and container to the rules of
//! its concern. A finding is located at the most precise line there is: the offending field when
//! it exists, else the container, else the object. Its package is `Kind/name` or
//! `Kind/name/container`, which is what waivers usually name.

use std::collections::BTreeMap;

use super::containers::container_rules;
use super::objects::object_rules;
use super::pods::pod_rules;
use super::quota::{pod_limits, quota_findings};
use super::secrets::values_secrets;
use super::workload::{Workload, entries, field, int, text};
use super::{Manifests, Object, Options, Report, RuleId, TOOL, Totals};
use crate::evidence::{Finding, Location, Severity};
use crate::yaml::{Node, NodeKind};

pub(super) const TI: f64 = 1024.0 * 1024.0 * 1024.0 * 1024.0;
pub(super) const CREDENTIAL_WORDS: &[&str] = &["password", "passwd", "secret_key"];

pub(super) struct Out<'o> {
    pub(super) options: &'o Options,
    pub(super) findings: Vec<Finding>,
}

impl Out<'_> {
    pub(super) fn on(&self, rule: RuleId) -> bool {
        self.options.enabled(rule)
    }

    pub(super) fn push(
        &mut self,
        rule: RuleId,
        severity: Severity,
        object: &Object,
        line: usize,
        container: Option<&str>,
        message: String,
    ) {
        let package = match container {
            Some(c) => format!("{}/{c}", object.key()),
            None => object.key(),
        };
        let message = match &object.source {
            Some(src) => format!("{message} (template {src})"),
            None => message,
        };
        self.findings.push(Finding {
            id: rule.id().to_string(),
            severity,
            category: rule.category(),
            message,
            location: Some(Location {
                path: object.path.clone(),
                line: Some(line as u64),
            }),
            package: Some(package),
            installed_version: None,
            fixed_version: None,
            fixable: true,
            fingerprint: None,
            tool: TOOL.to_string(),
        });
    }
}

pub(super) fn key_line(node: &Node, key: &str) -> Option<usize> {
    entries(Some(node))
        .iter()
        .find(|(k, _)| matches!(&k.kind, NodeKind::Str(s) if s == key))
        .map(|(k, _)| k.span.line)
}

pub(super) fn is_set(node: Option<&Node>) -> bool {
    node.is_some_and(|n| !matches!(n.kind, NodeKind::Null))
}

pub(super) fn same_namespace(a: &Object, b: &Object) -> bool {
    a.namespace == b.namespace
}

pub(super) fn check(manifests: &Manifests, options: &Options) -> Report {
    let mut out = Out {
        options,
        findings: Vec::new(),
    };
    let objects = &manifests.objects;
    let workloads: Vec<Workload<'_>> = objects.iter().filter_map(Workload::of).collect();
    let hpas = autoscalers(objects);
    let of_kind =
        |kind: &str| -> Vec<&Object> { objects.iter().filter(|o| o.kind == kind).collect() };
    let selectors = Selectors {
        network_policies: of_kind("NetworkPolicy"),
        disruption_budgets: of_kind("PodDisruptionBudget"),
        autoscalers: hpas,
    };
    let mut containers = 0u64;
    for object in objects {
        object_rules(&mut out, object);
    }
    if out.on(RuleId::PlainSecret) {
        for (path, node) in &manifests.values {
            values_secrets(&mut out, path, node);
        }
    }
    let mut totals = Totals::default();
    let mut unknown_replicas = Vec::new();
    let mut without_limits = 0u64;
    for w in &workloads {
        let cs = w.containers();
        containers += cs.len() as u64;
        pod_rules(&mut out, w, &selectors);
        for c in &cs {
            container_rules(&mut out, w, c);
        }
        let hpa = selectors.autoscalers.get(&target_key(w.object));
        let (pod, missing) = pod_limits(&cs);
        without_limits += missing;
        match w.replicas(hpa.map(|h| h.1)) {
            Some(n) => {
                totals.cpu += pod.cpu * n as f64;
                totals.memory += pod.memory * n as f64;
                totals.gpu += pod.gpu * n as f64;
            }
            None => {
                unknown_replicas.push(w.object.key());
                totals.cpu += pod.cpu;
                totals.memory += pod.memory;
                totals.gpu += pod.gpu;
            }
        }
    }
    let mut notes = Vec::new();
    if !out.on(RuleId::Quota) {
        without_limits = 0;
        unknown_replicas.clear();
    }
    if without_limits > 0 {
        notes.push(format!(
            "{without_limits} container resource limit(s) missing: the sums of limits leave them out"
        ));
    }
    if !unknown_replicas.is_empty() {
        notes.push(format!(
            "{} run one pod per node: counted once in the sums of limits",
            unknown_replicas.join(", ")
        ));
    }
    if out.on(RuleId::Quota)
        && let Some(q) = options.quota
    {
        quota_findings(&mut out, &totals, &q);
    }
    out.findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            (
                f.location.is_none(),
                f.location.clone(),
                f.id.clone(),
                f.package.clone(),
                f.message.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    let mut report = Report {
        objects: objects.len() as u64,
        workloads: workloads.len() as u64,
        containers,
        limits: totals,
        ..Report::default()
    };
    for f in out.findings {
        report.findings.push(f);
    }
    report.findings.notes.extend(notes);
    report
}

/// The objects that select or scale workloads, gathered once.
pub(super) struct Selectors<'a> {
    pub(super) network_policies: Vec<&'a Object>,
    pub(super) disruption_budgets: Vec<&'a Object>,
    pub(super) autoscalers: BTreeMap<TargetKey, (i64, i64)>,
}

/// `(namespace, kind, name)` of a scale target.
type TargetKey = (Option<String>, String, String);

pub(super) fn target_key(o: &Object) -> TargetKey {
    (o.namespace.clone(), o.kind.clone(), o.name.clone())
}

/// HorizontalPodAutoscalers by target: `(minReplicas, maxReplicas)`.
pub(super) fn autoscalers(objects: &[Object]) -> BTreeMap<TargetKey, (i64, i64)> {
    objects
        .iter()
        .filter(|o| o.kind == "HorizontalPodAutoscaler")
        .filter_map(|o| {
            let spec = field(&o.node, "spec")?;
            let target = field(spec, "scaleTargetRef")?;
            let kind = field(target, "kind").and_then(text)?;
            let name = field(target, "name").and_then(text)?;
            let min = int(field(spec, "minReplicas")).unwrap_or(1);
            let max = int(field(spec, "maxReplicas")).unwrap_or(min);
            Some(((o.namespace.clone(), kind, name), (min, max)))
        })
        .collect()
}
