//! What every command that reads gonogo.yaml does first: load the file, the embedded packs and
//! the project's rule files, compile the pack, and settle the stage, the environment and the
//! variables.
//!
//! The command line and the environment (`--stage`/`GONOGO_STAGE`, `--environment`, `--pack`,
//! `--var`) may only tighten what gonogo.yaml declares: a later stage, `prod` over `nonprod`, the
//! same pack; a variable is judged like one written in the file (a loosening needs a waiver).
//! Each one applied is recorded for the verdict.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde_json::Value as Json;

use super::Failure;
use crate::cli::ConfigArgs;
use crate::config::{self, Config, Overrides};
use crate::diag::Diagnostics;
use crate::i18n::process_lang;
use crate::model::{AppliedOverride, EnvType, Stage, StageRef};
use crate::rules::{self, Catalog, LoadedFile, Plan};
use crate::t;
use crate::yaml::Span;

/// Largest configuration or rule file read.
pub(super) const MAX_CONFIG_BYTES: u64 = 8 * 1024 * 1024;

fn overrides(args: &ConfigArgs) -> Overrides {
    Overrides {
        // An empty value is no value: CI templates pass `GONOGO_STAGE: ""` when none is asked.
        stage: args.stage.clone().filter(|s| !s.trim().is_empty()),
        environment: args.environment.map(Into::into),
        pack: args.pack.clone().filter(|s| !s.trim().is_empty()),
        project: None,
        vars: args.vars.clone(),
    }
}

/// Everything a command needs before reading evidence.
pub struct Loaded {
    pub config: Config,
    pub pack: rules::load::CompiledPack,
    /// The stage to judge: the declared one, or a later one asked on the command line.
    stage: Option<Stage>,
    /// The environment to judge: the declared one, or `prod` asked on the command line.
    pub environment: EnvType,
    /// What the command line and the environment changed.
    pub overrides: Vec<AppliedOverride>,
    /// Where each variable set outside the pack was written.
    pub var_origins: BTreeMap<String, String>,
}

/// Loads gonogo.yaml, the embedded packs and the project's rule files, compiles the pack, and
/// applies the command line's values where they tighten.
pub fn load(args: &ConfigArgs, today: Date) -> Result<Loaded, Failure> {
    let config = config::load(&args.config, &overrides(args), today)?;
    load_with(config)
}

/// [`load`], or the default pack with its default variables when there is no gonogo.yaml at
/// the default path: reading rules needs no configuration. Says so on stderr.
pub(super) fn load_or_defaults(args: &ConfigArgs, today: Date) -> Result<Loaded, Failure> {
    if args.config.as_os_str() == config::DEFAULT_FILE && !args.config.exists() {
        super::eprint(&format!(
            "{}\n",
            t!(
                process_lang(),
                "note-no-config-explain",
                file = config::DEFAULT_FILE,
                pack = args.pack.as_deref().unwrap_or(crate::model::DEFAULT_PACK)
            )
        ));
        return load_with(Config::defaults(&args.config, &overrides(args)));
    }
    load(args, today)
}

