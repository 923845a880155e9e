//! JUnit XML, streamed event by event: the de-facto test report format, in the dialects real tools
//! write (Ant, Surefire, Gradle, pytest, Jest, Go, PHPUnit, CTest, Bazel, Catch2, nextest, tst,
//! Ginkgo, ...).
//!
//! No schema is enforced because no producer follows one. How the dialects are read:
//! - The root is `<testsuites>` or a lone `<testsuite>` (Surefire, Ant, CTest); suites nest (PHPUnit).
//! - Counts come from `<testcase>` elements. The declared `tests`, `failures`, `errors` and
//!   `skipped` (plus `disabled`) are only cross-checked, and each disagreement becomes a note:
//!   trimmed fixtures, Ginkgo leaving skipped cases out of `tests` and Surefire counting reruns all
//!   make the declared numbers wrong.
//! - A case's outcome, first match wins: its first `<failure>` or `<error>`; Surefire's
//!   `<rerunFailure>`/`<rerunError>` (failed on every rerun); `<skipped>`; Surefire and nextest
//!   `<flakyFailure>`/`<flakyError>` with no final failure (flaky: passed on a rerun); a `status` or
//!   `result` attribute (CTest `fail`, tst `failed`/`errored`/`disabled`, GoogleTest `notrun`,
//!   `suppressed`, `skipped`); otherwise passed.
//! - A `<failure>` or `<error>` directly under a suite (the suite failed to load) is one errored
//!   test named after the suite, never nothing.
//! - The message is the `message` attribute, else the first line of the element's text, capped at
//!   500 characters. `file` and `line` come from the result element or the test case (Catch2,
//!   gitleaks, pytest's `xunit1` family, whose 0-based `line` is shifted to 1-based).
//! - `time` is never read: empty strings, thousands separators and nanoseconds all occur.
//! - UTF-8 with or without BOM; UTF-16 is transcoded. DOCTYPE declarations are skipped unread and
//!   only the five XML entities and character references are resolved: a custom or external
//!   entity reference is kept as literal text, never expanded or fetched.

mod model;

use std::borrow::Cow;
use std::io::{BufRead, Cursor, Read};

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::coverage_xml::LineTracker;
use super::xml::input::{self, Encoding, Utf16ToUtf8};
use super::xml::text::{
    FirstLine, attribute_value, decode_utf16_lossy, first_element_name, for_each_attribute,
    non_empty, number,
};
use super::{ParseError, Position};
use crate::evidence::{Location, TestCase, TestOutcome, TestReport};
use model::{Case, Counted, Declared, Detail, Notes, Suite, status_outcome};

/// Deepest element nesting accepted; real reports stay under ten levels.
const MAX_DEPTH: usize = 256;
/// Most notes kept; further disagreements are only counted.
const MAX_NOTES: usize = 50;
const ROOT_EXPECTED: &str = "expected <testsuites> or <testsuite> root";

/// True when the first bytes of a file look like JUnit XML: the first element is `<testsuites>`
/// or `<testsuite>`.
pub fn sniff(head: &[u8]) -> bool {
    let text = match Encoding::detect(head) {
        Encoding::Utf8 => String::from_utf8_lossy(head),
        Encoding::Utf16 { big_endian } => Cow::Owned(decode_utf16_lossy(head, big_endian)),
        Encoding::Utf32 => return false,
    };
    first_element_name(&text).is_some_and(|name| {
        let local = name.rsplit(':').next().unwrap_or(name);
        is_suite_element(local)
    })
}

/// Reads a JUnit XML report. Memory stays bounded whatever the size: counts are exact, the
/// failed, errored and flaky cases kept are capped by [`TestReport::record`].
pub fn parse<R: BufRead>(mut reader: R) -> Result<TestReport, ParseError> {
    let head = input::read_head(&mut reader, 4)
        .map_err(|e| ParseError::at(format!("cannot read the report: {e}"), Position::Offset(0)))?;
    let encoding = Encoding::detect(&head);
    let stream = Cursor::new(head).chain(reader);
    match encoding {
        Encoding::Utf8 => read_document(stream),
        Encoding::Utf16 { big_endian } => read_document(Utf16ToUtf8::new(stream, big_endian)),
        Encoding::Utf32 => Err(ParseError::at(
            "UTF-32 is not supported: convert the report to UTF-8",
            Position::Offset(0),
        )),
    }
}

