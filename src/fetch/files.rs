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

/// Directories never walked by `**` unless a pattern names them.
const SKIPPED_DIRS: &[&str] = &[".git", "node_modules", "target", ".venv", "__pycache__"];
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

fn system_time_rfc3339(t: SystemTime) -> Option<String> {
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

/// Files under `root` matching any pattern, sorted, as paths relative to `root` where possible.
pub fn expand_globs(root: &Path, patterns: &[String]) -> Result<Vec<PathBuf>, Missing> {
    let mut out = Vec::new();
    for pattern in patterns {
        if !has_glob(pattern) {
            let p = resolve_path(root, pattern);
            if p.is_file() {
                out.push(p);
            }
            continue;
        }
        let abs = Path::new(pattern).is_absolute();
        let literal: PathBuf = Path::new(pattern)
            .components()
            .take_while(|c| !has_glob(&c.as_os_str().to_string_lossy()))
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
        let mut stack = vec![base];
        let mut seen = 0usize;
        while let Some(dir) = stack.pop() {
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
                if ft.is_dir() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if !SKIPPED_DIRS.contains(&name.as_str()) || pattern.contains(&name) {
                        stack.push(path);
                    }
                } else if ft.is_file() && m.is_match(&path) {
                    out.push(path);
                }
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
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
    let text = String::from_utf8(bytes).map_err(|e| {
        Missing::new(
            MissingReason::ParseError,
            format!(
                "{}: not UTF-8 text (byte {})",
                full.display(),
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
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
        let (evidence, record) = read_document(root, &relative(root, path), max_each)?;
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

/// The age of a report read from a URL, from its `Last-Modified`: stale past `max`, dated in the
/// future, or of unknown age, are all inconclusive.
pub(super) fn check_age_header(
    display: &str,
    headers: &reqwest::header::HeaderMap,
    max: Duration,
) -> Result<(), Missing> {
    let modified = headers
        .get(reqwest::header::LAST_MODIFIED)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| jiff::fmt::rfc2822::parse(v).ok())
        .map(|z| z.timestamp());
    let Some(modified) = modified else {
        return Err(Missing::new(
            MissingReason::Stale,
            format!(
                "{display}: the source has max_age {} but the answer has no Last-Modified date, so its age cannot be known",
                human_duration(max)
            ),
        ));
    };
    let now = jiff::Timestamp::now();
    let age = now.duration_since(modified);
    if age.is_negative() && age.unsigned_abs() > FUTURE_TOLERANCE {
        return Err(Missing::new(
            MissingReason::Stale,
            format!(
                "{display}: Last-Modified {modified} is in the future: its age cannot be known"
            ),
        ));
    }
    let age = age.unsigned_abs();
    if age > max {
        return Err(Missing::new(
            MissingReason::Stale,
            format!(
                "{display} was last modified {} ago (Last-Modified {modified}), more than max_age {}",
                human_duration(age),
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

/// How old and how large a source's files may be.
pub(super) struct SourceLimits {
    pub max_age: Option<Duration>,
    pub max_size: u64,
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

/// Reads every file of a source, detects or applies the format, and merges the evidence.
pub(super) fn read_source(
    name: &str,
    root: &Path,
    patterns: &[String],
    format: Option<Format>,
    limits: SourceLimits,
    progress: &dyn Progress,
) -> Result<(Evidence, Format, Vec<InputRecord>), Missing> {
    let SourceLimits { max_age, max_size } = limits;
    let files = expand_globs(root, patterns)?;
    if files.is_empty() {
        return Err(Missing::new(
            MissingReason::NotFound,
            format!(
                "source `{name}`: no file matches {} (relative to {})",
                patterns.join(", "),
                root.display()
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
        if let (Some(max), Some(m)) = (max_age, modified) {
            let age = SystemTime::now().duration_since(m).unwrap_or_default();
            if age > max {
                return Err(Missing::new(
                    MissingReason::Stale,
                    format!(
                        "{display} was written {} ago, more than max_age {}",
                        human_duration(age),
                        human_duration(max)
                    ),
                ));
            }
        }
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
    let (evidence, fmt) = merged.expect("at least one file was read");
    Ok((evidence, fmt, records))
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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// Records what a read reported.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

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
        let limits = SourceLimits {
            max_age: None,
            max_size: 1 << 20,
        };
        let (_, _, records) = read_source(
            "tests",
            dir.path(),
            &["r/*.xml".to_string()],
            None,
            limits,
            &rec,
        )
        .unwrap();
        assert_eq!(records.len(), n);
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
