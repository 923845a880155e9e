//! Files: glob expansion, streaming reads with a running sha256, staleness, format detection.
//!
//! Reports are parsed straight from a buffered reader that hashes what passes through it, so a
//! multi-gigabyte report is read once, never held in memory, and still gets its digest.

use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use globset::{GlobBuilder, GlobMatcher};
use sha2::{Digest, Sha256};

use super::{Progress, resolve_path};
use crate::evidence::{Document, Evidence, Missing, MissingReason};
use crate::model::InputRecord;
use crate::parse::format::{Format, detect};

const MAX_WALK_ENTRIES: usize = 500_000;

struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

pub(crate) fn now_rfc3339() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map_or_else(|_| String::new(), |t| t.to_string())
}

pub(super) fn system_time_rfc3339(t: SystemTime) -> Option<String> {
    jiff::Timestamp::try_from(t)
        .ok()
        .and_then(|t| t.round(jiff::Unit::Second).ok())
        .map(|t| t.to_string())
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

fn matcher(pattern: &str) -> Result<GlobMatcher, Missing> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| {
            Missing::new(
                MissingReason::NotFound,
                format!("invalid glob `{pattern}`: {e}"),
            )
        })
}

/// What a glob found, and what it left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Globbed {
    pub files: Vec<PathBuf>,
    /// Files that match but that ignore files exclude.
    pub skipped_files: u64,
    /// Directories not walked (ignored, hidden, VCS), with the first few named.
    pub skipped_dirs: u64,
    pub skipped_examples: Vec<String>,
}

impl Globbed {
    /// A sentence for the verdict, when something was skipped.
    pub(super) fn note(&self) -> Option<String> {
        if self.skipped_files == 0 && self.skipped_dirs == 0 {
            return None;
        }
        Some(format!(
            "{} matching file{} and {} director{} left out by .gitignore/.ignore or as hidden or VCS paths ({}); name a path in the pattern, or set `ignore_files: false`, to include them",
            self.skipped_files,
            if self.skipped_files == 1 { "" } else { "s" },
            self.skipped_dirs,
            if self.skipped_dirs == 1 { "y" } else { "ies" },
            self.skipped_examples.join(", ")
        ))
    }
}

/// Directories skipped even without an ignore file: dependencies and build output that a
/// repository without a .gitignore still should not be judged on.
const BUILD_DIRS: &[&str] = &["node_modules", "__pycache__", ".venv"];
const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn"];
const SKIPPED_SHOWN: usize = 5;

/// The ignore files that apply at and above `dir`, up to the repository root (the first parent
/// with `.git`) or `dir` itself: `.gitignore`, `.ignore`, and `.git/info/exclude` at the root.
fn ignores_above(dir: &Path) -> Vec<ignore::gitignore::Gitignore> {
    let mut chain: Vec<&Path> = dir.ancestors().collect();
    if let Some(repo) = chain.iter().position(|d| d.join(".git").exists()) {
        chain.truncate(repo + 1);
    } else {
        chain.truncate(1);
    }
    chain.reverse();
    let mut out = Vec::new();
    if let Some(root) = chain.first() {
        let exclude = root.join(".git/info/exclude");
        if exclude.is_file() {
            let (g, _) = ignore::gitignore::Gitignore::new(&exclude);
            out.push(g);
        }
    }
    for d in chain {
        if let Some(g) = ignores_in(d) {
            out.push(g);
        }
    }
    out
}

/// `.gitignore` and `.ignore` of one directory, as one matcher.
fn ignores_in(dir: &Path) -> Option<ignore::gitignore::Gitignore> {
    let mut b = ignore::gitignore::GitignoreBuilder::new(dir);
    let mut any = false;
    for name in [".gitignore", ".ignore"] {
        let f = dir.join(name);
        if f.is_file() && b.add(&f).is_none() {
            any = true;
        }
    }
    any.then(|| b.build().ok()).flatten()
}

/// Whether the deepest matcher with an opinion ignores `path`.
fn is_ignored(stack: &[ignore::gitignore::Gitignore], path: &Path, is_dir: bool) -> bool {
    for g in stack.iter().rev() {
        match g.matched(path, is_dir) {
            ignore::Match::Ignore(_) => return true,
            ignore::Match::Whitelist(_) => return false,
            ignore::Match::None => {}
        }
    }
    false
}

