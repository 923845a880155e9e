//! GitLab: one merge-request note kept up to date (found by the hidden marker) and a commit
//! status on the pipeline's commit, through the REST API v4.
//!
//! The requests go through fetch's shared client (retries, CA bundle, proxies, and credentials
//! dropped on any redirect that leaves the API's origin); three endpoints do not justify a
//! GitLab crate. The token is `GONOGO_GITLAB_TOKEN` (a project or group access token with `api` scope, sent as
//! `PRIVATE-TOKEN`), else `CI_JOB_TOKEN` (sent as `JOB-TOKEN`). GitLab lets a job token call only
//! a few endpoints, and notes and statuses are not among them on most instances: a 401/403 is
//! reported as a degraded publish with the fix, not as a failure of the gate. Header values are
//! marked sensitive and never formatted; URLs carry no credentials.

use reqwest::Method;
use serde::Deserialize;

use super::{CiEnv, MARKER, PublishOptions, PublishReport};
use crate::eval::Verdict;
use crate::fetch::client::{Client, Credentials, Request, api_url};
use crate::report::markdown;

/// GitLab's limit on a note body (characters).
pub const NOTE_LIMIT: usize = 1_000_000;
/// Note pages read at most when looking for ours (100 per page).
const NOTE_PAGES: u32 = 20;

/// Where to publish: API, project, merge request, commit, token.
pub struct Target {
    pub api: String,
    pub project: String,
    pub mr_iid: Option<u64>,
    pub sha: Option<String>,
    pub pipeline_id: Option<u64>,
    pub job_url: Option<String>,
    auth: (&'static str, String),
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("api", &self.api)
            .field("project", &self.project)
            .field("mr_iid", &self.mr_iid)
            .field("sha", &self.sha)
            .field("auth", &(self.auth.0, "<redacted>"))
            .finish()
    }
}

impl Target {
    /// From GitLab CI's predefined variables; explicit `mr`/`sha` win.
    pub fn from_env(env: &CiEnv, mr: Option<u64>, sha: Option<String>) -> Result<Target, String> {
        for var in ["GONOGO_GITLAB_TOKEN", "CI_JOB_TOKEN"] {
            if let Some(t) = env.get(var) {
                crate::secrets::register(t);
            }
        }
        let auth = if let Some(t) = env.get("GONOGO_GITLAB_TOKEN") {
            ("private-token", t.to_string())
        } else if let Some(t) = env.get("CI_JOB_TOKEN") {
            ("job-token", t.to_string())
        } else {
            return Err(
                "no GitLab token: set GONOGO_GITLAB_TOKEN (an access token with api scope, as a masked variable) or run in a job with CI_JOB_TOKEN".into(),
            );
        };
        let api = env
            .get("CI_API_V4_URL")
            .ok_or("CI_API_V4_URL is not set (https://gitlab.example.com/api/v4)")?
            .trim_end_matches('/')
            .to_string();
        let project = env
            .get("CI_PROJECT_ID")
            .ok_or("CI_PROJECT_ID is not set")?
            .to_string();
        Ok(Target {
            api,
            project,
            mr_iid: mr.or_else(|| env.get("CI_MERGE_REQUEST_IID").and_then(|s| s.parse().ok())),
            sha: sha.or_else(|| env.get("CI_COMMIT_SHA").map(str::to_string)),
            pipeline_id: env.get("CI_PIPELINE_ID").and_then(|s| s.parse().ok()),
            job_url: env.get("CI_JOB_URL").map(str::to_string),
            auth,
        })
    }

    fn project_url(&self, rest: &[&str]) -> String {
        let base = reqwest::Url::parse(&self.api).ok();
        let mut segments = vec!["projects", self.project.as_str()];
        segments.extend_from_slice(rest);
        match base {
            Some(b) => api_url(&b, &segments, &[]).to_string(),
            None => self.api.clone(),
        }
    }

    fn credentials(&self) -> Result<Credentials, String> {
        Credentials::header(self.auth.0, &self.auth.1)
            .map_err(|_| "the GitLab token holds characters a header cannot carry".to_string())
    }

    fn using_job_token(&self) -> bool {
        self.auth.0 == "job-token"
    }
}

#[derive(Debug, Deserialize)]
struct Note {
    id: u64,
    #[serde(default)]
    body: String,
    #[serde(default)]
    system: bool,
}

/// A failed call: HTTP status if there was one, and words without secrets.
type CallError = (Option<u16>, String);

struct Api<'c> {
    client: &'c Client,
    credentials: Credentials,
}

impl Api<'_> {
    async fn send(&self, request: Request) -> Result<serde_json::Value, CallError> {
        let shown = request
            .url
            .split('?')
            .next()
            .unwrap_or(&request.url)
            .to_string();
        let resp = self
            .client
            .execute(&request, &self.credentials, None)
            .await
            .map_err(|m| (None, format!("GitLab unreachable: {}", m.detail)))?;
        if resp.status.is_success() {
            return serde_json::from_slice(&resp.body)
                .map_err(|e| (None, format!("{shown}: unexpected answer from GitLab: {e}")));
        }
        let message = serde_json::from_slice::<serde_json::Value>(&resp.body)
            .ok()
            .and_then(|j| {
                j.get("message")
                    .or_else(|| j.get("error"))
                    .map(|m| m.to_string())
            })
            .unwrap_or_default();
        Err((
            Some(resp.status.as_u16()),
            format!(
                "{shown}: {}{}",
                resp.status,
                if message.is_empty() {
                    String::new()
                } else {
                    format!(" {}", crate::report::first_line(&message, 200))
                }
            ),
        ))
    }
}

