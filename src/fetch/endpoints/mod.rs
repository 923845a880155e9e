//! Endpoint sources: live systems queried per rule (metrics, alerts, quality gates, deployment
//! state). Each kind is one module answering a typed request with typed evidence; this module
//! only dispatches on the source's `kind`.

pub mod alertmanager;
pub mod exposition;
pub mod prometheus;
pub mod sampling;
pub mod web;

use crate::config::SourceSpec;
use crate::evidence::{Evidence, Missing, MissingReason};

use super::http::Client;

/// Source kinds served by an endpoint module.
pub const KINDS: &[&str] = &["prometheus", "alertmanager", "http"];

/// Runs one request (canonical JSON from the check) against the source.
pub async fn query(
    source: &str,
    spec: &SourceSpec,
    request: &str,
    client: &Client,
) -> Result<Evidence, Missing> {
    let kind = spec.kind.as_deref().unwrap_or("");
    match kind {
        "prometheus" => prometheus::query(source, spec, request, client).await,
        "alertmanager" => alertmanager::query(source, spec, request, client).await,
        "http" => web::query(source, spec, request, client).await,
        _ => Err(Missing::new(
            MissingReason::WrongKind,
            format!(
                "source `{source}` has kind `{kind}`, which is not an endpoint kind (known: {})",
                KINDS.join(", ")
            ),
        )),
    }
}
