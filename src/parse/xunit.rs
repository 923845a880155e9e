//! xUnit.net XML (`dotnet test --logger xunit`, `xunit.console -xml`): v2/v3 (`<assemblies>` of
//! `<assembly>` of `<collection>` of `<test>`) and v1 (`<assembly>` of `<class>` of `<test>`),
//! streamed through the shared XML reader.
//!
//! Counts come from the `<test>` elements; each assembly's declared `total`, `passed`, `failed`,
//! `skipped` and `errors` are only cross-checked, each disagreement a note. `result` maps
//! `Pass` → passed, `Fail` → failed, `Skip` and v3's `NotRun` (explicit tests left out) →
//! skipped, and anything else → errors, with a note. Errors outside any test (`<errors><error
//! type="assembly-cleanup|test-class-cleanup|fatal|…">`: a fixture's dispose threw, the runner
//! crashed) are one errored test each, named after the error's `name` (or its `type`), because
//! such a failure leaves every test passed. The name of a test is its `name` with the class
//! (`type`) prefix taken off, so the waiver id is `Class.Method(args)`; the message is the
//! failure's `<message>`, the file and line those of the first stack frame that names one.

use std::io::BufRead;

use quick_xml::events::BytesStart;

use super::ParseError;
use super::tests_common::{Notes, Tally, disagreement};
use super::xml::text::{FirstLine, attribute_value, for_each_attribute, non_empty, number};
use super::xml::{self, DotnetFrame, Handler};
use crate::evidence::{Location, TestCase, TestOutcome, TestReport};

const ROOT: &str = "<assemblies> or <assembly> (xUnit.net)";

/// True when the first element is `<assemblies>` or `<assembly>`.
pub fn sniff(head: &[u8]) -> bool {
    xml::sniff_root(head, &["assemblies", "assembly"])
}

/// Reads an xUnit.net v1, v2 or v3 XML document.
pub fn parse<R: BufRead>(reader: R) -> Result<TestReport, ParseError> {
    let mut doc = Doc::default();
    xml::read(reader, &mut doc, ROOT)?;
    Ok(doc.finish())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Assembly,
    Test,
    Error,
    Failure,
    Message,
    StackTrace,
    Other,
}

/// A `<test>` or an `<error>` being read.
struct Item {
    is_error: bool,
    classname: String,
    name: String,
    outcome: TestOutcome,
    message: FirstLine,
    frame: DotnetFrame,
}

#[derive(Default)]
struct Assembly {
    name: String,
    declared: [Option<u64>; 5],
    counted: [u64; 5],
}

#[derive(Default)]
struct Doc {
    report: TestReport,
    frames: Vec<Frame>,
    assembly: Option<Assembly>,
    item: Option<Item>,
    unknown: Tally,
    notes: Notes,
}

impl Handler for Doc {
    fn open(&mut self, e: &BytesStart, depth: usize) -> Result<(), String> {
        let local = e.local_name();
        let name = local.as_ref();
        if depth == 0 && !matches!(name, "assemblies" | "assembly") {
            return Err(format!("expected {ROOT} root, found <{name}>"));
        }
        let parent = self.frames.last().copied();
        let frame = match (name, parent) {
            ("assembly" | "test" | "error", Some(Frame::Test | Frame::Error)) => {
                return Err(format!("<{name}> inside <test> or <error>"));
            }
            ("assembly", _) => {
                if self.assembly.is_some() {
                    return Err("<assembly> inside <assembly>".into());
                }
                self.open_assembly(e)?
            }
            ("test", _) => self.open_test(e)?,
            ("error", _) => self.open_error(e)?,
            ("failure", Some(Frame::Test | Frame::Error)) => Frame::Failure,
            ("message", Some(Frame::Failure)) => Frame::Message,
            ("stack-trace", Some(Frame::Failure)) => Frame::StackTrace,
            _ => Frame::Other,
        };
        self.frames.push(frame);
        Ok(())
    }

    fn close(&mut self, _depth: usize) -> Result<(), String> {
        match self.frames.pop() {
            Some(Frame::Test | Frame::Error) => self.close_item(),
            Some(Frame::Assembly) => self.close_assembly(),
            _ => {}
        }
        Ok(())
    }

    fn text(&mut self, text: &str) {
        let Some(item) = self.item.as_mut() else {
            return;
        };
        match self.frames.last() {
            Some(Frame::Message) => item.message.push_str(text),
            Some(Frame::StackTrace) => item.frame.push_str(text),
            _ => {}
        }
    }

    fn finish(&mut self) -> Result<(), String> {
        Ok(())
    }
}

