//! The rules themselves, one function per concern, each pushing findings through [`Out`].
//!
//! A finding is located at the most precise line there is: the offending field when it exists,
//! else the container, else the object. Its package is `Kind/name` or `Kind/name/container`,
//! which is what waivers usually name. Choices the reference leaves open are documented on the
//! function that makes them.

use std::collections::BTreeMap;

use super::quantity::{self, format_bytes};
use super::workload::{Container, Workload, entries, field, int, items, path, selects, text};
use super::{CRONJOB_MAX_NAME_LENGTH, Manifests, Object, Options, Report, RuleId, TOOL, Totals};
use crate::evidence::{Finding, Location, Severity, format_number};
use crate::yaml::{Node, NodeKind};

const TI: f64 = 1024.0 * 1024.0 * 1024.0 * 1024.0;
const CREDENTIAL_WORDS: &[&str] = &["password", "passwd", "secret_key"];

struct Out<'o> {
    options: &'o Options,
    findings: Vec<Finding>,
}

impl Out<'_> {
    fn on(&self, rule: RuleId) -> bool {
        self.options.enabled(rule)
    }

    fn push(
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

fn key_line(node: &Node, key: &str) -> Option<usize> {
    entries(Some(node))
        .iter()
        .find(|(k, _)| matches!(&k.kind, NodeKind::Str(s) if s == key))
        .map(|(k, _)| k.span.line)
}

fn is_set(node: Option<&Node>) -> bool {
    node.is_some_and(|n| !matches!(n.kind, NodeKind::Null))
}

fn same_namespace(a: &Object, b: &Object) -> bool {
    a.namespace == b.namespace
}

pub fn check(manifests: &Manifests, options: &Options) -> Report {
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
struct Selectors<'a> {
    network_policies: Vec<&'a Object>,
    disruption_budgets: Vec<&'a Object>,
    autoscalers: BTreeMap<TargetKey, (i64, i64)>,
}

/// `(namespace, kind, name)` of a scale target.
type TargetKey = (Option<String>, String, String);

fn target_key(o: &Object) -> TargetKey {
    (o.namespace.clone(), o.kind.clone(), o.name.clone())
}

/// HorizontalPodAutoscalers by target: `(minReplicas, maxReplicas)`.
fn autoscalers(objects: &[Object]) -> BTreeMap<TargetKey, (i64, i64)> {
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

fn object_rules(out: &mut Out<'_>, o: &Object) {
    let spec = field(&o.node, "spec");
    match o.kind.as_str() {
        "Service" if out.on(RuleId::NodePort) => {
            if let Some(t) = spec.and_then(|s| field(s, "type"))
                && text(t).as_deref() == Some("NodePort")
            {
                out.push(
                    RuleId::NodePort,
                    RuleId::NodePort.severity(),
                    o,
                    t.span.line,
                    None,
                    "Service of type NodePort exposes a port on every node; use a ClusterIP Service behind the platform's ingress".into(),
                );
            }
        }
        "ConfigMap" if out.on(RuleId::ConfigMapCredentials) => configmap_credentials(out, o),
        "PersistentVolumeClaim" if out.on(RuleId::PvcSize) => {
            if let Some(spec) = spec {
                pvc_size(out, o, spec, "PersistentVolumeClaim");
            }
        }
        "Secret" if out.on(RuleId::PlainSecret) => {
            for key in ["data", "stringData"] {
                let n = entries(field(&o.node, key)).len();
                if n > 0 {
                    out.push(
                        RuleId::PlainSecret,
                        RuleId::PlainSecret.severity(),
                        o,
                        key_line(&o.node, key).unwrap_or(o.line),
                        None,
                        format!(
                            "Secret with {n} key{} in `{key}` is committed in plain text; keep secrets in Vault (VaultStaticSecret) or encrypted with SOPS (SopsSecret)",
                            if n == 1 { "" } else { "s" }
                        ),
                    );
                }
            }
        }
        "CronJob" if out.on(RuleId::HistoryAndNames) => {
            for key in ["successfulJobsHistoryLimit", "failedJobsHistoryLimit"] {
                if let Some(n) = spec.and_then(|s| field(s, key))
                    && let Some(v) = int(Some(n))
                    && v > 5
                {
                    out.push(
                        RuleId::HistoryAndNames,
                        RuleId::HistoryAndNames.severity(),
                        o,
                        n.span.line,
                        None,
                        format!("{key} is {v}; keep at most 5 finished Jobs"),
                    );
                }
            }
        }
        _ => {}
    }
    if out.on(RuleId::HistoryAndNames) {
        let max = if o.kind == "CronJob" {
            out.options.max_name_length.min(CRONJOB_MAX_NAME_LENGTH)
        } else {
            out.options.max_name_length
        };
        let len = o.name.chars().count();
        if len > max {
            let line = field(&o.node, "metadata")
                .and_then(|m| key_line(m, "name"))
                .unwrap_or(o.line);
            out.push(
                RuleId::HistoryAndNames,
                RuleId::HistoryAndNames.severity(),
                o,
                line,
                None,
                format!("name is {len} characters long; keep names short (at most {max})"),
            );
        }
    }
}

/// ConfigMap keys naming a credential, and values with a `password = something` line. The
/// value itself is never copied into the message.
fn configmap_credentials(out: &mut Out<'_>, o: &Object) {
    for section in ["data", "binaryData"] {
        for (k, v) in entries(field(&o.node, section)) {
            let Some(key) = text(k) else { continue };
            let normalized = key.to_lowercase().replace(['-', '.'], "_");
            let why = if let Some(w) = CREDENTIAL_WORDS.iter().find(|w| normalized.contains(*w)) {
                Some(format!("key `{key}` names a credential ({w})"))
            } else if section == "data" {
                text(v).and_then(|value| {
                    value.lines().enumerate().find_map(|(i, line)| {
                        credential_assignment(line)
                            .map(|name| format!("line {} of key `{key}` sets `{name}`", i + 1))
                    })
                })
            } else {
                None
            };
            if let Some(why) = why {
                out.push(
                    RuleId::ConfigMapCredentials,
                    RuleId::ConfigMapCredentials.severity(),
                    o,
                    k.span.line,
                    None,
                    format!("{why}; credentials belong in Vault, not in a ConfigMap"),
                );
            }
        }
    }
}

/// The setting name when `line` assigns a literal value to a credential-like setting
/// (`db.password=hunter2`, `PASSWD: x`); references (`${DB_PASSWORD}`, `{{ .pw }}`) and empty
/// values are not credentials.
pub(super) fn credential_assignment(line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    let normalized = lower.replace(['-', '.'], "_");
    let (pos, word) = CREDENTIAL_WORDS
        .iter()
        .find_map(|w| normalized.find(w).map(|p| (p, *w)))?;
    let ident = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    let start = lower[..pos]
        .char_indices()
        .rev()
        .find(|(_, c)| !ident(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let after = &lower[pos + word.len()..];
    let name_end = pos + word.len() + after.find(|c: char| !ident(c)).unwrap_or(after.len());
    let rest = lower[name_end..].trim_start_matches(['"', '\'', ' ', '\t']);
    let value = rest.strip_prefix(['=', ':'])?.trim();
    let value = value.trim_matches(['"', '\'', ',', ';']);
    if value.is_empty()
        || value.starts_with('$')
        || value.starts_with("{{")
        || value.starts_with('<')
    {
        return None;
    }
    Some(line[start..name_end].trim().to_string())
}

fn pvc_size(out: &mut Out<'_>, o: &Object, spec: &Node, what: &str) {
    let Some(storage) = path(spec, &["resources", "requests", "storage"]) else {
        return;
    };
    let msg = match quantity::of_node(storage) {
        Some(bytes) if bytes >= TI => format!(
            "{what} requests {} of storage; keep each claim under 1Ti",
            format_bytes(bytes)
        ),
        Some(_) => return,
        None => format!(
            "{what} storage request `{}` is not a valid quantity",
            text(storage).unwrap_or_default()
        ),
    };
    out.push(
        RuleId::PvcSize,
        RuleId::PvcSize.severity(),
        o,
        storage.span.line,
        None,
        msg,
    );
}

fn pod_rules(out: &mut Out<'_>, w: &Workload<'_>, sel: &Selectors<'_>) {
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

fn label_problems(w: &Workload<'_>, required: &[&str], options: &Options) -> Vec<String> {
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
fn resilience(out: &mut Out<'_>, w: &Workload<'_>, sel: &Selectors<'_>) {
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

fn container_rules(out: &mut Out<'_>, w: &Workload<'_>, c: &Container<'_>) {
    let o = w.object;
    let name = Some(c.name.as_str());
    let what = if c.init {
        "init container"
    } else {
        "container"
    };
    if out.on(RuleId::Resources) {
        let res = c.get("resources");
        let missing: Vec<String> = [
            ("requests", "cpu"),
            ("requests", "memory"),
            ("limits", "cpu"),
            ("limits", "memory"),
        ]
        .into_iter()
        .filter(|(s, r)| !is_set(res.and_then(|n| path(n, &[s, r]))))
        .map(|(s, r)| format!("{s}.{r}"))
        .collect();
        if !missing.is_empty() {
            out.push(
                RuleId::Resources,
                RuleId::Resources.severity(),
                o,
                key_line(c.node, "resources").unwrap_or(c.line()),
                name,
                format!("{what} sets no {}", missing.join(", ")),
            );
        }
    }
    if out.on(RuleId::Probes) && !c.init && !w.is_batch() {
        let has = |k: &str| is_set(c.get(k));
        let (live, ready, startup) = (
            has("livenessProbe"),
            has("readinessProbe"),
            has("startupProbe"),
        );
        let problem = if !live && !ready && !startup {
            Some((
                RuleId::Probes.severity(),
                "container has no liveness, readiness or startup probe",
            ))
        } else if !live {
            Some((Severity::Medium, "container has no liveness probe"))
        } else if !ready && !startup {
            Some((Severity::Medium, "container has no readiness probe"))
        } else {
            None
        };
        if let Some((sev, msg)) = problem {
            out.push(RuleId::Probes, sev, o, c.line(), name, msg.into());
        }
    }
    image_rules(out, o, c, what);
    if out.on(RuleId::SecurityContext)
        && let Some(sc) = c.get("securityContext")
    {
        let mut set: Vec<&str> = [
            "runAsUser",
            "runAsGroup",
            "allowPrivilegeEscalation",
            "privileged",
        ]
        .into_iter()
        .filter(|k| is_set(field(sc, k)))
        .collect();
        if !items(path(sc, &["capabilities", "add"])).is_empty() {
            set.push("capabilities.add");
        }
        if !set.is_empty() {
            out.push(
                RuleId::SecurityContext,
                RuleId::SecurityContext.severity(),
                o,
                key_line(c.node, "securityContext").unwrap_or(c.line()),
                name,
                format!(
                    "{what} securityContext imposes {}; leave them to the platform",
                    set.join(", ")
                ),
            );
        }
    }
    if out.on(RuleId::Ports) {
        for p in items(c.get("ports")) {
            if let Some(port) = int(field(p, "containerPort"))
                && port <= 1024
            {
                out.push(
                    RuleId::Ports,
                    RuleId::Ports.severity(),
                    o,
                    p.span.line,
                    name,
                    format!("{what} listens on port {port}; listen above 1024"),
                );
            }
        }
    }
    if out.on(RuleId::ReadOnlyRoot) {
        let ro = c
            .get("securityContext")
            .and_then(|sc| field(sc, "readOnlyRootFilesystem"))
            .is_some_and(|n| matches!(n.kind, NodeKind::Bool(true)));
        if !ro {
            out.push(
                RuleId::ReadOnlyRoot,
                RuleId::ReadOnlyRoot.severity(),
                o,
                c.line(),
                name,
                format!(
                    "{what} root filesystem is writable; set securityContext.readOnlyRootFilesystem: true and mount writable paths (/tmp) as emptyDir volumes"
                ),
            );
        }
    }
}

fn image_rules(out: &mut Out<'_>, o: &Object, c: &Container<'_>, what: &str) {
    let name = Some(c.name.as_str());
    let image_node = c.get("image");
    let image = image_node.and_then(text).unwrap_or_default();
    let line = image_node.map_or(c.line(), |n| n.span.line);
    if out.on(RuleId::ImageTag) {
        let why = if image.trim().is_empty() {
            Some("has no image")
        } else {
            crate::parse::image_ref::ImageRef::parse(&image).unpinned()
        };
        if let Some(why) = why {
            let msg = if image.trim().is_empty() {
                format!("{what} {why}")
            } else {
                format!("image `{image}` {why}; pin a version tag or a digest")
            };
            out.push(
                RuleId::ImageTag,
                RuleId::ImageTag.severity(),
                o,
                line,
                name,
                msg,
            );
        }
    }
    if out.on(RuleId::PullPolicy)
        && let Some(p) = c.get("imagePullPolicy")
        && let Some(policy) = text(p)
        && policy != "IfNotPresent"
    {
        out.push(
            RuleId::PullPolicy,
            RuleId::PullPolicy.severity(),
            o,
            p.span.line,
            name,
            format!("imagePullPolicy is {policy}; set IfNotPresent or leave it out"),
        );
    }
    if out.on(RuleId::Registry) && !image.trim().is_empty() {
        let allowed = out.options.registries.iter().any(|prefix| {
            if prefix.ends_with('/') {
                image.starts_with(prefix.as_str())
            } else {
                image.starts_with(&format!("{prefix}/"))
            }
        });
        if !allowed {
            let hint = if crate::parse::image_ref::ImageRef::parse(&image)
                .registry()
                .is_none()
            {
                " (it names no registry host; the platform's policy compares the image as written)"
            } else {
                ""
            };
            out.push(
                RuleId::Registry,
                RuleId::Registry.severity(),
                o,
                line,
                name,
                format!(
                    "image `{image}` is not from an allowed registry ({}){hint}",
                    out.options.registries.join(", ")
                ),
            );
        }
    }
}

/// A pod's limits as the scheduler counts them: the larger of the app containers' sum and the
/// largest init container. Returns the number of missing cpu/memory limits too.
fn pod_limits(containers: &[Container<'_>]) -> (Totals, u64) {
    let mut app = Totals::default();
    let mut init = Totals::default();
    let mut missing = 0u64;
    for c in containers {
        let limits = c.get("resources").and_then(|r| field(r, "limits"));
        let get = |k: &str| limits.and_then(|l| field(l, k)).and_then(quantity::of_node);
        let cpu = get("cpu");
        let memory = get("memory");
        let gpu = get("nvidia.com/gpu").or_else(|| get("amd.com/gpu"));
        missing += u64::from(cpu.is_none()) + u64::from(memory.is_none());
        let (cpu, memory, gpu) = (
            cpu.unwrap_or(0.0),
            memory.unwrap_or(0.0),
            gpu.unwrap_or(0.0),
        );
        if c.init {
            init.cpu = init.cpu.max(cpu);
            init.memory = init.memory.max(memory);
            init.gpu = init.gpu.max(gpu);
        } else {
            app.cpu += cpu;
            app.memory += memory;
            app.gpu += gpu;
        }
    }
    (
        Totals {
            cpu: app.cpu.max(init.cpu),
            memory: app.memory.max(init.memory),
            gpu: app.gpu.max(init.gpu),
        },
        missing,
    )
}

fn quota_findings(out: &mut Out<'_>, totals: &Totals, q: &super::Quota) {
    let checks = [
        ("cpu", totals.cpu, q.cpu, format_number as fn(f64) -> String),
        ("memory", totals.memory, q.memory, format_bytes),
        ("gpu", totals.gpu, q.gpu, format_number),
    ];
    for (what, total, quota, show) in checks {
        if let Some(quota) = quota
            && total > quota + 1e-9
        {
            out.findings.push(Finding {
                id: RuleId::Quota.id().to_string(),
                severity: RuleId::Quota.severity(),
                category: RuleId::Quota.category(),
                message: format!(
                    "the {what} limits of all workloads add up to {} (replicas included), over the quota of {}",
                    show(total),
                    show(quota)
                ),
                location: None,
                package: None,
                installed_version: None,
                fixed_version: None,
                fixable: true,
                fingerprint: None,
                tool: TOOL.to_string(),
            });
        }
    }
}
