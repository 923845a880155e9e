//! Visual Studio TRX (`dotnet test --logger trx`, vstest.console, MSTest, and the xUnit/NUnit
//! adapters), streamed through the shared XML reader.
//!
//! Counts come from `<UnitTestResult>` elements; `<ResultSummary><Counters>` is only
//! cross-checked. A data-driven result (`<InnerResults>`, MSTest `DataRow`) counts its inner
//! results, one per data row, and not the parent, which only summarises them. The `outcome`
//! values of the vstst.xsd `TestOutcome` map, fail-closed where a test did not finish:
//! - `Passed` → passed; `Warning`, `Completed` and `PassedButRunAborted` → passed, with a note.
//! - `Failed` → failed.
//! - `Error`, `Timeout`, `Aborted`, `NotRunnable`, `Disconnected`, `InProgress`, `Pending`, and
//!   any unknown or missing outcome → errors (with a note for the last four).
//! - `NotExecuted` (xUnit's skip) → skipped; `Inconclusive` → skipped, with a note.
//!
//! A run whose `<ResultSummary outcome>` is `Aborted`, `Error`, `Timeout` or `Disconnected` (the
//! test host crashed) adds one errored test named "test run", with the first error `RunInfo` as
//! its message: the results present may be a fraction of the suite.
//!
//! Results come before `<TestDefinitions>`, which holds the class of each test
//! (`<UnitTest id><TestMethod className>`). Passing tests are counted by `testName` at once; the
//! failing ones kept for display get their class when the definitions arrive (matched by
//! `testId`, bounded by the kept cases), and the class prefix is taken off their name so that
//! the waiver id reads `Class.Method`. The message is `<ErrorInfo><Message>`; the file and line
//! those of the first stack frame that names one.

use std::collections::HashMap;
use std::io::BufRead;

use quick_xml::events::BytesStart;

use super::ParseError;
use super::tests_common::{Notes, Tally, disagreement};
use super::xml::text::{FirstLine, attribute_value, for_each_attribute, non_empty, number};
use super::xml::{self, DotnetFrame, Handler};
use crate::evidence::{Location, TestCase, TestOutcome, TestReport};

const ROOT: &str = "<TestRun> (TRX)";

/// True when the first element is `<TestRun>` (with or without the TeamTest namespace).
pub fn sniff(head: &[u8]) -> bool {
    xml::sniff_root(head, &["TestRun"])
}

/// Reads a TRX document.
pub fn parse<R: BufRead>(reader: R) -> Result<TestReport, ParseError> {
    let mut doc = Doc::default();
    xml::read(reader, &mut doc, ROOT)?;
    Ok(doc.finish())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Result,
    Message,
    StackTrace,
    Summary,
    RunInfo,
    RunInfoText,
    UnitTest,
    Other,
}

struct Pending {
    test_id: Option<String>,
    name: String,
    outcome: TestOutcome,
    message: FirstLine,
    frame: DotnetFrame,
    has_inner: bool,
}

#[derive(Default)]
struct Declared {
    total: Option<u64>,
    passed: Option<u64>,
    failed: Option<u64>,
}

#[derive(Default)]
struct Doc {
    report: TestReport,
    frames: Vec<Frame>,
    results: Vec<Pending>,
    /// testId → index in `report.cases`, for the failing cases waiting for their class.
    awaiting_class: HashMap<String, usize>,
    unit_test_id: Option<String>,
    summary_outcome: Option<String>,
    run_info_error: bool,
    run_error: Option<FirstLine>,
    declared: Declared,
    counted: [u64; 3],
    soft: [Tally; 3],
    inconclusive: Tally,
    unfinished: Tally,
    unknown: Tally,
    notes: Notes,
}

