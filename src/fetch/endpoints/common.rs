//! What the SaaS endpoint modules share: `$VARIABLE` expansion in request fields, URL building
//! with proper segment encoding, JSON decoding whose errors carry a position, and parsing of
//! report bodies fetched from an API through the ordinary format detection.
//!
//! Requests stay canonical JSON *before* expansion (`sha: $CI_COMMIT_SHA`), so equal rules are
//! still fetched once; the environment is read here, at fetch time, the only place that does IO.
//! Variables whose names look like secrets are refused: a token must never end up in a URL, an
//! error message or the verdict.

use serde::de::DeserializeOwned;

use crate::config::{Access, Source};
use crate::evidence::{Evidence, Missing, MissingReason};
use crate::fetch::client::{Client, redact_url};
pub(super) use crate::fetch::client::{api_url, api_url_with_path};
use crate::fetch::files;
use crate::model::InputRecord;
use crate::parse::format::Format;

const SECRET_WORDS: &[&str] = &[
    "TOKEN",
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "CREDENTIAL",
    "API_KEY",
    "PRIVATE",
];

/// Expands `$NAME` and `${NAME}` from the environment; `$$` is a literal `$`.
pub(super) fn expand(value: &str, field: &str) -> Result<String, Missing> {
    expand_with(value, field, &|name| std::env::var(name).ok())
}

fn expand_with(
    value: &str,
    field: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, Missing> {
    if !value.contains('$') {
        return Ok(value.to_string());
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        let (name, tail) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], &braced[end + 1..]),
                None => {
                    return Err(Missing::new(
                        MissingReason::NotConfigured,
                        format!("`{field}`: `${{` without a closing `}}` in `{value}`"),
                    ));
                }
            }
        } else {
            let len = after
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            (&after[..len], &after[len..])
        };
        let valid = !name.is_empty()
            && !name.as_bytes()[0].is_ascii_digit()
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid {
            return Err(Missing::new(
                MissingReason::NotConfigured,
                format!(
                    "`{field}`: `$` must be followed by a variable name in `{value}` (write `$$` for a literal `$`)"
                ),
            ));
        }
        let upper = name.to_ascii_uppercase();
        if SECRET_WORDS.iter().any(|w| upper.contains(w)) {
            return Err(Missing::new(
                MissingReason::NotConfigured,
                format!(
                    "`{field}` names the variable {name}, which looks like a secret; secrets go in `auth`, never in a URL or a request"
                ),
            ));
        }
        match lookup(name) {
            Some(v) if !v.is_empty() => out.push_str(&v),
            _ => {
                return Err(Missing::new(
                    MissingReason::NotConfigured,
                    format!("`{field}` uses the environment variable {name}, which is not set"),
                ));
            }
        }
        rest = tail;
    }
    out.push_str(rest);
    Ok(out)
}

/// Expands an optional field.
pub(super) fn expand_opt(value: Option<&str>, field: &str) -> Result<Option<String>, Missing> {
    value.map(|v| expand(v, field)).transpose()
}

/// The source's `url` as written (already expanded by fetch), or why an endpoint cannot be
/// asked without one.
pub(super) fn raw_url<'a>(source: &str, spec: &'a Source) -> Result<&'a str, Missing> {
    spec.location.url().ok_or_else(|| {
        let kind = spec
            .kind
            .id()
            .map(|k| format!(" ({k})"))
            .unwrap_or_default();
        Missing::new(
            MissingReason::NotConfigured,
            format!("source `{source}`{kind} has no `url`"),
        )
    })
}

/// The source's API base URL, parsed: http(s) only.
pub(super) fn base_url(source: &str, spec: &Source) -> Result<reqwest::Url, Missing> {
    let raw = raw_url(source, spec)?;
    let url = reqwest::Url::parse(raw).map_err(|e| {
        Missing::new(
            MissingReason::NotConfigured,
            format!("source `{source}`: `url` is not a valid URL ({e})"),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Missing::new(
            MissingReason::NotConfigured,
            format!("source `{source}`: `url` must be http(s)"),
        ));
    }
    Ok(url)
}

/// Adds what the request is about in front of a fetch failure.
pub(super) fn context(what: &str) -> impl FnOnce(Missing) -> Missing + '_ {
    move |m| Missing::new(m.reason, format!("{what}: {}", m.detail))
}

/// GET and decode JSON; a body that is not the expected JSON is a parse error with its position.
pub(super) async fn get_json<T: DeserializeOwned>(
    client: &Client,
    url: &reqwest::Url,
    access: &Access,
    what: &str,
) -> Result<T, Missing> {
    let body = client
        .get_bytes(url.as_str(), access)
        .await
        .map_err(context(what))?;
    decode(&body, url.as_str(), what)
}

