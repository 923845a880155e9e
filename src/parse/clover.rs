//! Clover XML coverage (PHPUnit `--coverage-clover`, OpenClover, gcovr `--clover`).
//!
//! Totals come from the `<metrics>` element that is the direct child of `<project>`:
//! `statements`/`coveredstatements` become the line counters (Clover counts statements, the
//! figure PHPUnit and OpenClover print as line coverage) and
//! `conditionals`/`coveredconditionals` the branch counters. PHPUnit and gcovr always write
//! `conditionals="0"`, so a report has branch data only when `conditionals` is above 0.
//! The `<metrics>` of packages and classes repeat the totals and are ignored; `<testproject>`
//! (OpenClover's test sources) is ignored. Per-file figures come from the `<metrics>` directly
//! under each `<file>` (named by its `path`, else its `name`). When `<project>` has no
//! `<metrics>`, the per-file metrics are summed instead. The `<line type="stmt">` elements are
//! counted only to cross-check: totals that disagree with them are noted.

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use super::ParseError;
use super::coverage_common::{Figures, count};
use super::coverage_xml::{XmlInput, has_attribute, name, sniff_root, text_attr};
use crate::evidence::CoverageReport;

const FORMAT: &str = "Clover";

/// True when the head of a file looks like a Clover report (`<coverage>` root whose first
/// child is `<project>`, or with a `clover=` attribute).
pub fn sniff(head: &[u8]) -> bool {
    let Some(root) = sniff_root(head) else {
        return false;
    };
    root.name == "coverage"
        && (root.first_child == Some("project") || has_attribute(root.attributes, "clover"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Coverage,
    Project,
    Package,
    File,
    Other,
}

/// Parses a Clover XML report.
pub fn parse<R: BufRead>(reader: R) -> Result<CoverageReport, ParseError> {
    let mut xml = XmlInput::new(reader, FORMAT)?;
    let mut buf = Vec::new();
    let mut stack: Vec<Ctx> = Vec::new();
    let mut report = CoverageReport::default();
    let mut project: Option<Figures> = None;
    let mut project_seen = false;
    let mut files_sum = Figures::default();
    let mut file: Option<(String, Figures)> = None;
    let mut root_seen = false;
    // Covered and total `<line type="stmt">` elements, to cross-check the declared metrics.
    let mut counted = (0u64, 0u64);

    loop {
        let event = xml.next(&mut buf)?;
        let (element, is_start) = match &event {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(_) => {
                if stack.pop() == Some(Ctx::File)
                    && let Some((path, figures)) = file.take()
                {
                    report.push_file(figures.file(&path));
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
                return Err(xml.no_root("coverage"));
            }
            _ => continue,
        };
        let tag = name(element);
        let parent = stack.last().copied();
        let ctx = match (parent, tag) {
            (None, _) => {
                xml.expect_root(tag, "coverage")?;
                root_seen = true;
                Ctx::Coverage
            }
            (Some(Ctx::Coverage), "project") => {
                project_seen = true;
                Ctx::Project
            }
            (Some(Ctx::Project), "package") => Ctx::Package,
            (Some(Ctx::Project | Ctx::Package), "file") => Ctx::File,
            _ => Ctx::Other,
        };
        match (ctx, parent) {
            (Ctx::File, _) => {
                let path = file_path(&xml, element)?;
                if is_start {
                    file = Some((path, Figures::default()));
                } else {
                    report.push_file(Figures::default().file(&path));
                }
            }
            (Ctx::Other, Some(Ctx::Project)) if tag == "metrics" => {
                project = Some(read_metrics(&xml, element)?);
            }
            (Ctx::Other, Some(Ctx::File)) if tag == "line" => {
                let (mut statement, mut hit) = (false, false);
                xml.attributes(element, |key, value| {
                    match key {
                        "type" => statement = value == "stmt",
                        "count" => hit = count(value, "count").is_ok_and(|n| n > 0),
                        _ => {}
                    }
                    Ok(())
                })?;
                if statement {
                    counted.0 += u64::from(hit);
                    counted.1 += 1;
                }
            }
            (Ctx::Other, Some(Ctx::File)) if tag == "metrics" => {
                let figures = read_metrics(&xml, element)?;
                files_sum.add(&figures);
                if let Some((_, f)) = file.as_mut() {
                    *f = figures;
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

    let totals = match project {
        Some(p) => p,
        None => {
            report.notes.push(if project_seen {
                "<project> has no <metrics>: totals are the sum of the <file> metrics".to_string()
            } else {
                "no <project> element: the Clover report is empty".to_string()
            });
            files_sum
        }
    };
    if counted.1 > 0 && (totals.lines_covered, totals.lines_total) != counted {
        report.notes.push(format!(
            "declared coveredstatements/statements {}/{} but the <line type=\"stmt\"> elements give {}/{}; the declared metrics are used",
            totals.lines_covered, totals.lines_total, counted.0, counted.1
        ));
    }
    totals.apply(&mut report);
    Ok(report)
}

fn file_path<R: BufRead>(
    xml: &XmlInput<R>,
    element: &BytesStart<'_>,
) -> Result<String, ParseError> {
    let (mut path, mut file_name) = (None, None);
    xml.attributes(element, |key, value| {
        match key {
            "path" => path = Some(text_attr(value)),
            "name" => file_name = Some(text_attr(value)),
            _ => {}
        }
        Ok(())
    })?;
    Ok(path.or(file_name).unwrap_or_default())
}

fn read_metrics<R: BufRead>(
    xml: &XmlInput<R>,
    element: &BytesStart<'_>,
) -> Result<Figures, ParseError> {
    let mut f = Figures::default();
    xml.attributes(element, |key, value| {
        match key {
            "statements" => f.lines_total = count(value, "statements")?,
            "coveredstatements" => f.lines_covered = count(value, "coveredstatements")?,
            "conditionals" => f.branches_total = count(value, "conditionals")?,
            "coveredconditionals" => f.branches_covered = count(value, "coveredconditionals")?,
            _ => {}
        }
        Ok(())
    })?;
    if f.lines_covered > f.lines_total || f.branches_covered > f.branches_total {
        return Err(
            xml.error("<metrics> declares more covered statements or conditionals than exist")
        );
    }
    f.has_branches = f.branches_total > 0;
    Ok(f)
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

    const OPENCLOVER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<coverage generated="1" clover="4.5.2">
  <project timestamp="1" name="demo">
    <metrics statements="10" coveredstatements="7" conditionals="4" coveredconditionals="1" methods="3" coveredmethods="2" elements="17" coveredelements="10" packages="1" files="2" classes="2"/>
    <package name="org.demo">
      <metrics statements="10" coveredstatements="7" conditionals="4" coveredconditionals="1"/>
      <file name="A.java" path="/src/org/demo/A.java">
        <class name="A"><metrics statements="6" coveredstatements="5" conditionals="4" coveredconditionals="1"/></class>
        <metrics statements="6" coveredstatements="5" conditionals="4" coveredconditionals="1"/>
        <line num="3" count="1" type="stmt"/>
      </file>
      <file name="B.java">
        <metrics statements="4" coveredstatements="2" conditionals="0" coveredconditionals="0"/>
      </file>
    </package>
  </project>
  <testproject timestamp="1"><metrics statements="99" coveredstatements="99"/></testproject>
</coverage>"#;

    #[test]
    fn project_metrics_are_the_totals() {
        let r = parse(OPENCLOVER.as_bytes()).unwrap();
        assert_eq!(counters(&r), (7, 10, 1, 4, true));
        assert_eq!(r.files.len(), 2);
        assert_eq!(
            (
                r.files[0].path.as_str(),
                r.files[0].lines_covered,
                r.files[0].lines_total
            ),
            ("/src/org/demo/A.java", 5, 6)
        );
        assert_eq!(r.files[1].path, "B.java");
        // The sample lists one statement line where the metrics declare ten.
        assert_eq!(
            r.notes,
            [
                "declared coveredstatements/statements 7/10 but the <line type=\"stmt\"> elements give 1/1; the declared metrics are used"
            ]
        );
        let full = OPENCLOVER.replace(
            "<line num=\"3\" count=\"1\" type=\"stmt\"/>",
            &(1..=10)
                .map(|n| format!("<line num=\"{n}\" count=\"{}\" type=\"stmt\"/><line num=\"{n}\" type=\"method\" count=\"0\"/>", u8::from(n <= 7)))
                .collect::<String>(),
        );
        assert!(parse(full.as_bytes()).unwrap().notes.is_empty());
    }

    #[test]
    fn without_project_metrics_files_are_summed() {
        let xml = OPENCLOVER.replace("<metrics statements=\"10\" coveredstatements=\"7\" conditionals=\"4\" coveredconditionals=\"1\" methods", "<other methods");
        let r = parse(xml.as_bytes()).unwrap();
        assert_eq!(counters(&r), (7, 10, 1, 4, true));
        assert_eq!(r.notes.len(), 2, "{:?}", r.notes);
    }

    #[test]
    fn bad_input_fails_cleanly() {
        let err = parse(
            OPENCLOVER
                .replace("statements=\"10\"", "statements=\"ten\"")
                .as_bytes(),
        )
        .unwrap_err();
        assert!(
            err.position.is_some() && err.message.contains("statements"),
            "{err}"
        );
        assert!(
            parse(
                OPENCLOVER
                    .replace("coveredstatements=\"7\"", "coveredstatements=\"70\"")
                    .as_bytes()
            )
            .is_err()
        );
        assert!(parse(&b"<CoverageSession/>"[..]).is_err());
        assert!(parse(&b"<coverage><project>"[..]).is_err());
    }

    #[test]
    fn sniffs_clover_not_cobertura() {
        assert!(sniff(OPENCLOVER.as_bytes()));
        assert!(sniff(
            b"<?xml version=\"1.0\"?>\n<coverage generated=\"1\">\n  <project timestamp=\"1\">"
        ));
        assert!(!sniff(b"<coverage line-rate=\"0.5\"><sources/>"));
    }
}
