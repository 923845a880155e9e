//! Kubernetes manifests: rendered YAML (a folder of files, `helm template` or `kustomize build`
//! output) read into objects, then checked against the Cloud Pi Native rules CPN-K8S-01…17 and
//! the production rules CPN-S4-16/19.
//!
//! Unlike the report formats, manifests are not one-file-one-evidence: a NetworkPolicy, a
//! PodDisruptionBudget or an autoscaler in one file changes the verdict on a Deployment in
//! another, and the quota is a sum over all of them. So loading and checking are two steps:
//! [`load`] adds the objects of one file (keeping file, line and the Helm `# Source:` template)
//! to a [`Manifests`] set, and [`check`] evaluates the whole set at once. YAML is read by
//! [`crate::yaml`], which keeps positions and refuses alias bombs and absurd nesting.
//!
//! The checks are pure and deterministic: findings come out in file, line and rule order.

mod check;
mod containers;
mod objects;
mod pods;
mod quantity;
mod quota;
mod secrets;
mod workload;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::evidence::{Category, FindingSet, Severity};
use crate::parse::{ParseError, Position};
use crate::yaml::{Node, NodeKind};

pub use quantity::{format_bytes, parse as parse_quantity};

/// The tool name findings carry.
pub const TOOL: &str = "gonogo-manifests";

/// One Kubernetes object with where it was read.
#[derive(Debug, Clone)]
pub struct Object {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub node: Node,
    /// The file the object was read from, as given to [`load`].
    pub path: String,
    pub line: usize,
    /// The chart template it was rendered from (`# Source:` comments of `helm template`).
    pub source: Option<String>,
}

