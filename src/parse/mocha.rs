//! Mocha's built-in JSON reporter (`mocha --reporter json`): `{"stats", "tests", "pending",
//! "failures", "passes"}`, streamed element by element through serde seeds.
//!
//! Counts come from the three outcome lists, not from `tests`: mocha's `failures` also holds
//! failed hooks, which never appear in `tests`, and a failed `before all` hook silently leaves
//! its tests out of every list. So: `passes` → passed (flaky when `currentRetry` > 0: it passed
//! on a `this.retries()` retry); `failures` → failed, except a hook (`"before all" hook …`,
//! `"after each" hook …`) → errors; `pending` → skipped. `stats` and the length of `tests` are
//! only cross-checked. A file with `tests` but none of the three lists (a hand-trimmed or older
//! report) is read from `tests`: a non-empty `err` is a failure, `pending: true` a skip, anything
//! else a pass. The message is `err.message`; the location is `file` with the line of the first
//! `err.stack` frame in that file.

use std::io::Read;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::ParseError;
use super::scan_json::{self, Each, ForEach};
use super::tests_common::{Notes, disagreement, first_line};
use crate::evidence::{Location, TestCase, TestOutcome, TestReport};

const FORMAT: &str = "mocha JSON reporter";

/// True when the head is a JSON object that starts with mocha's `stats` and goes on with its
/// `tests`/`passes` lists (and is not mochawesome, which has `results`).
pub fn sniff(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start();
    let Some(body) = text.strip_prefix('{') else {
        return false;
    };
    body.trim_start().starts_with("\"stats\"")
        && (text.contains("\"passes\"") || text.contains("\"tests\""))
        && text.contains("\"duration\"")
        && !text.contains("\"results\"")
        && !text.contains("\"testsRegistered\"")
}

/// Reads a mocha JSON reporter document.
pub fn parse<R: Read>(reader: R) -> Result<TestReport, ParseError> {
    let doc = scan_json::run(reader, FORMAT, DocSeed)?;
    Ok(doc.finish())
}

/// An element of `tests`, `passes`, `failures` or `pending`; other fields are skipped.
#[derive(Deserialize)]
pub(crate) struct WireTest {
    title: Option<String>,
    #[serde(rename = "fullTitle")]
    full_title: Option<String>,
    file: Option<String>,
    #[serde(rename = "currentRetry")]
    current_retry: Option<u64>,
    err: Option<serde_json::Value>,
    pending: Option<bool>,
}

#[derive(Default, Deserialize)]
struct Stats {
    tests: Option<u64>,
    passes: Option<u64>,
    pending: Option<u64>,
    failures: Option<u64>,
}

#[derive(Default)]
struct Doc {
    /// From `passes`, `failures` and `pending`.
    report: TestReport,
    /// From `tests`, used only when the three lists are absent.
    from_tests: TestReport,
    has_lists: bool,
    tests_len: Option<u64>,
    hooks: u64,
    stats: Option<Stats>,
}

#[derive(Clone, Copy)]
enum List {
    Tests,
    Passes,
    Failures,
    Pending,
}

impl Doc {
    fn add(&mut self, list: List, test: WireTest) {
        let name = test.full_title.or(test.title).unwrap_or_default();
        let err = test.err.as_ref().filter(|e| !is_empty_err(e));
        let outcome = match list {
            List::Passes if test.current_retry.unwrap_or(0) > 0 => TestOutcome::Flaky,
            List::Passes => TestOutcome::Passed,
            List::Pending => TestOutcome::Skipped,
            List::Failures if is_hook(&name) => {
                self.hooks += 1;
                TestOutcome::Errored
            }
            List::Failures => TestOutcome::Failed,
            List::Tests if err.is_some() => TestOutcome::Failed,
            List::Tests if test.pending == Some(true) => TestOutcome::Skipped,
            List::Tests => TestOutcome::Passed,
        };
        let report = match list {
            List::Tests => &mut self.from_tests,
            _ => &mut self.report,
        };
        if matches!(outcome, TestOutcome::Passed | TestOutcome::Skipped) {
            report.record_run("", "", &name, outcome);
            return;
        }
        let message = err.and_then(error_message).or_else(|| {
            (outcome == TestOutcome::Flaky)
                .then(|| format!("passed on retry {}", test.current_retry.unwrap_or(0)))
        });
        let location = test.file.filter(|f| !f.is_empty()).map(|path| {
            let line = err
                .and_then(|e| e.get("stack"))
                .and_then(|s| s.as_str())
                .and_then(|stack| js_frame_line(stack, &path));
            Location { path, line }
        });
        report.record(TestCase {
            suite: String::new(),
            classname: String::new(),
            name,
            outcome,
            message,
            location,
        });
    }

