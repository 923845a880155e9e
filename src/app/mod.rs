//! The commands: each turns CLI arguments into a report on stdout and an exit code.
//!
//! This is the only layer that prints (stdout for reports, stderr for errors and diagnostics)
//! and the only one that knows about exit codes; everything below returns values.

mod docs;
mod init;
mod inspect;

use std::io::Write as _;
use std::path::Path;

use jiff::civil::Date;

use crate::cli::{CheckArgs, Cli, Command, ConfigArgs, ExplainArgs, SchemaKind};
use crate::config::{self, Config, Overrides};
use crate::diag::Diagnostics;
use crate::eval::{self, NextPreview, Outcome, Verdict};
use crate::fetch::{self, FetchOptions};
use crate::model::Stage;
use crate::rules::{self, Catalog, LoadedFile, Plan};
use crate::yaml::Span;

/// Exit code for usage and configuration errors.
pub const EXIT_CONFIG: u8 = 4;

pub fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        )
        .with_target(false)
        .without_time()
        .try_init();
}

/// A command failure: what to print on stderr; always exit 4.
#[derive(Debug)]
pub enum Failure {
    Config(Diagnostics),
    Usage(String),
}

impl From<Diagnostics> for Failure {
    fn from(d: Diagnostics) -> Self {
        Failure::Config(d)
    }
}

pub fn run(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Check(args) => check(&args),
        Command::Explain(args) => explain(&args),
        Command::Validate(args) => validate(&args),
        Command::Rules(args) => docs::rules(&args),
        Command::Init(args) => init::init(&args),
        Command::Schema(args) => schema(args.kind),
        Command::Inspect(args) => inspect::inspect(&args),
        Command::Publish(args) => publish(&args),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Config(d)) => {
            let mut err = anstream::stderr();
            let _ = writeln!(err, "{}", d.render());
            EXIT_CONFIG
        }
        Err(Failure::Usage(msg)) => {
            let _ = writeln!(anstream::stderr(), "error: {msg}");
            EXIT_CONFIG
        }
    }
}

