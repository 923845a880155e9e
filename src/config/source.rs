//! A source: where one piece of evidence lives (files, a glob, a URL or an API) and how to read
//! it.
//!
//! Two forms, as cargo-deny and ripgrep do it: [`SourceSpec`] is the file's shape (serde, JSON
//! Schema, every field optional), and [`Source`] the validated value fetch receives, with the kind
//! resolved to a report format or an endpoint, exactly one location, and durations parsed. Every
//! problem found on the way is reported against the file, at its position; fetch never sees a
//! source it would have to second-guess.
//!
//! Credentials are never written in the file: `auth` names environment variables, whose values
//! are read at fetch time and never logged, printed or put in the verdict.

use std::collections::BTreeMap;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::i18n::process_lang;
use crate::model::Dur;
use crate::model::request::EndpointKind;
use crate::parse::format::Format;
use crate::t;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// Report format or endpoint kind (`junit`, `cobertura`, `trivy`, ...); detected from the
    /// content when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// A file or a glob (`target/surefire-reports/TEST-*.xml`), relative to gonogo.yaml.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Several files or globs, merged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// An HTTP(S) URL to read the report from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Evidence older than this is stale, hence inconclusive (`24h`, `7d`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<Dur>,
    /// Per-request timeout for URLs (`10s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Dur>,
    /// The largest report file read (`4GiB`); 2 GiB by default. A larger file is refused, not
    /// read in part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<String>,
    /// Test reports: what a test that failed and then passed on a rerun is. `flaky` (default):
    /// counted in `flaky` and `passed`, listed in the verdict; `fail`: counted as failed. Reruns
    /// are recognised by suite, class and name, across the files of a glob too: two different
    /// tests with the same full name in two files would also fold, which `fail` rules out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reruns: Option<Reruns>,
    /// Skip what `.gitignore`, `.ignore` and `.git/info/exclude` exclude, and hidden and VCS
    /// directories, when expanding globs (default `true`), as ripgrep does; a pattern that names
    /// such a path explicitly still reaches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_files: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthSpec>,
    /// Extra, non-secret request headers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// A report inside a GitLab job's artifacts, read through the GitLab API; `url` is the API
    /// base (`https://gitlab.example/api/v4`), `kind` the report format (detected when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gitlab_artifact: Option<GitlabArtifact>,
    /// A pipeline's test report from the GitLab API (`test_report` or `test_report_summary`);
    /// `url` is the API base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gitlab_test_report: Option<GitlabTestReport>,
    /// Reports inside a GitHub Actions workflow-run artifact (a zip, read in memory); `url` is
    /// the API base, `https://api.github.com` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github_artifact: Option<GithubArtifact>,
}

/// Where a report lives in GitLab job artifacts. String fields may name environment variables
/// (`$CI_COMMIT_REF_NAME`), read when the report is fetched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitlabArtifact {
    /// Project id or full path (`group/app`).
    pub project: String,
    /// Branch or tag whose latest successful pipeline holds the job (with `job`).
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub git_ref: Option<String>,
    /// The job's name (with `ref`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
    /// A job id, instead of `ref` + `job` (`$CI_JOB_ID` of an earlier job, passed along).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// The file's path inside the artifacts archive (`target/surefire-reports/TEST-all.xml`).
    pub path: String,
}

/// A GitLab pipeline's test report. String fields may name environment variables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitlabTestReport {
    /// Project id or full path (`group/app`).
    pub project: String,
    /// The pipeline id (`$CI_PIPELINE_ID`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<String>,
    /// A commit instead of `pipeline`: its latest pipeline is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    /// Read `test_report_summary` (counts only, cheaper) instead of the full `test_report`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub summary: bool,
}

/// Where reports live in a GitHub Actions artifact. String fields may name environment
/// variables (`$GITHUB_RUN_ID`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GithubArtifact {
    /// `owner/name`.
    pub repo: String,
    /// The workflow run whose artifact holds the reports.
    pub run_id: String,
    /// The artifact's name, as given to `actions/upload-artifact`.
    pub name: String,
    /// Files inside the archive to read (a glob, `**/TEST-*.xml`); every file when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Authentication, by the names of environment variables holding the secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum AuthSpec {
    /// `Authorization: Bearer $VAR`.
    BearerEnv(String),
    /// HTTP basic auth with the user name and password in these variables.
    Basic {
        username_env: String,
        password_env: String,
    },
    /// A custom header whose value is in the variable (`PRIVATE-TOKEN`, `JOB-TOKEN`).
    Header { name: String, value_env: String },
}

