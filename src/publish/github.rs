//! GitHub: the step's own files (summary, outputs, workflow-command annotations) and, on
//! request, the API (a check run with annotations, one pull-request comment kept up to date).
//!
//! The limits are GitHub's: a step summary holds at most 1 MiB, a step shows at most 10
//! annotations of each type (we show 9 and use the 10th to say how many were left out), a check
//! run takes 50 annotations per request (we send batches of 50 through `update`), and a comment
//! or check-run summary holds 65,535 characters. A fork's `GITHUB_TOKEN` is read-only: creating
//! a check run or a comment answers 403, and we fall back to the step summary, pointing at the
//! two-step `workflow_run` pattern (docs/github.md).
//!
//! octocrab gives the typed API (check runs, comments), but not the transport: its requests are
//! handed to fetch's shared client through a small tower service, so publishing retries, trusts
//! the CA bundle, uses the proxy and drops the token on a cross-origin redirect exactly as
//! checking does.

use std::fmt::Write as _;
use std::future::Future;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use octocrab::params::checks::{
    CheckRunConclusion, CheckRunOutput, CheckRunOutputAnnotation, CheckRunOutputAnnotationLevel,
    CheckRunStatus,
};
use octocrab::service::middleware::base_uri::BaseUriLayer;
use octocrab::service::middleware::extra_headers::ExtraHeadersLayer;
use octocrab::{AuthState, OctoBody, Octocrab, OctocrabBuilder};

use super::{CiEnv, MARKER, PublishOptions, PublishReport};
use crate::eval::{Outcome, RuleResult, Verdict};
use crate::fetch::client::{Body, Client, Credentials, Request};
use crate::report::{self, dotenv::decision_token, first_line, markdown};

/// GitHub's cap on a step summary (1 MiB); we keep a little room for other writers.
pub const STEP_SUMMARY_LIMIT: usize = 1024 * 1024;
/// Annotations GitHub shows per type (error, warning) per step.
pub const ANNOTATIONS_PER_TYPE: usize = 10;
/// Annotations per check-run request.
pub const CHECK_RUN_BATCH: usize = 50;
/// Annotations sent to a check run at most (bounded requests).
pub const CHECK_RUN_MAX_ANNOTATIONS: usize = 1000;
/// Characters in a comment body or a check-run summary.
pub const BODY_LIMIT: usize = 65_535;
/// Comment pages read at most when looking for our comment (100 per page).
const COMMENT_PAGES: u32 = 20;

/// Escapes workflow-command data (the message).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One annotation: from a failed or warned rule, on an item's own location if it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    pub error: bool,
    pub path: Option<String>,
    pub line: Option<u64>,
    pub title: String,
    pub message: String,
}

/// Where the repository's files are, so that an annotation names a file only when it is one: a
/// finding's "location" may be a Trivy target (`Python`, an image name), which GitHub would show
/// as a broken file link.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The directory item paths are relative to (gonogo.yaml's).
    pub project: PathBuf,
    /// The repository's root (`GITHUB_WORKSPACE`), which annotation paths are relative to.
    pub repository: PathBuf,
}

impl Workspace {
    /// The project at `project`, in the repository GitHub checked out (`GITHUB_WORKSPACE`, else
    /// the project itself).
    pub fn new(project: &Path, env: &CiEnv) -> Workspace {
        let project = std::fs::canonicalize(project).unwrap_or_else(|_| project.to_path_buf());
        let repository = env
            .get("GITHUB_WORKSPACE")
            .map(PathBuf::from)
            .and_then(|p| std::fs::canonicalize(p).ok())
            .unwrap_or_else(|| project.clone());
        Workspace {
            project,
            repository,
        }
    }

    /// `path` relative to the repository when it names a regular file inside it.
    pub fn locate(&self, path: &str) -> Option<String> {
        let p = Path::new(path);
        let full = if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.project.join(p)
        };
        let full = std::fs::canonicalize(full).ok()?;
        if !full.is_file() {
            return None;
        }
        full.strip_prefix(&self.repository)
            .ok()
            .map(|r| r.to_string_lossy().replace('\\', "/"))
    }
}