fn print(text: &str) {
    let mut out = anstream::stdout();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn overrides(args: &ConfigArgs) -> Overrides {
    Overrides {
        stage: args.stage.clone(),
        environment: args.environment.map(Into::into),
        pack: args.pack.clone(),
        project: None,
        vars: args.vars.clone(),
    }
}

/// Everything a command needs before reading evidence.
pub struct Loaded {
    pub config: Config,
    pub pack: rules::load::CompiledPack,
}

/// Loads gonogo.yaml, the embedded packs and the project's rule files, and compiles the pack.
pub fn load(args: &ConfigArgs) -> Result<Loaded, Failure> {
    let config = config::load(&args.config, &overrides(args))?;
    let mut diags = Diagnostics::default();
    let mut files = rules::embedded_files();
    for path in &config.rule_files {
        match std::fs::read_to_string(path) {
            Ok(text) => files.push(LoadedFile {
                name: path.display().to_string(),
                text,
            }),
            Err(e) => diags.error(
                &config.file.display().to_string(),
                Span { line: 1, column: 1 },
                format!("cannot read rule file {}: {e}", path.display()),
            ),
        }
    }
    let catalog: Catalog = rules::load_catalog(&files, &mut diags);
    let Some(pack) = catalog.compile(&config.pack, &config.vars, &mut diags) else {
        let known: Vec<&str> = catalog.packs.keys().map(String::as_str).collect();
        diags.error_help(
            &config.file.display().to_string(),
            Span { line: 1, column: 1 },
            format!("unknown pack `{}`", config.pack),
            format!("known packs: {}", known.join(", ")),
        );
        return Err(diags.into());
    };
    let file = config.file.display().to_string();
    for w in &config.waivers {
        if !pack.rules.iter().any(|r| r.rule.id == w.rule) {
            let line = w
                .origin
                .rsplit(':')
                .next()
                .and_then(|l| l.parse().ok())
                .unwrap_or(1);
            let msg = format!("waiver names unknown rule `{}`", w.rule);
            match crate::diag::did_you_mean(&w.rule, pack.rules.iter().map(|r| r.rule.id.as_str()))
            {
                Some(s) => diags.error_help(
                    &file,
                    Span { line, column: 1 },
                    msg,
                    format!("did you mean `{s}`?"),
                ),
                None => diags.error(&file, Span { line, column: 1 }, msg),
            }
        }
    }
    if !diags.is_empty() {
        return Err(diags.into());
    }
    Ok(Loaded { config, pack })
}

impl Loaded {
    pub fn stage(&self) -> Result<&Stage, Failure> {
        let file = self.config.file.display().to_string();
        let mut diags = Diagnostics::default();
        if let Ok(text) = std::fs::read_to_string(&self.config.file) {
            diags.add_source(&file, &text);
        }
        let span = self
            .config
            .stage_span
            .unwrap_or(Span { line: 1, column: 1 });
        let Some(stage) = &self.config.stage else {
            diags.error_help(
                &file,
                span,
                "no stage declared",
                "add `stage: <number or name>` to gonogo.yaml, or pass --stage",
            );
            return Err(diags.into());
        };
        stage.resolve(&self.pack.pack.stages).map_err(|e| {
            diags.error(&file, span, e);
            diags.into()
        })
    }

    pub fn plan(&self, stage: &Stage, today: Date) -> Result<Plan, Failure> {
        rules::build_plan(
            &self.pack,
            stage,
            self.config.environment,
            &self.config.waivers,
            today,
        )
        .map_err(|refused| {
            let lines: Vec<String> = refused
                .iter()
                .map(|r| format!("{} ({})", r.message, r.origin))
                .collect();
            Failure::Usage(lines.join("\nerror: "))
        })
    }
}

fn today(arg: Option<&str>) -> Result<Date, Failure> {
    match arg {
        Some(s) => s
            .parse::<Date>()
            .map_err(|e| Failure::Usage(format!("--today `{s}` is not a YYYY-MM-DD date: {e}"))),
        None => Ok(jiff::ZonedDateTime::now().date()),
    }
}

fn check(args: &CheckArgs) -> Result<u8, Failure> {
    let loaded = load(&args.config)?;
    let today = today(args.today.as_deref())?;
    let stage = loaded.stage()?.clone();
    let plan = loaded.plan(&stage, today)?;
    let next_stage = if args.next || loaded.config.output.next {
        loaded
            .pack
            .pack
            .stages
            .iter()
            .filter(|s| s.number > stage.number)
            .min_by_key(|s| s.number)
            .cloned()
    } else {
        None
    };
    let next_plan = match &next_stage {
        Some(s) => Some(loaded.plan(s, today)?),
        None => None,
    };
    let deadline = crate::model::parse_duration(&args.deadline).map_err(Failure::Usage)?;
    let options = FetchOptions {
        deadline,
        ..FetchOptions::default()
    };

    let mut needs = plan.needs();
    if let Some(np) = &next_plan {
        needs.extend(np.needs());
        needs.sort();
        needs.dedup();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::Usage(format!("cannot start the async runtime: {e}")))?;
    let judge = crate::checks::sample_judge(
        plan.rules
            .iter()
            .chain(next_plan.iter().flat_map(|p| p.rules.iter()))
            .map(|r| &r.rule.rule.check),
    );
    let fetched = runtime.block_on(fetch::gather(needs, &loaded.config, &options, judge));

    let mut verdict = eval::evaluate(&plan, &fetched.evidence, &loaded.config.waivers, today);
    verdict.project = loaded.config.project.clone();
    verdict.evaluated_at = Some(
        jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .map_or_else(|_| String::new(), |t| t.to_string()),
    );
    let plan_needs = plan.needs();
    verdict.sources = fetched
        .sources
        .iter()
        .filter(|s| plan_needs.contains(&s.need))
        .cloned()
        .collect();
    if let Some(np) = &next_plan {
        verdict.next = Some(preview(
            &verdict,
            np,
            &fetched.evidence,
            &loaded.config,
            today,
        ));
    }

    let strict = args.strict || loaded.config.output.strict;
    let output = args.output.clone().or_else(|| {
        loaded
            .config
            .output
            .json
            .as_ref()
            .map(|p| loaded.config.root.join(p))
    });
    if let Some(path) = &output {
        write_file(path, &crate::report::json::render(&verdict))?;
    }
    for (format, path) in &args.reports {
        write_file(
            path,
            &crate::report::render_report(&verdict, *format, strict),
        )?;
    }
    print(&crate::report::render_report(&verdict, args.format, strict));

    let env = crate::publish::CiEnv::from_process();
    if env.is_github_actions() {
        let (commands, errors) =
            crate::publish::github::write_step_files(&verdict, strict, output.as_deref(), &env);
        let text: String = commands.iter().map(|c| format!("{c}\n")).collect();
        // Workflow commands go to stdout unless stdout carries a machine-readable report.
        if args.format == crate::report::ReportFormat::Human {
            print(&text);
        } else {
            let _ = anstream::stderr().write_all(text.as_bytes());
        }
        for e in errors {
            let _ = writeln!(anstream::stderr(), "warning: {e}");
        }
    }
    if args.publish {
        let platforms = crate::publish::platforms(false, false, &env);
        let options = crate::publish::PublishOptions {
            strict,
            status: true,
            comment: true,
            summary_written: env.is_github_actions(),
        };
        let report = runtime.block_on(crate::publish::publish_to(
            &verdict, &platforms, None, None, options, &env,
        ));
        for line in report.lines() {
            let _ = writeln!(anstream::stderr(), "{line}");
        }
    }
    Ok(verdict.decision.exit_code(strict))
}

/// `gonogo publish verdict.json`: reports a verdict computed elsewhere (an untrusted job).
fn publish(args: &crate::publish::PublishArgs) -> Result<u8, Failure> {
    let bytes = std::fs::read(&args.verdict)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", args.verdict.display())))?;
    let verdict: Verdict = serde_json::from_slice(&bytes).map_err(|e| {
        Failure::Usage(format!(
            "{} is not a gonogo JSON verdict: {e}",
            args.verdict.display()
        ))
    })?;
    if verdict.schema_version != crate::eval::VERDICT_SCHEMA_VERSION {
        return Err(Failure::Usage(format!(
            "{} has schema_version {}; this gonogo reads {}",
            args.verdict.display(),
            verdict.schema_version,
            crate::eval::VERDICT_SCHEMA_VERSION
        )));
    }
    let env = crate::publish::CiEnv::from_process();
    let platforms = crate::publish::platforms(args.github, args.gitlab, &env);
    let options = crate::publish::PublishOptions {
        strict: args.strict,
        status: !args.no_status,
        comment: !args.no_comment,
        summary_written: false,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Usage(format!("cannot start the async runtime: {e}")))?;
    let report = runtime.block_on(crate::publish::publish_to(
        &verdict,
        &platforms,
        args.pr,
        args.sha.clone(),
        options,
        &env,
    ));
    for line in report.lines() {
        let _ = writeln!(anstream::stderr(), "{line}");
    }
    if report.errors.is_empty() {
        Ok(0)
    } else {
        Ok(EXIT_CONFIG)
    }
}

fn preview(
    current: &Verdict,
    plan: &Plan,
    evidence: &crate::model::EvidenceMap,
    config: &Config,
    today: Date,
) -> NextPreview {
    let next = eval::evaluate(plan, evidence, &config.waivers, today);
    let blockers = next
        .results
        .into_iter()
        .filter(|r| !matches!(r.outcome, Outcome::Pass | Outcome::Info))
        .filter(|r| {
            current
                .results
                .iter()
                .find(|c| c.id == r.id)
                .is_none_or(|c| c.outcome != r.outcome || c.level != r.level)
        })
        .collect();
    NextPreview {
        stage: plan.stage.clone(),
        decision: next.decision,
        blockers,
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), Failure> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))
}

