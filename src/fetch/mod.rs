//! Fetch: the only module that reads files and the network for evaluation.
//!
//! It resolves each [`Need`] of the plan, and only those, concurrently (capped), under one
//! overall deadline. Every failure becomes a [`Missing`] with its reason instead of an error,
//! so one unreachable endpoint makes its rules inconclusive without hiding the others. Every
//! input read is recorded (location, sha256, size, time) for the archived verdict.

pub mod client;
pub mod endpoints;
mod files;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::config::{Config, Location, Source, SourceKind};
use crate::evidence::{Evidence, Missing, MissingReason, ValueSet};
use crate::model::{EvidenceMap, InputRecord, Need, SampleJudge, SourceReport};

pub use files::{expand_globs, read_source_file};

/// Where long work says how far it got (a sampling wait, many files). The command layer decides
/// how it is shown, one redrawn line on a terminal or log lines in CI; fetch never writes to the
/// terminal itself.
pub trait Progress: Send + Sync {
    /// `task` advanced: `what` is its state now.
    fn step(&self, task: &str, what: &str);
    /// `task` is over.
    fn finish(&self, task: &str);
    /// `task` has done `done` of `total` units (files read): a bar on a terminal. By default,
    /// a step saying so.
    fn advance(&self, task: &str, done: u64, total: u64) {
        self.step(task, &format!("{done}/{total}"));
    }
}

/// A set of files this large shows its reading as progress; smaller ones are read too fast to
/// need it.
pub const PROGRESS_FILES: usize = 100;

/// Progress as `tracing` info lines (visible with `-v`): the default, and what CI logs get.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogProgress;

impl Progress for LogProgress {
    fn step(&self, task: &str, what: &str) {
        tracing::info!("{task}: {what}");
    }

    fn finish(&self, _task: &str) {}

    /// A log line at the start, at each tenth and at the end: CI logs keep a trace of a long
    /// read without a line per file.
    fn advance(&self, task: &str, done: u64, total: u64) {
        let tenth = (total / 10).max(1);
        if done == 0 || done == total || done.is_multiple_of(tenth) {
            tracing::info!("{task}: {done}/{total}");
        }
    }
}

/// Limits for one run.
#[derive(Clone)]
pub struct FetchOptions {
    /// Everything must arrive within this; what does not is `timeout`.
    pub deadline: Duration,
    /// Sources read at once.
    pub concurrency: usize,
    /// Default per-request timeout.
    pub request_timeout: Duration,
    /// Largest document (answers file, plan) read as text.
    pub max_document_bytes: u64,
    /// Largest HTTP body accepted.
    pub max_body_bytes: u64,
    /// The first wait before a retry; later ones double, with jitter.
    pub backoff: Duration,
    /// Where progress goes.
    pub progress: Arc<dyn Progress>,
    /// Render Helm charts found among manifests with `helm template`; off, a chart is
    /// `not configured` (the rule-case tests run no process).
    pub render_charts: bool,
}

impl std::fmt::Debug for FetchOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchOptions")
            .field("deadline", &self.deadline)
            .field("concurrency", &self.concurrency)
            .field("request_timeout", &self.request_timeout)
            .field("max_document_bytes", &self.max_document_bytes)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("backoff", &self.backoff)
            .field("render_charts", &self.render_charts)
            .finish_non_exhaustive()
    }
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            deadline: Duration::from_secs(300),
            concurrency: 32,
            request_timeout: Duration::from_secs(30),
            max_document_bytes: 16 * 1024 * 1024,
            max_body_bytes: 256 * 1024 * 1024,
            backoff: Duration::from_millis(250),
            progress: Arc::new(LogProgress),
            render_charts: true,
        }
    }
}

/// What fetching produced.
pub struct Fetched {
    pub evidence: EvidenceMap,
    pub sources: Vec<SourceReport>,
}