fn load_with(config: Config) -> Result<Loaded, Failure> {
    let file = config.file.display().to_string();
    let mut diags = Diagnostics::default();
    let mut files = rules::embedded_files();
    for path in &config.rule_files {
        if let Some(name) = path
            .to_str()
            .and_then(|p| p.strip_prefix(crate::model::BUILTIN_PREFIX))
        {
            match rules::builtin_file(name) {
                Some(f) => files.push(f),
                None => diags.error(
                    &file,
                    Span { line: 1, column: 1 },
                    format!(
                        "rules: no built-in rule file `{name}`; the built-in ones are: {}",
                        rules::builtin_names()
                            .map(|n| format!("{}{n}", crate::model::BUILTIN_PREFIX))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
            continue;
        }
        match crate::read::text(path, MAX_CONFIG_BYTES) {
            Ok(text) => files.push(LoadedFile {
                name: path.display().to_string(),
                text,
            }),
            Err(e) => diags.error(
                &file,
                Span { line: 1, column: 1 },
                t!(
                    process_lang(),
                    "load-rule-file",
                    path = path.display().to_string(),
                    error = e.to_string()
                ),
            ),
        }
    }
    let mut applied = Vec::new();
    if let Some(p) = &config.overrides.pack
        && *p != config.pack
    {
        return Err(Failure::Usage(t!(
            process_lang(),
            "load-pack-override",
            asked = p.as_str(),
            file = file.as_str(),
            declared = config.pack.as_str()
        )));
    }
    let mut vars = config.vars.clone();
    let mut var_origins = config.var_origins.clone();
    for (k, v) in &config.overrides.vars {
        let before = vars.get(k).map(|b| b.to_string());
        vars.insert(k.clone(), Json::String(v.clone()));
        var_origins.insert(k.clone(), "--var".into());
        applied.push(AppliedOverride {
            what: format!("var {k}"),
            change: match before {
                Some(b) => format!("{b} → \"{v}\""),
                None => format!("set to \"{v}\""),
            },
            origin: "--var".into(),
            waiver: None,
        });
    }
    let catalog: Catalog = rules::load_catalog(&files, &mut diags);
    let Some(mut pack) = catalog.compile(&config.pack, &vars, &mut diags) else {
        let known: Vec<&str> = catalog.packs.keys().map(String::as_str).collect();
        diags.error_help(
            &file,
            Span { line: 1, column: 1 },
            t!(
                process_lang(),
                "load-unknown-pack",
                pack = config.pack.as_str()
            ),
            t!(process_lang(), "load-known-packs", list = known.join(", ")),
        );
        return Err(diags.into());
    };
    for (k, origin) in std::mem::take(&mut pack.var_origins) {
        var_origins.entry(k).or_insert(origin);
    }
    for w in &config.waivers {
        if !pack.rules.iter().any(|r| r.rule.id == w.rule) {
            let line = w
                .origin
                .rsplit(':')
                .next()
                .and_then(|l| l.parse().ok())
                .unwrap_or(1);
            let msg = t!(
                process_lang(),
                "load-waiver-unknown-rule",
                rule = w.rule.as_str()
            );
            match crate::diag::did_you_mean(&w.rule, pack.rules.iter().map(|r| r.rule.id.as_str()))
            {
                Some(s) => diags.error_help(
                    &file,
                    Span { line, column: 1 },
                    msg,
                    crate::diag::did_you_mean_text(&s),
                ),
                None => diags.error(&file, Span { line, column: 1 }, msg),
            }
        }
    }
    if !diags.is_empty() {
        return Err(diags.into());
    }
    let stage = settle_stage(&config, &pack.pack.stages, &mut applied)?;
    let environment = match config.overrides.environment {
        None => config.environment,
        Some(e) if e == config.environment => e,
        Some(EnvType::Prod) => {
            applied.push(AppliedOverride {
                what: "environment".into(),
                change: "nonprod → prod".into(),
                origin: "--environment/GONOGO_ENVIRONMENT".into(),
                waiver: None,
            });
            EnvType::Prod
        }
        Some(EnvType::Nonprod) => {
            return Err(Failure::Usage(t!(
                process_lang(),
                "load-environment-loosened",
                file = file.as_str()
            )));
        }
    };
    Ok(Loaded {
        config,
        pack,
        stage,
        environment,
        overrides: applied,
        var_origins,
    })
}

/// The stage to judge: the declared one, or a later one from the command line.
fn settle_stage(
    config: &Config,
    stages: &[Stage],
    applied: &mut Vec<AppliedOverride>,
) -> Result<Option<Stage>, Failure> {
    let file = config.file.display().to_string();
    let resolve_declared = |r: &StageRef| -> Result<Stage, Failure> {
        r.resolve(stages).cloned().map_err(|e| {
            let mut diags = Diagnostics::default();
            if let Ok(text) = crate::read::text(&config.file, MAX_CONFIG_BYTES) {
                diags.add_source(&file, &text);
            }
            let span = config.stage_span.unwrap_or(Span { line: 1, column: 1 });
            diags.error(&file, span, e);
            Failure::Config(diags)
        })
    };
    let declared = config.stage.as_ref().map(resolve_declared).transpose()?;
    let Some(asked) = &config.overrides.stage else {
        return Ok(declared);
    };
    let asked_ref = match asked.parse::<u32>() {
        Ok(n) => StageRef::Number(n),
        Err(_) => StageRef::Name(asked.clone()),
    };
    let asked = asked_ref
        .resolve(stages)
        .cloned()
        .map_err(|e| Failure::Usage(format!("--stage/GONOGO_STAGE: {e}")))?;
    let lang = process_lang();
    match declared {
        Some(d) if asked.number < d.number => Err(Failure::Usage(t!(
            lang,
            "load-stage-lowered",
            asked = format!("{} {}", asked.number, asked.id),
            file = file.as_str(),
            declared = format!("{} {}", d.number, d.id)
        ))),
        Some(d) if asked.number == d.number => Ok(Some(d)),
        declared => {
            applied.push(AppliedOverride {
                what: "stage".into(),
                change: match &declared {
                    Some(d) => format!("{} {} → {} {}", d.number, d.id, asked.number, asked.id),
                    None => format!("(not declared) → {} {}", asked.number, asked.id),
                },
                origin: "--stage/GONOGO_STAGE".into(),
                waiver: None,
            });
            Ok(Some(asked))
        }
    }
}

impl Loaded {
    /// The stage to judge, or an error pointing at gonogo.yaml when there is none.
    pub fn stage(&self) -> Result<&Stage, Failure> {
        self.stage.as_ref().ok_or_else(|| {
            let file = self.config.file.display().to_string();
            let mut diags = Diagnostics::default();
            if let Ok(text) = crate::read::text(&self.config.file, MAX_CONFIG_BYTES) {
                diags.add_source(&file, &text);
            }
            diags.error_help(
                &file,
                Span { line: 1, column: 1 },
                t!(process_lang(), "load-no-stage"),
                t!(process_lang(), "load-no-stage-help"),
            );
            diags.into()
        })
    }

    /// Whether a stage is known (declared or asked).
    pub fn has_stage(&self) -> bool {
        self.stage.is_some()
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
            self.environment,
            &self.config.waivers,
            today,
            &self.var_origins,
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
pub(super) fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}
