//! Cobertura XML coverage (coverage.py, gcovr, istanbul/nyc, coverlet, scoverage, simplecov,
//! cargo-llvm-cov, grcov, ...).
//!
//! The counters come from the `<line>` elements of the `<lines>` directly under each `<class>`,
//! not from the root's declared `lines-covered`/`lines-valid`, because producers disagree on
//! what those mean: gcovr lists a source line once per function that contains it (virtual
//! destructors), which inflates its declared `lines-valid`. Lines under `<method>` repeat the
//! class's lines in most producers and are only used for a class that has no class-level lines.
//! A file spread over several classes (nested, partial or inner classes) is merged by line: a
//! line is covered when any occurrence has `hits > 0`; its branches are the largest
//! `condition-coverage="50% (1/2)"` seen. Branch counters come only from `branch="true"` lines
//! (case-insensitive: coverlet writes `True`), so a report without them has no branch data.
//! Declared `lines-covered`/`lines-valid` that differ from the counted lines are noted (unless
//! the declared `line-rate` is already noted as different).
//!
//! When the report has no `<line>` at all (a summary-only export), the root's `lines-covered`,
//! `lines-valid`, `branches-covered` and `branches-valid` are used. A declared `line-rate` or
//! `branch-rate` that differs from the counted figures by more than 0.01 is noted: istanbul, for
//! one, counts branches that no `<line>` carries.
//!
//! The DOCTYPE that most producers emit (coverage-04.dtd) is skipped, never fetched.

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use super::ParseError;
use super::coverage_common::{
    Entry, Figures, FileMerger, count, line_number, parse_rate, rate_note,
};
use super::coverage_xml::{XmlInput, has_attribute, name, sniff_root, text_attr};
use crate::evidence::CoverageReport;

const FORMAT: &str = "Cobertura";

/// `<source>` roots kept (coverage.py writes one per source directory).
const MAX_SOURCE_ROOTS: usize = 100;

/// True when the head of a file looks like a Cobertura report (root `<coverage>` with
/// Cobertura's attributes or children, not Clover's `<coverage><project>`).
pub fn sniff(head: &[u8]) -> bool {
    let Some(root) = sniff_root(head) else {
        return false;
    };
    if root.name != "coverage" || root.first_child == Some("project") {
        return false;
    }
    if has_attribute(root.attributes, "clover") {
        return false;
    }
    root.doctype.contains("coverage")
        || ["line-rate", "lines-valid", "branch-rate"]
            .iter()
            .any(|a| has_attribute(root.attributes, a))
        || matches!(root.first_child, Some("sources" | "packages"))
}

#[derive(Debug, Clone, Copy)]
struct Line {
    number: u32,
    covered: bool,
    branch: Option<(u32, u32)>,
}

impl Entry for Line {
    type Key = u32;

    fn key(&self) -> u32 {
        self.number
    }

    fn absorb(&mut self, other: &Self) {
        self.covered |= other.covered;
        self.branch = match (self.branch, other.branch) {
            (Some((c1, t1)), Some((c2, t2))) => {
                let total = t1.max(t2);
                Some((c1.max(c2).min(total), total))
            }
            (a, b) => a.or(b),
        };
    }

    fn line(&self) -> Option<(u32, bool)> {
        Some((self.number, self.covered))
    }

