//! Go cover profiles (`go test -coverprofile`, `go tool covdata textfmt`).
//!
//! The format is a `mode: set|count|atomic` line, then one line per basic block:
//! `path/file.go:startLine.startCol,endLine.endCol numStatements count`.
//!
//! Go measures statements, not lines, and has no branch data. The report's *line* counters hold
//! statements — `lines_total` is the number of statements, `lines_covered` those in blocks with
//! count > 0 — which is the figure `go test -cover` prints ("coverage: 60.0% of statements").
//! `has_branches` stays false.
//!
//! A profile written by `go test -coverpkg=... ./...` (or several profiles concatenated) lists
//! the same block once per test binary; identical blocks (same file and range) are merged, the
//! block covered when any listing has count > 0, so statements are not counted twice. Repeated
//! `mode:` lines of concatenated profiles are accepted.

use std::io::BufRead;

use super::ParseError;
use super::coverage_common::{Entry, Figures, FileMerger, LineReader, count, line_number};
use crate::evidence::CoverageReport;

const FORMAT: &str = "Go cover profile";

/// True when the head of a file starts with a Go cover profile's `mode:` line.
pub fn sniff(head: &[u8]) -> bool {
    let first = head.split(|&b| b == b'\n').next().unwrap_or(b"");
    let first = first.strip_suffix(b"\r").unwrap_or(first);
    matches!(first, b"mode: set" | b"mode: count" | b"mode: atomic")
}

#[derive(Debug, Clone, Copy)]
struct Block {
    range: (u32, u32, u32, u32),
    statements: u32,
    hit: bool,
}

impl Entry for Block {
    type Key = (u32, u32, u32, u32);

    fn key(&self) -> Self::Key {
        self.range
    }

    fn absorb(&mut self, other: &Self) {
        self.hit |= other.hit;
        self.statements = self.statements.max(other.statements);
    }

    fn add_to(&self, f: &mut Figures) {
        f.lines_total += u64::from(self.statements);
        if self.hit {
            f.lines_covered += u64::from(self.statements);
        }
    }
}

/// Parses a Go cover profile.
pub fn parse<R: BufRead>(reader: R) -> Result<CoverageReport, ParseError> {
    let mut lines = LineReader::new(reader, FORMAT);
    let mut merger: FileMerger<Block> = FileMerger::default();
    let mut mode: Option<String> = None;
    let mut mixed_modes = false;
    let mut current: Option<(String, Vec<Block>)> = None;
    let mut raw = Vec::new();

    while lines.next_line(&mut raw)? {
        let text = String::from_utf8_lossy(&raw);
        let line = text.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(m) = line.strip_prefix("mode:") {
            let m = m.trim();
            if !matches!(m, "set" | "count" | "atomic") {
                return Err(lines.error_at(
                    format!("unknown cover mode {m:?}: expected set, count or atomic"),
                    7,
                ));
            }
            match &mode {
                Some(previous) if previous != m => mixed_modes = true,
                _ => mode = Some(m.to_string()),
            }
            continue;
        }
        if mode.is_none() {
            return Err(lines.error_at(
                "expected a Go cover profile starting with \"mode: set|count|atomic\"",
                1,
            ));
        }
        let (path, block) = parse_block(line).map_err(|(m, col)| lines.error_at(m, col))?;
        match current.as_mut() {
            Some((p, blocks)) if *p == path => blocks.push(block),
            _ => {
                if let Some((p, blocks)) = current.take() {
                    merger.add(&p, blocks, Figures::default());
                }
                current = Some((path.to_string(), vec![block]));
            }
        }
    }
    if let Some((p, blocks)) = current.take() {
        merger.add(&p, blocks, Figures::default());
    }
    let Some(mode) = mode else {
        return Err(lines.error_at(
            "empty input: expected a Go cover profile starting with \"mode:\"",
            1,
        ));
    };
    let mut report = merger.finish();
    report.notes.push(format!(
        "Go cover profile (mode: {mode}): line counters are statements"
    ));
    if mixed_modes {
        report
            .notes
            .push("the profile mixes cover modes (concatenated profiles)".into());
    }
    Ok(report)
}

