//! The `licet` command line: minting, inspecting and verifying licet
//! licenses, and the issuer's ledger. The binary is `src/main.rs`; this
//! library exists so benchmarks and fuzz targets can reach the same code.

pub mod builtin;
pub mod cli;
pub mod cmd;
pub mod describe;
pub mod error;
pub mod files;
pub mod json;
pub mod ledger;
pub mod mint;
pub mod minter;
pub mod output;
pub mod plans;
pub mod request;
pub mod time;

use clap::{CommandFactory, Parser};
use cli::{Cli, Command, KeyCommand};
use error::{EXIT_USAGE, Result};
use std::io::Write;
use std::process::ExitCode;

/// Runs one parsed command line; returns the exit code.
pub fn dispatch(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    match &cli.command {
        Command::Key(KeyCommand::Generate(a)) => cmd::key::generate(a, out, err).map(|()| 0),
        Command::Key(KeyCommand::Export(a)) => cmd::key::export(a, out).map(|()| 0),
        Command::Issue(a) => {
            let (now, plan) = cmd::issue::now_and_plan(a)?;
            match &a.batch {
                Some(rows) => {
                    cmd::batch::run(a, rows, plan.as_ref(), cli.ledger.as_deref(), now, out)
                }
                None => cmd::issue::run(a, plan.as_ref(), now, cli.ledger.as_deref(), out),
            }
            .map(|()| 0)
        }
        Command::Usage(a) => cmd::usage::run(a, cli.ledger.as_deref(), out),
        Command::Remind(a) => cmd::remind::run(a, cli.ledger.as_deref(), out),
        Command::Revoke(a) => cmd::revoke::run(a, cli.ledger.as_deref(), out),
        Command::Ledger(cli::LedgerCommand::Init(a)) => {
            cmd::ledger::init(a, cli.ledger.as_deref(), out)
        }
        Command::Ledger(cli::LedgerCommand::Import(a)) => {
            cmd::ledger::import(a, cli.ledger.as_deref(), out, err)
        }
        Command::Ledger(cli::LedgerCommand::List(a)) => {
            cmd::list::run(a, cli.ledger.as_deref(), out)
        }
        Command::Plans(a) => cmd::plans::run(a, out),
        Command::Inspect(a) => cmd::inspect::run(a, cli.ledger.as_deref(), out),
        Command::Verify(a) => cmd::verify::run(a, out, err),
        Command::Demo(a) => cmd::demo::run(a, out, err).map(|()| 0),
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "licet", out);
            Ok(0)
        }
        Command::Man(a) => cmd::man::run(a, out),
    }
}

/// Parses the process's arguments, runs the command, prints errors, and
/// returns the exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let mut out = stdout.lock();
    let mut err = stderr.lock();
    let result = dispatch(&cli, &mut out, &mut err).and_then(|code| {
        out.flush()?;
        Ok(code)
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            if cli.wants_json() {
                let _ = json::print(
                    &mut out,
                    &json::ErrorDoc {
                        version: json::VERSION,
                        error: describe::error_object(
                            e.class(),
                            &e.message(),
                            &e.hint(),
                            None,
                            None,
                        ),
                    },
                );
            }
            let _ = out.flush();
            let _ = writeln!(err, "error: {}", e.message());
            let _ = writeln!(err, "hint: {}", e.hint());
            ExitCode::from(e.code())
        }
    }
}
