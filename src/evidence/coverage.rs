//! Code coverage, from Cobertura, JaCoCo, LCOV, Go profiles, Clover or OpenCover.
//!
//! Kept as covered/total counters rather than rates: counters merge exactly across reports,
//! rates do not.

use serde::Serialize;

use super::MAX_ITEMS;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FileCoverage {
    pub path: String,
    pub lines_covered: u64,
    pub lines_total: u64,
    pub branches_covered: u64,
    pub branches_total: u64,
    /// The coverable lines, when the format gives them and the parser's budget allowed
    /// ([`LineDetail`]); patch coverage needs them, the totals do not.
    #[serde(skip)]
    pub lines: Option<LineDetail>,
}

/// A file's coverable lines, sorted, each with whether it was covered: `line << 1 | covered`,
/// four bytes a line, so a million-line report costs 4 MiB and a lookup is a binary search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineDetail(Vec<u32>);

impl LineDetail {
    /// From `(line, covered)` pairs sorted by line, without repeats; lines past 2^31 (no real
    /// source has them) are left out.
    pub fn from_sorted(lines: impl IntoIterator<Item = (u32, bool)>) -> Self {
        LineDetail(
            lines
                .into_iter()
                .filter(|(n, _)| *n < 1 << 31)
                .map(|(n, c)| n << 1 | u32::from(c))
                .collect(),
        )
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Coverable and covered lines within `first..=last`.
    pub fn count_in(&self, first: u32, last: u32) -> (u64, u64) {
        let lo = self.0.partition_point(|e| e >> 1 < first);
        let hi = self.0.partition_point(|e| e >> 1 <= last);
        let slice = &self.0[lo..hi.max(lo)];
        (
            slice.len() as u64,
            slice.iter().filter(|e| *e & 1 == 1).count() as u64,
        )
    }

    /// The lines within `first..=last` that are coverable and not covered.
    pub fn missed_in(&self, first: u32, last: u32) -> impl Iterator<Item = u32> + '_ {
        let lo = self.0.partition_point(|e| e >> 1 < first);
        let hi = self.0.partition_point(|e| e >> 1 <= last);
        self.0[lo..hi.max(lo)]
            .iter()
            .filter(|e| *e & 1 == 0)
            .map(|e| e >> 1)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CoverageReport {
    pub lines_covered: u64,
    pub lines_total: u64,
    pub branches_covered: u64,
    pub branches_total: u64,
    /// Whether any merged report carried branch data at all (a report without it is not 0 %).
    pub has_branches: bool,
    /// Per-file figures, at most [`MAX_ITEMS`].
    pub files: Vec<FileCoverage>,
    pub files_truncated: u64,
    pub notes: Vec<String>,
    /// When the report says it was produced (coverage.py's `timestamp`), the oldest across files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub produced_at: Option<jiff::Timestamp>,
    /// The roots the report's relative file names are under (Cobertura's `<sources>`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_roots: Vec<String>,
}

impl CoverageReport {
    pub fn line_percent(&self) -> Option<f64> {
        percent(self.lines_covered, self.lines_total)
    }

    pub fn branch_percent(&self) -> Option<f64> {
        if self.has_branches {
            percent(self.branches_covered, self.branches_total)
        } else {
            None
        }
    }

    pub fn push_file(&mut self, file: FileCoverage) {
        if self.files.len() < MAX_ITEMS {
            self.files.push(file);
        } else {
            self.files_truncated += 1;
        }
    }

    pub fn merge(&mut self, other: CoverageReport) {
        self.lines_covered += other.lines_covered;
        self.lines_total += other.lines_total;
        self.branches_covered += other.branches_covered;
        self.branches_total += other.branches_total;
        self.has_branches |= other.has_branches;
        self.files_truncated += other.files_truncated;
        for f in other.files {
            self.push_file(f);
        }
        self.notes.extend(other.notes);
        for root in other.source_roots {
            if !self.source_roots.contains(&root) {
                self.source_roots.push(root);
            }
        }
        self.produced_at = super::older(self.produced_at, other.produced_at);
    }
}

fn percent(covered: u64, total: u64) -> Option<f64> {
    (total > 0).then(|| covered as f64 * 100.0 / total as f64)
}