/// Files under `root` matching any pattern, sorted. With `respect_ignores`, ignored, hidden and
/// VCS paths are left out unless the pattern names them (`target/surefire-reports/*.xml` reads
/// `target/` even when .gitignore lists it); what was left out is counted.
pub(super) fn expand_globs_with(
    root: &Path,
    patterns: &[String],
    respect_ignores: bool,
) -> Result<Globbed, Missing> {
    let mut out = Globbed::default();
    for pattern in patterns {
        if !has_glob(pattern) {
            let p = resolve_path(root, pattern);
            if p.is_file() {
                out.files.push(p);
            }
            continue;
        }
        let abs = Path::new(pattern).is_absolute();
        let literal: PathBuf = Path::new(pattern)
            .components()
            .take_while(|c| !has_glob(&c.as_os_str().to_string_lossy()))
            .collect();
        let named: Vec<String> = Path::new(pattern)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .filter(|c| !has_glob(c))
            .collect();
        let base = if abs {
            literal.clone()
        } else {
            root.join(&literal)
        };
        let full_pattern = if abs {
            pattern.clone()
        } else {
            root.join(pattern).to_string_lossy().into_owned()
        };
        let m = matcher(&full_pattern)?;
        let base_ignores = if respect_ignores {
            ignores_above(&base)
        } else {
            Vec::new()
        };
        let mut stack = vec![(base, base_ignores)];
        let mut seen = 0usize;
        while let Some((dir, ignores)) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                seen += 1;
                if seen > MAX_WALK_ENTRIES {
                    return Err(Missing::new(
                        MissingReason::NotFound,
                        format!(
                            "glob `{pattern}` walks more than {MAX_WALK_ENTRIES} entries; make it more specific"
                        ),
                    ));
                }
                let path = entry.path();
                let Ok(ft) = entry.file_type() else { continue };
                let name = entry.file_name().to_string_lossy().into_owned();
                let is_named = named.contains(&name);
                if ft.is_dir() {
                    let skip = !is_named
                        && (VCS_DIRS.contains(&name.as_str())
                            || (respect_ignores
                                && (name.starts_with('.')
                                    || BUILD_DIRS.contains(&name.as_str())
                                    || is_ignored(&ignores, &path, true))));
                    if skip {
                        out.skipped_dirs += 1;
                        if out.skipped_examples.len() < SKIPPED_SHOWN {
                            out.skipped_examples.push(relative(root, &path));
                        }
                        continue;
                    }
                    let mut inner = ignores.clone();
                    if respect_ignores && let Some(g) = ignores_in(&path) {
                        inner.push(g);
                    }
                    stack.push((path, inner));
                } else if ft.is_file() && m.is_match(&path) {
                    if respect_ignores && !is_named && is_ignored(&ignores, &path, false) {
                        out.skipped_files += 1;
                        if out.skipped_examples.len() < SKIPPED_SHOWN {
                            out.skipped_examples.push(relative(root, &path));
                        }
                        continue;
                    }
                    out.files.push(path);
                }
            }
        }
    }
    out.files.sort();
    out.files.dedup();
    Ok(out)
}

/// [`expand_globs_with`] respecting ignore files: just the files.
pub fn expand_globs(root: &Path, patterns: &[String]) -> Result<Vec<PathBuf>, Missing> {
    Ok(expand_globs_with(root, patterns, true)?.files)
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// `file-exists`: the matching paths.
pub(super) fn list(root: &Path, patterns: &[String]) -> Result<Evidence, Missing> {
    let found = expand_globs(root, patterns)?;
    Ok(Evidence::Files(
        found.iter().map(|p| relative(root, p)).collect(),
    ))
}

/// A project document, as text (capped).
pub(super) fn read_document(
    root: &Path,
    path: &str,
    max: u64,
) -> Result<(Evidence, InputRecord), Missing> {
    read_document_as(root, path, max, false)
}

/// [`read_document`]; `lenient` keeps a file that is not text as a binary document (its bytes
/// are hashed and recorded, its text is empty) instead of refusing it.
fn read_document_as(
    root: &Path,
    path: &str,
    max: u64,
    lenient: bool,
) -> Result<(Evidence, InputRecord), Missing> {
    let full = resolve_path(root, path);
    let (file, meta) =
        crate::read::open(&full, max).map_err(|e| read_error(e, "a project document"))?;
    check_not_future(&relative(root, &full), &meta)?;
    let mut reader = HashingReader {
        inner: file.take(max + 1),
        hasher: Sha256::new(),
        bytes: 0,
    };
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|e| {
        Missing::new(
            MissingReason::Unreadable,
            format!("{}: {e}", full.display()),
        )
    })?;
    if bytes.len() as u64 > max {
        return Err(Missing::new(
            MissingReason::Unreadable,
            format!(
                "{} is larger than {} bytes; is it really a project document?",
                full.display(),
                max
            ),
        ));
    }
    let (text, binary) = match String::from_utf8(bytes) {
        Ok(t) if !(lenient && t.contains('\0')) => (t, false),
        Ok(_) => (String::new(), true),
        Err(_) if lenient => (String::new(), true),
        Err(e) => {
            return Err(Missing::new(
                MissingReason::ParseError,
                format!(
                    "{}: not UTF-8 text (byte {})",
                    full.display(),
                    e.utf8_error().valid_up_to()
                ),
            ));
        }
    };
    let record = InputRecord {
        location: relative(root, &full),
        sha256: hex(reader.hasher.finalize().as_slice()),
        size: reader.bytes,
        digest_of: None,
        read_at: now_rfc3339(),
        modified: meta.modified().ok().and_then(system_time_rfc3339),
    };
    Ok((
        Evidence::Document(Document {
            path: path.to_string(),
            text,
            binary,
        }),
        record,
    ))
}

