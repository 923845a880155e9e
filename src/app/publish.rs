//! `gonogo publish verdict.json`: reports a verdict computed elsewhere (an untrusted job) to the
//! CI platform's API.

use std::io::Write as _;

use super::{Failure, runtime};
use crate::cli::PublishArgs;
use crate::eval::{Exit, VERDICT_SCHEMA_VERSION, Verdict};
use crate::fetch::FetchOptions;
use crate::fetch::client::Client;
use crate::publish::{self, CiEnv, PublishOptions};

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
        args.pr,
        args.sha.clone(),
        options,
        &env,
        &client,
    ));
    for line in report.lines() {
        let _ = writeln!(anstream::stderr(), "{line}");
    }
    Ok(if report.errors.is_empty() {
        Exit::Go
    } else {
        Exit::Usage
    })
}