/// The annotations of a verdict, most severe first: located items of failed rules, failed
/// rules without located items, then the same for warned rules. A location that is not a file
/// of the repository (a scanner's target name) goes into the message instead of `file=`.
pub fn annotations(v: &Verdict, ws: &Workspace) -> Vec<Annotation> {
    let mut out = Vec::new();
    for error in [true, false] {
        for r in v.results.iter().filter(|r| {
            if error {
                r.outcome == Outcome::Fail
            } else {
                r.outcome == Outcome::Warn
            }
        }) {
            let title = format!("{} {}", r.id, r.title);
            let located: Vec<_> = r.items.iter().filter(|i| i.location.is_some()).collect();
            if located.is_empty() {
                out.push(Annotation {
                    error,
                    path: None,
                    line: None,
                    title,
                    message: rule_message(r),
                });
                continue;
            }
            for item in located {
                let loc = item.location.as_ref();
                let path = loc.and_then(|l| ws.locate(&l.path));
                let message = match (&path, loc) {
                    (None, Some(l)) => format!("[{}] {}", l.path, first_line(&item.text, 1000)),
                    _ => first_line(&item.text, 1000),
                };
                out.push(Annotation {
                    error,
                    line: path.as_ref().and(loc.and_then(|l| l.line)),
                    path,
                    title: title.clone(),
                    message,
                });
            }
        }
    }
    out
}

fn rule_message(r: &RuleResult) -> String {
    if r.message.is_empty() {
        report::outcome_text(r, crate::i18n::Lang::En)
    } else {
        first_line(&r.message, 1000)
    }
}

/// Workflow commands for the step log, at most [`ANNOTATIONS_PER_TYPE`] per type: when there
/// are more, the last slot says how many were left out and where to find them.
pub fn workflow_commands(v: &Verdict, ws: &Workspace) -> Vec<String> {
    let all = annotations(v, ws);
    let mut lines = Vec::new();
    for (error, kind, word) in [(true, "error", "failed"), (false, "warning", "warned")] {
        let of_kind: Vec<&Annotation> = all.iter().filter(|a| a.error == error).collect();
        let shown = if of_kind.len() > ANNOTATIONS_PER_TYPE {
            ANNOTATIONS_PER_TYPE - 1
        } else {
            of_kind.len()
        };
        for a in &of_kind[..shown] {
            let mut props = Vec::new();
            if let Some(p) = &a.path {
                props.push(format!("file={}", escape_property(p)));
                if let Some(l) = a.line {
                    props.push(format!("line={l}"));
                }
            }
            props.push(format!("title={}", escape_property(&a.title)));
            lines.push(format!(
                "::{kind} {}::{}",
                props.join(","),
                escape_data(&a.message)
            ));
        }
        let left = of_kind.len() - shown;
        if left > 0 {
            lines.push(format!(
                "::{kind} title={}::{}",
                escape_property("gonogo: more annotations"),
                escape_data(&format!(
                    "{left} more {word} item(s) not annotated: GitHub shows {ANNOTATIONS_PER_TYPE} {kind}s per step. See the step summary or the JSON verdict."
                ))
            ));
        }
    }
    lines
}

/// `$GITHUB_OUTPUT` lines: decision, exit code, verdict path.
pub fn outputs(v: &Verdict, strict: bool, verdict_path: Option<&Path>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "decision={}", decision_token(v.decision));
    let _ = writeln!(s, "exit_code={}", v.decision.exit(strict).code());
    let path = verdict_path.map_or_else(
        || "none (no JSON verdict was written)".to_string(),
        |p| p.display().to_string().replace(['\n', '\r'], ""),
    );
    let _ = writeln!(s, "verdict={path}");
    let _ = writeln!(s, "error=");
    s
}

