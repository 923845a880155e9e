//! The shared HTTP client: rustls, credentials from the environment, per-request timeout,
//! retries with exponential backoff and jitter, manual redirects, and a body size cap.
//!
//! Retries happen on connection errors, timeouts, 429 (honouring `Retry-After`, in seconds or as
//! an HTTP date) and 5xx; never on other 4xx, which a retry cannot fix. Redirects are followed
//! here rather than by reqwest, because reqwest only strips its own list of sensitive headers on
//! a cross-origin hop: a `PRIVATE-TOKEN` header named in `auth` would follow a redirect to another
//! host. Every credential header is dropped when the origin changes.
//!
//! Proxies come from the usual variables (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`,
//! through reqwest's `system-proxy`); extra CA certificates from the PEM bundle named by
//! `GONOGO_CA_BUNDLE` (or `CA_BUNDLE`), added to the system roots.
//!
//! Secrets never reach a log line or an error: URLs are shown without user info or secret-looking
//! query values, header values are marked sensitive and never formatted, and reqwest's own error
//! text (which embeds the full URL) is replaced by the error's kind and innermost cause.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use super::FetchOptions;
use crate::config::{Access, AuthSpec};
use crate::evidence::{Missing, MissingReason};

const MAX_ATTEMPTS: u32 = 4;
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
const MAX_REDIRECTS: usize = 5;

#[derive(Clone)]
pub struct Client {
    /// `Err` when no TLS client could be built (no CA roots at all): every request then answers
    /// with that reason, so the rules are inconclusive instead of the run crashing.
    inner: Result<reqwest::Client, String>,
    timeout: Duration,
    max_body: u64,
    backoff: Duration,
    deadline: tokio::time::Instant,
    progress: std::sync::Arc<dyn super::Progress>,
}

/// What a request carries.
#[derive(Debug, Clone)]
pub enum Body {
    /// `application/x-www-form-urlencoded` (PromQL by POST).
    Form(Vec<(String, String)>),
    /// Bytes of the given content type (JSON to an API).
    Bytes {
        bytes: Vec<u8>,
        content_type: HeaderValue,
    },
}

/// One request: a method, a URL (the source's base joined with a path), query pairs, extra
/// non-secret headers, and a body.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Body>,
    /// The `Accept` header, when the endpoint negotiates.
    pub accept: Option<&'static str>,
    /// Headers that carry no secret (`X-GitHub-Api-Version`).
    pub headers: HeaderMap,
    /// A body cap tighter than the client's (a JSON listing), if any.
    pub max_body: Option<u64>,
    /// Safe to send twice although the method is not idempotent.
    pub repeatable: bool,
}

impl Request {
    pub fn new(method: Method, url: impl Into<String>) -> Request {
        Request {
            method,
            url: url.into(),
            query: Vec::new(),
            body: None,
            accept: None,
            headers: HeaderMap::new(),
            max_body: None,
            repeatable: false,
        }
    }

    pub fn get(url: impl Into<String>) -> Request {
        Request::new(Method::GET, url)
    }

    pub fn post_form(url: impl Into<String>, form: Vec<(String, String)>) -> Request {
        let mut r = Request::new(Method::POST, url);
        r.body = Some(Body::Form(form));
        r
    }

    /// `method` with a JSON body.
    pub fn json(method: Method, url: impl Into<String>, body: &serde_json::Value) -> Request {
        let mut r = Request::new(method, url);
        r.body = Some(Body::Bytes {
            bytes: serde_json::to_vec(body).unwrap_or_default(),
            content_type: HeaderValue::from_static("application/json"),
        });
        r
    }

    pub fn query(mut self, pairs: impl IntoIterator<Item = (String, String)>) -> Request {
        self.query.extend(pairs);
        self
    }

    pub fn accept(mut self, accept: &'static str) -> Request {
        self.accept = Some(accept);
        self
    }

