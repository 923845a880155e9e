//! Publishers: the verdict where teams look — GitHub step summaries, annotations, outputs, check
//! runs and pull-request comments; GitLab merge-request notes and commit statuses.
//!
//! Two halves, kept apart on purpose:
//! - *files* the CI runner gives every step (`$GITHUB_STEP_SUMMARY`, `$GITHUB_OUTPUT`, workflow
//!   commands on the log): no token, written by every `check` that runs under GitHub Actions;
//! - *APIs* (octocrab for GitHub, reqwest for GitLab): only on request (`check --publish`,
//!   `gonogo publish verdict.json`), with tokens read from the environment and never shown.
//!
//! Publishing never changes the gate's decision. A refused write (a fork's read-only token)
//! degrades to the step summary with a message saying why and what to do instead; other API
//! failures are reported and make `gonogo publish` exit 4. The environment comes in as a
//! [`CiEnv`] value rather than being read deep inside, so tests drive every path without
//! touching the process environment.

pub mod github;
pub mod gitlab;

use crate::fetch::client::Client;

use std::collections::BTreeMap;

/// The CI environment, as variables (a snapshot of the process environment in production).
#[derive(Debug, Clone, Default)]
pub struct CiEnv {
    vars: BTreeMap<String, String>,
}

impl CiEnv {
    pub fn from_process() -> CiEnv {
        CiEnv {
            vars: std::env::vars().collect(),
        }
    }

    pub fn from_pairs<I, K, V>(pairs: I) -> CiEnv
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        CiEnv {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// A non-empty variable.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn is_github_actions(&self) -> bool {
        self.get("GITHUB_ACTIONS") == Some("true")
    }

    pub fn is_gitlab_ci(&self) -> bool {
        self.get("GITLAB_CI") == Some("true")
    }
}

/// Where the verdict went, and what could not be done.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PublishReport {
    /// One line per thing published.
    pub done: Vec<String>,
    /// Writes refused for lack of permission, with the fallback taken.
    pub degraded: Vec<String>,
    /// Failures (unreachable API, bad answers, missing settings).
    pub errors: Vec<String>,
}

impl PublishReport {
    pub fn merge(&mut self, other: PublishReport) {
        self.done.extend(other.done);
        self.degraded.extend(other.degraded);
        self.errors.extend(other.errors);
    }
}

/// What to publish.
#[derive(Debug, Clone, Copy)]
pub struct PublishOptions {
    pub strict: bool,
    pub status: bool,
    pub comment: bool,
    /// The step summary is already written (`check` under GitHub Actions): a refused write
    /// must not append it twice.
    pub summary_written: bool,
}

/// The hidden marker that identifies gonogo's comment or note, so a second run edits it
/// instead of adding another.
pub const MARKER: &str = "<!-- gonogo -->";

/// A platform with an API to publish to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    GitHub,
    GitLab,
}

/// The platforms asked for, or the one the environment shows when none is named.
pub fn platforms(github: bool, gitlab: bool, env: &CiEnv) -> Vec<Platform> {
    let mut out = Vec::new();
    if github {
        out.push(Platform::GitHub);
    }
    if gitlab {
        out.push(Platform::GitLab);
    }
    if out.is_empty() {
        if env.is_github_actions() {
            out.push(Platform::GitHub);
        } else if env.is_gitlab_ci() {
            out.push(Platform::GitLab);
        }
    }
    out
}

/// What a verdict is published about: the pull or merge request and the commit (from the
/// environment when absent), and the project directory its item paths are relative to.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub pr: Option<u64>,
    pub sha: Option<String>,
    pub project: &'a std::path::Path,
}

/// Publishes `verdict` to each platform; settings missing from the environment are errors.
pub async fn publish_to(
    verdict: &crate::eval::Verdict,
    platforms: &[Platform],
    subject: &Subject<'_>,
    options: PublishOptions,
    env: &CiEnv,
    client: &Client,
) -> PublishReport {
    let mut report = PublishReport::default();
    let (pr, sha) = (subject.pr, subject.sha.clone());
    let ws = github::Workspace::new(subject.project, env);
    if platforms.is_empty() {
        report.errors.push(
            "no platform to publish to: pass --github or --gitlab (or run under GitHub Actions / GitLab CI)".into(),
        );
    }
    for p in platforms {
        match p {
            Platform::GitHub => match github::Target::from_env(env, pr, sha.clone()) {
                Ok(t) => {
                    report.merge(github::publish(verdict, &t, options, env, client, &ws).await)
                }
                Err(e) => report.errors.push(format!("GitHub: {e}")),
            },
            Platform::GitLab => match gitlab::Target::from_env(env, pr, sha.clone()) {
                Ok(t) => report.merge(gitlab::publish(verdict, &t, options, client).await),
                Err(e) => report.errors.push(format!("GitLab: {e}")),
            },
        }
    }
    report
}

impl PublishReport {
    /// Lines for stderr: `published:`, `warning:` (degraded), `error:`.
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .done
            .iter()
            .map(|d| format!("published: {d}"))
            .collect();
        out.extend(self.degraded.iter().map(|d| format!("warning: {d}")));
        out.extend(
            self.errors
                .iter()
                .map(|e| format!("error: publishing: {e}")),
        );
        out
    }
}
