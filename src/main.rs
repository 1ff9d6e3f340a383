use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: joubun::allocator::Allocator = joubun::allocator::Allocator;

fn main() -> ExitCode {
    let cli = joubun::cli::Cli::from_env();
    match joubun::commands::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            eprintln!("joubun: {err}");
            ExitCode::from(2)
        }
    }
}
