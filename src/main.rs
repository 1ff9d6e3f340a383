use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: joubun::allocator::Allocator = joubun::allocator::Allocator;

fn main() -> ExitCode {
    let cli = joubun::cli::Cli::from_env();
    match joubun::commands::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        // A reader that stops early (`| head`) is not an error, as in ripgrep.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("joubun: {err}");
            ExitCode::from(2)
        }
    }
}

/// Whether a closed pipe is anywhere in `err`'s chain of causes, however it was wrapped (an
/// `io::Error` made from another error hides that error from the chain: it is looked into too).
fn is_broken_pipe(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(err);
    while let Some(err) = cause {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return true;
            }
            if let Some(inner) = io.get_ref()
                && is_broken_pipe(inner)
            {
                return true;
            }
        }
        cause = err.source();
    }
    false
}
