//! `licet man`: licet(1) on standard output, or a page for every
//! subcommand (licet-issue(1), licet-ledger-list(1), …) written to a folder.
//! Each page has clap's sections plus EXIT STATUS, ENVIRONMENT, FILES and
//! SEE ALSO, which say what `--help` cannot (docs/CLI.md says the same).

use crate::cli::{Cli, ManArgs};
use crate::error::{Result, io_error};
use clap::CommandFactory;
use clap_mangen::Man;
use std::io::Write;

const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success; for \fBverify\fR and \fBinspect\fR: the license is valid, no problem was found.
.TP
\fB1\fR
A license was rejected (\fBverify\fR), problems were found (\fBinspect\fR, \fBusage\fR, \fBledger import\fR), or \fBissue\fR refused to mint because a limit would be exceeded.
.TP
\fB2\fR
A usage error, an unreadable or unwritable file, a wrong key or passphrase, a missing ledger.
.PP
Errors are two lines on standard error, \fBerror:\fR what happened and \fBhint:\fR what to do; with \fB\-\-json\fR the same error is also a JSON document on standard output.
"#;

const ENVIRONMENT: &str = r#".SH ENVIRONMENT
.TP
\fBLICET_LEDGER\fR
The ledger file, when \fB\-\-ledger\fR is not given.
.TP
\fBLICET_PASSPHRASE\fR
The passphrase of a secret key, when \fB\-\-passphrase\-file\fR is not given (otherwise it is asked on the terminal).
.TP
\fBLICET_PLANS\fR
The plans file, when \fB\-\-plans\fR is not given.
.TP
\fBXDG_DATA_HOME\fR, \fBXDG_CONFIG_HOME\fR, \fBHOME\fR
Where the default ledger and plans file are (see FILES).
"#;

const FILES: &str = r#".SH FILES
.TP
\fI$XDG_DATA_HOME/licet/ledger.sqlite\fR (else \fI~/.local/share/licet/ledger.sqlite\fR)
The default ledger: every license minted or imported, its holder, contact and allocation. Created by \fBlicet ledger init\fR only, mode 0600.
.TP
\fI$XDG_CONFIG_HOME/licet/plans.toml\fR (else \fI~/.config/licet/plans.toml\fR)
Plans over the built-in ones (\fBlicet plans\fR lists them).
.TP
\fINAME.key\fR, \fINAME.pub\fR
A secret key (PKCS#8, encrypted unless \fB\-\-unencrypted\fR; mode 0600) and its public key, as \fBlicet key generate\fR writes them.
.TP
\fINAME.lic\fR
A license file: text (\-\-\-\-\-BEGIN LICET LICENSE\-\-\-\-\-) or binary (\fB\-\-binary\fR).
"#;

/// Every page's name (`licet`, `licet-issue`, `licet-ledger-list`, …) and
/// its command, parents before children; hidden commands are left out.
fn pages() -> Vec<(String, clap::Command)> {
    fn walk(cmd: &clap::Command, name: String, out: &mut Vec<(String, clap::Command)>) {
        out.push((name.clone(), cmd.clone()));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, format!("{name}-{}", sub.get_name()), out);
        }
    }
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    walk(&cmd, "licet".to_owned(), &mut out);
    out
}

/// One page in roff: clap's sections, then licet's.
fn render(name: &str, cmd: clap::Command, all: &[String]) -> std::io::Result<Vec<u8>> {
    let has_args = cmd.get_arguments().any(|a| !a.is_hide_set());
    let has_subs = cmd.get_subcommands().any(|s| !s.is_hide_set());
    let man = Man::new(cmd.clone().display_name(name.to_owned()))
        .title(name.to_uppercase())
        .manual("licet manual")
        .source(format!("licet {}", env!("CARGO_PKG_VERSION")));
    let mut w = Vec::new();
    man.render_title(&mut w)?;
    man.render_name_section(&mut w)?;
    man.render_synopsis_section(&mut w)?;
    man.render_description_section(&mut w)?;
    if has_args {
        man.render_options_section(&mut w)?;
    }
    if has_subs {
        man.render_subcommands_section(&mut w)?;
    }
    w.write_all(EXIT_STATUS.as_bytes())?;
    w.write_all(ENVIRONMENT.as_bytes())?;
    w.write_all(FILES.as_bytes())?;
    let related: Vec<String> = all
        .iter()
        .filter(|other| {
            *other != name
                && (*other == "licet"
                    || other.strip_prefix(name).is_some_and(|r| r.starts_with('-'))
                    || name
                        .strip_prefix(other.as_str())
                        .is_some_and(|r| r.starts_with('-')))
        })
        .map(|other| format!("\\fB{}\\fR(1)", other.replace('-', "\\-")))
        .collect();
    writeln!(w, ".SH \"SEE ALSO\"")?;
    writeln!(
        w,
        "{}{}docs/CLI.md in the licet sources: exit codes, JSON shapes, the ledger's rules.",
        related.join(", "),
        if related.is_empty() { "" } else { "; " }
    )?;
    Ok(w)
}

pub fn run(args: &ManArgs, out: &mut dyn Write) -> Result<u8> {
    let pages = pages();
    let names: Vec<String> = pages.iter().map(|(n, _)| n.clone()).collect();
    match &args.out_dir {
        None => {
            let (name, cmd) = pages
                .into_iter()
                .next()
                .unwrap_or_else(|| ("licet".to_owned(), Cli::command()));
            out.write_all(&render(&name, cmd, &names)?)?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| io_error(dir, "create", &e))?;
            let count = pages.len();
            for (name, cmd) in pages {
                let path = dir.join(format!("{name}.1"));
                let page = render(&name, cmd, &names).map_err(|e| io_error(&path, "write", &e))?;
                crate::files::write_output(&path, &page, true)?;
            }
            writeln!(
                out,
                "wrote {count} man pages to {} (man -l {}/licet.1)",
                crate::output::safe(&dir.display().to_string()),
                crate::output::safe(&dir.display().to_string())
            )?;
        }
    }
    Ok(0)
}

/// The page names `licet man --out-dir` writes, for tests and packaging.
pub fn page_names() -> Vec<String> {
    pages().into_iter().map(|(n, _)| n).collect()
}
