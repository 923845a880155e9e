//! `gonogo check`: the gate. Load, plan, fetch what the plan needs, evaluate, write the reports,
//! speak to the CI platform, and exit with the decision.

use super::load::{load, today};
use super::{Failure, eprint, print, runtime, write_file};
use crate::cli::{CheckArgs, ReportArg};
use crate::eval::{self, Exit};
use crate::evidence::{Missing, MissingReason};
use crate::fetch::{self, FetchOptions};
use crate::model::Need;
use crate::publish::{self, CiEnv, PublishOptions};
use crate::report::{self, ReportFormat};

/// A run that judged nothing still answers every output it was asked for: the GitHub step
/// outputs and a requested dotenv report say `error`, with the reason.
pub(super) fn on_error(args: &CheckArgs, failure: &Failure) {
    let message = failure.summary();
    let env = CiEnv::from_process();
    if env.is_github_actions()
        && let Err(e) =
            publish::github::write_outputs(&publish::github::error_outputs(&message), &env)
    {
        eprint(&format!("warning: {e}\n"));
    }
    for ReportArg { format, path } in &args.reports {
        if *format == ReportFormat::Dotenv
            && let Err(Failure::Io(e)) = write_file(path, &report::dotenv::render_error(&message))
        {
            eprint(&format!("warning: {e}\n"));
        }
    }
}

/// Whether a need is read over the network: endpoint queries, and report sources at a URL or
/// behind an API.
fn is_live(need: &Need, config: &crate::config::Config) -> bool {
    match need {
        Need::Query { .. } => true,
        Need::Source(name) => config
            .sources
            .get(name)
            .is_some_and(|s| !matches!(s.location, crate::config::Location::Files(_))),
        Need::Files(_) | Need::Document(_) | Need::Documents(_) | Need::Manifests { .. } => false,
    }
}

