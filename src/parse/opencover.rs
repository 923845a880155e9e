//! OpenCover XML coverage (OpenCover, coverlet `--format opencover`, AltCover).
//!
//! Totals come from the `<Summary>` that is the direct child of `<CoverageSession>`:
//! `numSequencePoints`/`visitedSequencePoints` become the line counters (OpenCover measures
//! sequence points, the figure it reports as `sequenceCoverage`) and
//! `numBranchPoints`/`visitedBranchPoints` the branch counters (branch data when
//! `numBranchPoints` is above 0). Without a session `<Summary>`, the `<Module>` summaries are
//! summed. Per-file figures add up each `<Method>`'s `<Summary>` under the file its `<FileRef>`
//! names, resolved through the module's `<Files>` list; a file shared by two modules appears
//! once per module. Files written by .NET tools usually start with a UTF-8 BOM, which is fine.
//! The `<SequencePoint>` elements are counted only to cross-check: a session summary that
//! disagrees with them is noted.

use std::collections::BTreeMap;
use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use super::ParseError;
use super::coverage_common::{Figures, count};
use super::coverage_xml::{XmlInput, name, sniff_root, text_attr};
use crate::evidence::CoverageReport;

const FORMAT: &str = "OpenCover";

/// True when the head of a file has a `<CoverageSession>` root.
pub fn sniff(head: &[u8]) -> bool {
    sniff_root(head).is_some_and(|root| root.name == "CoverageSession")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Session,
    Modules,
    Module,
    Files,
    Classes,
    Class,
    Methods,
    Method,
    Other,
}

#[derive(Default)]
struct Module {
    paths: BTreeMap<String, String>,
    figures: BTreeMap<String, Figures>,
}

