//! The commands: each turns CLI arguments into a report on stdout and an [`Exit`].
//!
//! This is the only layer that prints (stdout for reports, stderr for errors and diagnostics)
//! and the only one that chooses an exit code; everything below returns values. One file per
//! command; this one only dispatches and owns what every command shares: how a failure is shown,
//! how text reaches stdout, how a file is written.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)]

mod baseline;
mod check;
mod explain;
mod init;
mod inspect;
mod load;
mod patch;
mod progress;
mod publish;
mod rules;
mod schema;
mod validate;

use std::io::Write as _;
use std::path::Path;

pub use load::{Loaded, load};

use crate::cli::{Cli, Command};
use crate::diag::Diagnostics;
use crate::eval::Exit;
use crate::i18n::Lang;

/// What the global flags ask of every command's output.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ui {
    /// `--lang`, else the locale's language.
    pub lang: Lang,
    /// `-v` or more.
    pub verbose: bool,
}

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
        .with_writer(|| ScrubbedStderr)
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        )
        .with_target(false)
        .without_time()
        .try_init();
}

/// Log lines on their way to stderr, scrubbed of secrets.
struct ScrubbedStderr;

impl std::io::Write for ScrubbedStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        std::io::stderr().write_all(crate::secrets::scrub(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// A command failure: what to print on stderr. Every failure exits 4: nothing was judged.
#[derive(Debug)]
pub enum Failure {
    /// gonogo.yaml or a rule file is wrong; the diagnostics point into it.
    Config(Diagnostics),
    /// The command line is wrong (a bad flag value, an unknown kind).
    Usage(String),
    /// A file could not be read or written, or the runtime could not start.
    Io(String),
}

impl Failure {
    /// The failure in one line, for CI outputs.
    fn summary(&self) -> String {
        match self {
            Failure::Config(d) => d
                .items
                .first()
                .map_or_else(|| "configuration error".to_string(), |i| i.message.clone()),
            Failure::Usage(m) | Failure::Io(m) => m.clone(),
        }
    }
}

impl From<Diagnostics> for Failure {
    fn from(d: Diagnostics) -> Self {
        Failure::Config(d)
    }
}

/// Runs the command and returns its exit code.
pub fn run(cli: Cli) -> Exit {
    let lang = cli
        .lang
        .unwrap_or_else(|| Lang::from_locale(|k| std::env::var(k).ok()));
    crate::i18n::set_process_lang(lang);
    let ui = Ui {
        lang,
        verbose: cli.verbose > 0,
    };
    let result = match cli.command {
        Command::Check(args) => check::check(&args, ui).inspect_err(|f| check::on_error(&args, f)),
        Command::Explain(args) => explain::explain(&args),
        Command::Validate(args) => validate::validate(&args),
        Command::Rules(args) => rules::rules(&args),
        Command::Init(args) => init::init(&args),
        Command::Schema(args) => schema::schema(args.kind),
        Command::Inspect(args) => inspect::inspect(&args),
        Command::Publish(args) => publish::publish(&args).inspect_err(publish::on_error),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            eprint(&match failure {
                Failure::Config(d) => format!("{}\n", d.render()),
                Failure::Usage(msg) | Failure::Io(msg) => {
                    format!("{} {msg}\n", crate::t!(lang, "diag-error"))
                }
            });
            Exit::Usage
        }
    }
}

/// Writes to stdout: every byte gonogo prints goes through the secrets scrubber.
fn print(text: &str) {
    let mut out = anstream::stdout();
    let _ = out.write_all(crate::secrets::scrub(text).as_bytes());
    let _ = out.flush();
}

/// Writes to stderr, scrubbed.
fn eprint(text: &str) {
    let mut err = anstream::stderr();
    let _ = err.write_all(crate::secrets::scrub(text).as_bytes());
    let _ = err.flush();
}

fn write_file(path: &Path, text: &str) -> Result<(), Failure> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::Io(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, crate::secrets::scrub(text).as_bytes())
        .map_err(|e| Failure::Io(format!("cannot write {}: {e}", path.display())))
}

fn runtime(threads: usize) -> Result<tokio::runtime::Runtime, Failure> {
    let mut builder = if threads > 1 {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(threads);
        b
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    builder
        .enable_all()
        .build()
        .map_err(|e| Failure::Io(format!("cannot start the async runtime: {e}")))
}
