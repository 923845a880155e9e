//! LCOV tracefiles (geninfo/lcov, gcovr `--lcov`, llvm-cov export, cargo-llvm-cov, c8/istanbul,
//! coverage.py `coverage lcov`, SpiderMonkey, ...).
//!
//! Read line by line with bounded memory. Within an `SF:` … `end_of_record` record:
//! - lines come from `DA:<line>,<hits>[,<checksum>]`; a line listed twice counts once, covered
//!   when any listing has hits > 0 (SpiderMonkey repeats lines). Only when a record has no `DA`
//!   at all (cargo-llvm-cov `--summary-only`) are its `LF`/`LH` used. `LF`/`LH` that disagree
//!   with the `DA` lines are noted, not used;
//! - branches come from `BRDA:<line>,<block>,<branch>,<taken>` (`-` = never reached, i.e. not
//!   taken; block/branch may be text, e.g. coverage.py's `jump to line 7`), else `BRF`/`BRH`. A
//!   report has branch data when it has a `BRDA` line or a `BRF` above 0 (llvm-cov writes
//!   `BRF:0` when branch coverage was off);
//! - hit counts above `u64::MAX` saturate; negative or non-numeric counts are errors.
//!
//! The same `SF` in several records (tracefiles concatenated from several runs) is merged: the
//! union of lines, each covered if covered in any record. `TN`, `VER`, `FN*` and lcov 2's `MCDC`,
//! `MCF`, `MCH` records are ignored. Once a file has shown it is LCOV (an `SF` line), a record
//! gonogo does not know (another key, or a line that is not `KEY:value`) is skipped and counted in
//! a note naming the first one, as lcov and genhtml themselves skip what they do not know;
//! before any `SF`, such a line is an error with its line number (the file is not LCOV), and so
//! is input that ends inside a record.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::BufRead;

use super::ParseError;
use super::coverage_common::{
    Entry, Figures, FileMerger, LineReader, count_bytes, line_number_bytes,
};
use crate::evidence::CoverageReport;

const FORMAT: &str = "LCOV";

/// True when the head of a file looks like an LCOV tracefile: its first meaningful line is a
/// `TN:` or `SF:` record.
pub fn sniff(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
        .is_some_and(|l| l.starts_with(b"TN:") || l.starts_with(b"SF:"))
}

/// A `DA` line (`branch == 0`) or one `BRDA` branch (`branch` = hash of block and branch, odd).
#[derive(Debug, Clone, Copy)]
struct Item {
    line: u32,
    branch: u64,
    hit: bool,
}

impl Entry for Item {
    type Key = (u32, u64);

    fn key(&self) -> (u32, u64) {
        (self.line, self.branch)
    }

    fn absorb(&mut self, other: &Self) {
        self.hit |= other.hit;
    }

    fn line(&self) -> Option<(u32, bool)> {
        (self.branch == 0).then_some((self.line, self.hit))
    }

    fn add_to(&self, f: &mut Figures) {
        if self.branch == 0 {
            f.lines_total += 1;
            f.lines_covered += u64::from(self.hit);
        } else {
            f.branches_total += 1;
            f.branches_covered += u64::from(self.hit);
            f.has_branches = true;
        }
    }
}

#[derive(Default)]
struct Record {
    path: String,
    items: Vec<Item>,
    has_da: bool,
    has_brda: bool,
    lf: Option<u64>,
    lh: Option<u64>,
    brf: Option<u64>,
    brh: Option<u64>,
}

#[derive(Default)]
struct Disagreement {
    records: u64,
    declared: (u64, u64),
    counted: (u64, u64),
}