    /// Marks a non-idempotent request as safe to repeat (setting a commit status), so it is
    /// retried like a GET.
    pub fn repeatable(mut self) -> Request {
        self.repeatable = true;
        self
    }

    /// Refuses answers larger than `bytes` (capped by the client's own limit anyway).
    pub fn max_body(mut self, bytes: u64) -> Request {
        self.max_body = Some(bytes);
        self
    }

    /// The URL as it may be shown: query values of secret-looking names replaced.
    pub fn shown(&self) -> String {
        match Url::parse(&self.url) {
            Ok(mut u) => {
                if !self.query.is_empty() {
                    u.query_pairs_mut().extend_pairs(&self.query);
                }
                redact_url(u.as_str())
            }
            Err(_) => redact_url(&self.url),
        }
    }

    /// Whether sending it twice does no more than sending it once. Only these are retried after
    /// the server may have seen them; a POST is retried only when it never left.
    fn idempotent(&self) -> bool {
        self.repeatable
            || matches!(
                self.method,
                Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
            )
            || (self.method == Method::POST && matches!(self.body, Some(Body::Form(_))))
    }
}

/// The credentials of one request: header values (marked sensitive, never formatted) and the
/// names of every header that carries one, all dropped when a redirect leaves the origin.
#[derive(Clone, Default)]
pub struct Credentials {
    headers: HeaderMap,
    names: Vec<HeaderName>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("headers", &self.names)
            .finish()
    }
}

impl Credentials {
    /// No credentials.
    pub fn none() -> Credentials {
        Credentials::default()
    }

    /// A header whose whole value is secret (`PRIVATE-TOKEN`, `JOB-TOKEN`, `Authorization`).
    pub fn header(name: &str, value: &str) -> Result<Credentials, String> {
        let mut c = Credentials::default();
        c.add(name, value)?;
        Ok(c)
    }

    fn add(&mut self, name: &str, value: &str) -> Result<(), String> {
        crate::secrets::register(value);
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("invalid header name `{name}`"))?;
        let mut value = HeaderValue::from_str(value).map_err(|_| {
            format!("the value for `{name}` holds characters not allowed in a header")
        })?;
        value.set_sensitive(true);
        self.headers.insert(name.clone(), value);
        self.names.push(name);
        Ok(())
    }

    /// The credentials a source's `auth` names, read from the environment now.
    pub fn from_access(access: &Access) -> Result<Credentials, String> {
        let mut c = Credentials::default();
        match &access.auth {
            None => {}
            Some(AuthSpec::BearerEnv(var)) => {
                c.add("authorization", &format!("Bearer {}", env_secret(var)?))?;
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
                c.add("authorization", &format!("Basic {}", base64(&raw)))?;
            }
            Some(AuthSpec::Header { name, value_env }) => {
                c.add(name, &env_secret(value_env)?)?;
            }
        }
        Ok(c)
    }
}

/// The final answer to a request, whatever its status.
#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,

    pub attempts: u32,
    /// The URL that answered (after redirects), redacted.
    pub shown: String,
}

impl Response {
    /// The media type without parameters, lower-cased (`application/json`).
    pub fn content_type(&self) -> Option<String> {
        let v = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)?
            .to_str()
            .ok()?;
        Some(
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase(),
        )
    }

    /// `Ok(self)` for a 2xx answer; the status as a `Missing` otherwise.
    pub fn success(self) -> Result<Response, Missing> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(status_error(&self.shown, self.status, self.attempts))
        }
    }
}

