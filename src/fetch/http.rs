//! The shared HTTP client: rustls, credentials from the environment, per-request timeout,
//! retries with exponential backoff and jitter, and a body size cap.
//!
//! Retries happen on connection errors, timeouts, 429 (honouring `Retry-After`) and 5xx; never
//! on other 4xx, which a retry cannot fix. Secrets never reach a log line or an error: URLs are
//! shown without user info or query values, and header values are never formatted.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::FetchOptions;
use crate::config::{AuthSpec, SourceSpec};
use crate::evidence::{Missing, MissingReason};

const MAX_ATTEMPTS: u32 = 4;
const BASE_BACKOFF: Duration = Duration::from_millis(250);
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Client {
    inner: reqwest::Client,
    timeout: Duration,
    max_body: u64,
}

impl Client {
    pub fn new(options: &FetchOptions) -> Client {
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("gonogo/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::limited(5));
        if let Some(bundle) =
            std::env::var_os("GONOGO_CA_BUNDLE").or_else(|| std::env::var_os("CA_BUNDLE"))
        {
            match std::fs::read(&bundle).map(|pem| reqwest::Certificate::from_pem_bundle(&pem)) {
                Ok(Ok(certs)) => {
                    for cert in certs {
                        builder = builder.add_root_certificate(cert);
                    }
                }
                Ok(Err(e)) => tracing::warn!("CA bundle {}: {e}", bundle.to_string_lossy()),
                Err(e) => tracing::warn!("cannot read CA bundle {}: {e}", bundle.to_string_lossy()),
            }
        }
        let inner = builder.build().unwrap_or_else(|e| {
            tracing::warn!("HTTP client setup failed ({e}); using defaults");
            reqwest::Client::new()
        });
        Client {
            inner,
            timeout: options.request_timeout,
            max_body: options.max_body_bytes,
        }
    }

    /// GET `url` with the source's auth and headers; the body, or why not.
    pub async fn get_bytes(&self, url: &str, spec: &SourceSpec) -> Result<Vec<u8>, Missing> {
        let shown = redact_url(url);
        let headers = headers(spec)
            .map_err(|e| Missing::new(MissingReason::Unreachable, format!("{shown}: {e}")))?;
        let timeout = spec
            .timeout
            .as_deref()
            .and_then(|t| crate::config::parse_duration(t).ok())
            .unwrap_or(self.timeout);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self
                .inner
                .get(url)
                .headers(headers.clone())
                .timeout(timeout)
                .send()
                .await;
            let retry_after = match result {
                Ok(resp) if resp.status().is_success() => return self.body(resp, &shown).await,
                Ok(resp) => {
                    let status = resp.status();
                    let retryable =
                        status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
                    if !retryable || attempt >= MAX_ATTEMPTS {
                        return Err(status_error(&shown, status, attempt));
                    }
                    retry_after(resp.headers())
                }
                Err(e) => {
                    let retryable = e.is_connect() || e.is_timeout() || e.is_request();
                    if !retryable || attempt >= MAX_ATTEMPTS {
                        return Err(Missing::new(
                            MissingReason::Unreachable,
                            format!(
                                "{shown}: {} (after {attempt} attempt{})",
                                describe(&e),
                                if attempt == 1 { "" } else { "s" }
                            ),
                        ));
                    }
                    None
                }
            };
            let wait = retry_after.unwrap_or_else(|| backoff(attempt));
            tracing::debug!("retrying {shown} in {wait:?} (attempt {attempt})");
            tokio::time::sleep(wait).await;
        }
    }

    async fn body(&self, mut resp: reqwest::Response, shown: &str) -> Result<Vec<u8>, Missing> {
        if resp.content_length().is_some_and(|n| n > self.max_body) {
            return Err(too_large(shown, self.max_body));
        }
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() as u64 + chunk.len() as u64 > self.max_body {
                        return Err(too_large(shown, self.max_body));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(body),
                Err(e) => {
                    return Err(Missing::new(
                        MissingReason::Unreachable,
                        format!("{shown}: body interrupted: {}", describe(&e)),
                    ));
                }
            }
        }
    }
}

