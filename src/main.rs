use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: joubun::allocator::Allocator = joubun::allocator::Allocator;

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