/// The step outputs of a run that judged nothing (exit 4): every output is there, and says so.
pub fn error_outputs(message: &str) -> String {
    let first: String = message
        .lines()
        .next()
        .unwrap_or("")
        .replace(['\n', '\r'], " ")
        .chars()
        .take(500)
        .collect();
    format!(
        "decision=error\nexit_code={}\nverdict=none (configuration error: nothing was judged)\nerror={first}\n",
        crate::eval::Exit::Usage.code()
    )
}

/// Appends `text` to `$GITHUB_OUTPUT`, when the step has one.
pub fn write_outputs(text: &str, env: &CiEnv) -> Result<(), String> {
    match env.get("GITHUB_OUTPUT") {
        Some(path) => {
            append(path, text).map_err(|e| format!("cannot write the step outputs {path}: {e}"))
        }
        None => Ok(()),
    }
}

fn append(path: &str, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(crate::secrets::scrub(text).as_bytes())
}

/// Appends the summary to `$GITHUB_STEP_SUMMARY`, within what is left of the 1 MiB.
pub fn write_step_summary(v: &Verdict, env: &CiEnv) -> Result<Option<String>, String> {
    let Some(path) = env.get("GITHUB_STEP_SUMMARY") else {
        return Ok(None);
    };
    let used = std::fs::metadata(path)
        .map(|m| m.len() as usize)
        .unwrap_or(0);
    let budget = STEP_SUMMARY_LIMIT.saturating_sub(used + 1);
    let text = markdown::render_within(v, budget);
    append(path, &format!("{text}\n"))
        .map_err(|e| format!("cannot write the step summary {path}: {e}"))?;
    Ok(Some(path.to_string()))
}

/// Everything a step under GitHub Actions writes without a token: step summary, outputs, and
/// the annotation commands (returned, for the caller to print on the log).
pub fn write_step_files(
    v: &Verdict,
    strict: bool,
    verdict_path: Option<&Path>,
    env: &CiEnv,
    ws: &Workspace,
) -> (Vec<String>, Vec<String>) {
    let mut errors = Vec::new();
    if let Err(e) = write_step_summary(v, env) {
        errors.push(e);
    }
    if let Some(path) = env.get("GITHUB_OUTPUT")
        && let Err(e) = append(path, &outputs(v, strict, verdict_path))
    {
        errors.push(format!("cannot write the step outputs {path}: {e}"));
    }
    (workflow_commands(v, ws), errors)
}

/// Where to publish: repository, commit, pull request, API, token.
pub struct Target {
    pub api: String,
    pub owner: String,
    pub repo: String,
    pub sha: Option<String>,
    pub pr: Option<u64>,
    token: String,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("api", &self.api)
            .field("owner", &self.owner)
            .field("repo", &self.repo)
            .field("sha", &self.sha)
            .field("pr", &self.pr)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// The variables that may hold the token, in order.
pub const TOKEN_VARS: [&str; 2] = ["GONOGO_GITHUB_TOKEN", "GITHUB_TOKEN"];

impl Target {
    /// Reads the target from the environment: `GITHUB_REPOSITORY`, `GITHUB_API_URL`, the event
    /// payload (`GITHUB_EVENT_PATH`: `pull_request` or `workflow_run`), `GITHUB_SHA`; explicit
    /// `pr`/`sha` win.
    pub fn from_env(env: &CiEnv, pr: Option<u64>, sha: Option<String>) -> Result<Target, String> {
        let token = TOKEN_VARS
            .iter()
            .find_map(|v| env.get(v))
            .ok_or("no GitHub token: set GITHUB_TOKEN (or GONOGO_GITHUB_TOKEN) in the step's env")?
            .to_string();
        crate::secrets::register(&token);
        let repository = env
            .get("GITHUB_REPOSITORY")
            .ok_or("GITHUB_REPOSITORY is not set (owner/name)")?;
        let (owner, repo) = repository
            .split_once('/')
            .filter(|(o, r)| !o.is_empty() && !r.is_empty())
            .ok_or_else(|| format!("GITHUB_REPOSITORY `{repository}` is not owner/name"))?;
        let event = env
            .get("GITHUB_EVENT_PATH")
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .unwrap_or(serde_json::Value::Null);
        let event_pr = event["pull_request"]["number"]
            .as_u64()
            .or_else(|| event["workflow_run"]["pull_requests"][0]["number"].as_u64());
        let event_sha = event["pull_request"]["head"]["sha"]
            .as_str()
            .or_else(|| event["workflow_run"]["head_sha"].as_str())
            .map(str::to_string);
        Ok(Target {
            api: env
                .get("GITHUB_API_URL")
                .unwrap_or("https://api.github.com")
                .trim_end_matches('/')
                .to_string(),
            owner: owner.to_string(),
            repo: repo.to_string(),
            sha: sha
                .or(event_sha)
                .or_else(|| env.get("GITHUB_SHA").map(str::to_string)),
            pr: pr.or(event_pr),
            token,
        })
    }