impl Doc {
    fn open_assembly(&mut self, e: &BytesStart) -> Result<Frame, String> {
        let mut assembly = Assembly::default();
        let d = &mut assembly.declared;
        for_each_attribute(e, |key, attr| match key {
            "name" => assembly.name = attribute_value(attr).trim().to_string(),
            "total" => d[0] = number(attr),
            "passed" => d[1] = number(attr),
            "failed" => d[2] = number(attr),
            "skipped" => d[3] = number(attr),
            "errors" => d[4] = number(attr),
            _ => {}
        })?;
        self.assembly = Some(assembly);
        Ok(Frame::Assembly)
    }

    fn open_test(&mut self, e: &BytesStart) -> Result<Frame, String> {
        let (mut name, mut classname, mut result) = (String::new(), String::new(), None);
        for_each_attribute(e, |key, attr| match key {
            "name" => name = attribute_value(attr).trim().to_string(),
            "type" => classname = attribute_value(attr).trim().to_string(),
            "result" => result = non_empty(attribute_value(attr)),
            _ => {}
        })?;
        if let Some(method) = name
            .strip_prefix(classname.as_str())
            .and_then(|rest| rest.strip_prefix('.'))
            .filter(|_| !classname.is_empty())
        {
            name = method.to_string();
        }
        let outcome = match result.as_deref() {
            Some("Pass") => TestOutcome::Passed,
            Some("Fail") => TestOutcome::Failed,
            Some("Skip" | "NotRun") => TestOutcome::Skipped,
            _ => {
                self.unknown.add(&name);
                TestOutcome::Errored
            }
        };
        self.item = Some(Item {
            is_error: false,
            classname,
            name,
            outcome,
            message: FirstLine::default(),
            frame: DotnetFrame::default(),
        });
        Ok(Frame::Test)
    }

    fn open_error(&mut self, e: &BytesStart) -> Result<Frame, String> {
        let (mut name, mut kind) = (None, None);
        for_each_attribute(e, |key, attr| match key {
            "name" => name = non_empty(attribute_value(attr)),
            "type" => kind = non_empty(attribute_value(attr)),
            _ => {}
        })?;
        let name = match (name, &kind) {
            (Some(name), Some(kind)) => format!("{name} ({kind})"),
            (Some(name), None) => name,
            (None, Some(kind)) => kind.clone(),
            (None, None) => "error".into(),
        };
        self.item = Some(Item {
            is_error: true,
            classname: String::new(),
            name,
            outcome: TestOutcome::Errored,
            message: FirstLine::default(),
            frame: DotnetFrame::default(),
        });
        Ok(Frame::Error)
    }

    fn close_item(&mut self) {
        let Some(item) = self.item.take() else {
            return;
        };
        if let Some(assembly) = self.assembly.as_mut() {
            let slot = match item.outcome {
                _ if item.is_error => Some(4),
                TestOutcome::Passed | TestOutcome::Flaky => Some(1),
                TestOutcome::Failed => Some(2),
                TestOutcome::Skipped => Some(3),
                TestOutcome::Errored => None,
            };
            if let Some(n) = slot.and_then(|i| assembly.counted.get_mut(i)) {
                *n += 1;
            }
            if !item.is_error {
                assembly.counted[0] += 1;
            }
        }
        if !matches!(item.outcome, TestOutcome::Failed | TestOutcome::Errored) {
            self.report
                .record_run("", &item.classname, &item.name, item.outcome);
            return;
        }
        let location = item.frame.finish().map(|(path, line)| Location {
            path,
            line: Some(line),
        });
        let suite = self
            .assembly
            .as_ref()
            .map(|a| a.name.clone())
            .unwrap_or_default();
        self.report.record(TestCase {
            suite,
            classname: item.classname,
            name: item.name,
            outcome: item.outcome,
            message: item.message.finish(),
            location,
        });
    }

    fn close_assembly(&mut self) {
        let Some(assembly) = self.assembly.take() else {
            return;
        };
        let [total, passed, failed, skipped, errors] = assembly.counted;
        let d = assembly.declared;
        let what = format!("<assembly name=\"{}\">", assembly.name);
        // xUnit counts assembly-level errors apart from `total`, and so does `counted`.
        if let Some(note) = disagreement(
            &what,
            &[
                ("total", d[0], total),
                ("passed", d[1], passed),
                ("failed", d[2], failed),
                ("skipped", d[3], skipped),
                ("errors", d[4], errors),
            ],
        ) {
            self.notes.push(note);
        }
    }

    fn finish(mut self) -> TestReport {
        if let Some(note) = self
            .unknown
            .note("unknown or missing result", TestOutcome::Errored)
        {
            self.notes.push(note);
        }
        self.notes.into_report(&mut self.report);
        self.report
    }
}

#[cfg(test)]
mod tests;
