//! Small pieces every test-report parser needs in the same shape: capped messages, a bounded
//! list of notes, the note that says where a report's own totals disagree with its test cases,
//! and tallies of outcomes that a format maps with a remark (NUnit's inconclusive, TRX's
//! warning), so each parser states its mapping once and the wording stays the same.

use crate::evidence::{TestOutcome, TestReport};

/// Longest message kept for a failed case, in characters.
pub(crate) const MAX_MESSAGE_CHARS: usize = 500;
/// Most notes kept per report; further remarks are only counted.
pub(crate) const MAX_NOTES: usize = 50;

/// The first non-blank line of `text`, trimmed and capped at [`MAX_MESSAGE_CHARS`].
pub(crate) fn first_line(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let mut out: String = line.chars().take(MAX_MESSAGE_CHARS).collect();
    if line.chars().nth(MAX_MESSAGE_CHARS).is_some() {
        out.push('…');
    }
    Some(out)
}

/// Notes, capped at [`MAX_NOTES`]; the overflow is summarised once.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    kept: Vec<String>,
    dropped: u64,
}

impl Notes {
    pub(crate) fn push(&mut self, note: String) {
        if self.kept.len() < MAX_NOTES {
            self.kept.push(note);
        } else {
            self.dropped += 1;
        }
    }

    /// Moves the notes into the report.
    pub(crate) fn into_report(mut self, report: &mut TestReport) {
        if self.dropped > 0 {
            self.kept
                .push(format!("… and {} more remarks", self.dropped));
        }
        report.notes.append(&mut self.kept);
    }
}

/// `declared a=1, b=2 on <what> but its test cases give a=3, b=2` for the figures that differ;
/// `None` when every declared figure matches (or none was declared).
pub(crate) fn disagreement(what: &str, pairs: &[(&str, Option<u64>, u64)]) -> Option<String> {
    let (mut declared, mut counted) = (Vec::new(), Vec::new());
    for &(label, d, c) in pairs {
        if let Some(d) = d
            && d != c
        {
            declared.push(format!("{label}={d}"));
            counted.push(format!("{label}={c}"));
        }
    }
    (!declared.is_empty()).then(|| {
        format!(
            "declared {} on {what} but its test cases give {}",
            declared.join(", "),
            counted.join(", ")
        )
    })
}

/// Outcomes a format maps with a remark: how many, the first name, and what they became.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) count: u64,
    first: Option<String>,
}

impl Tally {
    pub(crate) fn add(&mut self, name: &str) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some(name.chars().take(200).collect());
        }
    }

    /// `3 test(s) with outcome "Inconclusive" (first: "X") counted as skipped`.
    pub(crate) fn note(&self, outcome: &str, counted_as: TestOutcome) -> Option<String> {
        (self.count > 0).then(|| {
            let first = self.first.as_deref().unwrap_or_default();
            let as_what = match counted_as {
                TestOutcome::Passed => "passed",
                TestOutcome::Failed => "failed",
                TestOutcome::Errored => "errors",
                TestOutcome::Skipped => "skipped",
                TestOutcome::Flaky => "flaky",
            };
            format!(
                "{} test(s) with outcome {outcome} (first: \"{first}\") counted as {as_what}",
                self.count
            )
        })
    }
}

/// Counts of a report in the usual order, for tests.
#[cfg(test)]
pub(crate) fn counts(r: &TestReport) -> [u64; 6] {
    [r.total, r.passed, r.failed, r.errors, r.skipped, r.flaky]
}

#[cfg(test)]
pub(crate) mod hostile {
    //! The checks every parser gets on its fixtures: every truncation, garbage, nothing.
    use super::super::ParseError;
    use crate::evidence::TestReport;

    /// Parses prefixes of `bytes` (every byte offset of a document up to 4 KiB, about 4096
    /// evenly spread ones beyond) and the whole with garbage appended or bytes flipped: none may
    /// panic.
    pub(crate) fn survives(bytes: &[u8], parse: impl Fn(&[u8]) -> Result<TestReport, ParseError>) {
        let step = bytes.len().div_ceil(4096).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            let _ = parse(&bytes[..cut]);
        }
        for garbage in [
            &b"\x00\xff\xfe<<<>>>{{[[\""[..],
            b"\n\n}]\n",
            b"\xf0\x28\x8c\xbc",
        ] {
            let mut with = bytes.to_vec();
            with.extend_from_slice(garbage);
            let _ = parse(&with);
            let mut flipped = bytes.to_vec();
            let mut i = 7;
            while i < flipped.len() {
                flipped[i] ^= 0x5a;
                i += 97;
            }
            let _ = parse(&flipped);
        }
        let _ = parse(b"");
        let _ = parse(b"\xEF\xBB\xBF");
    }
}