/// Most files one `Documents` need reads, and the most bytes in all.
const MAX_DOCUMENTS: usize = 10_000;
const MAX_DOCUMENTS_TOTAL: u64 = 256 * 1024 * 1024;

/// Every file matching `patterns`, each read as text (capped at `max_each` bytes), in path order.
pub(super) fn read_documents(
    root: &Path,
    patterns: &[String],
    max_each: u64,
    progress: &dyn Progress,
) -> Result<(Evidence, Vec<InputRecord>), Missing> {
    let files = expand_globs(root, patterns)?;
    if files.is_empty() {
        return Err(Missing::new(
            MissingReason::NotFound,
            format!(
                "no file matches {} (relative to {})",
                patterns.join(", "),
                root.display()
            ),
        ));
    }
    if files.len() > MAX_DOCUMENTS {
        return Err(Missing::new(
            MissingReason::Unreadable,
            format!(
                "{} files match {}; more than {MAX_DOCUMENTS} is not a project's manifests",
                files.len(),
                patterns.join(", ")
            ),
        ));
    }
    let mut docs = Vec::with_capacity(files.len());
    let mut records = Vec::with_capacity(files.len());
    let mut total = 0u64;
    let shown = FileProgress::new(progress, &patterns.join(", "), files.len());
    for (i, path) in files.iter().enumerate() {
        shown.advance(i);
        let (evidence, record) = read_document_as(root, &relative(root, path), max_each, true)?;
        total += record.size;
        if total > MAX_DOCUMENTS_TOTAL {
            return Err(Missing::new(
                MissingReason::Unreadable,
                format!(
                    "the files matching {} hold more than {MAX_DOCUMENTS_TOTAL} bytes",
                    patterns.join(", ")
                ),
            ));
        }
        if let Evidence::Document(doc) = evidence {
            docs.push(doc);
        }
        records.push(record);
    }
    shown.advance(files.len());
    Ok((Evidence::Documents(docs), records))
}

/// Why a file was not read, as a `Missing`; `what` names what it would have been.
fn read_error(e: crate::read::ReadError, what: &str) -> Missing {
    use crate::read::ReadErrorKind;
    match e.kind {
        ReadErrorKind::NotFound => Missing::new(MissingReason::NotFound, e.message),
        ReadErrorKind::TooLarge => Missing::new(
            MissingReason::Unreadable,
            format!(
                "{}; if it really is {what}, raise the source's `max_size`",
                e.message
            ),
        ),
        ReadErrorKind::NotRegular | ReadErrorKind::Io => {
            Missing::new(MissingReason::Unreadable, e.message)
        }
    }
}

/// How far ahead of this machine's clock a file's date may be (clock skew between the runner
/// that wrote it and this one) before it is treated as a forged or broken date.
const FUTURE_TOLERANCE: Duration = Duration::from_secs(300);

/// The `Last-Modified` date of an answer, if it has a readable one.
pub(super) fn last_modified(headers: &reqwest::header::HeaderMap) -> Option<jiff::Timestamp> {
    headers
        .get(reqwest::header::LAST_MODIFIED)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| jiff::fmt::rfc2822::parse(v).ok())
        .map(|z| z.timestamp())
}

/// How far ahead a date a report writes about itself may be: such dates are often local time
/// without a zone, and zones span 26 hours.
const REPORT_TIME_TOLERANCE: Duration = Duration::from_secs(14 * 3600);

