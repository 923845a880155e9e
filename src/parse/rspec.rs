//! RSpec's JSON formatter (`rspec --format json`): `{"version", "messages", "examples",
//! "summary", "summary_line"}`, with `examples` streamed one at a time.
//!
//! Counts come from `examples`: `status` `passed` → passed, `failed` → failed (RSpec also marks a
//! `pending` example that unexpectedly passed as failed), `pending` (`xit`, `skip`, `pending`) →
//! skipped, anything else → errors, with a note. `summary` is only cross-checked. An error
//! outside of examples (a spec file that does not load, an `after(:suite)` hook that raised)
//! leaves `examples` short or empty, so each of `summary.errors_outside_of_examples_count` is
//! one errored test, with the matching entry of `messages` as its message. The name is
//! `full_description`, the location `file_path`:`line_number`, the message the first line of
//! `exception.message` (else `exception.class`).

use std::io::Read;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::ParseError;
use super::scan_json::{self, Each, ForEach};
use super::tests_common::{Notes, Tally, disagreement, first_line};
use crate::evidence::{Location, TestCase, TestOutcome, TestReport};

const FORMAT: &str = "RSpec JSON";
/// Most `messages` kept for errors outside examples.
const MAX_MESSAGES: usize = 100;

/// True when the head is a JSON object with RSpec's `examples` and (`version` or
/// `summary_line`).
pub fn sniff(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    text.trim_start().starts_with('{')
        && text.contains("\"examples\"")
        && (text.contains("\"summary_line\"")
            || text.contains("\"full_description\"")
            || (text.contains("\"version\"") && text.contains("\"seed\"")))
}

/// Reads an RSpec JSON formatter document.
pub fn parse<R: Read>(reader: R) -> Result<TestReport, ParseError> {
    let doc = scan_json::run(reader, FORMAT, DocSeed)?;
    Ok(doc.finish())
}

#[derive(Deserialize)]
struct Example {
    full_description: Option<String>,
    description: Option<String>,
    status: Option<String>,
    file_path: Option<String>,
    line_number: Option<u64>,
    exception: Option<Exception>,
}

#[derive(Deserialize)]
struct Exception {
    class: Option<String>,
    message: Option<String>,
}

#[derive(Default, Deserialize)]
struct Summary {
    example_count: Option<u64>,
    failure_count: Option<u64>,
    pending_count: Option<u64>,
    errors_outside_of_examples_count: Option<u64>,
}

#[derive(Default)]
struct Doc {
    report: TestReport,
    summary: Option<Summary>,
    messages: Vec<String>,
    has_examples: bool,
    unknown: Tally,
}

impl Doc {
    fn add(&mut self, example: Example) {
        let name = example
            .full_description
            .or(example.description)
            .unwrap_or_default();
        let outcome = match example.status.as_deref() {
            Some("passed") => TestOutcome::Passed,
            Some("failed") => TestOutcome::Failed,
            Some("pending") => TestOutcome::Skipped,
            _ => {
                self.unknown.add(&name);
                TestOutcome::Errored
            }
        };
        if !matches!(outcome, TestOutcome::Failed | TestOutcome::Errored) {
            self.report.record_run("", "", &name, outcome);
            return;
        }
        let message = example
            .exception
            .and_then(|e| e.message.as_deref().and_then(first_line).or(e.class));
        let location = example.file_path.map(|path| Location {
            path,
            line: example.line_number,
        });
        self.report.record(TestCase {
            suite: String::new(),
            classname: String::new(),
            name,
            outcome,
            message,
            location,
        });
    }

    fn finish(mut self) -> TestReport {
        let mut notes = Notes::default();
        if !self.has_examples {
            notes.push("no `examples` list: nothing to count".into());
        }
        let (failed, skipped, examples) =
            (self.report.failed, self.report.skipped, self.report.total);
        let outside = self
            .summary
            .as_ref()
            .and_then(|s| s.errors_outside_of_examples_count)
            .unwrap_or(0);
        // Each error is one errored test; a hostile count is noted, not looped over.
        let listed = outside.min(10_000);
        for i in 0..listed {
            let message = self
                .messages
                .get(i as usize)
                .and_then(|m| outside_message(m));
            self.report.record(TestCase {
                suite: String::new(),
                classname: String::new(),
                name: format!("error outside of examples #{}", i + 1),
                outcome: TestOutcome::Errored,
                message,
                location: None,
            });
        }
        if outside > listed {
            let rest = outside - listed;
            self.report.total = self.report.total.saturating_add(rest);
            self.report.errors = self.report.errors.saturating_add(rest);
            notes.push(format!(
                "{rest} more errors outside of examples counted without detail"
            ));
        }
        if let Some(s) = &self.summary
            && let Some(note) = disagreement(
                "summary",
                &[
                    ("example_count", s.example_count, examples),
                    ("failure_count", s.failure_count, failed),
                    ("pending_count", s.pending_count, skipped),
                ],
            )
        {
            notes.push(note);
        }
        if let Some(note) = self.unknown.note("unknown status", TestOutcome::Errored) {
            notes.push(note);
        }
        notes.into_report(&mut self.report);
        self.report
    }
}

/// The line of an outside-of-examples message that says what happened: `An error occurred while
/// loading ./spec/x_spec.rb.`, then the exception line if there is one.
fn outside_message(text: &str) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let what = lines.first()?;
    let what = what.split(" - Did you mean?").next().unwrap_or(what);
    let detail = lines
        .iter()
        .skip_while(|l| !l.ends_with("Error:") && !l.ends_with("Exception:"))
        .nth(1);
    match detail {
        Some(detail) => first_line(&format!("{what} {detail}")),
        None => first_line(what),
    }
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
        f.write_str("an RSpec JSON formatter object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc, A::Error> {
        let mut doc = Doc::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "examples" => {
                    doc.has_examples = true;
                    map.next_value_seed(Each(ForEach::new("examples", |e: Example| doc.add(e))))?;
                }
                "summary" => doc.summary = map.next_value::<Option<Summary>>()?,
                "messages" => {
                    let messages = &mut doc.messages;
                    map.next_value_seed(Each(ForEach::new("messages", |m: String| {
                        if messages.len() < MAX_MESSAGES {
                            messages.push(m);
                        }
                    })))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests;