impl Object {
    /// `Kind/name`, the form findings use as their package.
    pub fn key(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

/// Every object read so far, with notes on what was skipped.
#[derive(Debug, Clone, Default)]
pub struct Manifests {
    pub objects: Vec<Object>,
    /// Helm values files (`values*.yaml` documents that are not objects), kept for the
    /// committed-secret rule: a literal password in values ends up in a Deployment.
    pub values: Vec<(String, Node)>,
    pub notes: Vec<String>,
}

/// A Helm values file, by its name (`values.yaml`, `values-dso.yaml`, `values.prod.yml`).
pub fn is_values_file(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.starts_with("values") && (name.ends_with(".yaml") || name.ends_with(".yml"))
}

/// Reads every YAML document of `text` (a file at `path`) and adds its Kubernetes objects.
/// Documents that are not objects (Helm values, empty `---`) are skipped with a note; `List`
/// objects contribute their items.
pub fn load(path: &str, text: &str, into: &mut Manifests) -> Result<(), ParseError> {
    let docs = crate::yaml::parse_documents(text).map_err(|e| {
        let hint = if text.contains("{{") {
            " (this looks like an unrendered Helm template: check the output of `helm template`)"
        } else {
            ""
        };
        ParseError::at(
            format!("{}{hint}", e.message),
            Position::LineCol {
                line: e.span.line as u64,
                column: e.span.column as u64,
            },
        )
    })?;
    let sources = helm_sources(text);
    let mut skipped = 0usize;
    let values_file = is_values_file(path);
    for doc in docs {
        match &doc.kind {
            NodeKind::Null => {}
            NodeKind::Map(_) => {
                let Some(object) = object(doc.clone(), path, &sources) else {
                    if values_file {
                        into.notes.push(format!(
                            "{path}: Helm values, read for literal credentials (CPN-K8S-13)"
                        ));
                        into.values.push((path.to_string(), doc));
                    } else {
                        skipped += 1;
                    }
                    continue;
                };
                if object.kind == "List" {
                    let items = match object.node.get("items").map(|n| &n.kind) {
                        Some(NodeKind::Seq(items)) => items.clone(),
                        _ => Vec::new(),
                    };
                    for item in items {
                        match self::object(item, path, &sources) {
                            Some(o) => into.objects.push(o),
                            None => skipped += 1,
                        }
                    }
                } else {
                    into.objects.push(object);
                }
            }
            _ => skipped += 1,
        }
    }
    if skipped > 0 {
        into.notes.push(format!(
            "{path}: {skipped} YAML document{} without `apiVersion` and `kind` skipped",
            if skipped == 1 { "" } else { "s" }
        ));
    }
    Ok(())
}

fn object(node: Node, path: &str, sources: &[(usize, SourceMark)]) -> Option<Object> {
    let text = |key: &str| node.get(key).and_then(Node::as_str).map(str::to_string);
    text("apiVersion")?;
    let kind = text("kind")?;
    let metadata = node.get("metadata");
    let meta = |key: &str| {
        metadata
            .and_then(|m| m.get(key))
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    let name = meta("name")
        .or_else(|| meta("generateName"))
        .unwrap_or_default();
    let namespace = meta("namespace");
    let line = node.span.line;
    Some(Object {
        kind,
        name,
        namespace,
        path: path.to_string(),
        line,
        source: source_for(sources, line),
        node,
    })
}

#[derive(Debug)]
enum SourceMark {
    Separator,
    Source(String),
}

/// `---` separators and `# Source: chart/templates/x.yaml` comments, by line.
fn helm_sources(text: &str) -> Vec<(usize, SourceMark)> {
    let mut marks = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_end();
        if t == "---" || t.starts_with("--- ") {
            marks.push((i + 1, SourceMark::Separator));
        } else if let Some(src) = t.strip_prefix("# Source: ") {
            marks.push((i + 1, SourceMark::Source(src.trim().to_string())));
        }
    }
    marks
}

/// The `# Source:` comment of the document that starts at `line`: the last mark before the
/// object, when it is a source comment rather than a separator.
fn source_for(marks: &[(usize, SourceMark)], line: usize) -> Option<String> {
    let i = marks.partition_point(|(l, _)| *l < line);
    match marks[..i].last() {
        Some((_, SourceMark::Source(s))) => Some(s.clone()),
        _ => None,
    }
}

/// The rules, by the identifiers of the Cloud Pi Native reference.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum RuleId {
    /// Pod labels `app`, `env`, `tier` with allowed values.
    #[serde(rename = "CPN-K8S-01")]
    Labels,
    /// cpu and memory requests and limits on every container.
    #[serde(rename = "CPN-K8S-02")]
    Resources,
    /// Liveness and readiness (or startup) probes.
    #[serde(rename = "CPN-K8S-03")]
    Probes,
    /// No `latest` or untagged image.
    #[serde(rename = "CPN-K8S-04")]
    ImageTag,
    /// `imagePullPolicy`, when set, is `IfNotPresent`.
    #[serde(rename = "CPN-K8S-05")]
    PullPolicy,
    /// No `hostPath` volume.
    #[serde(rename = "CPN-K8S-06")]
    HostPath,
    /// No NodePort Service.
    #[serde(rename = "CPN-K8S-07")]
    NodePort,
    /// Images from allowed registries only.
    #[serde(rename = "CPN-K8S-08")]
    Registry,
    /// No credential-like ConfigMap key or value.
    #[serde(rename = "CPN-K8S-09")]
    ConfigMapCredentials,
    /// No imposed securityContext fields.
    #[serde(rename = "CPN-K8S-10")]
    SecurityContext,
    /// Container ports above 1024.
    #[serde(rename = "CPN-K8S-11")]
    Ports,
    /// PersistentVolumeClaims under 1 Ti.
    #[serde(rename = "CPN-K8S-12")]
    PvcSize,
    /// No secret committed in plain text: a Secret with data, a literal credential in a
    /// container's `env` or in a Helm values file.
    #[serde(rename = "CPN-K8S-13")]
    PlainSecret,
    /// Every workload selected by a NetworkPolicy.
    #[serde(rename = "CPN-K8S-14")]
    NetworkPolicy,
    /// Sum of limits within the quota.
    #[serde(rename = "CPN-K8S-15")]
    Quota,
    /// Writes go to volumes: a writable volume mounted (emptyDir on /tmp), or a read-only root
    /// filesystem declared.
    #[serde(rename = "CPN-K8S-16")]
    ReadOnlyRoot,
    /// CronJob history limits and short names.
    #[serde(rename = "CPN-K8S-17")]
    HistoryAndNames,
    /// Production resilience: replicas, spreading, PodDisruptionBudget.
    #[serde(rename = "CPN-S4-16")]
    Resilience,
    /// Production labels `criticality` and `component`.
    #[serde(rename = "CPN-S4-19")]
    ProdLabels,
}

impl RuleId {
    pub const ALL: [RuleId; 19] = [
        RuleId::Labels,
        RuleId::Resources,
        RuleId::Probes,
        RuleId::ImageTag,
        RuleId::PullPolicy,
        RuleId::HostPath,
        RuleId::NodePort,
        RuleId::Registry,
        RuleId::ConfigMapCredentials,
        RuleId::SecurityContext,
        RuleId::Ports,
        RuleId::PvcSize,
        RuleId::PlainSecret,
        RuleId::NetworkPolicy,
        RuleId::Quota,
        RuleId::ReadOnlyRoot,
        RuleId::HistoryAndNames,
        RuleId::Resilience,
        RuleId::ProdLabels,
    ];

    pub fn id(self) -> &'static str {
        match self {
            RuleId::Labels => "CPN-K8S-01",
            RuleId::Resources => "CPN-K8S-02",
            RuleId::Probes => "CPN-K8S-03",
            RuleId::ImageTag => "CPN-K8S-04",
            RuleId::PullPolicy => "CPN-K8S-05",
            RuleId::HostPath => "CPN-K8S-06",
            RuleId::NodePort => "CPN-K8S-07",
            RuleId::Registry => "CPN-K8S-08",
            RuleId::ConfigMapCredentials => "CPN-K8S-09",
            RuleId::SecurityContext => "CPN-K8S-10",
            RuleId::Ports => "CPN-K8S-11",
            RuleId::PvcSize => "CPN-K8S-12",
            RuleId::PlainSecret => "CPN-K8S-13",
            RuleId::NetworkPolicy => "CPN-K8S-14",
            RuleId::Quota => "CPN-K8S-15",
            RuleId::ReadOnlyRoot => "CPN-K8S-16",
            RuleId::HistoryAndNames => "CPN-K8S-17",
            RuleId::Resilience => "CPN-S4-16",
            RuleId::ProdLabels => "CPN-S4-19",
        }
    }

