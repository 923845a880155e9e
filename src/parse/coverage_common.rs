//! Pieces shared by the coverage parsers: counting with saturation, and [`FileMerger`], which
//! turns per-file line (or block) entries into exact report counters.
//!
//! Several producers list the same source line more than once: Cobertura repeats a file in
//! several `<class>` elements (nested and partial classes, Java inner classes, gcovr's virtual
//! destructors), LCOV files concatenated from several test runs repeat an `SF` record, merged Go
//! profiles repeat identical blocks. Counting each occurrence would inflate both the covered and
//! the total counters, so entries of one file are merged by key (a line covered in any
//! occurrence is covered) before they are counted.
//!
//! Memory stays bounded: a file's entries (16–24 bytes each) are held so that a later piece of
//! the same file can still be merged, but only while all held entries number at most
//! [`RETAINED_ENTRIES`]; beyond that the oldest files are counted and their entries dropped. A
//! file that comes back after that can no longer be merged: its new entries are added as they
//! are, and a note says so. Producers emit a file's pieces close together, so this only matters
//! for reports with more than a million distinct lines whose pieces are far apart.

use std::collections::{HashMap, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::BufRead;

use super::{ParseError, Position};
use crate::evidence::{CoverageReport, FileCoverage, LineDetail};

/// Longest line accepted by the line-oriented formats (LCOV, Go profiles).
pub(crate) const MAX_LINE: usize = 4 * 1024 * 1024;

/// Reads a text report line by line into a caller's buffer, with the line number at hand for
/// errors. A line longer than [`MAX_LINE`] is an error, so memory stays bounded.
pub(crate) struct LineReader<R> {
    inner: R,
    line: u64,
    format: &'static str,
}

impl<R: BufRead> LineReader<R> {
    pub(super) fn new(inner: R, format: &'static str) -> Self {
        LineReader {
            inner,
            line: 0,
            format,
        }
    }

    /// Reads the next line into `buf` without its `\n` or `\r\n`; false at the end of the input.
    pub(super) fn next_line(&mut self, buf: &mut Vec<u8>) -> Result<bool, ParseError> {
        buf.clear();
        let mut read_any = false;
        loop {
            let available = match self.inner.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(ParseError::new(format!(
                        "could not read the {} report: {e}",
                        self.format
                    )));
                }
            };
            if available.is_empty() {
                break;
            }
            read_any = true;
            let (take, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (available.len(), false),
            };
            if buf.len() + take > MAX_LINE + 2 {
                return Err(ParseError::at(
                    format!(
                        "line longer than {MAX_LINE} bytes; not a {} report",
                        self.format
                    ),
                    Position::LineCol {
                        line: self.line + 1,
                        column: 1,
                    },
                ));
            }
            buf.extend_from_slice(&available[..take]);
            self.inner.consume(take);
            if done {
                break;
            }
        }
        if !read_any {
            return Ok(false);
        }
        self.line += 1;
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        Ok(true)
    }

    /// An error on the line last read, at a 1-based byte column.
    pub(super) fn error_at(&self, message: impl Into<String>, column: usize) -> ParseError {
        ParseError::at(
            message,
            Position::LineCol {
                line: self.line.max(1),
                column: column as u64,
            },
        )
    }
}

/// How many line/block entries of finished files are held for merging repeats.
pub(crate) const RETAINED_ENTRIES: usize = 1 << 20;

/// How many lines of per-line detail a report keeps for patch coverage (4 bytes each).
pub(crate) const LINE_DETAIL: usize = 1 << 23;

/// Why a count could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CountError {
    Negative,
    NotANumber,
}

/// Parses a non-negative decimal count; values above `u64::MAX` saturate.
pub(crate) fn parse_count(text: &[u8]) -> Result<u64, CountError> {
    let t = text.trim_ascii();
    let digits = t.strip_prefix(b"+").unwrap_or(t);
    if digits.is_empty() {
        return Err(CountError::NotANumber);
    }
    if let Some(rest) = digits.strip_prefix(b"-") {
        return if !rest.is_empty() && rest.iter().all(u8::is_ascii_digit) {
            Err(CountError::Negative)
        } else {
            Err(CountError::NotANumber)
        };
    }
    let mut value: u64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return Err(CountError::NotANumber);
        }
        value = value.saturating_mul(10).saturating_add(u64::from(b - b'0'));
    }
    Ok(value)
}