fn too_large(shown: &str, max: u64) -> Missing {
    Missing::new(
        MissingReason::Unreadable,
        format!("{shown}: response larger than {} MiB", max / (1024 * 1024)),
    )
}

fn status_error(shown: &str, status: StatusCode, attempt: u32) -> Missing {
    let hint = match status.as_u16() {
        401 => " (authentication failed: check the token variable named in `auth`)",
        403 => " (forbidden: the token lacks permission)",
        404 => " (not found: check the URL and project/branch names)",
        _ => "",
    };
    let tries = if attempt > 1 {
        format!(" after {attempt} attempts")
    } else {
        String::new()
    };
    Missing::new(
        MissingReason::Unreachable,
        format!("{shown}: HTTP {status}{hint}{tries}"),
    )
}

/// Error text without the URL (reqwest's Display includes it, query string and all).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_redirect() {
        "too many redirects"
    } else if e.is_body() || e.is_decode() {
        "invalid response body"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {detail}")
    }
}

fn backoff(attempt: u32) -> Duration {
    let base = BASE_BACKOFF * 2u32.saturating_pow(attempt.saturating_sub(1));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let jitter = Duration::from_millis(u64::from(nanos % 100));
    base + jitter
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    let secs: u64 = v.trim().parse().ok()?;
    Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER))
}

fn env_secret(var: &str) -> Result<String, String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Ok(v),
        _ => Err(format!(
            "environment variable {var} (named in `auth`) is not set"
        )),
    }
}

fn headers(spec: &SourceSpec) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    for (k, v) in &spec.headers {
        let name = HeaderName::from_bytes(k.as_bytes())
            .map_err(|_| format!("invalid header name `{k}`"))?;
        let value =
            HeaderValue::from_str(v).map_err(|_| format!("invalid value for header `{k}`"))?;
        map.insert(name, value);
    }
    match &spec.auth {
        None => {}
        Some(AuthSpec::BearerEnv(var)) => {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", env_secret(var)?))
                .map_err(|_| format!("{var} holds characters not allowed in a header"))?;
            value.set_sensitive(true);
            map.insert(reqwest::header::AUTHORIZATION, value);
        }
        Some(AuthSpec::Basic {
            username_env,
            password_env,
        }) => {
            use std::io::Write as _;
            let user = env_secret(username_env)?;
            let pass = env_secret(password_env)?;
            let mut raw = Vec::new();
            let _ = write!(raw, "{user}:{pass}");
            let mut value = HeaderValue::from_str(&format!("Basic {}", base64(&raw)))
                .map_err(|_| "credentials hold characters not allowed in a header".to_string())?;
            value.set_sensitive(true);
            map.insert(reqwest::header::AUTHORIZATION, value);
        }
        Some(AuthSpec::Header { name, value_env }) => {
            let hn = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("invalid header name `{name}`"))?;
            let mut value = HeaderValue::from_str(&env_secret(value_env)?)
                .map_err(|_| format!("{value_env} holds characters not allowed in a header"))?;
            value.set_sensitive(true);
            map.insert(hn, value);
        }
    }
    Ok(map)
}

fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A URL fit for logs and verdicts: no user info, query values replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = reqwest::Url::parse(url) else {
        return "<invalid URL>".into();
    };
    let _ = parsed.set_username("");
    let _ = parsed.set_password(None);
    if parsed.query().is_some() {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let secret = ["token", "key", "secret", "password", "auth", "sig"]
                    .iter()
                    .any(|s| k.to_ascii_lowercase().contains(s));
                (
                    k.into_owned(),
                    if secret {
                        "***".to_string()
                    } else {
                        v.into_owned()
                    },
                )
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_secrets() {
        assert_eq!(
            redact_url("https://user:pw@example.test/a?private_token=abc&ref=main"),
            "https://example.test/a?private_token=***&ref=main"
        );
    }

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
    }
}