/// Parses an LCOV tracefile.
pub fn parse<R: BufRead>(reader: R) -> Result<CoverageReport, ParseError> {
    let mut lines = LineReader::new(reader, FORMAT);
    let mut merger: FileMerger<Item> = FileMerger::default();
    let mut record: Option<Record> = None;
    let mut records: u64 = 0;
    let mut disagreement = Disagreement::default();
    let mut unknown = Unknown::default();

    let mut raw = Vec::new();
    while lines.next_line(&mut raw)? {
        let line = raw.trim_ascii();
        if line.is_empty() {
            continue;
        }
        let indent = raw.len() - raw.trim_ascii_start().len();
        if line == b"end_of_record" {
            let Some(r) = record.take() else {
                return Err(
                    lines.error_at("end_of_record without a preceding SF record", indent + 1)
                );
            };
            finish(&mut merger, r, &mut disagreement);
            records += 1;
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            if records > 0 || record.is_some() {
                unknown.add(&lines, line, indent);
                continue;
            }
            return Err(lines.error_at(
                format!(
                    "expected an LCOV record like \"DA:3,1\" or end_of_record, found {:?}",
                    clip(&String::from_utf8_lossy(line))
                ),
                indent + 1,
            ));
        };
        let (key, value) = (&line[..colon], &line[colon + 1..]);
        if key == b"SF" {
            if let Some(r) = record.take() {
                finish(&mut merger, r, &mut disagreement);
                records += 1;
            }
            record = Some(Record {
                path: String::from_utf8_lossy(value).into_owned(),
                ..Record::default()
            });
            continue;
        }
        let key = match key {
            b"DA" => "DA",
            b"BRDA" => "BRDA",
            b"LF" => "LF",
            b"LH" => "LH",
            b"BRF" => "BRF",
            b"BRH" => "BRH",
            b"TN" | b"VER" | b"FN" | b"FNDA" | b"FNF" | b"FNH" | b"FNL" | b"FNA" | b"MCDC"
            | b"MCF" | b"MCH" => continue,
            _ => {
                unknown.add(&lines, line, indent);
                continue;
            }
        };
        let Some(r) = record.as_mut() else {
            return Err(lines.error_at(
                format!("{key} outside a record (no SF line before it)"),
                indent + 1,
            ));
        };
        let err = |m: String| lines.error_at(format!("{key}: {m}"), indent + colon + 2);
        match key {
            "DA" => {
                let mut fields = value.splitn(3, |&b| b == b',');
                let line_no =
                    line_number_bytes(fields.next().unwrap_or(b""), "line number").map_err(err)?;
                let hits = fields
                    .next()
                    .ok_or_else(|| err("expected <line>,<hits>".into()))?;
                let hits = count_bytes(hits, "hit count").map_err(err)?;
                r.items.push(Item {
                    line: line_no,
                    branch: 0,
                    hit: hits > 0,
                });
                r.has_da = true;
            }
            "BRDA" => {
                let shape = || err("expected <line>,<block>,<branch>,<taken>".into());
                let first = value.iter().position(|&b| b == b',').ok_or_else(shape)?;
                let last = value.iter().rposition(|&b| b == b',').ok_or_else(shape)?;
                let id = value.get(first + 1..last).ok_or_else(shape)?;
                if !id.contains(&b',') {
                    return Err(shape());
                }
                let line_no = line_number_bytes(&value[..first], "line number").map_err(err)?;
                let taken = match value[last + 1..].trim_ascii() {
                    b"-" => 0,
                    t => count_bytes(t, "taken count").map_err(err)?,
                };
                r.items.push(Item {
                    line: line_no,
                    branch: branch_id(id),
                    hit: taken > 0,
                });
                r.has_brda = true;
            }
            _ => {
                let n = count_bytes(value, key).map_err(err)?;
                match key {
                    "LF" => r.lf = Some(n),
                    "LH" => r.lh = Some(n),
                    "BRF" => r.brf = Some(n),
                    _ => r.brh = Some(n),
                }
            }
        }
    }
    if let Some(r) = record {
        return Err(lines.error_at(
            format!(
                "truncated LCOV: the record for SF:{} has no end_of_record",
                clip(&r.path)
            ),
            1,
        ));
    }
    let mut report = merger.finish();
    if records == 0 {
        report
            .notes
            .push("no SF records: the LCOV report is empty".into());
    }
    if let Some(note) = unknown.note() {
        report.notes.push(note);
    }
    if disagreement.records > 0 {
        let Disagreement {
            records,
            declared,
            counted,
        } = disagreement;
        report.notes.push(format!(
            "{records} record(s) declare LF/LH {}/{} but their DA lines give {}/{}; the DA lines are used",
            declared.1, declared.0, counted.1, counted.0
        ));
    }
    Ok(report)
}

