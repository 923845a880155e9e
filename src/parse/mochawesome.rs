//! mochawesome JSON (`mocha --reporter mochawesome`, `reportDir/mochawesome.json`, also what
//! Cypress writes through it): `{"stats", "results": [suite…], "meta"}` with suites nested in
//! suites, streamed through recursive serde seeds (serde_json's recursion limit bounds the depth).
//!
//! Counts come from the tests of every suite; `stats` is only cross-checked. A test maps by its
//! flags: `pass` → passed, `fail` → failed, `pending` → skipped, `skipped` (mocha skipped it
//! because a hook failed) → skipped; a test with none of them set never reported an outcome and
//! counts as an error, with a note. A failed hook in `beforeHooks`/`afterHooks` is one errored
//! test named by its `fullTitle`: mochawesome counts it only under `stats.other`, and a failed
//! `before all` hook skips every test after it. The message is `err.message`; the location is
//! the suite's `file` with the line of the first `err.estack` frame in that file.

use std::fmt;
use std::io::Read;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::ParseError;
use super::mocha::{error_message, js_frame_line};
use super::scan_json;
use super::tests_common::{Notes, Tally, disagreement};
use crate::evidence::{Location, TestCase, TestOutcome, TestReport};

const FORMAT: &str = "mochawesome";

/// True when the head is a JSON object with mochawesome's `stats` (`testsRegistered`,
/// `passPercent`) and `results`.
pub fn sniff(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    text.trim_start().starts_with('{')
        && text.contains("\"stats\"")
        && text.contains("\"results\"")
        && (text.contains("\"testsRegistered\"") || text.contains("\"passPercent\""))
}

/// Reads a mochawesome JSON document.
pub fn parse<R: Read>(reader: R) -> Result<TestReport, ParseError> {
    let mut doc = Doc::default();
    scan_json::run(reader, FORMAT, DocSeed(&mut doc))?;
    Ok(doc.finish())
}

#[derive(Deserialize)]
struct WireTest {
    #[serde(rename = "fullTitle")]
    full_title: Option<String>,
    title: Option<String>,
    #[serde(default)]
    pass: bool,
    #[serde(default)]
    fail: bool,
    #[serde(default)]
    pending: bool,
    #[serde(default)]
    skipped: bool,
    err: Option<serde_json::Value>,
}

#[derive(Default, Deserialize)]
struct Stats {
    passes: Option<u64>,
    failures: Option<u64>,
    pending: Option<u64>,
    skipped: Option<u64>,
    other: Option<u64>,
    #[serde(rename = "testsRegistered")]
    tests_registered: Option<u64>,
}

#[derive(Default)]
struct Doc {
    report: TestReport,
    stats: Option<Stats>,
    has_results: bool,
    /// Test-level counts for the cross-check: passed, failed, pending, skipped, hooks.
    counted: [u64; 5],
    no_outcome: Tally,
}

impl Doc {
    fn add(&mut self, test: WireTest, hook: bool, file: Option<&str>) {
        let name = test.full_title.or(test.title).unwrap_or_default();
        let outcome = if hook {
            if !test.fail {
                return;
            }
            self.counted[4] += 1;
            TestOutcome::Errored
        } else if test.fail {
            self.counted[1] += 1;
            TestOutcome::Failed
        } else if test.pass {
            self.counted[0] += 1;
            TestOutcome::Passed
        } else if test.pending {
            self.counted[2] += 1;
            TestOutcome::Skipped
        } else if test.skipped {
            self.counted[3] += 1;
            TestOutcome::Skipped
        } else {
            self.no_outcome.add(&name);
            TestOutcome::Errored
        };
        if matches!(outcome, TestOutcome::Passed | TestOutcome::Skipped) {
            self.report.record_run("", "", &name, outcome);
            return;
        }
        let err = test.err.as_ref();
        let location = file.filter(|f| !f.is_empty()).map(|path| Location {
            path: path.to_string(),
            line: err
                .and_then(|e| e.get("estack").or_else(|| e.get("stack")))
                .and_then(|s| s.as_str())
                .and_then(|stack| js_frame_line(stack, path)),
        });
        self.report.record(TestCase {
            suite: String::new(),
            classname: String::new(),
            name,
            outcome,
            message: err.and_then(error_message),
            location,
        });
    }

    fn finish(mut self) -> TestReport {
        let mut notes = Notes::default();
        if !self.has_results {
            notes.push("no `results` list: nothing to count".into());
        }
        let [passed, failed, pending, skipped, hooks] = self.counted;
        if let Some(stats) = &self.stats
            && let Some(note) = disagreement(
                "stats",
                &[
                    (
                        "testsRegistered",
                        stats.tests_registered,
                        self.report.total.saturating_sub(hooks),
                    ),
                    ("passes", stats.passes, passed),
                    ("failures", stats.failures, failed),
                    ("pending", stats.pending, pending),
                    ("skipped", stats.skipped, skipped),
                    ("other", stats.other, hooks),
                ],
            )
        {
            notes.push(note);
        }
        if let Some(note) = self.no_outcome.note(
            "none (no pass, fail, pending or skipped flag)",
            TestOutcome::Errored,
        ) {
            notes.push(note);
        }
        notes.into_report(&mut self.report);
        self.report
    }
}

struct DocSeed<'a>(&'a mut Doc);

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mochawesome report object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "stats" => self.0.stats = map.next_value::<Option<Stats>>()?,
                "results" => {
                    self.0.has_results = true;
                    map.next_value_seed(scan_json::Each(SuiteList(self.0)))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// The suites of a list (`results` or a suite's `suites`), each read as it streams by.
struct SuiteList<'a>(&'a mut Doc);

impl<'de> scan_json::Elements<'de> for SuiteList<'_> {
    fn what(&self) -> &'static str {
        "suites"
    }

    fn next<A: SeqAccess<'de>>(&mut self, seq: &mut A) -> Result<bool, A::Error> {
        Ok(seq.next_element_seed(Suite(&mut *self.0))?.is_some())
    }
}

struct Suite<'a>(&'a mut Doc);

impl<'de> DeserializeSeed<'de> for Suite<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Suite<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a suite object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Keys come in mochawesome's order (`file` before the tests); a test read before the
        // file is known simply has no location.
        let mut file: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "file" | "fullFile" => {
                    let value: Option<String> = map.next_value()?;
                    let empty = |f: &Option<String>| f.as_deref().is_none_or(str::is_empty);
                    if !empty(&value) && (key == "file" || empty(&file)) {
                        file = value;
                    }
                }
                "tests" | "beforeHooks" | "afterHooks" => {
                    let hook = key != "tests";
                    let doc = &mut *self.0;
                    let file = file.as_deref();
                    map.next_value_seed(scan_json::Each(scan_json::ForEach::new(
                        "tests",
                        |test: WireTest| doc.add(test, hook, file),
                    )))?;
                }
                "suites" => {
                    map.next_value_seed(scan_json::Each(SuiteList(&mut *self.0)))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
