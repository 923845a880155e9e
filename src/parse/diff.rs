//! Unified diffs (`git diff`, `git format-patch`, `diff -u`, `hg diff`): which lines of the new
//! version a change added or changed, for patch coverage.
//!
//! Read line by line, so a diff of any size costs the memory of its changed-line ranges. Hunks
//! are held to their `@@ -a,b +c,d @@` counts: a hunk that ends early, runs over, or holds a line
//! that is neither context, `+`, `-` nor `\ No newline at end of file` is an error at its line,
//! because a miscounted diff would silently move every later line. Outside hunks, lines that are
//! no header (a commit message, a `GIT binary patch` body) are skipped, but an input with no file
//! header at all is not a diff.
//!
//! Paths: git's `a/` and `b/` prefixes (and the mnemonic `c/ i/ w/ o/`) are removed when the
//! `diff --git` line shows two different one-letter prefixes, so `--no-prefix` diffs keep their
//! paths; C-quoted names (`"caf\303\251.py"`) are unquoted; what follows a tab in a `---`/`+++`
//! line (the timestamp of `diff -u`, the tab git adds after names with spaces) is not part of the
//! name. The path of a file is its new name: the `+++` line, else `rename to`, else the header's.

use std::io::BufRead;

use super::ParseError;
use super::coverage_common::LineReader;
use crate::evidence::{ChangeKind, ChangedFile, Patch};

const FORMAT: &str = "unified diff";

/// A file being read: what its headers said so far.
struct Pending {
    file: ChangedFile,
    /// Names from the `diff --git` line, when there was one.
    git_names: Option<(String, String)>,
    /// Whether `a/`-style prefixes are to be removed from its names.
    prefixed: bool,
    minus: Option<Option<String>>,
    plus: Option<Option<String>>,
    rename_to: Option<String>,
    rename_from: Option<String>,
    hunks: u64,
    last_hunk_line: u64,
}

impl Pending {
    fn new(git_names: Option<(String, String)>) -> Self {
        let prefixed = git_names.as_ref().is_some_and(|(a, b)| {
            match (one_letter_prefix(a), one_letter_prefix(b)) {
                (Some(x), Some(y)) => x != y,
                _ => false,
            }
        });
        Pending {
            file: ChangedFile {
                path: String::new(),
                old_path: None,
                kind: ChangeKind::Modified,
                binary: false,
                added: Vec::new(),
                lines_added: 0,
                lines_removed: 0,
            },
            git_names,
            prefixed,
            minus: None,
            plus: None,
            rename_to: None,
            rename_from: None,
            hunks: 0,
            last_hunk_line: 0,
        }
    }

    fn strip<'a>(&self, name: &'a str) -> &'a str {
        if self.prefixed {
            one_letter_prefix(name).map_or(name, |_| &name[2..])
        } else {
            name
        }
    }

    fn finish(mut self) -> Option<ChangedFile> {
        let new_name = match &self.plus {
            Some(Some(n)) => Some(self.strip(n).to_string()),
            _ => None,
        };
        let old_name = match &self.minus {
            Some(Some(n)) => Some(self.strip(n).to_string()),
            _ => None,
        };
        let header = self
            .git_names
            .as_ref()
            .map(|(a, b)| (self.strip(a).to_string(), self.strip(b).to_string()));
        if matches!(self.minus, Some(None)) && self.file.kind == ChangeKind::Modified {
            self.file.kind = ChangeKind::Added;
        }
        if matches!(self.plus, Some(None)) {
            self.file.kind = ChangeKind::Deleted;
        }
        let path = new_name
            .clone()
            .or_else(|| self.rename_to.clone())
            .or_else(|| header.as_ref().map(|(_, b)| b.clone()))
            .or_else(|| old_name.clone())?;
        let old = old_name
            .or_else(|| self.rename_from.clone())
            .or_else(|| header.map(|(a, _)| a));
        if self.rename_to.is_some() && self.file.kind == ChangeKind::Modified {
            self.file.kind = ChangeKind::Renamed;
        }
        self.file.old_path = old.filter(|o| *o != path);
        self.file.path = path;
        Some(self.file)
    }
}

/// The hunk being read: lines still expected on each side, and the next new line's number.
struct Hunk {
    old_left: u64,
    new_left: u64,
    new_line: u64,
    header_line: u64,
}

