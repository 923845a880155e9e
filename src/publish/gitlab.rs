//! GitLab: one merge-request note kept up to date (found by the hidden marker) and a commit
//! status on the pipeline's commit, through the REST API v4.
//!
//! Plain reqwest rather than a GitLab crate: three endpoints do not justify another client.
//! The token is `GONOGO_GITLAB_TOKEN` (a project or group access token with `api` scope, sent as
//! `PRIVATE-TOKEN`), else `CI_JOB_TOKEN` (sent as `JOB-TOKEN`). GitLab lets a job token call only
//! a few endpoints, and notes and statuses are not among them on most instances: a 401/403 is
//! reported as a degraded publish with the fix, not as a failure of the gate. Header values are
//! marked sensitive and never formatted; URLs carry no credentials.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;

use super::{CiEnv, MARKER, PublishOptions, PublishReport};
use crate::eval::Verdict;
use crate::report::markdown;

/// GitLab's limit on a note body (characters).
pub const NOTE_LIMIT: usize = 1_000_000;
/// Note pages read at most when looking for ours (100 per page).
const NOTE_PAGES: u32 = 20;
/// Attempts on 429/5xx and connection errors.
const ATTEMPTS: u32 = 3;

/// Where to publish: API, project, merge request, commit, token.
pub struct Target {
    pub api: String,
    pub project: String,
    pub mr_iid: Option<u64>,
    pub sha: Option<String>,
    pub pipeline_id: Option<u64>,
    pub job_url: Option<String>,
    auth: (HeaderName, String),
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("api", &self.api)
            .field("project", &self.project)
            .field("mr_iid", &self.mr_iid)
            .field("sha", &self.sha)
            .field("auth", &(self.auth.0.as_str(), "<redacted>"))
            .finish()
    }
}

impl Target {
    /// From GitLab CI's predefined variables; explicit `mr`/`sha` win.
    pub fn from_env(env: &CiEnv, mr: Option<u64>, sha: Option<String>) -> Result<Target, String> {
        let auth = if let Some(t) = env.get("GONOGO_GITLAB_TOKEN") {
            (HeaderName::from_static("private-token"), t.to_string())
        } else if let Some(t) = env.get("CI_JOB_TOKEN") {
            (HeaderName::from_static("job-token"), t.to_string())
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

    fn project_url(&self) -> String {
        let encoded: String = self
            .project
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        format!("{}/projects/{encoded}", self.api)
    }

    fn headers(&self) -> Result<HeaderMap, String> {
        let mut value = HeaderValue::from_str(&self.auth.1)
            .map_err(|_| "the GitLab token holds characters a header cannot carry".to_string())?;
        value.set_sensitive(true);
        let mut h = HeaderMap::new();
        h.insert(self.auth.0.clone(), value);
        Ok(h)
    }

    fn using_job_token(&self) -> bool {
        self.auth.0.as_str() == "job-token"
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

struct Api {
    http: reqwest::Client,
    headers: HeaderMap,
}

impl Api {
    async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<serde_json::Value, CallError> {
        let shown = url.split('?').next().unwrap_or(url).to_string();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut req = self
                .http
                .request(method.clone(), url)
                .headers(self.headers.clone());
            if let Some(b) = body {
                req = req.json(b);
            }
            let retry = match req.send().await {
                Ok(resp) if resp.status().is_success() => {
                    let bytes = resp
                        .bytes()
                        .await
                        .map_err(|e| (None, format!("{shown}: body interrupted: {e}")))?;
                    return serde_json::from_slice(&bytes).map_err(|e| {
                        (None, format!("{shown}: unexpected answer from GitLab: {e}"))
                    });
                }
                Ok(resp) => {
                    let status = resp.status();
                    if !(status.as_u16() == 429 || status.is_server_error()) || attempt >= ATTEMPTS
                    {
                        let text = resp.text().await.unwrap_or_default();
                        let message = serde_json::from_str::<serde_json::Value>(&text)
                            .ok()
                            .and_then(|j| {
                                j.get("message")
                                    .or_else(|| j.get("error"))
                                    .map(|m| m.to_string())
                            })
                            .unwrap_or_default();
                        return Err((
                            Some(status.as_u16()),
                            format!(
                                "{shown}: {status}{}",
                                if message.is_empty() {
                                    String::new()
                                } else {
                                    format!(" {}", crate::report::first_line(&message, 200))
                                }
                            ),
                        ));
                    }
                    true
                }
                Err(e) if attempt < ATTEMPTS && (e.is_connect() || e.is_timeout()) => true,
                Err(e) => {
                    return Err((
                        None,
                        format!("{shown}: GitLab unreachable: {}", e.without_url()),
                    ));
                }
            };
            if retry {
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
        }
    }
}

fn client() -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("gonogo/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30));
    if let Some(bundle) =
        std::env::var_os("GONOGO_CA_BUNDLE").or_else(|| std::env::var_os("CA_BUNDLE"))
        && let Ok(pem) = std::fs::read(&bundle)
        && let Ok(certs) = reqwest::Certificate::from_pem_bundle(&pem)
    {
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {e}"))
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
pub async fn publish(v: &Verdict, target: &Target, options: PublishOptions) -> PublishReport {
    let mut report = PublishReport::default();
    let api = match (client(), target.headers()) {
        (Ok(http), Ok(headers)) => Api { http, headers },
        (Err(e), _) | (_, Err(e)) => {
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
                let url = format!("{}/statuses/{sha}", target.project_url());
                match api.send(reqwest::Method::POST, &url, Some(&body)).await {
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
    api: &Api,
    target: &Target,
    iid: u64,
    body: &str,
) -> Result<String, CallError> {
    let notes_url = format!("{}/merge_requests/{iid}/notes", target.project_url());
    let mut existing = None;
    'pages: for page in 1..=NOTE_PAGES {
        let url = format!("{notes_url}?per_page=100&page={page}&sort=asc&order_by=created_at");
        let answer = api.send(reqwest::Method::GET, &url, None).await?;
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
            api.send(
                reqwest::Method::PUT,
                &format!("{notes_url}/{id}"),
                Some(&payload),
            )
            .await?;
            Ok(format!("merge request !{iid} note {id} updated"))
        }
        None => {
            let created = api
                .send(reqwest::Method::POST, &notes_url, Some(&payload))
                .await?;
            Ok(format!(
                "merge request !{iid} note {} created",
                created["id"].as_u64().unwrap_or(0)
            ))
        }
    }
}