/// A validated source.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The name rules use (`tests`, `prometheus`).
    pub name: String,
    pub kind: SourceKind,
    pub location: Location,
    /// Evidence older than this is stale.
    pub max_age: Option<Duration>,
    /// The largest report file read.
    pub max_size: u64,
    /// Test reports: reruns as flaky or as failures.
    pub reruns: Reruns,
    /// Globs skip ignored, hidden and VCS paths.
    pub ignore_files: bool,
    pub access: Access,
}

/// What a test that passed only on a rerun counts as.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Reruns {
    #[default]
    Flaky,
    Fail,
}

/// The largest report file read unless a source sets `max_size`: parsers stream, so this guards
/// time and disk, not memory.
pub const DEFAULT_MAX_REPORT_BYTES: u64 = 2 << 30;

/// What a source gives: a report (in a named format, or detected from its content), or answers
/// from a live system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Report(Option<Format>),
    Endpoint(EndpointKind),
}

impl SourceKind {
    /// The id written in `kind:`, or `None` for a report whose format is detected.
    pub fn id(self) -> Option<&'static str> {
        match self {
            SourceKind::Report(f) => f.map(Format::id),
            SourceKind::Endpoint(e) => Some(e.id()),
        }
    }
}

/// Where a source is read. URLs may hold `$VARIABLES`, expanded at fetch time.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// Files or globs relative to the project, merged.
    Files(Vec<String>),
    /// A report at a URL, or an endpoint's base URL.
    Url(String),
    /// A file in a GitLab job's artifacts, through the API at `api`.
    GitlabArtifact {
        api: String,
        artifact: GitlabArtifact,
    },
    /// A pipeline's test report, through the API at `api`.
    GitlabTestReport {
        api: String,
        report: GitlabTestReport,
    },
    /// Files in a GitHub Actions artifact, through the API at `api`.
    GithubArtifact {
        api: String,
        artifact: GithubArtifact,
    },
}

impl Location {
    /// The URL this location is read from or through, as written (`$VARIABLES` unexpanded).
    pub fn url(&self) -> Option<&str> {
        match self {
            Location::Files(_) => None,
            Location::Url(u) => Some(u),
            Location::GitlabArtifact { api, .. }
            | Location::GitlabTestReport { api, .. }
            | Location::GithubArtifact { api, .. } => Some(api),
        }
    }
}

/// How requests to a source are made: credentials (by environment variable name), extra headers,
/// and the per-request timeout.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Access {
    pub auth: Option<AuthSpec>,
    pub headers: BTreeMap<String, String>,
    pub timeout: Option<Duration>,
}

/// The GitHub API used when a GitHub source names none.
pub const GITHUB_API: &str = "https://api.github.com";

