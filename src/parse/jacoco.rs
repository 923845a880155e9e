//! JaCoCo XML coverage (Maven/Gradle JaCoCo, Kotlin via JaCoCo, gcovr `--jacoco`).
//!
//! Totals come from the `<counter type="LINE"|"BRANCH" missed=".." covered="..">` elements that
//! are direct children of `<report>`; deeper counters repeat them per group, package, class,
//! method and source file. Some producers write no report-level counters (jacoco-kotlin, or a
//! report trimmed by hand): the totals are then the sum of the `<sourcefile>` counters, or of the
//! `<package>` counters when there are no source files — one level only, never both, so nothing
//! is counted twice. When report-level counters and the source-file sum disagree, that is noted.
//!
//! Per-file figures come from each `<sourcefile>`'s counters, named `package/file`. The DOCTYPE
//! (`report.dtd`, usually not resolvable) is skipped, never fetched.

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use super::ParseError;
use super::coverage_common::{Figures, LINE_DETAIL, count};
use super::coverage_xml::{XmlInput, name, sniff_root, text_attr};
use crate::evidence::{CoverageReport, LineDetail};

const FORMAT: &str = "JaCoCo";

/// True when the head of a file looks like a JaCoCo report (root `<report>` with JaCoCo's DTD or
/// children).
pub fn sniff(head: &[u8]) -> bool {
    let Some(root) = sniff_root(head) else {
        return false;
    };
    root.name == "report"
        && (root.doctype.contains("JACOCO")
            || root.doctype.contains("jacoco")
            || matches!(
                root.first_child,
                Some("sessioninfo" | "package" | "group" | "counter")
            ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Report,
    Group,
    Package,
    Sourcefile,
    Other,
}

#[derive(Default, Clone, Copy)]
struct Level {
    figures: Figures,
    seen: bool,
}

impl Level {
    fn add(&mut self, counter: Counter) {
        self.seen = true;
        match counter.kind {
            Kind::Line => {
                self.figures.lines_covered =
                    self.figures.lines_covered.saturating_add(counter.covered);
                self.figures.lines_total = self.figures.lines_total.saturating_add(counter.total());
            }
            Kind::Branch => {
                self.figures.branches_covered = self
                    .figures
                    .branches_covered
                    .saturating_add(counter.covered);
                self.figures.branches_total =
                    self.figures.branches_total.saturating_add(counter.total());
                self.figures.has_branches |= counter.total() > 0;
            }
            Kind::Other => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Line,
    Branch,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Counter {
    kind: Kind,
    missed: u64,
    covered: u64,
}

impl Counter {
    fn total(&self) -> u64 {
        self.missed.saturating_add(self.covered)
    }
}

/// Parses a JaCoCo XML report.
pub fn parse<R: BufRead>(reader: R) -> Result<CoverageReport, ParseError> {
    let mut xml = XmlInput::new(reader, FORMAT)?;
    let mut buf = Vec::new();
    let mut stack: Vec<Ctx> = Vec::new();
    let mut packages: Vec<String> = Vec::new();
    let (mut report_level, mut package_level, mut file_level) =
        (Level::default(), Level::default(), Level::default());
    let mut file: Option<(String, Level)> = None;
    // The current source file's `<line>` elements, for patch coverage; past the budget the
    // remaining files keep their figures without line detail.
    let mut lines: Vec<(u32, bool)> = Vec::new();
    let mut line_budget = LINE_DETAIL;
    let mut detail_dropped = 0u64;
    let mut report = CoverageReport::default();
    let mut root_seen = false;

    loop {
        let event = xml.next(&mut buf)?;
        let (element, is_start) = match &event {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(_) => {
                match stack.pop() {
                    Some(Ctx::Sourcefile) => {
                        if let Some((path, level)) = file.take() {
                            let mut f = level.figures.file(&path);
                            if !lines.is_empty() {
                                if lines.len() <= line_budget {
                                    line_budget -= lines.len();
                                    lines.sort_unstable();
                                    lines.dedup_by_key(|(n, _)| *n);
                                    f.lines = Some(LineDetail::from_sorted(lines.drain(..)));
                                } else {
                                    detail_dropped += 1;
                                }
                            }
                            lines.clear();
                            report.push_file(f);
                        }
                    }
                    Some(Ctx::Package) => {
                        packages.pop();
                    }
                    _ => {}
                }
                if stack.is_empty() {
                    break;
                }
                continue;
            }
            Event::Eof => {
                if root_seen {
                    break;
                }
                return Err(xml.no_root("report"));
            }
            _ => continue,
        };
        let tag = name(element);
        let parent = stack.last().copied();
        let ctx = match (parent, tag) {
            (None, _) => {
                xml.expect_root(tag, "report")?;
                root_seen = true;
                Ctx::Report
            }
            (Some(Ctx::Report | Ctx::Group), "group") => Ctx::Group,
            (Some(Ctx::Report | Ctx::Group), "package") => Ctx::Package,
            (Some(Ctx::Package), "sourcefile") => Ctx::Sourcefile,
            _ => Ctx::Other,
        };
        match ctx {
            Ctx::Package if is_start => packages.push(name_attr(&xml, element)?),
            Ctx::Sourcefile => {
                let file_name = name_attr(&xml, element)?;
                let path = match packages.last() {
                    Some(p) if !p.is_empty() => format!("{p}/{file_name}"),
                    _ => file_name,
                };
                if is_start {
                    file = Some((path, Level::default()));
                } else {
                    report.push_file(Figures::default().file(&path));
                }
            }
            Ctx::Other if tag == "line" && parent == Some(Ctx::Sourcefile) => {
                if let Some(line) = read_line(&xml, element)? {
                    lines.push(line);
                }
            }
            Ctx::Other if tag == "counter" => {
                let counter = read_counter(&xml, element)?;
                match parent {
                    Some(Ctx::Report) => report_level.add(counter),
                    Some(Ctx::Package) => package_level.add(counter),
                    Some(Ctx::Sourcefile) => {
                        file_level.add(counter);
                        if let Some((_, level)) = file.as_mut() {
                            level.add(counter);
                        }
                    }
                    _ => {}
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

    let chosen =
        if report_level.seen {
            if file_level.seen && file_level.figures != report_level.figures {
                let (r, f) = (report_level.figures, file_level.figures);
                report.notes.push(format!(
                "report-level counters (lines {}/{}, branches {}/{}) differ from the sum of the \
                 source files (lines {}/{}, branches {}/{}); the report-level counters are used",
                r.lines_covered, r.lines_total, r.branches_covered, r.branches_total,
                f.lines_covered, f.lines_total, f.branches_covered, f.branches_total
            ));
            }
            report_level.figures
        } else if file_level.seen {
            report.notes.push(
                "no report-level counters: totals are the sum of the <sourcefile> counters".into(),
            );
            file_level.figures
        } else if package_level.seen {
            report.notes.push(
                "no report-level counters: totals are the sum of the <package> counters".into(),
            );
            package_level.figures
        } else {
            report
                .notes
                .push("no LINE or BRANCH counters at report, package or source-file level".into());
            Figures::default()
        };
    chosen.apply(&mut report);
    if detail_dropped > 0 {
        report.notes.push(format!(
            "{detail_dropped} file(s) have no per-line detail (the report holds more than \
             {LINE_DETAIL} lines): patch coverage cannot see their lines"
        ));
    }
    Ok(report)
}

fn name_attr<R: BufRead>(
    xml: &XmlInput<R>,
    element: &BytesStart<'_>,
) -> Result<String, ParseError> {
    let mut found = String::new();
    xml.attributes(element, |key, value| {
        if key == "name" {
            found = text_attr(value);
        }
        Ok(())
    })?;
    Ok(found)
}

/// A `<line nr mi ci>`: its number and whether it ran, or nothing for a line without
/// instructions.
fn read_line<R: BufRead>(
    xml: &XmlInput<R>,
    element: &BytesStart<'_>,
) -> Result<Option<(u32, bool)>, ParseError> {
    let (mut nr, mut missed, mut covered) = (None, 0u64, 0u64);
    xml.attributes(element, |key, value| {
        match key {
            "nr" => nr = Some(count(value, "line nr")?),
            "mi" => missed = count(value, "line mi")?,
            "ci" => covered = count(value, "line ci")?,
            _ => {}
        }
        Ok(())
    })?;
    let nr = nr.ok_or_else(|| xml.error("<line> needs an nr attribute"))?;
    let nr = u32::try_from(nr).map_err(|_| xml.error("<line nr> is not a line number"))?;
    Ok((missed + covered > 0).then_some((nr, covered > 0)))
}

fn read_counter<R: BufRead>(
    xml: &XmlInput<R>,
    element: &BytesStart<'_>,
) -> Result<Counter, ParseError> {
    let (mut kind, mut missed, mut covered) = (None, None, None);
    xml.attributes(element, |key, value| {
        match key {
            "type" => {
                kind = Some(match value.as_ref() {
                    "LINE" => Kind::Line,
                    "BRANCH" => Kind::Branch,
                    _ => Kind::Other,
                })
            }
            "missed" => missed = Some(count(value, "counter missed")?),
            "covered" => covered = Some(count(value, "counter covered")?),
            _ => {}
        }
        Ok(())
    })?;
    match (kind, missed, covered) {
        (Some(kind), Some(missed), Some(covered)) => Ok(Counter {
            kind,
            missed,
            covered,
        }),
        _ => Err(xml.error("<counter> needs type, missed and covered attributes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counters(r: &CoverageReport) -> (u64, u64, u64, u64, bool) {
        (
            r.lines_covered,
            r.lines_total,
            r.branches_covered,
            r.branches_total,
            r.has_branches,
        )
    }

    #[test]
    fn source_file_lines_are_kept_for_patch_coverage() {
        let xml = r#"<report name="r"><package name="org/demo"><sourcefile name="A.java"><line nr="3" mi="0" ci="2" mb="0" cb="0"/><line nr="4" mi="3" ci="0" mb="0" cb="0"/><line nr="5" mi="0" ci="0" mb="0" cb="0"/><line nr="9" mi="1" ci="1" mb="1" cb="1"/><counter type="LINE" missed="1" covered="2"/></sourcefile></package><counter type="LINE" missed="1" covered="2"/></report>"#;
        let r = parse(xml.as_bytes()).unwrap();
        let f = &r.files[0];
        assert_eq!(f.path, "org/demo/A.java");
        let lines = f.lines.as_ref().expect("line detail");
        assert_eq!(
            lines.len(),
            3,
            "a line without instructions is not coverable"
        );
        assert_eq!(lines.count_in(1, 10), (3, 2));
        assert_eq!(lines.missed_in(1, 10).collect::<Vec<_>>(), vec![4]);
        let bad = r#"<report name="r"><package name="p"><sourcefile name="A.java"><line mi="1" ci="0"/></sourcefile></package></report>"#;
        assert!(
            parse(bad.as_bytes())
                .unwrap_err()
                .to_string()
                .contains("nr")
        );
    }

    const NESTED: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
<report name="demo">
  <sessioninfo id="s" start="1" dump="2"/>
  <group name="module">
    <package name="org/demo">
      <class name="org/demo/A" sourcefilename="A.java">
        <method name="f" desc="()V" line="3"><counter type="LINE" missed="1" covered="2"/></method>
        <counter type="LINE" missed="1" covered="2"/>
      </class>
      <sourcefile name="A.java">
        <line nr="3" mi="0" ci="3" mb="1" cb="1"/>
        <counter type="LINE" missed="1" covered="2"/>
        <counter type="BRANCH" missed="1" covered="1"/>
      </sourcefile>
      <counter type="LINE" missed="1" covered="2"/>
      <counter type="BRANCH" missed="1" covered="1"/>
    </package>
    <counter type="LINE" missed="1" covered="2"/>
  </group>
  <counter type="INSTRUCTION" missed="5" covered="9"/>
  <counter type="BRANCH" missed="1" covered="1"/>
  <counter type="LINE" missed="1" covered="2"/>
</report>"#;

    #[test]
    fn report_level_counters_win() {
        let r = parse(NESTED.as_bytes()).unwrap();
        assert_eq!(counters(&r), (2, 3, 1, 2, true));
        assert_eq!(r.files.len(), 1);
        assert_eq!(r.files[0].path, "org/demo/A.java");
        assert_eq!(
            (r.files[0].branches_covered, r.files[0].branches_total),
            (1, 2)
        );
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }

    #[test]
    fn without_report_counters_sourcefiles_are_summed_once() {
        let trimmed: String = NESTED
            .lines()
            .filter(|l| !(l.starts_with("  <counter") || l.starts_with("    <counter")))
            .collect::<Vec<_>>()
            .join("\n");
        let r = parse(trimmed.as_bytes()).unwrap();
        assert_eq!(counters(&r), (2, 3, 1, 2, true));
        assert!(r.notes[0].contains("sourcefile"));
    }

    #[test]
    fn disagreeing_levels_are_noted() {
        let doubled = NESTED.replace(
            "<counter type=\"LINE\" missed=\"1\" covered=\"2\"/>\n</report>",
            "<counter type=\"LINE\" missed=\"0\" covered=\"2\"/>\n</report>",
        );
        let r = parse(doubled.as_bytes()).unwrap();
        assert_eq!(counters(&r), (2, 2, 1, 2, true));
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
    }

    #[test]
    fn bad_counters_and_wrong_roots_fail_cleanly() {
        let err = parse(NESTED.replace("missed=\"5\"", "missed=\"five\"").as_bytes()).unwrap_err();
        assert!(err.message.contains("not a whole number"), "{err}");
        assert!(err.position.is_some());
        assert!(
            parse(&b"<coverage/>"[..])
                .unwrap_err()
                .message
                .contains("<report>")
        );
        assert!(
            parse(&b"<report><package name=\"x\">"[..])
                .unwrap_err()
                .message
                .contains("truncated")
        );
        let huge = NESTED.replace("covered=\"9\"", "covered=\"99999999999999999999999\"");
        assert!(parse(huge.as_bytes()).is_ok());
    }

    #[test]
    fn empty_packages_do_not_leak_their_name() {
        let xml = r#"<report name="r"><package name="empty"/><package name="p"><sourcefile name="A.kt"><counter type="LINE" missed="0" covered="1"/></sourcefile></package></report>"#;
        let r = parse(xml.as_bytes()).unwrap();
        assert_eq!(r.files[0].path, "p/A.kt");
    }

    #[test]
    fn sniffs_jacoco_only() {
        assert!(sniff(NESTED.as_bytes()));
        assert!(sniff(b"<report name=\"GCOVR report\"><package name=\"\">"));
        assert!(!sniff(b"<report><foo/>"));
        assert!(!sniff(b"<coverage line-rate=\"1\">"));
    }
}
