//! A source: where one piece of evidence lives (files, a glob, or a URL) and how to read it.
//!
//! Credentials are never written in the file: `auth` names environment variables, whose values
//! are read at fetch time and never logged, printed or put in the verdict.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostics, Doc};

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
    pub max_age: Option<String>,
    /// Per-request timeout for URLs (`10s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
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

/// Which API location a source reads, if any.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ApiLocation<'a> {
    GitlabArtifact(&'a GitlabArtifact),
    GitlabTestReport(&'a GitlabTestReport),
    GithubArtifact(&'a GithubArtifact),
}

impl ApiLocation<'_> {
    pub fn key(self) -> &'static str {
        match self {
            ApiLocation::GitlabArtifact(_) => "gitlab_artifact",
            ApiLocation::GitlabTestReport(_) => "gitlab_test_report",
            ApiLocation::GithubArtifact(_) => "github_artifact",
        }
    }
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

impl SourceSpec {
    /// Expands `$VAR` / `${VAR}` in `url` from the environment (CI systems hand out URLs as
    /// variables: `url: ${CI_ENVIRONMENT_URL}`). Done at fetch time, so `gonogo validate` works
    /// on a laptop without them; an unset variable makes the source's rules inconclusive, and a
    /// name that looks like a secret is refused.
    pub fn with_env_expanded(mut self) -> Result<SourceSpec, crate::evidence::Missing> {
        if let Some(url) = &self.url {
            self.url = Some(crate::fetch::endpoints::expand_env(url, "url")?);
        }
        Ok(self)
    }

    /// Every location, in order: `path`, then `paths`.
    pub fn patterns(&self) -> Vec<String> {
        self.path.iter().chain(self.paths.iter()).cloned().collect()
    }

    /// The API locations this source names (at most one in a valid configuration).
    pub fn api_locations(&self) -> Vec<ApiLocation<'_>> {
        let mut out = Vec::new();
        if let Some(a) = &self.gitlab_artifact {
            out.push(ApiLocation::GitlabArtifact(a));
        }
        if let Some(t) = &self.gitlab_test_report {
            out.push(ApiLocation::GitlabTestReport(t));
        }
        if let Some(g) = &self.github_artifact {
            out.push(ApiLocation::GithubArtifact(g));
        }
        out
    }

    /// The API location this source reads, when it reads one.
    pub fn api_location(&self) -> Option<ApiLocation<'_>> {
        self.api_locations().into_iter().next()
    }

    pub fn validate(&self, pointer: &str, doc: &Doc<'_>, diags: &mut Diagnostics) {
        let has_files = self.path.is_some() || !self.paths.is_empty();
        let endpoint = self
            .kind
            .as_deref()
            .is_some_and(|k| crate::fetch::endpoints::KINDS.contains(&k));
        let apis = self.api_locations();
        if endpoint || !apis.is_empty() {
            self.validate_api(pointer, doc, diags, has_files, endpoint, &apis);
            self.validate_common(pointer, doc, diags);
            return;
        }
        match (has_files, &self.url) {
            (true, Some(_)) => doc.error_at(
                pointer,
                "a source reads either files (`path`/`paths`) or a `url`, not both",
                diags,
            ),
            (false, None) => doc.error_help_at(
                pointer,
                "this source has no location",
                "add `path: reports/junit.xml` (a file or glob) or `url: https://...`",
                diags,
            ),
            (false, Some(url)) => {
                if !(url.starts_with("http://")
                    || url.starts_with("https://")
                    || url.starts_with('$'))
                {
                    doc.error_at(
                        &format!("{pointer}/url"),
                        format!("`{url}` is not an http(s) URL"),
                        diags,
                    );
                }
            }
            (true, None) => {}
        }
        self.validate_common(pointer, doc, diags);
    }

    fn validate_api(
        &self,
        pointer: &str,
        doc: &Doc<'_>,
        diags: &mut Diagnostics,
        has_files: bool,
        endpoint: bool,
        apis: &[ApiLocation<'_>],
    ) {
        let kind = self.kind.as_deref().unwrap_or("");
        if endpoint && !apis.is_empty() {
            doc.error_help_at(
                &format!("{pointer}/{}", apis[0].key()),
                format!(
                    "a `{kind}` source answers checks; `{}` belongs on a report source",
                    apis[0].key()
                ),
                "define a second source with the report's `kind` (or none) for the report",
                diags,
            );
        }
        if apis.len() > 1 {
            doc.error_at(
                &format!("{pointer}/{}", apis[1].key()),
                format!(
                    "a source reads one API location: `{}` and `{}` are both set",
                    apis[0].key(),
                    apis[1].key()
                ),
                diags,
            );
        }
        if has_files {
            let what = if endpoint {
                format!("a `{kind}` source is an API (`url`)")
            } else {
                format!("this source reads `{}`", apis[0].key())
            };
            doc.error_at(
                pointer,
                format!("{what}; it takes no `path`/`paths`"),
                diags,
            );
        }
        let github = matches!(apis.first(), Some(ApiLocation::GithubArtifact(_)));
        match &self.url {
            None if endpoint => doc.error_help_at(
                pointer,
                format!("a `{kind}` source needs the `url` of its API"),
                match kind {
                    "gitlab" => {
                        "add `url: https://gitlab.example/api/v4` (or `url: $CI_API_V4_URL`)"
                    }
                    "github" => {
                        "add `url: https://api.github.com` (or your GitHub Enterprise API URL)"
                    }
                    _ => "add `url: https://...`, the server's base URL",
                },
                diags,
            ),
            None if !github => doc.error_help_at(
                pointer,
                format!("`{}` needs the GitLab API base in `url`", apis[0].key()),
                "add `url: https://gitlab.example/api/v4` (or `url: $CI_API_V4_URL`)",
                diags,
            ),
            Some(url)
                if !(url.starts_with("http://")
                    || url.starts_with("https://")
                    || url.starts_with('$')) =>
            {
                doc.error_at(
                    &format!("{pointer}/url"),
                    format!("`{url}` is not an http(s) URL (nor `$VARIABLE` naming one)"),
                    diags,
                );
            }
            _ => {}
        }
        match apis.first() {
            Some(ApiLocation::GitlabArtifact(a)) => {
                let at = format!("{pointer}/gitlab_artifact");
                match (&a.job_id, &a.git_ref, &a.job) {
                    (Some(_), None, None) | (None, Some(_), Some(_)) => {}
                    (Some(_), _, _) => doc.error_at(
                        &at,
                        "give either `job_id` or `ref` + `job`, not both",
                        diags,
                    ),
                    (None, _, _) => doc.error_help_at(
                        &at,
                        "which job's artifacts? `ref` and `job` are both needed without `job_id`",
                        "add `ref: main` and `job: test` (the latest successful pipeline of `main`), or `job_id: ...`",
                        diags,
                    ),
                }
                if a.path.trim().is_empty() {
                    doc.error_at(&format!("{at}/path"), "`path` is empty", diags);
                }
            }
            Some(ApiLocation::GitlabTestReport(t)) => {
                if t.pipeline.is_some() == t.sha.is_some() {
                    doc.error_help_at(
                        &format!("{pointer}/gitlab_test_report"),
                        "give exactly one of `pipeline` and `sha`",
                        "`pipeline: $CI_PIPELINE_ID` reads this pipeline's test report",
                        diags,
                    );
                }
                if !matches!(self.kind.as_deref(), None | Some("gitlab-test-report")) {
                    doc.error_at(
                        &format!("{pointer}/kind"),
                        format!(
                            "`gitlab_test_report` is read as `gitlab-test-report`, not `{kind}`"
                        ),
                        diags,
                    );
                }
            }
            Some(ApiLocation::GithubArtifact(g)) => {
                let parts: Vec<&str> = g.repo.split('/').collect();
                if parts.len() != 2 || parts.iter().any(|p| p.trim().is_empty()) {
                    doc.error_at(
                        &format!("{pointer}/github_artifact/repo"),
                        format!("`{}` is not `owner/name`", g.repo),
                        diags,
                    );
                }
                if let Some(p) = &g.path
                    && let Err(e) = globset::Glob::new(p)
                {
                    doc.error_at(
                        &format!("{pointer}/github_artifact/path"),
                        format!("invalid glob `{p}`: {e}"),
                        diags,
                    );
                }
            }
            None => {}
        }
    }

    fn validate_common(&self, pointer: &str, doc: &Doc<'_>, diags: &mut Diagnostics) {
        if let Some(kind) = &self.kind
            && !crate::fetch::is_known_kind(kind)
        {
            let known = crate::fetch::known_kinds();
            let help = match crate::diag::did_you_mean(kind, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known kinds: {}", known.join(", ")),
            };
            doc.error_help_at(
                &format!("{pointer}/kind"),
                format!("unknown source kind `{kind}`"),
                help,
                diags,
            );
        }
        for (key, field) in [("max_age", &self.max_age), ("timeout", &self.timeout)] {
            if let Some(v) = field
                && let Err(e) = crate::model::parse_duration(v)
            {
                doc.error_at(&format!("{pointer}/{key}"), e, diags);
            }
        }
        for name in self.headers.keys() {
            let lower = name.to_ascii_lowercase();
            if matches!(
                lower.as_str(),
                "authorization" | "private-token" | "job-token" | "cookie"
            ) {
                doc.error_help_at(
                    &format!("{pointer}/headers"),
                    format!("`{name}` carries a secret and must not be written in gonogo.yaml"),
                    "use `auth: {header: {name: ..., value_env: MY_TOKEN}}` so the value comes from the environment",
                    diags,
                );
            }
        }
    }
}