/// Parses a unified diff.
pub fn parse<R: BufRead>(reader: R) -> Result<Patch, ParseError> {
    let mut lines = LineReader::new(reader, FORMAT);
    let mut buf = Vec::new();
    let mut patch = Patch::default();
    let mut pending: Option<Pending> = None;
    let mut hunk: Option<Hunk> = None;
    let mut expect_plus = false;
    let mut line_no: u64 = 0;
    let mut any_content = false;

    while lines.next_line(&mut buf)? {
        line_no += 1;
        any_content |= !buf.trim_ascii().is_empty();
        if let Some(h) = hunk.as_mut() {
            let file = &mut pending
                .as_mut()
                .expect("a hunk is only opened inside a file")
                .file;
            match buf.first().copied() {
                None | Some(b' ') if h.old_left > 0 && h.new_left > 0 => {
                    h.old_left -= 1;
                    h.new_left -= 1;
                    h.new_line += 1;
                }
                Some(b'+') if h.new_left > 0 => {
                    file.add_line(u32::try_from(h.new_line).unwrap_or(u32::MAX));
                    h.new_left -= 1;
                    h.new_line += 1;
                }
                Some(b'-') if h.old_left > 0 => {
                    file.lines_removed += 1;
                    h.old_left -= 1;
                }
                Some(b'\\') => {}
                _ => {
                    return Err(lines.error_at(
                        format!(
                            "the hunk opened at line {} expects {} more old and {} more new \
                             line(s), and this line is not one of them (a hunk line starts with \
                             ' ', '+', '-' or '\\'); the diff is truncated, miscounted or edited \
                             by hand: produce it again with `git diff`",
                            h.header_line, h.old_left, h.new_left
                        ),
                        1,
                    ));
                }
            }
            if h.old_left == 0 && h.new_left == 0 {
                hunk = None;
            }
            continue;
        }
        if expect_plus {
            expect_plus = false;
            let Some(rest) = buf.strip_prefix(b"+++ ") else {
                return Err(lines.error_at(
                    "a `--- ` line must be followed by a `+++ ` line; the file header is incomplete",
                    1,
                ));
            };
            let name = header_name(rest).map_err(|e| lines.error_at(e, 5))?;
            if let Some(p) = pending.as_mut() {
                if p.git_names.is_none() {
                    let minus = p.minus.clone().flatten();
                    p.prefixed = (minus.is_some() || name.is_some())
                        && minus.as_deref().is_none_or(|n| n.starts_with("a/"))
                        && name.as_deref().is_none_or(|n| n.starts_with("b/"));
                }
                p.plus = Some(name);
            }
            continue;
        }
        if let Some(rest) = buf.strip_prefix(b"diff --git ") {
            finish(&mut patch, pending.take());
            let names = git_header_names(rest).map_err(|e| lines.error_at(e, 12))?;
            pending = Some(Pending::new(Some(names)));
        } else if buf.starts_with(b"diff --cc ") || buf.starts_with(b"diff --combined ") {
            return Err(lines.error_at(
                "a combined (merge) diff has no single new version to measure; diff the merge \
                 against one parent (`git diff BASE...HEAD`)",
                1,
            ));
        } else if buf.starts_with(b"diff ") {
            finish(&mut patch, pending.take());
        } else if let Some(rest) = buf.strip_prefix(b"--- ") {
            let name = header_name(rest).map_err(|e| lines.error_at(e, 5))?;
            let reuse = pending
                .as_ref()
                .is_some_and(|p| p.git_names.is_some() && p.minus.is_none() && p.hunks == 0);
            if !reuse {
                finish(&mut patch, pending.take());
                pending = Some(Pending::new(None));
            }
            if let Some(p) = pending.as_mut() {
                p.minus = Some(name);
            }
            expect_plus = true;
        } else if buf.starts_with(b"@@@") {
            return Err(lines.error_at(
                "a combined (merge) diff has no single new version to measure; diff the merge \
                 against one parent (`git diff BASE...HEAD`)",
                1,
            ));
        } else if buf.starts_with(b"@@ ") {
            let Some(p) = pending.as_mut() else {
                return Err(lines.error_at(
                    "a hunk before any file header (`diff --git` or `--- `/`+++ `)",
                    1,
                ));
            };
            if p.git_names.is_some() && p.plus.is_none() {
                return Err(lines.error_at("a hunk before its file's `--- `/`+++ ` lines", 1));
            }
            let (old_count, new_start, new_count) =
                hunk_header(&buf).map_err(|e| lines.error_at(e, 1))?;
            p.hunks += 1;
            p.last_hunk_line = line_no;
            if old_count > 0 || new_count > 0 {
                hunk = Some(Hunk {
                    old_left: old_count,
                    new_left: new_count,
                    new_line: new_start,
                    header_line: line_no,
                });
            }
        } else if let Some(p) = pending.as_mut() {
            let hunk_like = matches!(buf.first(), Some(b'+' | b' '))
                || (buf.first() == Some(&b'-') && buf != b"-- ");
            if p.hunks > 0 && hunk_like {
                return Err(lines.error_at(
                    format!(
                        "a changed or context line after the hunk opened at line {} is complete: \
                         the hunk header's counts are wrong (edited by hand?); produce the diff \
                         again with `git diff`",
                        p.last_hunk_line
                    ),
                    1,
                ));
            }
            git_extended_header(p, &buf).map_err(|e| lines.error_at(e, 1))?;
        }
    }
    if let Some(h) = hunk {
        return Err(ParseError::at(
            format!(
                "the diff ends inside the hunk opened at line {}: {} old and {} new line(s) are \
                 missing; the diff is truncated",
                h.header_line, h.old_left, h.new_left
            ),
            super::Position::LineCol {
                line: line_no.max(1),
                column: 1,
            },
        ));
    }
    if expect_plus {
        return Err(ParseError::at(
            "the diff ends after a `--- ` line without its `+++ ` line; it is truncated",
            super::Position::LineCol {
                line: line_no.max(1),
                column: 1,
            },
        ));
    }
    finish(&mut patch, pending.take());
    if any_content && patch.files.is_empty() {
        return Err(ParseError::at(
            "no file header (`diff --git ...` or `--- `/`+++ ` lines) found: this is not a \
             unified diff; give the output of `git diff` or `diff -u`",
            super::Position::LineCol { line: 1, column: 1 },
        ));
    }
    Ok(patch)
}

