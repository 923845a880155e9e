//! What a change touched, read from a unified diff: per file, the lines of the new version that
//! were added or changed. Patch coverage is measured on these lines.
//!
//! Lines are kept as ranges, not one by one: a diff of a generated file adding a million lines
//! costs one range, and looking a range up in a file's coverage is a binary search.

use serde::Serialize;

/// How a file changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Modified,
    Renamed,
    Deleted,
}

/// One file of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedFile {
    /// The path in the new version, relative to where the diff was taken (prefixes removed).
    pub path: String,
    /// The path in the old version, when it differs (a rename).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
    pub kind: ChangeKind,
    /// A binary file: no lines to cover.
    pub binary: bool,
    /// Added or changed lines of the new version, as sorted, disjoint, inclusive ranges.
    pub added: Vec<(u32, u32)>,
    pub lines_added: u64,
    pub lines_removed: u64,
}

impl ChangedFile {
    /// Records one added line; lines arrive in increasing order within a file.
    pub fn add_line(&mut self, line: u32) {
        self.lines_added += 1;
        match self.added.last_mut() {
            Some((_, end)) if end.checked_add(1) == Some(line) => *end = line,
            Some((_, end)) if *end >= line => {}
            _ => self.added.push((line, line)),
        }
    }
}

/// A parsed unified diff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Patch {
    pub files: Vec<ChangedFile>,
}

impl Patch {
    pub fn lines_added(&self) -> u64 {
        self.files.iter().map(|f| f.lines_added).sum()
    }

    pub fn lines_removed(&self) -> u64 {
        self.files.iter().map(|f| f.lines_removed).sum()
    }
}
