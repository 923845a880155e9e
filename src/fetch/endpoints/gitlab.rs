//! GitLab REST API (v4): the latest pipeline of a commit, job artifacts and pipeline test
//! reports as report locations.
//!
//! The source's `url` is the API base (`https://gitlab.example/api/v4`, `$CI_API_V4_URL` in a
//! job); authentication is the ordinary `auth:` (`JOB-TOKEN` from `CI_JOB_TOKEN`, or a
//! `PRIVATE-TOKEN`). Projects are named by id or full path, sent URL-encoded as GitLab asks.
//! Artifacts are returned as bytes for the ordinary format detection, so any report format
//! works from there. A pipeline that has not finished has a `status` but no `succeeded`: a rule
//! on it is inconclusive, never a pass.

use serde::Deserialize;

use super::common::{self, api_url, api_url_with_path, context, expand, expand_opt, get_json};
use crate::config::{GitlabArtifact, GitlabTestReport, Source};
use crate::evidence::{Missing, MissingReason, Value, ValueSet};
use crate::fetch::client::{Client, redact_url};
use crate::model::request::gitlab::GitlabRequest;

/// One pipeline as `GET /projects/:id/pipelines` lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct Pipeline {
    pub id: u64,
    pub status: String,
    #[serde(default, rename = "ref")]
    pub git_ref: Option<String>,
    #[serde(default)]
    pub sha: Option<String>,
    #[serde(default)]
    pub web_url: Option<String>,
}

pub(super) async fn query(
    source: &str,
    spec: &Source,
    request: &str,
    client: &Client,
) -> Result<ValueSet, Missing> {
    let GitlabRequest::Pipeline(r) = common::request(
        source,
        request,
        "is a GitLab API; it answers `pipeline` checks only",
    )?;
    let base = common::base_url(source, spec)?;
    let project = expand(&r.project, "project")?;
    let sha = match &r.sha {
        Some(s) => expand(s, "sha")?,
        None => expand("$CI_COMMIT_SHA", "sha")?,
    };
    let git_ref = expand_opt(r.git_ref.as_deref(), "ref")?;
    let pipeline = latest_pipeline(&base, spec, client, &project, &sha, git_ref.as_deref()).await?;
    Ok(pipeline_values(&pipeline))
}

async fn latest_pipeline(
    base: &reqwest::Url,
    spec: &Source,
    client: &Client,
    project: &str,
    sha: &str,
    git_ref: Option<&str>,
) -> Result<Pipeline, Missing> {
    let mut query = vec![
        ("sha", sha),
        ("order_by", "id"),
        ("sort", "desc"),
        ("per_page", "1"),
    ];
    if let Some(r) = git_ref {
        query.push(("ref", r));
    }
    let url = api_url(base, &["projects", project, "pipelines"], &query);
    let what = format!("pipelines of commit {sha} in GitLab project `{project}`");
    let list: Vec<Pipeline> = get_json(client, &url, &spec.access, &what).await?;
    let pipeline = list.into_iter().next().ok_or_else(|| {
        Missing::new(
            MissingReason::NotFound,
            format!("{what}: none (has the commit been pushed, and does CI run for it?)"),
        )
    })?;
    match &pipeline.sha {
        Some(got)
            if got.eq_ignore_ascii_case(sha)
                || (sha.len() >= 7
                    && got
                        .to_ascii_lowercase()
                        .starts_with(&sha.to_ascii_lowercase())) =>
        {
            Ok(pipeline)
        }
        Some(got) => Err(Missing::new(
            MissingReason::ParseError,
            format!(
                "{what}: GitLab answered pipeline {} of commit {got}, not of the commit asked for; its status says nothing about {sha}",
                pipeline.id
            ),
        )),
        None => Err(Missing::new(
            MissingReason::ParseError,
            format!(
                "{what}: pipeline {} comes without its commit `sha`; gonogo cannot tell it is the commit's",
                pipeline.id
            ),
        )),
    }
}