fn explain(args: &ExplainArgs) -> Result<u8, Failure> {
    let loaded = load(&args.config)?;
    let stage = loaded.stage()?.clone();
    let plan = loaded.plan(&stage, jiff::ZonedDateTime::now().date())?;
    match args.format {
        crate::report::Format::Json => {
            let rules: Vec<serde_json::Value> = plan
                .rules
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "id": p.rule.rule.id,
                        "title": p.rule.rule.title,
                        "level": p.level,
                        "on_missing": p.on_missing,
                        "check": p.rule.rule.check.kind_id(),
                        "expect": p.expect.iter().map(ToString::to_string).collect::<Vec<_>>(),
                        "prefer": p.prefer.iter().map(ToString::to_string).collect::<Vec<_>>(),
                        "evidence": p.need().to_string(),
                        "reads": where_from(&p.need(), &loaded.config),
                        "reference": p.rule.rule.reference,
                        "since": p.rule.since,
                    })
                })
                .collect();
            let out = serde_json::json!({
                "pack": plan.pack,
                "stage": plan.stage,
                "environment": plan.environment,
                "rules": rules,
                "notices": plan.loosened,
            });
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&out).unwrap_or_default()
            ));
        }
        crate::report::Format::Human => {
            let mut out = format!(
                "Stage {} {} of {} ({}), {} rules:\n",
                plan.stage.number,
                plan.stage.id,
                plan.pack,
                plan.environment.as_str(),
                plan.rules.len()
            );
            if !plan.stage.gate.is_empty() {
                out.push_str(&format!("Gate: {}\n", plan.stage.gate));
            }
            for p in &plan.rules {
                let r = &p.rule.rule;
                let criteria: Vec<String> = p.expect.iter().map(ToString::to_string).collect();
                out.push_str(&format!(
                    "\n{}  {}  [{}{}]\n    check {}: {}\n    evidence: {} ← {}\n    source: {}\n",
                    r.id,
                    r.title,
                    p.level.as_str(),
                    if p.on_missing == crate::model::OnMissing::Block {
                        String::new()
                    } else {
                        format!(", missing → {}", p.on_missing.as_str())
                    },
                    r.check.kind_id(),
                    criteria.join(", "),
                    p.need(),
                    where_from(&p.need(), &loaded.config),
                    r.reference
                ));
                if !p.prefer.is_empty() {
                    let prefs: Vec<String> = p.prefer.iter().map(ToString::to_string).collect();
                    out.push_str(&format!("    preferred: {}\n", prefs.join(", ")));
                }
            }
            for n in &plan.loosened {
                out.push_str(&format!("\nnotice: {n}\n"));
            }
            print(&out);
        }
    }
    Ok(0)
}