    fn client(&self, client: &Client) -> Result<Octocrab, String> {
        let base: http::Uri = self
            .api
            .parse()
            .map_err(|e| format!("GitHub API URL {}: {e}", self.api))?;
        let mut token = http::HeaderValue::from_str(&format!("Bearer {}", self.token))
            .map_err(|_| "the GitHub token holds characters a header cannot carry".to_string())?;
        token.set_sensitive(true);
        let headers = vec![
            (http::header::AUTHORIZATION, token),
            (
                http::header::ACCEPT,
                http::HeaderValue::from_static("application/vnd.github+json"),
            ),
        ];
        OctocrabBuilder::new_empty()
            .with_service(Transport {
                client: client.clone(),
            })
            .with_layer(&BaseUriLayer::new(base))
            .with_layer(&ExtraHeadersLayer::new(Arc::new(headers)))
            .with_auth(AuthState::None)
            .build()
            .map_err(|e| format!("cannot set up the GitHub client: {e}"))
    }
}

/// octocrab's transport: each request it builds is sent by fetch's [`Client`].
#[derive(Clone)]
struct Transport {
    client: Client,
}

/// Why the transport could not answer (unreachable, timed out, too large), without secrets.
#[derive(Debug)]
struct TransportError(String);

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TransportError {}

impl tower_service::Service<http::Request<OctoBody>> for Transport {
    type Response = http::Response<Full<Bytes>>;
    type Error = TransportError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<OctoBody>) -> Self::Future {
        let client = self.client.clone();
        Box::pin(async move {
            let (parts, body) = req.into_parts();
            let bytes = body
                .collect()
                .await
                .map_err(|_| TransportError("the request body could not be read".into()))?
                .to_bytes();
            let mut headers = parts.headers;
            let credentials = match headers.remove(http::header::AUTHORIZATION) {
                Some(v) => Credentials::header("authorization", v.to_str().unwrap_or_default())
                    .map_err(TransportError)?,
                None => Credentials::none(),
            };
            let content_type = headers.remove(http::header::CONTENT_TYPE);
            let mut request = Request::new(parts.method, parts.uri.to_string());
            request.headers = headers;
            if !bytes.is_empty() {
                request.body = Some(Body::Bytes {
                    bytes: bytes.to_vec(),
                    content_type: content_type
                        .unwrap_or_else(|| http::HeaderValue::from_static("application/json")),
                });
            }
            let resp = client
                .execute(&request, &credentials, None)
                .await
                .map_err(|m| TransportError(m.detail))?;
            let mut out = http::Response::builder().status(resp.status);
            for (k, v) in &resp.headers {
                out = out.header(k, v);
            }
            out.body(Full::new(Bytes::from(resp.body)))
                .map_err(|e| TransportError(format!("an answer octocrab cannot take: {e}")))
        })
    }
}