/// Status, and `succeeded` once the pipeline has finished.
pub fn pipeline_values(p: &Pipeline) -> ValueSet {
    let mut set = ValueSet::default();
    set.values
        .insert("status".into(), Value::Text(p.status.clone()));
    match p.status.as_str() {
        "success" => {
            set.values.insert("succeeded".into(), Value::Bool(true));
        }
        "failed" | "canceled" | "skipped" => {
            set.values.insert("succeeded".into(), Value::Bool(false));
        }
        other => {
            set.unavailable.insert(
                "succeeded".into(),
                format!("pipeline {} has not finished (status `{other}`)", p.id),
            );
        }
    }
    let at = p
        .web_url
        .as_deref()
        .map(|u| format!(" ({u})"))
        .unwrap_or_default();
    let git_ref = p
        .git_ref
        .as_deref()
        .map(|r| format!(" on `{r}`"))
        .unwrap_or_default();
    set.notes
        .push(format!("pipeline {}{git_ref}: {}{at}", p.id, p.status));
    set
}

/// The bytes of one file of a job's artifacts, with the URL to show.
pub(super) async fn artifact(
    source: &str,
    spec: &Source,
    a: &GitlabArtifact,
    client: &Client,
) -> Result<(String, Vec<u8>), Missing> {
    let base = common::base_url(source, spec)?;
    let project = expand(&a.project, "gitlab_artifact.project")?;
    let path = expand(&a.path, "gitlab_artifact.path")?;
    let url = match (&a.job_id, &a.git_ref, &a.job) {
        (Some(id), _, _) => {
            let id = expand(id, "gitlab_artifact.job_id")?;
            api_url_with_path(
                &base,
                &["projects", &project, "jobs", &id, "artifacts"],
                &path,
                &[],
            )
        }
        (None, Some(git_ref), Some(job)) => {
            let git_ref = expand(git_ref, "gitlab_artifact.ref")?;
            let job = expand(job, "gitlab_artifact.job")?;
            api_url_with_path(
                &base,
                &["projects", &project, "jobs", "artifacts", &git_ref, "raw"],
                &path,
                &[("job", &job)],
            )
        }
        _ => {
            return Err(Missing::new(
                MissingReason::NotConfigured,
                format!("source `{source}`: `gitlab_artifact` needs `job_id`, or `ref` and `job`"),
            ));
        }
    };
    let what = format!("artifact {path} of GitLab project `{project}`");
    let body = client
        .get_bytes(url.as_str(), &spec.access)
        .await
        .map_err(context(&what))?;
    Ok((redact_url(url.as_str()), body))
}

/// A pipeline's `test_report` (or `test_report_summary`) JSON, with the URL to show.
pub(super) async fn test_report(
    source: &str,
    spec: &Source,
    t: &GitlabTestReport,
    client: &Client,
) -> Result<(String, Vec<u8>), Missing> {
    let base = common::base_url(source, spec)?;
    let project = expand(&t.project, "gitlab_test_report.project")?;
    let pipeline = match (&t.pipeline, &t.sha) {
        (Some(p), _) => expand(p, "gitlab_test_report.pipeline")?,
        (None, Some(sha)) => {
            let sha = expand(sha, "gitlab_test_report.sha")?;
            latest_pipeline(&base, spec, client, &project, &sha, None)
                .await?
                .id
                .to_string()
        }
        (None, None) => {
            return Err(Missing::new(
                MissingReason::NotConfigured,
                format!("source `{source}`: `gitlab_test_report` needs `pipeline` or `sha`"),
            ));
        }
    };
    let leaf = if t.summary {
        "test_report_summary"
    } else {
        "test_report"
    };
    let url = api_url(
        &base,
        &["projects", &project, "pipelines", &pipeline, leaf],
        &[],
    );
    let what = format!("{leaf} of pipeline {pipeline} in GitLab project `{project}`");
    let body = client
        .get_bytes(url.as_str(), &spec.access)
        .await
        .map_err(context(&what))?;
    Ok((redact_url(url.as_str()), body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(status: &str) -> Pipeline {
        Pipeline {
            id: 47,
            status: status.into(),
            git_ref: Some("main".into()),
            sha: None,
            web_url: None,
        }
    }

    #[test]
    fn only_finished_pipelines_say_whether_they_succeeded() {
        assert_eq!(
            pipeline_values(&p("success")).values["succeeded"],
            Value::Bool(true)
        );
        assert_eq!(
            pipeline_values(&p("canceled")).values["succeeded"],
            Value::Bool(false)
        );
        for s in ["running", "pending", "manual", "created"] {
            let set = pipeline_values(&p(s));
            assert!(!set.values.contains_key("succeeded"), "{s}");
            assert!(set.unavailable["succeeded"].contains(s));
            assert_eq!(set.values["status"], Value::Text(s.into()));
        }
    }
}