/// Where a need would be read from, in words.
fn where_from(need: &crate::model::Need, config: &Config) -> String {
    match need {
        crate::model::Need::Source(name) => match config.sources.get(name) {
            None => format!("NOT CONFIGURED (add sources.{name} to gonogo.yaml)"),
            Some(source) => {
                let loc = match &source.location {
                    crate::config::Location::Files(p) => p.join(", "),
                    other => other.url().map(fetch::http::redact_url).unwrap_or_default(),
                };
                match source.kind.id() {
                    Some(k) => format!("{loc} ({k})"),
                    None => format!("{loc} (format detected)"),
                }
            }
        },
        crate::model::Need::Files(p) => format!("project files {}", p.join(", ")),
        crate::model::Need::Document(p) => format!("project file {p}"),
        crate::model::Need::Documents(p) => format!("project files {}", p.join(", ")),
        crate::model::Need::Query { source, .. } => match config.sources.get(source) {
            None => format!("NOT CONFIGURED (add sources.{source} to gonogo.yaml)"),
            Some(source) => format!(
                "{} ({})",
                source
                    .location
                    .url()
                    .map(fetch::http::redact_url)
                    .unwrap_or_default(),
                source.kind.id().unwrap_or("?")
            ),
        },
    }
}

fn validate(args: &ConfigArgs) -> Result<u8, Failure> {
    let loaded = load(args)?;
    let mut summary = format!(
        "{}: valid ({} sources, {} waivers; pack {} with {} rules)\n",
        loaded.config.file.display(),
        loaded.config.sources.len(),
        loaded.config.waivers.len(),
        loaded.pack.pack.name,
        loaded.pack.rules.len()
    );
    if loaded.config.stage.is_some() {
        let stage = loaded.stage()?.clone();
        let plan = loaded.plan(&stage, jiff::ZonedDateTime::now().date())?;
        summary.push_str(&format!(
            "stage {} {}: {} rules apply\n",
            stage.number,
            stage.id,
            plan.rules.len()
        ));
        for need in plan.needs() {
            if let crate::model::Need::Source(name) = &need
                && !loaded.config.sources.contains_key(name)
            {
                summary.push_str(&format!(
                    "warning: rules at this stage read source `{name}`, which is not configured (they will be inconclusive)\n"
                ));
            }
        }
    }
    print(&summary);
    Ok(0)
}

fn schema(kind: SchemaKind) -> Result<u8, Failure> {
    let schema = match kind {
        SchemaKind::Config => schemars::schema_for!(crate::config::ConfigFile),
        SchemaKind::Rules => schemars::schema_for!(crate::rules::RuleFileSchema),
    };
    print(&format!(
        "{}\n",
        serde_json::to_string_pretty(&schema).unwrap_or_default()
    ));
    Ok(0)
}
