//! Endpoint sources: live systems queried per rule (metrics, alerts, quality gates, deployment
//! state). Each kind is one module answering a typed request with typed evidence; this module
//! only dispatches on the source's `kind`.

use crate::config::SourceSpec;
use crate::evidence::{Evidence, Missing, MissingReason};

use super::http::Client;

/// Source kinds served by an endpoint module.
pub const KINDS: &[&str] = &[];

/// Runs one request (canonical JSON from the check) against the source.
pub async fn query(
    source: &str,
    spec: &SourceSpec,
    request: &str,
    _client: &Client,
) -> Result<Evidence, Missing> {
    let kind = spec.kind.as_deref().unwrap_or("");
    let _ = request;
    Err(Missing::new(
        MissingReason::WrongKind,
        format!(
            "source `{source}` has kind `{kind}`, which is not an endpoint kind (known: {})",
            KINDS.join(", ")
        ),
    ))
}