/// Records gonogo does not know, skipped: how many, and the first with its position.
#[derive(Default)]
struct Unknown {
    count: u64,
    first: Option<String>,
}

impl Unknown {
    fn add<R: BufRead>(&mut self, lines: &LineReader<R>, line: &[u8], indent: usize) {
        self.count += 1;
        if self.first.is_none() {
            let at = lines
                .error_at("", indent + 1)
                .position
                .map(|p| format!("{p}: "))
                .unwrap_or_default();
            self.first = Some(format!("{at}{:?}", clip(&String::from_utf8_lossy(line))));
        }
    }

    fn note(&self) -> Option<String> {
        let first = self.first.as_deref()?;
        Some(format!(
            "{} unknown LCOV record line(s) skipped (first at {first})",
            self.count
        ))
    }
}

fn finish(merger: &mut FileMerger<Item>, r: Record, disagreement: &mut Disagreement) {
    let mut extra = Figures::default();
    if r.has_da {
        if let (Some(lf), Some(lh)) = (r.lf, r.lh) {
            let mut seen: Vec<(u32, bool)> = r
                .items
                .iter()
                .filter(|i| i.branch == 0)
                .map(|i| (i.line, i.hit))
                .collect();
            seen.sort_unstable();
            seen.dedup_by(|later, kept| {
                let same = later.0 == kept.0;
                if same {
                    kept.1 |= later.1;
                }
                same
            });
            let counted = (
                seen.iter().filter(|s| s.1).count() as u64,
                seen.len() as u64,
            );
            if (lh, lf) != counted {
                disagreement.records += 1;
                disagreement.declared.0 += lh;
                disagreement.declared.1 += lf;
                disagreement.counted.0 += counted.0;
                disagreement.counted.1 += counted.1;
            }
        }
    } else {
        extra.lines_total = r.lf.unwrap_or(0);
        extra.lines_covered = r.lh.unwrap_or(0).min(extra.lines_total);
    }
    if !r.has_brda && r.brf.unwrap_or(0) > 0 {
        extra.branches_total = r.brf.unwrap_or(0);
        extra.branches_covered = r.brh.unwrap_or(0).min(extra.branches_total);
        extra.has_branches = true;
    }
    merger.add(&r.path, r.items, extra);
}

fn branch_id(block_and_branch: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    block_and_branch.trim_ascii().hash(&mut h);
    h.finish() | 1
}