    /// Whether the rule judges pod templates or containers: with no workload among the objects
    /// it has examined nothing, and its silence is no evidence.
    pub fn examines_workloads(self) -> bool {
        !matches!(
            self,
            RuleId::NodePort
                | RuleId::ConfigMapCredentials
                | RuleId::PvcSize
                | RuleId::PlainSecret
                | RuleId::HistoryAndNames
        )
    }

    /// The reference's default: `fail` rules are high, `warn` rules medium.
    pub fn severity(self) -> Severity {
        match self {
            RuleId::SecurityContext
            | RuleId::NetworkPolicy
            | RuleId::ReadOnlyRoot
            | RuleId::HistoryAndNames
            | RuleId::Resilience
            | RuleId::ProdLabels => Severity::Medium,
            _ => Severity::High,
        }
    }

    /// Rules backed by one of the platform's admission policies are `policy`; the CCT's other
    /// requirements are `misconfiguration`.
    pub fn category(self) -> Category {
        match self {
            RuleId::PullPolicy
            | RuleId::SecurityContext
            | RuleId::Ports
            | RuleId::NetworkPolicy
            | RuleId::ReadOnlyRoot
            | RuleId::Resilience => Category::Misconfiguration,
            _ => Category::Policy,
        }
    }
}

/// What the rules compare against; the defaults are the platform's documented values.
#[derive(Debug, Clone)]
pub struct Options {
    /// The rules to evaluate (all when empty).
    pub rules: Vec<RuleId>,
    /// Allowed image prefixes, compared with the image as written (as the admission policy
    /// does); an entry without `/` is a registry host or namespace and gets one appended.
    pub registries: Vec<String>,
    /// Allowed values per label (`env`, `tier`, `criticality`, `component`).
    pub label_values: std::collections::BTreeMap<String, Vec<String>>,
    /// The environment quota, when one is set.
    pub quota: Option<Quota>,
    /// Longest object name; CronJobs are capped at 52 whatever this says.
    pub max_name_length: usize,
}

/// Quota totals: cores, bytes and GPUs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Quota {
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
    pub gpu: Option<f64>,
}

pub const DEFAULT_REGISTRIES: &[&str] = &[
    "docker.io/",
    "registry.redhat.io/",
    "quay.io/",
    "bitnami/",
    "ghcr.io/",
];
pub const ENV_VALUES: &[&str] = &["dev", "formation", "qualif", "test", "preprod", "prod"];
pub const TIER_VALUES: &[&str] = &["frontend", "backend", "db", "cache", "auth"];
pub const CRITICALITY_VALUES: &[&str] = &["high", "medium", "low"];
pub const COMPONENT_VALUES: &[&str] = &[
    "nginx",
    "apache",
    "caddy",
    "tomcat",
    "python",
    "node",
    "openjdk",
    "golang",
    "php",
    "ruby",
    "perl",
    "drupal",
    "java",
    "postgres",
    "mariadb",
    "mysql",
    "mongo",
    "cassandra",
    "cockroach",
    "influx",
    "etcd",
    "varnish",
    "redis",
    "memcached",
    "rabbitmq",
    "kafka",
    "apachemq",
    "kubemq",
    "busybox",
];

/// Kubernetes' own limit for object names used in DNS and label values.
pub const DEFAULT_MAX_NAME_LENGTH: usize = 63;
/// A CronJob's name plus the 11 characters of its Jobs' suffix must fit in 63.
pub const CRONJOB_MAX_NAME_LENGTH: usize = 52;

impl Default for Options {
    fn default() -> Self {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Options {
            rules: Vec::new(),
            registries: list(DEFAULT_REGISTRIES),
            label_values: [
                ("env", ENV_VALUES),
                ("tier", TIER_VALUES),
                ("criticality", CRITICALITY_VALUES),
                ("component", COMPONENT_VALUES),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), list(v)))
            .collect(),
            quota: None,
            max_name_length: DEFAULT_MAX_NAME_LENGTH,
        }
    }
}

impl Options {
    pub fn enabled(&self, rule: RuleId) -> bool {
        self.rules.is_empty() || self.rules.contains(&rule)
    }
}

/// Resource limits summed over every workload, times its replicas.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    pub cpu: f64,
    pub memory: f64,
    pub gpu: f64,
}

/// What [`check`] found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: FindingSet,
    pub objects: u64,
    /// Pod templates checked (Pods, and the templates of Deployments, Jobs, ...).
    pub workloads: u64,
    pub containers: u64,
    pub limits: Totals,
}

/// Evaluates the enabled rules over every object.
pub fn check(manifests: &Manifests, options: &Options) -> Report {
    check::check(manifests, options)
}

#[cfg(test)]
mod tests;