/// One problem with a source: where under the source (a JSON pointer suffix such as `/url`, or
/// empty for the source itself), what, and how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub at: String,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    fn new(at: &str, message: impl Into<String>) -> Problem {
        Problem {
            at: at.to_string(),
            message: message.into(),
            help: None,
        }
    }

    fn help(at: &str, message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem {
            at: at.to_string(),
            message: message.into(),
            help: Some(help.into()),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.at.is_empty() {
            write!(f, "{}: ", self.at.trim_start_matches('/').replace('/', "."))?;
        }
        f.write_str(&self.message)?;
        if let Some(h) = &self.help {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

fn is_url_like(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://") || url.starts_with('$')
}

/// Every kind `kind:` accepts: report formats, then endpoints.
pub fn known_kinds() -> Vec<&'static str> {
    Format::ALL
        .iter()
        .map(|f| f.id())
        .chain(EndpointKind::ALL.iter().map(|e| e.id()))
        .collect()
}

impl SourceSpec {
    /// Every location, in order: `path`, then `paths`.
    pub fn patterns(&self) -> Vec<String> {
        self.path.iter().chain(self.paths.iter()).cloned().collect()
    }

    /// The API locations this source names, with their keys.
    fn api_keys(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.gitlab_artifact.is_some() {
            out.push("gitlab_artifact");
        }
        if self.gitlab_test_report.is_some() {
            out.push("gitlab_test_report");
        }
        if self.github_artifact.is_some() {
            out.push("github_artifact");
        }
        out
    }

    /// Validates the source into its typed form, or every problem found.
    pub fn into_source(self, name: &str) -> Result<Source, Vec<Problem>> {
        let mut problems = Vec::new();
        let kind = match self.kind.as_deref() {
            None => Some(SourceKind::Report(None)),
            Some(k) => match (Format::from_id(k), EndpointKind::from_id(k)) {
                (Some(f), _) => Some(SourceKind::Report(Some(f))),
                (None, Some(e)) => Some(SourceKind::Endpoint(e)),
                (None, None) => {
                    let known = known_kinds();
                    let help = match crate::diag::did_you_mean(k, known.iter().copied()) {
                        Some(s) => crate::diag::did_you_mean_text(&s),
                        None => t!(
                            process_lang(),
                            "config-known-kinds",
                            list = known.join(", ")
                        ),
                    };
                    problems.push(Problem::help(
                        "/kind",
                        t!(process_lang(), "config-unknown-kind", kind = k),
                        help,
                    ));
                    None
                }
            },
        };
        let location = self.location(kind, &mut problems);
        let max_size = match self.max_size.as_deref().map(crate::model::parse_size) {
            None => DEFAULT_MAX_REPORT_BYTES,
            Some(Ok(n)) if n > 0 => n,
            Some(Ok(_)) => {
                problems.push(Problem::new("/max_size", "`max_size` must be more than 0"));
                0
            }
            Some(Err(e)) => {
                problems.push(Problem::new("/max_size", e));
                0
            }
        };
        for name in self.headers.keys() {
            let lower = name.to_ascii_lowercase();
            if matches!(
                lower.as_str(),
                "authorization" | "private-token" | "job-token" | "cookie"
            ) {
                problems.push(Problem::help(
                    "/headers",
                    t!(process_lang(), "config-secret-header", name = name.as_str()),
                    t!(process_lang(), "config-secret-header-help"),
                ));
            } else if reqwest_header_name_ok(name).is_err() {
                problems.push(Problem::new(
                    "/headers",
                    format!("`{name}` is not a valid HTTP header name"),
                ));
            }
        }
        match (kind, location) {
            (Some(kind), Some(location)) if problems.is_empty() => Ok(Source {
                name: name.to_string(),
                kind,
                location,
                max_age: self.max_age.as_ref().map(Dur::get),
                max_size,
                reruns: self.reruns.unwrap_or_default(),
                ignore_files: self.ignore_files.unwrap_or(true),
                access: Access {
                    auth: self.auth,
                    headers: self.headers,
                    timeout: self.timeout.as_ref().map(Dur::get),
                },
            }),
            _ => Err(problems),
        }
    }

    fn location(&self, kind: Option<SourceKind>, problems: &mut Vec<Problem>) -> Option<Location> {
        let patterns = self.patterns();
        let has_files = !patterns.is_empty();
        let apis = self.api_keys();
        let endpoint = match kind {
            Some(SourceKind::Endpoint(e)) => Some(e),
            _ => None,
        };
        let before = problems.len();
        if let Some(url) = &self.url
            && !is_url_like(url)
        {
            problems.push(Problem::new(
                "/url",
                t!(process_lang(), "config-not-a-url", url = url.as_str()),
            ));
        }
        if apis.len() > 1 {
            problems.push(Problem::new(
                &format!("/{}", apis[1]),
                format!(
                    "a source reads one API location: `{}` and `{}` are both set",
                    apis[0], apis[1]
                ),
            ));
        }
        if let Some(e) = endpoint {
            let kind = e.id();
            if let Some(api) = apis.first() {
                problems.push(Problem::help(
                    &format!("/{api}"),
                    format!("a `{kind}` source answers checks; `{api}` belongs on a report source"),
                    "define a second source with the report's `kind` (or none) for the report",
                ));
            }
            if has_files {
                problems.push(Problem::new(
                    "",
                    format!("a `{kind}` source is an API (`url`); it takes no `path`/`paths`"),
                ));
            }
            let Some(url) = &self.url else {
                problems.push(Problem::help(
                    "",
                    t!(process_lang(), "config-needs-url", kind = kind),
                    match e {
                        EndpointKind::Gitlab => {
                            "add `url: https://gitlab.example/api/v4` (or `url: $CI_API_V4_URL`)"
                        }
                        EndpointKind::Github => {
                            "add `url: https://api.github.com` (or your GitHub Enterprise API URL)"
                        }
                        _ => "add `url: https://...`, the server's base URL",
                    },
                ));
                return None;
            };
            return (problems.len() == before).then(|| Location::Url(url.clone()));
        }
        if let Some(api) = apis.first().copied() {
            if has_files {
                problems.push(Problem::new(
                    "",
                    format!("this source reads `{api}`; it takes no `path`/`paths`"),
                ));
            }
            let gitlab_api = |problems: &mut Vec<Problem>| match &self.url {
                Some(u) => Some(u.clone()),
                None => {
                    problems.push(Problem::help(
                        "",
                        format!("`{api}` needs the GitLab API base in `url`"),
                        "add `url: https://gitlab.example/api/v4` (or `url: $CI_API_V4_URL`)",
                    ));
                    None
                }
            };
            let location = match api {
                "gitlab_artifact" => {
                    let a = self.gitlab_artifact.clone()?;
                    let at = "/gitlab_artifact";
                    match (&a.job_id, &a.git_ref, &a.job) {
                        (Some(_), None, None) | (None, Some(_), Some(_)) => {}
                        (Some(_), _, _) => problems.push(Problem::new(
                            at,
                            "give either `job_id` or `ref` + `job`, not both",
                        )),
                        (None, _, _) => problems.push(Problem::help(
                            at,
                            "which job's artifacts? `ref` and `job` are both needed without `job_id`",
                            "add `ref: main` and `job: test` (the latest successful pipeline of `main`), or `job_id: ...`",
                        )),
                    }
                    if a.path.trim().is_empty() {
                        problems.push(Problem::new(&format!("{at}/path"), "`path` is empty"));
                    }
                    gitlab_api(problems).map(|api| Location::GitlabArtifact { api, artifact: a })
                }
                "gitlab_test_report" => {
                    let t = self.gitlab_test_report.clone()?;
                    if t.pipeline.is_some() == t.sha.is_some() {
                        problems.push(Problem::help(
                            "/gitlab_test_report",
                            "give exactly one of `pipeline` and `sha`",
                            "`pipeline: $CI_PIPELINE_ID` reads this pipeline's test report",
                        ));
                    }
                    if !matches!(
                        kind,
                        None | Some(SourceKind::Report(None | Some(Format::GitlabTestReport)))
                    ) {
                        problems.push(Problem::new(
                            "/kind",
                            format!(
                                "`gitlab_test_report` is read as `gitlab-test-report`, not `{}`",
                                self.kind.as_deref().unwrap_or("")
                            ),
                        ));
                    }
                    gitlab_api(problems).map(|api| Location::GitlabTestReport { api, report: t })
                }
                _ => {
                    let g = self.github_artifact.clone()?;
                    let parts: Vec<&str> = g.repo.split('/').collect();
                    if parts.len() != 2 || parts.iter().any(|p| p.trim().is_empty()) {
                        problems.push(Problem::new(
                            "/github_artifact/repo",
                            format!("`{}` is not `owner/name`", g.repo),
                        ));
                    }
                    if let Some(p) = &g.path
                        && let Err(e) = globset::Glob::new(p)
                    {
                        problems.push(Problem::new(
                            "/github_artifact/path",
                            format!("invalid glob `{p}`: {e}"),
                        ));
                    }
                    Some(Location::GithubArtifact {
                        api: self.url.clone().unwrap_or_else(|| GITHUB_API.to_string()),
                        artifact: g,
                    })
                }
            };
            return location.filter(|_| problems.len() == before);
        }
        match (has_files, &self.url) {
            (true, Some(_)) => {
                problems.push(Problem::new(
                    "",
                    "a source reads either files (`path`/`paths`) or a `url`, not both",
                ));
                None
            }
            (false, None) => {
                problems.push(Problem::help(
                    "",
                    "this source has no location",
                    "add `path: reports/junit.xml` (a file or glob) or `url: https://...`",
                ));
                None
            }
            (false, Some(url)) => (problems.len() == before).then(|| Location::Url(url.clone())),
            (true, None) => {
                for (i, p) in patterns.iter().enumerate() {
                    if p.trim().is_empty() {
                        problems.push(Problem::new(
                            &if self.path.is_some() && i == 0 {
                                "/path".to_string()
                            } else {
                                format!("/paths/{}", i - usize::from(self.path.is_some()))
                            },
                            "an empty path",
                        ));
                    }
                }
                (problems.len() == before).then_some(Location::Files(patterns))
            }
        }
    }
}

fn reqwest_header_name_ok(name: &str) -> Result<(), ()> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if ok { Ok(()) } else { Err(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: serde_json::Value) -> SourceSpec {
        serde_json::from_value(yaml).unwrap()
    }

    fn problems(yaml: serde_json::Value) -> Vec<String> {
        spec(yaml)
            .into_source("s")
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn files_urls_endpoints_and_apis_become_typed_sources() {
        let s = spec(serde_json::json!({"kind": "junit", "path": "a.xml", "paths": ["b/*.xml"], "max_age": "24h"}))
            .into_source("tests")
            .unwrap();
        assert_eq!(s.kind, SourceKind::Report(Some(Format::Junit)));
        assert_eq!(
            s.location,
            Location::Files(vec!["a.xml".into(), "b/*.xml".into()])
        );
        assert_eq!(s.max_age, Some(Duration::from_secs(86_400)));

        let s =
            spec(serde_json::json!({"kind": "prometheus", "url": "$PROM_URL", "timeout": "5s"}))
                .into_source("prom")
                .unwrap();
        assert_eq!(s.kind, SourceKind::Endpoint(EndpointKind::Prometheus));
        assert_eq!(s.location, Location::Url("$PROM_URL".into()));
        assert_eq!(s.access.timeout, Some(Duration::from_secs(5)));

        let s = spec(serde_json::json!({"github_artifact": {"repo": "o/r", "run_id": "1", "name": "reports"}}))
            .into_source("gh")
            .unwrap();
        assert!(
            matches!(s.location, Location::GithubArtifact { ref api, .. } if api == GITHUB_API)
        );
        assert_eq!(s.kind, SourceKind::Report(None));
    }

    #[test]
    fn every_problem_is_named_with_where_it_is() {
        assert_eq!(
            problems(serde_json::json!({"kind": "junti", "path": "a.xml"})),
            vec!["kind: unknown source kind `junti` (did you mean `junit`?)"]
        );
        assert_eq!(
            problems(serde_json::json!({"kind": "prometheus"})),
            vec![
                "a `prometheus` source needs the `url` of its API (add `url: https://...`, the server's base URL)"
            ]
        );
        let p = problems(serde_json::json!({"path": "a", "url": "ftp://x"}));
        assert!(
            p.iter()
                .any(|m| m.starts_with("url: `ftp://x` is not an http(s) URL")),
            "{p:?}"
        );
        assert!(p.iter().any(|m| m.contains("either files")), "{p:?}");
        assert!(
            problems(serde_json::json!({}))
                .iter()
                .any(|m| m.contains("no location"))
        );
        let p = problems(serde_json::json!({
            "url": "https://gl/api/v4",
            "gitlab_artifact": {"project": "g/a", "path": "x", "job_id": "1", "ref": "main"},
            "gitlab_test_report": {"project": "g/a", "pipeline": "1"}
        }));
        assert!(
            p.iter()
                .any(|m| m.starts_with("gitlab_test_report: a source reads one API location")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|m| m.contains("either `job_id` or `ref` + `job`")),
            "{p:?}"
        );
        let p =
            problems(serde_json::json!({"url": "https://x", "headers": {"PRIVATE-TOKEN": "abc"}}));
        assert!(p[0].contains("carries a secret"), "{p:?}");
    }

    #[test]
    fn durations_are_refused_when_the_file_is_read() {
        let e = serde_json::from_value::<SourceSpec>(
            serde_json::json!({"path": "a", "max_age": "1 day"}),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("unknown duration unit `day`"), "{e}");
    }
}
