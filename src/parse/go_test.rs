//! `go test -json` (test2json) event streams, and gotestsum's `--jsonfile`, which is the same
//! stream with `--rerun-fails` runs appended: one JSON object per line, read line by line.
//!
//! Every test with a final `pass`, `fail` or `skip` event counts, subtests (`TestA/sub`) included,
//! as gotestsum counts them; a parent fails with its subtest, so one broken subtest is two
//! failures. A test seen again later in the stream is a rerun of the first (gotestsum reruns
//! only the failed ones), so the report folds reruns: failed then passed is flaky.
//!
//! Failures outside any test are never lost:
//! - a package that fails with no failed test (TestMain exited, a panic in `init`, the binary
//!   crashed) is one errored test named after the package, with its first line of output;
//! - a build failure is one errored test named after the package, from Go 1.24's
//!   `build-output`/`build-fail` events and `FailedBuild`, or from the `FAIL <pkg> [build
//!   failed]` (or `[setup failed]`) line older Go versions print outside the JSON, with the
//!   compiler's first diagnostic as the message;
//! - a test that started and never finished (the package timed out or panicked, or the stream
//!   was cut) is errored when its package fails or the stream ends.
//!
//! Other lines that are not JSON (stderr mixed in) are skipped and counted in a note; a stream
//! with no event at all is an error. The message of a failed test is its first `file.go:N:`
//! output line (which also gives the location), else its first other output line. Running
//! tests and packages are bounded; past the bound a note says what was not tracked.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::BufRead;

use serde::Deserialize;

use super::lines::Lines;
use super::tests_common::{Notes, first_line};
use super::{ParseError, Position};
use crate::evidence::{Location, TestCase, TestOutcome, TestReport};

/// Most tests tracked as running at once; real streams run a few hundred in parallel.
const MAX_RUNNING: usize = 100_000;
/// Most packages tracked.
const MAX_PACKAGES: usize = 100_000;

/// True when the first JSON line is a test2json event (older Go prints `FAIL <pkg> [build
/// failed]` and compiler diagnostics before it, outside the JSON).
pub fn sniff(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(20)
        .find(|l| l.starts_with('{'))
        .is_some_and(|first| {
            first.contains("\"Action\":")
                && (first.contains("\"Package\":") || first.contains("\"ImportPath\":"))
        })
}

/// Reads a `go test -json` stream.
pub fn parse<R: BufRead>(reader: R) -> Result<TestReport, ParseError> {
    let mut lines = Lines::new(reader);
    let mut stream = Stream::default();
    while let Some((line, info)) = lines.next_line()? {
        let trimmed = line.trim_ascii();
        if trimmed.first() == Some(&b'{') {
            match serde_json::from_slice::<Event>(trimmed) {
                Ok(event) => {
                    stream.events += 1;
                    stream.event(event);
                }
                Err(_) if info.truncated => stream.skipped_lines += 1,
                Err(e) => {
                    return Err(ParseError::at(
                        format!("not a test2json event: {}", strip_position(&e)),
                        info.at(e.column() as u64),
                    ));
                }
            }
        } else if !trimmed.is_empty() {
            stream.text_line(&String::from_utf8_lossy(trimmed));
        }
    }
    if stream.events == 0 && stream.report.total == 0 {
        return Err(ParseError::at(
            "not a go test -json stream: no test2json event found",
            Position::LineCol {
                line: lines.number().max(1),
                column: 1,
            },
        ));
    }
    Ok(stream.finish())
}

fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_string(),
        None => text,
    }
}

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(rename = "Action", borrow, default)]
    action: Option<Cow<'a, str>>,
    #[serde(rename = "Package", borrow, default)]
    package: Option<Cow<'a, str>>,
    #[serde(rename = "Test", borrow, default)]
    test: Option<Cow<'a, str>>,
    #[serde(rename = "Output", borrow, default)]
    output: Option<Cow<'a, str>>,
    #[serde(rename = "ImportPath", borrow, default)]
    import_path: Option<Cow<'a, str>>,
    #[serde(rename = "FailedBuild", borrow, default)]
    failed_build: Option<Cow<'a, str>>,
}

#[derive(Default)]
struct Running {
    message: Option<String>,
    location: Option<Location>,
}

#[derive(Default)]
struct Package {
    failed_tests: u64,
    errored: bool,
    build_failed: bool,
    message: Option<String>,
}

