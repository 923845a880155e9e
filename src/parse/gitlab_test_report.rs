//! GitLab's pipeline test reports as its REST API returns them: the full
//! `GET /projects/:id/pipelines/:pipeline_id/test_report` (suites with their `test_cases`) and the
//! lighter `.../test_report_summary` (a `total` block and per-suite counts, no cases).
//!
//! Read like JUnit: where a suite lists its cases, the counts come from them and the declared
//! `*_count` figures are only cross-checked, each disagreement becoming a note (GitLab's own
//! fixtures disagree with themselves). Where a suite lists no cases (the summary shape), its
//! declared counts are used. A `suite_error` means GitLab could not parse that job's JUnit file
//! and reports the suite with zero tests, so it is counted as one errored test named after the
//! suite. `system_output` is a string, an object with a `message`, an array or null depending on
//! the GitLab version; the first line of its text is the case's message. Suites and cases are
//! visited one at a time through serde seeds, never collected, so a report with hundreds of
//! thousands of cases costs the memory of one case plus the capped detail list.

use std::fmt;
use std::io::{BufRead, BufReader, Read};

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{ParseError, Position};
use crate::evidence::{Location, TestCase, TestOutcome, TestReport};

/// Longest message kept for a failed case, in characters.
const MAX_MESSAGE_CHARS: usize = 500;
/// Most notes kept; further remarks are only counted.
const MAX_NOTES: usize = 50;

/// True when the first bytes look like a GitLab test_report or test_report_summary: a JSON object
/// with `test_suites` and GitLab's count keys.
pub fn sniff(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    text.trim_start().starts_with('{')
        && text.contains("\"test_suites\"")
        && (text.contains("\"success_count\"") || text.contains("\"suite_error\""))
}

/// Reads a GitLab pipeline `test_report` or `test_report_summary` JSON document.
pub fn parse<R: Read>(reader: R) -> Result<TestReport, ParseError> {
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    let head = reader
        .fill_buf()
        .map_err(|e| ParseError::at(format!("cannot read the report: {e}"), Position::Offset(0)))?;
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(ParseError::at(
            "UTF-16 is not supported: GitLab's API returns UTF-8 JSON; convert the file to UTF-8",
            Position::Offset(0),
        ));
    }
    if head.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut builder = Builder::default();
    ReportSeed(&mut builder)
        .deserialize(&mut de)
        .map_err(json_error)?;
    de.end().map_err(json_error)?;
    builder.finish()
}

fn json_error(e: serde_json::Error) -> ParseError {
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_string(),
        None => text,
    };
    let message = if e.is_io() {
        format!("cannot read the report: {message}")
    } else {
        message
    };
    if e.line() == 0 {
        ParseError::new(message)
    } else {
        ParseError::at(
            message,
            Position::LineCol {
                line: e.line() as u64,
                column: e.column() as u64,
            },
        )
    }
}

/// Declared counts, in the test_report naming (`*_count`) or the summary's `total` naming.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    total: Option<u64>,
    success: Option<u64>,
    failed: Option<u64>,
    skipped: Option<u64>,
    error: Option<u64>,
}

impl Counts {
    fn is_empty(&self) -> bool {
        *self == Counts::default()
    }

    fn from_report(r: &TestReport) -> Counts {
        Counts {
            total: Some(r.total),
            success: Some(r.passed),
            failed: Some(r.failed),
            skipped: Some(r.skipped),
            error: Some(r.errors),
        }
    }

    /// A report with these counts and no cases; total is the sum of the parts.
    fn to_report(self) -> TestReport {
        let passed = self.success.unwrap_or(0);
        let failed = self.failed.unwrap_or(0);
        let skipped = self.skipped.unwrap_or(0);
        let errors = self.error.unwrap_or(0);
        TestReport {
            total: passed
                .saturating_add(failed)
                .saturating_add(skipped)
                .saturating_add(errors),
            passed,
            failed,
            skipped,
            errors,
            ..TestReport::default()
        }
    }

    /// `declared X on <what> but <source> give Y` for the figures that differ.
    fn disagreement(&self, found: Counts, what: &str, source: &str) -> Option<String> {
        let pairs = [
            ("total_count", self.total, found.total),
            ("success_count", self.success, found.success),
            ("failed_count", self.failed, found.failed),
            ("skipped_count", self.skipped, found.skipped),
            ("error_count", self.error, found.error),
        ];
        let (mut declared, mut counted) = (Vec::new(), Vec::new());
        for (label, d, c) in pairs {
            if let (Some(d), Some(c)) = (d, c)
                && d != c
            {
                declared.push(format!("{label}={d}"));
                counted.push(format!("{label}={c}"));
            }
        }
        (!declared.is_empty()).then(|| {
            format!(
                "declared {} on {what} but {source} give {}",
                declared.join(", "),
                counted.join(", ")
            )
        })
    }
}

#[derive(Default)]
struct Builder {
    report: TestReport,
    notes: Vec<String>,
    dropped_notes: u64,
    /// The test_report's top-level `*_count` figures.
    declared: Counts,
    /// The summary's `total` block.
    summary: Option<Totals>,
    has_suites_key: bool,
    suites: u64,
    suite_errors: u64,
    unknown_status: u64,
    first_unknown_status: Option<String>,
}

