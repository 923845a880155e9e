//! What the `argocd-app` check asks of an `argocd` source.

use serde::{Deserialize, Serialize};

/// A request from the `argocd-app` check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum ArgocdRequest {
    ArgocdApp(AppRequest),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppRequest {
    pub name: String,
    /// The Application's namespace, when apps live outside Argo CD's own namespace.
    pub app_namespace: Option<String>,
}