/// Judges a report's age from the dates known about it: the file's (or the answer's
/// `Last-Modified`) and the one the report writes about itself, the older of the two. Stale past
/// `max`, dated in the future, or of unknown age when `max` is set: all inconclusive.
pub(super) fn check_report_age(
    display: &str,
    max: Option<Duration>,
    file_time: Option<jiff::Timestamp>,
    produced_at: Option<jiff::Timestamp>,
) -> Result<(), Missing> {
    let now = jiff::Timestamp::now();
    if let Some(at) = produced_at {
        let ahead = at.duration_since(now);
        if ahead.is_positive() && ahead.unsigned_abs() > REPORT_TIME_TOLERANCE {
            return Err(Missing::new(
                MissingReason::Stale,
                format!(
                    "{display} says it was produced at {at}, {} in the future: its age cannot be known (check the clock of the job that wrote it, or whether the date was set by hand)",
                    human_duration(ahead.unsigned_abs())
                ),
            ));
        }
    }
    let Some(max) = max else {
        return Ok(());
    };
    if let Some(at) = file_time {
        let ahead = at.duration_since(now);
        if ahead.is_positive() && ahead.unsigned_abs() > FUTURE_TOLERANCE {
            return Err(Missing::new(
                MissingReason::Stale,
                format!("{display}: Last-Modified {at} is in the future: its age cannot be known"),
            ));
        }
    }
    let Some(oldest) = crate::evidence::older(file_time, produced_at) else {
        return Err(Missing::new(
            MissingReason::Stale,
            format!(
                "{display}: the source has max_age {} but neither the answer (no Last-Modified) nor the report gives a date, so its age cannot be known",
                human_duration(max)
            ),
        ));
    };
    let age = now.duration_since(oldest);
    if age.is_positive() && age.unsigned_abs() > max {
        let said = if Some(oldest) == produced_at && produced_at != file_time {
            format!("says it was produced at {oldest}")
        } else {
            format!("was written at {oldest}")
        };
        return Err(Missing::new(
            MissingReason::Stale,
            format!(
                "{display} {said}, {} ago, more than max_age {}",
                human_duration(age.unsigned_abs()),
                human_duration(max)
            ),
        ));
    }
    Ok(())
}

/// A file dated in the future says nothing about how fresh it is: inconclusive.
fn check_not_future(display: &str, meta: &std::fs::Metadata) -> Result<(), Missing> {
    let Ok(modified) = meta.modified() else {
        return Ok(());
    };
    match modified.duration_since(SystemTime::now()) {
        Ok(ahead) if ahead > FUTURE_TOLERANCE => Err(Missing::new(
            MissingReason::Stale,
            format!(
                "{display} is dated {}, {} in the future: its age cannot be known (check the clock of the job that wrote it, or whether the date was set by hand)",
                system_time_rfc3339(modified).unwrap_or_default(),
                human_duration(ahead)
            ),
        )),
        _ => Ok(()),
    }
}

/// Lowercase hex sha256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(Sha256::digest(bytes).as_slice())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Shows the reading of a large set of files as progress (`reading N files for …`), and
/// nothing for a small one; finished when dropped, so every early return closes it.
struct FileProgress<'a> {
    progress: Option<&'a dyn Progress>,
    task: String,
    total: u64,
}

impl<'a> FileProgress<'a> {
    fn new(progress: &'a dyn Progress, what: &str, files: usize) -> FileProgress<'a> {
        let large = files >= super::PROGRESS_FILES;
        FileProgress {
            progress: large.then_some(progress),
            task: format!("reading {files} files for {what}"),
            total: files as u64,
        }
    }

    /// `done` files are read.
    fn advance(&self, done: usize) {
        if let Some(p) = self.progress {
            p.advance(&self.task, done as u64, self.total);
        }
    }
}

impl Drop for FileProgress<'_> {
    fn drop(&mut self) {
        if let Some(p) = self.progress {
            p.finish(&self.task);
        }
    }
}

/// How a report source's files are read.
#[derive(Debug, Clone, Copy)]
pub(super) struct ReadOptions {
    pub(super) format: Option<Format>,
    pub(super) max_age: Option<Duration>,
    pub(super) max_size: u64,
    pub(super) ignore_files: bool,
}

/// What reading a source's files gave.
pub(super) struct SourceRead {
    pub(super) evidence: Evidence,
    pub(super) format: Format,
    pub(super) records: Vec<InputRecord>,
    /// What the glob left out, in words.
    pub(super) skipped: Option<String>,
}

