//! Dart and Flutter `--reporter json` (`dart test`, `flutter test --machine`): one JSON event
//! per line (`start`, `suite`, `group`, `testStart`, `print`, `error`, `testDone`, `done`), read
//! line by line with the tests in flight kept by id (bounded).
//!
//! A test counts at its `testDone`: `skipped: true` → skipped; `result` `success` → passed,
//! `failure` (an expectation failed) → failed, `error` (an exception) → errors, anything else →
//! errors, with a note. Hidden tests (the synthetic "loading `<file>`" test of each suite, and
//! `setUpAll`/`tearDownAll`) are not counted when they succeed, but are errored tests when they
//! do not: a suite that fails to load or compile shows up only there. The run as a whole fails
//! closed: a `done` event with `success: false` and no failed test counted, a stream without
//! `done` (the runner died or the file was cut), and tests started but never done are each an
//! errored test. The message is the test's first `error`; the location its `root_url`/`url` and
//! line (the test's declaration).

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::BufRead;

use serde::Deserialize;

use super::lines::Lines;
use super::tests_common::{Notes, Tally, first_line};
use super::{ParseError, Position};
use crate::evidence::{Location, TestCase, TestOutcome, TestReport};

/// Most tests in flight (started, not done) and suites tracked.
const MAX_TRACKED: usize = 100_000;

/// True when the first JSON line is a Dart reporter event (`"protocolVersion"` on `start`, or
/// a `type` among the reporter's events).
pub fn sniff(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .is_some_and(|first| {
            first.starts_with('{')
                && first.contains("\"type\":")
                && (first.contains("\"protocolVersion\"")
                    || first.contains("\"type\":\"suite\"")
                    || first.contains("\"type\":\"testStart\""))
        })
}

/// Reads a Dart JSON reporter stream.
pub fn parse<R: BufRead>(reader: R) -> Result<TestReport, ParseError> {
    let mut lines = Lines::new(reader);
    let mut run = Run::default();
    let mut events = 0u64;
    while let Some((line, info)) = lines.next_line()? {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        if line.first() != Some(&b'{') {
            run.other_lines += 1;
            continue;
        }
        match serde_json::from_slice::<Event>(line) {
            Ok(event) => {
                events += 1;
                run.event(event);
            }
            Err(_) if info.truncated => run.other_lines += 1,
            Err(e) => {
                let text = e.to_string();
                let text = text.split(" at line ").next().unwrap_or(&text).to_string();
                return Err(ParseError::at(
                    format!("not a Dart reporter event: {text}"),
                    info.at(e.column() as u64),
                ));
            }
        }
    }
    if events == 0 {
        return Err(ParseError::at(
            "not a Dart JSON reporter stream: no event found",
            Position::LineCol { line: 1, column: 1 },
        ));
    }
    Ok(run.finish())
}

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    test: Option<WireTest>,
    suite: Option<WireSuite>,
    #[serde(rename = "testID")]
    test_id: Option<u64>,
    #[serde(borrow)]
    result: Option<Cow<'a, str>>,
    skipped: Option<bool>,
    hidden: Option<bool>,
    error: Option<String>,
    success: Option<bool>,
}

#[derive(Deserialize)]
struct WireTest {
    id: u64,
    name: Option<String>,
    #[serde(rename = "suiteID")]
    suite_id: Option<u64>,
    line: Option<u64>,
    url: Option<String>,
    root_line: Option<u64>,
    root_url: Option<String>,
}

#[derive(Deserialize)]
struct WireSuite {
    id: u64,
    path: Option<String>,
}

struct InFlight {
    name: String,
    suite: String,
    location: Option<Location>,
    message: Option<String>,
}

#[derive(Default)]
struct Run {
    report: TestReport,
    suites: HashMap<u64, String>,
    tests: HashMap<u64, InFlight>,
    done: Option<Option<bool>>,
    other_lines: u64,
    untracked: u64,
    unknown: Tally,
    notes: Notes,
}