impl Client {
    pub fn new(options: &FetchOptions) -> Client {
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("gonogo/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none());
        if let Some(bundle) =
            std::env::var_os("GONOGO_CA_BUNDLE").or_else(|| std::env::var_os("CA_BUNDLE"))
        {
            match std::fs::read(&bundle).map(|pem| reqwest::Certificate::from_pem_bundle(&pem)) {
                Ok(Ok(certs)) => builder = builder.tls_certs_merge(certs),
                Ok(Err(e)) => tracing::warn!("CA bundle {}: {e}", bundle.to_string_lossy()),
                Err(e) => tracing::warn!("cannot read CA bundle {}: {e}", bundle.to_string_lossy()),
            }
        }
        let inner = builder.build().map_err(|e| {
            let why = format!(
                "the HTTP client could not start ({e}); provide CA certificates with GONOGO_CA_BUNDLE"
            );
            tracing::warn!("{why}");
            why
        });
        Client {
            inner,
            timeout: options.request_timeout,
            max_body: options.max_body_bytes,
            backoff: options.backoff,
            progress: options.progress.clone(),
            deadline: tokio::time::Instant::now() + options.deadline,
        }
    }

    /// Where long-running work (sampling) reports how far it got.
    pub fn progress(&self) -> &dyn super::Progress {
        self.progress.as_ref()
    }

    /// When the overall fetch deadline passes; long-running work (sampling) stops before it.
    pub fn deadline(&self) -> tokio::time::Instant {
        self.deadline
    }

    /// GET `url` with the source's auth and headers; the body of a 2xx answer, or why not.
    pub async fn get_bytes(&self, url: &str, access: &Access) -> Result<Vec<u8>, Missing> {
        Ok(self.send(&Request::get(url), access).await?.success()?.body)
    }

    /// Sends `request` with the source's auth, headers and timeout, retrying what a retry can
    /// fix and following up to five redirects. Any final status is returned (callers that want
    /// only 2xx call [`Response::success`]); transport failures and oversized bodies are `Missing`.
    pub async fn send(&self, request: &Request, access: &Access) -> Result<Response, Missing> {
        let shown = request.shown();
        let credentials = Credentials::from_access(access)
            .map_err(|e| Missing::new(MissingReason::NotConfigured, format!("{shown}: {e}")))?;
        let mut request = request.clone();
        for (k, v) in &access.headers {
            let name = HeaderName::from_bytes(k.as_bytes()).map_err(|_| {
                Missing::new(
                    MissingReason::NotConfigured,
                    format!("{shown}: invalid header name `{k}`"),
                )
            })?;
            let value = HeaderValue::from_str(v).map_err(|_| {
                Missing::new(
                    MissingReason::NotConfigured,
                    format!("{shown}: invalid value for header `{k}`"),
                )
            })?;
            request.headers.insert(name, value);
        }
        self.execute(&request, &credentials, access.timeout).await
    }

    /// [`Client::send`] with credentials given rather than read from a source's `auth`: the
    /// one path every request takes, whoever sends it (fetch, publish, the GitHub API layer).
    pub async fn execute(
        &self,
        request: &Request,
        credentials: &Credentials,
        timeout: Option<Duration>,
    ) -> Result<Response, Missing> {
        let mut shown = request.shown();
        let mut headers = request.headers.clone();
        for name in &credentials.names {
            headers.remove(name);
        }
        headers.extend(credentials.headers.clone());
        let secret_names: Vec<HeaderName> = [
            reqwest::header::AUTHORIZATION,
            reqwest::header::COOKIE,
            reqwest::header::PROXY_AUTHORIZATION,
        ]
        .into_iter()
        .chain(credentials.names.iter().cloned())
        .collect();
        if let Some(accept) = request.accept {
            headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static(accept));
        }
        let timeout = timeout.unwrap_or(self.timeout);
        let mut url = Url::parse(&request.url).map_err(|_| {
            Missing::new(
                MissingReason::Unreachable,
                format!("{shown}: not a valid URL"),
            )
        })?;
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        if let Some(p) = url.password() {
            crate::secrets::register(p);
        }
        for (k, v) in url.query_pairs() {
            if CREDENTIAL_QUERY_KEYS.contains(&k.to_ascii_lowercase().as_str()) {
                crate::secrets::register(&v);
            }
        }
        let idempotent = request.idempotent();
        let cap = request
            .max_body
            .map_or(self.max_body, |m| m.min(self.max_body));
        let mut method = request.method.clone();
        let mut body = request.body.clone();
        let mut redirects = 0;
        let mut attempt = 0;
        let inner = self
            .inner
            .as_ref()
            .map_err(|why| Missing::new(MissingReason::Unreachable, why.clone()))?;
        loop {
            attempt += 1;
            let mut builder = inner
                .request(method.clone(), url.clone())
                .headers(headers.clone())
                .timeout(timeout);
            match &body {
                None => {}
                Some(Body::Form(pairs)) => builder = builder.form(pairs),
                Some(Body::Bytes {
                    bytes,
                    content_type,
                }) => {
                    let bytes = match std::str::from_utf8(bytes) {
                        Ok(text) => crate::secrets::scrub(text).into_owned().into_bytes(),
                        Err(_) => bytes.clone(),
                    };
                    builder = builder
                        .header(reqwest::header::CONTENT_TYPE, content_type.clone())
                        .body(bytes);
                }
            }
            let result = builder.send().await;
            let wait = match result {
                Ok(resp) if resp.status().is_redirection() => {
                    let status = resp.status();
                    let Some(next) = location(&resp, &url) else {
                        return self.finish(resp, &shown, attempt, cap).await;
                    };
                    redirects += 1;
                    if redirects > MAX_REDIRECTS {
                        return Err(Missing::new(
                            MissingReason::Unreachable,
                            format!("{shown}: more than {MAX_REDIRECTS} redirects"),
                        ));
                    }
                    if next.origin() != url.origin() {
                        for name in &secret_names {
                            headers.remove(name);
                        }
                    }
                    if status == StatusCode::SEE_OTHER
                        || (method == Method::POST
                            && matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND))
                    {
                        method = Method::GET;
                        body = None;
                    }
                    tracing::debug!(
                        "{shown}: HTTP {status}, redirected to {}",
                        redact_url(next.as_str())
                    );
                    url = next;
                    shown = redact_url(url.as_str());
                    attempt = 0;
                    continue;
                }
                Ok(resp) => {
                    let status = resp.status();
                    let retryable = status == StatusCode::TOO_MANY_REQUESTS
                        || (idempotent && status.is_server_error());
                    if !retryable || attempt >= MAX_ATTEMPTS {
                        return self.finish(resp, &shown, attempt, cap).await;
                    }
                    match retry_after(resp.headers()) {
                        Some(wait) if wait > MAX_RETRY_AFTER => {
                            return Err(Missing::new(
                                MissingReason::Unreachable,
                                format!(
                                    "{shown}: HTTP {status}, and the server asks to retry after {}s (more than gonogo waits)",
                                    wait.as_secs()
                                ),
                            ));
                        }
                        Some(wait) => wait,
                        None => backoff(self.backoff, attempt),
                    }
                }
                Err(e) => {
                    // `is_request`: the connection dropped before an answer (a reset, a pooled
                    // connection the server closed), which only an idempotent request survives.
                    let retryable =
                        e.is_connect() || (idempotent && (e.is_timeout() || e.is_request()));
                    if !retryable || attempt >= MAX_ATTEMPTS {
                        return Err(Missing::new(
                            MissingReason::Unreachable,
                            format!("{shown}: {}{}", describe(&e, timeout), attempts(attempt)),
                        ));
                    }
                    backoff(self.backoff, attempt)
                }
            };
            if tokio::time::Instant::now() + wait >= self.deadline {
                return Err(Missing::new(
                    MissingReason::Timeout,
                    format!(
                        "{shown}: no usable answer before the overall deadline{}",
                        attempts(attempt)
                    ),
                ));
            }
            tracing::debug!("retrying {shown} in {wait:?} (attempt {attempt})");
            tokio::time::sleep(wait).await;
        }
    }

    async fn finish(
        &self,
        resp: reqwest::Response,
        shown: &str,
        attempt: u32,
        cap: u64,
    ) -> Result<Response, Missing> {
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = self.body(resp, shown, cap).await?;
        Ok(Response {
            status,
            headers,
            body,
            attempts: attempt,
            shown: shown.to_string(),
        })
    }

    async fn body(
        &self,
        mut resp: reqwest::Response,
        shown: &str,
        cap: u64,
    ) -> Result<Vec<u8>, Missing> {
        if resp.content_length().is_some_and(|n| n > cap) {
            return Err(too_large(shown, cap));
        }
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() as u64 + chunk.len() as u64 > cap {
                        return Err(too_large(shown, cap));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(body),
                Err(e) => {
                    return Err(Missing::new(
                        MissingReason::Unreachable,
                        format!("{shown}: body interrupted: {}", describe(&e, self.timeout)),
                    ));
                }
            }
        }
    }
}