struct Stream {
    report: TestReport,
    events: u64,
    /// `package\0test` → what its output said so far.
    running: HashMap<String, Running>,
    packages: HashMap<String, Package>,
    /// The compiler diagnostic printed outside the JSON before a `[build failed]` line.
    pending_build_message: Option<String>,
    skipped_lines: u64,
    untracked: u64,
    notes: Notes,
}

impl Stream {
    fn new_report() -> TestReport {
        TestReport::folding_reruns()
    }

    fn event(&mut self, e: Event<'_>) {
        let action = e.action.as_deref().unwrap_or("");
        let package = match (&e.package, &e.import_path) {
            (Some(p), _) => p.as_ref(),
            (None, Some(path)) => import_package(path),
            (None, None) => "",
        };
        match (action, e.test.as_deref()) {
            ("run", Some(test)) => {
                if self.running.len() < MAX_RUNNING {
                    self.running.entry(key(package, test)).or_default();
                } else {
                    self.untracked += 1;
                }
            }
            ("output", Some(test)) => {
                if let (Some(output), Some(running)) = (
                    e.output.as_deref(),
                    self.running.get_mut(&key(package, test)),
                ) && running.message.is_none()
                {
                    read_output(output, running);
                }
            }
            ("pass" | "fail" | "skip", Some(test)) => {
                let outcome = match action {
                    "pass" => TestOutcome::Passed,
                    "fail" => TestOutcome::Failed,
                    _ => TestOutcome::Skipped,
                };
                let running = self.running.remove(&key(package, test));
                self.finish_test(package, test, outcome, running);
            }
            ("output", None) => {
                if let Some(output) = e.output.as_deref() {
                    self.package_output(package, output);
                }
            }
            ("build-output", None) => {
                if let (Some(output), Some(pkg)) = (e.output.as_deref(), self.package(package))
                    && pkg.message.is_none()
                    && !output.starts_with("# ")
                {
                    pkg.message = first_line(output);
                }
            }
            ("build-fail", None) => {
                if let Some(pkg) = self.package(package) {
                    pkg.build_failed = true;
                }
            }
            ("fail", None) => {
                if e.failed_build.is_some()
                    && let Some(pkg) = self.package(package)
                {
                    pkg.build_failed = true;
                }
                self.package_failed(package);
            }
            _ => {}
        }
    }

    fn package(&mut self, name: &str) -> Option<&mut Package> {
        if !self.packages.contains_key(name) && self.packages.len() >= MAX_PACKAGES {
            self.untracked += 1;
            return None;
        }
        Some(self.packages.entry(name.to_string()).or_default())
    }

    fn finish_test(
        &mut self,
        package: &str,
        test: &str,
        outcome: TestOutcome,
        running: Option<Running>,
    ) {
        if outcome == TestOutcome::Failed
            && let Some(pkg) = self.package(package)
        {
            pkg.failed_tests += 1;
        }
        if outcome != TestOutcome::Failed {
            self.report.record_run(package, "", test, outcome);
            return;
        }
        let running = running.unwrap_or_default();
        self.report.record(TestCase {
            suite: package.to_string(),
            classname: String::new(),
            name: test.to_string(),
            outcome,
            message: running.message,
            location: running.location,
        });
    }

    fn package_output(&mut self, package: &str, output: &str) {
        let line = output.trim();
        if line.starts_with("FAIL")
            && (line.ends_with("[build failed]") || line.ends_with("[setup failed]"))
        {
            if let Some(pkg) = self.package(package) {
                pkg.build_failed = true;
            }
            return;
        }
        if is_boilerplate(line) {
            return;
        }
        if let Some(pkg) = self.package(package)
            && pkg.message.is_none()
        {
            pkg.message = first_line(line);
        }
    }

    /// A package ended in failure: its unfinished tests are errors, and so is the package
    /// itself when no test of it failed.
    fn package_failed(&mut self, package: &str) {
        let prefix = key(package, "");
        let mut unfinished: Vec<String> = self
            .running
            .keys()
            .filter(|k| k.starts_with(&prefix))
            .cloned()
            .collect();
        unfinished.sort();
        for k in unfinished {
            let running = self.running.remove(&k).unwrap_or_default();
            let test = k.get(prefix.len()..).unwrap_or_default().to_string();
            self.unfinished(package, test, running);
        }
        let Some(pkg) = self.package(package) else {
            return;
        };
        if pkg.failed_tests > 0 || pkg.errored {
            return;
        }
        pkg.errored = true;
        let message = if pkg.build_failed {
            pkg.message.clone().or_else(|| Some("build failed".into()))
        } else {
            pkg.message
                .clone()
                .or_else(|| Some("the package failed outside any test".into()))
        };
        self.record_package_error(package, message);
    }

