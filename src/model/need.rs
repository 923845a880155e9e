//! [`Need`]: the name of one piece of evidence, and the key under which fetch stores it.
//!
//! Two rules that need the same evidence produce equal needs, so it is fetched once.

use serde::{Deserialize, Serialize};

/// The evidence a check needs; also the key under which `fetch` stores it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "name")]
pub enum Need {
    /// A named source from `gonogo.yaml`.
    Source(String),
    /// Paths in the project matching any of these globs.
    Files(Vec<String>),
    /// One project file, read as text.
    Document(String),
    /// Every project file matching any of these globs, each read as text (manifests,
    /// Dockerfiles); no match is `not found`.
    Documents(Vec<String>),
    /// Kubernetes manifests: like `Documents`, except that a Helm chart among the files (a
    /// folder with `Chart.yaml`) is rendered with `helm template` and these values files, and
    /// read as its output plus its own `values*.yaml`.
    Manifests {
        patterns: Vec<String>,
        values: Vec<String>,
    },
    /// A rule-specific request to an endpoint source (a PromQL query, a quality-gate lookup):
    /// the source's name and the request as canonical JSON, so equal requests are fetched once.
    Query { source: String, request: String },
}

impl std::fmt::Display for Need {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Need::Source(s) => write!(f, "source `{s}`"),
            Need::Files(p) => write!(f, "files {}", p.join(", ")),
            Need::Document(p) => write!(f, "file {p}"),
            Need::Documents(p) => write!(f, "files {}", p.join(", ")),
            Need::Manifests { patterns, values } if values.is_empty() => {
                write!(f, "manifests {}", patterns.join(", "))
            }
            Need::Manifests { patterns, values } => write!(
                f,
                "manifests {} (charts rendered with {})",
                patterns.join(", "),
                values.join(", ")
            ),
            Need::Query { source, request } => write!(f, "source `{source}` query {request}"),
        }
    }
}
