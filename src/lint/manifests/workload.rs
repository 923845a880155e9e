//! Pod templates, containers and label selectors: the parts of the Kubernetes object model the
//! rules walk. Each workload kind keeps its pod template at a different path; everything after
//! that is the same `PodSpec`, so the rules are written once against [`Workload`].

use std::collections::BTreeMap;

use super::Object;
use crate::yaml::{Node, NodeKind};

/// A field of a mapping, by string key.
pub(super) fn field<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find(|(k, _)| matches!(&k.kind, NodeKind::Str(s) if s == key))
            .map(|(_, v)| v),
        _ => None,
    }
}

/// A nested field (`spec.template.spec`).
pub(super) fn path<'a>(node: &'a Node, keys: &[&str]) -> Option<&'a Node> {
    keys.iter().try_fold(node, |n, k| field(n, k))
}

pub(super) fn items(node: Option<&Node>) -> &[Node] {
    match node.map(|n| &n.kind) {
        Some(NodeKind::Seq(items)) => items,
        _ => &[],
    }
}

pub(super) fn entries(node: Option<&Node>) -> &[(Node, Node)] {
    match node.map(|n| &n.kind) {
        Some(NodeKind::Map(entries)) => entries,
        _ => &[],
    }
}

/// A scalar as text, whatever its YAML type (`env: 1` is the label value `1`).
pub(super) fn text(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Str(s) => Some(s.clone()),
        NodeKind::Int(i) => Some(i.to_string()),
        NodeKind::Float(f) => Some(f.to_string()),
        NodeKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(super) fn int(node: Option<&Node>) -> Option<i64> {
    match node.map(|n| &n.kind) {
        Some(NodeKind::Int(i)) => Some(*i),
        Some(NodeKind::Str(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Labels of a `metadata` node as a map; non-scalar values are skipped.
pub(super) fn labels(metadata: Option<&Node>) -> BTreeMap<String, String> {
    entries(metadata.and_then(|m| field(m, "labels")))
        .iter()
        .filter_map(|(k, v)| Some((text(k)?, text(v)?)))
        .collect()
}

/// A pod template (or a Pod) of a workload object.
pub(super) struct Workload<'a> {
    pub object: &'a Object,
    /// The template's (or Pod's) `metadata`.
    pub metadata: Option<&'a Node>,
    /// The node holding `metadata` and `spec`, for locations.
    pub template: &'a Node,
    pub spec: &'a Node,
    pub labels: BTreeMap<String, String>,
}

/// Kinds whose pod template sits at `spec.template`.
const TEMPLATED: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
];

impl<'a> Workload<'a> {
    pub(super) fn of(object: &'a Object) -> Option<Workload<'a>> {
        let template = match object.kind.as_str() {
            "Pod" => &object.node,
            "CronJob" => path(&object.node, &["spec", "jobTemplate", "spec", "template"])?,
            k if TEMPLATED.contains(&k) => path(&object.node, &["spec", "template"])?,
            _ => return None,
        };
        let spec = field(template, "spec")?;
        let metadata = field(template, "metadata");
        Some(Workload {
            object,
            metadata,
            template,
            spec,
            labels: labels(metadata),
        })
    }

    pub(super) fn is_batch(&self) -> bool {
        matches!(self.object.kind.as_str(), "Job" | "CronJob")
    }

    /// Init containers first, then the app containers, each with its kind.
    pub(super) fn containers(&self) -> Vec<Container<'a>> {
        let init = items(field(self.spec, "initContainers"))
            .iter()
            .map(|n| Container::new(n, true));
        let app = items(field(self.spec, "containers"))
            .iter()
            .map(|n| Container::new(n, false));
        init.chain(app).collect()
    }

    /// How many pods the workload runs at most, for quota sums; `None` when it cannot be told
    /// from the manifests (a DaemonSet runs one per node).
    pub(super) fn replicas(&self, hpa_max: Option<i64>) -> Option<i64> {
        let spec = field(&self.object.node, "spec");
        match self.object.kind.as_str() {
            "Pod" => Some(1),
            "DaemonSet" => None,
            "Job" => Some(int(spec.and_then(|s| field(s, "parallelism"))).unwrap_or(1)),
            "CronJob" => Some(
                int(spec.and_then(|s| path(s, &["jobTemplate", "spec", "parallelism"])))
                    .unwrap_or(1),
            ),
            _ => Some(
                hpa_max
                    .unwrap_or_else(|| int(spec.and_then(|s| field(s, "replicas"))).unwrap_or(1)),
            ),
        }
        .map(|n| n.max(0))
    }
}

pub(super) struct Container<'a> {
    pub node: &'a Node,
    pub name: String,
    pub init: bool,
}

impl<'a> Container<'a> {
    fn new(node: &'a Node, init: bool) -> Container<'a> {
        let name = field(node, "name").and_then(text).unwrap_or_default();
        Container { node, name, init }
    }

    pub(super) fn get(&self, key: &str) -> Option<&'a Node> {
        field(self.node, key)
    }

    pub(super) fn line(&self) -> usize {
        self.node.span.line
    }
}

/// A `LabelSelector` (matchLabels and matchExpressions) applied to a pod's labels. An empty
/// selector selects everything; `None` (no selector at all) selects nothing.
pub(super) fn selects(selector: Option<&Node>, labels: &BTreeMap<String, String>) -> bool {
    let Some(selector) = selector else {
        return false;
    };
    if !matches!(selector.kind, NodeKind::Map(_)) {
        return false;
    }
    let labels_ok = entries(field(selector, "matchLabels"))
        .iter()
        .all(|(k, v)| match (text(k), text(v)) {
            (Some(k), Some(v)) => labels.get(&k) == Some(&v),
            _ => false,
        });
    let exprs_ok = items(field(selector, "matchExpressions")).iter().all(|e| {
        let Some(key) = field(e, "key").and_then(text) else {
            return false;
        };
        let values: Vec<String> = items(field(e, "values")).iter().filter_map(text).collect();
        let have = labels.get(&key);
        match field(e, "operator").and_then(text).as_deref() {
            Some("In") => have.is_some_and(|v| values.contains(v)),
            Some("NotIn") => have.is_none_or(|v| !values.contains(v)),
            Some("Exists") => have.is_some(),
            Some("DoesNotExist") => have.is_none(),
            _ => false,
        }
    });
    labels_ok && exprs_ok
}