    fn unfinished(&mut self, package: &str, test: String, running: Running) {
        if let Some(pkg) = self.package(package) {
            pkg.failed_tests += 1;
        }
        let message = running
            .message
            .map(|m| format!("did not finish: {m}"))
            .or_else(|| Some("did not finish (timeout, panic or a cut stream)".into()));
        self.report.record(TestCase {
            suite: package.to_string(),
            classname: String::new(),
            name: test,
            outcome: TestOutcome::Errored,
            message,
            location: running.location,
        });
    }

    fn record_package_error(&mut self, package: &str, message: Option<String>) {
        self.report.record(TestCase {
            suite: package.to_string(),
            classname: String::new(),
            name: format!("{package} (package)"),
            outcome: TestOutcome::Errored,
            message,
            location: None,
        });
    }

    /// A line outside the JSON: Go < 1.24 prints `FAIL <pkg> [build failed]` and the compiler's
    /// diagnostics there.
    fn text_line(&mut self, line: &str) {
        if let Some(rest) = line.strip_prefix("FAIL")
            && let Some(package) = rest
                .trim()
                .strip_suffix("[build failed]")
                .or_else(|| rest.trim().strip_suffix("[setup failed]"))
        {
            let package = package.trim();
            let message = self.pending_build_message.take();
            if let Some(pkg) = self.package(package) {
                pkg.build_failed = true;
                if pkg.message.is_none() {
                    pkg.message = message;
                }
            }
            self.package_failed(package);
            return;
        }
        if line.starts_with("# ") {
            self.pending_build_message = None;
        } else if self.pending_build_message.is_none() {
            self.pending_build_message = first_line(line);
        }
        self.skipped_lines += 1;
    }

    fn finish(mut self) -> TestReport {
        let mut unfinished: Vec<String> = self.running.keys().cloned().collect();
        unfinished.sort();
        for k in unfinished {
            let running = self.running.remove(&k).unwrap_or_default();
            let (package, test) = k.split_once('\0').unwrap_or(("", &k));
            let (package, test) = (package.to_string(), test.to_string());
            self.unfinished(&package, test, running);
        }
        self.report.settle_reruns();
        if self.skipped_lines > 0 {
            self.notes.push(format!(
                "{} line(s) that are not test2json events skipped (stderr mixed into the stream?)",
                self.skipped_lines
            ));
        }
        if self.untracked > 0 {
            self.notes.push(format!(
                "{} test(s) or package(s) past the tracking bound: their output and unfinished state were not followed",
                self.untracked
            ));
        }
        self.notes.into_report(&mut self.report);
        self.report
    }
}

impl Default for Stream {
    fn default() -> Self {
        Stream {
            report: Stream::new_report(),
            events: 0,
            running: HashMap::new(),
            packages: HashMap::new(),
            pending_build_message: None,
            skipped_lines: 0,
            untracked: 0,
            notes: Notes::default(),
        }
    }
}

fn key(package: &str, test: &str) -> String {
    let mut k = String::with_capacity(package.len() + test.len() + 1);
    k.push_str(package);
    k.push('\0');
    k.push_str(test);
    k
}

/// `example.com/x [example.com/x.test]` → `example.com/x`.
fn import_package(path: &str) -> &str {
    path.split(" [").next().unwrap_or(path).trim()
}

/// Output go test writes around results, not worth a message.
fn is_boilerplate(line: &str) -> bool {
    line.is_empty()
        || line == "PASS"
        || line == "FAIL"
        || line.starts_with("FAIL\t")
        || line.starts_with("ok  ")
        || line.starts_with("ok\t")
        || line.starts_with("?   ")
        || line.starts_with("exit status ")
        || line.starts_with("=== ")
        || line.starts_with("--- ")
        || line.starts_with("coverage: ")
        || line.starts_with("testing: warning")
}

/// The first `file.go:N: message` line, else the first non-boilerplate line, of a test's output.
fn read_output(output: &str, running: &mut Running) {
    let line = output.trim();
    if is_boilerplate(line) {
        return;
    }
    if let Some((file, rest)) = line.split_once(".go:")
        && let Some((number, message)) = rest.split_once(": ")
        && let Ok(number) = number.parse::<u64>()
        && !file.contains(' ')
    {
        running.message = first_line(message);
        running.location = Some(Location {
            path: format!("{file}.go"),
            line: Some(number),
        });
        return;
    }
    running.message = first_line(line);
}

#[cfg(test)]
mod tests;
