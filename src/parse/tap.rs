//! TAP, the Test Anything Protocol, versions 12 to 14: Perl's Test::More under `prove`, `node
//! --test --test-reporter=tap` (node's default reporter before v20), tap/tape, Bats, pytest-tap.
//! Read line by line; only the open subtest levels and one pending failure are kept.
//!
//! How it counts, fail-closed where the stream leaves room:
//! - Leaf test points count. A test point that closes a TAP 14 subtest (indented by four spaces,
//!   `# Subtest:` and the child's own plan) only summarises its children, so it is not counted,
//!   unless it is `not ok` while none of its children failed (a hook or plan failure of the
//!   parent): then it is one errored test.
//! - `ok` → passed, `not ok` → failed. `# SKIP` → skipped. `# TODO` → skipped whether it passed
//!   or failed: a TODO test is known not to work yet, so it neither fails the run (as TAP says)
//!   nor counts as a pass (as node's `# todo` summary does not either).
//! - `Bail out!` is one errored test with the reason, and the rest of the stream is ignored.
//! - The plan (`1..N`, at the start or the end, per level) is enforced: fewer test points than
//!   planned make the missing ones errors (the first named in a kept case, the rest counted),
//!   more than planned is one errored test, and a top level with test points but no plan is
//!   one errored test (the stream may be cut). `1..0 # SKIP` is an empty, skipped file.
//! - The message is the YAML diagnostic's `error`/`message` (node) or the first `#` comment after
//!   `Failed test` (Test::More, which prints those on stderr unless merged); the location is
//!   YAML `location` (`file:line:col`) or Test::More's `at FILE line N.`. Node's closing
//!   `# tests`/`# pass`/`# fail`/`# skipped`/`# todo` comments are cross-checked as notes.
//! - Other lines are ignored, as TAP says; a file with no test point, plan or bail out is not
//!   TAP.

use std::io::BufRead;

use super::lines::Lines;
use super::tests_common::{Notes, disagreement, first_line};
use super::{ParseError, Position};
use crate::evidence::{Location, TestCase, TestOutcome, TestReport};

/// Deepest subtest nesting followed; deeper lines are ignored with a note.
const MAX_LEVELS: usize = 64;

/// True when the first meaningful line is `TAP version`, a plan, or a test point.
pub fn sniff(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    let Some(first) = text.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return false;
    };
    if first.starts_with("TAP version ") {
        return true;
    }
    let plan = first
        .strip_prefix("1..")
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
    plan || (!first.contains('\t') && TestPoint::read(first).is_some())
}

/// Reads a TAP stream.
pub fn parse<R: BufRead>(reader: R) -> Result<TestReport, ParseError> {
    let mut lines = Lines::new(reader);
    let mut tap = Tap::default();
    while let Some((line, _)) = lines.next_line()? {
        if tap.bailed {
            continue;
        }
        let text = String::from_utf8_lossy(line);
        tap.line(&text);
    }
    if !tap.seen_tap {
        return Err(ParseError::at(
            "not TAP: no test point (`ok`/`not ok`), plan (`1..N`) or `Bail out!` found",
            Position::LineCol {
                line: lines.number().max(1),
                column: 1,
            },
        ));
    }
    Ok(tap.finish())
}

#[derive(Default)]
struct Level {
    plan: Option<u64>,
    skip_all: bool,
    points: u64,
    /// A test (or missing test) under this level failed: the parent point summarises a failure.
    failed: bool,
}

struct Pending {
    depth: usize,
    name: String,
    outcome: TestOutcome,
    message: Option<String>,
    location: Option<Location>,
    /// Indentation of the YAML block being read, and whether its `error:` value is a block.
    yaml: Option<usize>,
    block_key: bool,
}

#[derive(Default)]
struct Tap {
    report: TestReport,
    levels: Vec<Level>,
    pending: Option<Pending>,
    seen_tap: bool,
    bailed: bool,
    /// A bail out not yet set against a missing planned test.
    bail_covers: bool,
    too_deep: u64,
    summary: [Option<u64>; 5],
    notes: Notes,
}

