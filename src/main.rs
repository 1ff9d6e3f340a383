use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = joubun::cli::Cli::parse();
    match joubun::commands::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            eprintln!("joubun: {err}");
            ExitCode::from(2)
        }
    }
}