    fn add_to(&self, f: &mut Figures) {
        f.lines_total += 1;
        f.lines_covered += u64::from(self.covered);
        if let Some((covered, total)) = self.branch {
            f.branches_covered += u64::from(covered);
            f.branches_total += u64::from(total);
            f.has_branches = true;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Coverage,
    Packages,
    Package,
    Classes,
    Class,
    Methods,
    Method,
    ClassLines,
    MethodLines,
    Sources,
    Source,
    Other,
}

#[derive(Default)]
struct Declared {
    /// coverage.py's `timestamp` (milliseconds since the epoch).
    produced_at: Option<jiff::Timestamp>,
    line_rate: Option<f64>,
    branch_rate: Option<f64>,
    lines_covered: Option<u64>,
    lines_valid: Option<u64>,
    branches_covered: Option<u64>,
    branches_valid: Option<u64>,
}

struct Class {
    path: String,
    lines: Vec<Line>,
    method_lines: Vec<Line>,
}

/// Parses a Cobertura XML report.
pub fn parse<R: BufRead>(reader: R) -> Result<CoverageReport, ParseError> {
    let mut xml = XmlInput::new(reader, FORMAT)?;
    let mut buf = Vec::new();
    let mut stack: Vec<Ctx> = Vec::new();
    let mut declared = Declared::default();
    let mut merger: FileMerger<Line> = FileMerger::default();
    let mut class: Option<Class> = None;
    let mut line_elements: u64 = 0;
    let mut percent_only: u64 = 0;
    let mut root_seen = false;
    let mut source_text = String::new();
    let mut source_roots: Vec<String> = Vec::new();

    loop {
        let event = xml.next(&mut buf)?;
        let (element, is_start) = match &event {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(_) => {
                match stack.pop() {
                    Some(Ctx::Class) => {
                        if let Some(c) = class.take() {
                            finish_class(&mut merger, c);
                        }
                    }
                    Some(Ctx::Source) => {
                        let root = text_attr(source_text.trim());
                        if !root.is_empty() && source_roots.len() < MAX_SOURCE_ROOTS {
                            source_roots.push(root);
                        }
                        source_text.clear();
                    }
                    _ => {}
                }
                if stack.is_empty() {
                    break;
                }
                continue;
            }
            Event::Text(text) if stack.last() == Some(&Ctx::Source) => {
                if source_text.len() < 64 * 1024 {
                    source_text.push_str(&text.xml10_content());
                }
                continue;
            }
            Event::Eof => {
                if root_seen {
                    break;
                }
                return Err(xml.no_root("coverage"));
            }
            _ => continue,
        };
        let tag = name(element);
        let parent = stack.last().copied();
        let ctx = match parent {
            None => {
                xml.expect_root(tag, "coverage")?;
                root_seen = true;
                declared = read_declared(&xml, element)?;
                Ctx::Coverage
            }
            Some(parent) => child_ctx(parent, tag),
        };
        match ctx {
            Ctx::Class => {
                let c = Class {
                    path: class_path(&xml, element)?,
                    lines: Vec::new(),
                    method_lines: Vec::new(),
                };
                if is_start {
                    class = Some(c);
                } else {
                    finish_class(&mut merger, c);
                }
            }
            Ctx::Other if tag == "line" => {
                let target = match (parent, class.as_mut()) {
                    (Some(Ctx::ClassLines), Some(c)) => Some(&mut c.lines),
                    (Some(Ctx::MethodLines), Some(c)) => Some(&mut c.method_lines),
                    _ => None,
                };
                if let Some(target) = target {
                    let (line, percent) = read_line(&xml, element)?;
                    if parent == Some(Ctx::ClassLines) {
                        percent_only += u64::from(percent);
                    }
                    target.push(line);
                    line_elements += 1;
                }
            }
            _ => {}
        }
        if is_start {
            stack.push(ctx);
        } else if parent.is_none() {
            break;
        }
    }

    let mut report = merger.finish();
    report.produced_at = declared.produced_at;
    report.source_roots = source_roots;
    if line_elements == 0 {
        report.files.clear();
        report.files_truncated = 0;
        from_declared(&declared, &mut report);
    } else {
        let line_rate = report.line_percent().map(|p| p / 100.0);
        let (covered, total) = (report.lines_covered, report.lines_total);
        let line_rate_note = rate_note("line-rate", declared.line_rate, line_rate, covered, total);
        // A rate note already says the declared figures disagree; the totals note is for the
        // files whose rates agree while their totals do not.
        let totals = match line_rate_note {
            Some(_) => None,
            None => totals_note(&declared, &report),
        };
        report.notes.extend(line_rate_note);
        report.notes.extend(totals);
        let branch_rate = report.branch_percent().map(|p| p / 100.0);
        let (covered, total) = (report.branches_covered, report.branches_total);
        report.notes.extend(rate_note(
            "branch-rate",
            declared.branch_rate,
            branch_rate,
            covered,
            total,
        ));
    }
    if percent_only > 0 {
        report.notes.push(format!(
            "{percent_only} branch line(s) give condition-coverage as a percentage without \
             counts (\"50%\" instead of \"50% (1/2)\"); they add no branch counters"
        ));
    }
    Ok(report)
}

/// A note when the root's declared `lines-covered`/`lines-valid` differ from the counted `<line>`
/// elements; the counted figures are used.
fn totals_note(d: &Declared, report: &CoverageReport) -> Option<String> {
    let (covered, valid) = (d.lines_covered?, d.lines_valid?);
    ((covered, valid) != (report.lines_covered, report.lines_total)).then(|| {
        format!(
            "declared lines-covered/lines-valid {covered}/{valid} but the <line> elements give {}/{}; the counted figures are used",
            report.lines_covered, report.lines_total
        )
    })
}

fn child_ctx(parent: Ctx, tag: &str) -> Ctx {
    match (parent, tag) {
        (Ctx::Coverage, "packages") => Ctx::Packages,
        (Ctx::Coverage, "sources") => Ctx::Sources,
        (Ctx::Sources, "source") => Ctx::Source,
        (Ctx::Packages, "package") => Ctx::Package,
        (Ctx::Package, "classes") => Ctx::Classes,
        (Ctx::Classes, "class") => Ctx::Class,
        (Ctx::Class, "methods") => Ctx::Methods,
        (Ctx::Class, "lines") => Ctx::ClassLines,
        (Ctx::Methods, "method") => Ctx::Method,
        (Ctx::Method, "lines") => Ctx::MethodLines,
        _ => Ctx::Other,
    }
}

fn finish_class(merger: &mut FileMerger<Line>, c: Class) {
    let lines = if c.lines.is_empty() {
        c.method_lines
    } else {
        c.lines
    };
    merger.add(&c.path, lines, Figures::default());
}

fn read_declared<R: BufRead>(
    xml: &XmlInput<R>,
    root: &BytesStart<'_>,
) -> Result<Declared, ParseError> {
    let mut d = Declared::default();
    xml.attributes(root, |key, value| {
        match key {
            "line-rate" => d.line_rate = parse_rate(value),
            "branch-rate" => d.branch_rate = parse_rate(value),
            "timestamp" => d.produced_at = crate::evidence::parse_report_time(value),
            "lines-covered" => d.lines_covered = Some(count(value, "lines-covered")?),
            "lines-valid" => d.lines_valid = Some(count(value, "lines-valid")?),
            "branches-covered" => d.branches_covered = Some(count(value, "branches-covered")?),
            "branches-valid" => d.branches_valid = Some(count(value, "branches-valid")?),
            _ => {}
        }
        Ok(())
    })?;
    Ok(d)
}

fn from_declared(d: &Declared, report: &mut CoverageReport) {
    match (d.lines_covered, d.lines_valid) {
        (Some(covered), Some(valid)) => {
            report.lines_covered = covered.min(valid);
            report.lines_total = valid;
            report.notes.push("no <line> elements: totals taken from the root's lines-covered/lines-valid".into());
        }
        _ => report.notes.push(match d.line_rate {
            Some(rate) => format!(
                "no <line> elements and no lines-covered/lines-valid: the declared line-rate {rate} gives no counters"
            ),
            None => "no <line> elements and no declared totals: the report is empty".into(),
        }),
    }
    if let (Some(covered), Some(valid)) = (d.branches_covered, d.branches_valid)
        && valid > 0
    {
        report.branches_covered = covered.min(valid);
        report.branches_total = valid;
        report.has_branches = true;
    }
}

fn class_path<R: BufRead>(
    xml: &XmlInput<R>,
    element: &BytesStart<'_>,
) -> Result<String, ParseError> {
    let mut filename = None;
    let mut class_name = None;
    xml.attributes(element, |key, value| {
        match key {
            "filename" => filename = Some(text_attr(value)),
            "name" => class_name = Some(text_attr(value)),
            _ => {}
        }
        Ok(())
    })?;
    Ok(filename.or(class_name).unwrap_or_default())
}

/// A `<line>`, and whether it is a branch line whose condition-coverage has no counts.
fn read_line<R: BufRead>(
    xml: &XmlInput<R>,
    element: &BytesStart<'_>,
) -> Result<(Line, bool), ParseError> {
    let mut number = None;
    let mut hits = None;
    let mut is_branch = false;
    let mut conditions = None;
    xml.attributes(element, |key, value| {
        match key {
            "number" => number = Some(line_number(value, "line number")?),
            "hits" => hits = Some(count(value, "line hits")?),
            "branch" => is_branch = value.trim().eq_ignore_ascii_case("true"),
            "condition-coverage" => conditions = Some(condition_coverage(value)?),
            _ => {}
        }
        Ok(())
    })?;
    let number = number.ok_or_else(|| xml.error("<line> without a number attribute"))?;
    let hits = hits.ok_or_else(|| {
        xml.error(format!(
            "<line number=\"{number}\"> without a hits attribute"
        ))
    })?;
    let branch = if is_branch {
        conditions.flatten()
    } else {
        None
    };
    let percent_only = is_branch && conditions == Some(None);
    let line = Line {
        number,
        covered: hits > 0,
        branch,
    };
    Ok((line, percent_only))
}

/// `50% (1/2)` → Some((1, 2)); a percentage alone (`50%`) carries no counters → None.
fn condition_coverage(value: &str) -> Result<Option<(u32, u32)>, String> {
    let bad = || format!("condition-coverage is not like \"50% (1/2)\": {value:?}");
    let Some(open) = value.find('(') else {
        let percent = value.trim().strip_suffix('%').ok_or_else(bad)?;
        return percent
            .trim()
            .parse::<f64>()
            .map(|_| None)
            .map_err(|_| bad());
    };
    let inner = value[open + 1..]
        .trim_end()
        .strip_suffix(')')
        .ok_or_else(bad)?;
    let (covered, total) = inner.split_once('/').ok_or_else(bad)?;
    let covered = u32::try_from(count(covered, "covered conditions")?).map_err(|_| bad())?;
    let total = u32::try_from(count(total, "conditions")?).map_err(|_| bad())?;
    if covered > total {
        return Err(format!(
            "condition-coverage covers more conditions than exist: {value:?}"
        ));
    }
    Ok(Some((covered, total)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Position;

    fn parse_str(xml: &str) -> Result<CoverageReport, ParseError> {
        parse(xml.as_bytes())
    }

    fn counters(r: &CoverageReport) -> (u64, u64, u64, u64, bool) {
        (
            r.lines_covered,
            r.lines_total,
            r.branches_covered,
            r.branches_total,
            r.has_branches,
        )
    }

    const TWO_CLASSES: &str = r#"<?xml version="1.0" ?>
<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">
<coverage line-rate="0.6" branch-rate="0.5" lines-covered="3" lines-valid="5">
  <packages><package name="p"><classes>
    <class name="A" filename="src/a.py">
      <methods><method name="f" signature="">
        <lines><line number="1" hits="1"/><line number="2" hits="0"/></lines>
      </method></methods>
      <lines>
        <line number="1" hits="1"/>
        <line number="2" hits="0" branch="True" condition-coverage="50% (1/2)">
          <conditions><condition number="0" type="jump" coverage="50%"/></conditions>
        </line>
        <line number="3" hits="2"/>
      </lines>
    </class>
    <class name="A$Inner" filename="src/a.py">
      <lines><line number="3" hits="0"/><line number="4" hits="0"/></lines>
    </class>
    <class name="B" filename="src/b.py"><methods/><lines><line number="1" hits="5"/></lines></class>
  </classes></package></packages>
</coverage>"#;

    #[test]
    fn counts_class_lines_once_per_file_and_line() {
        let r = parse_str(TWO_CLASSES).unwrap();
        assert_eq!(counters(&r), (3, 5, 1, 2, true));
        assert_eq!(r.files.len(), 2);
        assert_eq!(
            (
                r.files[0].path.as_str(),
                r.files[0].lines_covered,
                r.files[0].lines_total
            ),
            ("src/a.py", 2, 4)
        );
        assert_eq!((r.files[1].lines_covered, r.files[1].lines_total), (1, 1));
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }

    #[test]
    fn disagreeing_declared_rate_is_noted() {
        let r = parse_str(&TWO_CLASSES.replace("line-rate=\"0.6\"", "line-rate=\"0.9\"")).unwrap();
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
        assert!(r.notes[0].contains("line-rate 0.9"));
    }

    #[test]
    fn method_lines_are_used_only_without_class_lines() {
        let xml = r#"<coverage><packages><package><classes><class filename="m.c"><methods>
            <method name="a"><lines><line number="1" hits="1"/><line number="2" hits="0"/></lines></method>
            <method name="b"><lines><line number="2" hits="3"/></lines></method>
            </methods></class></classes></package></packages></coverage>"#;
        assert_eq!(counters(&parse_str(xml).unwrap()), (2, 2, 0, 0, false));
    }

    #[test]
    fn disagreeing_declared_totals_are_noted() {
        let r = parse(
            &br#"<coverage line-rate="0.5" lines-covered="2" lines-valid="4"><packages><package><classes>
                <class filename="a.py"><lines><line number="1" hits="1"/><line number="2" hits="0"/></lines></class>
            </classes></package></packages></coverage>"#[..],
        )
        .unwrap();
        assert_eq!((r.lines_covered, r.lines_total), (1, 2));
        assert_eq!(
            r.notes,
            [
                "declared lines-covered/lines-valid 2/4 but the <line> elements give 1/2; the counted figures are used"
            ]
        );
    }

    #[test]
    fn falls_back_to_declared_totals_without_lines() {
        let xml = r#"<coverage lines-covered="7" lines-valid="10" branches-covered="1" branches-valid="4" line-rate="0.7"><packages/></coverage>"#;
        let r = parse_str(xml).unwrap();
        assert_eq!(counters(&r), (7, 10, 1, 4, true));
        assert_eq!(r.notes.len(), 1);
        let r = parse_str(r#"<coverage line-rate="0.7"/>"#).unwrap();
        assert_eq!(counters(&r), (0, 0, 0, 0, false));
        assert!(r.notes[0].contains("0.7"));
    }

    #[test]
    fn huge_hits_saturate_and_bad_hits_fail_with_position() {
        let xml = r#"<coverage><packages><package><classes><class filename="x">
<lines><line number="1" hits="184467440737095516150000"/></lines></class></classes></package></packages></coverage>"#;
        assert_eq!(counters(&parse_str(xml).unwrap()), (1, 1, 0, 0, false));
        let err = parse_str(&xml.replace("184467440737095516150000", "many")).unwrap_err();
        assert_eq!(
            err.position,
            Some(Position::LineCol { line: 2, column: 8 }),
            "{err}"
        );
        assert!(err.message.contains("hits"), "{err}");
    }

    #[test]
    fn wrong_root_truncation_and_garbage_are_errors() {
        assert!(
            parse_str("<report/>")
                .unwrap_err()
                .message
                .contains("<coverage>")
        );
        assert!(
            parse_str("<coverage><packages>")
                .unwrap_err()
                .message
                .contains("truncated")
        );
        assert!(
            parse_str("")
                .unwrap_err()
                .message
                .contains("no root element")
        );
        assert!(parse_str("\u{0}\u{1}garbage<<<>").is_err());
    }

    #[test]
    fn entities_are_never_expanded() {
        let xml = r#"<?xml version="1.0"?>
<!DOCTYPE coverage [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY ext SYSTEM "file:///etc/passwd">]>
<coverage><packages><package><classes><class filename="&b;&ext;">
<lines><line number="1" hits="1"/></lines></class></classes></package></packages>&b;</coverage>"#;
        let r = parse_str(xml).unwrap();
        assert_eq!(r.files[0].path, "&b;&ext;");
    }

    #[test]
    fn percentage_only_conditions_add_no_branches_and_are_noted() {
        let xml = r#"<coverage><packages><package><classes><class filename="a">
<lines><line number="1" hits="1" branch="true" condition-coverage="50%"/></lines>
</class></classes></package></packages></coverage>"#;
        let r = parse_str(xml).unwrap();
        assert_eq!(counters(&r), (1, 1, 0, 0, false));
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
    }

    #[test]
    fn condition_coverage_forms() {
        assert_eq!(condition_coverage("50% (1/2)"), Ok(Some((1, 2))));
        assert_eq!(condition_coverage("100% (4/4)"), Ok(Some((4, 4))));
        assert_eq!(condition_coverage("50%"), Ok(None));
        assert!(condition_coverage("half").is_err());
        assert!(condition_coverage("(3/2)").is_err());
    }

    #[test]
    fn sniffs_cobertura_but_not_clover_or_jacoco() {
        assert!(sniff(TWO_CLASSES.as_bytes()));
        assert!(sniff(b"<?xml version='1.0'?><coverage line-rate=\"1\">"));
        assert!(!sniff(
            b"<?xml version='1.0'?><coverage generated=\"1\"><project timestamp=\"1\">"
        ));
        assert!(!sniff(b"<coverage clover=\"4\" generated=\"1\">"));
        assert!(!sniff(b"<report name=\"x\"><package>"));
        assert!(!sniff(b"SF:a.c\nDA:1,1\n"));
    }
}
