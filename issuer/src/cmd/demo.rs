//! `licet demo`: a whole example hierarchy, built with the same code paths
//! as the commands, each command printed so it can be repeated by hand.

use crate::cli::{Cli, Command, DemoArgs};
use crate::error::{CliError, Result, io_error};
use crate::output::safe;
use clap::Parser;
use std::io::Write;
use std::path::PathBuf;

const VENDOR: &str = "acme";
const DIST: &str = "acme/dist-7";
const DEALER: &str = "acme/dist-7/dealer-3";
const COMPLEX: &str = "acme/dist-7/dealer-3/complex-12";
const BUILDING: &str = "acme/dist-7/dealer-3/complex-12/bldg-2";
const OTHER_BUILDING: &str = "acme/dist-7/dealer-3/complex-13/bldg-1";
/// The Basic entitlement the demo's panel firmware carries.
const BUILTIN_BASIC: &str =
    "quotas = { sip_numbers = 1, app_installs = 2 }\nfeatures = [\"video\"]\n";

pub fn run(args: &DemoArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    let dir: PathBuf = match &args.dir {
        Some(d) => {
            std::fs::create_dir_all(d).map_err(|e| io_error(d, "create", &e))?;
            d.clone()
        }
        None => tempfile::Builder::new()
            .prefix("licet-demo-")
            .tempdir()
            .map_err(|e| {
                CliError::usage(
                    format!("cannot create a temporary folder: {e}"),
                    "pass --dir D",
                )
            })?
            .keep(),
    };
    let dir = std::fs::canonicalize(&dir).map_err(|e| io_error(&dir, "find", &e))?;
    let shown = safe(&dir.display().to_string());
    std::env::set_current_dir(&dir).map_err(|e| io_error(&dir, "enter", &e))?;
    if dir.join("ledger.sqlite").exists() {
        return Err(CliError::usage(
            format!("{shown} already holds a demo (ledger.sqlite)"),
            "pass an empty folder with --dir, or leave --dir out for a new temporary one",
        ));
    }
    for f in ["vendor", "dist", "dealer", "complex"] {
        for ext in ["key", "pub"] {
            let p = dir.join(format!("{f}.{ext}"));
            if p.exists() {
                return Err(CliError::usage(
                    format!("{shown} already holds a demo ({f}.{ext})"),
                    "pass an empty folder with --dir, or leave --dir out for a new temporary one",
                ));
            }
        }
    }
    writeln!(
        out,
        "# licet demo: vendor -> distributor -> dealer -> complex -> building"
    )?;
    writeln!(
        out,
        "# Every command below can be run by hand from this folder."
    )?;
    writeln!(
        out,
        "# Demo keys are unencrypted; real keys get a passphrase (drop --unencrypted)."
    )?;
    writeln!(out, "cd {shown}")?;
    writeln!(
        out,
        "export LICET_LEDGER=$PWD/ledger.sqlite   # every license minted is recorded here\n"
    )?;

    let basic_file = dir.join("firmware-basic.toml");
    std::fs::write(&basic_file, BUILTIN_BASIC).map_err(|e| io_error(&basic_file, "write", &e))?;
    let mut step = |comment: &str, cmd: &str, expect: u8| -> Result<()> {
        writeln!(out, "# {comment}")?;
        writeln!(out, "$ licet {cmd}")?;
        let argv = std::iter::once("licet").chain(cmd.split_whitespace());
        let mut cli = Cli::try_parse_from(argv).map_err(|e| {
            CliError::usage(
                format!("demo command failed to parse: {e}"),
                "report this as a bug",
            )
        })?;
        // The same ledger the printed `export LICET_LEDGER=…` names.
        cli.ledger = Some(dir.join("ledger.sqlite"));
        if matches!(cli.command, Command::Demo(_)) {
            return Err(CliError::usage(
                "demo cannot run itself",
                "report this as a bug",
            ));
        }
        let code = match crate::dispatch(&cli, out, err) {
            Ok(code) => code,
            // A refusal the demo means to show: print it like the CLI does.
            Err(e) if expect != 0 && e.code() == expect => {
                writeln!(out, "error: {}", e.message())?;
                e.code()
            }
            Err(e) => return Err(e),
        };
        if code != expect {
            return Err(CliError::usage(
                format!("demo step `licet {cmd}` exited {code}, expected {expect}"),
                "report this as a bug",
            ));
        }
        if expect != 0 {
            writeln!(out, "(exit {code}: rejected, as it should be)")?;
        }
        writeln!(out)?;
        Ok(())
    };

    step(
        "the ledger: every license minted is recorded here (created once)",
        "ledger init",
        0,
    )?;
    for who in ["vendor", "dist", "dealer", "complex"] {
        step(
            &format!("a key pair for the {who}"),
            &format!("key generate --out {who} --unencrypted"),
            0,
        )?;
    }
    step(
        "the vendor licenses distributor 7 and lets it mint four more levels",
        &format!(
            "issue --key vendor.key --subject {DIST} --issuer {VENDOR} --delegate dist.pub --tier plus --quota sip_numbers=1000 --quota app_installs=5000 --quota integrations=50 --feature video --feature door_api --feature remote_open --feature advanced_integrations --role concierge=guest_passes,parcel_log --role technical_manager=diagnostics --expires +3y --max-depth 4 --out dist.lic"
        ),
        0,
    )?;
    step(
        "the distributor licenses dealer 3 with a share of its quotas",
        &format!(
            "issue --key dist.key --parent dist.lic --subject {DEALER} --delegate dealer.pub --quota sip_numbers=200 --quota app_installs=800 --quota integrations=10 --expires +2y --out dealer.lic"
        ),
        0,
    )?;
    step(
        "the dealer licenses residential complex 12, without advanced integrations",
        &format!(
            "issue --key dealer.key --parent dealer.lic --subject {COMPLEX} --delegate complex.pub --quota sip_numbers=40 --quota app_installs=120 --quota integrations=0 --feature video --feature door_api --feature remote_open --expires +1y --out complex.lic"
        ),
        0,
    )?;
    step(
        "the complex licenses building 2 (a leaf: it cannot mint further)",
        &format!(
            "issue --key complex.key --parent complex.lic --subject {BUILDING} --quota sip_numbers=10 --quota app_installs=30 --out bldg-2.lic"
        ),
        0,
    )?;
    step(
        "what the building's license says (support staff view)",
        &format!("inspect bldg-2.lic --trust vendor.pub --group {BUILDING}"),
        0,
    )?;
    step(
        "the building's panel verifies its license",
        &format!("verify bldg-2.lic --trust vendor.pub --group {BUILDING}"),
        0,
    )?;
    step(
        "a panel in another complex gets nothing from it: licenses cannot move",
        &format!("verify bldg-2.lic --trust vendor.pub --group {OTHER_BUILDING}"),
        1,
    )?;
    step(
        "the dealer's own file licenses no panel: a license that delegates bounds a subtree",
        &format!("verify dealer.lic --trust vendor.pub --group {BUILDING}"),
        1,
    )?;
    step(
        &format!(
            "in 400 days the chain above the building has ended: the panel still runs the Basic\n# its firmware carries (firmware-basic.toml: {})",
            BUILTIN_BASIC.trim().replace('\n', "; ")
        ),
        &format!(
            "verify bldg-2.lic --builtin-basic firmware-basic.toml --trust vendor.pub --group {BUILDING} --at +400d"
        ),
        0,
    )?;
    step(
        "what the dealer holds and has handed out (from the ledger)",
        &format!("usage {DEALER}"),
        0,
    )?;
    step(
        "the dealer cannot hand out more than it holds: refused before signing",
        &format!(
            "issue --key dealer.key --parent dealer.lic --subject {DEALER}/complex-14 --quota sip_numbers=500 --out too-much.lic"
        ),
        1,
    )?;
    step(
        "nor more than it has left: 160 SIP numbers remain after complex 12's 40",
        &format!(
            "issue --key dealer.key --parent dealer.lic --subject {DEALER}/complex-14 --quota sip_numbers=170 --quota app_installs=10 --quota integrations=0 --out complex-14.lic"
        ),
        1,
    )?;
    writeln!(out, "# done: the files are in {shown}")?;
    Ok(())
}