impl Run {
    fn event(&mut self, e: Event<'_>) {
        match e.kind.as_deref() {
            Some("suite") => {
                if let Some(suite) = e.suite
                    && self.suites.len() < MAX_TRACKED
                {
                    self.suites.insert(suite.id, suite.path.unwrap_or_default());
                }
            }
            Some("testStart") => {
                if let Some(test) = e.test {
                    self.start(test);
                }
            }
            Some("error") => {
                if let (Some(id), Some(error)) = (e.test_id, e.error.as_deref())
                    && let Some(test) = self.tests.get_mut(&id)
                    && test.message.is_none()
                {
                    test.message = first_line(error);
                }
            }
            Some("testDone") => {
                if let Some(id) = e.test_id {
                    self.done_test(id, e.result.as_deref(), e.skipped, e.hidden);
                }
            }
            Some("done") => self.done = Some(e.success),
            _ => {}
        }
    }

    fn start(&mut self, test: WireTest) {
        if self.tests.len() >= MAX_TRACKED {
            self.untracked += 1;
            return;
        }
        let (url, line) = match test.root_url {
            Some(url) => (Some(url), test.root_line),
            None => (test.url, test.line),
        };
        let location = url.map(|url| Location {
            path: url.strip_prefix("file://").unwrap_or(&url).to_string(),
            line,
        });
        let suite = test
            .suite_id
            .and_then(|id| self.suites.get(&id).cloned())
            .unwrap_or_default();
        self.tests.insert(
            test.id,
            InFlight {
                name: test.name.unwrap_or_default(),
                suite,
                location,
                message: None,
            },
        );
    }

    fn done_test(
        &mut self,
        id: u64,
        result: Option<&str>,
        skipped: Option<bool>,
        hidden: Option<bool>,
    ) {
        let Some(test) = self.tests.remove(&id) else {
            self.untracked += 1;
            return;
        };
        let outcome = match result {
            _ if skipped == Some(true) => TestOutcome::Skipped,
            Some("success") => TestOutcome::Passed,
            Some("failure") => TestOutcome::Failed,
            Some("error") => TestOutcome::Errored,
            _ => {
                self.unknown.add(&test.name);
                TestOutcome::Errored
            }
        };
        if hidden == Some(true) && matches!(outcome, TestOutcome::Passed | TestOutcome::Skipped) {
            return;
        }
        if matches!(outcome, TestOutcome::Passed | TestOutcome::Skipped) {
            self.report.record_run(&test.suite, "", &test.name, outcome);
            return;
        }
        // A hidden test that fails is a suite that did not load or a setUpAll that threw.
        let outcome = if hidden == Some(true) {
            TestOutcome::Errored
        } else {
            outcome
        };
        self.report.record(TestCase {
            suite: test.suite,
            classname: String::new(),
            name: test.name,
            outcome,
            message: test.message,
            location: test.location,
        });
    }

    fn run_error(&mut self, message: &str) {
        self.report.record(TestCase {
            suite: String::new(),
            classname: String::new(),
            name: "test run".into(),
            outcome: TestOutcome::Errored,
            message: Some(message.into()),
            location: None,
        });
    }

    fn finish(mut self) -> TestReport {
        let mut unfinished: Vec<(u64, InFlight)> = self.tests.drain().collect();
        unfinished.sort_by_key(|(id, _)| *id);
        for (_, test) in unfinished {
            let message = match &test.message {
                Some(m) => format!("did not finish: {m}"),
                None => "did not finish (the runner stopped or the stream was cut)".into(),
            };
            self.report.record(TestCase {
                suite: test.suite,
                classname: String::new(),
                name: test.name,
                outcome: TestOutcome::Errored,
                message: Some(message),
                location: test.location,
            });
        }
        let failing = self.report.failed + self.report.errors;
        match self.done {
            None => self.run_error("no `done` event: the run did not finish or the stream was cut"),
            Some(Some(false) | None) if failing == 0 => {
                self.run_error("the runner reported the run as failed (`done` without success)")
            }
            _ => {}
        }
        if self.other_lines > 0 {
            self.notes.push(format!(
                "{} line(s) that are not reporter events skipped",
                self.other_lines
            ));
        }
        if self.untracked > 0 {
            self.notes.push(format!(
                "{} test event(s) past the tracking bound or for unknown tests ignored",
                self.untracked
            ));
        }
        if let Some(note) = self.unknown.note("unknown result", TestOutcome::Errored) {
            self.notes.push(note);
        }
        self.notes.into_report(&mut self.report);
        self.report
    }
}

#[cfg(test)]
mod tests;