/// [`parse_count`] with an error message naming what was being read.
pub(crate) fn count(text: &str, what: &str) -> Result<u64, String> {
    count_bytes(text.as_bytes(), what)
}

/// [`count`] on raw bytes (line-oriented formats).
pub(crate) fn count_bytes(text: &[u8], what: &str) -> Result<u64, String> {
    parse_count(text).map_err(|e| {
        let shown = String::from_utf8_lossy(text);
        match e {
            CountError::Negative => format!("{what} is negative: {shown:?}"),
            CountError::NotANumber => format!("{what} is not a whole number: {shown:?}"),
        }
    })
}

/// A line or source number (1-based in every format; 0 is tolerated).
pub(crate) fn line_number(text: &str, what: &str) -> Result<u32, String> {
    line_number_bytes(text.as_bytes(), what)
}

/// [`line_number`] on raw bytes.
pub(crate) fn line_number_bytes(text: &[u8], what: &str) -> Result<u32, String> {
    let n = count_bytes(text, what)?;
    u32::try_from(n).map_err(|_| {
        format!(
            "{what} is out of range: {:?}",
            String::from_utf8_lossy(text)
        )
    })
}

/// Parses a rate such as `0.8` or `0.40380000000000005`.
pub(crate) fn parse_rate(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|r| r.is_finite())
}

/// Covered/total counters of one file or a whole report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Figures {
    pub lines_covered: u64,
    pub lines_total: u64,
    pub branches_covered: u64,
    pub branches_total: u64,
    pub has_branches: bool,
}

impl Figures {
    pub(super) fn add(&mut self, other: &Figures) {
        self.lines_covered = self.lines_covered.saturating_add(other.lines_covered);
        self.lines_total = self.lines_total.saturating_add(other.lines_total);
        self.branches_covered = self.branches_covered.saturating_add(other.branches_covered);
        self.branches_total = self.branches_total.saturating_add(other.branches_total);
        self.has_branches |= other.has_branches;
    }

    /// Field-wise maximum, for declared-only figures of a repeated file (they cannot be unioned).
    pub(super) fn max(&mut self, other: &Figures) {
        self.lines_covered = self.lines_covered.max(other.lines_covered);
        self.lines_total = self.lines_total.max(other.lines_total);
        self.branches_covered = self.branches_covered.max(other.branches_covered);
        self.branches_total = self.branches_total.max(other.branches_total);
        self.has_branches |= other.has_branches;
    }

    pub(super) fn file(&self, path: &str) -> FileCoverage {
        FileCoverage {
            path: path.to_string(),
            lines_covered: self.lines_covered,
            lines_total: self.lines_total,
            branches_covered: self.branches_covered,
            branches_total: self.branches_total,
            lines: None,
        }
    }

    /// Writes these figures as the report's totals.
    pub(super) fn apply(&self, report: &mut CoverageReport) {
        report.lines_covered = self.lines_covered;
        report.lines_total = self.lines_total;
        report.branches_covered = self.branches_covered;
        report.branches_total = self.branches_total;
        report.has_branches = self.has_branches;
    }
}

/// One countable unit of a file (a line, a branch, a Go block), merged with others of its key.
pub(crate) trait Entry: Copy {
    type Key: Ord + Copy;
    fn key(&self) -> Self::Key;
    /// Merges another occurrence of the same key into this one.
    fn absorb(&mut self, other: &Self);
    fn add_to(&self, figures: &mut Figures);
    /// The source line this entry is, with whether it was covered; `None` for entries that are
    /// no line (a branch, a block).
    fn line(&self) -> Option<(u32, bool)> {
        None
    }
}

struct Held<E> {
    entries: Vec<E>,
    sorted: usize,
    extra: Figures,
    index: Option<usize>,
}

/// Accumulates files (each possibly in several pieces) into exact totals and per-file figures.
///
/// A held file's pieces are appended unsorted and merged only when the unsorted tail outgrows
/// the merged part, when the file is released, or at the end, so many small pieces of one file
/// cost O(n log n) in all.
pub(crate) struct FileMerger<E: Entry> {
    report: CoverageReport,
    totals: Figures,
    held: HashMap<Box<str>, Held<E>>,
    order: VecDeque<Box<str>>,
    held_entries: usize,
    budget: usize,
    released: HashMap<u64, Option<usize>>,
    unmerged_repeats: u64,
    repeated_declared: u64,
    detail_left: usize,
    detail_dropped: u64,
}

