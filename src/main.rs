use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = gonogo::cli::Cli::parse();
    gonogo::app::init_tracing(cli.verbose);
    ExitCode::from(gonogo::app::run(cli))
}
