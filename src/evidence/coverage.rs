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
        self.produced_at = super::older(self.produced_at, other.produced_at);
    }
}

fn percent(covered: u64, total: u64) -> Option<f64> {
    (total > 0).then(|| covered as f64 * 100.0 / total as f64)
}