impl<E: Entry> Default for FileMerger<E> {
    fn default() -> Self {
        Self::with_budget(RETAINED_ENTRIES)
    }
}

impl<E: Entry> FileMerger<E> {
    pub(super) fn with_budget(budget: usize) -> Self {
        FileMerger {
            report: CoverageReport::default(),
            totals: Figures::default(),
            held: HashMap::new(),
            order: VecDeque::new(),
            held_entries: 0,
            budget,
            released: HashMap::new(),
            unmerged_repeats: 0,
            repeated_declared: 0,
            detail_left: LINE_DETAIL,
            detail_dropped: 0,
        }
    }

    /// Adds one piece of `path`: its entries (any order, duplicates allowed) and `extra`
    /// figures that have no entries (declared-only counters, e.g. LCOV `LF`/`LH`).
    pub(super) fn add(&mut self, path: &str, mut entries: Vec<E>, extra: Figures) {
        if let Some(held) = self.held.get_mut(path) {
            if extra != Figures::default() && held.extra != Figures::default() {
                self.repeated_declared += 1;
            }
            held.extra.max(&extra);
            self.held_entries -= held.entries.len();
            held.entries.append(&mut entries);
            if held.entries.len() > 2 * held.sorted {
                sort_and_merge(&mut held.entries);
                held.sorted = held.entries.len();
            }
            self.held_entries += held.entries.len();
        } else if let Some(index) = self.released.get(&hash_of(path)).copied() {
            self.unmerged_repeats += 1;
            sort_and_merge(&mut entries);
            let figures = figures_of(&entries, &extra);
            self.totals.add(&figures);
            if let Some(file) = index.and_then(|i| self.report.files.get_mut(i)) {
                let mut sum = Figures {
                    lines_covered: file.lines_covered,
                    lines_total: file.lines_total,
                    branches_covered: file.branches_covered,
                    branches_total: file.branches_total,
                    has_branches: false,
                };
                sum.add(&figures);
                if file.lines.take().is_some() {
                    self.detail_dropped += 1;
                }
                *file = sum.file(path);
            }
        } else {
            let index = (self.report.files.len() < crate::evidence::MAX_ITEMS)
                .then_some(self.report.files.len());
            self.report.push_file(Figures::default().file(path));
            entries.shrink_to_fit();
            self.held_entries += entries.len();
            let key: Box<str> = path.into();
            self.order.push_back(key.clone());
            let held = Held {
                entries,
                sorted: 0,
                extra,
                index,
            };
            self.held.insert(key, held);
        }
        while self.held_entries > self.budget {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            self.release(&oldest);
        }
    }

    /// Counts a held file into the totals and its per-file entry, and forgets its entries.
    fn release(&mut self, path: &str) {
        let Some(mut held) = self.held.remove(path) else {
            return;
        };
        self.held_entries -= held.entries.len();
        sort_and_merge(&mut held.entries);
        let figures = figures_of(&held.entries, &held.extra);
        self.totals.add(&figures);
        if let Some(file) = held.index.and_then(|i| self.report.files.get_mut(i)) {
            *file = figures.file(path);
            let count = held.entries.iter().filter(|e| e.line().is_some()).count();
            if count > 0 && count <= self.detail_left {
                self.detail_left -= count;
                file.lines = Some(LineDetail::from_sorted(
                    held.entries.iter().filter_map(Entry::line),
                ));
            } else if count > 0 {
                self.detail_dropped += 1;
            }
        }
        self.released.insert(hash_of(path), held.index);
    }

    /// The report with totals, per-file figures and notes about merging limits.
    pub(super) fn finish(mut self) -> CoverageReport {
        while let Some(path) = self.order.pop_front() {
            self.release(&path);
        }
        self.totals.apply(&mut self.report);
        if self.unmerged_repeats > 0 {
            self.report.notes.push(format!(
                "{} file piece(s) came back after their line detail had been released (more than \
                 {} lines held); their lines were added without merging and may be counted twice",
                self.unmerged_repeats, self.budget
            ));
        }
        if self.detail_dropped > 0 {
            self.report.notes.push(format!(
                "{} file(s) have no per-line detail (the report holds more than {} lines, or \
                 repeats a file far apart): patch coverage cannot see their lines",
                self.detail_dropped, LINE_DETAIL
            ));
        }
        if self.repeated_declared > 0 {
            self.report.notes.push(format!(
                "{} file(s) appear more than once with only summary counters; the largest \
                 counters of each were kept",
                self.repeated_declared
            ));
        }
        self.report
    }
}

