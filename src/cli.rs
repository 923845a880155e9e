//! Command-line types (clap). Values given here and in `GONOGO_*` variables win over gonogo.yaml.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::eval::Exit;
use crate::i18n::Lang;
use crate::model::EnvType;
use crate::report::ReportFormat;

#[derive(Debug, Parser)]
#[command(
    name = "gonogo",
    version,
    about = "A go/no-go gate for CI/CD pipelines: evidence in, GO or NO-GO out."
)]
#[command(after_help = Exit::HELP)]
pub struct Cli {
    /// More diagnostics on stderr (-v info, -vv debug), and `check` shows every rule in full
    /// instead of grouping rules that share a cause; RUST_LOG works too.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// The language of reports and messages: fr or en (default: from LC_ALL, LC_MESSAGES or
    /// LANG; English unless the locale is French).
    #[arg(long, global = true, env = "GONOGO_LANG", value_parser = parse_lang)]
    pub lang: Option<Lang>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the evidence the stage needs, evaluate its rules, print the verdict (the gate).
    #[command(args_override_self = true)]
    Check(CheckArgs),
    /// List the rules that apply at a stage and the evidence each needs, without reading any.
    Explain(ExplainArgs),
    /// Validate gonogo.yaml and the rule files it names.
    Validate(ConfigArgs),
    /// Show the embedded rule packs (`--format markdown` writes the rule reference).
    Rules(RulesArgs),
    /// Write a commented gonogo.yaml, detecting the report files already in the project.
    Init(InitArgs),
    /// Print the JSON Schema of gonogo.yaml or of rule files, for editors.
    Schema(SchemaArgs),
    /// Parse one report and print what gonogo read from it.
    Inspect(InspectArgs),
    /// Publish a JSON verdict (from `check --output`): GitHub check run, pull-request comment and
    /// step summary, or GitLab merge-request note and commit status.
    Publish(PublishArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// The configuration file.
    #[arg(short, long, env = "GONOGO_CONFIG", default_value = "gonogo.yaml")]
    pub config: PathBuf,
    /// The stage, by number or name (overrides `stage:`).
    #[arg(short, long, env = "GONOGO_STAGE")]
    pub stage: Option<String>,
    /// The environment type (overrides `environment:`).
    #[arg(short, long, env = "GONOGO_ENVIRONMENT", value_enum)]
    pub environment: Option<EnvArg>,
    /// The rule pack (overrides `pack:`).
    #[arg(long, env = "GONOGO_PACK")]
    pub pack: Option<String>,
    /// A rule variable, `name=value` (repeatable; overrides `vars:`).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EnvArg {
    Nonprod,
    Prod,
}

impl From<EnvArg> for EnvType {
    fn from(e: EnvArg) -> Self {
        match e {
            EnvArg::Nonprod => EnvType::Nonprod,
            EnvArg::Prod => EnvType::Prod,
        }
    }
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("`{s}` is not NAME=VALUE"))
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Report format on stdout: human, json, markdown, junit, codequality, sarif, dotenv, html,
    /// intoto, intoto-predicate.
    #[arg(short, long, default_value = "human", value_parser = parse_report_format)]
    pub format: ReportFormat,
    /// Also write the JSON verdict to this file.
    #[arg(short, long, env = "GONOGO_OUTPUT")]
    pub output: Option<PathBuf>,
    /// Also write a report to a file, `FORMAT=PATH` (repeatable): json, markdown, junit,
    /// codequality, sarif, dotenv, human, html (one self-contained page), intoto (an in-toto
    /// statement about the --subject images), intoto-predicate (its predicate alone, for
    /// `cosign attest`).
    #[arg(long = "report", value_name = "FORMAT=PATH", value_parser = parse_report)]
    pub reports: Vec<ReportArg>,
    /// An image the in-toto statement is about, `NAME@sha256:HEX` (repeatable; replaces
    /// `attestation.subjects` of gonogo.yaml).
    #[arg(long = "subject", value_name = "NAME@sha256:HEX", value_parser = crate::config::Subject::parse)]
    pub subjects: Vec<crate::config::Subject>,
    /// Publish the verdict to the CI platform's API (GitHub check run and PR comment, GitLab MR
    /// note and commit status); tokens come from the environment.
    #[arg(long, env = "GONOGO_PUBLISH")]
    pub publish: bool,
    /// Warnings fail the gate (exit 2).
    #[arg(long, env = "GONOGO_STRICT")]
    pub strict: bool,
    /// Compare with an earlier JSON verdict (the default branch's last gate): rules may then use
    /// `<metric>_delta`, `new_failed`, `still_failed`, `fixed`, `new_total`, `new_<severity>`.
    /// Replaces `baseline:` of gonogo.yaml.
    #[arg(long, value_name = "PATH", env = "GONOGO_BASELINE")]
    pub baseline: Option<PathBuf>,
    /// Measure patch coverage (`patch_line_percent`, `patch_lines_total`, `patch_lines_covered`)
    /// on the lines this unified diff adds or changes; `-` reads it from stdin.
    #[arg(long, value_name = "PATH", env = "GONOGO_DIFF")]
    pub diff: Option<PathBuf>,
    /// Measure patch coverage on `git diff --relative REF...HEAD`, run in the project root.
    /// Without --diff or --diff-base, CI_MERGE_REQUEST_DIFF_BASE_SHA (GitLab) or GITHUB_BASE_REF
    /// (GitHub, as origin/<ref>) is used when set.
    #[arg(
        long,
        value_name = "REF",
        env = "GONOGO_DIFF_BASE",
        conflicts_with = "diff"
    )]
    pub diff_base: Option<String>,
    /// Evaluate file evidence only: rules that need a live system (an API, a URL) are listed as
    /// not evaluated, and the verdict says OFFLINE (it cannot be published).
    #[arg(long, env = "GONOGO_OFFLINE")]
    pub offline: bool,
    /// Also preview the next stage (non-blocking).
    #[arg(long)]
    pub next: bool,
    /// Overall deadline for reading all evidence.
    #[arg(long, default_value = "5m")]
    pub deadline: String,
}