impl Builder {
    fn note(&mut self, note: String) {
        if self.notes.len() < MAX_NOTES {
            self.notes.push(note);
        } else {
            self.dropped_notes += 1;
        }
    }

    fn add_suite(&mut self, suite: Suite) {
        self.suites += 1;
        let name = suite.name.unwrap_or_default();
        let what = format!("suite \"{name}\"");
        let mut part = match suite.cases {
            Some(sink) if sink.report.total > 0 => {
                if let Some(note) = suite.declared.disagreement(
                    Counts::from_report(&sink.report),
                    &what,
                    "its test cases",
                ) {
                    self.note(note);
                }
                self.unknown_status += sink.unknown_status;
                if self.first_unknown_status.is_none() {
                    self.first_unknown_status = sink.first_unknown_status;
                }
                sink.report
            }
            listed => {
                let part = suite.declared.to_report();
                if listed.is_some() && part.total > 0 {
                    self.note(format!(
                        "{what} lists no test cases; its declared counts ({} tests) are used",
                        part.total
                    ));
                }
                if let Some(total) = suite.declared.total
                    && total != part.total
                {
                    self.note(format!(
                        "declared total_count={total} on {what} but its success, failed, skipped and error counts add up to {}",
                        part.total
                    ));
                }
                part
            }
        };
        for case in &mut part.cases {
            case.suite.clone_from(&name);
        }
        if let Some(error) = suite.suite_error {
            self.suite_errors += 1;
            part.record(TestCase {
                suite: name.clone(),
                classname: String::new(),
                name,
                outcome: TestOutcome::Errored,
                message: first_line(&error),
                location: None,
            });
        }
        self.report.merge(part);
    }

    /// The counts without the errored cases standing for suite errors, which GitLab counts as
    /// zero tests.
    fn counted_without_suite_errors(&self) -> Counts {
        let mut counts = Counts::from_report(&self.report);
        counts.total = counts.total.map(|n| n.saturating_sub(self.suite_errors));
        counts.error = counts.error.map(|n| n.saturating_sub(self.suite_errors));
        counts
    }

