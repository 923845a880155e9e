//! Rules on pod templates: probes, security context at pod level, required labels, and
//! resilience (replicas, disruption budgets, anti-affinity).

use super::check::{Out, Selectors, is_set, key_line, same_namespace, target_key};
use super::objects::pvc_size;
use super::workload::{Workload, field, int, items, path, selects, text};
use super::{Object, Options, RuleId};

pub(super) fn pod_rules(out: &mut Out<'_>, w: &Workload<'_>, sel: &Selectors<'_>) {
    let o = w.object;
    let labels_line = w
        .metadata
        .and_then(|m| key_line(m, "labels"))
        .unwrap_or(w.template.span.line);
    if out.on(RuleId::Labels) {
        let problems = label_problems(w, &["app", "env", "tier"], out.options);
        if !problems.is_empty() {
            out.push(
                RuleId::Labels,
                RuleId::Labels.severity(),
                o,
                labels_line,
                None,
                format!("pod labels: {}", problems.join("; ")),
            );
        }
    }
    if out.on(RuleId::ProdLabels) {
        let problems = label_problems(w, &["criticality", "component"], out.options);
        if !problems.is_empty() {
            out.push(
                RuleId::ProdLabels,
                RuleId::ProdLabels.severity(),
                o,
                labels_line,
                None,
                format!("pod labels: {}", problems.join("; ")),
            );
        }
    }
    if out.on(RuleId::SecurityContext)
        && let Some(sc) = field(w.spec, "securityContext")
    {
        let set: Vec<&str> = ["runAsUser", "runAsGroup", "fsGroup"]
            .into_iter()
            .filter(|k| is_set(field(sc, k)))
            .collect();
        if !set.is_empty() {
            out.push(
                RuleId::SecurityContext,
                RuleId::SecurityContext.severity(),
                o,
                key_line(w.spec, "securityContext").unwrap_or(sc.span.line),
                None,
                format!(
                    "pod securityContext imposes {}; the platform assigns users and groups itself",
                    set.join(", ")
                ),
            );
        }
    }
    if out.on(RuleId::HostPath) {
        for v in items(field(w.spec, "volumes")) {
            if let Some(hp) = field(v, "hostPath") {
                let name = field(v, "name").and_then(text).unwrap_or_default();
                let host = field(hp, "path").and_then(text).unwrap_or_default();
                out.push(
                    RuleId::HostPath,
                    RuleId::HostPath.severity(),
                    o,
                    v.span.line,
                    None,
                    format!("volume `{name}` mounts the node's {host} (hostPath)"),
                );
            }
        }
    }
    if out.on(RuleId::PvcSize) && o.kind == "StatefulSet" {
        for t in items(path(&o.node, &["spec", "volumeClaimTemplates"])) {
            if let Some(spec) = field(t, "spec") {
                pvc_size(out, o, spec, "volumeClaimTemplate");
            }
        }
    }
    if out.on(RuleId::NetworkPolicy) {
        let policies: Vec<&Object> = sel
            .network_policies
            .iter()
            .copied()
            .filter(|p| same_namespace(p, o))
            .collect();
        let selected = policies.iter().any(|p| {
            selects(
                field(&p.node, "spec").and_then(|s| field(s, "podSelector")),
                &w.labels,
            )
        });
        if !selected {
            let msg = if policies.is_empty() {
                let ns = o
                    .namespace
                    .as_deref()
                    .map_or_else(|| "its namespace".to_string(), |n| format!("namespace {n}"));
                format!(
                    "no NetworkPolicy for {ns} in the manifests; the namespace denies all traffic by default, so declare the flows this workload needs"
                )
            } else {
                "no NetworkPolicy selects this workload's pods; the namespace denies all traffic by default".to_string()
            };
            out.push(
                RuleId::NetworkPolicy,
                RuleId::NetworkPolicy.severity(),
                o,
                o.line,
                None,
                msg,
            );
        }
    }
    if out.on(RuleId::Resilience) && o.kind == "Deployment" {
        resilience(out, w, sel);
    }
}

pub(super) fn label_problems(
    w: &Workload<'_>,
    required: &[&str],
    options: &Options,
) -> Vec<String> {
    let mut missing = Vec::new();
    let mut problems = Vec::new();
    for label in required {
        match w.labels.get(*label).filter(|v| !v.trim().is_empty()) {
            None => missing.push(format!("`{label}`")),
            Some(v) => {
                if let Some(allowed) = options.label_values.get(*label)
                    && !allowed.is_empty()
                    && !allowed.iter().any(|a| a == v)
                {
                    problems.push(format!(
                        "`{label}: {v}` is not one of {}",
                        allowed.join(", ")
                    ));
                }
            }
        }
    }
    if !missing.is_empty() {
        problems.insert(0, format!("missing {}", missing.join(", ")));
    }
    problems
}

/// Production resilience of a Deployment: at least 2 replicas (or an autoscaler whose minimum
/// is), pods spread by anti-affinity or topology constraints, and a PodDisruptionBudget.
pub(super) fn resilience(out: &mut Out<'_>, w: &Workload<'_>, sel: &Selectors<'_>) {
    let o = w.object;
    let spec = field(&o.node, "spec");
    let replicas = match sel.autoscalers.get(&target_key(o)) {
        Some((min, _)) => *min,
        None => int(spec.and_then(|s| field(s, "replicas"))).unwrap_or(1),
    };
    let sev = RuleId::Resilience.severity();
    if replicas < 2 {
        let line = spec.and_then(|s| key_line(s, "replicas")).unwrap_or(o.line);
        out.push(
            RuleId::Resilience,
            sev,
            o,
            line,
            None,
            format!("runs {replicas} replica; run at least 2 so that one node can fail"),
        );
    }
    let anti_affinity = path(w.spec, &["affinity", "podAntiAffinity"]).is_some();
    let spread = !items(field(w.spec, "topologySpreadConstraints")).is_empty();
    if !anti_affinity && !spread {
        out.push(
            RuleId::Resilience,
            sev,
            o,
            w.spec.span.line,
            None,
            "pods are not spread: add a podAntiAffinity or topologySpreadConstraints across nodes or zones".into(),
        );
    }
    let has_pdb = sel.disruption_budgets.iter().any(|p| {
        same_namespace(p, o)
            && selects(
                field(&p.node, "spec").and_then(|s| field(s, "selector")),
                &w.labels,
            )
    });
    if !has_pdb {
        out.push(
            RuleId::Resilience,
            sev,
            o,
            o.line,
            None,
            "no PodDisruptionBudget selects this Deployment's pods".into(),
        );
    }
}
