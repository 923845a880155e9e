//! What every command that reads gonogo.yaml does first: load the file, the embedded packs and
//! the project's rule files, compile the pack, and resolve the stage and the plan.

use jiff::civil::Date;

use super::Failure;
use crate::cli::ConfigArgs;
use crate::config::{self, Config, Overrides};
use crate::diag::Diagnostics;
use crate::model::Stage;
use crate::rules::{self, Catalog, LoadedFile, Plan};
use crate::yaml::Span;

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

    /// The stage after `stage` in the pack, if any.
    pub fn next_stage(&self, stage: &Stage) -> Option<Stage> {
        self.pack
            .pack
            .stages
            .iter()
            .filter(|s| s.number > stage.number)
            .min_by_key(|s| s.number)
            .cloned()
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

/// Today, as the evaluation date.
pub(super) fn today(arg: Option<&str>) -> Result<Date, Failure> {
    match arg {
        Some(s) => s
            .parse::<Date>()
            .map_err(|e| Failure::Usage(format!("--today `{s}` is not a YYYY-MM-DD date: {e}"))),
        None => Ok(jiff::ZonedDateTime::now().date()),
    }
}
