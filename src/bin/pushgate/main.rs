//! The `pushgate` binary: parse the command line, pick where output goes and how it looks,
//! run one of the library's [`commands`](pushgate::commands), and exit with its status (0 pass,
//! 1 failing findings, 2 usage or policy error, 3 repository or internal error).
//!
//! - `cli`: the command line (clap), and which library command each subcommand runs;
//! - `output`: standard output or `--output FILE`, colours and width;
//! - `progress`: progress bars on standard error;
//! - `man`: manual pages and completion scripts;
//! - `allocator`: the memory allocator's settings for whole-history walks.

mod allocator;
mod cli;
mod man;
mod output;
mod progress;

use std::io::{self, Write};
use std::process::ExitCode;

use pushgate::Error;
use pushgate::commands::Status;

use cli::{Cli, Session};
use output::Output;

fn main() -> ExitCode {
    let parsed = cli::parse().map_err(Error::Usage).inspect(|cli| {
        if cli.command.walks_whole_history() {
            allocator::tune();
        }
    });
    match parsed.and_then(run) {
        Ok(status) => ExitCode::from(status.code()),
        // `pushgate … | head`: the reader has seen enough.
        Err(err) if err.is_broken_pipe() => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(io::stderr().lock(), "pushgate: error: {}", err.chain());
            ExitCode::from(err.exit_code())
        }
    }
}

fn run(cli: Cli) -> Result<Status, Error> {
    let Cli { command, common } = cli;
    let out = Output::new(&common);
    let report = common.report(out.color(&common), out.width());
    let mut session = Session {
        common: &common,
        context: common.context(),
        out,
        report,
        err: io::stderr(),
    };
    let status = command.run(&mut session)?;
    session.out.flush()?;
    Ok(status)
}