/// Why a call failed, in words that never include the token.
fn describe(e: &octocrab::Error) -> (Option<u16>, String) {
    match e {
        octocrab::Error::GitHub { source, .. } => (
            Some(source.status_code.as_u16()),
            format!("{} {}", source.status_code.as_u16(), source.message),
        ),
        octocrab::Error::Serde { source, .. } => {
            (None, format!("unexpected answer from GitHub: {source}"))
        }
        octocrab::Error::Json { source, .. } => {
            (None, format!("unexpected answer from GitHub: {source}"))
        }
        other => (None, format!("GitHub unreachable: {other}")),
    }
}

fn refused(status: Option<u16>) -> bool {
    matches!(status, Some(403) | Some(404))
}

const FORK_HINT: &str = "the token cannot write here (a pull request from a fork gets a read-only GITHUB_TOKEN); the verdict is in the step summary. To publish anyway, run `gonogo publish verdict.json` in a `workflow_run` job (docs/github.md)";

fn conclusion(v: &Verdict, strict: bool) -> CheckRunConclusion {
    match (v.decision.passes(strict), v.decision) {
        (true, crate::eval::Decision::GoWithWarnings) => CheckRunConclusion::Neutral,
        (true, _) => CheckRunConclusion::Success,
        (false, _) => CheckRunConclusion::Failure,
    }
}

fn check_annotations(v: &Verdict, ws: &Workspace) -> Vec<CheckRunOutputAnnotation> {
    annotations(v, ws)
        .into_iter()
        .filter_map(|a| {
            let path = a.path?;
            let line = a.line.unwrap_or(1).clamp(1, u32::MAX as u64) as u32;
            Some(CheckRunOutputAnnotation {
                path,
                start_line: line,
                end_line: line,
                start_column: None,
                end_column: None,
                annotation_level: if a.error {
                    CheckRunOutputAnnotationLevel::Failure
                } else {
                    CheckRunOutputAnnotationLevel::Warning
                },
                message: a.message,
                title: Some(a.title),
                raw_details: None,
            })
        })
        .take(CHECK_RUN_MAX_ANNOTATIONS)
        .collect()
}

fn check_title(v: &Verdict) -> String {
    format!(
        "{} at stage {} {}: {} failed, {} warned, {} inconclusive",
        v.decision.label(),
        v.stage.number,
        v.stage.id,
        v.counts.fail,
        v.counts.warn,
        v.counts.inconclusive
    )
}

/// The check run's name: one per stage, so gates of several stages do not overwrite each other.
pub fn check_name(v: &Verdict) -> String {
    format!("gonogo / {}", v.stage.id)
}

/// Publishes to the GitHub API: a check run on the commit and a comment on the pull request.
/// `env` is used for the step-summary fallback when a write is refused.
pub async fn publish(
    v: &Verdict,
    target: &Target,
    options: PublishOptions,
    env: &CiEnv,
    client: &Client,
    ws: &Workspace,
) -> PublishReport {
    let mut report = PublishReport::default();
    let crab = match target.client(client) {
        Ok(c) => c,
        Err(e) => {
            report.errors.push(e);
            return report;
        }
    };
    let mut refused_once = false;
    if options.status {
        match &target.sha {
            None => report
                .errors
                .push("no commit SHA for the check run: set GITHUB_SHA or pass --sha".into()),
            Some(sha) => match check_run(&crab, v, target, sha, options.strict, ws).await {
                Ok(line) => report.done.push(line),
                Err((status, e)) if refused(status) => {
                    refused_once = true;
                    report
                        .degraded
                        .push(format!("check run not created ({e}): {FORK_HINT}"));
                }
                Err((_, e)) => report.errors.push(format!("check run: {e}")),
            },
        }
    }
    if options.comment {
        match target.pr {
            None => report.done.push(
                "no pull request in this event: comment skipped (pass --pr to name one)".into(),
            ),
            Some(pr) => match upsert_comment(&crab, v, target, pr).await {
                Ok(line) => report.done.push(line),
                Err((status, e)) if refused(status) => {
                    refused_once = true;
                    report.degraded.push(format!(
                        "pull-request comment not written ({e}): {FORK_HINT}"
                    ));
                }
                Err((_, e)) => report.errors.push(format!("pull-request comment: {e}")),
            },
        }
    }
    if refused_once && !env.is_github_actions() {
        report.degraded.push(
            "not running under GitHub Actions: no step summary to fall back to; the verdict is in the log".into(),
        );
    } else if refused_once && options.summary_written {
        report
            .done
            .push("the step summary already holds the verdict".into());
    } else if refused_once {
        match write_step_summary(v, env) {
            Ok(Some(p)) => report.done.push(format!("step summary written to {p}")),
            Ok(None) => {}
            Err(e) => report.errors.push(e),
        }
    }
    report
}