fn location(resp: &reqwest::Response, base: &Url) -> Option<Url> {
    let raw = resp
        .headers()
        .get(reqwest::header::LOCATION)?
        .to_str()
        .ok()?;
    let next = base.join(raw).ok()?;
    matches!(next.scheme(), "http" | "https").then_some(next)
}

fn attempts(n: u32) -> String {
    if n > 1 {
        format!(" (after {n} attempts)")
    } else {
        String::new()
    }
}

fn too_large(shown: &str, max: u64) -> Missing {
    let size = if max >= 1024 * 1024 {
        format!("{} MiB", max / (1024 * 1024))
    } else {
        format!("{max} bytes")
    };
    Missing::new(
        MissingReason::Unreadable,
        format!("{shown}: response larger than {size}"),
    )
}

fn status_error(shown: &str, status: StatusCode, attempt: u32) -> Missing {
    let hint = match status.as_u16() {
        401 => " (authentication failed: check the token variable named in `auth`)",
        403 => " (forbidden: the token lacks permission)",
        404 => " (not found: check the URL and project/branch names)",
        429 => " (rate limited)",
        _ => "",
    };
    Missing::new(
        MissingReason::Unreachable,
        format!("{shown}: HTTP {status}{hint}{}", attempts(attempt)),
    )
}