fn clip(s: &str) -> String {
    let mut end = s.len().min(60);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    if end < s.len() {
        format!("{}…", &s[..end])
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Position;

    fn counters(r: &CoverageReport) -> (u64, u64, u64, u64, bool) {
        (
            r.lines_covered,
            r.lines_total,
            r.branches_covered,
            r.branches_total,
            r.has_branches,
        )
    }

    fn parse_str(s: &str) -> Result<CoverageReport, ParseError> {
        parse(s.as_bytes())
    }

    #[test]
    fn da_and_brda_records() {
        let r = parse_str(
            "TN:\nSF:a.c\nFN:1,main\nDA:1,1\nDA:2,0\nDA:2,3\nDA:3,0,abcdef\nBRDA:2,0,0,1\nBRDA:2,0,1,-\n\
             BRDA:3,0,jump to line 7,0\nBRF:3\nBRH:1\nLF:3\nLH:2\nend_of_record\n",
        )
        .unwrap();
        assert_eq!(counters(&r), (2, 3, 1, 3, true));
        assert!(r.notes.is_empty(), "{:?}", r.notes);
        assert_eq!(r.files[0].path, "a.c");
    }

    #[test]
    fn summary_only_records_use_lf_lh_and_brf_zero_is_no_branch_data() {
        let r = parse_str("SF:a.rs\nBRF:0\nBRH:0\nLF:7\nLH:4\nend_of_record\r\nSF:b.rs\nLF:3\nLH:3\nend_of_record").unwrap();
        assert_eq!(counters(&r), (7, 10, 0, 0, false));
    }

    #[test]
    fn same_sf_in_several_records_is_unioned() {
        let r = parse_str(
            "SF:a.c\nDA:1,0\nDA:2,1\nBRDA:1,0,0,-\nend_of_record\nSF:b.c\nDA:1,1\nend_of_record\n\
             SF:a.c\nDA:1,4\nDA:3,0\nBRDA:1,0,0,2\nend_of_record\n",
        )
        .unwrap();
        assert_eq!(counters(&r), (3, 4, 1, 1, true));
        assert_eq!(r.files.len(), 2);
        assert_eq!((r.files[0].lines_covered, r.files[0].lines_total), (2, 3));
    }

    #[test]
    fn lf_disagreeing_with_da_is_noted() {
        let r = parse_str("SF:a\nDA:1,0\nDA:1,0\nLF:2\nLH:0\nend_of_record\n").unwrap();
        assert_eq!(counters(&r), (0, 1, 0, 0, false));
        assert_eq!(r.notes.len(), 1);
    }

    #[test]
    fn huge_declared_totals_saturate_across_records() {
        let rec = "LF:18446744073709551615\nLH:18446744073709551615\nBRF:99999999999999999999\nBRH:1\nend_of_record\n";
        let r = parse_str(&format!("SF:a\n{rec}SF:b\n{rec}SF:a\n{rec}")).unwrap();
        assert_eq!(counters(&r), (u64::MAX, u64::MAX, 2, u64::MAX, true));
    }

    #[test]
    fn huge_counts_saturate() {
        let r = parse_str("SF:a\nDA:1,18446744073709551615\nDA:2,99999999999999999999999999\nBRDA:1,0,0,18446744073709551616\nend_of_record\n").unwrap();
        assert_eq!(counters(&r), (2, 2, 1, 1, true));
    }

    #[test]
    fn malformed_lines_name_their_line_and_column() {
        let err = parse_str("SF:a\nDA:1,1\nDA:abc\nend_of_record\n").unwrap_err();
        assert_eq!(
            err.position,
            Some(Position::LineCol { line: 3, column: 4 }),
            "{err}"
        );
        assert!(err.message.contains("line number"), "{err}");
        let err = parse_str("SF:a\nDA:1,-2\nend_of_record\n").unwrap_err();
        assert!(err.message.contains("negative"), "{err}");
        let err = parse_str("SF:a\nBRDA:1,0,x\nend_of_record\n").unwrap_err();
        assert!(err.message.contains("BRDA"), "{err}");
        let err = parse_str("DA:1,1\n").unwrap_err();
        assert!(err.message.contains("outside a record"), "{err}");
        let err = parse_str("SF:a\nDA:1,1\n").unwrap_err();
        assert!(err.message.contains("truncated"), "{err}");
        let err = parse_str("\u{0}\u{7f}\u{1}binary\n").unwrap_err();
        assert_eq!(err.position, Some(Position::LineCol { line: 1, column: 1 }));
        assert!(parse(&[0xFFu8, 0xFE, 0x00, 0x41, b'\n'][..]).is_err());
    }

    #[test]
    fn unknown_records_in_an_lcov_file_are_a_note() {
        let r = parse_str(
            "TN:\nSF:a.c\nFNL:0,1,3\nMCDC:1,2,t,1,0,x\nDA:1,1\nXYZ:7\ngarbage line\nend_of_record\nnot lcov\n",
        )
        .unwrap();
        assert_eq!(counters(&r), (1, 1, 0, 0, false));
        assert_eq!(
            r.notes,
            ["3 unknown LCOV record line(s) skipped (first at 6:1: \"XYZ:7\")"]
        );
        let err = parse_str("not lcov\nSF:a\nend_of_record\n").unwrap_err();
        assert_eq!(err.position, Some(Position::LineCol { line: 1, column: 1 }));
    }

    #[test]
    fn empty_input_is_an_empty_report() {
        let r = parse_str("\n\n").unwrap();
        assert_eq!(counters(&r), (0, 0, 0, 0, false));
        assert_eq!(r.notes.len(), 1);
    }

    #[test]
    fn sniffs_lcov_only() {
        assert!(sniff(b"TN:\nSF:a.c\n"));
        assert!(sniff(b"\n\r\nSF:a.c\r\nDA:1,1\r\n"));
        assert!(!sniff(b"mode: set\na.go:1.1,2.2 1 1\n"));
        assert!(!sniff(b"<?xml version=\"1.0\"?><coverage/>"));
        assert!(!sniff(b""));
    }
}
