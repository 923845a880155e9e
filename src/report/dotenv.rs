//! A dotenv report (`artifacts:reports:dotenv` in GitLab): the decision as variables for later
//! jobs (`GONOGO_DECISION`, `GONOGO_EXIT_CODE`, counts, stage).
//!
//! GitLab's dotenv parser takes `KEY=VALUE` lines with no quoting rules worth relying on, so
//! values are plain tokens: snake_case decision, numbers, the stage id stripped to safe
//! characters.

use std::fmt::Write as _;

use crate::eval::{Decision, Verdict};

pub fn decision_token(d: Decision) -> &'static str {
    match d {
        Decision::Go => "go",
        Decision::GoWithWarnings => "go_with_warnings",
        Decision::NoGo => "no_go",
        Decision::Inconclusive => "inconclusive",
    }
}

/// The dotenv of a run that judged nothing (a configuration error, exit 4), so later jobs still
/// find every variable, saying so.
pub fn render_error(message: &str) -> String {
    let first: String = message
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    let mut out = String::new();
    for (k, val) in [
        ("GONOGO_DECISION", "error".to_string()),
        (
            "GONOGO_EXIT_CODE",
            crate::eval::Exit::Usage.code().to_string(),
        ),
        ("GONOGO_ERROR", first),
    ] {
        let _ = writeln!(out, "{k}={val}");
    }
    out
}

pub fn render(v: &Verdict, strict: bool) -> String {
    let c = &v.counts;
    let stage_id: String = v
        .stage
        .id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let mut out = String::new();
    for (k, val) in [
        ("GONOGO_DECISION", decision_token(v.decision).to_string()),
        (
            "GONOGO_EXIT_CODE",
            v.decision.exit(strict).code().to_string(),
        ),
        ("GONOGO_STAGE", v.stage.number.to_string()),
        ("GONOGO_STAGE_ID", stage_id),
        ("GONOGO_FAILED", c.fail.to_string()),
        ("GONOGO_WARNED", c.warn.to_string()),
        ("GONOGO_INCONCLUSIVE", c.inconclusive.to_string()),
        ("GONOGO_WAIVED", c.waived.to_string()),
        ("GONOGO_PASSED", c.pass.to_string()),
        ("GONOGO_OFFLINE", v.offline.to_string()),
    ] {
        let _ = writeln!(out, "{k}={val}");
    }
    out
}