/// Resolves every need, concurrently, within the deadline. `judge` decides, for needs whose
/// request samples an endpoint, whether a sample meets the rule's sampling criteria.
pub async fn gather(
    needs: Vec<Need>,
    config: &Config,
    options: &FetchOptions,
    judge: Arc<SampleJudge>,
) -> Fetched {
    let semaphore = Arc::new(tokio::sync::Semaphore::new(options.concurrency.max(1)));
    let client = client::Client::new(options);
    let peers = Arc::new(config.sources.clone());
    let mut tasks = tokio::task::JoinSet::new();
    for need in needs.clone() {
        let sem = semaphore.clone();
        let root = config.root.clone();
        let spec = match &need {
            Need::Source(name) | Need::Query { source: name, .. } => {
                config.sources.get(name).cloned()
            }
            _ => None,
        };
        let options = options.clone();
        let client = client.clone();
        let judge = judge.clone();
        let peers = peers.clone();
        tasks.spawn(async move {
            let _permit = sem.acquire_owned().await;
            let started = std::time::Instant::now();
            let sample = |v: &ValueSet| judge(&need, v);
            let (result, report) = resolve(
                &need,
                spec.as_ref(),
                &root,
                &options,
                &client,
                &sample,
                &peers,
            )
            .await;
            match &result {
                Ok(e) => tracing::info!(
                    "{need}: {} evidence from {} input(s) in {:?}",
                    e.type_name(),
                    report.inputs.len(),
                    started.elapsed()
                ),
                Err(m) => tracing::info!("{need}: {m}"),
            }
            (need, result, report)
        });
    }

    let mut evidence = EvidenceMap::new();
    let mut reports = BTreeMap::new();
    let deadline = tokio::time::Instant::now() + options.deadline;
    loop {
        match tokio::time::timeout_at(deadline, tasks.join_next()).await {
            Ok(Some(Ok((need, result, report)))) => {
                evidence.insert(need.clone(), result);
                reports.insert(need, report);
            }
            Ok(Some(Err(join_error))) => {
                tracing::error!("a fetch task failed: {join_error}");
            }
            Ok(None) => break,
            Err(_) => {
                tasks.abort_all();
                break;
            }
        }
    }
    for need in needs {
        if let std::collections::btree_map::Entry::Vacant(slot) = evidence.entry(need.clone()) {
            let missing = Missing::new(
                MissingReason::Timeout,
                format!(
                    "{need} did not arrive within the overall deadline of {}s",
                    options.deadline.as_secs()
                ),
            );
            reports.insert(
                need.clone(),
                SourceReport {
                    need: need.clone(),
                    kind: None,
                    inputs: vec![],
                    error: Some(missing.to_string()),
                    skipped: None,
                },
            );
            slot.insert(Err(missing));
        }
    }
    Fetched {
        evidence,
        sources: reports.into_values().collect(),
    }
}

async fn resolve(
    need: &Need,
    spec: Option<&Source>,
    root: &Path,
    options: &FetchOptions,
    client: &client::Client,
    judge: endpoints::Judge<'_>,
    peers: &BTreeMap<String, Source>,
) -> (Result<Evidence, Missing>, SourceReport) {
    let mut report = SourceReport {
        need: need.clone(),
        kind: None,
        inputs: vec![],
        error: None,
        skipped: None,
    };
    let result = match need {
        Need::Files(patterns) => {
            let root = root.to_path_buf();
            let patterns = patterns.clone();
            blocking(move || files::list(&root, &patterns)).await
        }
        Need::Document(path) => {
            let root = root.to_path_buf();
            let path = path.clone();
            let max = options.max_document_bytes;
            match blocking(move || files::read_document(&root, &path, max)).await {
                Ok((doc, record)) => {
                    report.inputs.push(record);
                    Ok(doc)
                }
                Err(e) => Err(e),
            }
        }
        Need::Documents(patterns) => {
            let root = root.to_path_buf();
            let patterns = patterns.clone();
            let max = options.max_document_bytes;
            let progress = options.progress.clone();
            match blocking(move || files::read_documents(&root, &patterns, max, &*progress)).await {
                Ok((docs, records)) => {
                    report.inputs = records;
                    Ok(docs)
                }
                Err(e) => Err(e),
            }
        }
        Need::Manifests { patterns, values } => {
            let root = root.to_path_buf();
            let patterns = patterns.clone();
            let values = values.clone();
            let max = options.max_document_bytes;
            let helm = if options.render_charts {
                files::helm_binary()
            } else {
                None
            };
            let progress = options.progress.clone();
            match blocking(move || {
                files::read_manifests(&root, &patterns, &values, max, helm.as_deref(), &*progress)
            })
            .await
            {
                Ok((docs, records)) => {
                    report.inputs = records;
                    Ok(docs)
                }
                Err(e) => Err(e),
            }
        }
        Need::Query { source, request } => match spec {
            None => Err(Missing::new(
                MissingReason::NotConfigured,
                format!(
                    "no source `{source}` in gonogo.yaml; add `sources: {{{source}: {{kind: ..., url: ...}}}}`"
                ),
            )),
            Some(spec) => {
                report.kind = spec.kind.id().map(str::to_string);
                let location = spec
                    .location
                    .url()
                    .map(endpoints::display_url)
                    .unwrap_or_default();
                let result = endpoints::query_with(spec, request, client, root, judge, peers).await;
                if let Ok(evidence) = &result {
                    let canonical = serde_json::to_vec(evidence).unwrap_or_default();
                    report.inputs.push(crate::model::InputRecord {
                        location,
                        sha256: files::sha256_hex(&canonical),
                        size: canonical.len() as u64,
                        digest_of: Some("answer".into()),
                        read_at: files::now_rfc3339(),
                        modified: None,
                    });
                }
                result
            }
        },
        Need::Source(name) => match spec {
            None => Err(Missing::new(
                MissingReason::NotConfigured,
                format!(
                    "no source `{name}` in gonogo.yaml; add `sources: {{{name}: {{path: ...}}}}`"
                ),
            )),
            Some(spec) => {
                report.kind = spec.kind.id().map(str::to_string);
                resolve_source(spec, root, client, &options.progress, &mut report)
                    .await
                    .map(|e| apply_reruns(e, spec.reruns))
            }
        },
    };
    if let Err(m) = &result {
        report.error = Some(m.to_string());
    }
    (result, report)
}