/// Error text without the URL (reqwest's Display includes it, query string and all).
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    let kind = if e.is_timeout() {
        return format!("timed out after {}s", timeout.as_secs_f64());
    } else if e.is_connect() {
        "connection failed"
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

/// Exponential backoff with jitter: 250 ms, 500 ms, 1 s, ... each plus up to half of itself.
fn backoff(first: Duration, attempt: u32) -> Duration {
    let base = first * 2u32.saturating_pow(attempt.saturating_sub(1).min(8));
    let random = std::hash::RandomState::new().build_hasher().finish();
    let jitter_ms = random % (base.as_millis() as u64 / 2 + 1);
    base + Duration::from_millis(jitter_ms)
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(v).ok()?.timestamp();
    let secs = when.as_second() - jiff::Timestamp::now().as_second();
    Some(Duration::from_secs(secs.max(0) as u64))
}

fn env_secret(var: &str) -> Result<String, String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => {
            crate::secrets::register(&v);
            Ok(v)
        }
        _ => Err(format!(
            "environment variable {var} (named in `auth`) is not set"
        )),
    }
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

/// Joins a source's base URL and a path under it, keeping the base's own path
/// (`https://grafana/api/datasources/proxy/uid/x` + `/api/v1/query`).
pub fn join(base: &str, path: &str) -> String {
    let path = path.trim_start_matches('/');
    match base.split_once('?') {
        Some((b, q)) => format!("{}/{path}?{q}", b.trim_end_matches('/')),
        None => format!("{}/{path}", base.trim_end_matches('/')),
    }
}