async fn check_run(
    crab: &Octocrab,
    v: &Verdict,
    target: &Target,
    sha: &str,
    strict: bool,
    ws: &Workspace,
) -> Result<String, (Option<u16>, String)> {
    let checks = crab.checks(target.owner.as_str(), target.repo.as_str());
    let mut rest = check_annotations(v, ws);
    let total = rest.len();
    let mut batches: Vec<Vec<CheckRunOutputAnnotation>> = Vec::new();
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(CHECK_RUN_BATCH));
        batches.push(std::mem::replace(&mut rest, tail));
    }
    let summary = markdown::render_within(v, BODY_LIMIT);
    let output = |annotations: Vec<CheckRunOutputAnnotation>| CheckRunOutput {
        title: check_title(v),
        summary: summary.clone(),
        text: None,
        annotations,
        images: Vec::new(),
    };
    let mut batches = batches.into_iter();
    let run = checks
        .create_check_run(check_name(v), sha.to_string())
        .status(CheckRunStatus::Completed)
        .conclusion(conclusion(v, strict))
        .output(output(batches.next().unwrap_or_default()))
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let mut requests = 1;
    for batch in batches {
        checks
            .update_check_run(run.id)
            .output(output(batch))
            .send()
            .await
            .map_err(|e| describe(&e))?;
        requests += 1;
    }
    Ok(format!(
        "check run `{}` on {} with {} annotation(s) in {requests} request(s)",
        check_name(v),
        sha.get(..12).unwrap_or(sha),
        total
    ))
}

/// The comment body: the marker, then the summary, within GitHub's size limit.
pub fn comment_body(v: &Verdict) -> String {
    let head = format!("{MARKER}\n");
    let budget = BODY_LIMIT.saturating_sub(head.len());
    format!("{head}{}", markdown::render_within(v, budget))
}

async fn upsert_comment(
    crab: &Octocrab,
    v: &Verdict,
    target: &Target,
    pr: u64,
) -> Result<String, (Option<u16>, String)> {
    let issues = crab.issues(target.owner.as_str(), target.repo.as_str());
    let body = comment_body(v);
    let mut existing = None;
    'pages: for page in 1..=COMMENT_PAGES {
        let list = issues
            .list_comments(pr)
            .per_page(100)
            .page(page)
            .send()
            .await
            .map_err(|e| describe(&e))?;
        let n = list.items.len();
        for c in list.items {
            if c.body.as_deref().is_some_and(|b| b.contains(MARKER)) {
                existing = Some(c.id);
                break 'pages;
            }
        }
        if n < 100 {
            break;
        }
    }
    match existing {
        Some(id) => {
            // PATCH, as GitHub documents it (octocrab's `update_comment` sends a POST).
            let route = format!(
                "/repos/{}/{}/issues/comments/{id}",
                target.owner, target.repo
            );
            let _: octocrab::models::issues::Comment = crab
                .patch(route, Some(&serde_json::json!({ "body": body })))
                .await
                .map_err(|e| describe(&e))?;
            Ok(format!("pull-request #{pr} comment {id} updated"))
        }
        None => {
            let c = issues
                .create_comment(pr, &body)
                .await
                .map_err(|e| describe(&e))?;
            Ok(format!("pull-request #{pr} comment {} created", c.id))
        }
    }
}