/// A test report's reruns as the source says: flaky (as read) or failures.
fn apply_reruns(evidence: Evidence, reruns: crate::config::Reruns) -> Evidence {
    match evidence {
        Evidence::Tests(mut t) => {
            t.settle_reruns();
            if reruns == crate::config::Reruns::Fail {
                t.apply_rerun_policy(crate::evidence::RerunPolicy::Fail);
            }
            Evidence::Tests(t)
        }
        other => other,
    }
}

async fn resolve_source(
    spec: &Source,
    root: &Path,
    client: &client::Client,
    progress: &Arc<dyn Progress>,
    report: &mut SourceReport,
) -> Result<Evidence, Missing> {
    let name = spec.name.as_str();
    let format = match spec.kind {
        SourceKind::Report(format) => format,
        SourceKind::Endpoint(kind) => {
            return Err(Missing::new(
                MissingReason::WrongKind,
                format!(
                    "source `{name}` is a `{}` endpoint; this check reads a report file",
                    kind.id()
                ),
            ));
        }
    };
    if let Some(read) = endpoints::read_report(spec, format, client).await {
        let (evidence, format, records) = read?;
        report.kind = Some(format.id().to_string());
        report.inputs = records;
        return Ok(evidence);
    }
    match &spec.location {
        Location::Url(url) => {
            let url = endpoints::expand_env(url, "url")?;
            let request = client::Request::get(url.as_str()).max_body(spec.max_size);
            let response = client.send(&request, &spec.access).await?.success()?;
            let display = client::redact_url(&url);
            let modified = files::last_modified(&response.headers);
            let body = response.body;
            let shown = display.clone();
            let (evidence, format, record) =
                blocking(move || files::parse_bytes(&shown, &body, format)).await?;
            files::check_report_age(&display, spec.max_age, modified, evidence.produced_at())?;
            report.kind = Some(format.id().to_string());
            report.inputs.push(record);
            Ok(evidence)
        }
        Location::Files(patterns) => {
            let root = root.to_path_buf();
            let patterns = patterns.clone();
            let name = name.to_string();
            let opts = files::ReadOptions {
                format,
                max_age: spec.max_age,
                max_size: spec.max_size,
                ignore_files: spec.ignore_files,
            };
            let progress = progress.clone();
            let read =
                blocking(move || files::read_source(&name, &root, &patterns, opts, &*progress))
                    .await?;
            report.kind = Some(read.format.id().to_string());
            report.inputs = read.records;
            report.skipped = read.skipped;
            Ok(read.evidence)
        }
        _ => Err(Missing::new(
            MissingReason::NotConfigured,
            format!("source `{name}` has no location gonogo can read"),
        )),
    }
}

/// The bytes of one file a source names (a path, a URL, a file behind an API), with the record
/// of what was read: for inputs that are not reports, such as a baseline verdict.
pub async fn read_raw(
    source: &Source,
    root: &Path,
    client: &client::Client,
) -> Result<(Vec<u8>, InputRecord), Missing> {
    let cap = source.max_size;
    let (location, bytes, modified) = match &source.location {
        Location::Files(patterns) => {
            let path = match patterns.as_slice() {
                [one] => resolve_path(root, one),
                _ => {
                    return Err(Missing::new(
                        MissingReason::NotConfigured,
                        format!("source `{}`: give one file, not several", source.name),
                    ));
                }
            };
            let shown = path.display().to_string();
            let read = blocking(move || {
                let (file, meta) = crate::read::open(&path, cap)
                    .map_err(|e| Missing::new(MissingReason::NotFound, e.message))?;
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut std::io::Read::take(file, cap), &mut bytes)
                    .map_err(|e| {
                        Missing::new(
                            MissingReason::Unreadable,
                            format!("{}: {e}", path.display()),
                        )
                    })?;
                Ok((bytes, meta.modified().ok()))
            })
            .await?;
            (shown, read.0, read.1)
        }
        Location::Url(url) => {
            let url = endpoints::expand_env(url, "url")?;
            let request = client::Request::get(url.as_str()).max_body(cap);
            let response = client.send(&request, &source.access).await?.success()?;
            (client::redact_url(&url), response.body, None)
        }
        _ => {
            let (shown, bytes) = endpoints::read_api_bytes(source, client).await?;
            (shown, bytes, None)
        }
    };
    let record = InputRecord {
        location,
        sha256: files::sha256_hex(&bytes),
        size: bytes.len() as u64,
        digest_of: None,
        read_at: files::now_rfc3339(),
        modified: modified.and_then(files::system_time_rfc3339),
    };
    Ok((bytes, record))
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Missing> + Send + 'static,
) -> Result<T, Missing> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) => Err(Missing::new(
            MissingReason::Unreadable,
            format!("reader task failed: {e}"),
        )),
    }
}

/// Resolves `path` against `root` unless it is absolute.
pub fn resolve_path(root: &Path, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        root.join(p)
    }
}
