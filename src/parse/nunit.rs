//! NUnit result XML: NUnit 3 (`<test-run>`, the console runner, `dotnet test --logger nunit`,
//! Unity) and NUnit 2.x (`<test-results>`), streamed through the shared XML reader.
//!
//! Counts come from the leaf `<test-case>` elements, whatever the nesting of `<test-suite>`s
//! (assembly, namespace, fixture, parameterized method, theory); the totals the root declares are
//! only cross-checked, each disagreement a note. How a case's `result` (and NUnit 3's `label` and
//! `site`) map, fail-closed where NUnit leaves room:
//! - `Passed`, `Success` → passed; `Warning` (NUnit 3's `Assert.Warn`) → passed, with a note.
//! - `Failed`, `Failure` → failed; but NUnit 3's label `Error`, `Cancelled` or `Invalid`, a
//!   `site="Parent"` (the fixture's one-time setup failed, so the test never ran), and NUnit 2's
//!   `Error`, `NotRunnable` and `Cancelled` → errors.
//! - `Skipped`, `Ignored`, `Explicit`, `NotRun` → skipped; `Inconclusive` → skipped, with a note
//!   (NUnit itself does not fail a run for it).
//! - NUnit 2 files without `result` (2.2): `executed="False"` → skipped, else `success`.
//! - Anything else → errors, with a note: an outcome nobody knows is not a pass.
//!
//! A `<failure>` directly under a `<test-suite>` is one errored test named after the suite when
//! it comes from the suite's own setup or teardown (NUnit 3 `site="SetUp"`/`"TearDown"`; in NUnit
//! 2, a failed suite none of whose cases failed), because a teardown failure leaves every case
//! passed. The message is the failure's `<message>`; the file and line are those of the first
//! stack frame that names one (`in /src/Tests.cs:line 42`).

use std::io::BufRead;

use quick_xml::events::BytesStart;

use super::ParseError;
use super::tests_common::{Notes, Tally, disagreement, first_line};
use super::xml::text::{FirstLine, attribute_value, for_each_attribute, non_empty, number};
use super::xml::{self, DotnetFrame, Handler};
use crate::evidence::{Location, TestCase, TestOutcome, TestReport};

const ROOT: &str = "<test-run> (NUnit 3) or <test-results> (NUnit 2)";

/// True when the first element is NUnit's `<test-run>` or `<test-results>`.
pub fn sniff(head: &[u8]) -> bool {
    xml::sniff_root(head, &["test-run", "test-results"])
}

/// Reads an NUnit 2 or 3 result document.
pub fn parse<R: BufRead>(reader: R) -> Result<TestReport, ParseError> {
    let mut doc = Doc::default();
    xml::read(reader, &mut doc, ROOT)?;
    Ok(doc.finish())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Suite,
    Case,
    /// `<failure>` of the open case (or of the innermost suite when `suite`).
    Failure {
        suite: bool,
    },
    Message {
        suite: bool,
    },
    StackTrace {
        suite: bool,
    },
    Other,
}

#[derive(Default)]
struct Detail {
    message: FirstLine,
    frame: DotnetFrame,
}

impl Detail {
    fn finish(self) -> (Option<String>, Option<Location>) {
        let location = self.frame.finish().map(|(path, line)| Location {
            path,
            line: Some(line),
        });
        (self.message.finish(), location)
    }
}

struct Suite {
    name: String,
    failed: bool,
    site: Option<String>,
    failure: Option<Detail>,
    descendant_failed: bool,
}

struct Case {
    name: String,
    classname: String,
    outcome: TestOutcome,
    failure: Option<Detail>,
}

#[derive(Default)]
struct Declared {
    v3: bool,
    total: Option<u64>,
    passed: Option<u64>,
    failed: Option<u64>,
    errors: Option<u64>,
    skipped: Option<u64>,
    inconclusive: Option<u64>,
    not_run: Option<u64>,
}

#[derive(Default)]
struct Doc {
    report: TestReport,
    declared: Declared,
    frames: Vec<Frame>,
    suites: Vec<Suite>,
    case: Option<Case>,
    /// Case-level counts for the cross-check (suite errors excluded).
    counted: [u64; 5],
    inconclusive: Tally,
    warning: Tally,
    unknown: Tally,
    not_runnable: u64,
    notes: Notes,
}