fn finish(patch: &mut Patch, pending: Option<Pending>) {
    if let Some(file) = pending.and_then(Pending::finish) {
        patch.files.push(file);
    }
}

/// git's extended header lines between `diff --git` and the first hunk.
fn git_extended_header(p: &mut Pending, line: &[u8]) -> Result<(), String> {
    if line.starts_with(b"new file mode ") {
        p.file.kind = ChangeKind::Added;
    } else if line.starts_with(b"deleted file mode ") {
        p.file.kind = ChangeKind::Deleted;
    } else if let Some(rest) = line.strip_prefix(b"rename to ") {
        p.rename_to = Some(plain_name(rest)?);
    } else if let Some(rest) = line.strip_prefix(b"rename from ") {
        p.rename_from = Some(plain_name(rest)?);
    } else if line.starts_with(b"Binary files ") || line == b"GIT binary patch" {
        p.file.binary = true;
    }
    Ok(())
}

/// `a/x` → `a`: a one-letter first component, as git's prefixes are.
fn one_letter_prefix(name: &str) -> Option<u8> {
    let b = name.as_bytes();
    (b.len() > 2 && b[1] == b'/' && b[0].is_ascii_alphanumeric()).then(|| b[0])
}

/// A name of a `---`/`+++` line: `None` for `/dev/null`.
fn header_name(rest: &[u8]) -> Result<Option<String>, String> {
    let name = if rest.first() == Some(&b'"') {
        let (name, _) = unquote(rest)?;
        name
    } else {
        let end = rest.iter().position(|&b| b == b'\t').unwrap_or(rest.len());
        let raw = &rest[..end];
        let raw = if end == rest.len() {
            raw.trim_ascii_end()
        } else {
            raw
        };
        String::from_utf8_lossy(raw).into_owned()
    };
    if name.is_empty() {
        return Err("a `---`/`+++` line without a file name".into());
    }
    Ok((name != "/dev/null").then_some(name))
}

/// A name of a `rename from`/`rename to` line (no prefix).
fn plain_name(rest: &[u8]) -> Result<String, String> {
    if rest.first() == Some(&b'"') {
        Ok(unquote(rest)?.0)
    } else {
        Ok(String::from_utf8_lossy(rest).into_owned())
    }
}

