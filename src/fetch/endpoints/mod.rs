//! Endpoint sources: live systems queried per rule (metrics, alerts, quality gates, deployment
//! state). Each kind is one module answering a typed request with typed evidence; this module
//! only dispatches on the source's `kind`, and on the API location of report sources that live
//! behind an API (GitLab job artifacts and test reports, GitHub workflow artifacts).

pub mod alertmanager;
pub mod argocd;
mod common;
pub mod exposition;
pub mod github;
pub mod gitlab;
pub mod harbor;
pub mod prometheus;
pub mod sampling;
pub mod sonarqube;
pub mod web;

use std::path::Path;

use crate::config::{ApiLocation, SourceSpec};
use crate::evidence::{Evidence, Missing, MissingReason};
use crate::model::InputRecord;
use crate::parse::format::Format;

use super::http::Client;

/// Source kinds served by an endpoint module.
pub const KINDS: &[&str] = &[
    "prometheus",
    "alertmanager",
    "http",
    "sonarqube",
    "gitlab",
    "github",
    "harbor",
    "argocd",
];

/// Runs one request (canonical JSON from the check) against the source, with project files
/// resolved against the current directory.
pub async fn query(
    source: &str,
    spec: &SourceSpec,
    request: &str,
    client: &Client,
) -> Result<Evidence, Missing> {
    query_at(source, spec, request, client, Path::new(".")).await
}

/// [`query`], with `root` the project directory, for requests naming project files
/// (SonarQube's `report-task.txt`).
pub async fn query_at(
    source: &str,
    spec: &SourceSpec,
    request: &str,
    client: &Client,
    root: &Path,
) -> Result<Evidence, Missing> {
    let kind = spec.kind.as_deref().unwrap_or("");
    match kind {
        "prometheus" => prometheus::query(source, spec, request, client).await,
        "alertmanager" => alertmanager::query(source, spec, request, client).await,
        "http" => web::query(source, spec, request, client).await,
        "sonarqube" => sonarqube::query(source, spec, request, client, root)
            .await
            .map(Evidence::Values),
        "gitlab" => gitlab::query(source, spec, request, client)
            .await
            .map(Evidence::Values),
        "github" => github::query(source, spec, request)
            .await
            .map(Evidence::Values),
        "harbor" => harbor::query(source, spec, request, client)
            .await
            .map(Evidence::Values),
        "argocd" => argocd::query(source, spec, request, client)
            .await
            .map(Evidence::Values),
        _ => Err(Missing::new(
            MissingReason::WrongKind,
            format!(
                "source `{source}` has kind `{kind}`, which is not an endpoint kind (known: {})",
                KINDS.join(", ")
            ),
        )),
    }
}

/// `$VAR` / `${VAR}` expanded from the environment; unset or secret-looking names are refused.
pub fn expand_env(value: &str, what: &str) -> Result<String, Missing> {
    common::expand(value, what)
}

/// A source's `url` fit for the verdict: `$VARIABLE`s expanded when set, credentials removed.
pub fn display_url(url: &str) -> String {
    let expanded = common::expand(url, "url").unwrap_or_else(|_| url.to_string());
    if expanded.starts_with('$') {
        return expanded;
    }
    super::http::redact_url(&expanded)
}

/// Reads a report source whose location is an API (`gitlab_artifact`, `gitlab_test_report`,
/// `github_artifact`): the bytes go through the same format detection and parsers as files.
pub async fn read_report(
    source: &str,
    spec: &SourceSpec,
    location: ApiLocation<'_>,
    format: Option<Format>,
    client: &Client,
) -> Result<(Evidence, Format, Vec<InputRecord>), Missing> {
    let (bodies, format) = match location {
        ApiLocation::GitlabArtifact(a) => (
            vec![gitlab::artifact(source, spec, a, client).await?],
            format,
        ),
        ApiLocation::GitlabTestReport(t) => (
            vec![gitlab::test_report(source, spec, t, client).await?],
            Some(Format::GitlabTestReport),
        ),
        ApiLocation::GithubArtifact(g) => (github::artifact(source, spec, g).await?, format),
    };
    super::blocking(move || common::parse_all(bodies, format)).await
}