/// `file.go:12.5,14.2 3 1` → (file, block), or an error message with a 1-based column.
fn parse_block(line: &str) -> Result<(&str, Block), (String, usize)> {
    let shape = "expected \"file.go:line.col,line.col statements count\"";
    let mut parts = line.rsplitn(3, char::is_whitespace);
    let (Some(hits), Some(statements), Some(location)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err((format!("{shape}, found {line:?}"), 1));
    };
    let location = location.trim_end();
    let Some((path, range)) = location.rsplit_once(':') else {
        return Err((format!("{shape}, found {line:?}"), 1));
    };
    let range_column = path.len() + 2;
    let bad_range = || {
        (
            format!("block range is not like \"12.5,14.2\": {range:?}"),
            range_column,
        )
    };
    let (start, end) = range.split_once(',').ok_or_else(bad_range)?;
    let (sl, sc) = start.split_once('.').ok_or_else(bad_range)?;
    let (el, ec) = end.split_once('.').ok_or_else(bad_range)?;
    let number = |s: &str| line_number(s, "block position").map_err(|m| (m, range_column));
    let range = (number(sl)?, number(sc)?, number(el)?, number(ec)?);
    let statements_column = location.len() + 2;
    let statements =
        line_number(statements, "statement count").map_err(|m| (m, statements_column))?;
    let hits_column = line.len() - hits.len() + 1;
    let hits = count(hits, "execution count").map_err(|m| (m, hits_column))?;
    Ok((
        path,
        Block {
            range,
            statements,
            hit: hits > 0,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Position;

    fn parse_str(s: &str) -> Result<CoverageReport, ParseError> {
        parse(s.as_bytes())
    }

    #[test]
    fn statements_are_the_line_counters() {
        let r =
            parse_str("mode: count\nm/a.go:3.10,5.2 2 7\nm/a.go:5.2,6.3 1 0\nm/b.go:1.1,2.2 4 1\n")
                .unwrap();
        assert_eq!(
            (r.lines_covered, r.lines_total, r.has_branches),
            (6, 7, false)
        );
        assert_eq!(r.files.len(), 2);
        assert_eq!(
            (
                r.files[0].path.as_str(),
                r.files[0].lines_covered,
                r.files[0].lines_total
            ),
            ("m/a.go", 2, 3)
        );
    }

    #[test]
    fn identical_blocks_of_merged_profiles_count_once() {
        let r = parse_str(
            "mode: set\nm/a.go:1.1,2.2 1 0\nm/a.go:3.1,4.2 2 1\nm/b.go:1.1,1.9 1 1\n\
             mode: set\nm/a.go:1.1,2.2 1 1\nm/a.go:3.1,4.2 2 0\n",
        )
        .unwrap();
        assert_eq!((r.lines_covered, r.lines_total), (4, 4));
        assert_eq!(r.files.len(), 2);
    }

    #[test]
    fn windows_paths_and_huge_counts() {
        let r = parse_str("mode: atomic\r\nC:\\src\\a.go:1.1,2.2 3 99999999999999999999999\r\n")
            .unwrap();
        assert_eq!((r.lines_covered, r.lines_total), (3, 3));
        assert_eq!(r.files[0].path, "C:\\src\\a.go");
    }

    #[test]
    fn malformed_input_fails_with_position() {
        let err = parse_str("mode: set\nm/a.go:1.1,2.2 1 1\nm/a.go:x.1,2.2 1 1\n").unwrap_err();
        assert_eq!(
            err.position,
            Some(Position::LineCol { line: 3, column: 8 }),
            "{err}"
        );
        let err = parse_str("mode: set\nm/a.go:1.1,2.2 1 -1\n").unwrap_err();
        assert!(err.message.contains("negative"), "{err}");
        assert!(
            parse_str("m/a.go:1.1,2.2 1 1\n")
                .unwrap_err()
                .message
                .contains("mode")
        );
        assert!(parse_str("mode: bogus\n").is_err());
        assert!(parse_str("").is_err());
        assert!(parse_str("mode: set\nnonsense\n").is_err());
    }

    #[test]
    fn sniffs_go_profiles_only() {
        assert!(sniff(b"mode: set\na.go:1.1,2.2 1 1\n"));
        assert!(sniff(b"mode: atomic\r\n"));
        assert!(!sniff(b"SF:a.go\n"));
        assert!(!sniff(b"mode: sets\n"));
    }
}