impl Handler for Doc {
    fn open(&mut self, e: &BytesStart, depth: usize) -> Result<(), String> {
        let local = e.local_name();
        let name = local.as_ref();
        if depth == 0 {
            return match name {
                "TestRun" => Ok(()),
                other => Err(format!("expected {ROOT} root, found <{other}>")),
            };
        }
        let parent = self.frames.last().copied();
        let frame = match (name, parent) {
            ("UnitTestResult", _) => self.open_result(e)?,
            ("Message", _) if self.in_result() => Frame::Message,
            ("StackTrace", _) if self.in_result() => Frame::StackTrace,
            ("ResultSummary", _) => {
                for_each_attribute(e, |key, attr| {
                    if key == "outcome" {
                        self.summary_outcome = non_empty(attribute_value(attr));
                    }
                })?;
                Frame::Summary
            }
            ("Counters", Some(Frame::Summary)) => {
                let d = &mut self.declared;
                for_each_attribute(e, |key, attr| match key {
                    "total" => d.total = number(attr),
                    "passed" => d.passed = number(attr),
                    "failed" => d.failed = number(attr),
                    _ => {}
                })?;
                Frame::Other
            }
            ("RunInfo", _) => {
                self.run_info_error = false;
                for_each_attribute(e, |key, attr| {
                    if key == "outcome" {
                        self.run_info_error = attribute_value(attr).trim() == "Error";
                    }
                })?;
                Frame::RunInfo
            }
            ("Text", Some(Frame::RunInfo)) => Frame::RunInfoText,
            ("UnitTest", _) => {
                self.unit_test_id = None;
                for_each_attribute(e, |key, attr| {
                    if key == "id" {
                        self.unit_test_id = non_empty(attribute_value(attr));
                    }
                })?;
                Frame::UnitTest
            }
            ("TestMethod", Some(Frame::UnitTest)) => {
                self.test_method(e)?;
                Frame::Other
            }
            _ => Frame::Other,
        };
        self.frames.push(frame);
        Ok(())
    }

    fn close(&mut self, depth: usize) -> Result<(), String> {
        if depth == 0 {
            return Ok(());
        }
        if self.frames.pop() == Some(Frame::Result) {
            self.close_result();
        }
        Ok(())
    }

    fn text(&mut self, text: &str) {
        match self.frames.last() {
            Some(Frame::Message) => {
                if let Some(result) = self.results.last_mut() {
                    result.message.push_str(text);
                }
            }
            Some(Frame::StackTrace) => {
                if let Some(result) = self.results.last_mut() {
                    result.frame.push_str(text);
                }
            }
            Some(Frame::RunInfoText) if self.run_info_error => {
                self.run_error
                    .get_or_insert_with(FirstLine::default)
                    .push_str(text);
            }
            _ => {}
        }
    }

    fn finish(&mut self) -> Result<(), String> {
        Ok(())
    }
}

impl Doc {
    fn in_result(&self) -> bool {
        !self.results.is_empty()
    }

    fn open_result(&mut self, e: &BytesStart) -> Result<Frame, String> {
        if let Some(parent) = self.results.last_mut() {
            parent.has_inner = true;
        }
        let (mut test_id, mut name, mut outcome) = (None, String::new(), None);
        for_each_attribute(e, |key, attr| match key {
            "testId" => test_id = non_empty(attribute_value(attr)),
            "testName" => name = attribute_value(attr).trim().to_string(),
            "outcome" => outcome = non_empty(attribute_value(attr)),
            _ => {}
        })?;
        let outcome = self.outcome(&name, outcome.as_deref());
        self.results.push(Pending {
            test_id,
            name,
            outcome,
            message: FirstLine::default(),
            frame: DotnetFrame::default(),
            has_inner: false,
        });
        Ok(Frame::Result)
    }

    fn outcome(&mut self, name: &str, outcome: Option<&str>) -> TestOutcome {
        let Some(outcome) = outcome else {
            self.unknown.add(name);
            return TestOutcome::Errored;
        };
        match outcome {
            "Passed" => TestOutcome::Passed,
            "Warning" | "Completed" | "PassedButRunAborted" => {
                let i = match outcome {
                    "Warning" => 0,
                    "Completed" => 1,
                    _ => 2,
                };
                if let Some(tally) = self.soft.get_mut(i) {
                    tally.add(name);
                }
                TestOutcome::Passed
            }
            "Failed" => TestOutcome::Failed,
            "Error" | "Timeout" | "Aborted" | "NotRunnable" | "Disconnected" => {
                TestOutcome::Errored
            }
            "InProgress" | "Pending" => {
                self.unfinished.add(name);
                TestOutcome::Errored
            }
            "NotExecuted" => TestOutcome::Skipped,
            "Inconclusive" => {
                self.inconclusive.add(name);
                TestOutcome::Skipped
            }
            _ => {
                self.unknown.add(name);
                TestOutcome::Errored
            }
        }
    }