/// The two names of `diff --git A B`. Unquoted names may hold spaces; the split is the one where
/// both names are the same path after their prefixes (always so, except for renames, whose names
/// the `---`/`+++` or `rename` lines give anyway).
fn git_header_names(rest: &[u8]) -> Result<(String, String), String> {
    if rest.first() == Some(&b'"') {
        let (a, used) = unquote(rest)?;
        let tail = rest[used..].trim_ascii_start();
        let b = if tail.first() == Some(&b'"') {
            unquote(tail)?.0
        } else {
            String::from_utf8_lossy(tail).into_owned()
        };
        return Ok((a, b));
    }
    let text = String::from_utf8_lossy(rest);
    let spaces: Vec<usize> = text.match_indices(' ').map(|(i, _)| i).collect();
    if spaces.is_empty() {
        return Err("a `diff --git` line needs two names".into());
    }
    let unprefixed = |s: &str| -> String {
        match one_letter_prefix(s) {
            Some(_) => s[2..].to_string(),
            None => s.to_string(),
        }
    };
    for &i in &spaces {
        let (a, b) = (&text[..i], &text[i + 1..]);
        if b.starts_with('"') {
            let (bq, _) = unquote(b.as_bytes())?;
            return Ok((a.to_string(), bq));
        }
        if a == b || unprefixed(a) == unprefixed(b) {
            return Ok((a.to_string(), b.to_string()));
        }
    }
    let mid = spaces[spaces.len() / 2];
    Ok((text[..mid].to_string(), text[mid + 1..].to_string()))
}

/// A C-style quoted name as git writes it; returns the name and the bytes used.
fn unquote(s: &[u8]) -> Result<(String, usize), String> {
    let mut out = Vec::new();
    let mut i = 1;
    while i < s.len() {
        match s[i] {
            b'"' => return Ok((String::from_utf8_lossy(&out).into_owned(), i + 1)),
            b'\\' => {
                let c = *s.get(i + 1).ok_or("a quoted name ends with `\\`")?;
                i += 2;
                match c {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'a' => out.push(7),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'v' => out.push(11),
                    b'0'..=b'3' => {
                        let digits = s.get(i - 1..i + 2).ok_or("a cut octal escape")?;
                        if !digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                            return Err("an octal escape needs three digits 0-7".into());
                        }
                        out.push(
                            (digits[0] - b'0') * 64 + (digits[1] - b'0') * 8 + (digits[2] - b'0'),
                        );
                        i += 2;
                    }
                    other => out.push(other),
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Err("a quoted name without its closing `\"`".into())
}

/// `@@ -a[,b] +c[,d] @@ ...` → (b, c, d).
fn hunk_header(line: &[u8]) -> Result<(u64, u64, u64), String> {
    let text = std::str::from_utf8(line).map_err(|_| "a hunk header that is not text")?;
    let body = text
        .strip_prefix("@@ ")
        .and_then(|t| t.split_once(" @@"))
        .map(|(b, _)| b)
        .ok_or_else(|| format!("a malformed hunk header {text:?}: expected `@@ -a,b +c,d @@`"))?;
    let (old, new) = body
        .split_once(' ')
        .ok_or_else(|| format!("a malformed hunk header {text:?}: expected `@@ -a,b +c,d @@`"))?;
    let range = |s: &str, sign: char| -> Result<(u64, u64), String> {
        let s = s.strip_prefix(sign).ok_or_else(|| {
            format!("a malformed hunk header {text:?}: expected `{sign}` before a range")
        })?;
        let (start, count) = match s.split_once(',') {
            Some((a, b)) => (a, b),
            None => (s, "1"),
        };
        let num = |n: &str| -> Result<u64, String> {
            if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || n.len() > 10 {
                return Err(format!(
                    "a malformed hunk header {text:?}: {n:?} is not a line number"
                ));
            }
            n.parse::<u64>().map_err(|e| e.to_string())
        };
        Ok((num(start)?, num(count)?))
    };
    let (_, old_count) = range(old, '-')?;
    let (new_start, new_count) = range(new.trim_end(), '+')?;
    if new_count > 0 && new_start == 0 {
        return Err(format!(
            "a malformed hunk header {text:?}: new lines cannot start at line 0"
        ));
    }
    if new_start.saturating_add(new_count) > u64::from(u32::MAX) {
        return Err(format!("a hunk header {text:?} beyond line {}", u32::MAX));
    }
    Ok((old_count, new_start, new_count))
}

#[cfg(test)]
mod tests;