impl Handler for Doc {
    fn open(&mut self, e: &BytesStart, depth: usize) -> Result<(), String> {
        let local = e.local_name();
        let name = local.as_ref();
        if depth == 0 {
            return match name {
                "test-run" | "test-results" => self.open_root(e, name == "test-run"),
                other => Err(format!("expected {ROOT} root, found <{other}>")),
            };
        }
        let parent = self.frames.last().copied();
        let frame = match (name, parent) {
            ("test-suite" | "test-case", Some(Frame::Case)) => {
                return Err(format!("<{name}> inside <test-case>"));
            }
            ("test-suite", _) => self.open_suite(e)?,
            ("test-case", _) => self.open_case(e)?,
            ("failure", Some(Frame::Case)) => {
                if let Some(case) = self.case.as_mut()
                    && case.failure.is_none()
                {
                    case.failure = Some(Detail::default());
                }
                Frame::Failure { suite: false }
            }
            ("failure", Some(Frame::Suite)) => {
                if let Some(suite) = self.suites.last_mut()
                    && suite.failure.is_none()
                {
                    suite.failure = Some(Detail::default());
                }
                Frame::Failure { suite: true }
            }
            ("reason", Some(Frame::Case)) => {
                if let Some(case) = self.case.as_mut()
                    && case.failure.is_none()
                    && case.outcome == TestOutcome::Errored
                {
                    case.failure = Some(Detail::default());
                }
                Frame::Failure { suite: false }
            }
            ("message", Some(Frame::Failure { suite })) => Frame::Message { suite },
            ("stack-trace", Some(Frame::Failure { suite })) => Frame::StackTrace { suite },
            _ => Frame::Other,
        };
        self.frames.push(frame);
        Ok(())
    }

    fn close(&mut self, depth: usize) -> Result<(), String> {
        if depth == 0 {
            return Ok(());
        }
        match self.frames.pop() {
            Some(Frame::Case) => self.close_case(),
            Some(Frame::Suite) => self.close_suite(),
            _ => {}
        }
        Ok(())
    }

    fn text(&mut self, text: &str) {
        let Some(&frame) = self.frames.last() else {
            return;
        };
        let (suite, is_message) = match frame {
            Frame::Message { suite } => (suite, true),
            Frame::StackTrace { suite } => (suite, false),
            _ => return,
        };
        let detail = if suite {
            self.suites.last_mut().and_then(|s| s.failure.as_mut())
        } else {
            self.case.as_mut().and_then(|c| c.failure.as_mut())
        };
        if let Some(detail) = detail {
            if is_message {
                detail.message.push_str(text);
            } else {
                detail.frame.push_str(text);
            }
        }
    }

    fn finish(&mut self) -> Result<(), String> {
        Ok(())
    }
}

impl Doc {
    fn open_root(&mut self, e: &BytesStart, v3: bool) -> Result<(), String> {
        let d = &mut self.declared;
        d.v3 = v3;
        for_each_attribute(e, |key, attr| match key {
            "total" => d.total = number(attr),
            "passed" => d.passed = number(attr),
            "failed" | "failures" => d.failed = number(attr),
            "errors" => d.errors = number(attr),
            "skipped" if v3 => d.skipped = number(attr),
            "inconclusive" => d.inconclusive = number(attr),
            "not-run" => d.not_run = number(attr),
            _ => {}
        })
    }

    fn open_suite(&mut self, e: &BytesStart) -> Result<Frame, String> {
        let mut suite = Suite {
            name: String::new(),
            failed: false,
            site: None,
            failure: None,
            descendant_failed: false,
        };
        let mut fullname = None;
        for_each_attribute(e, |key, attr| match key {
            "name" => suite.name = attribute_value(attr).into_owned(),
            "fullname" => fullname = non_empty(attribute_value(attr)),
            "result" => {
                let value = attribute_value(attr);
                let value = value.trim();
                suite.failed = ["Failed", "Failure", "Error"]
                    .iter()
                    .any(|r| value.eq_ignore_ascii_case(r) || value.starts_with(r));
            }
            "site" => suite.site = non_empty(attribute_value(attr)),
            _ => {}
        })?;
        if let Some(fullname) = fullname {
            suite.name = fullname;
        }
        self.suites.push(suite);
        Ok(Frame::Suite)
    }

