//! The baseline a run compares with: `--baseline PATH` or gonogo.yaml's `baseline:`, read like
//! any other input (a file, a URL, a CI artifact), checked to be a gonogo verdict of this project
//! and pack, and fresh enough when the source sets `max_age`. Whatever goes wrong becomes the
//! reason the comparing rules are inconclusive; rules that do not compare never notice.

use std::path::Path;

use crate::config::{Config, Location, Source, SourceSpec};
use crate::eval::{Baseline, BaselineRecord, BaselineState, Verdict};
use crate::evidence::{Missing, MissingReason};
use crate::fetch::{
    self,
    client::{Client, redact_url},
};
use crate::model::AppliedOverride;

/// The baseline source of this run, and the override that `--baseline` made, if it replaced
/// the configured one.
pub(super) fn source(
    cli: Option<&Path>,
    config: &Config,
) -> Result<(Option<Source>, Option<AppliedOverride>), super::Failure> {
    let Some(path) = cli else {
        return Ok((config.baseline.clone(), None));
    };
    let path = std::env::current_dir()
        .map(|d| d.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    let spec: SourceSpec =
        serde_json::from_value(serde_json::json!({ "path": path.to_string_lossy() }))
            .map_err(|e| super::Failure::Usage(format!("--baseline: {e}")))?;
    let source = spec.into_source("baseline").map_err(|problems| {
        super::Failure::Usage(format!(
            "--baseline {}: {}",
            path.display(),
            problems
                .iter()
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })?;
    let applied = config.baseline.as_ref().map(|configured| AppliedOverride {
        what: "baseline".into(),
        change: format!("{} → {}", shown(&configured.location), path.display()),
        origin: "--baseline/GONOGO_BASELINE".into(),
        waiver: None,
    });
    Ok((Some(source), applied))
}

/// Reads and checks the baseline.
pub(super) async fn read(
    source: Option<&Source>,
    root: &Path,
    client: &Client,
    project: Option<&str>,
    pack: &str,
    offline: bool,
) -> BaselineState {
    let Some(source) = source else {
        return BaselineState::None;
    };
    let mut record = BaselineRecord {
        location: shown(&source.location),
        sha256: String::new(),
        evaluated_at: None,
        project: None,
        pack: String::new(),
        stage: None,
        error: None,
    };
    if offline && !matches!(source.location, Location::Files(_)) {
        let m = Missing::new(
            MissingReason::Offline,
            format!(
                "{} is read over the network, and this run is --offline",
                record.location
            ),
        );
        return BaselineState::Unavailable(record, context(m));
    }
    let (bytes, input) = match fetch::read_raw(source, root, client).await {
        Ok(read) => read,
        Err(m) => return BaselineState::Unavailable(record, context(m)),
    };
    record.location = input.location;
    record.sha256 = input.sha256;
    let verdict: Verdict = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            let m = Missing::new(
                MissingReason::ParseError,
                format!(
                    "{} is not a gonogo JSON verdict (line {}, column {}: {e}); give the file `gonogo check -o` or `--format json` wrote",
                    record.location,
                    e.line(),
                    e.column()
                ),
            );
            return BaselineState::Unavailable(record, context(m));
        }
    };
    if verdict.schema_version != crate::eval::VERDICT_SCHEMA_VERSION {
        let m = Missing::new(
            MissingReason::WrongKind,
            format!(
                "{} is a verdict of schema {}, this gonogo reads schema {}",
                record.location,
                verdict.schema_version,
                crate::eval::VERDICT_SCHEMA_VERSION
            ),
        );
        return BaselineState::Unavailable(record, context(m));
    }
    if let Some(max) = source.max_age
        && let Err(m) = fresh(&verdict, &record.location, max)
    {
        record.evaluated_at.clone_from(&verdict.evaluated_at);
        return BaselineState::Unavailable(record, context(m));
    }
    Baseline::from_verdict(&verdict, record, project, pack)
}

/// A baseline's age is its evaluation time, not its file's: an artifact downloaded a minute ago
/// may hold a verdict of last month.
fn fresh(verdict: &Verdict, location: &str, max: std::time::Duration) -> Result<(), Missing> {
    let at = verdict
        .evaluated_at
        .as_deref()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .ok_or_else(|| {
            Missing::new(
                MissingReason::Stale,
                format!(
                    "{location} has no evaluated_at, so its age against max_age cannot be known"
                ),
            )
        })?;
    let age = jiff::Timestamp::now().duration_since(at);
    if age.is_negative() || age.unsigned_abs() <= max {
        return Ok(());
    }
    Err(Missing::new(
        MissingReason::Stale,
        format!(
            "{location} was evaluated at {at}, more than the baseline's max_age ({}s) ago",
            max.as_secs()
        ),
    ))
}

/// A location in words, URLs without credentials.
fn shown(location: &Location) -> String {
    match location {
        Location::Files(p) => p.join(", "),
        Location::Url(u) => redact_url(u),
        Location::GitlabArtifact { api, .. } | Location::GitlabTestReport { api, .. } => {
            format!("a GitLab artifact through {}", redact_url(api))
        }
        Location::GithubArtifact { api, .. } => {
            format!("a GitHub artifact through {}", redact_url(api))
        }
    }
}

fn context(m: Missing) -> Missing {
    Missing::new(m.reason, format!("baseline: {}", m.detail))
}