fn status_state(v: &Verdict, strict: bool) -> &'static str {
    if v.decision.passes(strict) {
        "success"
    } else {
        "failed"
    }
}

/// The note body: the marker, then the summary.
pub fn note_body(v: &Verdict) -> String {
    let head = format!("{MARKER}\n");
    format!(
        "{head}{}",
        markdown::render_within(v, NOTE_LIMIT.saturating_sub(head.len()))
    )
}

/// Publishes to the GitLab API: a merge-request note and a commit status.
pub async fn publish(
    v: &Verdict,
    target: &Target,
    options: PublishOptions,
    client: &Client,
) -> PublishReport {
    let mut report = PublishReport::default();
    let api = match target.credentials() {
        Ok(credentials) => Api {
            client,
            credentials,
        },
        Err(e) => {
            report.errors.push(e);
            return report;
        }
    };
    let hint = if target.using_job_token() {
        "CI_JOB_TOKEN may not write notes or statuses: set GONOGO_GITLAB_TOKEN to a project access token with api scope (a masked, protected variable)"
    } else {
        "the token lacks permission: it needs the api scope and at least Reporter (notes) or Developer (statuses) role"
    };
    if options.comment {
        match target.mr_iid {
            None => report
                .done
                .push("not a merge-request pipeline: note skipped (pass --pr to name one)".into()),
            Some(iid) => match upsert_note(&api, target, iid, &note_body(v)).await {
                Ok(line) => report.done.push(line),
                Err((Some(401 | 403), e)) => report
                    .degraded
                    .push(format!("merge-request note not written ({e}): {hint}")),
                Err((_, e)) => report.errors.push(format!("merge-request note: {e}")),
            },
        }
    }
    if options.status {
        match &target.sha {
            None => report
                .errors
                .push("no commit SHA for the status: set CI_COMMIT_SHA or pass --sha".into()),
            Some(sha) => {
                let mut body = serde_json::json!({
                    "state": status_state(v, options.strict),
                    "name": super::github::check_name(v),
                    "description": crate::report::first_line(
                        &format!("{} ({} failed, {} warned, {} inconclusive)",
                            v.decision.label(), v.counts.fail, v.counts.warn, v.counts.inconclusive),
                        250),
                });
                if let Some(p) = target.pipeline_id {
                    body["pipeline_id"] = p.into();
                }
                if let Some(u) = &target.job_url {
                    body["target_url"] = u.as_str().into();
                }
                let url = target.project_url(&["statuses", sha]);
                match api
                    .send(Request::json(Method::POST, url, &body).repeatable())
                    .await
                {
                    Ok(_) => report.done.push(format!(
                        "commit status `{}` = {} on {}",
                        super::github::check_name(v),
                        status_state(v, options.strict),
                        sha.get(..12).unwrap_or(sha)
                    )),
                    Err((Some(401 | 403), e)) => report
                        .degraded
                        .push(format!("commit status not set ({e}): {hint}")),
                    Err((_, e)) => report.errors.push(format!("commit status: {e}")),
                }
            }
        }
    }
    report
}

async fn upsert_note(
    api: &Api<'_>,
    target: &Target,
    iid: u64,
    body: &str,
) -> Result<String, CallError> {
    let notes_url = target.project_url(&["merge_requests", &iid.to_string(), "notes"]);
    let mut existing = None;
    'pages: for page in 1..=NOTE_PAGES {
        let request = Request::get(notes_url.as_str()).query([
            ("per_page".to_string(), "100".to_string()),
            ("page".to_string(), page.to_string()),
            ("sort".to_string(), "asc".to_string()),
            ("order_by".to_string(), "created_at".to_string()),
        ]);
        let answer = api.send(request).await?;
        let notes: Vec<Note> = serde_json::from_value(answer).map_err(|e| {
            (
                None,
                format!("{notes_url}: unexpected answer from GitLab: {e}"),
            )
        })?;
        let n = notes.len();
        for note in notes {
            if !note.system && note.body.contains(MARKER) {
                existing = Some(note.id);
                break 'pages;
            }
        }
        if n < 100 {
            break;
        }
    }
    let payload = serde_json::json!({ "body": body });
    match existing {
        Some(id) => {
            api.send(Request::json(
                Method::PUT,
                format!("{notes_url}/{id}"),
                &payload,
            ))
            .await?;
            Ok(format!("merge request !{iid} note {id} updated"))
        }
        None => {
            let created = api
                .send(Request::json(Method::POST, notes_url.as_str(), &payload))
                .await?;
            Ok(format!(
                "merge request !{iid} note {} created",
                created["id"].as_u64().unwrap_or(0)
            ))
        }
    }
}