    fn open_case(&mut self, e: &BytesStart) -> Result<Frame, String> {
        let (mut name, mut fullname, mut classname) = (String::new(), None, String::new());
        let (mut result, mut label, mut site) = (None, None, None);
        let (mut executed, mut success) = (None, None);
        for_each_attribute(e, |key, attr| match key {
            "name" => name = attribute_value(attr).into_owned(),
            "fullname" => fullname = non_empty(attribute_value(attr)),
            "classname" => classname = attribute_value(attr).trim().to_string(),
            "result" => result = non_empty(attribute_value(attr)),
            "label" => label = non_empty(attribute_value(attr)),
            "site" => site = non_empty(attribute_value(attr)),
            "executed" => executed = Some(is_true(&attribute_value(attr))),
            "success" => success = Some(is_true(&attribute_value(attr))),
            _ => {}
        })?;
        // NUnit 3 names a case by `fullname` (`Ns.Class.Method(args)`) and its class separately;
        // the waiver id is `classname.name`, so the class prefix is taken off the full name.
        let name = match fullname {
            Some(full) if !classname.is_empty() => full
                .strip_prefix(classname.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
                .map(str::to_string)
                .unwrap_or(name),
            Some(full) => full,
            _ => name,
        };
        let outcome = self.outcome(
            &name,
            result.as_deref(),
            label.as_deref(),
            site.as_deref(),
            executed,
            success,
        );
        self.case = Some(Case {
            name,
            classname,
            outcome,
            failure: None,
        });
        Ok(Frame::Case)
    }

    fn outcome(
        &mut self,
        name: &str,
        result: Option<&str>,
        label: Option<&str>,
        site: Option<&str>,
        executed: Option<bool>,
        success: Option<bool>,
    ) -> TestOutcome {
        let is = |value: Option<&str>, names: &[&str]| {
            value.is_some_and(|v| names.iter().any(|n| v.eq_ignore_ascii_case(n)))
        };
        let Some(result) = result else {
            return match (executed, success) {
                (Some(false), _) => TestOutcome::Skipped,
                (_, Some(true)) => TestOutcome::Passed,
                (_, Some(false)) => TestOutcome::Failed,
                _ => {
                    self.unknown.add(name);
                    TestOutcome::Errored
                }
            };
        };
        let result = Some(result.split('(').next().unwrap_or(result).trim());
        if is(result, &["Passed", "Success"]) {
            TestOutcome::Passed
        } else if is(result, &["Warning"]) {
            self.warning.add(name);
            TestOutcome::Passed
        } else if is(result, &["Failed", "Failure"]) {
            if is(label, &["Error", "Cancelled", "Invalid"]) || is(site, &["Parent"]) {
                TestOutcome::Errored
            } else {
                TestOutcome::Failed
            }
        } else if is(result, &["Error", "Cancelled"]) {
            TestOutcome::Errored
        } else if is(result, &["NotRunnable"]) {
            self.not_runnable += 1;
            TestOutcome::Errored
        } else if is(result, &["Skipped", "Ignored", "Explicit", "NotRun"]) {
            TestOutcome::Skipped
        } else if is(result, &["Inconclusive"]) {
            self.inconclusive.add(name);
            TestOutcome::Skipped
        } else {
            self.unknown.add(name);
            TestOutcome::Errored
        }
    }

    fn close_case(&mut self) {
        let Some(case) = self.case.take() else {
            return;
        };
        let slot = match case.outcome {
            TestOutcome::Passed | TestOutcome::Flaky => 0,
            TestOutcome::Failed => 1,
            TestOutcome::Errored => 2,
            TestOutcome::Skipped => 3,
        };
        if let Some(count) = self.counted.get_mut(slot) {
            *count += 1;
        }
        self.counted[4] += 1;
        let failing = matches!(case.outcome, TestOutcome::Failed | TestOutcome::Errored);
        if failing && let Some(suite) = self.suites.last_mut() {
            suite.descendant_failed = true;
        }
        if !failing {
            self.report
                .record_run("", &case.classname, &case.name, case.outcome);
            return;
        }
        let (message, location) = case.failure.map(Detail::finish).unwrap_or_default();
        self.report.record(TestCase {
            suite: String::new(),
            classname: case.classname,
            name: case.name,
            outcome: case.outcome,
            message,
            location,
        });
    }

    fn close_suite(&mut self) {
        let Some(suite) = self.suites.pop() else {
            return;
        };
        let descendant_failed = suite.descendant_failed;
        let own = match suite.site.as_deref() {
            Some(site) => {
                site.eq_ignore_ascii_case("SetUp") || site.eq_ignore_ascii_case("TearDown")
            }
            None => suite.failed && !suite.descendant_failed,
        };
        if own && let Some(detail) = suite.failure {
            let (message, location) = detail.finish();
            let message = message.or_else(|| first_line(suite.site.as_deref().unwrap_or("failed")));
            self.report.record(TestCase {
                suite: String::new(),
                classname: String::new(),
                name: suite.name,
                outcome: TestOutcome::Errored,
                message,
                location,
            });
        }
        if descendant_failed && let Some(parent) = self.suites.last_mut() {
            parent.descendant_failed = true;
        }
    }

    fn finish(mut self) -> TestReport {
        let [passed, failed, errors, skipped, total] = self.counted;
        let d = &self.declared;
        let note = if d.v3 {
            disagreement(
                "<test-run>",
                &[
                    ("total", d.total, total),
                    ("passed", d.passed, passed),
                    ("failed", d.failed, failed + errors),
                    (
                        "skipped",
                        d.skipped,
                        skipped.saturating_sub(self.inconclusive.count),
                    ),
                    ("inconclusive", d.inconclusive, self.inconclusive.count),
                ],
            )
        } else {
            let not_run = skipped.saturating_sub(self.inconclusive.count) + self.not_runnable;
            disagreement(
                "<test-results>",
                &[
                    ("total", d.total, total.saturating_sub(not_run)),
                    ("failures", d.failed, failed),
                    ("errors", d.errors, errors.saturating_sub(self.not_runnable)),
                    ("not-run", d.not_run, not_run),
                    ("inconclusive", d.inconclusive, self.inconclusive.count),
                ],
            )
        };
        if let Some(note) = note {
            self.notes.push(note);
        }
        for note in [
            self.inconclusive.note("Inconclusive", TestOutcome::Skipped),
            self.warning.note("Warning", TestOutcome::Passed),
            self.unknown.note("unknown", TestOutcome::Errored),
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

fn is_true(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("true")
}

#[cfg(test)]
mod tests;