/// Reads every file of a source, detects or applies the format, and merges the evidence.
pub(super) fn read_source(
    name: &str,
    root: &Path,
    patterns: &[String],
    opts: ReadOptions,
    progress: &dyn Progress,
) -> Result<SourceRead, Missing> {
    let ReadOptions {
        format,
        max_age,
        max_size,
        ignore_files,
    } = opts;
    let globbed = expand_globs_with(root, patterns, ignore_files)?;
    let skipped = globbed.note();
    let files = globbed.files;
    if files.is_empty() {
        return Err(Missing::new(
            MissingReason::NotFound,
            format!(
                "source `{name}`: no file matches {} (relative to {}){}",
                patterns.join(", "),
                root.display(),
                skipped.map(|s| format!("; {s}")).unwrap_or_default()
            ),
        ));
    }
    let mut merged: Option<(Evidence, Format)> = None;
    let mut records = Vec::with_capacity(files.len());
    let shown = FileProgress::new(progress, &format!("source `{name}`"), files.len());
    for (i, path) in files.iter().enumerate() {
        shown.advance(i);
        let display = relative(root, path);
        let (file, meta) =
            crate::read::open(path, max_size).map_err(|e| read_error(e, "a report"))?;
        check_not_future(&display, &meta)?;
        let modified = meta.modified().ok();
        let hashing = HashingReader {
            inner: file.take(max_size + 1),
            hasher: Sha256::new(),
            bytes: 0,
        };
        let mut reader = BufReader::with_capacity(256 * 1024, hashing);
        let (evidence, fmt) = parse_reader(&display, &mut reader, format)?;
        io::copy(&mut reader, &mut io::sink())
            .map_err(|e| Missing::new(MissingReason::Unreadable, format!("{display}: {e}")))?;
        let hashing = reader.into_inner();
        check_report_age(
            &display,
            max_age,
            modified.and_then(|m| jiff::Timestamp::try_from(m).ok()),
            evidence.produced_at(),
        )?;
        if hashing.bytes > max_size {
            return Err(Missing::new(
                MissingReason::Unreadable,
                format!(
                    "{display} grew past {} while being read; if it really is a report, raise the source's `max_size`",
                    crate::read::bytes(max_size)
                ),
            ));
        }
        records.push(InputRecord {
            location: display.clone(),
            sha256: hex(hashing.hasher.finalize().as_slice()),
            size: hashing.bytes,
            digest_of: None,
            read_at: now_rfc3339(),
            modified: modified.and_then(system_time_rfc3339),
        });
        merged = Some(match merged {
            None => (evidence, fmt),
            Some((acc, first)) => (merge(acc, evidence, &display)?, first),
        });
    }
    shown.advance(files.len());
    let (evidence, format) = merged.expect("at least one file was read");
    Ok(SourceRead {
        evidence,
        format,
        records,
        skipped,
    })
}

/// Parses an in-memory body (an HTTP response).
pub(super) fn parse_bytes(
    display: &str,
    body: &[u8],
    format: Option<Format>,
) -> Result<(Evidence, Format, InputRecord), Missing> {
    let mut reader = io::Cursor::new(body);
    let (evidence, fmt) = parse_reader(display, &mut reader, format)?;
    let record = InputRecord {
        location: display.to_string(),
        sha256: hex(Sha256::digest(body).as_slice()),
        size: body.len() as u64,
        digest_of: None,
        read_at: now_rfc3339(),
        modified: None,
    };
    Ok((evidence, fmt, record))
}

fn parse_reader(
    display: &str,
    reader: &mut dyn BufRead,
    format: Option<Format>,
) -> Result<(Evidence, Format), Missing> {
    let fmt = match format {
        Some(f) => f,
        None => {
            let head = reader
                .fill_buf()
                .map_err(|e| Missing::new(MissingReason::Unreadable, format!("{display}: {e}")))?;
            detect(head).ok_or_else(|| {
                Missing::new(
                    MissingReason::ParseError,
                    format!("{display}: not a report format gonogo recognises; set `kind:` on the source (see `gonogo inspect {display} --kind ...`)"),
                )
            })?
        }
    };
    let evidence = fmt.parse(reader).map_err(|e| {
        Missing::new(
            MissingReason::ParseError,
            format!("{display}:{} (read as {})", prefix_colon(&e), fmt.id()),
        )
    })?;
    Ok((evidence, fmt))
}

fn prefix_colon(e: &crate::parse::ParseError) -> String {
    match e.position {
        Some(p) => format!("{p}: {}", e.message),
        None => format!(" {}", e.message),
    }
}

pub(super) fn merge(acc: Evidence, next: Evidence, display: &str) -> Result<Evidence, Missing> {
    Ok(match (acc, next) {
        (Evidence::Tests(mut a), Evidence::Tests(b)) => {
            a.merge(b);
            Evidence::Tests(a)
        }
        (Evidence::Coverage(mut a), Evidence::Coverage(b)) => {
            a.merge(b);
            Evidence::Coverage(a)
        }
        (Evidence::Findings(mut a), Evidence::Findings(b)) => {
            a.merge(b);
            Evidence::Findings(a)
        }
        (a, b) => {
            return Err(Missing::new(
                MissingReason::WrongKind,
                format!(
                    "{display} holds {} evidence but the files before it hold {}; one source, one kind",
                    b.type_name(),
                    a.type_name()
                ),
            ));
        }
    })
}