    fn close_result(&mut self) {
        let Some(result) = self.results.pop() else {
            return;
        };
        if result.has_inner {
            return;
        }
        let slot = match result.outcome {
            TestOutcome::Passed | TestOutcome::Flaky => 0,
            TestOutcome::Skipped => 1,
            TestOutcome::Failed | TestOutcome::Errored => 2,
        };
        if let Some(n) = self.counted.get_mut(slot) {
            *n += 1;
        }
        if !matches!(result.outcome, TestOutcome::Failed | TestOutcome::Errored) {
            self.report.record_run("", "", &result.name, result.outcome);
            return;
        }
        let location = result.frame.finish().map(|(path, line)| Location {
            path,
            line: Some(line),
        });
        let before = self.report.cases.len();
        self.report.record(TestCase {
            suite: String::new(),
            classname: String::new(),
            name: result.name,
            outcome: result.outcome,
            message: result.message.finish(),
            location,
        });
        if self.report.cases.len() > before
            && let Some(id) = result.test_id
        {
            self.awaiting_class.insert(id, before);
        }
    }

    fn test_method(&mut self, e: &BytesStart) -> Result<(), String> {
        let Some(index) = self
            .unit_test_id
            .as_ref()
            .and_then(|id| self.awaiting_class.remove(id))
        else {
            return Ok(());
        };
        let mut class = None;
        for_each_attribute(e, |key, attr| {
            if key == "className" {
                class = non_empty(attribute_value(attr));
            }
        })?;
        let (Some(class), Some(case)) = (class, self.report.cases.get_mut(index)) else {
            return Ok(());
        };
        // Older adapters write the assembly-qualified name: `Ns.Class, Assembly, Version=...`.
        let class = class.split(',').next().unwrap_or(&class).trim().to_string();
        if let Some(method) = case
            .name
            .strip_prefix(class.as_str())
            .and_then(|rest| rest.strip_prefix('.'))
        {
            case.name = method.to_string();
        }
        case.classname = class;
        Ok(())
    }

    fn finish(mut self) -> TestReport {
        if let Some(outcome) = self.summary_outcome.as_deref()
            && matches!(outcome, "Aborted" | "Error" | "Timeout" | "Disconnected")
        {
            let message = self
                .run_error
                .take()
                .and_then(FirstLine::finish)
                .unwrap_or_else(|| format!("the test run ended with outcome {outcome}"));
            self.report.record(TestCase {
                suite: String::new(),
                classname: String::new(),
                name: "test run".into(),
                outcome: TestOutcome::Errored,
                message: Some(message),
                location: None,
            });
        }
        let [passed, skipped, failing] = self.counted;
        let d = &self.declared;
        if let Some(note) = disagreement(
            "<Counters>",
            &[
                ("total", d.total, passed + skipped + failing),
                ("passed", d.passed, passed),
                ("failed", d.failed, self.report.failed),
            ],
        ) {
            self.notes.push(note);
        }
        let [warning, completed, run_aborted] = &self.soft;
        for note in [
            warning.note("Warning", TestOutcome::Passed),
            completed.note("Completed", TestOutcome::Passed),
            run_aborted.note("PassedButRunAborted", TestOutcome::Passed),
            self.inconclusive.note("Inconclusive", TestOutcome::Skipped),
            self.unfinished
                .note("InProgress or Pending", TestOutcome::Errored),
            self.unknown
                .note("unknown or missing", TestOutcome::Errored),
        ]
        .into_iter()
        .flatten()
        {
            self.notes.push(note);
        }
        self.notes.into_report(&mut self.report);
        self.report
    }
}

#[cfg(test)]
mod tests;