fn indentation(line: &str) -> usize {
    line.chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

impl Tap {
    fn line(&mut self, raw: &str) {
        let indent = indentation(raw);
        let text = raw.trim();
        if self.yaml_line(indent, text) {
            return;
        }
        let depth = indent / 4;
        if depth >= MAX_LEVELS {
            self.too_deep += 1;
            return;
        }
        if let Some(rest) = text.strip_prefix("Bail out!") {
            self.flush();
            self.seen_tap = true;
            self.bailed = true;
            self.bail_covers = true;
            let reason = first_line(rest).unwrap_or_else(|| "Bail out!".into());
            self.record_error("Bail out!", Some(format!("Bail out! {reason}")));
            return;
        }
        if let Some(point) = TestPoint::read(text) {
            self.flush();
            self.seen_tap = true;
            self.point(depth, point);
            return;
        }
        if let Some(rest) = text.strip_prefix("1..")
            && let Some(plan) = read_plan(rest)
        {
            self.flush();
            self.seen_tap = true;
            self.close_deeper(depth);
            let level = self.level(depth);
            level.plan = Some(plan.0);
            level.skip_all = plan.1;
            return;
        }
        if let Some(comment) = text.strip_prefix('#') {
            self.comment(depth, comment.trim());
        }
    }

    /// YAML diagnostics of the pending test point (`---` … `...`, indented two more spaces).
    fn yaml_line(&mut self, indent: usize, text: &str) -> bool {
        let Some(pending) = self.pending.as_mut() else {
            return false;
        };
        let Some(yaml_indent) = pending.yaml else {
            if text == "---" && indent == pending.depth * 4 + 2 {
                pending.yaml = Some(indent);
                return true;
            }
            return false;
        };
        if text == "..." && indent == yaml_indent {
            pending.yaml = None;
            return true;
        }
        if indent > yaml_indent && pending.block_key {
            if pending.message.is_none() {
                pending.message = first_line(text);
            }
            return true;
        }
        pending.block_key = false;
        if indent == yaml_indent
            && let Some((key, value)) = text.split_once(':')
        {
            let value = unquote(value.trim());
            match key.trim() {
                "error" | "message" if pending.message.is_none() => {
                    if matches!(value, "|" | "|-" | "|+" | ">" | ">-" | ">+") {
                        pending.block_key = true;
                    } else {
                        pending.message = first_line(value);
                    }
                }
                "location" | "at" if pending.location.is_none() => {
                    pending.location = read_location(value);
                }
                _ => {}
            }
        }
        true
    }

    fn comment(&mut self, depth: usize, comment: &str) {
        if comment.starts_with("Subtest") {
            self.flush();
            return;
        }
        if let Some(pending) = self.pending.as_mut()
            && pending.depth == depth
        {
            if pending.location.is_none()
                && let Some(at) = comment.strip_prefix("at ")
                && let Some((file, line)) = at.trim_end_matches('.').rsplit_once(" line ")
            {
                pending.location = Some(Location {
                    path: file.trim().to_string(),
                    line: line.trim().parse().ok(),
                });
                return;
            }
            if pending.message.is_none()
                && !comment.starts_with("Failed")
                && !comment.starts_with("Looks like")
                && !comment.is_empty()
            {
                pending.message = first_line(comment);
            }
            return;
        }
        if depth == 0 {
            let mut words = comment.split_whitespace();
            if let (Some(key), Some(value), None) = (words.next(), words.next(), words.next())
                && let Ok(value) = value.parse::<u64>()
            {
                let slot = match key {
                    "tests" => 0,
                    "pass" => 1,
                    "fail" => 2,
                    "skipped" => 3,
                    "todo" => 4,
                    _ => return,
                };
                self.summary[slot] = Some(value);
            }
        }
    }

    fn level(&mut self, depth: usize) -> &mut Level {
        while self.levels.len() <= depth {
            self.levels.push(Level::default());
        }
        &mut self.levels[depth]
    }

    fn point(&mut self, depth: usize, point: TestPoint) {
        let child = self.close_deeper(depth);
        self.level(depth).points += 1;
        let outcome = point.outcome();
        match child {
            // A parent point: its children were counted.
            Some(child_failed) => {
                if outcome == TestOutcome::Failed && !child_failed {
                    self.mark_failed(depth);
                    self.record_error(
                        &point.description,
                        Some("the subtest failed although none of its tests did".into()),
                    );
                }
            }
            None => {
                if matches!(outcome, TestOutcome::Failed | TestOutcome::Errored) {
                    self.mark_failed(depth);
                    self.pending = Some(Pending {
                        depth,
                        name: point.description,
                        outcome,
                        message: None,
                        location: None,
                        yaml: None,
                        block_key: false,
                    });
                } else {
                    self.report.record_run("", "", &point.description, outcome);
                }
            }
        }
    }

    fn mark_failed(&mut self, depth: usize) {
        for level in self.levels.iter_mut().take(depth + 1).skip(1) {
            level.failed = true;
        }
    }

    /// Closes the levels deeper than `depth`; `Some(failed)` when there was one, i.e. the next
    /// test point at `depth` is their parent.
    fn close_deeper(&mut self, depth: usize) -> Option<bool> {
        let mut closed = None;
        while self.levels.len() > depth + 1 {
            let level_depth = self.levels.len() - 1;
            self.check_plan(level_depth);
            let level = self.levels.pop().unwrap_or_default();
            if level.failed && level_depth > 1 {
                self.mark_failed(level_depth - 1);
            }
            closed = Some(level.failed || closed.unwrap_or(false));
        }
        closed
    }

    /// Missing or extra test points against the plan of the level at `depth`.
    fn check_plan(&mut self, depth: usize) {
        let Some(level) = self.levels.get(depth) else {
            return;
        };
        let (plan, points, skip_all) = (level.plan, level.points, level.skip_all);
        let Some(plan) = plan else {
            if depth == 0 && points > 0 && !self.bailed {
                self.mark_failed(depth);
                self.record_error(
                    "plan",
                    Some(format!(
                        "no plan (1..N) after {points} test(s): the stream may be cut"
                    )),
                );
            }
            return;
        };
        if skip_all && points == 0 {
            return;
        }
        if points > plan {
            self.mark_failed(depth);
            self.record_error(
                "plan",
                Some(format!("planned {plan} test(s) but {points} ran")),
            );
        } else if points < plan {
            let mut missing = plan - points;
            if self.bail_covers {
                // The bail out stands for the first test that did not run.
                self.bail_covers = false;
                missing -= 1;
            }
            if missing > 0 {
                self.mark_failed(depth);
                self.record_error(
                    &format!("test {} (planned, not run)", points + 1),
                    Some(format!("planned {plan} test(s) but only {points} ran")),
                );
                let rest = missing - 1;
                self.report.total = self.report.total.saturating_add(rest);
                self.report.errors = self.report.errors.saturating_add(rest);
            }
        }
    }

    fn record_error(&mut self, name: &str, message: Option<String>) {
        self.report.record(TestCase {
            suite: String::new(),
            classname: String::new(),
            name: name.to_string(),
            outcome: TestOutcome::Errored,
            message,
            location: None,
        });
    }

    fn flush(&mut self) {
        if let Some(p) = self.pending.take() {
            self.report.record(TestCase {
                suite: String::new(),
                classname: String::new(),
                name: p.name,
                outcome: p.outcome,
                message: p.message,
                location: p.location,
            });
        }
    }

    fn finish(mut self) -> TestReport {
        self.flush();
        self.close_deeper(0);
        if !self.levels.is_empty() {
            self.check_plan(0);
        }
        let [tests, pass, fail, skipped, todo] = self.summary;
        let r = &self.report;
        let declared_skips = match (skipped, todo) {
            (Some(s), Some(t)) => Some(s + t),
            (s, None) => s,
            (None, t) => t,
        };
        if let Some(note) = disagreement(
            "the closing comments",
            &[
                ("tests", tests, r.total),
                ("pass", pass, r.passed),
                ("fail", fail, r.failed + r.errors),
                ("skipped+todo", declared_skips, r.skipped),
            ],
        ) {
            self.notes.push(note);
        }
        if self.too_deep > 0 {
            self.notes.push(format!(
                "{} line(s) nested deeper than {MAX_LEVELS} subtest levels ignored",
                self.too_deep
            ));
        }
        self.notes.into_report(&mut self.report);
        self.report
    }
}

/// `ok 3 - name # SKIP why`, split into its parts.
struct TestPoint {
    ok: bool,
    description: String,
    directive: Option<Directive>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Directive {
    Skip,
    Todo,
}

impl TestPoint {
    fn read(text: &str) -> Option<TestPoint> {
        let (ok, rest) = if let Some(rest) = text.strip_prefix("not ok") {
            (false, rest)
        } else {
            (true, text.strip_prefix("ok")?)
        };
        if !(rest.is_empty() || rest.starts_with([' ', '\t', '#'])) {
            return None;
        }
        let rest = rest.trim_start();
        let rest = rest
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start();
        let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
        let (description, directive) = split_directive(rest);
        Some(TestPoint {
            ok,
            description: unescape(description.trim()),
            directive,
        })
    }

    fn outcome(&self) -> TestOutcome {
        match (self.directive, self.ok) {
            (Some(_), _) => TestOutcome::Skipped,
            (None, true) => TestOutcome::Passed,
            (None, false) => TestOutcome::Failed,
        }
    }
}

/// Splits at the first unescaped `#` followed by SKIP or TODO (any case).
fn split_directive(text: &str) -> (&str, Option<Directive>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'#' => {
                let after = text.get(i + 1..).unwrap_or_default().trim_start();
                let word: String = after
                    .chars()
                    .take(4)
                    .collect::<String>()
                    .to_ascii_uppercase();
                let directive = match word.as_str() {
                    "SKIP" => Some(Directive::Skip),
                    "TODO" => Some(Directive::Todo),
                    _ => None,
                };
                if directive.is_some() {
                    return (text.get(..i).unwrap_or(text), directive);
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    (text, None)
}

fn unescape(text: &str) -> String {
    text.replace("\\#", "#").replace("\\\\", "\\")
}

/// `N` or `N # SKIP reason` after `1..`.
fn read_plan(rest: &str) -> Option<(u64, bool)> {
    let (number, comment) = match rest.split_once('#') {
        Some((n, c)) => (n.trim(), Some(c.trim())),
        None => (rest.trim(), None),
    };
    let plan = number.parse::<u64>().ok()?;
    let skip = comment.is_some_and(|c| c.to_ascii_uppercase().starts_with("SKIP"));
    Some((plan, skip))
}

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .or_else(|| value.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
        .unwrap_or(value)
}

/// `/src/a.test.mjs:5:1` or `file:///src/a.test.mjs:5:1` → path and line.
fn read_location(value: &str) -> Option<Location> {
    let value = value.strip_prefix("file://").unwrap_or(value);
    if value.is_empty() {
        return None;
    }
    let mut parts = value.rsplitn(3, ':');
    let last = parts.next()?;
    let middle = parts.next();
    let first = parts.next();
    match (first, middle, last) {
        (Some(path), Some(line), col)
            if line.parse::<u64>().is_ok() && col.parse::<u64>().is_ok() =>
        {
            Some(Location {
                path: path.to_string(),
                line: line.parse().ok(),
            })
        }
        (_, Some(_), line) if line.parse::<u64>().is_ok() => {
            let path = value.rsplit_once(':').map(|(p, _)| p).unwrap_or(value);
            Some(Location {
                path: path.to_string(),
                line: line.parse().ok(),
            })
        }
        _ => Some(Location {
            path: value.to_string(),
            line: None,
        }),
    }
}

#[cfg(test)]
mod tests;
