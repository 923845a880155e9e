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
    /// Expands `${env:NAME}` in `url` (CI systems hand out URLs as variables:
    /// `url: ${env:CI_ENVIRONMENT_URL}`). Done at fetch time, so `gonogo validate` works on a
    /// laptop without them; an unset variable makes the source's rules inconclusive.
    pub fn with_env_expanded(mut self) -> Result<SourceSpec, crate::evidence::Missing> {
        if let Some(url) = &self.url {
            self.url = Some(expand_env(url)?);
        }
        Ok(self)
    }

    /// Every location, in order: `path`, then `paths`.
    pub fn patterns(&self) -> Vec<String> {
        self.path.iter().chain(self.paths.iter()).cloned().collect()
    }

    pub fn validate(&self, pointer: &str, doc: &Doc<'_>, diags: &mut Diagnostics) {
        let has_files = self.path.is_some() || !self.paths.is_empty();
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
                    || url.starts_with("${env:"))
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
                && let Err(e) = super::parse_duration(v)
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

/// `${env:NAME}` → the variable's value; other text is kept.
fn expand_env(text: &str) -> Result<String, crate::evidence::Missing> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${env:") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 6..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let name = &after[..end];
        match std::env::var(name) {
            Ok(v) if !v.is_empty() => out.push_str(&v),
            _ => {
                return Err(crate::evidence::Missing::new(
                    crate::evidence::MissingReason::NotConfigured,
                    format!(
                        "the source URL needs the environment variable {name}, which is not set"
                    ),
                ));
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_references_expand_or_make_the_source_missing() {
        // SAFETY: tests in this module are the only users of this variable.
        unsafe { std::env::set_var("GONOGO_TEST_BASE_URL", "http://127.0.0.1:9") };
        assert_eq!(
            expand_env("${env:GONOGO_TEST_BASE_URL}/api").unwrap(),
            "http://127.0.0.1:9/api"
        );
        assert_eq!(expand_env("http://plain").unwrap(), "http://plain");
        let err = expand_env("${env:GONOGO_TEST_SURELY_UNSET}").unwrap_err();
        assert!(err.detail.contains("GONOGO_TEST_SURELY_UNSET"));
    }
}
