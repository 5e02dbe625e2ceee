//! The `pushgate` binary: parse the command line, pick where output goes and how it looks,
//! run one of the library's [`commands`](pushgate::commands), and exit with its status (0 pass,
//! 1 failing findings, 2 usage or policy error, 3 repository or internal error).

mod cli;
mod man;
mod output;
mod progress;

use std::io::{self, Write};
use std::process::ExitCode;

use pushgate::commands::{self, Status};
use pushgate::{Error, hook};

use cli::{Cli, Command, PolicyAction, ReaderArg};
use output::Output;
use progress::Bars;

fn main() -> ExitCode {
    let result = cli::parse().map_err(Error::Usage).and_then(run);
    match result {
        Ok(status) => ExitCode::from(status.code()),
        Err(err) if err.is_broken_pipe() => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(io::stderr().lock(), "pushgate: error: {}", err.chain());
            ExitCode::from(err.exit_code())
        }
    }
}

fn run(cli: Cli) -> Result<Status, Error> {
    let (common, context) = (&cli.common, cli.common.context());
    let mut out = Output::new(common);
    let report = common.report(out.color(common), out.width());
    let err = &mut io::stderr();
    let status = match cli.command {
        Command::Scan(args) => {
            let (repo, policy) = context.open_with_policy()?;
            let progress = Bars::new(common.progress);
            commands::scan::scan(&repo, &policy, args.options(report), &progress, &mut out, err)?
        }
        Command::Audit(args) => {
            let (repo, policy) = context.open_with_policy()?;
            let progress = Bars::new(common.progress);
            commands::audit::audit(&repo, &policy, args.options(report), &progress, &mut out, err)?
        }
        Command::PreReceive { baseline } => {
            let env = hook::HookEnv::from_process();
            commands::hooks::pre_receive(&context, baseline, env, &mut io::stdin(), err)?
        }
        Command::PrePush { remote, baseline, .. } => {
            let (repo, policy) = context.open_with_policy()?;
            let color = output::stderr_color(common);
            let options = commands::hooks::PrePush {
                remote,
                baseline,
                color,
            };
            commands::hooks::pre_push(&repo, &policy, options, &mut io::stdin(), err)?
        }
        Command::PreCommit { baseline } => {
            let (repo, policy) = context.open_with_policy()?;
            commands::hooks::pre_commit(&repo, &policy, baseline, &report, &mut out, err)?
        }
        Command::Install(args) => {
            let binary = std::env::current_exe().map_err(|source| Error::File {
                what: "cannot locate the pushgate binary".into(),
                source,
            })?;
            commands::install::install(&context, args.options(binary), &mut out)?
        }
        Command::Uninstall { hook, hooks_dir } => {
            commands::install::uninstall(&context, hook.into(), hooks_dir.as_deref(), &mut out)?
        }
        Command::Policy { action } => match action {
            PolicyAction::Check { file, reader } => {
                let server = ReaderArg::server(reader);
                commands::policy::check(&context, file.as_deref(), server, report.format, &mut out)?
            }
            PolicyAction::Show { reader } => {
                commands::policy::show(&context, ReaderArg::server(reader), report.format, &mut out)?
            }
        },
        Command::Init { force, reader } => {
            commands::policy::init(&context, force, ReaderArg::server(reader), &mut out, err)?
        }
        Command::Explain { rule } => commands::explain::explain(&context, rule.as_deref(), &mut out)?,
        Command::Completions { shell } => {
            man::completions(shell, &mut out);
            Status::Pass
        }
        Command::Man { command } => {
            man::man(command.as_deref(), &mut out)?;
            Status::Pass
        }
    };
    out.flush()?;
    Ok(status)
}