fn read_document<B: BufRead>(input: B) -> Result<TestReport, ParseError> {
    let mut xml = Reader::from_reader(LineTracker::new(input));
    let mut buf = Vec::new();
    let mut doc = Document::default();
    loop {
        let start = xml.buffer_position();
        let event = match xml.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(e) => {
                let at = xml.get_ref().position(xml.error_position());
                return Err(ParseError::at(describe_xml_error(&e), at));
            }
        };
        let step = match event {
            Event::Start(e) => doc.open(&e),
            Event::Empty(e) => doc.open(&e).and_then(|()| doc.close()),
            Event::End(_) => doc.close(),
            Event::Text(t) => doc.text(&t),
            Event::CData(t) => doc.text(&t),
            Event::GeneralRef(r) => doc.reference(&r),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => Ok(()),
            Event::Eof => break,
        };
        step.map_err(|message| ParseError::at(message, xml.get_ref().position(start)))?;
        buf.clear();
    }
    let end = xml.get_ref().position(xml.buffer_position());
    doc.finish().map_err(|message| ParseError::at(message, end))
}

fn describe_xml_error(e: &quick_xml::Error) -> String {
    match e {
        quick_xml::Error::Io(e) => format!("cannot read the report: {e}"),
        quick_xml::Error::Encoding(e) => {
            format!(
                "not UTF-8 text ({e}); JUnit XML must be UTF-8, or UTF-16 with a byte order mark"
            )
        }
        other => format!("malformed XML: {other}"),
    }
}

fn is_suite_element(name: &str) -> bool {
    matches!(name, "testsuites" | "testsuite")
}