    fn finish(self) -> TestReport {
        let mut notes = Notes::default();
        let mut report = if self.has_lists {
            self.report
        } else {
            if self.tests_len.is_none() {
                return with_note(
                    self.report,
                    "no `tests`, `passes`, `failures` or `pending` list: nothing to count",
                );
            }
            notes.push(
                "no `passes`, `failures` or `pending` list: outcomes read from `tests`".into(),
            );
            self.from_tests
        };
        if let Some(stats) = &self.stats {
            let ran = report.total.saturating_sub(self.hooks);
            if let Some(note) = disagreement(
                "stats",
                &[
                    ("tests", stats.tests, ran),
                    ("passes", stats.passes, report.passed),
                    ("failures", stats.failures, report.failed + report.errors),
                    ("pending", stats.pending, report.skipped),
                ],
            ) {
                notes.push(note);
            }
        }
        if self.has_lists
            && let Some(len) = self.tests_len
            && len != report.total.saturating_sub(self.hooks)
        {
            notes.push(format!(
                "`tests` lists {len} test(s) but passes, failures (hooks aside) and pending hold {}",
                report.total.saturating_sub(self.hooks)
            ));
        }
        notes.into_report(&mut report);
        report
    }
}

fn with_note(mut report: TestReport, note: &str) -> TestReport {
    report.notes.push(note.into());
    report
}

/// Mocha names failed hooks `"before all" hook for "test"`, `"after each" hook: name`, ...
pub(crate) fn is_hook(title: &str) -> bool {
    [
        "\"before all\" hook",
        "\"before each\" hook",
        "\"after all\" hook",
        "\"after each\" hook",
    ]
    .iter()
    .any(|hook| title.contains(hook))
}

fn is_empty_err(err: &serde_json::Value) -> bool {
    match err {
        serde_json::Value::Null => true,
        serde_json::Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// `err.message`, else the first line of `err.stack`, else a string `err`.
pub(crate) fn error_message(err: &serde_json::Value) -> Option<String> {
    if let Some(text) = err.as_str() {
        return first_line(text);
    }
    ["message", "stack", "estack"]
        .iter()
        .find_map(|key| err.get(key).and_then(|v| v.as_str()).and_then(first_line))
}

/// The line of the first stack frame naming `file` (or its last path component):
/// `at Context.<anonymous> (test/cart.spec.js:5:49)` → 5.
pub(crate) fn js_frame_line(stack: &str, file: &str) -> Option<u64> {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    if base.is_empty() {
        return None;
    }
    stack.lines().take(50).find_map(|frame| {
        let at = frame.find(base)?;
        let rest = frame.get(at + base.len()..)?.strip_prefix(':')?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    })
}

struct DocSeed;

impl<'de> DeserializeSeed<'de> for DocSeed {
    type Value = Doc;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Doc, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocSeed {
    type Value = Doc;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a mocha JSON reporter object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc, A::Error> {
        let mut doc = Doc::default();
        while let Some(key) = map.next_key::<String>()? {
            let list = match key.as_str() {
                "stats" => {
                    doc.stats = map.next_value::<Option<Stats>>()?;
                    continue;
                }
                "tests" => List::Tests,
                "passes" => List::Passes,
                "failures" => List::Failures,
                "pending" => List::Pending,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            if let List::Tests = list {
                let mut count = 0u64;
                let each = ForEach::new("tests", |t: WireTest| {
                    count += 1;
                    doc.add(List::Tests, t);
                });
                map.next_value_seed(Each(each))?;
                doc.tests_len = Some(count);
            } else {
                doc.has_lists = true;
                map.next_value_seed(Each(ForEach::new("tests", |t: WireTest| doc.add(list, t))))?;
            }
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests;
