//! `gonogo publish verdict.json`: reports a verdict computed elsewhere (an untrusted job) to the
//! CI platform's API.
//!
//! The file is not trusted to say its own decision: the decision and counts are computed again
//! from the rule outcomes it lists, and a file whose `decision` or `counts` disagree is refused,
//! so an edited `"decision": "go"` never becomes a green status.

use super::{Failure, runtime};
use crate::cli::PublishArgs;
use crate::eval::{Counts, Decision, Exit, VERDICT_SCHEMA_VERSION, Verdict};
use crate::fetch::FetchOptions;
use crate::fetch::client::Client;
use crate::publish::{self, CiEnv, PublishOptions};

/// A refused verdict still answers the step's outputs, saying why.
pub(super) fn on_error(failure: &Failure) {
    let env = CiEnv::from_process();
    if env.is_github_actions() {
        let text = crate::publish::github::error_outputs(&failure.summary());
        if let Err(e) = crate::publish::github::write_outputs(&text, &env) {
            super::eprint(&format!("warning: {e}\n"));
        }
    }
}

pub(super) fn publish(args: &PublishArgs) -> Result<Exit, Failure> {
    let bytes = std::fs::read(&args.verdict)
        .map_err(|e| Failure::Io(format!("cannot read {}: {e}", args.verdict.display())))?;
    let verdict: Verdict = serde_json::from_slice(&bytes).map_err(|e| {
        Failure::Usage(format!(
            "{} is not a gonogo JSON verdict: {e}",
            args.verdict.display()
        ))
    })?;
    if verdict.schema_version != VERDICT_SCHEMA_VERSION {
        return Err(Failure::Usage(format!(
            "{} has schema_version {}; this gonogo reads {VERDICT_SCHEMA_VERSION}",
            args.verdict.display(),
            verdict.schema_version,
        )));
    }
    if verdict.offline {
        return Err(Failure::Usage(format!(
            "{} is an --offline verdict: live rules were not evaluated, so it is no gate's result; nothing was published",
            args.verdict.display()
        )));
    }
    let decision = Decision::of(&verdict.results);
    let counts = Counts::of(&verdict.results);
    if decision != verdict.decision || counts != verdict.counts {
        return Err(Failure::Usage(format!(
            "{} says {} ({}), but its rule outcomes give {} ({}): the file was edited or is corrupt; nothing was published",
            args.verdict.display(),
            verdict.decision.label(),
            verdict.counts,
            decision.label(),
            counts
        )));
    }
    let env = CiEnv::from_process();
    let platforms = publish::platforms(args.github, args.gitlab, &env);
    let options = PublishOptions {
        strict: args.strict,
        status: !args.no_status,
        comment: !args.no_comment,
        summary_written: false,
    };
    let runtime = runtime(1)?;
    let client = runtime.block_on(async { Client::new(&FetchOptions::default()) });
    let report = runtime.block_on(publish::publish_to(
        &verdict,
        &platforms,
        &publish::Subject {
            pr: args.pr,
            sha: args.sha.clone(),
            project: std::path::Path::new("."),
        },
        options,
        &env,
        &client,
    ));
    for line in report.lines() {
        super::eprint(&format!("{line}\n"));
    }
    if env.is_github_actions() {
        let outputs = crate::publish::github::outputs(&verdict, args.strict, Some(&args.verdict));
        if let Err(e) = crate::publish::github::write_outputs(&outputs, &env) {
            super::eprint(&format!("warning: {e}\n"));
        }
    }
    Ok(if report.errors.is_empty() {
        Exit::Go
    } else {
        Exit::Usage
    })
}