pub(super) fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 86_400 {
        format!("{}d", s / 86_400)
    } else if s >= 3600 {
        format!("{}h", s / 3600)
    } else if s >= 60 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// One file of a source, for `gonogo inspect`.
pub fn read_source_file(
    path: &Path,
    format: Option<Format>,
) -> Result<(Evidence, Format), Missing> {
    let display = path.display().to_string();
    let (file, _) = crate::read::open(path, crate::config::DEFAULT_MAX_REPORT_BYTES)
        .map_err(|e| read_error(e, "a report"))?;
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    parse_reader(&display, &mut reader, format)
}

/// How long `helm template` may take before it is stopped.
const HELM_TIMEOUT: Duration = Duration::from_secs(60);
/// The most bytes of rendered manifests kept.
const HELM_MAX_OUTPUT: usize = 64 * 1024 * 1024;

/// The `helm` binary: `GONOGO_HELM` when set, else `helm` found on PATH.
pub(super) fn helm_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("GONOGO_HELM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("helm"))
        .find(|p| p.is_file())
}

/// Manifests: every file matching `patterns`, except that a Helm chart among them (a folder
/// holding `Chart.yaml`) is rendered with `helm template` (and `values`, relative to `root`)
/// and read as its output, plus its own `values*.yaml` for the committed-secret rule. Without
/// helm, a chart is `not configured` with how to render it: unrendered templates are not YAML.
pub(super) fn read_manifests(
    root: &Path,
    patterns: &[String],
    values: &[String],
    max_each: u64,
    helm: Option<&Path>,
    progress: &dyn Progress,
) -> Result<(Evidence, Vec<InputRecord>), Missing> {
    let files = expand_globs(root, patterns)?;
    let mut charts: Vec<PathBuf> = files
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "Chart.yaml"))
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .collect();
    charts.sort();
    let top: Vec<PathBuf> = charts
        .iter()
        .filter(|c| !charts.iter().any(|o| o != *c && c.starts_with(o)))
        .cloned()
        .collect();
    if top.is_empty() {
        return read_documents(root, patterns, max_each, progress);
    }
    let mut docs = Vec::new();
    let mut records = Vec::new();
    let mut plain: Vec<String> = Vec::new();
    for f in &files {
        match top.iter().find(|c| f.starts_with(c)) {
            None => plain.push(relative(root, f)),
            Some(chart) => {
                let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if f.parent() == Some(chart.as_path())
                    && crate::lint::manifests::is_values_file(name)
                {
                    plain.push(relative(root, f));
                }
            }
        }
    }
    for chart in &top {
        if let Ok(entries) = std::fs::read_dir(chart) {
            let mut values: Vec<String> = entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter(|e| {
                    crate::lint::manifests::is_values_file(&e.file_name().to_string_lossy())
                })
                .map(|e| relative(root, &e.path()))
                .collect();
            values.sort();
            for v in values {
                if !plain.contains(&v) {
                    plain.push(v);
                }
            }
        }
    }
    for chart in &top {
        let shown = relative(root, chart);
        let Some(helm) = helm else {
            return Err(Missing::new(
                MissingReason::NotConfigured,
                format!(
                    "{shown} is a Helm chart and helm is not on PATH (or GONOGO_HELM), so it cannot be rendered here: render it (`helm template <release> {shown} -f <values> > rendered/all.yaml`) and point vars.manifests at the output, or install helm"
                ),
            ));
        };
        let values: Vec<PathBuf> = values.iter().map(|v| resolve_path(root, v)).collect();
        let out = helm_template(helm, chart, &values, &shown)?;
        records.push(InputRecord {
            location: format!("{shown} (helm template)"),
            sha256: hex(Sha256::digest(out.as_bytes()).as_slice()),
            size: out.len() as u64,
            digest_of: Some("rendered manifests".into()),
            read_at: now_rfc3339(),
            modified: None,
        });
        docs.push(Document {
            path: format!("{shown} (helm template)"),
            text: out,
            binary: false,
        });
    }
    for path in plain {
        let (evidence, record) = read_document(root, &path, max_each)?;
        if let Evidence::Document(doc) = evidence {
            docs.push(doc);
        }
        records.push(record);
    }
    Ok((Evidence::Documents(docs), records))
}

