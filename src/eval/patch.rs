//! The change a run measures patch coverage on: a unified diff given with `--diff`, or taken with
//! `git diff` from `--diff-base` (or the CI's merge-request base). Like a baseline, it is a
//! run-level input: the verdict records which diff was used, and a rule whose criteria name a
//! `patch_*` metric is inconclusive, with the reason, when there is none or it could not be read
//! — never judged on an empty change.

use serde::{Deserialize, Serialize};

use crate::evidence::{Missing, MissingReason, Patch};
use crate::model::Measurement;

/// How the message of a rule left inconclusive for want of any diff starts: reports tell this
/// cause from the source's own.
pub const NEEDS_DIFF: &str = "patch coverage needs the change";

/// Which diff a verdict's patch metrics were measured on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchRecord {
    /// `path: FILE`, `stdin`, or `git diff REF...HEAD`.
    pub source: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sha256: String,
    #[serde(default)]
    pub files_changed: u64,
    #[serde(default)]
    pub lines_added: u64,
    #[serde(default)]
    pub lines_removed: u64,
    /// Why it could not be used, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A diff ready to measure.
#[derive(Debug, Clone)]
pub struct PatchInput {
    pub record: PatchRecord,
    pub patch: Patch,
    /// The project root, absolute, for coverage reports that name files absolutely.
    pub root: String,
}

/// What the run knows of its change.
#[derive(Debug, Clone, Default)]
pub enum PatchState {
    /// None was asked for.
    #[default]
    None,
    Available(Box<PatchInput>),
    /// One was asked for and cannot be used.
    Unavailable(PatchRecord, Missing),
}

impl PatchState {
    pub fn record(&self) -> Option<PatchRecord> {
        match self {
            PatchState::None => None,
            PatchState::Available(p) => Some(p.record.clone()),
            PatchState::Unavailable(r, m) => Some(PatchRecord {
                error: Some(m.to_string()),
                ..r.clone()
            }),
        }
    }

    /// The diff and root a check measures with, when there is one.
    pub fn input(&self) -> Option<(&Patch, &str)> {
        match self {
            PatchState::Available(p) => Some((&p.patch, p.root.as_str())),
            _ => None,
        }
    }
}

/// Whether `metric` is measured on a change.
pub fn is_patch_metric(metric: &str) -> bool {
    metric.starts_with("patch_")
}

/// The reason a rule cannot be judged when its criteria name a patch metric that nothing
/// measured because no usable diff was given.
pub(super) fn require(m: &Measurement, wanted: &[&str], state: &PatchState) -> Result<(), Missing> {
    let needs = wanted.iter().any(|w| {
        is_patch_metric(w) && !m.metrics.contains_key(*w) && !m.unavailable.contains_key(*w)
    });
    match state {
        PatchState::None if needs => Err(Missing::new(
            MissingReason::NotConfigured,
            format!(
                "{NEEDS_DIFF}: pass --diff PATH (a unified diff, `-` for stdin) or \
             --diff-base REF (gonogo runs `git diff REF...HEAD`); in merge-request pipelines \
             CI_MERGE_REQUEST_DIFF_BASE_SHA or GITHUB_BASE_REF sets it"
            ),
        )),
        PatchState::Unavailable(_, missing) if needs => Err(missing.clone()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_metric_without_a_diff_is_not_configured() {
        let m = Measurement::default();
        let err = require(&m, &["patch_line_percent"], &PatchState::None).unwrap_err();
        assert_eq!(err.reason, MissingReason::NotConfigured);
        assert!(err.detail.contains("--diff"));
        assert!(require(&m, &["line_percent"], &PatchState::None).is_ok());
        let broken = PatchState::Unavailable(
            PatchRecord {
                source: "git diff main...HEAD".into(),
                sha256: String::new(),
                files_changed: 0,
                lines_added: 0,
                lines_removed: 0,
                error: None,
            },
            Missing::new(MissingReason::Unreachable, "git: not found"),
        );
        let err = require(&m, &["patch_lines_total"], &broken).unwrap_err();
        assert_eq!(err.reason, MissingReason::Unreachable);
        assert_eq!(
            broken.record().unwrap().error.as_deref(),
            Some(err.to_string().as_str())
        );
    }
}