fn is_xml_whitespace(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Root {
    #[default]
    NotYet,
    Open,
    Closed,
}

/// What an open element is, for the matching end tag.
#[derive(Debug, Clone, Copy)]
enum Frame {
    Suite,
    Case,
    /// `<failure>`/`<error>` of a case; `capture` when its text is the message.
    CaseResult {
        capture: bool,
    },
    /// `<failure>`/`<error>` directly under a suite.
    SuiteResult {
        capture: bool,
    },
    Other,
}

#[derive(Default)]
struct Document {
    report: TestReport,
    root: Root,
    frames: Vec<Frame>,
    suites: Vec<Suite>,
    case: Option<Case>,
    /// pytest writes 0-based `line` attributes on test cases.
    pytest: bool,
    /// Name buffers of the last case that was not kept, reused for the next one.
    spare_names: (String, String),
    notes: Notes,
}

impl Document {
    fn open(&mut self, e: &BytesStart) -> Result<(), String> {
        let local = e.local_name();
        let name = local.as_ref();
        match self.root {
            Root::NotYet if is_suite_element(name) => self.root = Root::Open,
            Root::NotYet => return Err(format!("{ROOT_EXPECTED}, found <{name}>")),
            Root::Closed => {
                return Err(format!("unexpected <{name}> after the root element"));
            }
            Root::Open => {}
        }
        if self.frames.len() >= MAX_DEPTH {
            return Err(format!("elements nest deeper than {MAX_DEPTH} levels"));
        }
        let frame = match name {
            "testsuites" | "testsuite" if self.case.is_some() => {
                return Err(format!("<{name}> inside <testcase>"));
            }
            "testsuites" => self.open_suite(e, "testsuites")?,
            "testsuite" => self.open_suite(e, "testsuite")?,
            "testcase" if self.case.is_some() => return Err("<testcase> inside <testcase>".into()),
            "testcase" => self.open_case(e)?,
            _ => match self.frames.last() {
                Some(Frame::Case) => self.open_case_child(e, name)?,
                Some(Frame::Suite) if matches!(name, "failure" | "error") => {
                    self.open_suite_result(e)?
                }
                _ => Frame::Other,
            },
        };
        self.frames.push(frame);
        Ok(())
    }

    fn open_suite(&mut self, e: &BytesStart, element: &'static str) -> Result<Frame, String> {
        let mut suite = Suite {
            element,
            name: None,
            declared: Declared::default(),
            counted: Counted::default(),
            load_error: None,
        };
        for_each_attribute(e, |key, attr| match key {
            "name" => suite.name = non_empty(attribute_value(attr)),
            "tests" => suite.declared.tests = number(attr),
            "failures" => suite.declared.failures = number(attr),
            "errors" => suite.declared.errors = number(attr),
            "skipped" => suite.declared.skipped = number(attr),
            "disabled" => suite.declared.disabled = number(attr),
            "timestamp" => {
                let at = crate::evidence::parse_report_time(&attribute_value(attr));
                self.report.produced_at = crate::evidence::older(self.report.produced_at, at);
            }
            _ => {}
        })?;
        if matches!(
            (element, suite.name.as_deref()),
            ("testsuites", Some("pytest tests")) | ("testsuite", Some("pytest"))
        ) {
            self.pytest = true;
        }
        self.suites.push(suite);
        Ok(Frame::Suite)
    }

    fn open_case(&mut self, e: &BytesStart) -> Result<Frame, String> {
        let (mut name, mut classname) = std::mem::take(&mut self.spare_names);
        name.clear();
        classname.clear();
        let mut case = Case {
            name,
            classname,
            ..Case::default()
        };
        for_each_attribute(e, |key, attr| match key {
            "name" => case.name.push_str(&attribute_value(attr)),
            "classname" => case.classname.push_str(&attribute_value(attr)),
            "file" => case.file = non_empty(attribute_value(attr)),
            "line" => case.line = number(attr),
            "status" | "result" => case.status = case.status.or(status_outcome(&attr.value)),
            _ => {}
        })?;
        if self.pytest {
            case.line = case.line.map(|line| line.saturating_add(1));
        }
        self.case = Some(case);
        Ok(Frame::Case)
    }

    fn open_case_child(&mut self, e: &BytesStart, name: &str) -> Result<Frame, String> {
        let Some(case) = self.case.as_mut() else {
            return Ok(Frame::Other);
        };
        let frame = match name {
            "failure" | "error" if case.result.is_some() => Frame::CaseResult { capture: false },
            "failure" | "error" => {
                let detail = Detail::read(e)?;
                let capture = detail.message.is_none();
                let outcome = if name == "failure" {
                    TestOutcome::Failed
                } else {
                    TestOutcome::Errored
                };
                case.result = Some((outcome, detail));
                Frame::CaseResult { capture }
            }
            "rerunFailure" | "rerunError" => {
                case.reruns += 1;
                if case.rerun.is_none() {
                    let outcome = if name == "rerunFailure" {
                        TestOutcome::Failed
                    } else {
                        TestOutcome::Errored
                    };
                    case.rerun = Some((outcome, Detail::read(e)?.message));
                }
                Frame::Other
            }
            "flakyFailure" | "flakyError" => {
                case.reruns += 1;
                if case.flaky.is_none() {
                    case.flaky = Some(Detail::read(e)?.message);
                }
                Frame::Other
            }
            "skipped" => {
                case.skipped = true;
                Frame::Other
            }
            _ => Frame::Other,
        };
        Ok(frame)
    }

    fn open_suite_result(&mut self, e: &BytesStart) -> Result<Frame, String> {
        let Some(suite) = self.suites.last_mut() else {
            return Ok(Frame::Other);
        };
        if suite.load_error.is_some() {
            return Ok(Frame::SuiteResult { capture: false });
        }
        let detail = Detail::read(e)?;
        let capture = detail.message.is_none();
        suite.load_error = Some(detail);
        Ok(Frame::SuiteResult { capture })
    }

    fn close(&mut self) -> Result<(), String> {
        let frame = self
            .frames
            .pop()
            .ok_or("closing tag without an opening tag")?;
        match frame {
            Frame::Suite => self.close_suite(),
            Frame::Case => self.close_case(),
            Frame::CaseResult { .. } | Frame::SuiteResult { .. } | Frame::Other => {}
        }
        if self.frames.is_empty() {
            self.root = Root::Closed;
        }
        Ok(())
    }

    fn close_case(&mut self) {
        let Some(case) = self.case.take() else {
            return;
        };
        let reruns = case.reruns;
        let (outcome, message, detail_file, detail_line) =
            if let Some((outcome, detail)) = case.result {
                let (file, line) = (detail.file.clone(), detail.line);
                (outcome, detail.message(), file, line)
            } else if let Some((outcome, message)) = case.rerun {
                (outcome, message, None, None)
            } else if case.skipped {
                (TestOutcome::Skipped, None, None, None)
            } else if let Some(message) = case.flaky {
                (TestOutcome::Flaky, message, None, None)
            } else {
                (case.status.unwrap_or(TestOutcome::Passed), None, None, None)
            };
        let kept = matches!(
            outcome,
            TestOutcome::Failed | TestOutcome::Errored | TestOutcome::Flaky
        );
        if kept {
            let location = detail_file.or(case.file).map(|path| Location {
                path,
                line: detail_line.or(case.line),
            });
            self.report.record(TestCase {
                suite: self.case_suite_name(),
                classname: case.classname,
                name: case.name,
                outcome,
                message,
                location,
            });
        } else {
            // Passed and skipped cases are counted by reference; their name buffers are reused.
            let suite = match self.suites.last() {
                Some(suite) if suite.element == "testsuite" => suite.name.as_deref().unwrap_or(""),
                _ => "",
            };
            self.report
                .record_run(suite, &case.classname, &case.name, outcome);
            self.spare_names = (case.name, case.classname);
        }
        if let Some(suite) = self.suites.last_mut() {
            suite.counted.add(outcome);
            suite.counted.reruns += reruns;
        }
    }

    /// The innermost `<testsuite>`'s name, which is the suite a case belongs to.
    fn case_suite_name(&self) -> String {
        match self.suites.last() {
            Some(suite) if suite.element == "testsuite" => suite.name.clone().unwrap_or_default(),
            _ => String::new(),
        }
    }

    fn close_suite(&mut self) {
        let Some(mut suite) = self.suites.pop() else {
            return;
        };
        if let Some(detail) = suite.load_error.take() {
            let name = suite
                .name
                .clone()
                .unwrap_or_else(|| format!("<{}>", suite.element));
            let location = detail.file.clone().map(|path| Location {
                path,
                line: detail.line,
            });
            let suite_name = if suite.element == "testsuite" {
                name.clone()
            } else {
                String::new()
            };
            self.report.record(TestCase {
                suite: suite_name,
                classname: String::new(),
                name,
                outcome: TestOutcome::Errored,
                message: detail.message(),
                location,
            });
            suite.counted.add(TestOutcome::Errored);
        }
        if let Some(note) = suite.disagreement() {
            self.notes.push(note);
        }
        // Failures or errors declared and not listed count: the larger figure wins, so a
        // report cannot pass by leaving its failures out. Surefire counts every rerun and flaky
        // failure element in `failures`, so those are taken off first.
        let (d, c) = (&suite.declared, suite.counted);
        let unlisted_failed = d
            .failures
            .unwrap_or(0)
            .saturating_sub(c.failed.saturating_add(c.reruns));
        let unlisted_errors = d
            .errors
            .unwrap_or(0)
            .saturating_sub(c.errors.saturating_add(c.reruns));
        for (outcome, n, what) in [
            (TestOutcome::Failed, unlisted_failed, "failure"),
            (TestOutcome::Errored, unlisted_errors, "error"),
        ] {
            if n == 0 {
                continue;
            }
            let name = suite
                .name
                .clone()
                .unwrap_or_else(|| format!("<{}>", suite.element));
            self.report.record_unlisted(
                TestCase {
                    suite: name.clone(),
                    classname: String::new(),
                    name: format!(
                        "{name}: {n} unlisted {what}{}",
                        if n == 1 { "" } else { "s" }
                    ),
                    outcome,
                    message: Some(format!(
                        "{} declares {n} more {what}{} than its test cases show; they count",
                        suite.describe(),
                        if n == 1 { "" } else { "s" }
                    )),
                    location: None,
                },
                n,
            );
            suite.counted.tests = suite.counted.tests.saturating_add(n);
            if outcome == TestOutcome::Failed {
                suite.counted.failed = suite.counted.failed.saturating_add(n);
            } else {
                suite.counted.errors = suite.counted.errors.saturating_add(n);
            }
        }
        if let Some(parent) = self.suites.last_mut() {
            parent.counted.merge(&suite.counted);
        }
    }

    fn text(&mut self, text: &str) -> Result<(), String> {
        self.check_text_allowed(text)?;
        if let Some(body) = self.capture_target() {
            body.push_str(text);
        }
        Ok(())
    }

    fn reference(&mut self, reference: &BytesRef) -> Result<(), String> {
        self.check_text_allowed("&")?;
        let Some(body) = self.capture_target() else {
            return Ok(());
        };
        let name: &str = reference;
        match reference.resolve_char_ref() {
            Ok(Some(ch)) => body.push_char(ch),
            Ok(None) => match resolve_predefined_entity(name) {
                Some(resolved) => body.push_str(resolved),
                None => body.push_str(&format!("&{name};")),
            },
            Err(_) => body.push_str(&format!("&{name};")),
        }
        Ok(())
    }

    fn check_text_allowed(&self, text: &str) -> Result<(), String> {
        match self.root {
            Root::Open => Ok(()),
            _ if is_xml_whitespace(text) => Ok(()),
            Root::NotYet => Err(format!("{ROOT_EXPECTED}, found text")),
            Root::Closed => Err("unexpected text after the root element".into()),
        }
    }

    fn capture_target(&mut self) -> Option<&mut FirstLine> {
        match self.frames.last() {
            Some(Frame::CaseResult { capture: true }) => self
                .case
                .as_mut()?
                .result
                .as_mut()
                .map(|(_, detail)| &mut detail.body),
            Some(Frame::SuiteResult { capture: true }) => self
                .suites
                .last_mut()?
                .load_error
                .as_mut()
                .map(|detail| &mut detail.body),
            _ => None,
        }
    }

    fn finish(mut self) -> Result<TestReport, String> {
        match self.root {
            Root::NotYet => Err(format!("{ROOT_EXPECTED}, found end of input")),
            Root::Open => {
                let open = match (&self.case, self.suites.last()) {
                    (Some(case), _) => format!("<testcase name=\"{}\">", case.name),
                    (None, Some(suite)) => suite.describe(),
                    (None, None) => "the root element".into(),
                };
                Err(format!(
                    "unexpected end of input inside {open}: the report is truncated"
                ))
            }
            Root::Closed => {
                self.report.notes.extend(self.notes.into_vec());
                Ok(self.report)
            }
        }
    }
}

#[cfg(test)]
mod tests;