pub(super) fn decode<T: DeserializeOwned>(
    body: &[u8],
    url: &str,
    what: &str,
) -> Result<T, Missing> {
    serde_json::from_slice(body).map_err(|e| {
        let kind = if e.is_syntax() || e.is_eof() {
            "invalid JSON"
        } else {
            "unexpected JSON"
        };
        Missing::new(
            MissingReason::ParseError,
            format!(
                "{what}: {} answered {kind} at line {} column {}: {}",
                redact_url(url),
                e.line(),
                e.column(),
                strip_position(&e.to_string())
            ),
        )
    })
}

fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |i| &message[..i])
}

/// Types a request sent to this source, or says which checks the source serves (`what`: "is a
/// Harbor registry; it answers `harbor-scan` checks only").
pub(super) fn request<T: DeserializeOwned>(
    source: &str,
    request: &str,
    what: &str,
) -> Result<T, Missing> {
    serde_json::from_str(request).map_err(|_| {
        Missing::new(
            MissingReason::WrongKind,
            format!("source `{source}` {what}"),
        )
    })
}

/// A number that SonarQube and others send either as a JSON number or as a string.
pub(super) fn number(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    }
}

/// Parses fetched report bodies (display name, bytes) and merges them into one evidence.
pub(super) fn parse_all(
    bodies: Vec<(String, Vec<u8>)>,
    format: Option<Format>,
) -> Result<(Evidence, Format, Vec<InputRecord>), Missing> {
    let mut merged: Option<(Evidence, Format)> = None;
    let mut records = Vec::with_capacity(bodies.len());
    for (display, body) in bodies {
        let (evidence, fmt, record) = files::parse_bytes(&display, &body, format)?;
        records.push(record);
        merged = Some(match merged {
            None => (evidence, fmt),
            Some((acc, first)) => (files::merge(acc, evidence, &display)?, first),
        });
    }
    match merged {
        Some((evidence, fmt)) => Ok((evidence, fmt, records)),
        None => Err(Missing::new(
            MissingReason::NotFound,
            "the API location held no report file",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "CI_COMMIT_SHA" => Some("abc123".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn expands_plain_and_braced_variables() {
        let e = |v: &str| expand_with(v, "sha", &env);
        assert_eq!(e("$CI_COMMIT_SHA").unwrap(), "abc123");
        assert_eq!(e("x-${CI_COMMIT_SHA}-y").unwrap(), "x-abc123-y");
        assert_eq!(e("cost $$5").unwrap(), "cost $5");
        assert_eq!(e("no variables").unwrap(), "no variables");
    }

    #[test]
    fn unset_empty_malformed_and_secret_variables_are_refused() {
        let e = |v: &str| expand_with(v, "sha", &env).unwrap_err().detail;
        assert!(e("$NOPE").contains("NOPE, which is not set"));
        assert!(e("$EMPTY").contains("not set"));
        assert!(e("${CI_COMMIT_SHA").contains("closing"));
        assert!(e("$ alone").contains("variable name"));
        assert!(e("$1").contains("variable name"));
        let secret = e("$GITLAB_TOKEN");
        assert!(secret.contains("looks like a secret"), "{secret}");
        assert!(e("${SONAR_PASSWORD}").contains("secret"));
    }

    #[test]
    fn segments_are_encoded_once_and_paths_keep_slashes() {
        let base = reqwest::Url::parse("https://gitlab.example/api/v4/").unwrap();
        let u = api_url(
            &base,
            &["projects", "group/app", "pipelines"],
            &[("sha", "a b")],
        );
        assert_eq!(
            u.as_str(),
            "https://gitlab.example/api/v4/projects/group%2Fapp/pipelines?sha=a+b"
        );
        let u = api_url_with_path(
            &base,
            &["projects", "7", "jobs", "artifacts", "feature/x", "raw"],
            "target/reports/TEST a.xml",
            &[("job", "unit tests")],
        );
        assert_eq!(
            u.as_str(),
            "https://gitlab.example/api/v4/projects/7/jobs/artifacts/feature%2Fx/raw/target/reports/TEST%20a.xml?job=unit+tests"
        );
    }

    #[test]
    fn json_errors_carry_line_and_column() {
        let err = decode::<serde_json::Value>(b"{\n  \"a\": [1,\n", "https://x.test/a", "thing")
            .unwrap_err();
        assert_eq!(err.reason, MissingReason::ParseError);
        assert!(err.detail.contains("line 3 column 0"), "{}", err.detail);
        assert!(
            err.detail
                .starts_with("thing: https://x.test/a answered invalid JSON")
        );
    }

    #[test]
    fn numbers_come_as_numbers_or_strings() {
        assert_eq!(number(&serde_json::json!("82.5")), Some(82.5));
        assert_eq!(number(&serde_json::json!(3)), Some(3.0));
        assert_eq!(number(&serde_json::json!("NaN")), None);
        assert_eq!(number(&serde_json::json!(null)), None);
    }
}