/// `--report FORMAT=PATH`.
#[derive(Debug, Clone)]
pub struct ReportArg {
    pub format: ReportFormat,
    pub path: PathBuf,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
}

fn parse_report_format(s: &str) -> Result<ReportFormat, String> {
    ReportFormat::from_name(s.trim()).ok_or_else(|| {
        let known: Vec<&str> = ReportFormat::ALL.iter().map(|f| f.name()).collect();
        format!("unknown report format `{s}` (known: {})", known.join(", "))
    })
}

fn parse_report(s: &str) -> Result<ReportArg, String> {
    let (format, path) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not FORMAT=PATH"))?;
    let format = parse_report_format(format)?;
    if path.is_empty() {
        return Err(format!("`{s}` has no path"));
    }
    Ok(ReportArg {
        format,
        path: PathBuf::from(path),
    })
}

/// The output of `explain` and `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[arg(short, long, value_enum, default_value = "human")]
    pub format: OutputFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RulesFormat {
    Human,
    Markdown,
    /// The compact table the README embeds.
    Summary,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(short, long, value_enum, default_value = "human")]
    pub format: RulesFormat,
    /// With `--format markdown`: write one page per rule and an index into this directory.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project directory to scan and write gonogo.yaml into.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The stage to declare, by number or name. Without it, init proposes one from what the
    /// project has (reports, Dockerfiles, charts, manifests, the DSO pipeline file, a project
    /// plan) and says why; on a project that has a gonogo.yaml, the stage it declares.
    #[arg(short, long)]
    pub stage: Option<String>,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    Config,
    Rules,
    /// The onboarding answers file the default pack's `yaml-fields` rules read.
    Answers,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    #[arg(value_enum, default_value = "config")]
    pub kind: SchemaKind,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The report file.
    pub path: PathBuf,
    /// Its format (detected from the content when absent).
    #[arg(short, long)]
    pub kind: Option<String>,
    #[arg(short, long, value_enum, default_value = "human")]
    pub format: OutputFormat,
}

/// `gonogo publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The JSON verdict written by `gonogo check --output`.
    pub verdict: PathBuf,
    /// Publish to GitHub: check run, pull-request comment, step summary (the default under
    /// GitHub Actions).
    #[arg(long)]
    pub github: bool,
    /// Publish to GitLab: merge-request note, commit status (the default under GitLab CI).
    #[arg(long)]
    pub gitlab: bool,
    /// The pull or merge request number (default: from the CI environment or event).
    #[arg(long, env = "GONOGO_PR")]
    pub pr: Option<u64>,
    /// The commit to report on (default: from the CI environment or event).
    #[arg(long, env = "GONOGO_SHA")]
    pub sha: Option<String>,
    /// Warnings count as failure in the check run / commit status.
    #[arg(long, env = "GONOGO_STRICT")]
    pub strict: bool,
    /// Skip the check run (GitHub) or commit status (GitLab).
    #[arg(long)]
    pub no_status: bool,
    /// Skip the pull-request comment (GitHub) or merge-request note (GitLab).
    #[arg(long)]
    pub no_comment: bool,
}
