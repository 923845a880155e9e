use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match gonogo::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // Help and version are answers, not errors; a usage error is exit 4 by contract (clap
            // would say 2, which means "warnings under --strict" here).
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => gonogo::eval::Exit::Usage.into(),
            };
        }
    };
    gonogo::app::init_tracing(cli.verbose);
    gonogo::app::run(cli).into()
}
