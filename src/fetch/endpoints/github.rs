//! GitHub REST API: the conclusion of a check run on a commit, and the files of a workflow-run
//! artifact as a report location.
//!
//! Two plain GETs, so they go through the shared client like every other endpoint: the same
//! retries, CA bundle, proxies and redirect policy (the token is only sent to the API's own
//! origin, never to the storage host an artifact download redirects to). Bodies are read with a
//! size cap and decoded into our own lenient types, so an unexpected field never fails a gate
//! and a malformed answer is a parse error with its position. Artifacts are zip archives: the
//! declared size is checked before the download, the download itself is capped, and each entry
//! is inflated with a cap too, in memory (a zip bomb costs the cap, not the machine).
//!
//! The token comes from the variable named in `auth: {bearer_env: ...}`, else `GITHUB_TOKEN`
//! when set, else requests are anonymous (public repositories only).

use std::io::Read;

use serde::Deserialize;

use super::common::{self, api_url, decode, expand};
use crate::config::{Access, AuthSpec, GithubArtifact, Source};
use crate::evidence::{Missing, MissingReason, Value, ValueSet};
use crate::fetch::client::{Client, Request};
use crate::model::request::github::GithubRequest;

/// Largest JSON answer read.
const MAX_JSON: u64 = 32 * 1024 * 1024;
/// Largest artifact archive downloaded, and largest total of the files read from it.
pub const MAX_ARCHIVE: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, Deserialize)]
struct CheckRuns {
    #[serde(default)]
    check_runs: Vec<CheckRun>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckRun {
    pub id: u64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub html_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Artifacts {
    #[serde(default)]
    artifacts: Vec<Artifact>,
}

#[derive(Debug, Clone, Deserialize)]
struct Artifact {
    id: u64,
    name: String,
    #[serde(default)]
    size_in_bytes: u64,
    #[serde(default)]
    expired: bool,
}

/// The API base and how to authenticate: the variable named in `auth: {bearer_env: ...}`, else
/// `GITHUB_TOKEN` when set, else anonymous.
fn access(source: &str, spec: &Source) -> Result<(reqwest::Url, Access), Missing> {
    let base = common::base_url(source, spec)?;
    let mut access = spec.access.clone();
    match &access.auth {
        Some(AuthSpec::BearerEnv(_)) => {}
        Some(_) => {
            return Err(Missing::new(
                MissingReason::NotConfigured,
                format!(
                    "source `{source}`: GitHub takes a token, `auth: {{bearer_env: GITHUB_TOKEN}}`"
                ),
            ));
        }
        None => {
            if std::env::var("GITHUB_TOKEN").is_ok_and(|t| !t.is_empty()) {
                access.auth = Some(AuthSpec::BearerEnv("GITHUB_TOKEN".into()));
            }
        }
    }
    access
        .headers
        .entry("X-GitHub-Api-Version".into())
        .or_insert_with(|| "2022-11-28".into());
    Ok((base, access))
}

/// GET `url`; the body, capped, or why not.
async fn get(
    client: &Client,
    url: &reqwest::Url,
    access: &Access,
    cap: u64,
    what: &str,
) -> Result<Vec<u8>, Missing> {
    let request = Request::get(url.as_str())
        .accept("application/vnd.github+json")
        .max_body(cap);
    let resp = client
        .send(&request, access)
        .await
        .map_err(common::context(what))?;
    if !resp.status.is_success() {
        let hint = match resp.status.as_u16() {
            401 => {
                " (authentication failed: check the token variable named in `auth`, or GITHUB_TOKEN)"
            }
            403 => " (forbidden: the token lacks permission, or the rate limit is exhausted)",
            404 => {
                " (not found: check the repository, run id and names; private repositories also answer 404 without a token)"
            }
            _ => "",
        };
        return Err(Missing::new(
            MissingReason::Unreachable,
            format!("{what}: {}: HTTP {}{hint}", resp.shown, resp.status),
        ));
    }
    Ok(resp.body)
}

fn owner_repo<'a>(repo: &'a str, field: &str) -> Result<(&'a str, &'a str), Missing> {
    match repo.split_once('/') {
        Some((o, r)) if !o.is_empty() && !r.is_empty() && !r.contains('/') => Ok((o, r)),
        _ => Err(Missing::new(
            MissingReason::NotConfigured,
            format!("`{field}`: `{repo}` is not `owner/name`"),
        )),
    }
}

pub(super) async fn query(
    source: &str,
    spec: &Source,
    request: &str,
    client: &Client,
) -> Result<ValueSet, Missing> {
    let GithubRequest::CheckRun(r) = common::request(
        source,
        request,
        "is the GitHub API; it answers `check-run` checks only",
    )?;
    let repo = expand(&r.repo, "repo")?;
    let (owner, name) = owner_repo(&repo, "repo")?;
    let sha = match &r.sha {
        Some(s) => expand(s, "sha")?,
        None => expand("$GITHUB_SHA", "sha")?,
    };
    let check = expand(&r.name, "name")?;
    let (base, access) = access(source, spec)?;
    let url = api_url(
        &base,
        &["repos", owner, name, "commits", &sha, "check-runs"],
        &[
            ("check_name", &check),
            ("filter", "latest"),
            ("per_page", "100"),
        ],
    );
    let what = format!("check run `{check}` on {repo}@{sha}");
    let body = get(client, &url, &access, MAX_JSON, &what).await?;
    let runs: CheckRuns = decode(&body, url.as_str(), &what)?;
    let latest = runs
        .check_runs
        .into_iter()
        .filter(|c| c.name.is_empty() || c.name == check)
        .max_by_key(|c| c.id)
        .ok_or_else(|| {
            Missing::new(
                MissingReason::NotFound,
                format!(
                    "{what}: no such check run (has the workflow run for this commit started?)"
                ),
            )
        })?;
    Ok(check_run_values(&latest))
}

/// Status, and the conclusion once the run has completed. `succeeded` follows GitHub's
/// required-check semantics: success, neutral and skipped pass.
pub fn check_run_values(run: &CheckRun) -> ValueSet {
    let mut set = ValueSet::default();
    let status = run.status.clone().unwrap_or_else(|| "unknown".into());
    set.values
        .insert("status".into(), Value::Text(status.clone()));
    match (&run.conclusion, status.as_str()) {
        (Some(c), "completed") => {
            set.values
                .insert("conclusion".into(), Value::Text(c.clone()));
            set.values.insert(
                "succeeded".into(),
                Value::Bool(matches!(c.as_str(), "success" | "neutral" | "skipped")),
            );
        }
        _ => {
            let why = format!("check run {} has not completed (status `{status}`)", run.id);
            set.unavailable.insert("conclusion".into(), why.clone());
            set.unavailable.insert("succeeded".into(), why);
        }
    }
    if let Some(u) = &run.html_url {
        set.notes.push(format!("check run {}: {u}", run.id));
    }
    set
}

/// The files of a workflow-run artifact matching `path`, as (display name, bytes).
pub(super) async fn artifact(
    source: &str,
    spec: &Source,
    g: &GithubArtifact,
    client: &Client,
) -> Result<Vec<(String, Vec<u8>)>, Missing> {
    let repo = expand(&g.repo, "github_artifact.repo")?;
    let (owner, name) = owner_repo(&repo, "github_artifact.repo")?;
    let run_id = expand(&g.run_id, "github_artifact.run_id")?;
    let wanted = expand(&g.name, "github_artifact.name")?;
    let (base, access) = access(source, spec)?;
    let url = api_url(
        &base,
        &[
            "repos",
            owner,
            name,
            "actions",
            "runs",
            &run_id,
            "artifacts",
        ],
        &[("name", &wanted), ("per_page", "100")],
    );
    let what = format!("artifact `{wanted}` of run {run_id} in {repo}");
    let body = get(client, &url, &access, MAX_JSON, &what).await?;
    let list: Artifacts = decode(&body, url.as_str(), &what)?;
    let found: Vec<&Artifact> = list.artifacts.iter().filter(|a| a.name == wanted).collect();
    let Some(artifact) = found.iter().filter(|a| !a.expired).max_by_key(|a| a.id) else {
        let why = if found.is_empty() {
            "no artifact of that name in the run"
        } else {
            "the artifact has expired"
        };
        return Err(Missing::new(
            MissingReason::NotFound,
            format!("{what}: {why}"),
        ));
    };
    if artifact.size_in_bytes > MAX_ARCHIVE {
        return Err(Missing::new(
            MissingReason::Unreadable,
            format!(
                "{what}: {} MiB, more than the {} MiB gonogo reads",
                artifact.size_in_bytes / (1024 * 1024),
                MAX_ARCHIVE / (1024 * 1024)
            ),
        ));
    }
    let id = artifact.id.to_string();
    let url = api_url(
        &base,
        &["repos", owner, name, "actions", "artifacts", &id, "zip"],
        &[],
    );
    let zip = get(client, &url, &access, MAX_ARCHIVE, &what).await?;
    let pattern = g.path.as_deref().unwrap_or("**");
    let label = format!("{repo} run {run_id} artifact {wanted}");
    let files = super::super::blocking({
        let pattern = pattern.to_string();
        move || unzip(&zip, &pattern, MAX_ARCHIVE, &label)
    })
    .await?;
    if files.is_empty() {
        return Err(Missing::new(
            MissingReason::NotFound,
            format!("{what}: no file in the archive matches `{pattern}`"),
        ));
    }
    Ok(files)
}

/// The files of a zip archive whose names match `pattern`, each inflated under `cap` bytes in
/// total; names are shown as `label!name`.
pub fn unzip(
    bytes: &[u8],
    pattern: &str,
    cap: u64,
    label: &str,
) -> Result<Vec<(String, Vec<u8>)>, Missing> {
    let glob = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| {
            Missing::new(
                MissingReason::NotConfigured,
                format!("invalid glob `{pattern}`: {e}"),
            )
        })?
        .compile_matcher();
    let bad = |e: zip::result::ZipError| {
        Missing::new(
            MissingReason::ParseError,
            format!("{label}: not a readable zip archive: {e}"),
        )
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(bad)?;
    let mut names: Vec<String> = archive.file_names().map(str::to_string).collect();
    names.sort();
    let mut out = Vec::new();
    let mut total = 0u64;
    for n in names {
        if n.ends_with('/') || !glob.is_match(&n) {
            continue;
        }
        let entry = archive.by_name(&n).map_err(bad)?;
        let left = cap.saturating_sub(total);
        let mut data = Vec::new();
        entry.take(left + 1).read_to_end(&mut data).map_err(|e| {
            Missing::new(
                MissingReason::ParseError,
                format!("{label}!{n}: cannot inflate: {e}"),
            )
        })?;
        total += data.len() as u64;
        if total > cap {
            return Err(Missing::new(
                MissingReason::Unreadable,
                format!(
                    "{label}: the files matching `{pattern}` inflate to more than {} MiB",
                    cap / (1024 * 1024)
                ),
            ));
        }
        out.push((format!("{label}!{n}"), data));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in files {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn unzip_selects_by_glob_in_name_order() {
        let z = zip_of(&[
            ("reports/TEST-b.xml", b"<b/>"),
            ("reports/TEST-a.xml", b"<a/>"),
            ("README.md", b"hi"),
        ]);
        let files = unzip(&z, "reports/TEST-*.xml", 1024, "art").unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["art!reports/TEST-a.xml", "art!reports/TEST-b.xml"]);
        assert_eq!(files[0].1, b"<a/>");
        assert_eq!(unzip(&z, "**", 1024, "art").unwrap().len(), 3);
    }

    #[test]
    fn inflating_past_the_cap_is_refused() {
        let big = vec![b'x'; 100_000];
        let z = zip_of(&[("big.xml", &big)]);
        assert!(z.len() < 10_000, "compresses well: {}", z.len());
        let err = unzip(&z, "**", 50_000, "art").unwrap_err();
        assert_eq!(err.reason, MissingReason::Unreadable);
        assert!(err.detail.contains("inflate to more than"));
    }

    #[test]
    fn garbage_is_not_a_zip() {
        let err = unzip(b"not a zip at all", "**", 1024, "art").unwrap_err();
        assert_eq!(err.reason, MissingReason::ParseError);
    }

    #[test]
    fn conclusions_count_only_once_completed() {
        let run = |status: &str, conclusion: Option<&str>| CheckRun {
            id: 4,
            name: "build".into(),
            status: Some(status.into()),
            conclusion: conclusion.map(str::to_string),
            html_url: None,
        };
        let set = check_run_values(&run("completed", Some("failure")));
        assert_eq!(set.values["succeeded"], Value::Bool(false));
        let set = check_run_values(&run("completed", Some("skipped")));
        assert_eq!(set.values["succeeded"], Value::Bool(true));
        let set = check_run_values(&run("in_progress", None));
        assert!(set.unavailable["conclusion"].contains("in_progress"));
        assert!(!set.values.contains_key("succeeded"));
    }
}