pub(super) fn check(args: &CheckArgs, ui: super::Ui) -> Result<Exit, Failure> {
    let today = today();
    let loaded = load(&args.config, today)?;
    let stage = loaded.stage()?.clone();
    let subjects = if args.subjects.is_empty() {
        loaded.config.subjects.clone()
    } else {
        args.subjects.clone()
    };
    // Refused before anything is read: a gate that would end without its attestation.
    if std::iter::once(args.format)
        .chain(args.reports.iter().map(|r| r.format))
        .any(|f| f == ReportFormat::Intoto)
    {
        report::intoto::attestable(&subjects, args.offline).map_err(Failure::Usage)?;
    }
    if args.offline
        && std::iter::once(args.format)
            .chain(args.reports.iter().map(|r| r.format))
            .any(|f| f == ReportFormat::IntotoPredicate)
    {
        return Err(Failure::Usage(report::intoto::OFFLINE.into()));
    }
    let plan = loaded.plan(&stage, today)?;
    let next_plan = match (args.next || loaded.config.output.next)
        .then(|| loaded.next_stage(&stage))
        .flatten()
    {
        Some(s) => Some(loaded.plan(&s, today)?),
        None => None,
    };
    let deadline = crate::model::parse_duration(&args.deadline).map_err(Failure::Usage)?;
    let options = FetchOptions {
        deadline,
        progress: super::progress::for_stderr(),
        ..FetchOptions::default()
    };

    let mut needs = plan.needs();
    if let Some(np) = &next_plan {
        needs.extend(np.needs());
        needs.sort();
        needs.dedup();
    }
    let judge = crate::checks::sample_judge(
        plan.rules
            .iter()
            .chain(next_plan.iter().flat_map(|p| p.rules.iter()))
            .map(|r| &r.rule.rule.check),
    );
    let (live, needs): (Vec<Need>, Vec<Need>) = needs
        .into_iter()
        .partition(|n| args.offline && is_live(n, &loaded.config));
    let (baseline_source, baseline_override) =
        super::baseline::source(args.baseline.as_deref(), &loaded.config)?;
    let (diff_source, diff_override) = super::patch::choose(
        args.diff.as_deref(),
        args.diff_base.as_deref(),
        &loaded.config,
        &|name| std::env::var(name).ok(),
    );
    let runtime = runtime(2)?;
    let baseline_client = crate::fetch::client::Client::new(&options);
    let (mut fetched, baseline) = runtime.block_on(async {
        tokio::join!(
            fetch::gather(needs, &loaded.config, &options, judge),
            super::baseline::read(
                baseline_source.as_ref(),
                &loaded.config.root,
                &baseline_client,
                loaded.config.project.as_deref(),
                &plan.pack,
                args.offline,
            )
        )
    });
    for need in live {
        let why = format!("{need} needs a live system, and this run is --offline");
        fetched
            .evidence
            .insert(need, Err(Missing::new(MissingReason::Offline, why)));
    }

    let patch = super::patch::read(diff_source.as_ref(), &loaded.config.root);
    let mut verdict = eval::evaluate_change(
        &plan,
        &fetched.evidence,
        &loaded.config.waivers,
        today,
        &baseline,
        &patch,
    );
    verdict.project = loaded.config.project.clone();
    let mut overrides = loaded.overrides.clone();
    overrides.extend(baseline_override);
    overrides.extend(diff_override);
    overrides.append(&mut verdict.overrides);
    verdict.overrides = overrides;
    verdict.evaluated_at = Some(
        jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .map_or_else(|_| String::new(), |t| t.to_string()),
    );
    verdict.record_sources(&fetched.sources, &plan);
    verdict.stages = loaded.pack.pack.stages.clone();
    if let Some(np) = &next_plan {
        verdict.next = Some(eval::preview(
            &verdict,
            np,
            &fetched.evidence,
            &loaded.config.waivers,
            today,
        ));
    }

    let strict = args.strict || loaded.config.output.strict;
    let render = report::Options {
        strict,
        verbose: ui.verbose,
        lang: ui.lang,
    };
    let env = CiEnv::from_process();
    let output = args
        .output
        .clone()
        .or_else(|| {
            loaded
                .config
                .output
                .json
                .as_ref()
                .map(|p| loaded.config.root.join(p))
        })
        .or_else(|| {
            // Under GitHub Actions the `verdict` output always names a real file.
            env.is_github_actions().then(|| {
                std::path::PathBuf::from(env.get("RUNNER_TEMP").unwrap_or("."))
                    .join("gonogo-verdict.json")
            })
        });
    if let Some(path) = &output {
        write_file(path, &report::json::render(&verdict))?;
    }
    for ReportArg { format, path } in &args.reports {
        let text =
            report::render_about(&verdict, *format, &render, &subjects).map_err(Failure::Usage)?;
        write_file(path, &text)?;
    }
    print(
        &report::render_about(&verdict, args.format, &render, &subjects).map_err(Failure::Usage)?,
    );

    if env.is_github_actions() {
        let (commands, errors) = publish::github::write_step_files(
            &verdict,
            strict,
            output.as_deref(),
            &env,
            &publish::github::Workspace::new(&loaded.config.root, &env),
        );
        let text: String = commands.iter().map(|c| format!("{c}\n")).collect();
        // Workflow commands go to stdout unless stdout carries a machine-readable report.
        if args.format == ReportFormat::Human {
            print(&text);
        } else {
            eprint(&text);
        }
        for e in errors {
            super::eprint(&format!("warning: {e}\n"));
        }
    }
    if args.publish {
        let platforms = publish::platforms(false, false, &env);
        let options = PublishOptions {
            strict,
            status: true,
            comment: true,
            summary_written: env.is_github_actions(),
        };
        let client = crate::fetch::client::Client::new(&FetchOptions::default());
        let report = runtime.block_on(publish::publish_to(
            &verdict,
            &platforms,
            &publish::Subject {
                pr: None,
                sha: None,
                project: &loaded.config.root,
            },
            options,
            &env,
            &client,
        ));
        for line in report.lines() {
            super::eprint(&format!("{line}\n"));
        }
    }
    Ok(verdict.decision.exit(strict))
}