/// Runs `helm template` on one chart, with a deadline; its stderr explains a failure.
fn helm_template(
    helm: &Path,
    chart: &Path,
    values: &[PathBuf],
    shown: &str,
) -> Result<String, Missing> {
    use crate::read::process::RunError;
    use std::process::Command;
    let release = chart
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty() && *n != ".")
        .unwrap_or("release")
        .to_ascii_lowercase();
    let mut cmd = Command::new(helm);
    cmd.arg("template").arg(&release).arg(chart);
    for v in values {
        cmd.arg("-f").arg(v);
    }
    let done =
        crate::read::process::run(&mut cmd, HELM_TIMEOUT, HELM_MAX_OUTPUT as u64).map_err(|e| {
            match e {
                RunError::Spawn(e) => Missing::new(
                    MissingReason::Unreadable,
                    format!("{shown}: cannot run {}: {e}", helm.display()),
                ),
                RunError::Timeout => Missing::new(
                    MissingReason::Timeout,
                    format!(
                        "{shown}: helm template did not finish within {}s",
                        HELM_TIMEOUT.as_secs()
                    ),
                ),
                RunError::Wait(e) => Missing::new(
                    MissingReason::Unreadable,
                    format!("{shown}: helm template: {e}"),
                ),
            }
        })?;
    if !done.status.success() {
        let err: String = done.stderr.chars().take(500).collect();
        return Err(Missing::new(
            MissingReason::ParseError,
            format!("{shown}: helm template failed ({}): {err}", done.status),
        ));
    }
    let out = done.stdout;
    if out.len() > HELM_MAX_OUTPUT {
        return Err(Missing::new(
            MissingReason::Unreadable,
            format!("{shown}: helm template wrote more than {HELM_MAX_OUTPUT} bytes"),
        ));
    }
    String::from_utf8(out).map_err(|_| {
        Missing::new(
            MissingReason::ParseError,
            format!("{shown}: helm template wrote something that is not UTF-8 text"),
        )
    })
}

