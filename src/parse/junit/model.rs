//! What a JUnit document is made of, as far as counting goes: suites with their declared and
//! counted figures, test cases with the elements that decide their outcome, and the notes kept
//! about disagreements.

use quick_xml::events::BytesStart;

use super::MAX_NOTES;
use crate::evidence::TestOutcome;
use crate::parse::xml::text::{
    FirstLine, attribute_value, capped_message, for_each_attribute, non_empty, number,
};

pub(super) struct Suite {
    pub(super) element: &'static str,
    pub(super) name: Option<String>,
    pub(super) declared: Declared,
    pub(super) counted: Counted,
    pub(super) load_error: Option<Detail>,
}

impl Suite {
    pub(super) fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!("<{} name=\"{name}\">", self.element),
            None => format!("<{}>", self.element),
        }
    }

    /// The declared counts that the test cases contradict, as a note.
    pub(super) fn disagreement(&self) -> Option<String> {
        let (d, c) = (&self.declared, &self.counted);
        let mut declared = Vec::new();
        let mut found = Vec::new();
        let mut check = |label: &str, declared_value: Option<u64>, counted: u64| {
            if let Some(value) = declared_value
                && value != counted
            {
                declared.push(format!("{label}={value}"));
                found.push(format!("{label}={counted}"));
            }
        };
        check("tests", d.tests, c.tests);
        check("failures", d.failures, c.failed);
        check("errors", d.errors, c.errors);
        match (d.skipped, d.disabled) {
            (Some(s), Some(dis)) => {
                check("skipped+disabled", Some(s.saturating_add(dis)), c.skipped)
            }
            (Some(s), None) => check("skipped", Some(s), c.skipped),
            (None, _) => {}
        }
        if declared.is_empty() {
            return None;
        }
        let flaky = match c.flaky {
            0 => String::new(),
            n => format!(" ({n} flaky, counted as passed)"),
        };
        Some(format!(
            "declared {} on {} but its test cases give {}{flaky}",
            declared.join(", "),
            self.describe(),
            found.join(", "),
        ))
    }
}

#[derive(Debug, Default)]
pub(super) struct Declared {
    pub(super) tests: Option<u64>,
    pub(super) failures: Option<u64>,
    pub(super) errors: Option<u64>,
    pub(super) skipped: Option<u64>,
    pub(super) disabled: Option<u64>,
}

#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Counted {
    pub(super) tests: u64,
    pub(super) failed: u64,
    pub(super) errors: u64,
    pub(super) skipped: u64,
    pub(super) flaky: u64,
    /// Rerun and flaky elements of the cases, which a suite's declared `failures` may include.
    pub(super) reruns: u64,
}

impl Counted {
    pub(super) fn add(&mut self, outcome: TestOutcome) {
        self.tests += 1;
        match outcome {
            TestOutcome::Passed => {}
            TestOutcome::Failed => self.failed += 1,
            TestOutcome::Errored => self.errors += 1,
            TestOutcome::Skipped => self.skipped += 1,
            TestOutcome::Flaky => self.flaky += 1,
        }
    }

    pub(super) fn merge(&mut self, other: &Counted) {
        self.tests += other.tests;
        self.failed += other.failed;
        self.errors += other.errors;
        self.skipped += other.skipped;
        self.flaky += other.flaky;
        self.reruns += other.reruns;
    }
}

#[derive(Default)]
pub(super) struct Case {
    pub(super) name: String,
    pub(super) classname: String,
    pub(super) file: Option<String>,
    pub(super) line: Option<u64>,
    pub(super) status: Option<TestOutcome>,
    pub(super) result: Option<(TestOutcome, Detail)>,
    pub(super) rerun: Option<(TestOutcome, Option<String>)>,
    pub(super) skipped: bool,
    pub(super) flaky: Option<Option<String>>,
    /// `<rerun…>` and `<flaky…>` elements: Surefire counts each in its suite's `failures`.
    pub(super) reruns: u64,
}

#[derive(Default)]
pub(super) struct Detail {
    pub(super) message: Option<String>,
    pub(super) body: FirstLine,
    pub(super) file: Option<String>,
    pub(super) line: Option<u64>,
}

impl Detail {
    pub(super) fn read(e: &BytesStart) -> Result<Detail, String> {
        let mut detail = Detail::default();
        for_each_attribute(e, |key, attr| match key {
            "message" => detail.message = capped_message(&attribute_value(attr)),
            "file" => detail.file = non_empty(attribute_value(attr)),
            "line" => detail.line = number(attr),
            _ => {}
        })?;
        Ok(detail)
    }

    pub(super) fn message(self) -> Option<String> {
        self.message.or_else(|| self.body.finish())
    }
}

pub(super) fn status_outcome(value: &str) -> Option<TestOutcome> {
    let value = value.trim();
    let is = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(value));
    if is(&["fail", "failed", "failure"]) {
        Some(TestOutcome::Failed)
    } else if is(&["error", "errored"]) {
        Some(TestOutcome::Errored)
    } else if is(&[
        "skip",
        "skipped",
        "disabled",
        "notrun",
        "not_run",
        "ignored",
        "suppressed",
        "pending",
    ]) {
        Some(TestOutcome::Skipped)
    } else {
        None
    }
}

#[derive(Debug, Default)]
pub(super) struct Notes {
    kept: Vec<String>,
    dropped: u64,
}

impl Notes {
    pub(super) fn push(&mut self, note: String) {
        if self.kept.len() < MAX_NOTES {
            self.kept.push(note);
        } else {
            self.dropped += 1;
        }
    }

    pub(super) fn into_vec(mut self) -> Vec<String> {
        if self.dropped > 0 {
            self.kept
                .push(format!("… and {} more count disagreements", self.dropped));
        }
        self.kept
    }
}