/// `base` + path segments (each percent-encoded, so `group/app` stays one segment) + query.
pub fn api_url(base: &reqwest::Url, segments: &[&str], query: &[(&str, &str)]) -> reqwest::Url {
    let mut url = base.clone();
    url.set_query(None);
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty();
        for s in segments {
            path.push(s);
        }
    }
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    url
}

/// `base` + segments where the last one is a path that keeps its slashes (artifact paths).
pub fn api_url_with_path(
    base: &reqwest::Url,
    segments: &[&str],
    path: &str,
    query: &[(&str, &str)],
) -> reqwest::Url {
    let mut url = api_url(base, segments, &[]);
    if let Ok(mut p) = url.path_segments_mut() {
        for s in path.split('/').filter(|s| !s.is_empty()) {
            p.push(s);
        }
    }
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    url
}

/// Query parameters whose values are never shown: any key containing one of these,
/// case-insensitively (`access_token`, `X-Amz-Signature`, `client_secret`, `pwd`, `code`...).
const SECRET_QUERY_KEYS: &[&str] = &[
    "token",
    "secret",
    "key",
    "password",
    "passwd",
    "pwd",
    "pass",
    "code",
    "jwt",
    "sig",
    "signature",
    "auth",
    "session",
    "credential",
];

/// Query parameters that carry a credential for certain, whose values are kept out of
/// everything gonogo writes (the display list above is wider: a `componentKeys` value is hidden
/// in a URL, but is no secret to scrub from a report).
const CREDENTIAL_QUERY_KEYS: &[&str] = &[
    "token",
    "access_token",
    "private_token",
    "api_key",
    "apikey",
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "client_secret",
    "jwt",
    "sig",
    "signature",
    "x-amz-signature",
    "auth",
    "session",
];

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
                let lower = k.to_ascii_lowercase();
                let secret = SECRET_QUERY_KEYS.iter().any(|s| lower.contains(s));
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
    fn defect_10_every_secret_looking_query_value_is_redacted() {
        let shown = redact_url(
            "http://u:p@h/x?access_token=A&pwd=B&pass=C&code=D&jwt=E&Session_Id=F&X-Amz-Signature=G&client_credential=H&query=up",
        );
        for secret in ["=A", "=B", "=C", "=D", "=E", "=F", "=G", "=H", "u:p@"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("query=up"), "{shown}");
    }

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

    #[test]
    fn join_keeps_the_base_path() {
        assert_eq!(
            join("https://obs.example/api/metrics/v1/team/", "/api/v1/query"),
            "https://obs.example/api/metrics/v1/team/api/v1/query"
        );
        assert_eq!(
            join("http://127.0.0.1:9090", "api/v1/query"),
            "http://127.0.0.1:9090/api/v1/query"
        );
        assert_eq!(
            join("http://h/p?orgId=1", "api/v1/query"),
            "http://h/p/api/v1/query?orgId=1"
        );
    }

    #[test]
    fn backoff_grows_with_bounded_jitter() {
        for attempt in 1..=4 {
            let first = Duration::from_millis(250);
            let base = first * 2u32.pow(attempt - 1);
            let d = backoff(first, attempt);
            assert!(d >= base && d <= base + base / 2, "{attempt}: {d:?}");
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(120);
        let date = jiff::fmt::rfc2822::DateTimePrinter::new()
            .timestamp_to_rfc9110_string(&later)
            .unwrap();
        h.insert(
            reqwest::header::RETRY_AFTER,
            HeaderValue::from_str(&date).unwrap(),
        );
        let d = retry_after(&h).unwrap();
        assert!(
            d <= Duration::from_secs(120) && d >= Duration::from_secs(115),
            "{d:?}"
        );
        h.insert(
            reqwest::header::RETRY_AFTER,
            HeaderValue::from_static("soon"),
        );
        assert_eq!(retry_after(&h), None);
    }
}