#[cfg(all(test, unix))]
mod helm_tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A stand-in for helm: it prints a manifest naming its arguments, so the test sees what
    /// gonogo asked it to render.
    fn fake_helm(dir: &Path, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join("helm");
        write(&p, &format!("#!/bin/sh\n{body}\n"));
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    }

    #[test]
    fn a_chart_is_rendered_and_its_values_kept_other_files_read_as_they_are() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("app");
        let infra = tmp.path().join("infra");
        write(
            &infra.join("Chart.yaml"),
            "apiVersion: v2\nname: api\nversion: 1.0.0\n",
        );
        write(&infra.join("values.yaml"), "image: {tag: 1.0.0}\n");
        write(
            &infra.join("templates/deploy.yaml"),
            "kind: Deployment\nmetadata: {name: {{ .Release.Name }}}\n",
        );
        write(
            &infra.join("charts/sub/Chart.yaml"),
            "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
        );
        write(
            &root.join("k8s/np.yaml"),
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\n",
        );
        write(&root.join("values-prod.yaml"), "replicaCount: 2\n");
        let helm = fake_helm(
            tmp.path(),
            "echo '# Source: api/templates/deploy.yaml'; echo 'apiVersion: v1'; echo 'kind: ConfigMap'; echo \"metadata: {name: $2}\"; echo \"data: {args: '$*'}\"",
        );
        let patterns = vec![
            "../infra".to_string(),
            "../infra/**/*.yaml".to_string(),
            "k8s/**/*.yaml".to_string(),
        ];
        let (ev, records) = read_manifests(
            &root,
            &patterns,
            &["values-prod.yaml".into()],
            1 << 20,
            Some(&helm),
            &crate::fetch::LogProgress,
        )
        .unwrap();
        let Evidence::Documents(docs) = ev else {
            panic!()
        };
        let paths: Vec<&str> = docs.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "../infra (helm template)",
                "../infra/values.yaml",
                "k8s/np.yaml"
            ]
        );
        assert!(docs[0].text.contains("name: infra"), "{}", docs[0].text);
        assert!(
            docs[0].text.contains("-f"),
            "values are passed: {}",
            docs[0].text
        );
        assert!(
            docs[0].text.contains("values-prod.yaml"),
            "{}",
            docs[0].text
        );
        assert_eq!(records[0].digest_of.as_deref(), Some("rendered manifests"));

        let err = read_manifests(
            &root,
            &patterns,
            &[],
            1 << 20,
            None,
            &crate::fetch::LogProgress,
        )
        .unwrap_err();
        assert_eq!(err.reason, MissingReason::NotConfigured);
        assert!(err.detail.contains("helm is not on PATH"), "{}", err.detail);

        let failing = fake_helm(
            &tmp.path().join("bad"),
            "echo 'Error: found in Chart.yaml, but missing in charts/ directory: postgresql' >&2; exit 1",
        );
        let err = read_manifests(
            &root,
            &patterns,
            &[],
            1 << 20,
            Some(&failing),
            &crate::fetch::LogProgress,
        )
        .unwrap_err();
        assert_eq!(err.reason, MissingReason::ParseError);
        assert!(
            err.detail.contains("missing in charts/ directory"),
            "{}",
            err.detail
        );

        let plain = vec!["k8s".to_string(), "k8s/**/*.yaml".to_string()];
        let (ev, _) = read_manifests(
            &root,
            &plain,
            &[],
            1 << 20,
            None,
            &crate::fetch::LogProgress,
        )
        .unwrap();
        assert!(
            matches!(ev, Evidence::Documents(d) if d.len() == 1),
            "no chart, no helm needed"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    fn names(root: &Path, g: &Globbed) -> Vec<String> {
        g.files.iter().map(|p| relative(root, p)).collect()
    }

    #[test]
    fn globs_leave_out_ignored_hidden_and_vcs_paths_unless_named() {
        let dir = project(&[
            (".gitignore", "build/\n*.tmp.xml\ntarget/\n"),
            ("reports/a.xml", "x"),
            ("reports/e.tmp.xml", "x"),
            ("build/b.xml", "x"),
            ("node_modules/lib/c.xml", "x"),
            (".cache/d.xml", "x"),
            ("target/surefire-reports/TEST-f.xml", "x"),
            ("sub/.ignore", "gen/\n"),
            ("sub/gen/g.xml", "x"),
            ("sub/h.xml", "x"),
        ]);
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join(".git/x.xml"), "x").unwrap();
        let root = dir.path();

        let g = expand_globs_with(root, &["**/*.xml".into()], true).unwrap();
        assert_eq!(names(root, &g), vec!["reports/a.xml", "sub/h.xml"]);
        assert_eq!(g.skipped_files, 1, "the .tmp.xml file");
        assert_eq!(g.skipped_dirs, 6, "{:?}", g.skipped_examples);
        assert!(g.note().unwrap().contains("ignore_files: false"));

        let g = expand_globs_with(root, &["target/surefire-reports/*.xml".into()], true).unwrap();
        assert_eq!(
            names(root, &g),
            vec!["target/surefire-reports/TEST-f.xml"],
            "a path the pattern names is read even when ignored"
        );
        let g = expand_globs_with(root, &["**/build/*.xml".into()], true).unwrap();
        assert_eq!(names(root, &g), vec!["build/b.xml"]);

        let g = expand_globs_with(root, &["**/*.xml".into()], false).unwrap();
        assert_eq!(g.files.len(), 8, "all but .git: {:?}", names(root, &g));
        assert!(g.note().is_none() || g.skipped_dirs == 1);
    }

    /// Records what a read reported.
    #[derive(Default)]
    struct Recorder(std::sync::Mutex<Vec<String>>);

    impl Progress for Recorder {
        fn step(&self, task: &str, what: &str) {
            self.0.lock().unwrap().push(format!("{task}: {what}"));
        }
        fn finish(&self, task: &str) {
            self.0.lock().unwrap().push(format!("{task}: finished"));
        }
        fn advance(&self, task: &str, done: u64, total: u64) {
            self.0
                .lock()
                .unwrap()
                .push(format!("{task}: {done}/{total}"));
        }
    }

    fn junit_files(n: usize) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("r")).unwrap();
        for i in 0..n {
            std::fs::write(
                dir.path().join(format!("r/TEST-{i:04}.xml")),
                format!("<testsuite name=\"s{i}\" tests=\"1\"><testcase name=\"t\"/></testsuite>"),
            )
            .unwrap();
        }
        dir
    }

    #[test]
    fn a_large_file_set_reports_its_reading_and_a_small_one_does_not() {
        let n = super::super::PROGRESS_FILES;
        let dir = junit_files(n);
        let rec = Recorder::default();
        let opts = ReadOptions {
            format: None,
            max_age: None,
            max_size: 1 << 20,
            ignore_files: true,
        };
        let read = read_source("tests", dir.path(), &["r/*.xml".to_string()], opts, &rec).unwrap();
        assert_eq!(read.records.len(), n);
        let events = rec.0.lock().unwrap().clone();
        let task = format!("reading {n} files for source `tests`");
        assert_eq!(events.first().unwrap(), &format!("{task}: 0/{n}"));
        assert_eq!(events[events.len() - 2], format!("{task}: {n}/{n}"));
        assert_eq!(events.last().unwrap(), &format!("{task}: finished"));

        let small = junit_files(3);
        let rec = Recorder::default();
        read_documents(small.path(), &["r/*.xml".to_string()], 1 << 20, &rec).unwrap();
        assert!(rec.0.lock().unwrap().is_empty());
    }
}
