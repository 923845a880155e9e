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
pub mod http;
pub mod loki;
pub mod prometheus;
pub mod sampling;
pub mod sonarqube;

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::{Location, Source, SourceKind};
use crate::evidence::{Evidence, Missing, MissingReason, ValueSet};
use crate::model::InputRecord;
use crate::model::request::EndpointKind;
use crate::parse::format::Format;

use super::client::Client;

/// Whether one sample of an answer meets the rule's sampling criteria (see
/// [`crate::model::SampleJudge`]); endpoints that sample call it and decide nothing themselves.
pub type Judge<'a> = &'a (dyn Fn(&ValueSet) -> bool + Send + Sync);

/// Never met: for callers that do not sample.
pub fn never(_: &ValueSet) -> bool {
    false
}

/// Runs one request (canonical JSON from the check) against an endpoint source, with project
/// files resolved against the current directory and no sampling judge.
pub async fn query(source: &Source, request: &str, client: &Client) -> Result<Evidence, Missing> {
    query_at(source, request, client, Path::new("."), &never).await
}

/// [`query`], with `root` the project directory, for requests naming project files
/// (SonarQube's `report-task.txt`), and `judge` for requests that sample.
pub async fn query_at(
    source: &Source,
    request: &str,
    client: &Client,
    root: &Path,
    judge: Judge<'_>,
) -> Result<Evidence, Missing> {
    query_with(source, request, client, root, judge, &BTreeMap::new()).await
}

/// [`query_at`], with the other sources of the configuration, for requests that read one
/// system to ask another (Harbor's scan of the image Argo CD reports as deployed).
pub async fn query_with(
    source: &Source,
    request: &str,
    client: &Client,
    root: &Path,
    judge: Judge<'_>,
    peers: &BTreeMap<String, Source>,
) -> Result<Evidence, Missing> {
    let name = source.name.as_str();
    let SourceKind::Endpoint(kind) = source.kind else {
        return Err(Missing::new(
            MissingReason::WrongKind,
            format!(
                "source `{name}` is a report source; this check queries an endpoint (kind: {})",
                EndpointKind::ALL
                    .iter()
                    .map(|k| k.id())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    let source = &expand_url(source)?;
    match kind {
        EndpointKind::Prometheus => prometheus::query(name, source, request, client, judge).await,
        EndpointKind::Loki => loki::query(name, source, request, client, judge).await,
        EndpointKind::Alertmanager => {
            alertmanager::query(name, source, request, client, judge).await
        }
        EndpointKind::Http => http::query(name, source, request, client, judge).await,
        EndpointKind::Sonarqube => sonarqube::query(name, source, request, client, root)
            .await
            .map(Evidence::Values),
        EndpointKind::Gitlab => gitlab::query(name, source, request, client)
            .await
            .map(Evidence::Values),
        EndpointKind::Github => github::query(name, source, request, client)
            .await
            .map(Evidence::Values),
        EndpointKind::Harbor => harbor::query(name, source, request, client, peers)
            .await
            .map(Evidence::Values),
        EndpointKind::Argocd => argocd::query(name, source, request, client)
            .await
            .map(Evidence::Values),
    }
}

/// `$VAR` / `${VAR}` expanded from the environment; unset or secret-looking names are refused.
pub fn expand_env(value: &str, what: &str) -> Result<String, Missing> {
    common::expand(value, what)
}

/// The source with `$VARIABLE`s in its URL expanded: CI systems hand out URLs as variables
/// (`url: ${CI_ENVIRONMENT_URL}`). Done at fetch time, so `gonogo validate` works on a laptop
/// without them; an unset variable makes the source's rules inconclusive.
pub fn expand_url(source: &Source) -> Result<Source, Missing> {
    let mut out = source.clone();
    let context =
        |m: Missing| Missing::new(m.reason, format!("source `{}`: {}", source.name, m.detail));
    match &mut out.location {
        Location::Files(_) => {}
        Location::Url(u)
        | Location::GitlabArtifact { api: u, .. }
        | Location::GitlabTestReport { api: u, .. }
        | Location::GithubArtifact { api: u, .. } => {
            *u = common::expand(u, "url").map_err(context)?;
        }
    }
    Ok(out)
}

/// A source's `url` fit for the verdict: `$VARIABLE`s expanded when set, credentials removed.
pub fn display_url(url: &str) -> String {
    let expanded = common::expand(url, "url").unwrap_or_else(|_| url.to_string());
    if expanded.starts_with('$') {
        return expanded;
    }
    super::client::redact_url(&expanded)
}

/// The bytes of the file a source names through an API (a GitLab job artifact, the first file of
/// a GitHub artifact), unparsed: for a baseline verdict.
pub async fn read_api_bytes(
    source: &Source,
    client: &Client,
) -> Result<(String, Vec<u8>), Missing> {
    let name = source.name.as_str();
    let source = expand_url(source)?;
    match &source.location {
        Location::GitlabArtifact { artifact, .. } => {
            gitlab::artifact(name, &source, artifact, client).await
        }
        Location::GithubArtifact { artifact, .. } => {
            let mut files = github::artifact(name, &source, artifact, client).await?;
            if files.is_empty() {
                return Err(Missing::new(
                    MissingReason::NotFound,
                    format!("source `{name}`: the artifact holds no file"),
                ));
            }
            Ok(files.swap_remove(0))
        }
        _ => Err(Missing::new(
            MissingReason::WrongKind,
            format!("source `{name}` names no file behind an API"),
        )),
    }
}

/// Reads a report source whose location is an API (`gitlab_artifact`, `gitlab_test_report`,
/// `github_artifact`): the bytes go through the same format detection and parsers as files.
/// `None` when the source reads files or a plain URL.
pub async fn read_report(
    source: &Source,
    format: Option<Format>,
    client: &Client,
) -> Option<Result<(Evidence, Format, Vec<InputRecord>), Missing>> {
    let name = source.name.as_str();
    let source = match expand_url(source) {
        Ok(s) => s,
        Err(m) => return Some(Err(m)),
    };
    let fetched = match &source.location {
        Location::Files(_) | Location::Url(_) => return None,
        Location::GitlabArtifact { artifact, .. } => {
            gitlab::artifact(name, &source, artifact, client)
                .await
                .map(|b| (vec![b], format))
        }
        Location::GitlabTestReport { report, .. } => {
            gitlab::test_report(name, &source, report, client)
                .await
                .map(|b| (vec![b], Some(Format::GitlabTestReport)))
        }
        Location::GithubArtifact { artifact, .. } => {
            github::artifact(name, &source, artifact, client)
                .await
                .map(|b| (b, format))
        }
    };
    Some(match fetched {
        Ok((bodies, format)) => super::blocking(move || common::parse_all(bodies, format)).await,
        Err(m) => Err(m),
    })
}