fn sort_and_merge<E: Entry>(entries: &mut Vec<E>) {
    entries.sort_by_key(|e| e.key());
    entries.dedup_by(|later, kept| {
        if later.key() == kept.key() {
            kept.absorb(later);
            true
        } else {
            false
        }
    });
}

fn figures_of<E: Entry>(entries: &[E], extra: &Figures) -> Figures {
    let mut figures = *extra;
    for e in entries {
        e.add_to(&mut figures);
    }
    figures
}

fn hash_of(path: &str) -> u64 {
    let mut h = DefaultHasher::new();
    path.hash(&mut h);
    h.finish()
}

/// A note when a declared rate disagrees with the counted one by more than 0.01.
pub(crate) fn rate_note(
    what: &str,
    declared: Option<f64>,
    counted: Option<f64>,
    covered: u64,
    total: u64,
) -> Option<String> {
    let (d, c) = (declared?, counted?);
    ((d - c).abs() > 0.01).then(|| {
        format!("declared {what} {d} differs from the {covered}/{total} counted ({c:.4}); the counted figures are used")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug)]
    struct L(u32, bool);

    impl Entry for L {
        type Key = u32;
        fn key(&self) -> u32 {
            self.0
        }
        fn absorb(&mut self, other: &Self) {
            self.1 |= other.1;
        }
        fn add_to(&self, f: &mut Figures) {
            f.lines_total += 1;
            f.lines_covered += u64::from(self.1);
        }
    }

    #[test]
    fn counts_saturate_and_reject_junk() {
        assert_eq!(parse_count(b"42"), Ok(42));
        assert_eq!(parse_count(b" +7 "), Ok(7));
        assert_eq!(parse_count(b"99999999999999999999999999"), Ok(u64::MAX));
        assert_eq!(parse_count(b"-1"), Err(CountError::Negative));
        assert_eq!(parse_count(b"abc"), Err(CountError::NotANumber));
        assert_eq!(parse_count(b""), Err(CountError::NotANumber));
        assert_eq!(parse_count(b"1.5"), Err(CountError::NotANumber));
        assert!(line_number("4294967296", "line").is_err());
    }

    #[test]
    fn repeated_pieces_of_a_file_are_unioned() {
        let mut m = FileMerger::default();
        m.add(
            "a",
            vec![L(1, false), L(2, true), L(1, true)],
            Figures::default(),
        );
        m.add("b", vec![L(1, false)], Figures::default());
        m.add("a", vec![L(2, false), L(3, false)], Figures::default());
        let r = m.finish();
        assert_eq!((r.lines_covered, r.lines_total), (2, 4));
        assert_eq!(r.files.len(), 2);
        assert_eq!((r.files[0].lines_covered, r.files[0].lines_total), (2, 3));
        assert!(r.notes.is_empty());
    }

    #[test]
    fn many_small_pieces_of_one_file_stay_fast() {
        let mut m = FileMerger::default();
        for i in 0..200_000u32 {
            m.add("a", vec![L(i % 1000, i % 3 == 0)], Figures::default());
        }
        let r = m.finish();
        assert_eq!((r.lines_covered, r.lines_total), (1000, 1000));
    }

    #[test]
    fn released_files_are_added_without_merging_and_noted() {
        let mut m = FileMerger::with_budget(2);
        m.add("a", vec![L(1, true), L(2, true)], Figures::default());
        m.add("b", vec![L(1, false)], Figures::default());
        m.add("a", vec![L(1, true)], Figures::default());
        let r = m.finish();
        assert_eq!((r.lines_covered, r.lines_total), (3, 4));
        assert_eq!((r.files[0].lines_covered, r.files[0].lines_total), (3, 3));
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
    }

    #[test]
    fn rate_note_only_past_the_tolerance() {
        assert!(rate_note("line-rate", Some(0.8), Some(0.805), 161, 200).is_none());
        assert!(rate_note("line-rate", Some(0.76667), Some(0.9583), 23, 24).is_some());
        assert!(rate_note("line-rate", None, Some(0.5), 1, 2).is_none());
    }
}
