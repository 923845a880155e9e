//! `argocd-app`: the state of an Argo CD Application — synced, healthy, automated — and the
//! images it actually runs (items, so a rule's output shows what is deployed).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::CheckKind;
use super::saas::{canonical, measure_values};
use crate::evidence::{Evidence, Missing};
use crate::model::request::argocd::{AppRequest, ArgocdRequest};
use crate::model::{Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str =
    "Argo CD Application state: sync, health, automated sync and deployed images.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "sync",
        description: "Synced, OutOfSync or Unknown",
    },
    MetricDoc {
        name: "health",
        description: "Healthy, Progressing, Degraded, Suspended, Missing or Unknown",
    },
    MetricDoc {
        name: "operation_phase",
        description: "phase of the last sync operation: Running, Succeeded, Failed, Error, Terminating",
    },
    MetricDoc {
        name: "auto_sync",
        description: "true when spec.syncPolicy.automated is set",
    },
    MetricDoc {
        name: "images",
        description: "images deployed (status.summary.images), each listed as an item",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("sync", "== Synced"), ("health", "== Healthy")];

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArgocdAppCheck {
    /// The `sources` entry of kind `argocd`.
    #[serde(default = "default_source")]
    pub source: String,
    /// The Application's name.
    pub name: String,
    /// The Application's namespace, when it is not Argo CD's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_namespace: Option<String>,
}

fn default_source() -> String {
    "argocd".into()
}

impl CheckKind for ArgocdAppCheck {
    fn need(&self) -> Need {
        let request = ArgocdRequest::ArgocdApp(AppRequest {
            name: self.name.clone(),
            app_namespace: self.app_namespace.clone(),
        });
        Need::Query {
            source: self.source.clone(),
            request: canonical(&request),
        }
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        Ok(measure_values(&self.need(), evidence, METRICS, waive)?.0)
    }
}