    fn finish(mut self) -> Result<TestReport, ParseError> {
        if let Some(totals) = self.summary.take() {
            let declared = totals.counts();
            if self.suites == 0 {
                self.report.merge(declared.to_report());
            } else if let Some(note) = declared.disagreement(
                self.counted_without_suite_errors(),
                "the summary's total",
                "its suites",
            ) {
                self.note(note);
            }
            if let Some(error) = totals.suite_error
                && self.suite_errors == 0
            {
                self.report.record(TestCase {
                    suite: String::new(),
                    classname: String::new(),
                    name: "test report".into(),
                    outcome: TestOutcome::Errored,
                    message: first_line(&error),
                    location: None,
                });
            }
        } else if !self.has_suites_key && self.declared.is_empty() {
            return Err(ParseError::new(
                "not a GitLab test report: expected `test_suites` with `total_count` (test_report) or `total` (test_report_summary)",
            ));
        } else if self.suites == 0 && self.declared.total.unwrap_or(0) > 0 {
            self.note("the test report lists no test suites; its declared totals are used".into());
            self.report.merge(self.declared.to_report());
        } else if let Some(note) = self.declared.disagreement(
            self.counted_without_suite_errors(),
            "the test report",
            "its test cases",
        ) {
            self.note(note);
        }
        if self.unknown_status > 0 {
            let first = self.first_unknown_status.take().unwrap_or_default();
            self.note(format!(
                "{} test case(s) with an unknown status (first: \"{first}\") counted as errors",
                self.unknown_status
            ));
        }
        if self.dropped_notes > 0 {
            self.notes
                .push(format!("… and {} more remarks", self.dropped_notes));
        }
        self.report.notes.append(&mut self.notes);
        Ok(self.report)
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ReportKey {
    TotalCount,
    SuccessCount,
    FailedCount,
    SkippedCount,
    ErrorCount,
    Total,
    TestSuites,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum SuiteKey {
    Name,
    TotalCount,
    SuccessCount,
    FailedCount,
    SkippedCount,
    ErrorCount,
    SuiteError,
    TestCases,
    #[serde(other)]
    Other,
}

/// The summary's `total` block.
#[derive(Debug, Deserialize)]
struct Totals {
    count: Option<u64>,
    success: Option<u64>,
    failed: Option<u64>,
    skipped: Option<u64>,
    error: Option<u64>,
    suite_error: Option<String>,
}

impl Totals {
    fn counts(&self) -> Counts {
        Counts {
            total: self.count,
            success: self.success,
            failed: self.failed,
            skipped: self.skipped,
            error: self.error,
        }
    }
}

struct Suite {
    name: Option<String>,
    declared: Counts,
    suite_error: Option<String>,
    /// `None` when the suite has no `test_cases` key at all (summary shape).
    cases: Option<CaseSink>,
}

#[derive(Default)]
struct CaseSink {
    report: TestReport,
    unknown_status: u64,
    first_unknown_status: Option<String>,
}

/// One element of `test_cases`; other fields (times, attachments, recent failures) are skipped.
#[derive(Deserialize)]
struct WireCase {
    status: Option<String>,
    name: Option<String>,
    classname: Option<String>,
    file: Option<String>,
    system_output: Option<serde_json::Value>,
    stack_trace: Option<String>,
}

impl CaseSink {
    fn add(&mut self, case: WireCase) {
        let outcome = match case.status.as_deref().map(str::trim) {
            Some(s) if s.eq_ignore_ascii_case("success") => TestOutcome::Passed,
            Some(s) if s.eq_ignore_ascii_case("failed") => TestOutcome::Failed,
            Some(s) if s.eq_ignore_ascii_case("skipped") => TestOutcome::Skipped,
            Some(s) if s.eq_ignore_ascii_case("error") => TestOutcome::Errored,
            other => {
                self.unknown_status += 1;
                if self.first_unknown_status.is_none() {
                    self.first_unknown_status = Some(other.unwrap_or("null").to_string());
                }
                TestOutcome::Errored
            }
        };
        let kept = matches!(outcome, TestOutcome::Failed | TestOutcome::Errored);
        let message = if kept {
            case.system_output
                .as_ref()
                .and_then(output_message)
                .and_then(first_line)
                .or_else(|| case.stack_trace.as_deref().and_then(first_line))
        } else {
            None
        };
        self.report.record(TestCase {
            suite: String::new(),
            classname: case.classname.unwrap_or_default(),
            name: case.name.unwrap_or_default(),
            outcome,
            message,
            location: case
                .file
                .filter(|f| !f.is_empty())
                .map(|path| Location { path, line: None }),
        });
    }
}

/// The text of a `system_output`: a string, an object's `message`, or an array's first string.
fn output_message(value: &serde_json::Value) -> Option<&str> {
    match value {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Object(map) => map.get("message").and_then(|m| m.as_str()),
        serde_json::Value::Array(items) => items.iter().find_map(|item| item.as_str()),
        _ => None,
    }
}

/// The first non-blank line, trimmed and capped at [`MAX_MESSAGE_CHARS`].
fn first_line(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let mut out: String = line.chars().take(MAX_MESSAGE_CHARS).collect();
    if line.chars().nth(MAX_MESSAGE_CHARS).is_some() {
        out.push('…');
    }
    Some(out)
}

struct ReportSeed<'a>(&'a mut Builder);

impl<'de> DeserializeSeed<'de> for ReportSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ReportSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GitLab pipeline test_report or test_report_summary object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<ReportKey>()? {
            match key {
                ReportKey::TotalCount => self.0.declared.total = map.next_value()?,
                ReportKey::SuccessCount => self.0.declared.success = map.next_value()?,
                ReportKey::FailedCount => self.0.declared.failed = map.next_value()?,
                ReportKey::SkippedCount => self.0.declared.skipped = map.next_value()?,
                ReportKey::ErrorCount => self.0.declared.error = map.next_value()?,
                ReportKey::Total => self.0.summary = map.next_value()?,
                ReportKey::TestSuites => {
                    self.0.has_suites_key = true;
                    map.next_value_seed(SuitesSeed(self.0))?;
                }
                ReportKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct SuitesSeed<'a>(&'a mut Builder);

impl<'de> DeserializeSeed<'de> for SuitesSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for SuitesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of test suites")
    }

    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(suite) = seq.next_element_seed(SuiteSeed)? {
            self.0.add_suite(suite);
        }
        Ok(())
    }
}

struct SuiteSeed;

impl<'de> DeserializeSeed<'de> for SuiteSeed {
    type Value = Suite;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Suite, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SuiteSeed {
    type Value = Suite;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a test suite object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Suite, A::Error> {
        let mut suite = Suite {
            name: None,
            declared: Counts::default(),
            suite_error: None,
            cases: None,
        };
        while let Some(key) = map.next_key::<SuiteKey>()? {
            match key {
                SuiteKey::Name => suite.name = map.next_value()?,
                SuiteKey::TotalCount => suite.declared.total = map.next_value()?,
                SuiteKey::SuccessCount => suite.declared.success = map.next_value()?,
                SuiteKey::FailedCount => suite.declared.failed = map.next_value()?,
                SuiteKey::SkippedCount => suite.declared.skipped = map.next_value()?,
                SuiteKey::ErrorCount => suite.declared.error = map.next_value()?,
                SuiteKey::SuiteError => suite.suite_error = map.next_value()?,
                SuiteKey::TestCases => {
                    let mut sink = CaseSink::default();
                    map.next_value_seed(CasesSeed(&mut sink))?;
                    suite.cases = Some(sink);
                }
                SuiteKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(suite)
    }
}

struct CasesSeed<'a>(&'a mut CaseSink);

impl<'de> DeserializeSeed<'de> for CasesSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for CasesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of test cases")
    }

    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(case) = seq.next_element::<WireCase>()? {
            self.0.add(case);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