/// Parses an OpenCover XML report.
pub fn parse<R: BufRead>(reader: R) -> Result<CoverageReport, ParseError> {
    let mut xml = XmlInput::new(reader, FORMAT)?;
    let mut buf = Vec::new();
    let mut stack: Vec<Ctx> = Vec::new();
    let mut report = CoverageReport::default();
    let mut session: Option<Figures> = None;
    let mut modules_sum: Option<Figures> = None;
    let mut module = Module::default();
    let mut method: (Option<Figures>, Option<String>) = (None, None);
    // Visited and total `<SequencePoint>` elements, to cross-check the declared summary.
    let mut counted = (0u64, 0u64);
    let mut root_seen = false;

    loop {
        let event = xml.next(&mut buf)?;
        let (element, is_start) = match &event {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(_) => {
                match stack.pop() {
                    Some(Ctx::Method) => finish_method(&mut module, std::mem::take(&mut method)),
                    Some(Ctx::Module) => finish_module(&mut report, std::mem::take(&mut module)),
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
                return Err(xml.no_root("CoverageSession"));
            }
            _ => continue,
        };
        let tag = name(element);
        let parent = stack.last().copied();
        let ctx = match (parent, tag) {
            (None, _) => {
                xml.expect_root(tag, "CoverageSession")?;
                root_seen = true;
                Ctx::Session
            }
            (Some(Ctx::Session), "Modules") => Ctx::Modules,
            (Some(Ctx::Modules), "Module") => Ctx::Module,
            (Some(Ctx::Module), "Files") => Ctx::Files,
            (Some(Ctx::Module), "Classes") => Ctx::Classes,
            (Some(Ctx::Classes), "Class") => Ctx::Class,
            (Some(Ctx::Class), "Methods") => Ctx::Methods,
            (Some(Ctx::Methods), "Method") => Ctx::Method,
            _ => Ctx::Other,
        };
        match (parent, tag) {
            (Some(Ctx::Session), "Summary") => session = Some(read_summary(&xml, element)?),
            (Some(Ctx::Module), "Summary") => {
                let figures = read_summary(&xml, element)?;
                modules_sum
                    .get_or_insert_with(Figures::default)
                    .add(&figures);
            }
            (Some(Ctx::Files), "File") => {
                let (uid, path) = uid_and_path(&xml, element)?;
                module.paths.insert(uid, path);
            }
            (Some(Ctx::Method), "Summary") => method.0 = Some(read_summary(&xml, element)?),
            (Some(Ctx::Method), "FileRef") => method.1 = Some(uid_and_path(&xml, element)?.0),
            (_, "SequencePoint") => {
                let mut visited = false;
                xml.attributes(element, |key, value| {
                    if key == "vc" {
                        visited = count(value, "vc").is_ok_and(|n| n > 0);
                    }
                    Ok(())
                })?;
                counted.0 += u64::from(visited);
                counted.1 += 1;
            }
            _ => {}
        }
        if is_start {
            stack.push(ctx);
        } else {
            match ctx {
                Ctx::Method => finish_method(&mut module, std::mem::take(&mut method)),
                Ctx::Module => finish_module(&mut report, std::mem::take(&mut module)),
                Ctx::Session => break,
                _ => {}
            }
        }
    }

    let totals = match (session, modules_sum) {
        (Some(s), _) => s,
        (None, Some(m)) => {
            report
                .notes
                .push("no session <Summary>: totals are the sum of the <Module> summaries".into());
            m
        }
        (None, None) => {
            report.notes.push(
                "no <Summary> at session or module level: the OpenCover report is empty".into(),
            );
            Figures::default()
        }
    };
    if counted.1 > 0 && (totals.lines_covered, totals.lines_total) != counted {
        report.notes.push(format!(
            "declared visitedSequencePoints/numSequencePoints {}/{} but the <SequencePoint> elements give {}/{}; the declared summary is used",
            totals.lines_covered, totals.lines_total, counted.0, counted.1
        ));
    }
    totals.apply(&mut report);
    Ok(report)
}

fn finish_method(module: &mut Module, (summary, file): (Option<Figures>, Option<String>)) {
    if let (Some(summary), Some(uid)) = (summary, file) {
        module.figures.entry(uid).or_default().add(&summary);
    }
}

fn finish_module(report: &mut CoverageReport, module: Module) {
    for (uid, figures) in module.figures {
        let path = module
            .paths
            .get(&uid)
            .cloned()
            .unwrap_or_else(|| format!("<file uid {uid}>"));
        report.push_file(figures.file(&path));
    }
}

fn uid_and_path<R: BufRead>(
    xml: &XmlInput<R>,
    element: &BytesStart<'_>,
) -> Result<(String, String), ParseError> {
    let (mut uid, mut path) = (String::new(), String::new());
    xml.attributes(element, |key, value| {
        match key {
            "uid" => uid = value.trim().to_string(),
            "fullPath" => path = text_attr(value),
            _ => {}
        }
        Ok(())
    })?;
    Ok((uid, path))
}

fn read_summary<R: BufRead>(
    xml: &XmlInput<R>,
    element: &BytesStart<'_>,
) -> Result<Figures, ParseError> {
    let mut f = Figures::default();
    xml.attributes(element, |key, value| {
        match key {
            "numSequencePoints" => f.lines_total = count(value, "numSequencePoints")?,
            "visitedSequencePoints" => f.lines_covered = count(value, "visitedSequencePoints")?,
            "numBranchPoints" => f.branches_total = count(value, "numBranchPoints")?,
            "visitedBranchPoints" => f.branches_covered = count(value, "visitedBranchPoints")?,
            _ => {}
        }
        Ok(())
    })?;
    if f.lines_covered > f.lines_total || f.branches_covered > f.branches_total {
        return Err(xml.error("<Summary> declares more visited points than exist"));
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

    const TWO_FILES: &str = "\u{FEFF}<?xml version=\"1.0\" encoding=\"utf-8\"?>
<CoverageSession>
  <Summary numSequencePoints=\"10\" visitedSequencePoints=\"6\" numBranchPoints=\"4\" visitedBranchPoints=\"1\" sequenceCoverage=\"60\"/>
  <Modules>
    <Module hash=\"h\">
      <Summary numSequencePoints=\"10\" visitedSequencePoints=\"6\" numBranchPoints=\"4\" visitedBranchPoints=\"1\"/>
      <Files><File uid=\"1\" fullPath=\"C:\\src\\A.cs\"/><File uid=\"2\" fullPath=\"C:\\src\\B.cs\"/></Files>
      <Classes><Class><Summary numSequencePoints=\"10\" visitedSequencePoints=\"6\"/><Methods>
        <Method><Summary numSequencePoints=\"4\" visitedSequencePoints=\"4\" numBranchPoints=\"2\" visitedBranchPoints=\"1\"/><FileRef uid=\"1\"/></Method>
        <Method><Summary numSequencePoints=\"2\" visitedSequencePoints=\"0\"/><FileRef uid=\"1\"/></Method>
        <Method><Summary numSequencePoints=\"4\" visitedSequencePoints=\"2\" numBranchPoints=\"2\" visitedBranchPoints=\"0\"/><FileRef uid=\"2\"/></Method>
        <Method><Summary numSequencePoints=\"0\" visitedSequencePoints=\"0\"/></Method>
      </Methods></Class></Classes>
    </Module>
    <Module hash=\"skipped\" skippedDueTo=\"Filter\"><ModulePath>x.dll</ModulePath></Module>
  </Modules>
</CoverageSession>";

    #[test]
    fn session_summary_and_files() {
        let r = parse(TWO_FILES.as_bytes()).unwrap();
        assert_eq!(counters(&r), (6, 10, 1, 4, true));
        assert_eq!(r.files.len(), 2);
        assert_eq!(
            (
                r.files[0].path.as_str(),
                r.files[0].lines_covered,
                r.files[0].lines_total
            ),
            ("C:\\src\\A.cs", 4, 6)
        );
        assert_eq!(
            (r.files[1].branches_covered, r.files[1].branches_total),
            (0, 2)
        );
    }

    #[test]
    fn module_summaries_without_a_session_summary() {
        let xml = TWO_FILES.replacen("<Summary numSequencePoints=\"10\" visitedSequencePoints=\"6\" numBranchPoints=\"4\" visitedBranchPoints=\"1\" sequenceCoverage=\"60\"/>", "", 1);
        let r = parse(xml.as_bytes()).unwrap();
        assert_eq!(counters(&r), (6, 10, 1, 4, true));
        assert_eq!(r.notes.len(), 1);
    }

    #[test]
    fn sequence_points_that_disagree_with_the_summary_are_noted() {
        let xml = |points: &str| {
            format!(
                "<CoverageSession><Summary numSequencePoints=\"3\" visitedSequencePoints=\"2\"/><Modules><Module><Classes><Class><Methods><Method><SequencePoints>{points}</SequencePoints></Method></Methods></Class></Classes></Module></Modules></CoverageSession>"
            )
        };
        let agree = xml(r#"<SequencePoint vc="1"/><SequencePoint vc="4"/><SequencePoint vc="0"/>"#);
        assert!(parse(agree.as_bytes()).unwrap().notes.is_empty());
        let r = parse(xml(r#"<SequencePoint vc="1"/>"#).as_bytes()).unwrap();
        assert_eq!((r.lines_covered, r.lines_total), (2, 3));
        assert_eq!(
            r.notes,
            [
                "declared visitedSequencePoints/numSequencePoints 2/3 but the <SequencePoint> elements give 1/1; the declared summary is used"
            ]
        );
    }

    #[test]
    fn bad_input_fails_cleanly() {
        assert!(
            parse(TWO_FILES.replacen("\"10\"", "\"-10\"", 1).as_bytes())
                .unwrap_err()
                .message
                .contains("negative")
        );
        assert!(
            parse(
                TWO_FILES
                    .replacen(
                        "visitedSequencePoints=\"6\"",
                        "visitedSequencePoints=\"60\"",
                        1
                    )
                    .as_bytes()
            )
            .is_err()
        );
        assert!(
            parse(&b"<coverage/>"[..])
                .unwrap_err()
                .message
                .contains("CoverageSession")
        );
        assert!(parse(&TWO_FILES.as_bytes()[..400]).is_err());
    }

    #[test]
    fn sniffs_opencover_only() {
        assert!(sniff(TWO_FILES.as_bytes()));
        assert!(!sniff(b"<coverage/>"));
    }
}
